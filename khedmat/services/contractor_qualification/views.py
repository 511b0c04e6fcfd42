"""Pages of service 4: the dossier sections (people, experience, tax returns), the expert's review on the
case page, and the approver's grades. Thin: parse, call one service, redirect with a message."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.cases.access import actor_roles, applicant_side, case_get_for_user
from khedmat.cases.process import APPLICANT
from khedmat.core.exceptions import ApplicationError
from khedmat.core.ids import id_or_404, parse_id
from khedmat.core.net import local_return_to
from khedmat.core.views import attempt as _attempt
from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.forms import (
    ExperienceForm,
    FinancialForm,
    GrantForm,
    PersonForm,
    RelevanceForm,
    SectionReviewForm,
)
from khedmat.services.contractor_qualification.models import (
    CompanyPerson,
    ExperienceRecord,
    FinancialRecord,
    Referral,
    Relevance,
)
from khedmat.services.contractor_qualification.views_referrals import REFERRAL_ROLES
from khedmat.services.contractor_qualification.workflow import APPROVER, SERVICE_CODE


def case_panel_context(case, user, staff_view) -> dict:
    """The service's part of the case page: the task list, and for staff the review and the scores."""
    roles = actor_roles(case, user)
    sections = selectors.dossier_sections(case)
    is_expert = "expert" in roles and case.state == "under_review"
    is_approver = APPROVER in roles and case.state == "awaiting_approval"
    return {
        "has_actions": is_expert or is_approver,
        "review_rows": _review_rows(sections) if is_expert else [],
        "needs_relevance": is_expert and CompanyPerson.objects.filter(
            case=case, scoring_field__isnull=False, relevance="").exclude(role="shareholder").exists(),
        "sections": sections,
        "sections_done": sum(1 for s in sections if s.status != "todo"),
        "can_edit": applicant_side(case, user) and APPLICANT in case.state_def.actors,
        "scoring": selectors.case_scoring(case) if staff_view else None,
        "grants": list(selectors.grants_for_case(case)) if case.state not in ("draft",) else [],
        "is_expert": is_expert,
        "is_approver": is_approver,
        "relevance_choices": Relevance.choices,
        "has_deficient": any(s.review and s.review.status == "deficient" for s in sections),
        "referral": Referral.objects.filter(case=case).first() if roles & set(REFERRAL_ROLES) else None,
    }


def _review_rows(sections, posted=None, errors=None) -> list[dict]:
    """One row per section the expert reviews: its saved verdict, or what was just posted with its error."""
    rows = []
    for s in sections:
        if s.status == "not_needed":
            continue
        row = {"code": s.code, "label": s.label, "saved": s.review.get_status_display() if s.review else "",
               "status": s.review.status if s.review else "", "note": s.review.note if s.review else "",
               "guidance": s.review.guidance if s.review else "", "error": (errors or {}).get(s.code, "")}
        if posted is not None and s.code in posted:
            row.update(posted[s.code])
        rows.append(row)
    return rows


def _case(request, public_id):
    case = case_get_for_user(user=request.user, public_id=public_id)
    if case.service.code != SERVICE_CODE:
        from django.http import Http404

        raise Http404
    return case


def _back(case, anchor=""):
    response = redirect("cases:detail", public_id=case.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# -- the applicant's sections -------------------------------------------------------------------------

SECTION_PAGES = {
    "people": (PersonForm, CompanyPerson, "contractor_qualification/people.html"),
    "experience": (ExperienceForm, ExperienceRecord, "contractor_qualification/experience.html"),
    "finance": (FinancialForm, FinancialRecord, "contractor_qualification/finance.html"),
}
ADDERS = {"people": services.person_add, "experience": services.experience_add, "finance": services.financial_add}
REMOVERS = {"people": services.person_remove, "experience": services.experience_remove, "finance": services.financial_remove}


@login_required
def section(request, public_id, section):
    """List a section's rows and add one; the draft is saved row by row."""
    case = _case(request, public_id)
    form_class, model, template = SECTION_PAGES[section]
    editable = applicant_side(case, request.user) and APPLICANT in case.state_def.actors
    form = form_class(request.POST or None, case=case) if section != "finance" else FinancialForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The case cannot be changed in its current state."))
            return redirect(request.path)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if section == "people":
                data["scoring_field"] = data.get("scoring_field") or None
            try:
                ADDERS[section](case=case, by=request.user, **data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved. Add another row or go back to the case."))
                return redirect(request.get_full_path())
    rows = model.objects.filter(case=case).select_related(*(["scoring_field"] if section == "people" else ["field"] if section == "experience" else []))
    status = next(s for s in selectors.dossier_sections(case) if s.code == section)
    return render(request, template, {"case": case, "form": form, "rows": rows, "editable": editable, "section": status,
                                      "return_to": local_return_to(request)})


@login_required
@require_POST
def section_remove(request, public_id, section, pk):
    case = _case(request, public_id)
    _attempt(request, lambda: REMOVERS[section](case=case, by=request.user, pk=id_or_404(pk)), _("The row was removed."))
    target = reverse("cq:section", kwargs={"public_id": case.public_id, "section": section})
    return_to = local_return_to(request)
    return redirect(f"{target}?{urlencode({'next': return_to})}" if return_to else target)


# -- the expert ---------------------------------------------------------------------------------------

@login_required
@require_POST
def review(request, public_id):
    case = _case(request, public_id)
    form = SectionReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a verdict for the section."))
        return _back(case, "review")
    data = form.cleaned_data
    _attempt(request, lambda: services.section_review_set(case=case, section=data["section"], status=data["status"],
                                                          note=data["note"] or "", guidance=data["guidance"] or "",
                                                          by=request.user), _("The verdict was recorded."))
    return _back(case, "review")


@login_required
@require_POST
def reviews(request, public_id):
    """Every section's verdict in one form: all saved together, or none, with the error under each section."""
    from khedmat.cases.views import _detail_context

    case = _case(request, public_id)
    sections = [s for s in selectors.dossier_sections(case) if s.status != "not_needed"]
    verdicts = {}
    for s in sections:
        status = request.POST.get(f"status-{s.code}", "")
        note = (request.POST.get(f"note-{s.code}") or "").strip()
        guidance = (request.POST.get(f"guidance-{s.code}") or "").strip()
        if status or note or guidance:
            verdicts[s.code] = {"status": status, "note": note, "guidance": guidance}
    try:
        errors = services.section_reviews_set(case=case, verdicts=verdicts, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(case, "review")
    if not errors:
        messages.success(request, _("The verdicts were recorded."))
        return _back(case, "review")
    messages.error(request, _("Nothing was saved: fix the sections marked below."))
    context = _detail_context(request, case)
    context["service_panel"]["review_rows"] = _review_rows(selectors.dossier_sections(case), verdicts, errors)
    context["service_panel"]["review_errors"] = errors
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def relevance(request, public_id):
    case = _case(request, public_id)
    form = RelevanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how related the degree is to the field."))
        return _back(case, "scores")
    _attempt(request, lambda: services.relevance_set(case=case, person_id=form.cleaned_data["person"],
                                                     relevance=form.cleaned_data["relevance"], by=request.user),
             _("The relevance was recorded."))
    return _back(case, "scores")


@login_required
@require_POST
def deficiencies(request, public_id):
    case = _case(request, public_id)
    version = parse_id(request.POST.get("version", "")) or -1  # a version is a positive number like an id
    _attempt(request, lambda: services.deficiency_notice_from_reviews(
        case=case, summary=(request.POST.get("summary") or "").strip(), by=request.user, expected_version=version),
        _("The deficiency notice was sent to the applicant."))
    return _back(case)


# -- the approver -------------------------------------------------------------------------------------

@login_required
def approve(request, public_id):
    case = _case(request, public_id)
    if APPROVER not in actor_roles(case, request.user) or case.state != "awaiting_approval":
        messages.error(request, _("This action is not possible while the case is “%(state)s”.") % {"state": case.state_def.label})
        return _back(case)
    scoring = selectors.case_scoring(case)
    scores = {s.field.code: s for s in scoring.fields}
    form = GrantForm(request.POST or None, case=case, scores=scores, supported=selectors.supported_grades(scoring),
                     initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        granted, reasons = form.decisions()
        try:
            certificate = services.grades_approve(case=case, granted=granted, reasons=reasons, by=request.user,
                                                  expected_version=form.cleaned_data["version"],
                                                  mismatch_reason=request.POST.get("mismatch_reason", ""))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Approved. Certificate %(number)s was issued and the file is queued for SAJAR.") % {
                "number": certificate.number})
            return _back(case)
    return render(request, "contractor_qualification/approve.html", {
        "case": case, "form": form, "scoring": scoring, "mismatch_reason": request.POST.get("mismatch_reason", "")})
