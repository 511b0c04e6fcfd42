import pytest

from khedmat.core.exceptions import ApplicationError
from khedmat.organizations import services
from khedmat.organizations.models import Membership, Organization
from khedmat.organizations.selectors import ACTING_SESSION_KEY
from khedmat.testing import login, make_organization, next_organization_id

pytestmark = pytest.mark.django_db


def test_register_an_organization_and_act_for_it_once_the_claim_is_verified(client, applicant, tehran, expert):
    login(client, applicant)
    national_id = next_organization_id()
    persian = "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in national_id)
    response = client.post("/organizations/new/", {
        "kind": "institute", "national_id": persian, "name": "موسسه آموزشي كوثر", "province": tehran.pk,
        "role": "ceo", "registration_number": "۱۲۳۴۵",
    })
    organization = Organization.objects.get(national_id=national_id)
    assert response["Location"] == f"/organizations/{organization.pk}/"
    assert organization.name == "موسسه آموزشی کوثر" and organization.registration_number == "12345"
    # A claim, not yet checked: the membership acts for nothing.
    assert organization.claim_status == "pending"
    assert ACTING_SESSION_KEY not in client.session
    client.post("/organizations/act-as/", {"organization": organization.pk})
    assert ACTING_SESSION_KEY not in client.session
    assert "موسسه آموزشی کوثر" in client.get("/accounts/").content.decode()
    assert f'value="{organization.pk}"' not in client.get("/accounts/").content.decode()
    assert "موسسه آموزشی کوثر" not in client.get("/cases/new/").content.decode()
    assert client.post(f"/organizations/{organization.pk}/", {"national_id": "0012345679", "role": "employee"}
                       ).status_code == 200
    assert organization.memberships.count() == 1
    client.logout()
    # A staff member of the province approves it.
    login(client, expert)
    page = client.get(f"/staff/organizations/{organization.pk}/").content.decode()
    assert "/claim/verify/" in page
    client.post(f"/staff/organizations/{organization.pk}/claim/verify/", {"note": "روزنامه رسمی دیده شد"})
    organization.refresh_from_db()
    assert organization.claim_status == "verified" and organization.claim_method == "staff"
    assert organization.claim_decided_by == expert
    client.logout()
    login(client, applicant)
    client.post("/organizations/act-as/", {"organization": organization.pk})
    assert client.session[ACTING_SESSION_KEY] == organization.pk
    assert "موسسه آموزشی کوثر" in client.get("/cases/new/").content.decode()


def test_markup_in_an_organization_name_is_refused_in_persian(client, applicant, tehran):
    login(client, applicant)
    national_id = next_organization_id()
    response = client.post("/organizations/new/", {
        "kind": "institute", "national_id": national_id, "name": "<script>alert(1)</script>", "province": tehran.pk,
        "role": "ceo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "نشانه‌گذاری" in page and "<script>alert" not in page
    assert not Organization.objects.filter(national_id=national_id).exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(ApplicationError):
        services.organization_register(by=applicant, kind="company", national_id=national_id,
                                       name="شرکت <img src=x onerror=alert(1)>", province=tehran, role="ceo")
    assert not Organization.objects.filter(national_id=national_id).exists()


def test_a_rejected_claim_acts_for_nothing_and_the_rightful_ceo_may_claim_again(client, applicant, other_applicant,
                                                                              tehran, expert):
    squatter = services.organization_register(by=other_applicant, kind="company", national_id=next_organization_id(),
                                              name="شرکت دیگران", province=tehran, role="ceo")
    login(client, expert)
    assert client.post(f"/staff/organizations/{squatter.pk}/claim/reject/", {"note": ""}).status_code == 302
    squatter.refresh_from_db()
    assert squatter.claim_status == "pending"  # a rejection needs its reason
    client.post(f"/staff/organizations/{squatter.pk}/claim/reject/", {"note": "در روزنامه رسمی امضاکننده نیست"})
    squatter.refresh_from_db()
    assert squatter.claim_status == "rejected"
    rightful = services.organization_register(by=applicant, kind="company", national_id=squatter.national_id,
                                              name="شرکت دیگران", province=tehran, role="ceo")
    assert rightful.pk == squatter.pk and rightful.claim_status == "pending"
    assert list(rightful.memberships.values_list("user_id", flat=True)) == [applicant.pk]


def test_bad_organization_id_is_refused_in_persian(client, applicant, tehran):
    login(client, applicant)
    response = client.post("/organizations/new/", {
        "kind": "company", "national_id": "10380284791", "name": "x", "province": tehran.pk, "role": "ceo"})
    assert response.status_code == 200
    assert "شناسه ملی" in response.content.decode()
    assert not Organization.objects.filter(national_id="10380284791").exists()


def test_nobody_sees_an_organization_that_is_not_theirs(client, company, other_applicant):
    login(client, other_applicant)
    assert client.get(f"/organizations/{company.pk}/").status_code == 404
    assert client.get("/organizations/999999/").status_code == 404
    response = client.post("/organizations/act-as/", {"organization": company.pk})
    assert ACTING_SESSION_KEY not in client.session
    assert response.status_code == 404


def test_staff_see_only_their_provinces_organizations(client, expert, isfahan_expert, company, other_applicant,
                                                      isfahan):
    isfahan_company = make_organization(owner=other_applicant, province=isfahan, name="شرکت اصفهانی")
    login(client, expert)
    listing = client.get("/staff/organizations/").content.decode()
    assert company.name in listing and "شرکت اصفهانی" not in listing
    assert client.get(f"/staff/organizations/{company.pk}/").status_code == 200
    assert client.get(f"/staff/organizations/{isfahan_company.pk}/").status_code == 404
    client.logout()
    login(client, isfahan_expert)
    assert client.get(f"/staff/organizations/{company.pk}/").status_code == 404
    assert client.get(f"/staff/organizations/{isfahan_company.pk}/").status_code == 200


def test_staff_search_matches_arabic_letter_variants(client, expert, applicant, tehran):
    make_organization(owner=applicant, province=tehran, name="شرکت کیمیا")
    login(client, expert)
    assert "شرکت کیمیا" in client.get("/staff/organizations/", {"q": "كيميا"}).content.decode()


def test_applicants_cannot_open_staff_pages(client, applicant):
    login(client, applicant)
    assert client.get("/staff/organizations/").status_code == 404
    assert client.get("/staff/").status_code == 404
    assert client.get("/staff/calendar/").status_code == 404


def test_provincial_administrator_sees_only_own_province_in_admin(client, administrator, other_applicant, isfahan,
                                                                  company):
    isfahan_company = make_organization(owner=other_applicant, province=isfahan, name="شرکت اصفهانی")
    login(client, administrator)
    assert client.get(f"/admin/organizations/organization/{company.pk}/change/").status_code == 200
    response = client.get(f"/admin/organizations/organization/{isfahan_company.pk}/change/")
    assert response.status_code == 302  # Django admin redirects a missing object to the index


def test_adding_a_member_with_a_bad_national_id_changes_nothing(client, company, applicant):
    login(client, applicant)
    response = client.post(f"/organizations/{company.pk}/", {"national_id": "1234567890", "role": "employee"})
    assert response.status_code == 200 and "کد ملی" in response.content.decode()
    assert Membership.objects.filter(organization=company).count() == 1


def test_adding_and_removing_a_member_through_the_page(client, company, applicant, other_applicant):
    login(client, applicant)
    response = client.post(f"/organizations/{company.pk}/",
                           {"national_id": other_applicant.national_id, "role": "employee"})
    assert response.status_code == 302
    membership = Membership.objects.get(organization=company, user=other_applicant)
    client.post(f"/organizations/{company.pk}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_switching_whom_one_acts_for(client, company, applicant):
    login(client, applicant)
    client.post("/organizations/act-as/", {"organization": company.pk})
    assert client.session[ACTING_SESSION_KEY] == company.pk
    assert company.name in client.get("/accounts/").content.decode()
    client.post("/organizations/act-as/", {"organization": "abc"})
    assert client.session[ACTING_SESSION_KEY] == company.pk
    client.post("/organizations/act-as/", {"organization": "self"})
    assert ACTING_SESSION_KEY not in client.session


@pytest.mark.parametrize("raw", ["99999999999999999999999999", str(2**63), "0", "-5", "1e5"])
def test_acting_for_an_id_out_of_range_is_a_persian_refusal_not_a_500(client, company, applicant, raw):
    login(client, applicant)
    client.post("/organizations/act-as/", {"organization": company.pk})
    response = client.post("/organizations/act-as/", {"organization": raw}, follow=True)
    assert response.status_code == 200
    assert client.session[ACTING_SESSION_KEY] == company.pk
    assert "یکی از اشخاص حقوقی خود را انتخاب کنید" in response.content.decode()


@pytest.mark.parametrize("path", ["/organizations/99999999999999999999999999/",
                                  "/organizations/1/members/99999999999999999999999999/remove/",
                                  "/staff/organizations/99999999999999999999999999/"])
def test_urls_with_ids_out_of_range_answer_404(client, company, applicant, expert, path):
    login(client, expert if path.startswith("/staff/") else applicant)
    response = client.post(path) if path.endswith("/remove/") else client.get(path)
    assert response.status_code == 404


def test_registering_with_a_province_out_of_range_is_a_persian_form_error(client, applicant):
    login(client, applicant)
    response = client.post("/organizations/new/", {
        "kind": "company", "national_id": next_organization_id(), "name": "شرکت آزمون", "role": "ceo",
        "province": "99999999999999999999999999"})
    assert response.status_code == 200 and not Organization.objects.filter(name="شرکت آزمون").exists()
    assert "یکی از موارد فهرست را انتخاب کنید" in response.content.decode()
