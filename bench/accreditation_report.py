"""The service report of service 2 at scale (SERVICES.md §3.9): seed N synthetic accreditation cases over two
Jalali years (1403–1404) with their state changes (returns, deficiency rounds, committee returns and
rejections, licences delivered, suspended, revoked, expired), supervision records and visits and scope
violations, and measure the report of 1404 — the figures (`report.service_report`), the page and the Excel
export: median time, SQL queries and, for the figures, peak Python memory and time per case read.

    .venv/bin/python bench/accreditation_report.py --sizes 1000,10000          # SQLite files under var/
    DATABASE_URL=postgres://… .venv/bin/python bench/accreditation_report.py --sizes 10000

Targets: queries do not grow with N (no query per case); time grows with the cases read for the period and
no faster (a flat time per case). Reported, never asserted.
"""
import datetime as dt
import random
import sys
import tracemalloc

import harness


def _flow(rng, calendar, filed):
    """State changes [(instant, to_state)] of one case, from its filing."""
    from khedmat.core.jalali import TEHRAN

    def later(instant, working_days, hour):
        day = calendar.add_working_days(instant, working_days) if working_days else instant.astimezone(TEHRAN).date()
        return max(instant + dt.timedelta(minutes=1), dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN))

    now = filed
    events = [(now, "filed")]

    def go(state, working_days, hour=10):
        nonlocal now
        now = later(now, working_days, hour)
        events.append((now, state))

    if rng.random() < 0.15:
        go("returned_incomplete", rng.randint(0, 3))
        if rng.random() < 0.2:
            return events
        go("filed", rng.randint(2, 12), 9)
    if rng.random() < 0.05:
        return events
    go("document_review", rng.randint(0, 4))
    for _round in range(rng.choices((0, 1, 2), weights=(6, 3, 1))[0]):
        go("deficiencies_notified", rng.randint(1, 8), 12)
        if rng.random() < 0.1:
            return events
        go("document_review", rng.randint(3, 20), 9)
    if rng.random() < 0.05:
        return events
    go("visit_scheduled", rng.randint(1, 5))
    go("visited", rng.randint(2, 12), 13)
    go("ceo_checks_pending", rng.randint(0, 2), 14)
    if rng.random() < 0.05:
        return events
    go("awaiting_committee", rng.randint(3, 25), 9)
    if rng.random() < 0.05:
        return events
    outcome = rng.choices(("committee_approved", "rejected", "deficiencies_notified"), weights=(8, 1, 1))[0]
    go(outcome, rng.randint(2, 20), 11)
    if outcome != "committee_approved":
        return events
    go("licence_issued", rng.randint(1, 6), 12)
    if rng.random() < 0.05:
        return events
    go("active", rng.randint(1, 8), 10)
    end = rng.choices((None, "suspended", "revoked", "expired"), weights=(85, 5, 5, 5))[0]
    if end:
        go(end, rng.randint(20, 200), 10)
    return events


def seed(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from khedmat.accounts.models import User
    from khedmat.appointments.models import Appointment
    from khedmat.cases import sla
    from khedmat.cases.models import Case, CaseEvent
    from khedmat.cases.process import Clock, get_process
    from khedmat.cases.tracking import tracking_compose
    from khedmat.catalog.models import Service
    from khedmat.core import jalali
    from khedmat.core.jalali import TEHRAN
    from khedmat.core.models import Province
    from khedmat.core.validators import national_id_complete
    from khedmat.services.institute_accreditation.models import ScopeViolation, SupervisionRecord
    from khedmat.testing import make_organization, make_staff, make_user
    from khedmat.workcalendar.selectors import calendar_for

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    service = Service.objects.get(code="institute_accreditation")
    statement = service.statements.get(version=1)
    tehran = Province.objects.get(code="tehran")
    head_id = national_id_complete("799999996")
    head = User.objects.filter(national_id=head_id).first() or make_staff(province=tehran, roles=["unit_head"],
                                                                          national_id=head_id)
    existing = Case.objects.filter(service=service).count()
    if existing >= size:
        return {"head": head, "province": tehran}
    process = get_process("institute_accreditation")
    calendar = calendar_for(province=tehran.pk)
    rng = random.Random(size)
    institutes = [make_organization(owner=make_user(), province=tehran, kind="institute",
                                    name=f"موسسه آموزشی نمونه {i}")
                  for i in range(60)]
    window_start = dt.datetime.combine(jalali.from_jalali(1403, 1, 5), dt.time(9), tzinfo=TEHRAN)
    window_days = (jalali.from_jalali(1404, 11, 1) - jalali.from_jalali(1403, 1, 5)).days
    measured_at = dt.datetime.combine(jalali.from_jalali(1405, 1, 20), dt.time(12), tzinfo=TEHRAN)
    batch = 2000
    while existing < size:
        n = min(batch, size - existing)
        flows, cases = [], []
        for i in range(n):
            seq = existing + i + 1
            filed = window_start + dt.timedelta(days=rng.randrange(window_days), minutes=rng.randrange(480))
            events = _flow(rng, calendar, filed)
            state = events[-1][1]
            segments = sla.running_segments([(at, process.state(s).clock == Clock.ORGANIZATION) for at, s in events])
            running = bool(segments) and segments[-1].end is None
            institute = rng.choice(institutes)
            flows.append(events)
            cases.append(Case(
                service=service, process_version=1, sla_statement=statement, province=tehran,
                applicant_id=institute.created_by_id, organization=institute, state=state,
                tracking_number=tracking_compose(service_number=service.number, year=1404, sequence=seq),
                data={"request_kind": "new_licence", "group": "-", "domains": []}, search_text=institute.name,
                applicant_national_id=institute.national_id, first_submitted_at=filed, submitted_at=filed,
                closed_at=events[-1][0] if process.state(state).is_final else None, sla_target_days=10,
                sla_banked_days=sla.used_working_days(segments[:-1] if running else segments, calendar, measured_at),
                sla_running=running, sla_run_started_at=segments[-1].start if running else None,
            ))
        Case.objects.bulk_create(cases, batch_size=1000)
        ids = list(Case.objects.filter(service=service).order_by("-id")[:n].values_list("id", flat=True))[::-1]
        rows, records, visits, violations = [], [], [], []
        for case_id, events in zip(ids, flows, strict=True):
            previous = "draft"
            for at, state in events:
                kind = ("submitted" if previous == "draft" else "deficiency_notice" if state == "deficiencies_notified"
                        else "resubmitted" if previous == "deficiencies_notified" else "transition")
                rows.append(CaseEvent(case_id=case_id, created_at=at, event_type=kind, from_state=previous,
                                      to_state=state))
                previous = state
            delivered = next((at for at, state in events if state == "active"), None)
            if delivered is None:
                continue
            for _k in range(rng.randint(0, 3)):
                when = delivered + dt.timedelta(days=rng.randint(10, 300))
                if rng.random() < 0.3:
                    visits.append(Appointment(case_id=case_id, kind="supervision_visit", state="held", starts_at=when,
                                              ends_at=when + dt.timedelta(hours=2), created_by=head))
                else:
                    records.append(SupervisionRecord(case_id=case_id, kind=rng.choice(("finding", "warning")),
                                                     text="نظارت", recorded_by=head, recorded_at=when))
            if rng.random() < 0.1:
                violations.append(ScopeViolation(case_id=case_id,
                                                 kind=rng.choice(("outside_domain", "outside_province", "other")),
                                                 description="تخلف", recorded_by=head,
                                                 occurred_on=jalali.local_date(delivered)
                                                 + dt.timedelta(days=rng.randint(5, 200))))
        CaseEvent.objects.bulk_create(rows, batch_size=2000)
        SupervisionRecord.objects.bulk_create(records, batch_size=2000)
        Appointment.objects.bulk_create(visits, batch_size=2000)
        ScopeViolation.objects.bulk_create(violations, batch_size=2000)
        existing += n
        print(f"  seeded {existing:,}/{size:,}", file=sys.stderr)
    with connection.cursor() as cursor:  # table statistics, as autovacuum keeps them on PostgreSQL
        cursor.execute("ANALYZE")
    return {"head": head, "province": tehran}


def measure(people: dict, repeat: int = 5) -> dict:
    from django.test import Client

    from khedmat.catalog.models import Service
    from khedmat.core import jalali
    from khedmat.services.institute_accreditation import report
    from khedmat.testing import login

    period = report.Period(*jalali.jalali_year_bounds(1404))
    province_id = people["province"].pk
    client = login(Client(), people["head"])
    params = {"date_from": "1404/01/01", "date_to": "1404/12/29"}

    def page():
        assert client.get("/staff/accreditation/report/", params).status_code == 200

    def export():
        assert client.get("/staff/accreditation/report/", {**params, "format": "xlsx"}).status_code == 200

    result = report.service_report(province_id=province_id, period=period)
    read = len(report.report_cases(province_id=province_id, service_id=Service.objects.get(code=report.SERVICE_CODE).pk,
                                   period=period))
    tracemalloc.start()
    report.service_report(province_id=province_id, period=period)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figures = harness.median_ms(lambda: report.service_report(province_id=province_id, period=period), repeat)
    return {
        "read": read, "delivered": result.end_to_end.delivered, "licences": result.supervision.licences,
        "peak_mib": peak, "figures": figures, "page": harness.median_ms(page, repeat),
        "export": harness.median_ms(export, max(1, repeat // 2)),
    }


def main() -> None:
    sizes = harness.sizes_from_arguments("1000,10000")
    if len(sizes) > 1:
        rows = harness.run_per_size(__file__, sizes)
        first, last = sizes[0], sizes[-1]
        print("| cases | read for 1404 | delivered in 1404 | licences in 1404 | figures ms / queries | µs per case "
              "read "
              "| peak MiB | page ms / queries | Excel ms / queries |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            r = rows[size]
            print(f"| {size:,} | {r['read']:,} | {r['delivered']:,} | {r['licences']:,} "
                  f"| {r['figures'][0]:.0f} / {r['figures'][1]} | {r['figures'][0] * 1000 / max(1, r['read']):.0f} "
                  f"| {r['peak_mib']:.1f} | {r['page'][0]:.0f} / {r['page'][1]} | {r['export'][0]:.0f} / "
                  f"{r['export'][1]} |")
        a, b = rows[first], rows[last]
        print(f"\ntime ratio {last:,}/{first:,}: figures {b['figures'][0] / a['figures'][0]:.2f}, page "
              f"{b['page'][0] / a['page'][0]:.2f}, Excel {b['export'][0] / a['export'][0]:.2f} "
              f"(cases read ×{b['read'] / max(1, a['read']):.2f})")
        return
    harness.setup("accreditation-report", sizes[0])
    people = seed(sizes[0])
    harness.report(measure(people))


if __name__ == "__main__":
    main()
