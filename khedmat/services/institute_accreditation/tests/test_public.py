"""The public list of licensed training institutes (`/institutes/`): what it lists and never lists, searching as
people type (Arabic letters, Persian digits, numbers with or without separators), the domain check agencies make
before contracting a course, and the rate limit shared with the verification page."""
import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khedmat.certificates import lookup_log
from khedmat.certificates import selectors as certificate_selectors
from khedmat.certificates.models import VerificationLog
from khedmat.core import jalali
from khedmat.core.text import to_persian_digits
from khedmat.services.institute_accreditation import selectors
from khedmat.testing_fixtures.institute_accreditation import (
    licence_for,
    licensed,
    make_institute,
    sample_domains,
    submitted_case,
)

pytestmark = pytest.mark.django_db

URL = "/institutes/"
NAME = "موسسه آموزشی آینده\u200cسازان"  # written with a ZWNJ


@pytest.fixture
def domains(db):
    return sample_domains()


@pytest.fixture
def ayande(domains, tehran, administrator):
    """A licence in force for leadership and HR, valid for a year."""
    return licensed(province=tehran, by=administrator, name=NAME, domains=("t-leadership", "t-hr"),
                    valid_until=timezone.localdate() + dt.timedelta(days=365))


@pytest.fixture
def others(domains, tehran, administrator):
    """Institutes that must never be listed: suspended, expired, revoked, a licence of a case not active, a draft."""
    return {
        "suspended": licensed(province=tehran, by=administrator, name="موسسه تعلیق‌شده", state="suspended",
                              status="suspended"),
        "expired": licensed(province=tehran, by=administrator, name="موسسه منقضی‌شده",
                            valid_until=timezone.localdate() - dt.timedelta(days=1)),
        "revoked": licensed(province=tehran, by=administrator, name="موسسه ابطال‌شده", state="revoked",
                            status="revoked"),
        "issued": licensed(province=tehran, by=administrator, name="موسسه در انتظار تحویل", state="licence_issued"),
    }


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _listed(response) -> list[str]:
    return [a.case.organization.name for a in response.context["page"]]


# -- the list -------------------------------------------------------------------------------------------------

def test_the_list_is_open_to_anyone_and_linked_from_the_menu(client, ayande):
    html = _html(client.get(URL))
    assert f'href="{URL}"' in html and "error-summary" not in html
    licence = ayande.licence
    assert NAME in html
    assert to_persian_digits(ayande.case.organization.national_id) in html
    assert to_persian_digits(licence.number) in html
    card = html[html.index('id="results-title"'):]
    assert "رهبری و مدیریت" in card and "منابع انسانی" in card and "مدیریت مالی" not in card
    assert jalali.format_date(licence.valid_until, "long") in card and ayande.case.province.name in card
    assert f"/verify/{licence.public_id}/" in html


def test_only_licences_in_force_are_listed(client, ayande, others):
    response = client.get(URL)
    assert _listed(response) == [NAME]
    for accreditation in others.values():
        assert accreditation.case.organization.name not in response.content.decode()


def test_a_name_typed_with_arabic_letters_and_without_the_zwnj_finds_the_institute(client, ayande, others):
    for query in ("آينده سازان", "موسسه آموزشي آيندهسازان", "آیندهسازان", "  آینده‌سازان "):
        assert _listed(client.get(URL, {"q": query})) == [NAME], query
    assert _listed(client.get(URL, {"q": "موسسه ناموجود"})) == []


def test_the_national_id_and_the_licence_number_in_persian_digits_find_the_institute(client, ayande, others):
    number = ayande.licence.number  # e.g. 2-1405-000001
    prefix, year, serial = number.split("-")
    queries = [to_persian_digits(ayande.case.organization.national_id), to_persian_digits(number),
               to_persian_digits(f"{prefix}/{year}/{int(serial)}"), to_persian_digits(prefix + year + serial)]
    for query in queries:
        assert _listed(client.get(URL, {"q": query})) == [NAME], query
    suspended = others["suspended"]
    assert _listed(client.get(URL, {"q": suspended.case.organization.national_id})) == []
    assert _listed(client.get(URL, {"q": suspended.licence.number})) == []


def test_the_domain_filter(client, ayande, domains, tehran, administrator):
    it = licensed(province=tehran, by=administrator, name="موسسه فناوری", domains=("t-security",))
    assert _listed(client.get(URL, {"domain": "t-hr"})) == [NAME]
    assert _listed(client.get(URL, {"domain": "t-security"})) == [it.case.organization.name]
    assert _listed(client.get(URL, {"domain": "t-finance"})) == []
    assert sorted(_listed(client.get(URL))) == sorted([NAME, "موسسه فناوری"])


def test_a_query_too_short_or_a_partial_number_is_explained(client, ayande):
    for query in ("آ", "۱۲۳۴۵", "۱۲۳۴۵۶۷۸۹۰"):
        response = client.get(URL, {"q": query})
        assert response.status_code == 200 and "error-summary" in response.content.decode()
        assert response.context["page"] is None


# -- may this institute run courses in this domain? -----------------------------------------------------------

def test_yes_when_its_licence_in_force_covers_the_domain(client, ayande):
    response = client.get(URL, {"q": "آينده سازان", "domain": "t-hr"})
    [verdict] = response.context["verdicts"]
    assert verdict.allowed and verdict.organization == ayande.case.organization
    assert 'data-allowed="yes"' in _html(response) and 'data-allowed="no"' not in response.content.decode()


def test_no_when_the_domain_is_not_granted_and_the_page_says_which_are(client, ayande):
    response = client.get(URL, {"q": to_persian_digits(ayande.case.organization.national_id), "domain": "t-security"})
    [verdict] = response.context["verdicts"]
    assert not verdict.allowed and [d.code for d in verdict.held] == ["t-leadership", "t-hr"]
    html = _html(response)
    assert 'data-allowed="no"' in html and "رهبری و مدیریت" in html
    assert response.context["page"].object_list == []  # the list answers the same: no licence for that domain


def test_no_when_the_licence_is_suspended_expired_or_revoked(client, others):
    for key in ("suspended", "expired", "revoked"):
        organization = others[key].case.organization
        response = client.get(URL, {"q": organization.name, "domain": "t-hr"})
        [verdict] = response.context["verdicts"]
        assert not verdict.allowed and verdict.held == [], key
        assert 'data-allowed="no"' in _html(response)


def test_no_when_nothing_matches(client, ayande):
    response = client.get(URL, {"q": "موسسه ناشناخته", "domain": "t-hr"})
    assert response.context["verdicts"] == []
    assert 'data-allowed="no"' in _html(response) and "موسسه ناشناخته" in response.content.decode()


def test_the_verdict_agrees_with_licensed_domains(ayande, tehran):
    codes = selectors.licensed_domains(organization_id=ayande.case.organization_id, province_id=tehran.pk)
    assert codes == {"t-leadership", "t-hr"}
    for domain in ("t-leadership", "t-hr", "t-finance"):
        [verdict] = selectors.domain_verdicts(q=NAME, domain=domain)
        assert verdict.allowed is (domain in codes)


def test_an_institute_with_two_licences_is_judged_on_both(client, ayande, administrator):
    second = submitted_case(organization=ayande.case.organization)
    licence_for(second, domains=("t-security",), by=administrator)
    [verdict] = client.get(URL, {"q": NAME, "domain": "t-security"}).context["verdicts"]
    assert verdict.allowed and {d.code for d in verdict.held} == {"t-leadership", "t-hr", "t-security"}


# -- rate limit, log, cost ------------------------------------------------------------------------------------

@override_settings(VERIFY_RATE_LIMIT=3)
def test_searches_are_rate_limited_and_logged_but_the_plain_list_is_not(client, ayande):
    for _ in range(3):
        assert client.get(URL, {"q": "آینده"}).status_code == 200
    response = client.get(URL, {"q": "آینده", "domain": "t-hr"})
    assert response.status_code == 429 and "notice bad" in response.content.decode()
    assert response.context["page"] is None
    lookup_log.flush()
    logs = VerificationLog.objects.filter(channel="institutes")
    assert logs.count() == 3 and logs.filter(found=True).count() == 3
    assert client.get(URL).status_code == 200  # the list itself is public information


def test_the_searches_share_the_verification_pages_budget(client, ayande, settings):
    settings.VERIFY_RATE_LIMIT = 2
    certificate_selectors.verification_attempt_log(raw="x", ip="127.0.0.1", channel="page")
    certificate_selectors.verification_attempt_log(raw="y", ip="127.0.0.1", channel="registry")
    assert client.get(URL, {"q": "آینده"}).status_code == 429


def test_the_page_costs_the_same_whatever_the_number_of_licences(client, ayande, tehran, administrator):
    client.get(URL)  # the domain list is reference data, read on the first request (core/refcache.py)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(5):
        licensed(province=tehran, by=administrator, name=f"موسسه شماره {i}", domains=("t-hr", "t-security"))
    with CaptureQueriesContext(connection) as six:
        response = client.get(URL)
    assert len(_listed(response)) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


# -- pure parts ----------------------------------------------------------------------------------------------

def test_licence_numbers_as_people_type_them():
    assert selectors.licence_number_candidates("۲-۱۴۰۵-۰۰۰۰۱۲") == ["2-1405-000012"]
    assert selectors.licence_number_candidates("2/1405/12") == ["2-1405-000012"]
    assert selectors.licence_number_candidates("21405000012") == ["2-1405-000012"]
    assert selectors.licence_number_candidates("12") == []
    assert selectors.looks_like_number("۱۰-۳۲۰۰۰ ۰۰۲۱") and not selectors.looks_like_number("موسسه ۲")


def test_an_institute_of_another_kind_is_never_listed(client, domains, tehran, administrator, applicant):
    company = make_institute(province=tehran, name="شرکت غیر آموزشی")
    type(company).objects.filter(pk=company.pk).update(kind="company")
    assert _listed(client.get(URL, {"q": "شرکت غیر آموزشی"})) == []
