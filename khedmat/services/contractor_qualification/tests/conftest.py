"""Fixtures of service 4: a complete dossier ready to submit, and the same case submitted."""
import pytest

from khedmat.cases import services as case_services
from khedmat.catalog.models import Service
from khedmat.testing_fixtures.contractor_qualification import fill_dossier, make_scoring_table, pay


@pytest.fixture
def contractor_service(db):
    return Service.objects.get(code="contractor_qualification")


@pytest.fixture
def company_draft(contractor_service, applicant, company):
    return case_services.case_create(service=contractor_service, applicant=applicant, organization=company)


@pytest.fixture
def complete_draft(company_draft, applicant, upload):
    make_scoring_table()
    case = fill_dossier(company_draft, applicant, upload)
    pay(case)
    return case


@pytest.fixture
def under_review(complete_draft, applicant):
    return case_services.case_submit(case=complete_draft, by=applicant, expected_version=complete_draft.version)
