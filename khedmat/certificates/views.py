"""The public verification page (and its JSON), downloads for holders, and staff actions."""
import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.accounts.roles import StaffRole
from khedmat.cases.access import case_get_for_user
from khedmat.certificates import selectors, services, signing
from khedmat.certificates.forms import IssueForm, StatusForm, VerifyForm
from khedmat.certificates.keys import keyring, public_keys
from khedmat.certificates.models import DocumentKind, DocumentType, EffectiveStatus, OfficialDocument
from khedmat.certificates.rendering import document_pdf
from khedmat.core.exceptions import ApplicationError
from khedmat.core.net import client_ip
from khedmat.core.text import is_company_national_id, public_national_id

STATUS_HTTP = {"valid": 200, "expired": 200, "suspended": 200, "revoked": 200, "replaced": 200}


def _asker(request) -> dict:
    """Who is looking up, for the limits and the log: the client address (behind a trusted proxy, its header's)
    and the session cookie."""
    return {"ip": client_ip(request), "session": selectors.request_session(request)}


def _too_many(request, as_json=False):
    message = _("Too many lookups from your network. Please try again in a few minutes.")
    if as_json:
        return JsonResponse({"status": "rate_limited", "message": message}, status=429)
    return render(request, "certificates/verify.html", {"form": VerifyForm(), "rate_limited": message}, status=429)


def _public(document: OfficialDocument, *, token: str = "", compact: signing.CompactVerified | None = None) -> dict:
    """Everything the public page and JSON show: the printed fields, the state, the signature check."""
    status = services.effective_status(document)
    replacement = document.replacement
    changed_on = timezone.localtime(document.status_changed_at).date() if document.status_changed_at else None
    result = {
        "status": status,
        "status_label": str(EffectiveStatus(status).label),
        "number": document.number,
        "number_label": document.document_type.number_label,
        "type": document.document_type.title,
        "holder": document.holder_name,
        # A company's national ID is public (printed in full); a person's is masked here.
        "holder_id": public_national_id(document.holder_national_id),
        "holder_id_label": str(_("Legal person's national ID") if is_company_national_id(document.holder_national_id)
                               else _("National ID")) if document.holder_national_id else "",
        "scope": document.scope,
        "subject": document.content.get("subject", ""),
        "issued_on": document.issued_on.isoformat(),
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "signer": f"{document.signer_name} — {document.signer_title}",
        "status_changed_at": document.status_changed_at.isoformat() if document.status_changed_at else None,
        "status_reason": document.get_status_reason_display() if document.status_reason else "",
        "replaces": document.replaces.number if document.replaces_id else None,
        "replaced_by": replacement.number if replacement else None,
        "replaced_by_url": services.verify_url(replacement, with_token=False) if replacement else None,
        "replaced_on": changed_on.isoformat() if status == EffectiveStatus.REPLACED and changed_on else None,
    }
    stored = selectors.signature_check(document)
    result["signature_valid"] = stored.valid
    if token:
        # A token from a scanned QR must be ours and must say exactly what we issued.
        scanned = signing.verify_token(token, public_keys())
        result["presented_token_valid"] = scanned.valid and scanned.payload == stored.payload
    if compact is not None:
        # A compact code (the QR of documents printed since ADR 0018) must be ours and name exactly this content.
        result["presented_token_valid"] = signing.compact_matches(compact, stored.payload)
    return result


def verify(request):
    """Type a verification code (or arrive from a QR code)."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        try:
            selectors.verification_attempt_log(raw=request.GET.get("code", ""), channel="page", **_asker(request))
        except selectors.RateLimited:
            return _too_many(request)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            document = selectors.document_lookup(code=code, channel="page", **_asker(request))
        except selectors.RateLimited:
            return _too_many(request)
        if document is None:
            form.add_error("code", _("No document has this verification code. Check the digits on the document."))
        else:
            return redirect("verify:document", public_id=document.public_id)
    return render(request, "certificates/verify.html", {"form": form})


def verify_document(request, public_id):
    try:
        document = selectors.document_lookup(public_id=public_id, channel="page", **_asker(request))
    except selectors.RateLimited:
        return _too_many(request)
    if document is None:
        raise Http404
    token = request.GET.get("t", "")[:4000]
    return _result_page(request, document, _public(document, token=token), token_given=bool(token))


def _result_page(request, document, result: dict, *, token_given: bool):
    """The verification result. Its content is rendered once per distinct answer (the fragment cache, keyed by
    everything the page says): the page must answer 1,000 lookups a second (issue 19), and a document's answer
    changes only when its status does, which changes the key."""
    key = hashlib.blake2b(json.dumps([result, token_given, get_language()], sort_keys=True, default=str).encode(),
                          digest_size=16).hexdigest()
    # An anonymous visitor with no message waiting (a QR scan, the common case) gets the same whole page as every
    # other for this answer: kept whole, the page costs its lookup and little else.
    whole = not request.user.is_authenticated and not get_messages(request)
    if whole and (page := caches["fragments"].get(f"verify-page:{key}")) is not None:
        return HttpResponse(page)
    response = render(request, "certificates/verify_result.html",
                      {"document": document, "result": result, "token_given": token_given, "result_key": key})
    if whole:
        caches["fragments"].set(f"verify-page:{key}", response.content.decode(), timeout=3600)
    return response


def verify_compact(request, code):
    """The address in a document's QR code, ``/V/<compact code>``: the verification page of that document."""
    compact = selectors.compact_check(code[:200])
    document = None
    try:
        if compact.code:  # read even when the signature fails: the page then warns that the QR was altered
            document = selectors.document_lookup(code=compact.code, channel="qr", **_asker(request))
        else:
            selectors.verification_attempt_log(raw=code, channel="qr", **_asker(request))
    except selectors.RateLimited:
        return _too_many(request)
    if document is None:
        raise Http404
    return _result_page(request, document, _public(document, compact=compact), token_given=True)


def verify_json(request, public_id=None):
    code = ""
    if public_id is None:
        code = selectors.parse_verification_code(request.GET.get("code", "")) or ""
        if not code:
            try:
                selectors.verification_attempt_log(raw=request.GET.get("code", ""), channel="json",
                                                   **_asker(request))
            except selectors.RateLimited:
                return _too_many(request, as_json=True)
            return JsonResponse({"status": "invalid_code", "message": _("A verification code has 12 digits.")},
                                status=400)
    try:
        document = selectors.document_lookup(public_id=public_id, code=code, channel="json", **_asker(request))
    except selectors.RateLimited:
        return _too_many(request, as_json=True)
    if document is None:
        return JsonResponse({"status": "not_found", "message": _("No document was found.")}, status=404)
    return JsonResponse(_public(document, token=request.GET.get("t", "")[:4000]),
                        json_dumps_params={"ensure_ascii": False})


def public_keys_json(request):
    document = signing.public_keys_document(keyring())
    document["issuer"] = services.ISSUER
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@login_required
def download(request, public_id):
    document = selectors.document_get_for_user(user=request.user, public_id=public_id)
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response


@staff_required()
def staff_list(request):
    q = request.GET.get("q", "").strip()[:60]
    documents = selectors.documents_for_staff(staff=request.user, q=q)[:100]
    return render(request, "certificates/staff_list.html", {"documents": documents, "q": q})


def _staff_document(request, public_id) -> OfficialDocument:
    document = selectors.documents_for_staff(staff=request.user).filter(public_id=public_id).first()
    if document is None:
        raise Http404
    return document


@staff_required()
def staff_detail(request, public_id):
    document = _staff_document(request, public_id)
    can_manage = selectors.document_may_manage(document=document, user=request.user)
    return render(request, "certificates/staff_detail.html", {
        "document": document, "result": _public(document), "form": StatusForm(), "can_manage": can_manage,
        "may_read": selectors.document_identity_visible(document=document, user=request.user),
    })


@staff_required(*selectors.MANAGING_ROLES)
@require_POST
def staff_action(request, public_id, action):
    document = _staff_document(request, public_id)
    if not selectors.document_may_manage(document=document, user=request.user):
        raise Http404
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason."))
        return redirect("staff-documents:detail", public_id=document.public_id)
    note, reason = form.cleaned_data["note"], form.cleaned_data["reason"]
    actions = {
        "suspend": lambda: services.document_suspend(document=document, note=note, by=request.user),
        "reinstate": lambda: services.document_reinstate(document=document, note=note, by=request.user),
        "revoke": lambda: services.document_revoke(document=document, reason=reason, note=note, by=request.user),
        "reissue": lambda: services.document_reissue(document=document, note=note, by=request.user),
    }
    if action not in actions:
        raise Http404
    try:
        result = actions[action]()
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("staff-documents:detail", public_id=document.public_id)
    messages.success(request, _("Done."))
    return redirect("staff-documents:detail", public_id=result.public_id)


@staff_required(StaffRole.UNIT_HEAD, StaffRole.HEAD)
def staff_issue(request, case_id):
    """Issue a certificate or licence for a case (signed by the head of the organization)."""
    case = case_get_for_user(user=request.user, public_id=case_id)
    types = DocumentType.objects.filter(is_active=True).exclude(kind=DocumentKind.LETTER).filter(
        Q(service=case.service) | Q(service__isnull=True))
    holder = case.organization.name if case.organization_id else case.applicant.get_full_name()
    form = IssueForm(request.POST or None, types=types,
                     initial={"holder_name": holder, "holder_national_id": case.applicant_national_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_issue(
                document_type=data["document_type"], holder_name=data["holder_name"],
                holder_national_id=data["holder_national_id"], scope=data["scope"], case=case,
                reference=f"case:{case.pk}", by=request.user,
                holder_kind=str(_("Legal person")) if case.organization_id else str(_("Natural person")),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The document was issued."))
            return redirect("staff-documents:detail", public_id=document.public_id)
    return render(request, "certificates/staff_issue.html", {"form": form, "case": case})
