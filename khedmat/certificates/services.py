"""Issuing official documents and changing their status. Every change is an audit event."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.tracking import tracking_display
from khedmat.certificates import signing
from khedmat.certificates.keys import keyring, public_keys
from khedmat.certificates.models import (
    DocumentKind,
    DocumentStatus,
    DocumentType,
    NumberSequence,
    OfficialDocument,
    RevocationReason,
)
from khedmat.certificates.selectors import document_type_get
from khedmat.core import jalali
from khedmat.core.audit import audit_record, snapshot
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import (
    mask_national_id,  # noqa: F401 (re-exported: the one masking rule lives in core)
    public_national_id,
)
from khedmat.core.validators import luhn_check_digit

ISSUER = "سازمان مدیریت و برنامه ریزی استان تهران"


def _next_serial(document_type: DocumentType, year: int) -> int:
    """Take the next number under a row lock, inside the caller's transaction."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
                    document_type=document_type, year=year)
            break
        except IntegrityError:  # two issuers created the year's row at once: take the other's
            continue
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db()
    return sequence.last


def _verification_code() -> str:
    while True:
        body = "".join(secrets.choice("0123456789") for _ in range(11))
        code = body + luhn_check_digit(body)
        if not OfficialDocument.objects.filter(verification_code=code).exists():
            return code


def public_payload(document: OfficialDocument) -> dict:
    """The public content that is signed and shown to anyone: nothing private."""
    payload = {
        "v": 1,
        "type": document.document_type.code,
        "title": document.document_type.title,
        "number": document.number,
        "code": document.verification_code,
        "holder": document.holder_name,
        "holder_id": public_national_id(document.holder_national_id),
        "scope": [{"label": str(r.get("label", "")), "value": str(r.get("value", ""))} for r in document.scope],
        "issued": document.issued_on.isoformat(),
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "issuer": ISSUER,
        "signer": f"{document.signer_name} — {document.signer_title}",
    }
    if document.replaces_id:
        payload["replaces"] = document.replaces.number
    if document.document_type.kind == DocumentKind.LETTER:
        payload["subject"] = document.content.get("subject", "")
    return payload


def verify_url(document: OfficialDocument, *, with_token: bool = True) -> str:
    base = settings.KHEDMAT_SITE_URL.rstrip("/")
    url = f"{base}/verify/{document.public_id}/"
    return f"{url}?t={document.token}" if with_token else url


def signed_payload(document: OfficialDocument) -> dict:
    """The public content as signed at issue (the KH1 token's), else as the record says now."""
    checked = signing.verify_token(document.token, public_keys()) if document.token else None
    return checked.payload if checked is not None and checked.valid else public_payload(document)


def qr_url(document: OfficialDocument) -> str:
    """The address a document's QR code holds: ``HTTPS://HOST/V/<compact code>`` (ADR 0018).

    In capitals, so that the QR code is in alphanumeric mode (scheme and host are case-insensitive; the
    compact code is base32). The compact code is signed with the active key from the content signed at issue:
    the same document gives the same code until the key rotates.
    """
    base = settings.KHEDMAT_SITE_URL.rstrip("/").upper()
    return f"{base}/V/{signing.compact_sign(signed_payload(document), keyring())}"


@transaction.atomic
def document_issue(
    *, document_type: DocumentType | None = None, type_code: str = "", holder_name: str, holder_national_id: str = "",
    holder_kind: str = "", scope: list[dict] | None = None, content: dict | None = None, case=None, reference: str = "",
    by,
    signer_name: str | None = None, signer_title: str | None = None, replaces: OfficialDocument | None = None,
    issued_on: dt.date | None = None,
) -> OfficialDocument:
    """Number, freeze and sign a document. The number is taken in this transaction (no gaps).

    The type is given as `type_code` (its code, looked up here: callers do not look it up themselves) or, where
    the caller already holds it, as `document_type`."""
    if (document_type is None) == (not type_code):
        raise TypeError("document_issue takes one of document_type and type_code")
    if document_type is None:
        document_type = document_type_get(type_code)
    if not document_type.is_active:
        raise ApplicationError(_("This type of document is no longer issued."), code="inactive_type")
    if not holder_name.strip():
        raise ApplicationError(_("Enter the holder's name."), code="holder_required")
    issued_on = issued_on or timezone.localdate()
    year = jalali.to_jalali(issued_on).year
    serial = _next_serial(document_type, year)
    document = OfficialDocument(
        document_type=document_type, year=year, serial=serial,
        number=f"{document_type.number_prefix}-{year}-{serial:06d}",
        verification_code=_verification_code(), case=case, reference=reference,
        holder_name=holder_name.strip(), holder_national_id=holder_national_id, holder_kind=holder_kind,
        scope=scope or [], content=content or {}, issued_on=issued_on,
        valid_until=(jalali.add_months(issued_on, document_type.validity_months)
                     if document_type.validity_months else None),
        signer_name=signer_name or settings.KHEDMAT_SIGNER_NAME,
        signer_title=signer_title or settings.KHEDMAT_SIGNER_TITLE,
        issued_by=by, replaces=replaces,
    )
    ring = keyring()
    document.key_id = ring.active_id
    document.token = signing.sign(public_payload(document), ring)
    document.full_clean(exclude=["case", "issued_by", "replaces", "document_type", "token"])
    document.save()
    audit_record(actor=by, action="document_issued", instance=document, after={"number": document.number})
    return document


def _change_status(document: OfficialDocument, *, status: str, reason: str, note: str, by, action: str,
                   allowed_from: set[str], refusal) -> OfficialDocument:
    """Change the status under a row lock, checking the state the row has now (not a stale copy)."""
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.status not in allowed_from:
            raise refusal
        before = snapshot(document)
        document.status = status
        document.status_reason = reason
        document.status_note = note
        document.status_changed_at = timezone.now()
        document.save(update_fields=["status", "status_reason", "status_note", "status_changed_at"])
        audit_record(actor=by, action=action, instance=document, before=before, after=snapshot(document), note=note)
    return document


def document_suspend(*, document: OfficialDocument, note: str, by) -> OfficialDocument:
    if not note.strip():
        raise ApplicationError(_("Write the reason."), code="note_required")
    return _change_status(document, status=DocumentStatus.SUSPENDED, reason="", note=note, by=by,
                          action="document_suspended", allowed_from={DocumentStatus.VALID},
                          refusal=ApplicationError(_("Only a valid document can be suspended."), code="not_valid"))


def document_reinstate(*, document: OfficialDocument, note: str, by) -> OfficialDocument:
    return _change_status(document, status=DocumentStatus.VALID, reason="", note=note, by=by,
                          action="document_reinstated", allowed_from={DocumentStatus.SUSPENDED},
                          refusal=ApplicationError(_("Only a suspended document can be reinstated."),
                                                   code="not_suspended"))


def document_revoke(*, document: OfficialDocument, reason: str, note: str, by) -> OfficialDocument:
    if reason not in RevocationReason.values:
        raise ApplicationError(_("Choose the reason for revocation."), code="reason_required")
    return _change_status(document, status=DocumentStatus.REVOKED, reason=reason, note=note, by=by,
                          action="document_revoked", allowed_from={DocumentStatus.VALID, DocumentStatus.SUSPENDED},
                          refusal=ApplicationError(_("This document is already revoked."), code="revoked"))


def document_mark_replaced(*, document: OfficialDocument, replacement: OfficialDocument, by,
                           note: str = "") -> OfficialDocument:
    """The original of a renewal, an upgrade or a corrected re-issue: its own state, "replaced on <date> by
    <number>" (the replacement names it in `replaces`), never a revocation. An expired original is
    replaced too, so the verification page points its reader to the document now in force."""
    if replacement.replaces_id != document.pk:
        raise ApplicationError(_("The new document does not name this one as the one it replaces."), code="not_linked")
    return _change_status(document, status=DocumentStatus.REPLACED, reason=RevocationReason.REPLACED,
                          note=note or replacement.number, by=by, action="document_replaced",
                          allowed_from={DocumentStatus.VALID, DocumentStatus.SUSPENDED},
                          refusal=ApplicationError(_("A revoked or replaced document cannot be replaced."),
                                                   code="not_replaceable"))


def document_reissue(*, document: OfficialDocument, by, holder_name: str | None = None, scope: list[dict] | None = None,
                     note: str = "") -> OfficialDocument:
    """Issue a corrected replacement that links to the original, and mark the original replaced."""
    with transaction.atomic():
        original = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if original.status == DocumentStatus.REVOKED:
            raise ApplicationError(_("A revoked document cannot be re-issued; issue a new one."), code="revoked")
        if original.status == DocumentStatus.REPLACED or original.replacement is not None:
            raise ApplicationError(_("This document has already been replaced."), code="replaced")
        replacement = document_issue(
            document_type=original.document_type, holder_name=holder_name or original.holder_name,
            holder_national_id=original.holder_national_id, holder_kind=original.holder_kind,
            scope=scope if scope is not None else original.scope, content=original.content, case=original.case,
            reference=original.reference, by=by, replaces=original,
        )
        document_mark_replaced(document=original, replacement=replacement, by=by, note=note)
    return replacement


def effective_status(document: OfficialDocument, *, today: dt.date | None = None) -> str:
    """valid, expired, suspended, revoked or replaced (`OfficialDocument.effective_status`)."""
    return document.effective_status(today)


def deficiency_letter_issue(*, notice, by) -> OfficialDocument:
    """The written deficiency notice of a case: a numbered, signed letter with every item and its guidance."""
    case = notice.case
    labels = {d.code: str(d.label) for d in case.process.documents}
    recipient = case.organization.name if case.organization_id else case.applicant.get_full_name()
    items = [
        {"text": item.text, "guidance": item.guidance, "document": labels.get(item.document_code, "")}
        for item in notice.items.all()
    ]
    content = {
        "subject": _("Deficiencies of case %(number)s (round %(round)s)")
        % {"number": tracking_display(case.tracking_number), "round": notice.round},
        "body": [
            _("Your case for the service “%(service)s” was reviewed. Please correct the following items and "
              "resubmit the case through the system; the time you take does not count against the organization.")
            % {"service": case.service.title},
        ] + ([notice.summary] if notice.summary else []),
        "items": items,
    }
    return document_issue(
        type_code="deficiency_letter", holder_name=recipient,
        holder_national_id=case.applicant_national_id, content=content, case=case,
        reference=f"deficiency_notice:{notice.pk}", by=by,
    )


def decision_letter_issue(*, case, event, decision: str, reasons: str, conditions: str = "", basis: str = "",
                          by) -> OfficialDocument:
    """The letter of a final decision on a case (any service): numbered, signed, with the reasons, the
    conditions of an approval with conditions, and for a rejection how to object. One per decision event."""
    reference = f"case_event:{event.pk}"
    by = by or case.assigned_to
    if by is None:  # no person decided (none does today): nobody to issue the letter in the name of
        return None
    existing = OfficialDocument.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    document_type = document_type_get("decision_letter")
    number = tracking_display(case.tracking_number)
    recipient = case.organization.name if case.organization_id else case.applicant.get_full_name()
    if decision == "reject":
        subject = _("Rejection of case %(number)s") % {"number": number}
        decided = _("Your case for the service “%(service)s” was reviewed and rejected, for the reasons below.")
    else:
        subject = _("Approval with conditions of case %(number)s") % {"number": number}
        decided = _("Your case for the service “%(service)s” was approved on the conditions below.")
    items = []
    if reasons:
        items.append({"text": _("Reasons: %(text)s") % {"text": reasons}})
    if conditions:
        items.append({"text": _("Conditions: %(text)s") % {"text": conditions}})
    content = {
        "subject": subject,
        "body": [decided % {"service": case.service.title}] + ([basis] if basis else []),
        "items": items,
        "closing": document_type.objection_text if decision == "reject" else "",
        "decision": decision,
    }
    return document_issue(
        document_type=document_type, holder_name=recipient or case.applicant.get_username(),
        holder_national_id=case.applicant_national_id, content=content, case=case, reference=reference, by=by,
    )
