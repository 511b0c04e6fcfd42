"""Query budgets of the platform's pages (issue 19): the staff queue, the applicant dashboard, the public
verification page and the payments reconciliation, each within its budget and flat in the rows it lists
(`khedmat.testing.assert_query_budget`). The service pages' budgets are in each service's
tests/test_query_budgets.py."""
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from khedmat.accounts.roles import StaffRole
from khedmat.cases.models import Case
from khedmat.cases.services import case_create
from khedmat.cases.tracking import tracking_compose
from khedmat.testing import assert_query_budget, login, make_staff
from khedmat.testing_fixtures import institute_accreditation as ia

QUEUE = {"role": 6, "all": 5}  # 18 and 9 before the branches were one UNION and reference data was kept
DASHBOARD = 8
VERIFY_BY_ID = 1  # the SELECT of the document: the lookup log and the limits are off the database
VERIFY_BY_CODE = 1
RECONCILIATION = 6
_sequence = itertools.count(9000)


def _cases(test_service, applicant, organization, n):
    """n open cases of each service waiting for an expert: the test process's (under review) and service 2's."""
    def run():
        for _i in range(n):
            case = case_create(service=test_service, applicant=applicant)
            Case.objects.filter(pk=case.pk).update(
                state="under_review", first_submitted_at=timezone.now(), submitted_at=timezone.now(),
                tracking_number=tracking_compose(service_number=test_service.number, year=1404,
                                                 sequence=next(_sequence)))
            ia.submitted_case(organization=organization, state="filed")
            ia.submitted_case(organization=organization, state="document_review")
    return run


@pytest.fixture
def institute(tehran):
    ia.sample_domains()
    return ia.make_institute(province=tehran)


@pytest.mark.parametrize("scope", ["role", "all"])
def test_the_staff_queue_is_within_its_budget_and_flat(client, test_service, applicant, institute, expert, scope):
    _cases(test_service, applicant, institute, 3)()
    login(client, expert)
    url = f"{reverse('staff-cases:queue')}?scope={scope}"
    assert_query_budget(client, url, QUEUE[scope], more=_cases(test_service, applicant, institute, 7))


def test_the_applicant_dashboard_is_within_its_budget_and_flat(client, submitted, test_service, applicant):
    login(client, applicant)
    url = reverse("cases:dashboard")

    def more():
        for _i in range(7):
            case_create(service=test_service, applicant=applicant)
    assert_query_budget(client, url, DASHBOARD, more=more)


def test_the_verification_page_is_within_its_budget(client, tehran):
    ia.sample_domains()
    document = ia.licensed(province=tehran, by=make_staff(province=tehran, roles=[StaffRole.UNIT_HEAD])).licence
    by_id = reverse("verify:document", args=[document.public_id])
    by_code = f"{reverse('verify:form')}?code={document.verification_code}"
    assert_query_budget(client, by_id, VERIFY_BY_ID)
    assert_query_budget(client, by_code, VERIFY_BY_CODE, status=302)  # found: on to the document's page


def test_the_reconciliation_report_is_within_its_budget(client, tehran, sandbox):
    login(client, make_staff(province=tehran, roles=[StaffRole.FINANCE]))
    url = reverse("finance:reconciliation")
    assert_query_budget(client, url, RECONCILIATION)
