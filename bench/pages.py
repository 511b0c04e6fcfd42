"""Khedmat's pages over HTTP beside the floor (issue 19): gunicorn with 2 sync workers, DEBUG off, serving Khedmat on
its embedded profile and, side by side, a bare Django project (`bench/floor/`) whose page reads and renders 50 of N
rows; the same database kind, the same N and the same load (wrk, 8 connections) for both. A page's cost is the
floor's requests per second divided by the page's: 1.0 is as cheap as a bare Django page. Pages for signed-in people
are compared with the floor's page signed in, public pages with it anonymous.

    .venv/bin/python bench/pages.py --sizes 10000,100000               # SQLite files under var/bench-http-N/
    .venv/bin/python bench/pages.py --sizes 10000,100000 --postgres    # a throwaway PostgreSQL under var/bench-pg/

Each size keeps its databases, so a rerun skips the seeding. Run it on an idle machine: the load generator, both
servers and the database share its 2 cores. Reported, never asserted (the query budgets are asserted in the tests).

What is seeded: the demo data (real dossiers of services 2 and 4, the demo staff and applicants), then N synthetic
cases of services 2 and 4 in Tehran spread over their states (one in 20 the demo applicant's, the rest 50 others'),
with three events and a document each. The floor gets N rows of the same width.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var"
PYTHON = sys.executable
PG_PORT = 5434
KHEDMAT_PORT, FLOOR_PORT = 8301, 8302
# Raised for the run only: the defaults (bench's wrk sends everything from one address and one code) would refuse it.
LIMITS = {"VERIFY_RATE_LIMIT": "100000000", "VERIFY_RATE_LIMIT_PER_CODE": "100000000",
          "VERIFY_RATE_LIMIT_PER_SESSION": "100000000"}


# ---------------------------------------------------------------------------------------------------- seeding (child)

def seed_khedmat(size: int) -> dict:
    """In a child process configured on Khedmat's bench database: the demo data, N synthetic cases, sessions."""
    import django

    django.setup()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    sys.path.insert(0, str(BENCH))
    import harness

    from khedmat.accounts.models import User
    from khedmat.cases.models import Case
    from khedmat.cases.process import Clock, get_process
    from khedmat.cases.tracking import tracking_compose
    from khedmat.catalog.models import Service
    from khedmat.certificates.models import OfficialDocument
    from khedmat.core.models import Province
    from khedmat.core.validators import national_id_complete
    from khedmat.services.contractor_qualification import constants as contractor
    from khedmat.services.contractor_qualification import demo_data as contractor_demo
    from khedmat.services.institute_accreditation import constants as accreditation
    from khedmat.testing import login, make_user

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    expert = User.objects.filter(national_id=national_id_complete(contractor_demo.EXPERT)).first()
    if expert is None:
        call_command("load_demo_data", verbosity=0, stdout=open(os.devnull, "w"))
        expert = User.objects.get(national_id=national_id_complete(contractor_demo.EXPERT))
    owner = User.objects.get(national_id=national_id_complete(contractor_demo.NARGES))
    tehran = Province.objects.get(code="tehran")
    services, finals = [], set()
    for code in (contractor.SERVICE_CODE, accreditation.SERVICE_CODE):
        service, process = Service.objects.get(code=code), get_process(code)
        states = {s.code: s.clock == Clock.ORGANIZATION for s in process.states if s.code != process.initial}
        services.append((service, service.statements.get(version=1), process.version, states))
        finals.update(s.code for s in process.states if s.is_final)
    synthetic = Case.objects.filter(title__startswith="درخواست آزمایشی")
    existing = synthetic.count()
    rng = random.Random(size)
    now = timezone.now()
    applicants = [make_user() for _ in range(50)] if existing < size else []
    while existing < size:
        n = min(5000, size - existing)
        cases = []
        for i in range(n):
            seq = existing + i + 1
            service, statement, version, states = services[seq % 2]
            person = owner if seq % 20 == 0 else rng.choice(applicants)
            submitted = now - dt.timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(0, 1440))
            state = rng.choice(list(states))
            running = states[state]
            cases.append(Case(
                service=service, process_version=version, sla_statement=statement, province=tehran, applicant=person,
                state=state, tracking_number=tracking_compose(service_number=service.number, year=1405,
                                                              sequence=900_000 + seq),
                title=f"درخواست آزمایشی {seq}", search_text=f"کاربر آزمایشی {seq} | {person.national_id}",
                applicant_national_id=person.national_id, first_submitted_at=submitted, submitted_at=submitted,
                closed_at=submitted if state in finals else None, sla_target_days=15, sla_running=running,
                sla_banked_days=rng.randrange(0, 4), sla_run_started_at=submitted,
                sla_deadline=submitted + dt.timedelta(days=21), sla_warning_at=submitted + dt.timedelta(days=15),
                data={}))
        Case.objects.bulk_create(cases, batch_size=1000)
        harness.case_histories(n, expert_id=expert.pk, requirement="bench", now=now)
        existing += n
        print(f"  seeded {existing:,}/{size:,}", file=sys.stderr)
    harness.analyze()

    def demo_case(code, *states):
        return (Case.objects.filter(service__code=code, state__in=states)
                .exclude(title__startswith="درخواست آزمایشی").order_by("id").first())

    contractor_case = demo_case(contractor.SERVICE_CODE, contractor.QualificationState.UNDER_REVIEW)
    accreditation_case = demo_case(accreditation.SERVICE_CODE, accreditation.AccreditationState.DOCUMENT_REVIEW,
                                   accreditation.AccreditationState.AWAITING_COMMITTEE,
                                   accreditation.AccreditationState.VISITED)
    owners_case = Case.objects.filter(applicant=owner).exclude(title__startswith="درخواست آزمایشی").order_by(
        "-id").first()
    document = OfficialDocument.objects.filter(status="valid").order_by("id").first()
    head = User.objects.get(national_id=national_id_complete(contractor_demo.UNIT_HEAD))
    staff_client, head_client, owner_client = login(Client(), expert), login(Client(), head), login(Client(), owner)
    tracking = Case.objects.filter(title__startswith="درخواست آزمایشی").order_by("id").values_list(
        "tracking_number", flat=True)[size // 2]
    targets = [
        # (name, who, path); who: "anonymous", "staff" (the expert of service 4), "head", "applicant"
        ("home page", "anonymous", "/"),
        ("verification by id", "anonymous", f"/verify/{document.public_id}/"),
        ("verification by code (JSON)", "anonymous", f"/verify/json/?code={document.verification_code}"),
        ("public register of companies", "anonymous", "/registry/"),
        ("public register of institutes", "anonymous", "/institutes/"),
        ("staff queue", "staff", "/staff/cases/queue/"),
        ("queue, filtered", "staff", "/staff/cases/queue/?sla=on_track&sort=-submitted"),
        ("queue, search by tracking number", "staff", f"/staff/cases/queue/?q={tracking}"),
        ("case page, service 4 (expert)", "staff", f"/cases/{contractor_case.public_id}/"),
        ("case page, service 2 (unit head)", "head", f"/cases/{accreditation_case.public_id}/"),
        ("applicant dashboard", "applicant", "/cases/"),
        ("case page (applicant)", "applicant", f"/cases/{owners_case.public_id}/"),
    ]
    clients = {"anonymous": Client(), "staff": staff_client, "head": head_client, "applicant": owner_client}
    queries = {}
    for name, who, path in targets:
        clients[who].get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = clients[who].get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        queries[name] = len(ctx.captured_queries)
    cookies = {who: "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
               for who, client in clients.items()}
    return {"targets": targets, "queries": queries, "cookies": cookies}


def seed_floor(size: int) -> dict:
    """In a child process configured on the floor's database: N rows and a signed-in session."""
    import django

    django.setup()
    import datetime as dt
    import random

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from floor.models import Row

    call_command("migrate", run_syncdb=True, verbosity=0)
    rng, now = random.Random(size), timezone.now()
    existing = Row.objects.count()
    while existing < size:
        n = min(5000, size - existing)
        rows = []
        for i in range(existing + 1, existing + n + 1):
            submitted = now - dt.timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(0, 1440))
            rows.append(Row(tracking_number=f"{i:012d}", title=f"درخواست آزمایشی {i}",
                            state=rng.choice(["under_review", "under_review", "approved", "rejected"]),
                            applicant_name=f"کاربر آزمایشی {i % 50}", submitted_at=submitted,
                            deadline=submitted + dt.timedelta(days=21)))
        Row.objects.bulk_create(rows, batch_size=1000)
        existing += n
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.filter(username="floor").first() or User.objects.create_user("floor", password="floor")
    client, anonymous = Client(), Client()
    client.force_login(user)
    queries = {}
    for who, c in (("anonymous", anonymous), ("signed in", client)):
        c.get("/rows/")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/rows/").status_code == 200
        queries[who] = len(ctx.captured_queries)
    return {"cookie": "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()), "queries": queries}


# ---------------------------------------------------------------------------------------------------- the run (parent)

def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except Exception:  # noqa: BLE001 — not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def postgres_start() -> str:
    """A throwaway PostgreSQL cluster under var/bench-pg (kept between runs; fsync off, as in CI)."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    data = VAR / "bench-pg"
    as_postgres = os.geteuid() == 0
    run = (lambda cmd: subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True,
                                      stdout=subprocess.DEVNULL)) if as_postgres else (
        lambda cmd: subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL))
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if as_postgres:
            shutil.chown(data, "postgres", "postgres")
            VAR.chmod(0o755)
        run(f"{pgbin}/initdb -D {data} -U postgres -A trust -E UTF8 --locale=C.UTF-8")
    if _port_free(PG_PORT):
        run(f"{pgbin}/pg_ctl -D {data} -l {data}/server.log -w -o '-c listen_addresses=127.0.0.1 -p {PG_PORT} "
            f"-k {data} -c fsync=off -c shared_buffers=512MB' start")
    return f"postgres://postgres@127.0.0.1:{PG_PORT}"


def _database_urls(size: int, postgres: str | None) -> tuple[str, str]:
    if postgres:
        for name in (f"bench_http_{size}", f"bench_floor_{size}"):
            subprocess.run(["psql", f"{postgres}/postgres", "-qc", f"CREATE DATABASE {name}"],
                           stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        return f"{postgres}/bench_http_{size}", f"{postgres}/bench_floor_{size}"
    (VAR / f"bench-http-{size}").mkdir(parents=True, exist_ok=True)
    return (f"sqlite:///{VAR / f'bench-http-{size}' / 'khedmat.sqlite3'}",
            f"sqlite:///{VAR / f'bench-http-{size}' / 'floor.sqlite3'}")


def _environments(size: int, khedmat_db: str, floor_db: str) -> tuple[dict, dict]:
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG")}
    khedmat = {**base, **LIMITS, "DJANGO_SETTINGS_MODULE": "khedmat.settings.embedded", "DATABASE_URL": khedmat_db,
               "KHEDMAT_VAR_DIR": str(VAR / f"bench-http-{size}"), "PYTHONPATH": str(ROOT),
               "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "KHEDMAT_SITE_URL": f"http://127.0.0.1:{KHEDMAT_PORT}"}
    floor = {**base, "DJANGO_SETTINGS_MODULE": "floor.settings", "DATABASE_URL": floor_db,
             "PYTHONPATH": str(BENCH / "floor")}
    return khedmat, floor


def _child(kind: str, size: int, env: dict) -> dict:
    out = subprocess.run([PYTHON, __file__, "--seed", kind, "--sizes", str(size)], env=env, capture_output=True,
                         text=True)
    if out.returncode:
        raise RuntimeError(f"seeding {kind} failed:\n{out.stderr[-4000:]}")
    for line in out.stdout.splitlines():
        if line.startswith("RESULT\t"):
            return json.loads(line.split("\t", 1)[1])
    raise RuntimeError(out.stdout + out.stderr)


def _gunicorn(app: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(Path(PYTHON).parent / "gunicorn"), app, "--workers", "2", "--worker-class", "sync",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            env=env, cwd=ROOT, start_new_session=True)


def _workers_rss_mib(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sorted(sizes)


def wrk(url: str, cookie: str, *, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second and the count of answers that were not 2xx/3xx."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


def run_size(size: int, postgres: str | None, seconds: int, connections: int, only: str = "") -> dict:
    khedmat_db, floor_db = _database_urls(size, postgres)
    khedmat_env, floor_env = _environments(size, khedmat_db, floor_db)
    print(f"== {size:,} cases on {'PostgreSQL' if postgres else 'SQLite'}: seeding", file=sys.stderr)
    khedmat, floor = _child("khedmat", size, khedmat_env), _child("floor", size, floor_env)
    servers = [_gunicorn("khedmat.wsgi", KHEDMAT_PORT, khedmat_env), _gunicorn("floor.wsgi", FLOOR_PORT, floor_env)]
    try:
        _wait_for(f"http://127.0.0.1:{KHEDMAT_PORT}/healthz")
        _wait_for(f"http://127.0.0.1:{FLOOR_PORT}/rows/")
        rss_idle = _workers_rss_mib(servers[0])
        floor_url = f"http://127.0.0.1:{FLOOR_PORT}/rows/"
        result = {"queries": khedmat["queries"], "floor_queries": floor["queries"], "pages": {},
                  "targets": khedmat["targets"]}
        for cookie in ("", floor["cookie"]):
            wrk(floor_url, cookie, seconds=2, connections=connections)  # warm
        floor_rates = {"anonymous": [], "signed in": []}
        for name, who, path in khedmat["targets"]:
            if only not in name:
                continue
            url = f"http://127.0.0.1:{KHEDMAT_PORT}{path}"
            floor_who = "anonymous" if who == "anonymous" else "signed in"
            floor_cookie = "" if who == "anonymous" else floor["cookie"]
            wrk(url, khedmat["cookies"][who], seconds=2, connections=connections)  # warm both workers
            rate, bad = wrk(url, khedmat["cookies"][who], seconds=seconds, connections=connections)
            # The floor is measured right after each page, so that both see the machine in the same state.
            floor_rate, floor_bad = wrk(floor_url, floor_cookie, seconds=seconds, connections=connections)
            floor_rates[floor_who].append(floor_rate)
            print(f"  {name}: {rate:.0f} req/s (floor {floor_rate:.0f}){' BAD ' + str(bad) if bad else ''}",
                  file=sys.stderr)
            result["pages"][name] = {"who": who, "rate": rate, "floor": floor_rate, "bad": bad + floor_bad}
        result["rss_idle"] = rss_idle
        result["rss_loaded"] = _workers_rss_mib(servers[0])
        result["floor_rss_loaded"] = _workers_rss_mib(servers[1])
        return result
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def table(results: dict[int, dict], sizes: list[int], database: str) -> None:
    print(f"{database}, gunicorn 2 sync workers, wrk 8 connections; req/s, cost vs floor (floor req/s ÷ page req/s), "
          f"queries\n")
    header = " | ".join(f"{s:,}: req/s | cost | queries" for s in sizes)
    print(f"| page | who | {header} |")
    print("|---|---|" + "---:|---:|---:|" * len(sizes))
    first = results[sizes[0]]["pages"]
    for name, page in first.items():
        cells = " | ".join(f"{results[s]['pages'][name]['rate']:,.0f} | "
                           f"{results[s]['pages'][name]['floor'] / results[s]['pages'][name]['rate']:.2f} | "
                           f"{results[s]['queries'][name]}" for s in sizes)
        print(f"| {name} | {page['who']} | {cells} |")
    for s in sizes:
        floors = [p["floor"] for p in results[s]["pages"].values()]
        print(f"\n{s:,}: floor {min(floors):,.0f}–{max(floors):,.0f} req/s (queries anonymous / signed in: "
              f"{results[s]['floor_queries']['anonymous']} / {results[s]['floor_queries']['signed in']}); "
              f"Khedmat workers' RSS MiB idle {results[s]['rss_idle']}, after the load {results[s]['rss_loaded']} "
              f"(floor's {results[s]['floor_rss_loaded']}); non-2xx answers: "
              f"{sum(p['bad'] for p in results[s]['pages'].values())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument("--seed", choices=["khedmat", "floor"])
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.seed:
        sys.path.insert(0, str(ROOT))
        result = (seed_khedmat if args.seed == "khedmat" else seed_floor)(sizes[0])
        print(f"RESULT\t{json.dumps(result)}")
        return
    if not shutil.which("wrk"):
        sys.exit("bench/pages.py needs wrk (apt-get install wrk).")
    postgres = postgres_start() if args.postgres else None
    results = {size: run_size(size, postgres, args.seconds, args.connections, args.only) for size in sizes}
    (VAR / f"bench-http-{'pg' if postgres else 'sqlite'}.json").write_text(json.dumps(results, indent=1))
    table(results, sizes, "PostgreSQL 15" if postgres else "SQLite")


if __name__ == "__main__":
    main()
