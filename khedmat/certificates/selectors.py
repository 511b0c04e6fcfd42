"""Reads of official documents: public verification (rate-limited, logged) and access-checked downloads."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from khedmat.accounts.roles import StaffRole
from khedmat.cases.access import applicant_side, may_read_case, staff_roles_for_case
from khedmat.certificates.models import DocumentType, OfficialDocument, VerificationLog
from khedmat.core.text import digits_only
from khedmat.core.validators import luhn_valid


def document_type_get(code: str) -> DocumentType:
    """The document type with this code (the codes are seeded by certificates/reference_data.py).
    The one lookup every issuer uses; an unknown code raises DocumentType.DoesNotExist."""
    return DocumentType.objects.get(code=code)


class RateLimited(Exception):
    pass


def verification_allowed(*, ip: str | None) -> bool:
    if not ip:
        return True
    since = timezone.now() - dt.timedelta(seconds=settings.VERIFY_RATE_WINDOW_SECONDS)
    return VerificationLog.objects.filter(ip_address=ip, created_at__gte=since).count() < settings.VERIFY_RATE_LIMIT


def document_lookup(*, public_id=None, code: str = "", ip: str | None, channel: str) -> OfficialDocument | None:
    """Find a document for the public page by its QR id or its typed verification code; log the lookup."""
    if not verification_allowed(ip=ip):
        raise RateLimited
    qs = OfficialDocument.objects.select_related("document_type", "replaces")
    document = None
    if public_id is not None:
        document = qs.filter(public_id=public_id).first()
    elif code:
        document = qs.filter(verification_code=code).first()
    VerificationLog.objects.create(ip_address=ip, query=str(public_id or code)[:100], document=document,
                                   found=document is not None, channel=channel)
    return document


def verification_attempt_log(*, raw: str, ip: str | None, channel: str, found: bool = False) -> None:
    """A lookup that names no single document (a malformed code, a registry search) is logged and counted
    against the address like any other lookup."""
    if not verification_allowed(ip=ip):
        raise RateLimited
    VerificationLog.objects.create(ip_address=ip, query=(raw or "")[:100], found=found, channel=channel)


def parse_verification_code(raw: str) -> str | None:
    """12 digits with a check digit, typed in any digits with any separators; None if it cannot be one."""
    code = digits_only(raw or "")
    return code if len(code) == 12 and luhn_valid(code) else None


def document_get_for_user(*, user, public_id) -> OfficialDocument:
    """The document, for its holder (the case's applicant side) or staff who see its case; else 404."""
    document = OfficialDocument.objects.select_related("document_type", "case", "case__service").filter(
        public_id=public_id).first()
    if document is None or not user.is_authenticated:
        raise Http404
    if document.case_id and (applicant_side(document.case, user) or staff_roles_for_case(document.case, user)):
        return document
    if document.case_id is None and user.is_staff_member and user.has_role(*MANAGING_ROLES):
        return document
    raise Http404


def document_identity_visible(*, document: OfficialDocument, user) -> bool:
    """Whether `user` may see the holder's full national ID and the verification code: those who may read
    the document's case (or, for a document without a case, those who manage such documents)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if document.case_id:
        return may_read_case(document.case, user)
    return user.is_staff_member and (user.is_superuser or user.has_role(*MANAGING_ROLES))


MANAGING_ROLES = (StaffRole.UNIT_HEAD, StaffRole.HEAD, StaffRole.ADMINISTRATOR)


def document_may_manage(*, document: OfficialDocument, user) -> bool:
    """Suspend, reinstate, revoke, re-issue: a managing role held for the document's service."""
    service_code = document.case.process.service_code if document.case_id else None
    return user.is_superuser or user.has_role(*MANAGING_ROLES, service_code=service_code)


def documents_for_staff(*, staff, q: str = ""):
    qs = OfficialDocument.objects.select_related("document_type", "case")
    if not staff.is_superuser:
        qs = qs.filter(case__province_id=staff.province_id)
    if q:
        qs = qs.filter(number__icontains=digits_only(q) or q) | qs.filter(holder_name__icontains=q)
    return qs.order_by("-issued_at")


def letters_for_case(*, case) -> dict[str, OfficialDocument]:
    return {d.reference: d for d in OfficialDocument.objects.filter(case=case).exclude(reference="")}
