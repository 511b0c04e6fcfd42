"""Reads for cases: dashboards, queues, timelines, what a person may do now, SLA figures."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db import connection, connections
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from khedmat.accounts.roles import OVERSIGHT_ROLES, StaffRole
from khedmat.cases import sla
from khedmat.cases.access import _organization_ids, visible_cases
from khedmat.cases.models import Case, CaseEvent, Document, SlaStatus
from khedmat.cases.process import APPLICANT, SummaryRow, SummarySection, get_process, registered
from khedmat.cases.tracking import tracking_parse
from khedmat.catalog.selectors import service_codes, service_list_published, target_assumed
from khedmat.core import jalali
from khedmat.core.memo import remember
from khedmat.core.text import digits_only, search_key, to_persian_digits
from khedmat.workcalendar.selectors import OfficeCalendars

_CASE_RELATED = ("service", "province", "applicant", "organization", "assigned_to")
# What a list row reads (the queue and the dashboard: `sla_view`, `Case.process`, cases/templatetags' rows). Loading
# whole cases with five related rows cost the queue more than its queries did (issue 19).
LIST_ROW_RELATED = ("service", "applicant", "organization", "assigned_to")
LIST_ROW_FIELDS = (
    "public_id", "tracking_number", "service__code", "service__title", "process_version", "state", "province_id",
    "office_id", "organization__name", "applicant__first_name", "applicant__last_name", "assigned_to__first_name",
    "assigned_to__last_name", "sla_statement_id", "sla_target_days", "sla_banked_days", "sla_running",
    "sla_run_started_at", "sla_deadline", "sla_warning_at", "first_submitted_at", "closed_at", "created_at")


def with_related(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with the rows a case's pages and the API name (service, province, people)."""
    return cases.select_related(*_CASE_RELATED)


def list_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with only what a list row shows."""
    return cases.select_related(None).select_related(*LIST_ROW_RELATED).only(*LIST_ROW_FIELDS)


# -- SLA figures -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SlaView:
    status: str
    used: int
    target: int | None
    deadline: dt.datetime | None
    # The target is the organization's own, not a figure of the published statement (SlaCommitment.target_assumed):
    # every display words it so through templates/includes/target_note.html.
    assumed: bool = False

    @property
    def label(self):
        return SlaStatus(self.status).label

    @property
    def overdue_days(self) -> int | None:
        """Working days past the deadline for a late case (breached, or closed late), else None. The clock
        counts working days while it runs, so the days beyond the target are the days late."""
        if self.status not in (SlaStatus.BREACHED, SlaStatus.MISSED) or self.target is None:
            return None
        return max(0, self.used - self.target)


def sla_view(case: Case, *, now: dt.datetime | None = None, calendars: dict | None = None) -> SlaView:
    """The case's SLA position now, from its stored columns (no event reads).

    `calendars` (a dict a list page shares) keeps one compiled calendar per (province, office), in the
    `OfficeCalendars` it holds, and the statements' assumed targets.
    """
    now = now or timezone.now()
    used = case.sla_banked_days
    if case.sla_running and case.sla_run_started_at:
        offices = OfficeCalendars() if calendars is None else calendars.setdefault(OfficeCalendars, OfficeCalendars())
        calendar = offices(case.office_id, province_id=case.province_id)
        used += calendar.count_working_days(case.sla_run_started_at, now)
    final = case.closed_at is not None
    status = sla.status(
        target=case.sla_target_days, running=case.sla_running, final=final, used=used,
        deadline=case.sla_deadline, warning_at=case.sla_warning_at, now=now,
    )
    if case.first_submitted_at is None:
        status = SlaStatus.NONE
    assumed = case.sla_target_days is not None and sla_target_assumed(case)
    return SlaView(status=status, used=used, target=case.sla_target_days, deadline=case.sla_deadline, assumed=assumed)


def sla_target_assumed(case: Case) -> bool:
    """Whether the case's target is one the published statement does not set (the organization's own); kept per
    statement by `catalog.selectors.target_assumed`."""
    code = case.process.sla_commitment if case.sla_statement_id else ""
    if not code:
        return False
    return target_assumed(statement_id=case.sla_statement_id, code=code)


def sla_views(cases) -> list[tuple[Case, SlaView]]:
    """(case, SLA position) for a page of cases, compiling each calendar once."""
    now = timezone.now()
    calendars: dict = {}
    return [(case, sla_view(case, now=now, calendars=calendars)) for case in cases]


def sla_status_filter(status: str, *, now: dt.datetime) -> Q:
    """SQL conditions matching `sla_view(...).status == status` for open, submitted cases."""
    open_ = Q(closed_at__isnull=True, first_submitted_at__isnull=False, sla_target_days__isnull=False)
    if status == SlaStatus.BREACHED:
        return open_ & (Q(sla_running=True, sla_deadline__lte=now) | Q(sla_running=False,
                                                                       sla_banked_days__gt=models_f("sla_target_days")))
    if status == SlaStatus.WARNING:
        return open_ & Q(sla_running=True, sla_warning_at__lte=now, sla_deadline__gt=now)
    if status == SlaStatus.ON_TRACK:
        return open_ & Q(sla_running=True, sla_warning_at__gt=now)
    if status == SlaStatus.PAUSED:
        return open_ & Q(sla_running=False, sla_banked_days__lte=models_f("sla_target_days"))
    return Q()


def models_f(name: str):
    return F(name)


# -- dashboards and queues -------------------------------------------------------------------

ANY_ACTING = object()


def cases_for_applicant(*, user, acting_for=ANY_ACTING) -> QuerySet[Case]:
    """The person's own cases and those of the organizations they act for.

    acting_for (the dashboard, issue 17 point 8): an organization — its cases, whoever filed them; None (acting
    for oneself) — the person's own cases, except those of an organization they act for (shown under it).
    """
    organization_ids = _organization_ids(user)
    if acting_for is ANY_ACTING:
        condition = Q(applicant=user) | Q(organization_id__in=organization_ids)
    elif acting_for is None:
        condition = Q(applicant=user) & ~Q(organization_id__in=organization_ids)
    elif acting_for.pk in organization_ids:
        condition = Q(organization_id=acting_for.pk)
    else:
        return Case.objects.none()
    return Case.objects.filter(condition).select_related(*_CASE_RELATED).order_by("-created_at")


def queue_states_for(user) -> dict[str, list[str]]:
    """service code → states in which one of the user's roles is expected to act."""
    result = {}
    for process in registered():
        states = process.states_for_actor(set(user.roles_for_service(process.service_code)))
        if states:
            result[process.service_code] = states
    return result


# Who may see the whole province's queue, not only what waits for their roles.
ALL_SCOPE_ROLES = (*sorted(OVERSIGHT_ROLES), StaffRole.ADMINISTRATOR)


def queue_for_staff(
    *, staff, service: str = "", state: str = "", sla_status: str = "", date_from: dt.date | None = None,
    date_to: dt.date | None = None, q: str = "", sort: str = "deadline", scope: str = "role",
    now: dt.datetime | None = None, rows_only: bool = False,
) -> QuerySet[Case] | MergedQueue:
    """Submitted cases of the staff member's province waiting for one of their roles, in the page's order
    (a query set, or a `MergedQueue` when several (service, state) pairs wait for the roles).

    scope: "role" (waiting for my roles), "mine" (assigned to me), "all" (the province's open cases of the
    services the person works on, whatever their state: the oversight roles' services, else any role's).
    rows_only: read only what the queue page's rows show (`list_rows`).
    """
    related = list_rows if rows_only else with_related
    now = now or timezone.now()
    if not staff.is_staff_member or staff.province_id is None:
        return Case.objects.none()
    qs = Case.objects.filter(province_id=staff.province_id, tracking_number__isnull=False, closed_at__isnull=True)
    branches = None
    if scope == "mine":
        qs = qs.filter(assigned_to=staff)
    elif scope == "all":
        # Every open case (paused with the applicant, awaiting approval, …) of the services the person works
        # on (roles are per service: a role held for every service shows every service).
        services = None if staff.is_superuser else staff.role_services(*staff.role_set)
        if services is not None:
            qs = qs.filter(service_id__in=[i for code, i in _service_ids().items() if code in services])
    else:
        # One branch per (service, state) waiting for the staff member's roles, on service ids, not codes:
        # each branch is an equality on the queue index (province, service, state, …), walked in order.
        ids = _service_ids()
        branches = [(ids[code], state_code) for code, states in queue_states_for(staff).items() if code in ids
                    for state_code in states]
        if service:
            branches = [b for b in branches if b[0] == ids.get(service)]
        if state:
            branches = [b for b in branches if b[1] == state]
    if service:
        qs = qs.filter(service_id=_service_ids().get(service, 0))
    if state:
        qs = qs.filter(state=state)
    if sla_status:
        qs = qs.filter(sla_status_filter(sla_status, now=now))
    if date_from:
        qs = qs.filter(first_submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(first_submitted_at__date__lte=date_to)
    if q:
        qs = qs.filter(case_search_condition(q))
    order = QUEUE_ORDERS.get(sort, QUEUE_ORDERS["deadline"])
    if branches is None:
        return related(qs).order_by(*order, "id")
    if not branches:
        return Case.objects.none()
    if len(branches) == 1:
        return related(qs.filter(service_id=branches[0][0], state=branches[0][1])).order_by(*order, "id")
    return MergedQueue(qs, branches, order, related=related)


QUEUE_ORDERS = {
    "deadline": ("sla_deadline", "first_submitted_at"),
    "-deadline": ("-sla_deadline", "-first_submitted_at"),
    "submitted": ("first_submitted_at",),
    "-submitted": ("-first_submitted_at",),
}


class MergedQueue:
    """A queue waiting for several (service, state) pairs, read as one list in the page's order.

    One query with `(service = a AND state IN …) OR (service = b AND …)` makes the database read and sort
    every open case of the province (the plan measured in bench/cases.py); here each pair is walked along
    the queue index and stops after the page — as one UNION ALL of one branch per pair — and the rows are
    merged; then one query fetches the page. Supports what a page needs: slicing.

    The branches differ only in their (service, state) parameters, so the ORM builds the branch's SQL once, with
    placeholder values that are then replaced per branch: building eight query sets cost more than running them.
    """

    _SERVICE, _STATE = -7_319_004_211, "\x00branch-state"  # placeholders no real parameter equals

    def __init__(self, common: QuerySet, branches: list[tuple[int, str]], order: tuple[str, ...], *, related=None):
        self.common = common
        self.branches = branches
        self.order = order
        self.descending = order[0].startswith("-")
        self.related = related or with_related

    def _key(self, row: tuple):
        # SQLite puts NULL below every value, PostgreSQL above; the merge compares the way the database orders.
        nulls_high = connection.vendor != "sqlite"
        parts = [((value is None) == nulls_high, value if value is not None else 0) for value in row[:-1]]
        return (*parts, -row[-1] if self.descending else row[-1])  # id ascending among equals, as order_by puts it

    def _branch_rows(self, stop: int) -> list[tuple]:
        fields = [name.lstrip("-") for name in self.order]
        branch = self.common.filter(service_id=self._SERVICE, state=self._STATE).order_by(*self.order, "id")
        queryset = branch.values_list(*fields, "id")[:stop]
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        params = list(params)
        at_service, at_state = params.index(self._SERVICE), params.index(self._STATE)
        statements, values = [], []
        for n, (service_id, state) in enumerate(self.branches):
            params[at_service], params[at_state] = service_id, state
            statements.append(f"SELECT * FROM ({sql}) AS branch_{n}")
            values.extend(params)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(statements), values)
            return cursor.fetchall()

    def __getitem__(self, index: slice) -> list[Case]:
        if not isinstance(index, slice) or index.stop is None:
            raise TypeError("a merged queue is read by slices with an end")
        start, stop = index.start or 0, index.stop
        rows = sorted(self._branch_rows(stop), key=self._key, reverse=self.descending)
        ids = [row[-1] for row in rows][start:stop]
        cases = self.related(Case.objects).in_bulk(ids)
        return [cases[pk] for pk in ids if pk in cases]


def _service_ids() -> dict[str, int]:
    return {code: pk for code, (pk, _title) in service_codes().items()}


def case_search_condition(raw: str) -> Q:
    """Tracking number, national ID (person or organization) or name; letter and digit variants match.

    Each branch is one indexed lookup: a case for an organization stores the organization's
    national ID in applicant_national_id, so both kinds of ID are one equality.
    """
    tracking = tracking_parse(raw)
    if tracking:
        return Q(tracking_number=tracking)
    digits = digits_only(raw)
    if digits and digits == search_key(raw).replace(" ", "").replace("-", ""):
        if len(digits) in (10, 11):
            return Q(applicant_national_id=digits)
        return Q(tracking_number__startswith=digits)
    key = search_key(raw)
    return Q(search_text__contains=key) if key else Q()


def case_search_text(case: Case) -> str:
    parts = [case.applicant.get_full_name(), case.applicant.national_id, case.title]
    if case.organization_id:
        parts += [case.organization.name, case.organization.national_id]
    return " | ".join(search_key(p) for p in parts if p)


# -- a case page -----------------------------------------------------------------------------

def case_events(case: Case) -> list[CaseEvent]:
    """Every event of the case with its actor, oldest first: read once per request (core.memo) for the timeline and
    what other parts of the page look up in it."""
    return remember(case, "events", lambda: list(case.events.select_related("actor").order_by("created_at", "id")))


def case_timeline(*, case: Case, staff_view: bool) -> list[CaseEvent]:
    events = case_events(case)
    return events if staff_view else [event for event in events if event.public]


def documents_for_case(*, case: Case):
    """Checklist rows: (requirement, document or None, versions) in the process's order."""
    documents = Document.objects.filter(case=case).select_related("current").prefetch_related("versions")
    docs = {d.requirement: d for d in documents}
    rows = []
    for requirement in case.process.documents_for(case):  # `required` decided for this applicant
        document = docs.get(requirement.code)
        rows.append((requirement, document, list(document.versions.all()) if document else []))
    return rows


def expected_of_applicant(case: Case) -> str:
    state = case.state_def
    return str(state.applicant_hint) if APPLICANT in state.actors else ""


def startable_services():
    """Published services that have a process to apply with."""
    codes = [p.service_code for p in registered()]
    return service_list_published().filter(code__in=codes)


def get_case_process(case: Case):
    return get_process(case.service.code, case.process_version)


__all__ = ["visible_cases"]


def service_titles(codes) -> dict[str, str]:
    """The Persian titles of the catalogue's services by code; a code with no service keeps a Persian placeholder."""

    services = service_codes()
    return {code: services[code][1] if code in services else gettext("Service not in the catalogue")
            for code in codes}


def processes_with_titles() -> list[tuple]:
    """(process, its service's Persian title) for every registered process: pages never show the code."""
    processes = registered()
    titles = service_titles(p.service_code for p in processes)
    return [(p, titles[p.service_code]) for p in processes]


def _answer_display(field, value):
    """An answer as a person reads it: a choice's label, yes/no, a Jalali date; "" for no answer."""

    if value in (None, "", [], ()):
        return ""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    choices = getattr(field, "choices", None)
    if choices:
        labels = {}
        for key, label in choices:
            if isinstance(label, (list, tuple)):  # grouped choices
                labels.update({str(k): lab for k, lab in label})
            else:
                labels[str(key)] = label
        values = value if isinstance(value, (list, tuple)) else [value]
        return "، ".join(str(labels.get(str(v), v)) for v in values)
    if isinstance(field, forms.DateField):
        try:
            return jalali.format_date(dt.date.fromisoformat(str(value)))
        except (ValueError, AttributeError):
            return str(value)
    return str(value)


def check_answers(*, case: Case, check_url: str) -> list:
    """The sections of the "check your answers" page (issue 16 point 11): by default the application form's
    answers and the documents, each with a change link that comes back to `check_url`; a process may add or
    replace sections through `Process.summary_sections`."""


    def change(url: str, anchor: str = "") -> str:
        return f"{url}?{urlencode({'next': check_url})}{'#' + anchor if anchor else ''}"

    detail = reverse("cases:detail", args=[case.public_id])
    process = case.process
    sections = []
    if process.form_class:
        form = import_string(process.form_class)(initial=dict(case.data or {}), prefix="case")
        rows = []
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            shown = _answer_display(field, form.get_initial_for_field(field, name))
            if not shown and not field.required:
                continue
            rows.append(SummaryRow(field.label, to_persian_digits(shown) if shown else _("Not answered"),
                                   change(detail, "form-title")))
        sections.append(SummarySection(_("Application form"), tuple(rows)))
    docs = []
    for requirement, document, _versions in documents_for_case(case=case):
        current = document.current if document else None
        if current is None and not requirement.required:
            continue
        label = f"{requirement.group}) {requirement.label}" if requirement.group else requirement.label
        value = current.original_name if current else _("Not uploaded")  # a file's name as it was, Latin digits and all
        docs.append(SummaryRow(label, value, change(detail, "docs-title")))
    sections.append(SummarySection(_("Documents"), tuple(docs), empty=_("No document is needed.")))
    if process.summary_sections is not None:
        sections = list(process.summary_sections(case, sections, change))
    return sections
