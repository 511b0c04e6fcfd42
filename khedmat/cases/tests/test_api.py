import pytest
from django.test import Client

from khedmat.cases import services
from khedmat.cases.models import Case, CaseEvent, DocumentVersion
from khedmat.organizations.models import Membership
from khedmat.testing import login, make_organization, make_staff, make_user
from khedmat.testing_fixtures.cases import PDF, pdf_file

pytestmark = pytest.mark.django_db


def test_schema_and_docs_are_served_locally(client, applicant):
    login(client, applicant)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/cases/" in schema.content


def test_the_swagger_page_is_for_staff_only(client, applicant, tehran):
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/?next=/api/docs/")
    login(client, applicant)
    refused = client.get("/api/docs/")
    assert refused.status_code == 403 and "به این صفحه دسترسی ندارید" in refused.content.decode()
    assert client.get("/api/docs/", {"script": ""}).status_code == 403
    client.logout()
    login(client, make_staff(province=tehran, roles=["expert"]))
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "https://" not in docs
    assert client.get("/api/docs/", {"script": ""}).status_code == 200


def test_applicant_creates_fills_and_submits_through_the_api(client, test_service, applicant,
                                                             django_capture_on_commit_callbacks):
    login(client, applicant)
    created = client.post("/api/cases/", {"service": test_service.code}, content_type="application/json")
    assert created.status_code == 201
    case_id = created.json()["id"]
    case = Case.objects.get(public_id=case_id)
    case.data = {"subject": "x"}
    case.save()
    for code in ("id_card", "letter"):
        response = client.post(f"/api/cases/{case_id}/documents/", {"requirement": code, "file": pdf_file()})
        assert response.status_code == 201, response.content
    version = Case.objects.get(public_id=case_id).version
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/cases/{case_id}/transitions/", {"transition": "submit", "version": version},
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["tracking_number"]
    assert response.json()["sla"]["target_working_days"] == 5


def test_api_errors_are_persian_and_change_nothing(client, submitted, expert):
    login(client, expert)
    response = client.post(f"/api/cases/{submitted.public_id}/transitions/",
                           {"transition": "reject", "version": submitted.version}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "comment_required"
    assert any("\u0600" <= ch <= "\u06ff" for ch in response.json()["message"])
    bad = client.post(f"/api/cases/{submitted.public_id}/transitions/", {"transition": "recommend", "version": "x"},
                      content_type="application/json")
    assert bad.status_code == 400 and "version" in bad.json()["extra"]["fields"]
    upload = client.post(f"/api/cases/{submitted.public_id}/documents/",
                         {"requirement": "letter", "file": pdf_file("a.exe", b"MZ" + b"\0" * 100)})
    assert upload.status_code == 400
    assert Case.objects.get(pk=submitted.pk).state == "under_review"


# -- the permission matrix --------------------------------------------------------------------

PERSONAS = ["owner", "member", "other_applicant", "expert", "unit_head", "finance", "other_province_expert",
            "anonymous"]
CAN_SEE = {"owner", "member", "expert", "unit_head"}
CAN_RECOMMEND = {"expert"}


@pytest.fixture
def people(submitted, applicant, tehran, isfahan, unit_head, expert):
    member = make_user()
    organization = make_organization(owner=applicant, province=tehran)
    Membership.objects.create(organization=organization, user=member, role="employee")
    Case.objects.filter(pk=submitted.pk).update(organization=organization)
    return {
        "owner": applicant, "member": member, "other_applicant": make_user(), "expert": expert, "unit_head": unit_head,
        "finance": make_staff(province=tehran, roles=["finance"]),
        "other_province_expert": make_staff(province=isfahan, roles=["expert"]), "anonymous": None,
    }


def _as(client, person):
    client.logout()
    if person is not None:
        login(client, person)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_a_case_on_every_url(client, people, submitted, persona):
    _as(client, people[persona])
    version = DocumentVersion.objects.filter(document__case=submitted).first()
    urls = [f"/cases/{submitted.public_id}/", f"/cases/{submitted.public_id}/documents/versions/{version.pk}/",
            f"/api/cases/{submitted.public_id}/", f"/api/cases/{submitted.public_id}/events/",
            f"/api/cases/{submitted.public_id}/documents/"]
    for path in urls:
        status = client.get(path).status_code
        if persona in CAN_SEE:
            assert status == 200, (persona, path)
        elif persona == "anonymous":
            assert status in (302, 403), (persona, path)
        else:
            assert status == 404, (persona, path)
    # A case that does not exist looks the same as one that is not yours.
    if persona not in CAN_SEE and persona != "anonymous":
        assert client.get("/cases/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_take_an_action_page_and_api(client, people, submitted, persona):
    _as(client, people[persona])
    version = Case.objects.get(pk=submitted.pk).version
    page = client.post(f"/cases/{submitted.public_id}/transition/", {"version": version, "transition": "recommend"})
    api = client.post(f"/api/cases/{submitted.public_id}/transitions/", {"transition": "recommend", "version": version},
                      content_type="application/json")
    moved = Case.objects.get(pk=submitted.pk).state == "awaiting_approval"
    assert moved == (persona in CAN_RECOMMEND)
    if persona not in CAN_SEE:
        assert page.status_code in (302, 404) and api.status_code in (403, 404)
    elif persona not in CAN_RECOMMEND:
        assert api.status_code == 400


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_case_in_a_queue(client, people, submitted, persona):
    _as(client, people[persona])
    page = client.get("/staff/cases/queue/")
    api = client.get("/api/queue/")
    in_queue = page.status_code == 200 and submitted.applicant.get_full_name() in page.content.decode()
    assert in_queue == (persona == "expert")
    if persona == "expert":
        assert [c["id"] for c in api.json()] == [str(submitted.public_id)]
    elif persona in ("owner", "member", "other_applicant"):
        assert api.status_code == 404


def test_uploading_needs_the_applicant_in_an_editable_state(client, people, submitted):
    _as(client, people["expert"])
    response = client.post(f"/api/cases/{submitted.public_id}/documents/",
                           {"requirement": "letter", "file": pdf_file()})
    assert response.status_code == 400
    _as(client, people["owner"])
    response = client.post(f"/api/cases/{submitted.public_id}/documents/",
                           {"requirement": "letter", "file": pdf_file()})
    assert response.status_code == 400  # under review: no changes until a deficiency notice asks for them
    assert DocumentVersion.objects.filter(document__case=submitted).count() == 2
    assert PDF


# Every case action, by persona: (url suffix, form data, check that it took effect, who may).
def _actions(case):
    def events(kind):
        return lambda: CaseEvent.objects.filter(case=case, event_type=kind).count()

    return {
        "message": ("message", {"text": "سلام"}, events("message"), {"owner", "member", "expert", "unit_head"}),
        "note": ("note", {"text": "یادداشت"}, events("note"), {"expert", "unit_head"}),
        "claim": ("claim", {"version": "{version}"}, events("claimed"), {"expert"}),
        "deficiency": ("deficiency", {
            "version": "{version}", "summary": "", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "30", "form-0-document_code": "",
            "form-0-text": "ناقص", "form-0-guidance": "کامل کنید"}, events("deficiency_notice"), {"expert"}),
        "upload": ("documents/letter/upload", {"file": "PDF"}, events("document_uploaded"), set()),
        "submit": ("submit", {"version": "{version}"}, events("submitted"), set()),
    }


@pytest.mark.parametrize("action", ["message", "note", "claim", "deficiency", "upload", "submit"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_case_action_by_every_persona(client, people, submitted, persona, action):
    path, data, effect, allowed = _actions(submitted)[action]
    _as(client, people[persona])
    before = effect()
    version = Case.objects.get(pk=submitted.pk).version
    payload = {key: (str(version) if value == "{version}" else value) for key, value in data.items()}
    if payload.get("file") == "PDF":
        payload["file"] = pdf_file()
    response = client.post(f"/cases/{submitted.public_id}/{path}/", payload)
    assert response.status_code in (200, 302, 404), response.status_code
    assert (effect() > before) == (persona in allowed), (persona, action)
    if persona not in CAN_SEE and persona != "anonymous":
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_is_the_applicants_alone(client, people, submitted, persona):
    organization = Case.objects.get(pk=submitted.pk).organization
    draft = services.case_create(service=submitted.service, applicant=people["owner"], organization=organization)
    _as(client, people[persona])
    page = client.get(f"/cases/{draft.public_id}/")
    uploaded = client.post(f"/cases/{draft.public_id}/documents/extra/upload/", {"file": pdf_file()})
    owner_side = persona in {"owner", "member"}
    assert (page.status_code == 200) == owner_side
    assert CaseEvent.objects.filter(case=draft, event_type="document_uploaded").count() == (1 if owner_side else 0)
    if not owner_side and persona != "anonymous":
        assert uploaded.status_code == 404


LATIN = __import__("re").compile(r"[A-Za-z]")


def english(text: str) -> bool:
    """Latin words in a message, apart from the format's name."""
    return bool(LATIN.search(text.replace("JSON", "")))


def _messages(body) -> list[str]:
    """Every human-readable text of an API error answer."""
    found = [body["message"]]

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.append(value)

    walk(body.get("extra", {}).get("fields", {}))
    return found


def test_a_bad_json_body_gets_a_persian_message(client, applicant):
    login(client, applicant)
    response = client.post("/api/cases/", "{bad", content_type="application/json")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "parse_error"
    assert body["message"] == "متن درخواست JSON معتبر نیست." and "parse error" not in body["message"]
    assert "Expecting" not in response.content.decode()


@pytest.mark.parametrize("method, path, payload, content_type", [
    ("post", "/api/cases/", '{"service": "a b!"}', "application/json"),  # was: a valid "slug"
    ("post", "/api/cases/", "[1]", "application/json"),  # was: Expected a dictionary, but got list
    ("post", "/api/cases/", '{"service": null}', "application/json"),
    ("post", "/api/cases/", "{}", "application/json"),
    ("post", "/api/cases/", "x", "text/plain"),  # was: the media type named in the text
    ("delete", "/api/cases/", None, None),  # was: Method "DELETE" not allowed
    ("post", "/api/cases/{case}/transitions/", '{"transition": "x", "version": 99999999999999999999999}',
     "application/json"),
    ("post", "/api/cases/{case}/transitions/", '{"transition": "x", "version": "abc", "comment": null}',
     "application/json"),
    ("get", "/api/no-such-thing/", None, None),
])
def test_api_refusals_carry_no_english(client, applicant, submitted, method, path, payload, content_type):
    login(client, applicant)
    path = path.format(case=submitted.public_id)
    kwargs = {"content_type": content_type} if content_type else {}
    response = getattr(client, method)(path, payload, **kwargs) if payload is not None else getattr(client,
                                                                                                    method)(path)
    assert 400 <= response.status_code < 500
    body = response.json()
    texts = _messages(body)
    assert all(text and not english(text) for text in texts), texts
    assert "slug" not in response.content.decode()


def test_codes_are_refused_in_persian_without_the_word_slug(client, submitted, applicant):
    login(client, applicant)
    response = client.post(f"/api/cases/{submitted.public_id}/documents/", {"requirement": "a b"})
    fields = response.json()["extra"]["fields"]
    assert "slug" not in response.content.decode()
    assert fields["requirement"] == ["یکی از کدهای منتشرشده را وارد کنید (حروف لاتین، رقم، _ یا -)."]


def test_an_unauthenticated_api_call_is_refused_in_persian(client):
    response = client.get("/api/cases/")
    assert response.status_code in (401, 403) and not english(response.json()["message"])


def test_a_missing_csrf_token_is_explained_in_persian(applicant, test_service):
    client = Client(enforce_csrf_checks=True)
    login(client, applicant)
    response = client.post("/api/cases/", {"service": test_service.code}, content_type="application/json")
    assert response.status_code == 403 and "CSRF" not in response.json()["message"]
    assert not english(response.json()["message"]) and not Case.objects.exists()
