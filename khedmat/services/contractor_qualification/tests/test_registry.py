import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from khedmat.cases import services as case_services
from khedmat.cases.models import Case
from khedmat.cases.tracking import tracking_compose, tracking_display
from khedmat.catalog.models import Service
from khedmat.certificates import lookup_log
from khedmat.certificates.models import DocumentType, VerificationLog
from khedmat.certificates.services import document_issue, document_revoke
from khedmat.core import jalali
from khedmat.core.text import to_persian_digits
from khedmat.services.contractor_qualification.models import DisciplinaryViolation, RegistryEntry
from khedmat.services.contractor_qualification.selectors import search_key
from khedmat.testing import login, make_organization, make_staff

pytestmark = pytest.mark.django_db

COMPANY_NAME = "شرکت ساختمانی\u200cالبرز کوه"  # written with a ZWNJ, as a clerk might


def _case(applicant, organization=None, *, submitted=True):
    case = case_services.case_create(service=Service.objects.get(code="contractor_qualification"),
                                     applicant=applicant, organization=organization)
    if submitted:  # the registry needs only a case of the service; skip the dossier
        number = tracking_compose(service_number=4, year=1404, sequence=case.pk)
        Case.objects.filter(pk=case.pk).update(tracking_number=number, state="certificate_issued",
                                               first_submitted_at=timezone.now())
        case.refresh_from_db()
    return case


def _registry_entry(*, case, by, name, national_id, organization=None, grades=(("building", "ساختمان", 3),),
                    kind="contractor", valid_until=None):
    document = document_issue(
        document_type=DocumentType.objects.get(code="grade_certificate"), holder_name=name,
        holder_national_id=national_id, holder_kind="legal" if organization else "natural",
        scope=[{"label": f"رشته: {g[1]}", "value": f"پایه {g[2]}"} for g in grades], case=case, by=by,
    )
    if valid_until is not None:
        type(document).objects.filter(pk=document.pk).update(valid_until=valid_until)
        document.refresh_from_db()
    return RegistryEntry.objects.create(
        certificate=document, case=case, organization=organization, national_id=national_id, name=name,
        search_name=search_key(name), kind=kind, issued_on=document.issued_on, valid_until=document.valid_until,
        grades=[{"field": g[0], "name": g[1], "grade": g[2]} for g in grades])


@pytest.fixture
def company_entry(applicant, company, administrator):
    company.name = COMPANY_NAME
    company.save(update_fields=["name"])
    case = _case(applicant, company)
    return _registry_entry(case=case, by=administrator, name=company.name, national_id=company.national_id,
                           organization=company, valid_until=timezone.localdate() + dt.timedelta(days=30))


@pytest.fixture
def person_entry(applicant, administrator):
    case = _case(applicant)
    return _registry_entry(case=case, by=administrator, name=applicant.get_full_name(),
                           national_id=applicant.national_id, kind="consultant",
                           grades=(("water", "آب", 2),))


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# -- the public registry ------------------------------------------------------------------------------

def test_the_registry_is_open_to_anonymous_visitors_and_linked_from_the_menu(client):
    html = _html(client.get("/registry/"))
    assert 'href="/registry/"' in html and "error-summary" not in html


def test_an_organization_id_in_persian_digits_finds_the_holder(client, company_entry):
    html = _html(client.get("/registry/", {"q": to_persian_digits(company_entry.national_id)}))
    assert "البرز" in html
    # A company's national ID is public, as in SAJAR; it is shown in full (in Persian digits).
    assert to_persian_digits(company_entry.national_id) in html
    assert to_persian_digits(company_entry.certificate.number) in html
    assert jalali.format_date(company_entry.certificate.issued_on, "long") in html
    assert jalali.format_date(company_entry.certificate.valid_until, "long") in html
    assert f'/verify/{company_entry.certificate.public_id}/' in html
    assert "tag ok" in html and "ساختمان" in html


def test_a_name_typed_with_arabic_letters_and_without_the_zwnj_finds_the_holder(client, company_entry):
    html = _html(client.get("/registry/", {"q": "شركت ساختماني البرز"}))  # Arabic ك and ي, a space for the ZWNJ
    assert to_persian_digits(company_entry.certificate.number) in html
    html = _html(client.get("/registry/", {"q": "ساختمانيالبرز"}))  # and no space at all
    assert to_persian_digits(company_entry.certificate.number) in html


def test_a_too_short_name_or_a_wrong_length_id_gets_a_clear_message(client, company_entry):
    html = _html(client.get("/registry/", {"q": "شر"}))
    assert "error-summary" in html and to_persian_digits(company_entry.certificate.number) not in html
    html = _html(client.get("/registry/", {"q": "۱۲۳۴۵"}))
    assert "error-summary" in html


def test_no_match_says_so(client, company_entry):
    html = _html(client.get("/registry/", {"q": "شرکت ناموجود"}))
    assert ("notice" in html and "شرکت ناموجود" in html
            and to_persian_digits(company_entry.certificate.number) not in html)


def test_a_revoked_certificate_shows_as_revoked_never_valid(client, company_entry, administrator):
    document_revoke(document=company_entry.certificate, reason="violation", note="", by=administrator)
    html = _html(client.get("/registry/", {"q": company_entry.national_id}))
    assert "tag bad" in html and "tag ok" not in html


def test_an_expired_certificate_shows_as_expired(client, company_entry):
    type(company_entry.certificate).objects.filter(pk=company_entry.certificate_id).update(
        valid_until=dt.date(2020, 1, 1))
    html = _html(client.get("/registry/", {"q": company_entry.national_id}))
    assert "tag warn" in html and "tag ok" not in html


def test_a_natural_persons_national_id_is_masked(client, person_entry, applicant):
    html = _html(client.get("/registry/", {"q": applicant.national_id}))
    assert to_persian_digits(person_entry.certificate.number) in html
    results = html.split("results-title")[1]  # the search box keeps what was typed; the results mask it
    assert to_persian_digits(applicant.national_id) not in results and applicant.national_id not in results
    assert to_persian_digits(applicant.national_id[-4:]) in html


@override_settings(VERIFY_RATE_LIMIT=3)
def test_registry_lookups_are_rate_limited_and_logged(client, company_entry):
    for _ in range(3):
        assert client.get("/registry/", {"q": "البرز"}).status_code == 200
    response = client.get("/registry/", {"q": company_entry.national_id})
    assert response.status_code == 429 and "notice bad" in response.content.decode()
    lookup_log.flush()
    assert VerificationLog.objects.filter(channel="registry").count() == 3
    assert client.get("/registry/").status_code == 200  # the empty form is not a lookup


# -- the staff company record ---------------------------------------------------------------------------

def test_the_company_record_shows_certificates_cases_and_violations_to_the_provinces_expert(
        client, company_entry, company, expert):
    login(client, expert)
    html = _html(client.get(f"/staff/contractors/companies/{company.pk}/"))
    assert to_persian_digits(company_entry.certificate.number) in html
    assert tracking_display(company_entry.case.tracking_number) in html
    assert f"/cases/{company_entry.case.public_id}/" in html
    assert "tag warn" in html  # expires in 30 days: within the warning period
    assert "violation-occurred_on" in html  # the expert may record a violation


def test_the_company_record_is_not_found_for_another_province_and_for_an_applicant(
        client, company_entry, company, isfahan_expert, applicant):
    login(client, isfahan_expert)
    assert client.get(f"/staff/contractors/companies/{company.pk}/").status_code == 404
    assert client.get("/staff/contractors/companies/999999/").status_code == 404
    login(client, applicant)
    assert client.get(f"/staff/contractors/companies/{company.pk}/").status_code == 404
    assert client.get("/staff/contractors/companies/").status_code == 404


def test_the_company_list_finds_companies_and_shows_certificates_expiring_soon(
        client, company_entry, company, expert, isfahan_expert):
    login(client, expert)
    html = _html(client.get("/staff/contractors/companies/"))
    assert f"/staff/contractors/companies/{company.pk}/" in html
    assert html.count(to_persian_digits(company_entry.certificate.number)) == 1  # in the expiring table
    html = _html(client.get("/staff/contractors/companies/", {"q": to_persian_digits(company.national_id[:5])}))
    assert f"/staff/contractors/companies/{company.pk}/" in html
    html = _html(client.get("/staff/contractors/companies/", {"q": "ساختماني البرز"}))
    assert f"/staff/contractors/companies/{company.pk}/" in html
    html = _html(client.get("/staff/contractors/companies/", {"q": "ناموجود"}))
    assert f"/staff/contractors/companies/{company.pk}/" not in html.split("companies-title")[1]
    login(client, isfahan_expert)
    html = _html(client.get("/staff/contractors/companies/"))
    assert f"/staff/contractors/companies/{company.pk}/" not in html


def _violation(**changes):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {"violation-instruction": "42787", "violation-occurred_on": jalali.format_date(yesterday),
            "violation-description": "تأخیر غیرموجه در اجرای پیمان", "violation-decision": ""}
    data.update(changes)
    return data


def test_an_expert_records_a_violation_typed_in_jalali(client, company, expert):
    login(client, expert)
    response = client.post(f"/staff/contractors/companies/{company.pk}/", _violation())
    assert response.status_code == 302 and response["Location"].endswith("#violations")
    violation = DisciplinaryViolation.objects.get(organization=company)
    assert violation.occurred_on == timezone.localdate() - dt.timedelta(days=1)
    assert violation.recorded_by == expert and violation.instruction == "42787"
    html = _html(client.get(response["Location"]))
    assert "تأخیر غیرموجه" in html and expert.get_full_name() in html


@pytest.mark.parametrize("changes", [
    {"violation-occurred_on": jalali.format_date(dt.date.today() + dt.timedelta(days=3))},
    {"violation-description": "   "},
    {"violation-occurred_on": "1404/13/01"},
    {"violation-instruction": ""},
])
def test_bad_violation_input_is_refused_in_persian_and_keeps_the_input(client, company, expert, changes):
    login(client, expert)
    data = _violation(**changes)
    html = _html(client.post(f"/staff/contractors/companies/{company.pk}/", data))
    assert "error-summary" in html
    assert not DisciplinaryViolation.objects.exists()
    if data["violation-description"].strip():
        assert data["violation-description"] in html  # the form keeps what was typed


def test_the_future_date_refusal_comes_from_the_service(client, company, expert):
    login(client, expert)
    future = timezone.localdate() + dt.timedelta(days=3)
    html = _html(client.post(f"/staff/contractors/companies/{company.pk}/",
                             _violation(**{"violation-occurred_on": jalali.format_date(future)})))
    assert "آینده" in html or "future" in html
    assert not DisciplinaryViolation.objects.exists()


def test_only_experts_unit_heads_and_heads_of_the_province_record_violations(
        client, company, applicant, isfahan_expert, tehran):
    for user in (applicant, isfahan_expert, make_staff(province=tehran, roles=["finance"])):
        login(client, user)
        assert client.post(f"/staff/contractors/companies/{company.pk}/", _violation()).status_code == 404
    assert not DisciplinaryViolation.objects.exists()


def test_another_provinces_company_is_not_listed_or_opened(client, expert, isfahan, applicant, administrator):
    other = make_organization(owner=applicant, province=isfahan, name="شرکت اصفهان")
    _registry_entry(case=_case(applicant, other), by=administrator, name=other.name, national_id=other.national_id,
                    organization=other)
    login(client, expert)
    assert f"/staff/contractors/companies/{other.pk}/" not in _html(client.get("/staff/contractors/companies/"))
    assert client.get(f"/staff/contractors/companies/{other.pk}/").status_code == 404
