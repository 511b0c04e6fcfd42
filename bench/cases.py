"""Case engine at scale: seed N synthetic cases (with events and documents) and measure the staff
queue, a case page and the applicant dashboard — median server time and SQL queries per request.

    .venv/bin/python bench/cases.py --sizes 10000,100000          # SQLite files under var/
    DATABASE_URL=postgres://… .venv/bin/python bench/cases.py --sizes 10000,100000,1000000

Targets (issue #3): queries per request do not grow with N; time from 10k to 100k stays flat
(ratio ≤ 1.3). Reported, never asserted.
"""
import datetime as dt
import random
import statistics
import sys
import time

import harness


def seed(size: int) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from khedmat.cases.models import Case
    from khedmat.cases.process import register
    from khedmat.cases.tests.process import PROCESS
    from khedmat.cases.tracking import tracking_compose
    from khedmat.catalog.models import Service, SlaCommitment, SlaStatement
    from khedmat.core.models import Province
    from khedmat.testing import make_staff, make_user

    register(PROCESS)
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    service, _ = Service.objects.get_or_create(code=PROCESS.service_code, defaults={
        "number": 9, "title": "خدمت آزمایشی", "summary": "-", "owner_unit": "-", "audience": "-", "fee_kind": "free"})
    statement, _ = SlaStatement.objects.get_or_create(service=service, version=1, defaults={
        "effective_from": dt.date(2020, 3, 20), "signed_by_name": "-", "signed_by_title": "-", "introduction": "-",
        "purpose": "-", "validity_text": "-", "termination_text": "-", "published_at": timezone.now()})
    SlaCommitment.objects.get_or_create(statement=statement, code="decision_time", defaults={
        "title": "-", "description": "-", "unit": "working_days", "target": 5})
    tehran = Province.objects.get(code="tehran")
    from khedmat.accounts.models import User

    expert = User.objects.filter(national_id="7999999991").first() or make_staff(
        province=tehran, roles=["expert"], national_id="7999999991")
    dashboard_owner = User.objects.filter(national_id="7999999983").first() or make_user(national_id="7999999983")
    existing = Case.objects.count()
    rng = random.Random(size)
    now = timezone.now()
    applicants = [make_user() for _ in range(50)] if existing < size else []
    batch = 5000
    while existing < size:
        n = min(batch, size - existing)
        cases = []
        for i in range(n):
            seq = existing + i + 1
            owner = dashboard_owner if seq % max(1, size // 20) == 0 else rng.choice(applicants)
            submitted = now - dt.timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(0, 1440))
            state = rng.choice(["under_review", "under_review", "awaiting_approval", "deficiencies_notified",
                                "approved"])
            cases.append(Case(
                service=service, process_version=1, sla_statement=statement, province=tehran, applicant=owner,
                state=state, tracking_number=tracking_compose(service_number=9, year=1405, sequence=seq),
                title=f"درخواست {seq}", search_text=f"کاربر آزمایشی {seq} | {owner.national_id}",
                applicant_national_id=owner.national_id, first_submitted_at=submitted, submitted_at=submitted,
                closed_at=submitted if state == "approved" else None, sla_target_days=5,
                sla_running=state in ("under_review", "awaiting_approval"), sla_banked_days=rng.randrange(0, 4),
                sla_run_started_at=submitted, sla_deadline=submitted + dt.timedelta(days=7),
                sla_warning_at=submitted + dt.timedelta(days=5), data={"subject": "x"},
            ))
        Case.objects.bulk_create(cases, batch_size=1000)
        harness.case_histories(n, expert_id=expert.pk, requirement="id_card", now=now)
        existing += n
        print(f"  seeded {existing:,}/{size:,}", file=sys.stderr)
    harness.analyze()
    return {"expert": expert, "owner": dashboard_owner}


def measure(people: dict, repeat: int = 15) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from khedmat.cases.models import Case
    from khedmat.testing import login

    staff_client = login(Client(), people["expert"])
    owner_client = login(Client(), people["owner"])
    # A case in a fixed state, so that sizes compare the same page.
    case = Case.objects.filter(applicant=people["owner"], state="under_review").order_by("-id").first()
    targets = {
        "staff queue": (staff_client, "/staff/cases/queue/"),
        "queue, filtered": (staff_client, "/staff/cases/queue/?sla=on_track&sort=-submitted"),
        "queue, search": (staff_client, f"/staff/cases/queue/?q={case.tracking_number}"),
        "case page": (owner_client, f"/cases/{case.public_id}/"),
        "applicant dashboard": (owner_client, "/cases/"),
    }
    results = {}
    for name, (client, url) in targets.items():
        client.get(url)  # warm caches (calendar index, templates)
        times, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, (name, response.status_code)
            queries = len(ctx.captured_queries)
        results[name] = (statistics.median(times) * 1000, queries)
    return results


def table(results: dict, sizes: list[int]) -> None:
    header = " | ".join(f"{s:,}: ms / queries" for s in sizes)
    print(f"| request | {header} | time ratio {sizes[-1]:,}/{sizes[0]:,} |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for name in results[sizes[0]]:
        cells = " | ".join(f"{results[s][name][0]:.1f} / {results[s][name][1]}" for s in sizes)
        print(f"| {name} | {cells} | {results[sizes[-1]][name][0] / results[sizes[0]][name][0]:.2f} |")


if __name__ == "__main__":
    harness.main(__file__, "cases", seed=seed, measure=measure, table=table)
