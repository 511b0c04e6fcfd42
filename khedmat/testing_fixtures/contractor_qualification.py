"""Helpers of service 4's tests that other apps' tests use too: a scoring table, a paid invoice, a
complete dossier (no fixtures; the service's fixtures are in its tests/conftest.py)."""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from khedmat.cases import services as case_services
from khedmat.payments.models import InvoiceStatus
from khedmat.payments.services import invoice_for_case
from khedmat.services.contractor_qualification import services
from khedmat.services.contractor_qualification.models import (
    DegreePoints,
    ExperiencePoints,
    GradeThreshold,
    RelevanceFactor,
    ScoringTable,
)


def make_scoring_table(kind="contractor", *, effective_from=dt.date(2020, 1, 1)):
    """A small table with round numbers, so expected scores are easy to work out by hand."""

    table = ScoringTable.objects.create(kind=kind, title=f"جدول آزمایشی {kind}", effective_from=effective_from)
    for level, points in {"diploma": 2, "associate": 4, "bachelor": 6, "master": 8, "doctorate": 10}.items():
        DegreePoints.objects.create(table=table, degree_level=level, points=Decimal(points))
    for relevance, percent in {"related": 100, "semi_related": 50, "unrelated": 0}.items():
        RelevanceFactor.objects.create(table=table, relevance=relevance, percent=Decimal(percent))
    for years, points in ((0, 0), (5, 2), (10, 4)):
        ExperiencePoints.objects.create(table=table, min_years=years, points=Decimal(points))
    if kind == "contractor":
        GradeThreshold.objects.create(table=table, grade=5, min_staff_score=Decimal(8))
        GradeThreshold.objects.create(table=table, grade=4, min_staff_score=Decimal(15),
                                      min_experience_rials=10_000_000_000, min_financial_rials=5_000_000_000)
        GradeThreshold.objects.create(table=table, grade=3, min_staff_score=Decimal(20),
                                      min_experience_rials=40_000_000_000, min_financial_rials=20_000_000_000)
    else:
        GradeThreshold.objects.create(table=table, grade=3, min_staff_score=Decimal(10))
    return table


def pay(case):
    """Mark the case's invoice paid, as a verified bank payment would (the bank journey has its own tests)."""
    invoice = invoice_for_case(case=case, on=dt.date(2020, 6, 1))
    invoice.status, invoice.paid_at = InvoiceStatus.PAID, timezone.now()
    invoice.save(update_fields=["status", "paid_at"])
    return invoice


def fill_dossier(case, by, upload, *, grade=4):
    """A company applying as a type-1 contractor for building (requested grade) with a CEO, a board member,
    a scoring staff member, one contract and two tax returns, and every needed document."""
    case = case_services.case_data_update(case=case, data={"kind": "contractor", "contractor_type": 1,
                                                           "fields": [{"field": "building", "grade": grade}]},
                                          title="", by=by, expected_version=case.version)
    services.person_add(case=case, by=by, role="ceo", first_name="نرگس", last_name="شریفی",
                        national_id="0020000014", degree_level="master", study_field="مهندسی عمران",
                        experience_years=12, scoring_field="building")
    services.person_add(case=case, by=by, role="board_member", first_name="نرگس", last_name="شریفی",
                        national_id="0020000014", degree_level="master", study_field="مهندسی عمران",
                        experience_years=12, scoring_field="building")
    services.person_add(case=case, by=by, role="scoring_staff", first_name="علی", last_name="کریمی",
                        national_id="0030000017", degree_level="bachelor", study_field="مهندسی عمران",
                        experience_years=6, scoring_field="building")
    services.experience_add(case=case, by=by, field="building", title="ساختمان اداری", employer="شهرداری تهران",
                            amount_rials=12_000_000_000, started_on=dt.date(2022, 4, 1),
                            finished_on=dt.date(2023, 4, 1))
    services.financial_add(case=case, by=by, fiscal_year=1402, turnover_rials=6_000_000_000,
                           tax_return_number="T-1402")
    services.financial_add(case=case, by=by, fiscal_year=1401, turnover_rials=4_000_000_000,
                           tax_return_number="T-1401")
    for code in ("registration_forms", "personnel_documents", "company_registration_documents", "experience_documents",
                 "financial_documents"):
        upload(case, code, by)
    case.refresh_from_db()
    return case
