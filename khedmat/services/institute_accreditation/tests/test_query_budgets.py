"""Query budgets of service 2's case page (issue 19, docs/testing.md): within its budget for the expert and the
institute, in a rich state (visited, then before the committee), and flat in the documents and events of the
case. The report page's budget is in test_report.py."""
import pytest
from django.urls import reverse

from khedmat.cases.services import case_message_add, case_note_add
from khedmat.services.institute_accreditation.tests.conftest import upload
from khedmat.testing import assert_query_budget, login

CASE_PAGE_EXPERT = {"visited": 21, "awaiting_committee": 22}
CASE_PAGE_CEO = {"visited": 18, "awaiting_committee": 19}


def _more_events(case, expert, ceo):
    """Seven more messages, internal notes and staff-scanned versions of a document on the case."""
    def run():
        for n in range(7):
            case_message_add(case=case, text=f"پیام {n}", by=ceo)
            case_note_add(case=case, text=f"یادداشت {n}", by=expert)
            upload(case, "form_1", expert, staff_intake=True)
    return run


@pytest.mark.parametrize("state", ["visited", "awaiting_committee"])
def test_the_case_page_is_within_its_budget_and_flat(client, journey, expert, ceo, state):
    case = journey(until=state)
    url = reverse("cases:detail", args=[case.public_id])
    login(client, expert)
    assert_query_budget(client, url, CASE_PAGE_EXPERT[state], more=_more_events(case, expert, ceo))
    client.logout()
    login(client, ceo)
    assert_query_budget(client, url, CASE_PAGE_CEO[state], more=_more_events(case, expert, ceo))
