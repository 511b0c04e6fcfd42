import datetime as dt

import pytest

from khedmat.cases import services
from khedmat.cases.models import Case
from khedmat.cases.process import get_process
from khedmat.catalog.models import Service
from khedmat.core.exceptions import ApplicationError
from khedmat.payments.models import FeeSchedule, Invoice
from khedmat.payments.services import invoice_for_case
from khedmat.services.contractor_qualification.forms import ApplicationForm
from khedmat.services.contractor_qualification.workflow import PROCESS
from khedmat.testing import make_organization

pytestmark = pytest.mark.django_db


def test_the_process_is_registered_with_the_statements_target():
    assert get_process("contractor_qualification") is PROCESS
    statement = Service.objects.get(code="contractor_qualification").statements.get(version=1)
    assert statement.commitments.get(code=PROCESS.sla_commitment).target == 25
    assert [d.group for d in PROCESS.documents] == ["الف", "ب", "ج", "و", "ه", "و", "ز"]


def test_the_form_collects_fields_and_grades_and_refuses_bad_rows():
    data = {"case-kind": "contractor", "case-contractor_type": "1", "case-field_0": "building", "case-grade_0": "3",
            "case-field_1": "water", "case-grade_1": "5"}
    form = ApplicationForm(data, prefix="case")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["fields"] == [{"field": "building", "grade": 3}, {"field": "water", "grade": 5}]
    bad = ApplicationForm({**data, "case-kind": "consultant", "case-grade_0": "4", "case-field_1": "building"},
                          prefix="case")
    assert not bad.is_valid()


def _case(applicant, data):
    case = services.case_create(service=Service.objects.get(code="contractor_qualification"), applicant=applicant)
    return services.case_data_update(case=case, data=data, title="", by=applicant, expected_version=case.version)


def test_out_of_jurisdiction_is_refused_naming_the_authority(applicant):
    case = services.case_create(service=Service.objects.get(code="contractor_qualification"), applicant=applicant)
    with pytest.raises(ApplicationError) as error:
        services.case_data_update(case=case, data={"kind": "contractor", "contractor_type": 1,
                                                   "fields": [{"field": "building", "grade": 1}]},
                                  title="", by=applicant, expected_version=case.version)
    assert "سازمان برنامه و بودجه کشور" in error.value.message
    case.refresh_from_db()
    assert (case.data == {} and case.state == "draft" and case.tracking_number is None
            and case.first_submitted_at is None)
    # A case whose data was put there behind the engine's back is still refused on submission and invoicing.

    Case.objects.filter(pk=case.pk).update(data={"kind": "contractor", "contractor_type": 1,
                                                 "fields": [{"field": "building", "grade": 1}]})
    case.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        invoice_for_case(case=case, on=__import__("datetime").date(2020, 6, 1))
    assert error.value.code == "not_competent" and not case.invoices.exists()
    with pytest.raises(ApplicationError):
        services.case_submit(case=case, by=applicant, expected_version=case.version)
    case.refresh_from_db()
    assert case.tracking_number is None


@pytest.mark.parametrize("data", [
    {"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 1}]},
    {"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 2}]},
    {"kind": "contractor", "contractor_type": 2, "fields": [{"field": "building", "grade": 3}]},
    {"kind": "contractor", "contractor_type": 3, "fields": [{"field": "building", "grade": 5}]},
    {"kind": "consultant", "contractor_type": None, "fields": [{"field": "building", "grade": 1}]},
    {"kind": "consultant", "contractor_type": None, "fields": [{"field": "building", "grade": 2}]},
])
def test_a_request_for_the_pbo_opens_no_case(applicant, data):
    with pytest.raises(ApplicationError) as error:
        services.case_create(service=Service.objects.get(code="contractor_qualification"), applicant=applicant,
                             data=data)
    assert error.value.code == "not_competent" and "سازمان برنامه و بودجه کشور" in error.value.message
    assert not Case.objects.filter(applicant=applicant).exists()


def test_a_company_registered_elsewhere_is_sent_to_its_province(applicant, isfahan):
    company = make_organization(owner=applicant, province=isfahan)
    with pytest.raises(ApplicationError) as error:
        services.case_create(service=Service.objects.get(code="contractor_qualification"), applicant=applicant,
                             organization=company,
                             data={"kind": "contractor", "contractor_type": 1,
                                   "fields": [{"field": "building", "grade": 3}]})
    assert isfahan.name in error.value.message and "سازمان برنامه و بودجه" not in error.value.message
    assert not Case.objects.exists()


def test_a_handled_request_opens_a_draft_with_its_declaration(applicant, company):
    data = {"kind": "consultant", "contractor_type": None, "fields": [{"field": "building", "grade": 3}]}
    case = services.case_create(service=Service.objects.get(code="contractor_qualification"), applicant=applicant,
                                organization=company, data=data)
    assert case.data == data and case.tracking_number is None


def test_the_fee_comes_from_the_fee_table_at_the_highest_grade(applicant):

    case = _case(applicant, {"kind": "contractor", "contractor_type": 1,
                             "fields": [{"field": "building", "grade": 4}, {"field": "water", "grade": 3}]})
    with pytest.raises(ApplicationError):
        invoice_for_case(case=case)  # only the 1399 table exists
    invoice = invoice_for_case(case=case, on=dt.date(2020, 6, 1))  # a day of 1399
    assert invoice.total_rials == 6_000_000 and invoice.lines[0]["revenue_row"] == "140146"
    assert FeeSchedule.objects.filter(item_code="contractor_grade_3").count() == 1


def test_a_mixed_request_is_refused_field_by_field(applicant, company):
    """«ساختمان» grade 3 with «راه» grade 2: «راه» is named and nothing is invoiced (issue 15, point 2)."""
    service = Service.objects.get(code="contractor_qualification")
    mixed = {"kind": "contractor", "contractor_type": 1,
             "fields": [{"field": "building", "grade": 3}, {"field": "roads", "grade": 2}]}
    with pytest.raises(ApplicationError) as error:
        services.case_create(service=service, applicant=applicant, organization=company, data=mixed)
    assert error.value.code == "not_competent"
    assert "«راه و ترابری» (پایه ۲)" in error.value.message and "ساختمان" not in error.value.message
    assert not Case.objects.exists() and not Invoice.objects.exists()
    handled = {**mixed, "fields": mixed["fields"][:1]}
    case = services.case_create(service=service, applicant=applicant, organization=company, data=handled)
    with pytest.raises(ApplicationError):
        services.case_data_update(case=case, data=mixed, title="", by=applicant, expected_version=case.version)


    invoice = invoice_for_case(case=case, on=dt.date(2020, 6, 1))
    assert invoice.total_rials == 6_000_000 and [line["item"] for line in invoice.lines] == ["contractor_grade_3"]
