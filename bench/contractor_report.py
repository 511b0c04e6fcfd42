"""The service report of service 4 at scale (SERVICES.md §5.12): seed N synthetic contractor cases over two
Jalali years (1403–1404) with their events, deficiency notices, referrals, inquiries and invoices, and
measure the report of 1404 — the figures (`report.service_report`), the page and the Excel export:
median time, SQL queries and, for the figures, peak Python memory and time per issued case.

    .venv/bin/python bench/contractor_report.py --sizes 10000,100000          # SQLite files under var/
    DATABASE_URL=postgres://… .venv/bin/python bench/contractor_report.py --sizes 100000

Targets: queries do not grow with N (no query per case); time grows with the cases issued in the period
and no faster (a flat time per issued case). Reported, never asserted.
"""
import datetime as dt
import random
import sys
import tracemalloc
import uuid

import harness


def _flow(rng, calendar, submitted):
    """Events [(instant, event_type, to_state)] of one case, its state and SLA clock (working days)."""
    from khedmat.core.jalali import TEHRAN

    def later(instant, working_days, hour):
        day = calendar.add_working_days(instant, working_days) if working_days else instant.astimezone(TEHRAN).date()
        return max(instant + dt.timedelta(minutes=1), dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN))

    events = [(submitted, "submitted", "under_review")]
    roll = rng.random()
    state = ("rejected" if roll < 0.10 else "under_review" if roll < 0.25 else "deficiencies_notified" if roll < 0.30
             else "awaiting_approval" if roll < 0.35 else "issued")
    clock, now = 0, submitted
    rounds = rng.choices((0, 1, 2), weights=(6, 3, 1))[0] if state in ("issued", "deficiencies_notified") else 0
    if state == "deficiencies_notified":
        rounds = max(rounds, 1)
    for i in range(rounds):
        step = rng.randint(1, 6)
        now = later(now, step, 11)
        clock += step
        events.append((now, "deficiency_notice", "deficiencies_notified"))
        if state == "deficiencies_notified" and i == rounds - 1:
            return events, state, clock, rounds
        now = later(now, rng.randint(2, 15), 9)
        events.append((now, "resubmitted", "under_review"))
    if state == "under_review":
        return events, state, clock, rounds
    if state == "rejected":
        step = rng.randint(1, 10)
        events.append((later(now, step, 12), "transition", "rejected"))
        return events, state, clock + step, rounds
    step = rng.choices((rng.randint(2, 10), rng.randint(11, 25), rng.randint(26, 45)), weights=(5, 4, 1))[0]
    now = later(now, step, 10)
    clock += step
    events.append((now, "transition", "awaiting_approval"))
    if state == "awaiting_approval":
        return events, state, clock, rounds
    events += [(now + dt.timedelta(hours=1), "transition", "approved"),
               (now + dt.timedelta(hours=2), "transition", "certificate_issued")]
    state = rng.choices(("certificate_issued", "referred_to_pbo", "registered_in_sajar"), weights=(1, 2, 6))[0]
    if state != "certificate_issued":
        now = later(now, rng.randint(0, 3), 13)
        events.append((now, "transition", "referred_to_pbo"))
    if state == "registered_in_sajar":
        events.append((later(now, rng.randint(1, 10), 12), "transition", "registered_in_sajar"))
    return events, state, clock, rounds


def seed(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F

    from khedmat.accounts.models import User
    from khedmat.cases.models import Case, CaseEvent, DeficiencyItem, DeficiencyNotice
    from khedmat.cases.tracking import tracking_compose
    from khedmat.catalog.models import Service
    from khedmat.certificates.models import DocumentType, OfficialDocument
    from khedmat.core import jalali
    from khedmat.core.jalali import TEHRAN
    from khedmat.core.models import Province
    from khedmat.inquiries.models import Inquiry, InquirySource
    from khedmat.payments.models import FeeSchedule, Invoice
    from khedmat.services.contractor_qualification.models import Application, Referral
    from khedmat.testing import make_staff, make_user
    from khedmat.workcalendar.selectors import calendar_for

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    service = Service.objects.get(code="contractor_qualification")
    statement = service.statements.get(version=1)
    tehran = Province.objects.get(code="tehran")
    head = User.objects.filter(national_id="7999999975").first() or make_staff(
        province=tehran, roles=["unit_head"], national_id="7999999975")
    for year in (1403, 1404):  # the fee tables of these years are not reference data (only 1399 is published)
        first, last = jalali.jalali_year_bounds(year)
        for grade in (1, 2, 3, 4, 5):
            FeeSchedule.objects.get_or_create(service=service, item_code=f"contractor_grade_{grade}", budget_year=year,
                                              defaults={
                "item_label": f"پایه {grade}", "valid_from": first, "valid_to": last,
                "amount_rials": (6 - grade) * 1_500_000 * (year - 1400)})
    existing = Case.objects.filter(service=service).count()
    if existing >= size:
        return {"head": head, "province": tehran}
    certificate = OfficialDocument.objects.filter(number="bench-4").first() or OfficialDocument.objects.create(
        document_type=DocumentType.objects.get(code="grade_certificate"), number="bench-4", year=1404, serial=999_999,
        verification_code="BENCH0000004", holder_name="-", issued_on=dt.date(2025, 4, 5), signer_name="-",
        signer_title="-", issued_by=head, token="-", key_id="bench")
    registry = InquirySource.objects.get(code="civil_registry")
    issuer = InquirySource.objects.get(code="document_issuer")
    fees = {(item, year): amount for item, year, amount in FeeSchedule.objects.filter(service=service).values_list(
        "item_code", "budget_year", "amount_rials")}
    calendar = calendar_for(province=tehran.pk)
    rng = random.Random(size)
    applicants = [make_user() for _ in range(50)]
    window_start = dt.datetime.combine(jalali.from_jalali(1403, 1, 5), dt.time(9), tzinfo=TEHRAN)
    window_days = (jalali.from_jalali(1404, 12, 1) - jalali.from_jalali(1403, 1, 5)).days
    batch = 5000
    while existing < size:
        n = min(batch, size - existing)
        flows, cases = [], []
        for i in range(n):
            seq = existing + i + 1
            submitted = window_start + dt.timedelta(days=rng.randrange(window_days), minutes=rng.randrange(600))
            events, state, clock, rounds = _flow(rng, calendar, submitted)
            grade = rng.choices((5, 4, 3, 1), weights=(40, 35, 23, 2))[0]
            owner = rng.choice(applicants)
            resubmissions = [at for at, kind, _s in events if kind == "resubmitted"]
            final = state in ("rejected", "certificate_issued", "referred_to_pbo", "registered_in_sajar")
            flows.append((events, state, rounds, grade, submitted))
            cases.append(Case(
                service=service, process_version=1, sla_statement=statement, province=tehran, applicant=owner,
                state=state, tracking_number=tracking_compose(service_number=service.number, year=1404, sequence=seq),
                data={"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": grade}]},
                search_text=f"کاربر آزمایشی {seq}", applicant_national_id=owner.national_id,
                first_submitted_at=submitted, submitted_at=resubmissions[-1] if resubmissions else submitted,
                closed_at=events[-1][0] if final else None, sla_target_days=25, sla_banked_days=clock,
                sla_running=state in ("under_review", "awaiting_approval"),
                sla_run_started_at=events[-1][0] if state in ("under_review", "awaiting_approval") else None,
            ))
        Case.objects.bulk_create(cases, batch_size=1000)
        ids = list(Case.objects.filter(service=service).order_by("-id")[:n].values_list("id", flat=True))[::-1]
        rows_events, applications, referrals, notices, invoices, inquiries = [], [], [], [], [], []
        for case_id, (events, state, _rounds, grade, submitted) in zip(ids, flows, strict=True):
            previous = "draft"
            for at, kind, to_state in events:
                rows_events.append(CaseEvent(case_id=case_id, created_at=at, event_type=kind, from_state=previous,
                                             to_state=to_state))
                previous = to_state
            applications.append(Application(case_id=case_id, open_cases_at_submission=rng.randint(20, 400),
                                            experts_at_submission=rng.randint(3, 12)))
            if state in ("certificate_issued", "referred_to_pbo", "registered_in_sajar"):
                status = {"referred_to_pbo": "sent", "registered_in_sajar": "acknowledged"}.get(
                    state, rng.choice(("pending", "failed")))
                referrals.append(Referral(case_id=case_id, certificate=certificate, message_id=uuid.uuid4(), payload={},
                                          status=status, created_at=events[-1][0]))
            for r, (at, _kind, _s) in enumerate([e for e in events if e[1] == "deficiency_notice"], start=1):
                notices.append(DeficiencyNotice(case_id=case_id, round=r, issued_by=head, issued_at=at))
            year = jalali.to_jalali(jalali.local_date(submitted)).year
            amount = fees[(f"contractor_grade_{grade}", year)]
            paid_at = submitted - dt.timedelta(hours=1)
            invoices.append(Invoice(number=f"b-{case_id}", case_id=case_id,
                                    total_rials=amount if rng.random() > 0.03 else amount + 1000,
                                    lines=[], status="paid", created_at=paid_at, paid_at=paid_at))
            inquiries.append(Inquiry(case_id=case_id, source=registry, automatic=True, status="answered",
                                     sent_at=submitted,
                                     answered_at=submitted + dt.timedelta(minutes=rng.randint(1, 600))))
            if rng.random() < 0.1:
                inquiries.append(Inquiry(case_id=case_id, source=issuer, sampled=True, status="letter_sent",
                                         sent_at=submitted, due_at=submitted + dt.timedelta(days=7)))
        CaseEvent.objects.bulk_create(rows_events, batch_size=2000)
        Application.objects.bulk_create(applications, batch_size=2000)
        Referral.objects.bulk_create(referrals, batch_size=2000)
        DeficiencyNotice.objects.bulk_create(notices, batch_size=2000)
        Invoice.objects.bulk_create(invoices, batch_size=2000)
        Inquiry.objects.bulk_create(inquiries, batch_size=2000)
        new_notices = DeficiencyNotice.objects.filter(case_id__in=ids).values_list("pk", flat=True)
        DeficiencyItem.objects.bulk_create([
            DeficiencyItem(notice_id=pk, order=k, text="مدرک ناقص است",
                           guidance="" if rng.random() < 0.05 else "بارگذاری شود")
            for pk in new_notices for k in (1, 2)], batch_size=2000)
        existing += n
        print(f"  seeded {existing:,}/{size:,}", file=sys.stderr)
    Inquiry.objects.filter(case__service=service).update(created_at=F("sent_at"))  # auto_now_add on bulk insert
    with connection.cursor() as cursor:  # table statistics, as autovacuum keeps them on PostgreSQL
        cursor.execute("ANALYZE")
    return {"head": head, "province": tehran}


def measure(people: dict, repeat: int = 5) -> dict:
    from django.test import Client

    from khedmat.core import jalali
    from khedmat.services.contractor_qualification import report
    from khedmat.testing import login

    period = report.Period(*jalali.jalali_year_bounds(1404))
    province_id = people["province"].pk
    client = login(Client(), people["head"])
    params = {"date_from": "1404/01/01", "date_to": "1404/12/29"}

    def page():
        assert client.get("/staff/contractors/report/", params).status_code == 200

    def export():
        assert client.get("/staff/contractors/report/export.xlsx", params).status_code == 200

    result = report.service_report(province_id=province_id, period=period)
    tracemalloc.start()
    report.service_report(province_id=province_id, period=period)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figures = harness.median_ms(lambda: report.service_report(province_id=province_id, period=period), repeat)
    return {
        "issued": result.issued, "submitted": result.jurisdiction.submitted, "peak_mib": peak,
        "figures": figures, "page": harness.median_ms(page, repeat),
        "export": harness.median_ms(export, max(1, repeat // 2)),
    }


def main() -> None:
    sizes = harness.sizes_from_arguments()
    if len(sizes) > 1:
        rows = harness.run_per_size(__file__, sizes)
        first, last = sizes[0], sizes[-1]
        print("| cases | issued in 1404 | submitted in 1404 | figures ms / queries | µs per issued case | peak MiB "
              "| page ms / queries | Excel ms / queries |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            r = rows[size]
            print(f"| {size:,} | {r['issued']:,} | {r['submitted']:,} | {r['figures'][0]:.0f} / {r['figures'][1]} "
                  f"| {r['figures'][0] * 1000 / max(1, r['issued']):.0f} | {r['peak_mib']:.1f} "
                  f"| {r['page'][0]:.0f} / {r['page'][1]} | {r['export'][0]:.0f} / {r['export'][1]} |")
        a, b = rows[first], rows[last]
        print(f"\ntime ratio {last:,}/{first:,}: figures {b['figures'][0] / a['figures'][0]:.2f}, page "
              f"{b['page'][0] / a['page'][0]:.2f} (issued cases ×{b['issued'] / max(1, a['issued']):.2f})")
        return
    harness.setup("contractor-report", sizes[0])
    people = seed(sizes[0])
    harness.report(measure(people))


if __name__ == "__main__":
    main()
