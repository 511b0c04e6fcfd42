import base64
import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khedmat.cases.services import case_page_url, case_transition, deficiency_notice_issue
from khedmat.cases.tracking import tracking_display
from khedmat.certificates import lookup_log, services, signing
from khedmat.certificates.keys import keyring
from khedmat.certificates.models import DocumentType, OfficialDocument, VerificationLog
from khedmat.core import jalali
from khedmat.core.text import to_persian_digits
from khedmat.notifications.models import OutboxMessage
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(administrator):
    return services.document_issue(
        document_type=DocumentType.objects.get(code="grade_certificate"), holder_name="شرکت ساختمانی البرز کوه",
        holder_national_id="10380284790", scope=[{"label": "رشته", "value": "ساختمان"}], by=administrator,
    )


def test_typing_the_code_in_persian_digits_finds_the_document(client, certificate):
    fa = certificate.verification_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = client.get("/verify/", {"code": fa})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.public_id}/"
    html = client.get(response["Location"]).content.decode()
    assert "شرکت ساختمانی البرز کوه" in html and "notice ok" in html


def test_bad_codes_get_a_clear_persian_message(client, certificate):
    wrong_check = certificate.verification_code[:-1] + str((int(certificate.verification_code[-1]) + 1) % 10)
    for raw in ("123", "abc", wrong_check):
        html = client.get("/verify/", {"code": raw}).content.decode()
        assert "error-summary" in html and "۱۲" in html
    assert client.get("/verify/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_no_private_field_on_the_public_page_or_json(client, certificate, administrator):
    """A company's national ID (شناسه ملی) is public and shown in full; a person's national code is masked
    on the public page and JSON (staff pages show it)."""
    to_latin = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    html = client.get(f"/verify/{certificate.public_id}/").content.decode()
    data = client.get(f"/verify/{certificate.public_id}/json/").json()
    assert "10380284790" in html.translate(to_latin) and "شناسه ملی" in html
    assert data["holder_id"] == "10380284790" and data["holder_id_label"] == "شناسه ملی"
    assert data["status"] == "valid" and data["signature_valid"] is True
    person = services.document_issue(document_type=DocumentType.objects.get(code="instructor_certificate"),
                                     holder_name="مریم احمدی", holder_national_id="0012345679", by=administrator)
    html = client.get(f"/verify/{person.public_id}/").content.decode()
    data = client.get(f"/verify/{person.public_id}/json/").json()
    for text in (html.translate(to_latin), str(data)):
        assert "0012345679" not in text and "******5679" in text
    assert data["holder_id_label"] == "کد ملی" and "کد ملی" in html


@pytest.mark.parametrize("change, status", [("suspend", "suspended"), ("revoke", "revoked")])
def test_status_shows_on_the_page_and_in_json(client, certificate, administrator, change, status):
    if change == "suspend":
        services.document_suspend(document=certificate, note="بررسی", by=administrator)
    else:
        services.document_revoke(document=certificate, reason="error", note="", by=administrator)
    assert client.get(f"/verify/{certificate.public_id}/json/").json()["status"] == status
    assert "notice warn" in client.get(f"/verify/{certificate.public_id}/").content.decode() or status == "revoked"


def test_expired_shows_as_expired(client, certificate):
    type(certificate).objects.filter(pk=certificate.pk).update(valid_until=dt.date(2020, 1, 1))
    assert client.get("/verify/json/", {"code": certificate.verification_code}).json()["status"] == "expired"


def test_the_staff_list_says_expired_for_an_expired_licence(client, administrator, submitted):
    """The list's status label comes from the rule that decides validity: never «معتبر» after the date."""
    licence = services.document_issue(document_type=DocumentType.objects.get(code="training_licence"),
                                      holder_name="موسسه آموزشی پارس", holder_national_id="10380284790",
                                      by=administrator)
    type(licence).objects.filter(pk=licence.pk).update(valid_until=dt.date(2020, 1, 1), case=submitted)
    login(client, administrator)
    html = client.get("/staff/documents/").content.decode()
    row = html[html.index("موسسه آموزشی پارس"):]
    row = row[:row.index("</tr>")]
    assert "منقضی‌شده" in row and "معتبر" not in row
    assert "منقضی‌شده" in client.get(f"/staff/documents/{licence.public_id}/").content.decode()


def test_a_replaced_document_is_replaced_not_revoked_on_the_page_and_in_json(client, certificate, administrator):
    """«replaced on DATE by number N», linking the new document — not «ابطال‌شده» with replaced_by: null."""
    replacement = services.document_reissue(document=certificate, by=administrator)
    certificate.refresh_from_db()
    data = client.get(f"/verify/{certificate.public_id}/json/").json()
    changed = certificate.status_changed_at.astimezone(dt_timezone()).date()
    assert data["status"] == "replaced" and data["status_label"] == "جایگزین‌شده"
    assert data["replaced_by"] == replacement.number and data["replaced_on"] == changed.isoformat()
    assert data["replaced_by_url"].endswith(f"/verify/{replacement.public_id}/")
    html = client.get(f"/verify/{certificate.public_id}/").content.decode()
    assert "جایگزین‌شده" in html and "ابطال" not in html
    number_fa = replacement.number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f'<a href="/verify/{replacement.public_id}/"><bdi dir="ltr">{number_fa}</bdi></a>' in html
    assert f"این سند در تاریخ {jalali.format_date(changed, 'long')} با سند شماره" in html
    # the new one names the one it replaces, and is in force
    new = client.get(f"/verify/{replacement.public_id}/json/").json()
    assert new["status"] == "valid" and new["replaces"] == certificate.number and new["replaced_by"] is None


def test_the_page_kept_whole_for_visitors_still_tells_a_revocation_at_once(client, certificate, administrator):
    """The anonymous page is kept whole per answer (issue 19); the answer is read each time, so a revocation shows on
    the next lookup."""
    url = f"/verify/{certificate.public_id}/"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url).content.decode()
    assert again == first and "معتبر" in again and len(ctx.captured_queries) == 1
    services.document_revoke(document=certificate, reason="error", note="صادرشده به اشتباه", by=administrator)
    revoked = client.get(url).content.decode()
    assert "ابطال‌شده" in revoked and revoked != first


def dt_timezone():
    return timezone.get_current_timezone()


def test_a_tampered_qr_is_flagged(client, certificate):
    head, kid, payload, signature = certificate.token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["scope"][0]["value"] = "راه و ترابری"
    forged_payload = base64.urlsafe_b64encode(json.dumps(data, ensure_ascii=False).encode()).decode().rstrip("=")
    forged = ".".join([head, kid, forged_payload, signature])
    assert not signing.verify_token(forged,
                                    signing.public_keys_from_document(client.get("/verify/keys.json").json())).valid
    html = client.get(f"/verify/{certificate.public_id}/", {"t": forged}).content.decode()
    assert 'role="alert"' in html
    assert client.get(f"/verify/{certificate.public_id}/json/", {"t": forged}).json()["presented_token_valid"] is False
    assert client.get(f"/verify/{certificate.public_id}/json/",
                      {"t": certificate.token}).json()["presented_token_valid"] is True


@override_settings(VERIFY_RATE_LIMIT=3)
def test_lookups_are_rate_limited_and_logged(client, certificate):
    for _ in range(3):
        client.get("/verify/json/", {"code": "111111111116"})
    response = client.get(f"/verify/{certificate.public_id}/json/")
    assert response.status_code == 429 and response.json()["status"] == "rate_limited"
    assert lookup_log.flush() == 3
    assert VerificationLog.objects.count() == 3


def test_holder_downloads_the_pdf_others_cannot(client, submitted, applicant, other_applicant, expert, administrator):
    document = services.document_issue(document_type=DocumentType.objects.get(code="grade_certificate"),
                                       holder_name="نرگس شریفی", case=submitted, by=administrator)
    login(client, applicant)
    response = client.get(f"/documents/{document.public_id}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.logout()
    login(client, other_applicant)
    assert client.get(f"/documents/{document.public_id}/pdf/").status_code == 404
    client.logout()
    login(client, expert)
    assert client.get(f"/documents/{document.public_id}/pdf/").status_code == 200


def test_staff_revoke_through_the_page(client, certificate, administrator, expert, submitted):
    type(certificate).objects.filter(pk=certificate.pk).update(case=submitted)
    login(client, expert)
    assert client.post(f"/staff/documents/{certificate.public_id}/revoke/", {"reason": "error"}).status_code == 404
    client.logout()
    login(client, administrator)
    client.post(f"/staff/documents/{certificate.public_id}/revoke/", {"reason": "error", "note": "اشتباه در نام"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_a_deficiency_notice_becomes_a_numbered_letter(client, submitted, expert, applicant,
                                                       django_capture_on_commit_callbacks):
    deficiency_notice_issue(case=submitted, items=[{"document_code": "letter", "text": "نامه امضا ندارد",
                                                    "guidance": "نامه امضاشده بارگذاری شود"}],
                            summary="", by=expert, expected_version=submitted.version)
    letter = OfficialDocument.objects.get(reference__startswith="deficiency_notice:")
    assert letter.document_type.code == "deficiency_letter"
    assert letter.content["items"][0]["guidance"] == "نامه امضاشده بارگذاری شود"
    login(client, applicant)
    html = client.get(f"/cases/{submitted.public_id}/").content.decode()
    assert f"/documents/{letter.public_id}/pdf/" in html
    assert client.get(f"/documents/{letter.public_id}/pdf/").content.startswith(b"%PDF")


def test_unit_head_issues_a_certificate_from_a_case(client, submitted, unit_head, expert):
    login(client, expert)
    assert client.get(f"/staff/documents/issue/{submitted.public_id}/").status_code == 404
    client.logout()
    login(client, unit_head)
    page = client.get(f"/cases/{submitted.public_id}/").content.decode()
    assert f"/staff/documents/issue/{submitted.public_id}/" in page
    kind = DocumentType.objects.get(code="grade_certificate")
    kind.service = submitted.service  # the test process stands in for the contractor service
    kind.save()
    bad = client.post(f"/staff/documents/issue/{submitted.public_id}/", {
        "document_type": kind.pk, "holder_name": "نرگس شریفی", "label_0": "رشته", "value_0": ""})
    assert bad.status_code == 200 and not OfficialDocument.objects.exists()
    response = client.post(f"/staff/documents/issue/{submitted.public_id}/", {
        "document_type": kind.pk, "holder_name": "نرگس شریفی", "holder_national_id": submitted.applicant_national_id,
        "label_0": "رشته", "value_0": "ساختمان", "label_1": "پایه", "value_1": "۳"})
    document = OfficialDocument.objects.get()
    assert response.status_code == 302 and document.case == submitted
    assert document.scope == [{"label": "رشته", "value": "ساختمان"}, {"label": "پایه", "value": "3"}]


def test_key_rotation_keeps_old_documents_verifiable(client, certificate, settings, tmp_path):
    old_kid = certificate.key_id
    call_command("signing_key", "--rotate")
    try:
        assert keyring().active_id != old_kid
        data = client.get(f"/verify/{certificate.public_id}/json/").json()
        assert data["signature_valid"] is True
        keys = client.get("/verify/keys.json").json()["keys"]
        assert {k["kid"] for k in keys} >= {old_kid, keyring().active_id}
    finally:
        keyring.cache_clear()


def test_staff_document_page_shows_the_holder_id_and_code_only_to_who_may_read_the_case(
        client, submitted, expert, tehran, administrator):
    document = services.document_issue(document_type=DocumentType.objects.get(code="grade_certificate"),
                                       holder_name="نرگس شریفی", holder_national_id="0012345678", case=submitted,
                                       by=administrator)
    full, code = to_persian_digits("0012345678"), to_persian_digits(document.verification_code)
    login(client, expert)  # acts on the test process
    page = client.get(f"/staff/documents/{document.public_id}/").content.decode()
    assert full in page and code in page
    client.logout()
    finance = make_staff(province=tehran, roles=["finance"])
    login(client, finance)
    response = client.get(f"/staff/documents/{document.public_id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert full not in page and code not in page and document.verification_code not in page
    assert to_persian_digits("******5678") in page
    assert f"/documents/{document.public_id}/pdf/" not in page
    assert client.get(f"/documents/{document.public_id}/pdf/").status_code == 404


def test_mask_id_filter_masks_unless_revealed():
    template = Template("{{ n|mask_id }}|{{ n|mask_id:yes }}")
    assert template.render(Context({"n": "0012345678", "yes": True})) == "******۵۶۷۸|۰۰۱۲۳۴۵۶۷۸"


def test_the_deficiency_letter_pdf_reads_the_tracking_number_in_order(client, submitted, expert, applicant, tmp_path):
    """The subject printed ۳-۰۰۰۰۰۹-۱۴۰۵-۴ for ۴-۱۴۰۵-۰۰۰۰۰۹-۳: the number is isolated left to right
    (docs/adr/0017-bidi-isolation.md) and the extracted text has its groups in order."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    deficiency_notice_issue(case=submitted, items=[{"document_code": "letter", "text": "نامه امضا ندارد",
                                                    "guidance": "نامه امضاشده بارگذاری شود"}],
                            summary="", by=expert, expected_version=submitted.version)
    letter = OfficialDocument.objects.get(reference__startswith="deficiency_notice:")
    login(client, applicant)
    response = client.get(f"/documents/{letter.public_id}/pdf/")
    source = tmp_path / "letter.pdf"
    source.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    number = tracking_display(submitted.tracking_number)
    groups = number.split("-")
    assert len(groups) == 4
    for layout in ([], ["-layout"]):
        text = subprocess.run([pdftotext, *layout, "-enc", "UTF-8", str(source), "-"], check=True,
                              capture_output=True, timeout=60).stdout.decode()
        assert number in text, text
        assert "-".join(reversed(groups)) not in text
        assert letter.number.replace("-", "") not in text  # Persian digits, the letter number in order too
        assert to_persian_digits(letter.number) in text


def _pdf_text(client, document, tmp_path):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    response = client.get(f"/documents/{document.public_id}/pdf/")
    assert response.status_code == 200
    source = tmp_path / f"{document.pk}.pdf"
    source.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return subprocess.run([pdftotext, "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode()


def test_a_rejection_is_a_numbered_letter_with_the_reasons_and_how_to_object(client, submitted, expert, applicant,
                                                                             tmp_path):
    """Issue 17 point 3: the SMS read only «…: ردشده.» and no letter was issued."""
    applicant.mobile = "09121234567"
    applicant.save()
    case_transition(case=submitted, name="reject", by=expert,
                    comment="سابقه کار مدیرعامل کمتر از حد لازم است\nجزئیات در پرونده")
    letter = OfficialDocument.objects.get(case=submitted, document_type__code="decision_letter")
    assert letter.content["decision"] == "reject"
    text = _pdf_text(client, letter, tmp_path) if login(client, applicant) or True else ""
    assert "سابقه کار مدیرعامل" in text and "سامد" in text and "اعتراض" in text, text
    assert to_persian_digits(letter.number) in text
    html = client.get(f"/cases/{submitted.public_id}/").content.decode()
    assert f"/documents/{letter.public_id}/pdf/" in html and 'id="decision-letters"' in html
    sms = OutboxMessage.objects.get(recipient=applicant, channel="sms", template="case_transition")
    inapp = OutboxMessage.objects.get(recipient=applicant, channel="inapp", template="case_transition")
    for body in (sms.body, inapp.body):
        assert "رد شد" in body and "سابقه کار مدیرعامل کمتر از حد لازم است" in body and "جزئیات" not in body
        assert letter.number in body or to_persian_digits(letter.number) in body
        assert case_page_url(submitted) in body


def test_an_approval_does_not_make_a_decision_letter(client, submitted, expert, unit_head):
    case = case_transition(case=submitted, name="recommend", by=expert)
    case_transition(case=case, name="approve", by=unit_head)
    assert not OfficialDocument.objects.filter(case=submitted, document_type__code="decision_letter").exists()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.mark.parametrize("channel", ["page", "json", "qr", "code"])
def test_a_lookup_writes_nothing_to_the_database_and_reads_the_document_once(client, certificate, channel):
    urls = {"page": f"/verify/{certificate.public_id}/", "json": f"/verify/{certificate.public_id}/json/",
            "qr": services.qr_url(certificate).split("/V/", 1)[1], "code": "/verify/json/"}
    url = f"/V/{urls['qr']}" if channel == "qr" else urls[channel]
    params = {"code": certificate.verification_code} if channel == "code" else {}
    client.get(url, params)  # the first lookup may fill the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    statements = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith(WRITES)], statements
    assert len(statements) == 1, statements  # the document with its type and replacements
    assert lookup_log.flush() == 2


@override_settings(VERIFY_RATE_LIMIT=3, KHEDMAT_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_trusted_proxy_each_citizen_has_their_own_limit(client, certificate):
    url = f"/verify/{certificate.public_id}/json/"
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="172.16.0.5").status_code == 200
    refused = client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="172.16.0.5")
    assert refused.status_code == 429 and "دقیقه" in refused.json()["message"]
    assert client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="172.16.0.6").status_code == 200
    lookup_log.flush()
    assert set(VerificationLog.objects.values_list("ip_address", flat=True)) == {"172.16.0.5", "172.16.0.6"}


@override_settings(VERIFY_RATE_LIMIT=3, KHEDMAT_TRUSTED_PROXIES=["10.0.0.1"])
def test_the_header_from_an_untrusted_peer_does_not_reset_the_limit(client, certificate):
    url = f"/verify/{certificate.public_id}/"
    for n in range(3):
        assert client.get(url, REMOTE_ADDR="192.168.1.9", HTTP_X_FORWARDED_FOR=f"172.16.0.{n}").status_code == 200
    refused = client.get(url, REMOTE_ADDR="192.168.1.9", HTTP_X_FORWARDED_FOR="172.16.0.200")
    assert refused.status_code == 429 and "دقیقه" in refused.content.decode()
