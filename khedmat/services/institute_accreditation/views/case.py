"""Service 2's staff acts on the case page (its panel is `selectors.case_panel`): the binder, the initial review,
registration, the CEO's introduction, the licence, supervision and violations. Thin: each POST calls one
service function; a refusal becomes a Persian message and changes nothing."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import case_get_for_user
from khedmat.cases.forms import UploadForm
from khedmat.cases.services import document_upload
from khedmat.core.views import attempt
from khedmat.services.institute_accreditation import selectors, services
from khedmat.services.institute_accreditation.constants import SERVICE_CODE
from khedmat.services.institute_accreditation.forms import (
    BinderForm,
    IncompleteForm,
    LicenceForm,
    ReasonForm,
    SupervisionForm,
    ViolationForm,
)
from khedmat.services.institute_accreditation.models import Channel


def _case(request, public_id):
    """The case, for the staff working on it (`cases.abilities`); anyone else gets a 404."""
    case = case_get_for_user(user=request.user, public_id=public_id)
    if case.service.code != SERVICE_CODE or not case_abilities(case=case, user=request.user).staff:
        raise Http404
    return case


def _back(case, anchor: str = "accreditation"):
    response = redirect("cases:detail", public_id=case.public_id)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def binder(request, public_id):
    case = _case(request, public_id)
    if (case.data or {}).get("channel") != Channel.BINDER:
        # The service refuses (a fully online file has no binder) before any field is read.
        attempt(request, lambda: services.binder_receive(case=case, note="", by=request.user), "")
        return _back(case)
    form = BinderForm(request.POST, documents=case.process.documents)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(case)
    d = form.cleaned_data
    attempt(request, lambda: services.binder_receive(
        case=case, note=d["note"], by=request.user, delegate_name=d["delegate_name"],
        delegate_national_id=d["delegate_national_id"], letter_number=d["letter_number"],
        letter_date=d["letter_date"], items=d["items"]), _("The receipt of the binder was recorded."))
    return _back(case)


@login_required
@require_POST
def scan(request, public_id):
    """Staff scan a document of the binder into the case (step ۱۳)."""
    case = _case(request, public_id)
    requirement = request.POST.get("requirement", "")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return _back(case)
    uploaded = form.cleaned_data["file"]
    attempt(request, lambda: document_upload(case=case, requirement=requirement, fileobj=uploaded.file,
                                             filename=uploaded.name, size=uploaded.size, by=request.user,
                                             staff_intake=True), _("The scanned document was added."))
    return _back(case)


@login_required
@require_POST
def incomplete(request, public_id):
    case = _case(request, public_id)
    form = IncompleteForm(request.POST, documents=case.process.documents)
    if not form.is_valid():
        messages.error(request, _("List what is missing from the file."))
        return _back(case)
    attempt(request, lambda: services.return_incomplete(case=case, missing=form.cleaned_data["missing"],
                                                        note=form.cleaned_data["note"], by=request.user),
            _("The file was returned to the institute with the list of what is missing."))
    return _back(case)


@login_required
@require_POST
def register(request, public_id):
    case = _case(request, public_id)
    attempt(request, lambda: services.register(case=case, by=request.user),
            _("The file was registered in the secretariat."))
    return _back(case)


@login_required
@require_POST
def introduce_ceo(request, public_id):
    case = _case(request, public_id)
    attempt(request, lambda: services.ceo_introduce(case=case, by=request.user),
            _("The introduction letter was issued; the institute has been told."))
    return _back(case)


@login_required
@require_POST
def licence(request, public_id):
    case = _case(request, public_id)
    form = LicenceForm(request.POST, requested=selectors.requested_domains(case))
    if not form.is_valid():
        messages.error(request, _("Choose at least one domain to grant."))
        return _back(case)
    attempt(request, lambda: services.licence_issue(case=case, domain_codes=form.cleaned_data["domains"],
                                                    note=form.cleaned_data["note"], by=request.user,
                                                    mismatch_reason=request.POST.get("mismatch_reason", "")),
            _("The licence was issued."))
    return _back(case)


@login_required
@require_POST
def supervision(request, public_id):
    case = _case(request, public_id)
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe what was found."))
        return _back(case)
    attempt(request, lambda: services.supervision_record(case=case, kind=form.cleaned_data["kind"],
                                                         text=form.cleaned_data["text"], by=request.user),
            _("The supervision record was saved."))
    return _back(case)


@login_required
@require_POST
def licence_act(request, public_id, act):
    case = _case(request, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(request, lambda: services.licence_act(case=case, act=act, reason=reason, by=request.user),
            _("The licence's status was changed."))
    return _back(case)


@login_required
@require_POST
def violation(request, public_id):
    case = _case(request, public_id)
    form = ViolationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the kind, the date and the description of the violation."))
        return _back(case)
    data = form.cleaned_data
    attempt(request, lambda: services.violation_record(case=case, kind=data["kind"], description=data["description"],
                                                       occurred_on=data["occurred_on"], domain=data["domain"],
                                                       province=case.province, by=request.user),
            _("The violation was recorded."))
    return _back(case)
