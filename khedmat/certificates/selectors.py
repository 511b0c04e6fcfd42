"""Reads of official documents: public verification (rate-limited, logged) and access-checked downloads."""
from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404

from khedmat.accounts.roles import StaffRole
from khedmat.cases.access import applicant_side, may_read_case, staff_roles_for_case
from khedmat.certificates import lookup_log, signing
from khedmat.certificates.keys import public_keys
from khedmat.certificates.models import DocumentType, OfficialDocument
from khedmat.core.text import digits_only
from khedmat.core.validators import luhn_valid


def document_type_get(code: str) -> DocumentType:
    """The document type with this code (the codes are seeded by certificates/reference_data.py).
    The one lookup every issuer uses; an unknown code raises DocumentType.DoesNotExist."""
    return DocumentType.objects.get(code=code)


SIGNATURE_CACHE_SECONDS = 24 * 3600


@functools.lru_cache(maxsize=4)
def _ring_fingerprint(key_ids: tuple[str, ...]) -> str:
    """The published key ids, in the signature cache's key: a key withdrawn from the ring is never trusted from
    the cache."""
    return hashlib.blake2b(",".join(sorted(key_ids)).encode(), digest_size=6).hexdigest()


class RateLimited(Exception):
    pass


def _window_key(kind: str, value: str) -> str:
    window = settings.VERIFY_RATE_WINDOW_SECONDS
    digest = hashlib.blake2b(value.encode(), digest_size=12).hexdigest()
    return f"verify-rate:{kind}:{digest}:{int(time.time() // window)}"


def _limits(*, ip: str | None, session: str = "", code: str = "") -> list[tuple[str, int]]:
    limits = []
    if ip:
        limits.append((_window_key("ip", ip), settings.VERIFY_RATE_LIMIT))
    if session:
        limits.append((_window_key("session", session), settings.VERIFY_RATE_LIMIT_PER_SESSION))
    if code:
        limits.append((_window_key("code", code), settings.VERIFY_RATE_LIMIT_PER_CODE))
    return limits


def _count(*, ip: str | None, session: str = "", code: str = "") -> None:
    """Count one lookup against every limit it falls under (atomic add + incr in the cache; no database);
    raise RateLimited if any is exceeded. The counters live one window (fixed windows)."""
    for key, limit in _limits(ip=ip, session=session, code=code):
        cache.add(key, 0, timeout=settings.VERIFY_RATE_WINDOW_SECONDS * 2)
        try:
            seen = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=settings.VERIFY_RATE_WINDOW_SECONDS * 2)
            seen = 1
        if seen > limit:
            raise RateLimited


def verification_allowed(*, ip: str | None, session: str = "") -> bool:
    """Whether a lookup from this address (and session) would be answered now; counts nothing."""
    return all((cache.get(key) or 0) < limit for key, limit in _limits(ip=ip, session=session))


def request_session(request) -> str:
    """The session cookie's value, for the per-session limit (read from the cookie: opening the session would
    read the database); "" without one."""
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")[:100]


# What the public page and its JSON read of a document (views._public, the templates, the signature check).
PUBLIC_FIELDS = ("id", "public_id", "document_type_id", "number", "verification_code", "holder_name",
                 "holder_national_id", "holder_kind", "scope", "content", "issued_on", "valid_until", "signer_name",
                 "signer_title", "status", "status_reason", "status_changed_at", "replaces_id", "token", "key_id")


@functools.cache
def _lookup_sql(by: str) -> str:
    """The public lookup as one SQL statement: the document, its type's title and kind, and the numbers of the
    documents it replaces and is replaced by. Written out because the verification page must answer 1,000 requests
    a second on 2 cores (issue 19) and building this query with the ORM cost 0.6 ms of a 2 ms request; `raw()`
    still converts every column of the model. Names come from the models' _meta, so both databases read the same."""
    doc, doc_type = OfficialDocument._meta, DocumentType._meta

    def c(name: str, meta=doc) -> str:
        return f'"{meta.get_field(name).column}"'

    columns = ", ".join(f"d.{c(name)}" for name in PUBLIC_FIELDS)
    return (f'SELECT {columns}, t.{c("title", doc_type)} AS type_title, t.{c("kind", doc_type)} AS type_kind, '
            f'p.{c("number")} AS replaces_number, n.{c("id")} AS replaced_by_pk, '
            f'n.{c("number")} AS replaced_by_number, n.{c("public_id")} AS replaced_by_public_id '
            f'FROM "{doc.db_table}" d JOIN "{doc_type.db_table}" t ON t.{c("id", doc_type)} = d.{c("document_type")} '
            f'LEFT JOIN "{doc.db_table}" p ON p.{c("id")} = d.{c("replaces")} '
            f'LEFT JOIN "{doc.db_table}" n ON n.{c("replaces")} = d.{c("id")} '
            f'WHERE d.{c(by)} = %s')


def _public_document(by: str, value) -> OfficialDocument | None:
    """The document by its public id or verification code, with what its public page names of the linked rows
    attached as (partial) related objects: no further query reads them."""
    field = OfficialDocument._meta.get_field(by)
    document = next(iter(OfficialDocument.objects.raw(
        _lookup_sql(by), [field.get_db_prep_value(field.to_python(value), connection)])), None)
    if document is None:
        return None
    document.document_type = DocumentType(pk=document.document_type_id, title=document.type_title,
                                          kind=document.type_kind)
    if document.replaces_id:
        document.replaces = OfficialDocument(pk=document.replaces_id, number=document.replaces_number)
    replacement = None
    if document.replaced_by_pk:
        replacement = OfficialDocument(pk=document.replaced_by_pk, number=document.replaced_by_number,
                                       public_id=OfficialDocument._meta.get_field("public_id").to_python(
                                           document.replaced_by_public_id))
    OfficialDocument.replaced_by.related.set_cached_value(document, replacement)
    return document


def document_lookup(*, public_id=None, code: str = "", ip: str | None, channel: str,
                    session: str = "") -> OfficialDocument | None:
    """Find a document for the public page by its QR id or its typed verification code; count and log the lookup.
    One query (the document with what its page shows); the log line goes to `lookup_log`, not the database."""
    _count(ip=ip, session=session, code=str(public_id or code))
    document = None
    if public_id is not None:
        document = _public_document("public_id", public_id)
    elif code:
        document = _public_document("verification_code", code)
    lookup_log.append(ip=ip, query=str(public_id or code), document_id=document.pk if document else None,
                      found=document is not None, channel=channel)
    return document


def verification_attempt_log(*, raw: str, ip: str | None, channel: str, found: bool = False,
                             session: str = "") -> None:
    """A lookup that names no single document (a malformed code, a registry search) is logged and counted
    against the address like any other lookup."""
    _count(ip=ip, session=session)
    lookup_log.append(ip=ip, query=raw or "", document_id=None, found=found, channel=channel)


def signature_check(document: OfficialDocument) -> signing.Verified:
    """The check of the document's stored token, cached per (document, token, key): a document is frozen at issue,
    so a repeated lookup does not verify the signature again."""
    keys = public_keys()
    token_hash = hashlib.blake2b(document.token.encode(), digest_size=16).hexdigest()
    key = f"verify-signature:{document.pk}:{token_hash}:{document.key_id}:{_ring_fingerprint(tuple(keys))}"
    checked = cache.get(key)
    if checked is None:
        checked = signing.verify_token(document.token, keys)
        cache.set(key, checked, timeout=SIGNATURE_CACHE_SECONDS)
    return checked


def compact_check(code: str) -> signing.CompactVerified:
    """The check of a presented compact code (the QR's ``/V/<code>``), cached by the code: the same QR scanned
    again is not verified again."""
    keys = public_keys()
    code_hash = hashlib.blake2b(code.encode(), digest_size=16).hexdigest()
    key = f"verify-compact:{code_hash}:{_ring_fingerprint(tuple(keys))}"
    checked = cache.get(key)
    if checked is None:
        checked = signing.compact_verify(code, keys)
        cache.set(key, checked, timeout=SIGNATURE_CACHE_SECONDS)
    return checked


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
