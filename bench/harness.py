"""What every Django benchmark here shares: one process per size (Django is configured once per process),
a SQLite file per benchmark and size under var/ unless DATABASE_URL is set, and results passed back from
the child process as `RESULT\t<json>` lines (`main`); the seeding steps and measurements the benchmarks
have in common. Django and khedmat are imported inside the functions: Django is configured by `setup`,
after this module is imported."""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def sizes_from_arguments(default: str = "10000,100000") -> list[int]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=default)
    return [int(s) for s in parser.parse_args().sizes.split(",")]


def setup(name: str, size: int) -> None:
    """Configure Django on the benchmark's own database (kept, so a rerun skips seeding)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khedmat.settings.test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'bench-{name}-{size}.sqlite3'}"
    import django

    django.setup()


def report(result) -> None:
    """In the child process: hand the measurements back to the parent."""
    print(f"RESULT\t{json.dumps(result)}")


def run_per_size(script: str, sizes: list[int]) -> dict[int, object]:
    """In the parent process: run `script` once per size and collect what each child reported."""
    results = {}
    for size in sizes:
        out = subprocess.run([sys.executable, script, "--sizes", str(size)], check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines():
            if line.startswith("RESULT\t"):
                results[size] = json.loads(line.split("\t", 1)[1])
    return results


def median_ms(run, repeat: int) -> tuple[float, int]:
    """Median milliseconds of `repeat` runs after a warm-up run, and the queries of the last run."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm caches (calendar index, templates)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    return statistics.median(times) * 1000, queries


def main(script: str, name: str, *, seed, measure, table, default_sizes: str = "10000,100000") -> None:
    """A benchmark's command line: with several --sizes, run `script` once per size and print `table(rows,
    sizes)`; with one, be that child: configure Django on the database of `name`, `seed(size)` and report
    `measure(seed's result)`."""
    sizes = sizes_from_arguments(default_sizes)
    if len(sizes) > 1:
        table(run_per_size(script, sizes), sizes)
        return
    setup(name, sizes[0])
    report(measure(seed(sizes[0])))


def service_and_head(service_code: str, head_national_id: str):
    """Migrate and load the reference data; then (service, its SLA statement 1, Tehran, a unit head in Tehran)."""
    from django.core.management import call_command

    from khedmat.accounts.models import User
    from khedmat.catalog.models import Service
    from khedmat.core.models import Province
    from khedmat.testing import make_staff

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    service = Service.objects.get(code=service_code)
    statement = service.statements.get(version=1)
    tehran = Province.objects.get(code="tehran")
    head = User.objects.filter(national_id=head_national_id).first() or make_staff(
        province=tehran, roles=["unit_head"], national_id=head_national_id)
    return service, statement, tehran, head


def later(calendar, instant: dt.datetime, working_days: int, hour: int) -> dt.datetime:
    """A synthetic step: `working_days` working days after `instant` (0: the same day), at `hour` Tehran time,
    and at least a minute after `instant`."""
    from khedmat.core.jalali import TEHRAN

    day = calendar.add_working_days(instant, working_days) if working_days else instant.astimezone(TEHRAN).date()
    return max(instant + dt.timedelta(minutes=1), dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN))


def chain_linked(rows: list) -> list:
    """Rows of a hash-chained model (cases' events) for bulk_create, which skips their save(): each stream's
    rows, given in order, linked by hash as save() links them (a stream must be new: it starts at genesis)."""
    from khedmat.core.chain import chain_rows

    if rows:
        model = type(rows[0])
        for row, prev_hash, digest in chain_rows(rows, model.chain_fields, model.chain_stream):
            row.prev_hash, row.hash = prev_hash, digest
    return rows


def case_histories(n: int, *, expert_id: int, requirement: str, now) -> None:
    """For the `n` cases created last (by bulk_create): three events each (created, submitted, moved by the expert
    into the case's state) and one uploaded document, as a synthetic case's history."""
    from khedmat.cases.models import Case, CaseEvent, Document, DocumentVersion

    created = list(Case.objects.order_by("-id")[:n].values_list("id", "first_submitted_at", "state", "applicant_id"))
    events, documents = [], []
    for case_id, at, state, owner_id in created:
        events += [
            CaseEvent(case_id=case_id, created_at=at - dt.timedelta(hours=1), event_type="created",
                      to_state="draft", actor_id=owner_id),
            CaseEvent(case_id=case_id, created_at=at, event_type="submitted", from_state="draft",
                      to_state="under_review", actor_id=owner_id),
            CaseEvent(case_id=case_id, created_at=at + dt.timedelta(hours=2), event_type="transition",
                      from_state="under_review", to_state=state, actor_id=expert_id),
        ]
        documents.append(Document(case_id=case_id, requirement=requirement))
    CaseEvent.objects.bulk_create(chain_linked(events), batch_size=2000)
    Document.objects.bulk_create(documents, batch_size=2000)
    docs = Document.objects.filter(requirement=requirement, versions__isnull=True).values_list(
        "id", "case__applicant_id")
    DocumentVersion.objects.bulk_create([
        DocumentVersion(document_id=doc_id, number=1, file="documents/bench.pdf", original_name="کارت ملی.pdf",
                        content_type="application/pdf", size=1000, sha256="0" * 64, uploaded_by_id=owner_id,
                        uploaded_at=now) for doc_id, owner_id in docs
    ], batch_size=2000)


def analyze() -> None:
    """Table statistics after seeding, as autovacuum keeps them on PostgreSQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def service_report_1404(report, people: dict, *, page_url: str, export_url: str, export_params: dict,
                        repeat: int) -> tuple[object, object, dict]:
    """Measure a service's report (`report`: its report module) of Jalali 1404 in Tehran as its unit head
    (`people["head"]`) sees it: (the figures, the period, the measurements) — the measurements are the peak
    Python memory of one run of the figures, then the median ms and queries of the figures, of the page and of
    the Excel export (half as many runs)."""
    import tracemalloc

    from django.test import Client

    from khedmat.core import jalali
    from khedmat.testing import login

    period = report.Period(*jalali.jalali_year_bounds(1404))
    province_id = people["province"].pk
    client = login(Client(), people["head"])
    params = {"date_from": "1404/01/01", "date_to": "1404/12/29"}

    def figures():
        return report.service_report(province_id=province_id, period=period)

    def page():
        assert client.get(page_url, params).status_code == 200

    def export():
        assert client.get(export_url, {**params, **export_params}).status_code == 200

    result = figures()
    tracemalloc.start()
    figures()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, period, {"peak_mib": peak, "figures": median_ms(figures, repeat), "page": median_ms(page, repeat),
                            "export": median_ms(export, max(1, repeat // 2))}
