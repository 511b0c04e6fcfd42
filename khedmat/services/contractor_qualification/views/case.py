"""Pages of service 4: the dossier sections (people, experience, tax returns), the expert's review on the
case page, and the approver's grades. Thin: parse, call one service, redirect with a message."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import case_get_for_user
from khedmat.cases.views import _detail_context
from khedmat.core.exceptions import ApplicationError
from khedmat.core.ids import id_or_404, parse_id
from khedmat.core.net import local_return_to
from khedmat.core.views import attempt as _attempt
from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.constants import SERVICE_CODE
from khedmat.services.contractor_qualification.constants import DossierSection as Sections
from khedmat.services.contractor_qualification.forms import (
    ExperienceForm,
    FinancialForm,
    GrantForm,
    PersonForm,
    RelevanceForm,
    SectionReviewForm,
)
from khedmat.services.contractor_qualification.models import CompanyPerson, ExperienceRecord, FinancialRecord


def _case(request, public_id):
    case = case_get_for_user(user=request.user, public_id=public_id)
    if case.service.code != SERVICE_CODE:
        raise Http404
    return case


def _back(case, anchor=""):
    response = redirect("cases:detail", public_id=case.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# -- the applicant's sections -------------------------------------------------------------------------

SECTION_PAGES = {
    Sections.PEOPLE: (PersonForm, CompanyPerson, "contractor_qualification/people.html"),
    Sections.EXPERIENCE: (ExperienceForm, ExperienceRecord, "contractor_qualification/experience.html"),
    Sections.FINANCE: (FinancialForm, FinancialRecord, "contractor_qualification/finance.html"),
}
ADDERS = {Sections.PEOPLE: services.person_add, Sections.EXPERIENCE: services.experience_add,
          Sections.FINANCE: services.financial_add}
REMOVERS = {Sections.PEOPLE: services.person_remove, Sections.EXPERIENCE: services.experience_remove,
            Sections.FINANCE: services.financial_remove}
# What each section's rows show beside them.
SECTION_RELATED = {Sections.PEOPLE: ["scoring_field"], Sections.EXPERIENCE: ["field"], Sections.FINANCE: []}


@login_required
def section(request, public_id, section):
    """List a section's rows and add one; the draft is saved row by row."""
    case = _case(request, public_id)
    form_class, model, template = SECTION_PAGES[section]
    editable = case_abilities(case=case, user=request.user).offered("edit")
    form = (form_class(request.POST or None, case=case) if section != Sections.FINANCE
            else FinancialForm(request.POST or None))
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The case cannot be changed in its current state."))
            return redirect(request.path)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if section == Sections.PEOPLE:
                data["scoring_field"] = data.get("scoring_field") or None
            try:
                ADDERS[section](case=case, by=request.user, **data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved. Add another row or go back to the case."))
                return redirect(request.get_full_path())
    rows = model.objects.filter(case=case).select_related(*SECTION_RELATED[section])
    status = next(s for s in selectors.dossier_sections(case) if s.code == section)
    return render(request, template, {"case": case, "form": form, "rows": rows, "editable": editable, "section": status,
                                      "return_to": local_return_to(request)})


@login_required
@require_POST
def section_remove(request, public_id, section, pk):
    case = _case(request, public_id)
    _attempt(request, lambda: REMOVERS[section](case=case, by=request.user, pk=id_or_404(pk)),
             _("The row was removed."))
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
    context["service_panel"]["review_rows"] = selectors.review_rows(selectors.dossier_sections(case), verdicts, errors)
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
    # Offered, not "may": the page is where the approver writes the reason a registry mismatch asks for.
    if not case_abilities(case=case, user=request.user).offered("approve"):
        messages.error(request, _("This action is not possible while the case is “%(state)s”.") % {
            "state": case.state_def.label})
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
            messages.success(request, _("Approved. Certificate %(number)s was issued and the file is queued for "
                                        "SAJAR.") % {
                "number": certificate.number})
            return _back(case)
    return render(request, "contractor_qualification/approve.html", {
        "case": case, "form": form, "scoring": scoring, "mismatch_reason": request.POST.get("mismatch_reason", "")})
