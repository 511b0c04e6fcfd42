"""The test process (khedmat/cases/tests/process.py) as a published service, and its cases."""
import datetime as dt
import io

import pytest
from django.utils import timezone

from khedmat.accounts.roles import StaffRole
from khedmat.cases import process as registry
from khedmat.cases.services import case_create, case_data_update, case_submit, document_upload
from khedmat.cases.tests.process import PROCESS, SERVICE_CODE
from khedmat.catalog.models import Service, SlaCommitment, SlaStatement
from khedmat.testing import make_staff

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def test_service(db):
    """A service with a published SLA statement (5 working days to decide) and the test process."""
    service, _created = Service.objects.get_or_create(
        code=SERVICE_CODE,
        defaults={"number": 9, "title": "خدمت آزمایشی", "summary": "خدمتی برای آزمودن موتور پرونده",
                  "owner_unit": "واحد آزمایش", "audience": "همه", "fee_kind": "free"},
    )
    statement, _created = SlaStatement.objects.get_or_create(
        service=service, version=1,
        defaults={"effective_from": dt.date(2020, 3, 20), "signed_by_name": "رئیس", "signed_by_title": "رئیس سازمان",
                  "introduction": "مقدمه", "purpose": "هدف", "validity_text": "معتبر", "termination_text": "پایان",
                  "published_at": timezone.now()},
    )
    SlaCommitment.objects.get_or_create(
        statement=statement, code="decision_time",
        defaults={"title": "زمان تصمیم", "description": "از ارسال تا تصمیم", "unit": "working_days", "target": 5},
    )
    registry.register(PROCESS)
    yield service
    registry.unregister(SERVICE_CODE)


def pdf_file(name="doc.pdf", content=PDF):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def upload():
    def run(case, requirement, by, name="doc.pdf", content=PDF):
        handle = pdf_file(name, content)
        return document_upload(case=case, requirement=requirement, fileobj=handle, filename=name, size=len(content),
                               by=by)
    return run


@pytest.fixture
def draft(test_service, applicant):
    return case_create(service=test_service, applicant=applicant)


@pytest.fixture
def ready_draft(draft, applicant, upload):
    """A draft with its form filled and the required documents uploaded."""
    case = case_data_update(case=draft, data={"subject": "درخواست آزمایشی"}, title="درخواست آزمایشی", by=applicant,
                            expected_version=draft.version)
    upload(case, "id_card", applicant)
    upload(case, "letter", applicant)
    case.refresh_from_db()
    return case


@pytest.fixture
def submitted(ready_draft, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return case_submit(case=ready_draft, by=applicant, expected_version=ready_draft.version)


@pytest.fixture
def unit_head(tehran):
    return make_staff(province=tehran, roles=[StaffRole.UNIT_HEAD])
