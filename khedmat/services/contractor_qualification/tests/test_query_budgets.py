"""Query budgets of service 4's case page (issue 19, docs/testing.md): the page and its guards read the section
reviews, the people and the fields of work once per request (`selectors.dossier`), and the count does not grow
with the people and contracts of the dossier. The report page's budget is in test_report.py."""
import datetime as dt

import pytest
from django.urls import reverse

from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.models import CompanyPerson, ContractingField, ExperienceRecord
from khedmat.testing import assert_query_budget, login, page_queries

CASE_PAGE_EXPERT = 28  # 51 before issue 19
CASE_PAGE_APPLICANT = 22  # 26 before issue 19


def _more_rows(case):
    """Seven more contracts and people in the dossier (as rows: the case is past the applicant's edits)."""
    def run():
        building = ContractingField.objects.get(code="building")
        for n in range(7):
            ExperienceRecord.objects.create(case=case, field=building, title=f"قرارداد {n}", employer="شهرداری",
                                            amount_rials=1_000_000_000, started_on=dt.date(2021, 4, 1))
            CompanyPerson.objects.create(case=case, role="scoring_staff", first_name="علی", last_name=f"کریمی {n}",
                                         national_id=f"00400000{n}{n}", degree_level="bachelor",
                                         study_field="مهندسی عمران", experience_years=6, scoring_field=building)
    return run


@pytest.fixture
def reviewed(under_review, expert):
    services.section_review_set(case=under_review, section="people", status="accepted", note="", guidance="",
                                by=expert)
    return under_review


def test_the_case_page_reads_each_thing_of_the_dossier_once(client, reviewed, expert):
    login(client, expert)
    queries = page_queries(client, reverse("cases:detail", args=[reviewed.public_id]))
    for table in ("sectionreview", "companyperson", "contractingfield", "experiencerecord", "financialrecord"):
        reads = [q for q in queries if f'FROM "contractor_qualification_{table}"' in q]
        assert len(reads) <= 1, (table, reads)


def test_the_experts_case_page_is_within_its_budget_and_flat(client, reviewed, expert):
    login(client, expert)
    assert_query_budget(client, reverse("cases:detail", args=[reviewed.public_id]), CASE_PAGE_EXPERT,
                        more=_more_rows(reviewed))


def test_the_applicants_case_page_is_within_its_budget_and_flat(client, reviewed, applicant):
    login(client, applicant)
    assert_query_budget(client, reverse("cases:detail", args=[reviewed.public_id]), CASE_PAGE_APPLICANT,
                        more=_more_rows(reviewed))


def test_the_budget_fails_when_a_query_is_added_per_row(client, reviewed, expert, monkeypatch):
    """The helper catches a query in a loop: the contracts read without their field (one query per contract)."""
    monkeypatch.setattr(selectors.DossierReads, "experience",
                        property(lambda self: list(ExperienceRecord.objects.filter(case=self.case))))
    login(client, expert)
    with pytest.raises(AssertionError, match="with more rows"):
        assert_query_budget(client, reverse("cases:detail", args=[reviewed.public_id]), 10_000,
                            more=_more_rows(reviewed))
