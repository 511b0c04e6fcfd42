import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from khedmat.cases import process as registry
from khedmat.cases import services
from khedmat.cases.tests.process import PROCESS
from khedmat.catalog.models import Service, SlaCommitment, SlaStatement
from khedmat.payments.guards import fee_paid
from khedmat.payments.models import FeeSchedule

PAID_SERVICE = "test_paid_service"


def _paid_process():
    transitions = tuple(
        dataclasses.replace(t, guards=(*t.guards, fee_paid)) if t.name == "submit" else t for t in PROCESS.transitions
    )
    return dataclasses.replace(PROCESS, service_code=PAID_SERVICE, transitions=transitions,
                               fee=lambda case: ["application_fee"])


@pytest.fixture
def paid_service(db):
    service, _ = Service.objects.get_or_create(code=PAID_SERVICE, defaults={
        "number": 8, "title": "خدمت آزمایشی با هزینه", "summary": "-", "owner_unit": "-", "audience": "-",
        "fee_kind": "fee_table"})
    statement, _ = SlaStatement.objects.get_or_create(service=service, version=1, defaults={
        "effective_from": dt.date(2020, 3, 20), "signed_by_name": "رئیس", "signed_by_title": "رئیس سازمان",
        "introduction": "-", "purpose": "-", "validity_text": "-", "termination_text": "-",
        "published_at": timezone.now()})
    SlaCommitment.objects.get_or_create(statement=statement, code="decision_time", defaults={
        "title": "-", "description": "-", "unit": "working_days", "target": 5})
    FeeSchedule.objects.create(service=service, item_code="application_fee", item_label="هزینه بررسی پرونده",
                               budget_year=1404, valid_from=dt.date(2025, 3, 21), valid_to=dt.date(2026, 3, 20),
                               amount_rials=2_000_000, revenue_row="140146")
    FeeSchedule.objects.create(service=service, item_code="application_fee", item_label="هزینه بررسی پرونده",
                               budget_year=1405, valid_from=dt.date(2026, 3, 21), valid_to=None,
                               amount_rials=2_500_000, revenue_row="140146")
    registry.register(_paid_process())
    yield service
    registry.unregister(PAID_SERVICE)


@pytest.fixture
def paid_case(paid_service, applicant, upload):
    case = services.case_create(service=paid_service, applicant=applicant)
    case = services.case_data_update(case=case, data={"subject": "x"}, title="x", by=applicant,
                                     expected_version=case.version)
    upload(case, "id_card", applicant)
    upload(case, "letter", applicant)
    case.refresh_from_db()
    return case
