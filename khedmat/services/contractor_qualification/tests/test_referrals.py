"""The hand-off of service 4 to SAJAR: the push to the SAJAR intake (tools/registry_simulator.py, a real HTTP
server in a thread), failures and retries, the status sweep, the approver's hand work, and the staff pages.

A case reaches the approver directly (submission and review have their own tests); from there the real
`grades_approve` issues the certificate and creates the referral, whose push is queued after commit."""
import datetime as dt
import io
import json

import pytest
import requests
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from khedmat.cases import services as case_services
from khedmat.cases.models import Case, CaseEvent
from khedmat.catalog.models import Service
from khedmat.core.exceptions import ApplicationError
from khedmat.inquiries.tests.simulator import start_simulator
from khedmat.services.contractor_qualification import sajar as sajar_client
from khedmat.services.contractor_qualification import services
from khedmat.services.contractor_qualification.models import Referral, ReferralStatus
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db

PERSIAN = set("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")


def persian(text: str) -> bool:
    return bool(PERSIAN.intersection(text))


# -- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture
def sajar():
    """The SAJAR intake of the registry simulator, and KHEDMAT_SAJAR_URL pointing at it."""
    running = start_simulator(quiet=True)
    try:
        with override_settings(KHEDMAT_SAJAR_URL=running.url):
            yield running
    finally:
        running.stop()


@pytest.fixture
def approver(tehran):
    return make_staff(province=tehran, roles=["unit_head"])


@pytest.fixture
def head(tehran):
    return make_staff(province=tehran, roles=["head"])


@pytest.fixture
def isfahan_unit_head(isfahan):
    return make_staff(province=isfahan, roles=["unit_head"])


def approve(applicant, approver, capture, *, execute: bool = False) -> Referral:
    """A type-1 contractor's case granted grade 5 in building by the approver: certificate issued and the
    referral created; `execute` runs what waits for the commit (the push, with the immediate task backend)."""
    service = Service.objects.get(code="contractor_qualification")
    case = case_services.case_create(service=service, applicant=applicant)
    case = case_services.case_data_update(
        case=case, data={"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 5}]},
        title="", by=applicant, expected_version=case.version)
    Case.objects.filter(pk=case.pk).update(state="awaiting_approval",
                                           tracking_number=case_services._next_tracking_number(service))
    case.refresh_from_db()
    with capture(execute=execute):
        services.grades_approve(case=case, granted={"building": 5}, reasons={}, by=approver,
                                expected_version=case.version)
    return Referral.objects.select_related("case", "certificate").get(case=case)


@pytest.fixture
def referral(applicant, approver, django_capture_on_commit_callbacks):
    """A pending referral of a case whose certificate was just issued (the push not run yet)."""
    return approve(applicant, approver, django_capture_on_commit_callbacks)


def reload(referral: Referral) -> Referral:
    return Referral.objects.select_related("case", "certificate").get(pk=referral.pk)


def transitions(case) -> list[tuple[str, int | None]]:
    return list(CaseEvent.objects.filter(case=case, transition__in=["refer_to_pbo", "register_in_sajar"])
                .order_by("pk").values_list("transition", "actor_id"))


# -- the push ------------------------------------------------------------------------------------------------

def test_approval_pushes_the_referral_after_commit_and_the_case_moves_on_as_the_system(
        sajar, applicant, approver, django_capture_on_commit_callbacks):
    referral = approve(applicant, approver, django_capture_on_commit_callbacks, execute=True)

    stored = sajar.state.data["sajar"][str(referral.message_id)]
    assert referral.status == ReferralStatus.SENT and referral.receipt == stored["receipt"]
    assert referral.attempts == 1 and referral.last_error == "" and referral.next_attempt_at is None
    assert referral.sent_at is not None
    assert stored["payload"] == referral.payload
    assert referral.payload["certificate"]["number"] == referral.certificate.number
    assert referral.payload["applicant"]["national_id"] == applicant.national_id
    assert referral.case.state == "referred_to_pbo"
    event = CaseEvent.objects.get(case=referral.case, transition="refer_to_pbo")
    assert event.actor_id is None and referral.receipt in event.comment


def test_a_pending_referral_is_sent_with_its_message_id_and_payload(sajar, referral):
    assert referral.status == ReferralStatus.PENDING and referral.case.state == "certificate_issued"

    services.referral_send(referral.pk)

    referral = reload(referral)
    assert referral.status == ReferralStatus.SENT and referral.receipt.startswith("SJR-")
    assert referral.case.state == "referred_to_pbo"
    assert transitions(referral.case) == [("refer_to_pbo", None)]
    path, params = sajar.requests[-1]
    assert path == "/sajar/referrals" and params["message_id"] == str(referral.message_id)


def test_a_failing_sajar_leaves_the_referral_failed_for_a_later_attempt_and_the_case_unchanged(sajar, referral):
    sajar.control("fail", registry="sajar")
    before = timezone.now()

    services.referral_send(referral.pk)

    referral = reload(referral)
    assert referral.status == ReferralStatus.FAILED and referral.attempts == 1
    assert "503" in referral.last_error and referral.receipt == "" and referral.sent_at is None
    assert referral.next_attempt_at > before + dt.timedelta(seconds=50)
    assert referral.case.state == "certificate_issued" and transitions(referral.case) == []
    assert sajar.state.data["sajar"] == {}


def test_the_sweep_waits_for_the_back_off_then_retries_after_recovery(sajar, referral):
    sajar.control("fail", registry="sajar")
    services.referral_send(referral.pk)
    sajar.control("normal", registry="sajar", register_after=3600)  # received, not registered yet

    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}
    assert reload(referral).status == ReferralStatus.FAILED

    result = services.referrals_sweep(now=timezone.now() + dt.timedelta(minutes=2))

    referral = reload(referral)
    assert result == {"retried": 1, "acknowledged": 0}
    assert referral.status == ReferralStatus.SENT and referral.attempts == 2 and referral.last_error == ""
    assert referral.case.state == "referred_to_pbo"


def test_a_lost_answer_is_retried_and_sajar_keeps_one_referral_with_one_receipt(sajar, referral):
    sajar.control("garbage", registry="sajar")  # SAJAR takes the file, but its answer is not understood
    services.referral_send(referral.pk)
    assert reload(referral).status == ReferralStatus.FAILED
    sajar.control("normal", registry="sajar")

    services.referral_send(referral.pk)  # still within the back-off: not sent again yet
    assert reload(referral).status == ReferralStatus.FAILED
    services.referral_send(referral.pk, now=timezone.now() + dt.timedelta(hours=1))

    referral = reload(referral)
    stored = sajar.state.data["sajar"]
    assert list(stored) == [str(referral.message_id)]
    assert referral.status == ReferralStatus.SENT and referral.receipt == stored[str(referral.message_id)]["receipt"]


def test_the_same_message_posted_twice_gives_one_receipt(sajar, referral):
    first = sajar_client.push(base_url=sajar.url, message_id=str(referral.message_id), payload=referral.payload)
    again = sajar_client.push(base_url=sajar.url, message_id=str(referral.message_id), payload=referral.payload)
    assert first == again and len(sajar.state.data["sajar"]) == 1


def test_the_sweep_asks_sajar_and_records_the_registration(sajar, referral):
    services.referral_send(referral.pk)
    sent = reload(referral)

    result = services.referrals_sweep()

    referral = reload(referral)
    stored = sajar.state.data["sajar"][str(referral.message_id)]
    assert result == {"retried": 0, "acknowledged": 1}
    assert referral.status == ReferralStatus.ACKNOWLEDGED and referral.acknowledgement == stored["registration_number"]
    assert referral.acknowledged_by is None and referral.acknowledged_at is not None
    assert referral.receipt == sent.receipt
    assert referral.case.state == "registered_in_sajar"
    assert transitions(referral.case) == [("refer_to_pbo", None), ("register_in_sajar", None)]
    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}


def test_the_sweep_leaves_a_referral_sajar_has_not_registered_yet(sajar, referral):
    sajar.control("normal", registry="sajar", register_after=3600)
    services.referral_send(referral.pk)

    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}
    referral = reload(referral)
    assert referral.status == ReferralStatus.SENT and referral.case.state == "referred_to_pbo"


def test_the_sweep_survives_a_sajar_that_answers_nonsense(sajar, referral):
    services.referral_send(referral.pk)
    sajar.control("garbage", registry="sajar")

    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}
    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}
    assert reload(referral).status == ReferralStatus.SENT


@override_settings(KHEDMAT_SAJAR_URL="")
def test_without_a_sajar_address_the_referral_waits_for_the_hand_export(applicant, approver,
                                                                        django_capture_on_commit_callbacks):
    referral = approve(applicant, approver, django_capture_on_commit_callbacks, execute=True)
    services.referrals_sweep(now=timezone.now() + dt.timedelta(days=1))

    referral = reload(referral)
    assert referral.status == ReferralStatus.PENDING and referral.attempts == 0 and referral.last_error == ""
    assert referral.case.state == "certificate_issued"


def test_the_sweep_command_runs_the_sweep(sajar, referral):
    services.referral_send(referral.pk)
    out = io.StringIO()
    call_command("referrals_sweep", stdout=out)
    assert "acknowledged: 1" in out.getvalue()
    assert reload(referral).status == ReferralStatus.ACKNOWLEDGED


def test_the_sweep_does_not_ask_sajar_about_a_file_sent_by_hand(sajar, referral, approver):
    services.referral_mark_sent(referral=referral, receipt="12345", by=approver)
    asked = len(sajar.state.requests)

    assert services.referrals_sweep() == {"retried": 0, "acknowledged": 0}
    assert len(sajar.state.requests) == asked and reload(referral).sent_by_hand


# -- the approver's hand work ----------------------------------------------------------------------------------

@override_settings(KHEDMAT_SAJAR_URL="")
def test_the_unit_head_records_a_file_sent_by_hand_and_its_registration(referral, approver):
    services.referral_mark_sent(referral=referral, receipt=" 12345 ", by=approver)
    referral = reload(referral)
    assert referral.status == ReferralStatus.SENT and referral.receipt == "12345" and referral.sent_at is not None
    assert referral.case.state == "referred_to_pbo"

    services.referral_acknowledge(referral=referral, registration_number="1400123456", by=approver)

    referral = reload(referral)
    assert referral.status == ReferralStatus.ACKNOWLEDGED and referral.acknowledgement == "1400123456"
    assert referral.acknowledged_by == approver
    assert referral.case.state == "registered_in_sajar"
    assert transitions(referral.case) == [("refer_to_pbo", approver.pk), ("register_in_sajar", approver.pk)]


@pytest.mark.parametrize("persona", ["expert", "applicant", "head"])
def test_only_the_approver_records_the_hand_work(request, referral, approver, persona):
    someone = request.getfixturevalue(persona)
    with pytest.raises(ApplicationError) as refused:
        services.referral_mark_sent(referral=referral, receipt="12345", by=someone)
    assert refused.value.code == "forbidden" and persian(refused.value.message)
    unchanged = reload(referral)
    assert unchanged.status == ReferralStatus.PENDING and unchanged.receipt == ""
    assert unchanged.case.state == "certificate_issued" and transitions(unchanged.case) == []

    services.referral_mark_sent(referral=referral, receipt="12345", by=approver)
    with pytest.raises(ApplicationError) as refused:
        services.referral_acknowledge(referral=referral, registration_number="1400123456", by=someone)
    assert refused.value.code == "forbidden"
    unchanged = reload(referral)
    assert unchanged.status == ReferralStatus.SENT and unchanged.acknowledgement == ""
    assert unchanged.case.state == "referred_to_pbo"


def test_hand_work_refuses_empty_numbers_and_the_wrong_order(referral, approver):
    with pytest.raises(ApplicationError) as refused:
        services.referral_mark_sent(referral=referral, receipt="  ", by=approver)
    assert refused.value.code == "receipt"
    with pytest.raises(ApplicationError):
        services.referral_acknowledge(referral=referral, registration_number="1400123456", by=approver)
    services.referral_mark_sent(referral=referral, receipt="12345", by=approver)
    with pytest.raises(ApplicationError):
        services.referral_mark_sent(referral=referral, receipt="67890", by=approver)
    referral = reload(referral)
    assert referral.status == ReferralStatus.SENT and referral.receipt == "12345"


# -- the staff pages -----------------------------------------------------------------------------------------

def urls(referral) -> dict[str, str]:
    case_id = referral.case.public_id
    return {"detail": reverse("cq-referrals:detail", args=[case_id]),
            "export": reverse("cq-referrals:export", args=[case_id]),
            "mark-sent": reverse("cq-referrals:mark-sent", args=[case_id]),
            "acknowledge": reverse("cq-referrals:acknowledge", args=[case_id])}


@override_settings(KHEDMAT_SAJAR_URL="")
def test_the_unit_head_sees_the_list_the_referral_and_its_export(client, referral, approver):
    login(client, approver)
    listed = client.get(reverse("cq-referrals:list"))
    assert listed.status_code == 200
    assert list(listed.context["page"]) == [referral]
    assert urls(referral)["detail"] in listed.content.decode()

    detail = client.get(urls(referral)["detail"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert referral.certificate.holder_name in body and str(referral.message_id) in body
    assert urls(referral)["mark-sent"] in body and urls(referral)["acknowledge"] not in body
    assert "<script" not in body

    export = client.get(urls(referral)["export"])
    assert export.status_code == 200 and export["Content-Type"] == "application/json; charset=utf-8"
    assert export["Content-Disposition"].startswith("attachment; filename=")
    assert json.loads(export.content.decode("utf-8")) == referral.payload
    assert referral.certificate.holder_name.encode() in export.content and b"\\u06" not in export.content


def test_the_list_filters_by_status(client, applicant, approver, django_capture_on_commit_callbacks):
    pending = approve(applicant, approver, django_capture_on_commit_callbacks)
    sent = approve(applicant, approver, django_capture_on_commit_callbacks)
    services.referral_mark_sent(referral=sent, receipt="12345", by=approver)
    login(client, approver)

    assert list(client.get(reverse("cq-referrals:list")).context["page"]) == [sent, pending]  # newest first
    assert list(client.get(reverse("cq-referrals:list"), {"status": "sent"}).context["page"]) == [sent]
    assert list(client.get(reverse("cq-referrals:list"), {"status": "pending"}).context["page"]) == [pending]
    assert list(client.get(reverse("cq-referrals:list"), {"status": "acknowledged"}).context["page"]) == []
    assert client.get(reverse("cq-referrals:list"), {"status": "nonsense", "page": "x"}).status_code == 200


def test_the_head_and_the_deputy_see_the_pages_but_cannot_act(client, tehran, referral, head):
    deputy = make_staff(province=tehran, roles=["deputy"])
    for person in (head, deputy):
        login(client, person)
        assert client.get(reverse("cq-referrals:list")).status_code == 200
        detail = client.get(urls(referral)["detail"])
        assert detail.status_code == 200 and urls(referral)["mark-sent"] not in detail.content.decode()

    response = client.post(urls(referral)["mark-sent"], {"sent-receipt": "12345"}, follow=True)

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and persian(shown[0])
    assert reload(referral).status == ReferralStatus.PENDING


@pytest.mark.parametrize("persona", ["isfahan_unit_head", "isfahan_expert", "expert", "applicant"])
def test_everyone_else_gets_not_found(client, request, referral, persona):
    login(client, request.getfixturevalue(persona))
    for url in (urls(referral)["detail"], urls(referral)["export"]):
        assert client.get(url).status_code == 404
    assert client.post(urls(referral)["mark-sent"], {"sent-receipt": "12345"}).status_code == 404
    listed = client.get(reverse("cq-referrals:list"))
    assert listed.status_code == 404 or list(listed.context["page"]) == []
    assert reload(referral).status == ReferralStatus.PENDING


def test_a_missing_referral_is_not_found(client, approver):
    login(client, approver)
    assert client.get(reverse("cq-referrals:detail", args=["00000000-0000-4000-8000-000000000000"])).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, referral):
    response = client.get(urls(referral)["detail"])
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@override_settings(KHEDMAT_SAJAR_URL="")
def test_the_unit_head_marks_sent_and_records_the_registration_on_the_page(client, referral, approver):
    login(client, approver)
    response = client.post(urls(referral)["mark-sent"], {"sent-receipt": "۹۸۷۶"}, follow=True)
    assert response.status_code == 200
    assert reload(referral).status == ReferralStatus.SENT and reload(referral).receipt == "9876"
    assert urls(referral)["acknowledge"] in response.content.decode()

    response = client.post(urls(referral)["acknowledge"], {"ack-registration_number": "1400123456"}, follow=True)

    assert response.status_code == 200
    referral = reload(referral)
    assert referral.status == ReferralStatus.ACKNOWLEDGED and referral.acknowledged_by == approver
    assert referral.case.state == "registered_in_sajar"
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


@pytest.mark.parametrize("url_name, data", [
    ("mark-sent", {"sent-receipt": ""}),
    ("mark-sent", {"sent-receipt": "1" * 61}),
    ("acknowledge", {"ack-registration_number": "1400123456"}),  # not sent yet
])
def test_a_bad_post_shows_a_persian_message_and_changes_nothing(client, referral, approver, url_name, data):
    login(client, approver)
    response = client.post(urls(referral)[url_name], data, follow=True)

    assert response.status_code == 200
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0][0] == "error" and persian(shown[0][1])
    unchanged = reload(referral)
    assert unchanged.status == ReferralStatus.PENDING and unchanged.receipt == "" and unchanged.acknowledgement == ""
    assert unchanged.case.state == "certificate_issued" and transitions(unchanged.case) == []


def test_the_actions_take_only_posts(client, referral, approver):
    login(client, approver)
    assert client.get(urls(referral)["mark-sent"]).status_code == 405


# -- the simulator's SAJAR intake ------------------------------------------------------------------------------

PAYLOAD = {"certificate": {"number": "4-1404-000001"}, "applicant": {"national_id": "0020000014"}}


def test_simulator_intake_is_idempotent_and_registers_on_the_first_status_request(sajar):
    url = f"{sajar.url}/sajar/referrals"
    first = requests.post(url, json={"message_id": "m-1", "payload": PAYLOAD}, timeout=5)
    again = requests.post(url, json={"message_id": "m-1", "payload": PAYLOAD}, timeout=5)
    other = requests.post(url, json={"message_id": "m-2", "payload": PAYLOAD}, timeout=5)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json() == again.json() == {"message_id": "m-1", "receipt": first.json()["receipt"]}
    assert other.json()["receipt"] != first.json()["receipt"]

    status = requests.get(f"{url}/m-1", timeout=5)
    assert status.status_code == 200 and status.json()["status"] == "registered"
    assert status.json()["registration_number"] and requests.get(f"{url}/m-1", timeout=5).json() == status.json()
    assert requests.get(f"{url}/unknown", timeout=5).status_code == 404
    assert requests.get(url, timeout=5).status_code == 405


def test_simulator_intake_waits_register_after_seconds(sajar):
    url = f"{sajar.url}/sajar/referrals"
    sajar.control("normal", registry="sajar", register_after=3600)
    requests.post(url, json={"message_id": "m-1", "payload": PAYLOAD}, timeout=5)
    assert requests.get(f"{url}/m-1", timeout=5).json() == {"message_id": "m-1", "status": "received",
                                                             "registration_number": None}
    sajar.control("fail", registry="sajar")  # a later control keeps the delay
    assert requests.get(f"{sajar.url}/_simulator/health", timeout=5).json()["sajar_register_after"] == 3600
    sajar.control("normal", registry="sajar", register_after=0)
    assert requests.get(f"{url}/m-1", timeout=5).json()["status"] == "registered"
    sajar.reset()
    health = requests.get(f"{sajar.url}/_simulator/health", timeout=5).json()
    assert health["sajar_register_after"] == 0 and health["records"]["sajar"] == 0


@pytest.mark.parametrize("body, error", [
    ({"message_id": "m-1", "payload": {}}, "invalid_payload"),
    ({"message_id": "m-1", "payload": {"certificate": {"number": "4-1"}, "applicant": {}}}, "invalid_payload"),
    ({"message_id": "m-1", "payload": {"certificate": {"number": " "}, "applicant": {"national_id": "1"}}},
     "invalid_payload"),
    ({"message_id": "m-1", "payload": "text"}, "invalid_payload"),
    ({"payload": PAYLOAD}, "invalid_message_id"),
    ({"message_id": "a/b", "payload": PAYLOAD}, "invalid_message_id"),
])
def test_simulator_intake_refuses_what_sajar_cannot_file(sajar, body, error):
    response = requests.post(f"{sajar.url}/sajar/referrals", json=body, timeout=5)
    assert response.status_code == 400 and response.json() == {"error": error}
    assert sajar.state.data["sajar"] == {}


def test_simulator_modes_apply_to_sajar(sajar):
    url = f"{sajar.url}/sajar/referrals"
    sajar.control("flaky", registry="sajar", failures=1)
    assert requests.post(url, json={"message_id": "m-1", "payload": PAYLOAD}, timeout=5).status_code == 503
    assert requests.post(url, json={"message_id": "m-1", "payload": PAYLOAD}, timeout=5).status_code == 201
    sajar.control("fail")  # every registry, SAJAR included
    assert requests.get(f"{url}/m-1", timeout=5).status_code == 503
    sajar.control("garbage", registry="sajar")
    assert requests.get(f"{url}/m-1", timeout=5).headers["Content-Type"].startswith("text/html")
    assert "message_id" not in requests.get(f"{url}/m-1", timeout=5).json()
    control = f"{sajar.url}/_simulator/control"
    assert requests.post(control, json={"register_after": 5}, timeout=5).status_code == 400
    assert requests.post(control, json={"registry": "padak", "register_after": 5}, timeout=5).status_code == 400
    assert requests.post(control, json={"registry": "sajar", "register_after": -1}, timeout=5).status_code == 400
    seed = {"registry": "sajar", "key": "m-9", "record": {}}
    assert requests.post(f"{sajar.url}/_simulator/seed", json=seed, timeout=5).status_code == 400


def test_a_failed_referral_is_described_in_persian_on_the_pages(client, sajar, referral, approver, caplog):
    sajar.control("fail", registry="sajar")
    services.referral_send(referral.pk)
    referral = reload(referral)
    assert "503" in referral.last_error and "503" in caplog.text  # raw: the record and the log
    login(client, approver)
    for url in (reverse("cq-referrals:list"), urls(referral)["detail"]):
        html = client.get(url).content.decode()
        assert referral.last_error not in html and "HTTP" not in html
        assert referral.last_error_display in html and "ساجار" in referral.last_error_display
