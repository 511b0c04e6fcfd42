import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from khedmat.certificates import rendering, services, signing
from khedmat.certificates.keys import public_keys
from khedmat.certificates.models import DocumentType, OfficialDocument
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def issue(by, **kwargs):
    data = {"document_type": DocumentType.objects.get(code="grade_certificate"),
            "holder_name": "شرکت ساختمانی البرز کوه",
            "holder_national_id": "10380284790", "holder_kind": "شخص حقوقی",
            "scope": [{"label": "رشته", "value": "ساختمان"}, {"label": "پایه", "value": "۳"}], "by": by}
    data.update(kwargs)
    return services.document_issue(**data)


def test_numbers_run_per_type_and_jalali_year(administrator):
    first, second = issue(administrator), issue(administrator)
    assert (first.serial, second.serial) == (1, 2)
    assert first.number.startswith("4-1405-") and second.number == "4-1405-000002"
    letter = services.document_issue(document_type=DocumentType.objects.get(code="deficiency_letter"),
                                     holder_name="نرگس شریفی", by=administrator)
    assert letter.serial == 1
    with time_machine.travel(dt.datetime(2027, 3, 22, 10, tzinfo=dt.timezone.utc), tick=False):  # 1406
        assert issue(administrator).number == "4-1406-000001"


def test_a_failed_issuance_gives_its_number_back(administrator, monkeypatch):
    issue(administrator)

    def broken(*args, **kwargs):
        raise RuntimeError("signing device unavailable")

    monkeypatch.setattr(signing, "sign", broken)
    with pytest.raises(RuntimeError):
        issue(administrator)
    monkeypatch.undo()
    assert issue(administrator).serial == 2


def test_the_signed_token_carries_the_public_content_only(administrator):
    document = issue(administrator)
    verified = signing.verify_token(document.token, public_keys())
    assert verified.valid
    assert verified.payload["holder"] == "شرکت ساختمانی البرز کوه"
    # A company's national ID (شناسه ملی) is public; a person's national code is masked.
    assert verified.payload["holder_id"] == "10380284790"
    person = issue(administrator, holder_national_id="0012345679")
    assert signing.verify_token(person.token, public_keys()).payload["holder_id"] == "******5679"
    assert "0012345679" not in person.token


def test_validity_is_configured_per_type(administrator):
    kind = DocumentType.objects.get(code="training_licence")
    assert issue(administrator, document_type=kind).valid_until is None
    kind.validity_months = 24
    kind.save()
    with time_machine.travel(dt.datetime(2026, 3, 21, 8, tzinfo=dt.timezone.utc), tick=False):  # 1405-01-01
        document = issue(administrator, document_type=kind)
    assert document.valid_until == dt.date(2028, 3, 20)  # 1407-01-01
    with time_machine.travel(dt.datetime(2028, 3, 21, 8, tzinfo=dt.timezone.utc), tick=False):
        assert services.effective_status(document) == "expired"
    assert services.effective_status(document, today=dt.date(2027, 1, 1)) == "valid"


def test_suspend_reinstate_revoke_and_every_change_is_audited(administrator):
    document = issue(administrator)
    with pytest.raises(ApplicationError):
        services.document_suspend(document=document, note="", by=administrator)
    services.document_suspend(document=document, note="در حال رسیدگی به شکایت", by=administrator)
    assert services.effective_status(OfficialDocument.objects.get(pk=document.pk)) == "suspended"
    services.document_reinstate(document=document, note="رفع شد", by=administrator)
    services.document_revoke(document=document, reason="violation", note="تخلف انتظامی", by=administrator)
    document.refresh_from_db()
    assert document.status == "revoked" and document.status_changed_at
    actions = list(AuditEvent.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert {"document_issued", "document_suspended", "document_reinstated", "document_revoked"} <= set(actions)
    with pytest.raises(ApplicationError):
        services.document_revoke(document=document, reason="other", note="", by=administrator)
    assert OfficialDocument.objects.filter(pk=document.pk).exists()  # never deleted


def test_reissue_links_the_replacement_to_the_original(administrator):
    original = issue(administrator)
    replacement = services.document_reissue(document=original, holder_name="شرکت ساختمانی البرز کوه (سهامی خاص)",
                                            by=administrator)
    original.refresh_from_db()
    assert replacement.replaces == original and original.status == "replaced" and original.replacement == replacement
    assert original.effective_status() == "replaced"
    assert signing.verify_token(replacement.token, public_keys()).payload["replaces"] == original.number
    with pytest.raises(ApplicationError):
        services.document_reissue(document=original, by=administrator)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_gives_distinct_consecutive_numbers(administrator):
    results, errors = [], []
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(issue(administrator).serial)
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and sorted(results) == [1, 2, 3, 4]


def test_verification_links_and_qr_codes_use_the_site_url(administrator, settings, monkeypatch):
    settings.KHEDMAT_SITE_URL = "http://127.0.0.1:9123/"
    document = issue(administrator)
    encoded = []
    monkeypatch.setattr(rendering, "qr_svg", lambda url: encoded.append(url) or "<svg/>")
    context = rendering.pdf_context(document)
    assert context["verify_url"] == f"http://127.0.0.1:9123/verify/{document.public_id}/"
    assert encoded == [services.qr_url(document)]
    assert encoded[0].startswith("HTTP://127.0.0.1:9123/V/")  # capitals: an alphanumeric QR code (ADR 0018)
    assert "8000" not in context["verify_url"]


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_reissues_replace_the_document_once(administrator):
    """However many clerks press "re-issue" at once, the original is replaced by exactly one document."""
    original = issue(administrator)
    replacements, errors = [], []
    barrier = threading.Barrier(20)

    def worker():
        try:
            barrier.wait(timeout=10)
            replacements.append(services.document_reissue(document=original, by=administrator).pk)
        except Exception as error:  # noqa: BLE001 — the losers are refused, one way or another
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    original.refresh_from_db()
    assert len(replacements) == 1 and len(errors) == 19
    assert original.status == "replaced" and original.replacement.pk == replacements[0]
    assert OfficialDocument.objects.filter(replaces=original).count() == 1


def test_a_document_is_issued_by_its_type_code(administrator):
    letter = services.document_issue(type_code="deficiency_letter", holder_name="نرگس شریفی", by=administrator)
    assert letter.document_type == DocumentType.objects.get(code="deficiency_letter")
    with pytest.raises(DocumentType.DoesNotExist):
        services.document_issue(type_code="no_such_type", holder_name="نرگس شریفی", by=administrator)


@pytest.mark.parametrize("both", [True, False])
def test_document_issue_takes_exactly_one_of_type_and_code(administrator, both):
    kwargs = {"document_type": DocumentType.objects.get(code="deficiency_letter"), "type_code": "deficiency_letter"}
    with pytest.raises(TypeError):
        services.document_issue(holder_name="نرگس شریفی", by=administrator, **(kwargs if both else {}))

