"""Case pages for applicants and staff. Thin: parse, call one service or selector, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.accounts.models import User
from khedmat.cases import selectors, services
from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import case_get_for_user
from khedmat.cases.diagram import process_svg
from khedmat.cases.forms import (
    AssignForm,
    DeficiencyItemFormSet,
    DeficiencyNoticeForm,
    QueueFilterForm,
    StartCaseForm,
    TextForm,
    TransitionForm,
    UploadForm,
    VersionedForm,
    cleaned_to_data,
)
from khedmat.cases.models import DocumentVersion
from khedmat.cases.process import get_process, registered
from khedmat.catalog.models import Service
from khedmat.core.db import persian_order
from khedmat.core.exceptions import ApplicationError
from khedmat.core.ids import parse_id
from khedmat.core.net import local_return_to
from khedmat.core.paginator import lookahead_page
from khedmat.core.views import attempt as _attempt
from khedmat.organizations.selectors import acting_memberships, acting_organization


def _case(request, public_id, *, readers: bool = False):
    return case_get_for_user(user=request.user, public_id=public_id, readers=readers)


def _back(case):
    return redirect("cases:detail", public_id=case.public_id)


def _back_or_return(request, case):
    """After a change made from a "change" link of the check page, go back there (a local URL only)."""
    target = local_return_to(request)
    return redirect(target) if target else _back(case)


def _version(request) -> int | None:
    form = VersionedForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


# -- applicant ---------------------------------------------------------------------------------

@login_required
def dashboard(request):
    acting = acting_organization(request)  # the cases of whom the person acts for (the banner's choice)
    cases = selectors.list_rows(selectors.cases_for_applicant(user=request.user, acting_for=acting))
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    rows = [(case, sla, selectors.expected_of_applicant(case)) for case, sla in selectors.sla_views(page)]
    return render(request, "cases/dashboard.html", {"page": page, "rows": rows, "acting": acting})


@login_required
def start(request):
    """Choose the service and for whom; a service with a declaration rule then asks for its declaration on
    the same page, and a request the province does not handle is refused here, before any case exists."""
    services_ = selectors.startable_services()
    memberships = list(acting_memberships(user=request.user))  # verified organizations only
    form = StartCaseForm(request.POST or None, services=services_, memberships=memberships,
                         initial={"service": request.GET.get("service", "")})
    declaration_form = None
    if request.method == "POST" and form.is_valid():
        organization = None
        if form.cleaned_data["on_behalf"] != "self":
            chosen = form.cleaned_data["on_behalf"]
            organization = next(m.organization for m in memberships if str(m.organization_id) == chosen)
        service = Service.objects.get(code=form.cleaned_data["service"])
        process = get_process(service.code)
        data, title = None, ""
        if process.declaration is not None and process.form_class:
            declared = request.POST.get("declare") == service.code
            declaration_form = import_string(process.form_class)(request.POST if declared else None, prefix="case")
            if declared and declaration_form.is_valid():
                data, title = cleaned_to_data(declaration_form.cleaned_data)
        if declaration_form is None or data is not None:
            try:
                case = services.case_create(service=service, applicant=request.user, organization=organization,
                                            data=data, title=title)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("A draft case was opened. Fill in the form and upload the documents."))
                return _back(case)
        return render(request, "cases/start.html", {
            "form": form, "has_services": bool(services_), "declaration_form": declaration_form,
            "declare": service.code})
    return render(request, "cases/start.html", {"form": form, "has_services": bool(services_)})


def _service_form(case, data=None):
    form_class = import_string(case.process.form_class) if case.process.form_class else None
    if form_class is None:
        return None
    return form_class(data, initial=case.data, prefix="case")


@login_required
def detail(request, public_id):
    case = _case(request, public_id, readers=True)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _detail_context(request, case, **overrides):
    user = request.user
    abilities = case_abilities(case=case, user=user)
    staff_view = abilities.staff
    editable = abilities.offered("edit")
    notices = list(case.deficiency_notices.prefetch_related("items").order_by("-round"))  # one read (issue 19)
    open_notice = next((n for n in notices if n.answered_at is None), None)
    context = {
        "case": case,
        "process": case.process,
        "state": case.state_def,
        "sla": selectors.sla_view(case),
        "abilities": abilities,
        "staff_view": staff_view,
        "is_applicant": abilities.applicant,
        # The form is offered before submission; afterwards the deficiency notice says what to change.
        "editable": editable and case.tracking_number is None,
        "can_upload": abilities.offered("upload"),
        "service_form": _service_form(case) if editable and case.tracking_number is None else None,
        "documents": selectors.documents_for_case(case=case),
        "timeline": selectors.case_timeline(case=case, staff_view=staff_view),
        # "Reject" and the like stand apart from the way forward, behind a confirmation (issue 16 point 10).
        "actions": abilities.buttons,
        "danger_actions": abilities.danger_buttons,
        "notices": notices,
        # The open notice is the applicant's to answer while the case waits for them.
        "open_notice": open_notice if abilities.applicant and editable else None,
        "can_issue_deficiency": abilities.offered("issue_deficiency"),
        "can_claim": abilities.offered("claim"),
        "can_assign": abilities.offered("assign"),
        "can_issue_documents": abilities.offered("issue_documents") and case.tracking_number is not None,
        # Django templates call callables, so the process's fee function is exposed as a flag.
        "has_fee": case.process.fee is not None,
        "upload_form": UploadForm(),
        "text_form": TextForm(),
        "return_to": local_return_to(request),
    }
    if context["can_assign"]:
        staff = (User.objects.holding(list(case.process.assignees), service_code=case.process.service_code)
                 .filter(province_id=case.province_id).order_by(persian_order("last_name"),
                                                                persian_order("first_name")))
        context["assign_form"] = AssignForm(initial={"version": case.version}, staff=staff)
    process = case.process
    if process.case_panel_template and process.case_panel_context is not None:
        context["service_panel_template"] = process.case_panel_template
        context["service_panel"] = process.case_panel_context(case, user, staff_view, abilities)
        if process.case_actions_template and context["service_panel"].get("has_actions"):
            context["service_actions_template"] = process.case_actions_template
            context["service_has_actions"] = True
    context.update(overrides)
    return context


@login_required
@require_POST
def edit(request, public_id):
    case = _case(request, public_id)
    form = _service_form(case, request.POST)
    version = _version(request)
    if form is None or not form.is_valid() or version is None:
        messages.error(request, _("The form has problems; see the messages below each field."))
        return render(request, "cases/detail.html", _detail_context(request, case, service_form=form), status=200)
    data, title = cleaned_to_data(form.cleaned_data)
    _attempt(request, lambda: services.case_data_update(case=case, data=data, title=title, by=request.user,
                                                        expected_version=version), _("The form was saved."))
    return _back_or_return(request, case)


@login_required
@require_POST
def upload(request, public_id, requirement):
    case = _case(request, public_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = form.errors.get("file") or [_("Choose a file to upload.")]
        messages.error(request, errors[0])
        return _back(case)
    uploaded = form.cleaned_data["file"]
    _attempt(request, lambda: services.document_upload(
        case=case, requirement=requirement, fileobj=uploaded.file, filename=uploaded.name, size=uploaded.size,
        by=request.user), _("The document was uploaded."))
    return _back_or_return(request, case)


@login_required
def download(request, public_id, version_id):
    case = _case(request, public_id, readers=True)
    version = DocumentVersion.objects.filter(pk=version_id, document__case=case).first()
    if version is None:
        raise Http404
    response = FileResponse(version.file.open("rb"), content_type=version.content_type, as_attachment=True,
                            filename=version.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def check(request, public_id):
    """"Check your answers" (GOV.UK pattern): every answer, section and document of the draft with a change
    link that comes back here, and the submit button. Only the applicant's side, only before submission."""
    case = _case(request, public_id)
    if not (case_abilities(case=case, user=request.user).offered("edit") and case.tracking_number is None):
        return _back(case)
    check_url = reverse("cases:check", args=[case.public_id])
    blocked = ""
    for guard in case.process.transition(case.process.submit_transition).guards:
        message = guard(case)
        if message:
            blocked = str(message)
            break
    return render(request, "cases/check.html", {
        "case": case, "sections": selectors.check_answers(case=case, check_url=check_url), "blocked": blocked})


@login_required
@require_POST
def submit(request, public_id):
    case = _case(request, public_id)
    if not _attempt(request,
                    lambda: services.case_submit(case=case, by=request.user, expected_version=_version(request))):
        return redirect("cases:check", public_id=case.public_id)
    return redirect("cases:receipt", public_id=case.public_id)


@login_required
def receipt(request, public_id):
    case = _case(request, public_id)
    if not case.tracking_number:
        return _back(case)
    return render(request, "cases/receipt.html", {"case": case, "sla": selectors.sla_view(case)})


@login_required
@require_POST
def resubmit(request, public_id):
    case = _case(request, public_id)
    answers = {}
    for key, value in request.POST.items():
        if key.startswith("answer-") and key[7:].isdigit():
            answers[int(key[7:])] = value
    _attempt(request, lambda: services.case_resubmit(case=case, answers=answers, by=request.user,
                                                     expected_version=_version(request)),
             _("The case was sent back to the organization."))
    return _back(case)


@login_required
@require_POST
def message(request, public_id):
    case = _case(request, public_id)
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the message first."))
        return _back(case)
    _attempt(request, lambda: services.case_message_add(case=case, text=form.cleaned_data["text"], by=request.user))
    return _back(case)


# -- staff -----------------------------------------------------------------------------------

@login_required
@require_POST
def transition(request, public_id):
    case = _case(request, public_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form has expired; look at the case again."))
        return _back(case)
    name, comment = form.cleaned_data["transition"], form.cleaned_data["comment"]
    try:
        chosen = case.process.transition(name)
    except KeyError:
        chosen = None
    if chosen is not None and chosen.style == "danger" and request.POST.get("confirmed") != "yes":
        # A refusal is never one click: the reason is asked first, then this page asks again (POST only).
        if form.cleaned_data["version"] != case.version:
            messages.error(request, services._stale().message)
            return _back(case)
        if chosen.comment_required and not (comment or "").strip():
            messages.error(request, _("Write the reason first."))
            return _back(case)
        return render(request, "cases/confirm_transition.html", {
            "case": case, "transition": chosen, "comment": comment, "version": form.cleaned_data["version"]})
    _attempt(request, lambda: services.case_transition(
        case=case, name=name, by=request.user, comment=comment,
        expected_version=form.cleaned_data["version"]), _("Done."))
    return _back(case)


@login_required
@require_POST
def note(request, public_id):
    case = _case(request, public_id)
    form = TextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
        return _back(case)
    _attempt(request, lambda: services.case_note_add(case=case, text=form.cleaned_data["text"], by=request.user))
    return _back(case)


@login_required
@require_POST
def claim(request, public_id):
    case = _case(request, public_id)
    _attempt(request, lambda: services.case_claim(case=case, by=request.user, expected_version=_version(request)),
             _("The case is now yours."))
    return _back(case)


@login_required
@require_POST
def assign(request, public_id):
    case = _case(request, public_id)
    assignee_id = parse_id(request.POST.get("assignee"))
    assignee = User.objects.filter(pk=assignee_id, province_id=case.province_id).first() if assignee_id else None
    if assignee is None:
        messages.error(request, _("Choose a staff member."))
        return _back(case)
    _attempt(request, lambda: services.case_assign(case=case, to=assignee, by=request.user,
                                                   expected_version=_version(request)), _("The case was assigned."))
    return _back(case)


@login_required
def deficiency(request, public_id):
    case = _case(request, public_id)
    # Staff only; the service answers a notice sent twice (a double post) with "already sent".
    if not case_abilities(case=case, user=request.user).staff:
        raise Http404
    documents = case.process.documents
    form = DeficiencyNoticeForm(request.POST or None, initial={"version": case.version})
    formset = DeficiencyItemFormSet(request.POST or None, form_kwargs={"documents": documents})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data.get("text")]
        try:
            services.deficiency_notice_issue(case=case, items=items, summary=form.cleaned_data["summary"],
                                             by=request.user, expected_version=form.cleaned_data["version"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The deficiency notice was sent to the applicant."))
            return _back(case)
    return render(request, "cases/deficiency.html", {"case": case, "form": form, "formset": formset})


@staff_required()
def queue(request):
    processes = registered()
    titles = selectors.service_titles(p.service_code for p in processes)
    form = QueueFilterForm(request.GET or None, processes=processes, service_titles=titles)
    filters = {}
    if form.is_bound:
        form.is_valid()  # a refused field (a bad date) shows its Persian error; the other filters still apply
        filters = form.cleaned_data
    cases = selectors.queue_for_staff(
        staff=request.user, service=filters.get("service", ""), state=filters.get("state", ""),
        sla_status=filters.get("sla", ""), date_from=filters.get("date_from"), date_to=filters.get("date_to"),
        q=filters.get("q", ""), sort=filters.get("sort") or "deadline", scope=filters.get("scope") or "role",
        rows_only=True,
    )
    page = lookahead_page(cases, request.GET.get("page"))
    rows = selectors.sla_views(page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/queue.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()})


@staff_required()
def process_list(request):
    return render(request, "cases/process_list.html", {"processes": selectors.processes_with_titles()})


@staff_required()
def process_detail(request, code):
    try:
        process = get_process(code)
    except LookupError:
        raise Http404 from None
    title = selectors.service_titles([code])[code]
    return render(request, "cases/process_detail.html", {"process": process, "title": title,
                                                         "svg": process_svg(process, title=title)})
