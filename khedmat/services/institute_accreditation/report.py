"""The service report of service 2 (SERVICES.md §3.9, measured as §8 says): reads only, plain functions.

Every time figure is measured from the cases' state changes (`CaseEvent`), in working days of the case's
calendar (`core.workdays`: the day of the first event never counts), and belongs to the period in which it
ENDS (Tehran dates, the current Jalali year by default):

* intake to registration: entering `filed` (the binder handed in, or the file re-sent) → `document_review`
  (registered in the secretariat); and the share of initial reviews that returned the file as incomplete;
* time to the written deficiency notice: the first entry into `document_review` → the first notice issued
  from it (the committee's returns are the committee's, not the review's);
* field visit: `visit_scheduled` → `visited`;
* the CEO's certificates: `ceo_checks_pending` → `awaiting_committee` — the applicant's time, outside the
  organization's clock;
* committee: `awaiting_committee` → its decision (approved, rejected, or deficiencies returned);
* licence: the committee's approval → `licence_issued` → `active` (delivered in the briefing session);
* end to end: the SLA clock of each case delivered in the period (`Case.sla_banked_days`, rebuilt from the
  events by `cases.services.sla_refresh`; the clock stops at delivery) against the target the case was filed
  under — the statement's `end_to_end_time` commitment, 10 working days, which is not in the seed (A9);
* deficiency rounds: the notices of each case closed in the period (delivered or rejected);
* free service: invoices issued in the period on the service's cases (target 0);
* supervision coverage and compliance: per licence in force at some time in the period, the supervision
  records (findings, warnings) and held supervision visits, and the scope violations that occurred in it.

Speed: a fixed number of queries whatever the size. The cases come in one query — those with a state change
in the period (a probe of the event index by time) and those licensed then — and all their state changes in
one more, ordered, so that each case's history is read once; supervision, visits, violations and invoices
are one query each. Working days come from one compiled calendar per (province, office).
`bench/accreditation_report.py` measures it.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from khedmat.appointments.models import Appointment, AppointmentState
from khedmat.cases.models import Case, CaseEvent
from khedmat.catalog.models import Service, SlaCommitment
from khedmat.core import reporting
from khedmat.core.reporting import Bin, Chart, Period, default_period, percentile, share
from khedmat.payments.models import Invoice
from khedmat.services.institute_accreditation.constants import LICENCE_HELD_STATES, SERVICE_CODE
from khedmat.services.institute_accreditation.constants import AccreditationState as S
from khedmat.services.institute_accreditation.models import (
    ScopeViolation,
    SupervisionKind,
    SupervisionRecord,
    ViolationKind,
)
from khedmat.workcalendar.selectors import OfficeCalendars

DELIVERED = S.ACTIVE
LICENSED = LICENCE_HELD_STATES  # the licence is held (a suspended one is still supervised)
LICENCE_ENDED = (S.REVOKED, S.EXPIRED, S.SUPERSEDED)  # replaced by a renewal or an upgrade
REJECTED = S.REJECTED
END_TO_END = "end_to_end_time"  # the commitment of the statement whose target the clock uses
DEFAULT_TARGET_DAYS = 10  # A9: another province's published figure (SERVICES.md §10.5), never the seed's
# Histogram bins of the end-to-end time in working days (inclusive; None: no upper bound). A bin ends at
# the default target, so that the chart's target line falls between two bars.
BINS: tuple[tuple[int, int | None], ...] = ((0, 3), (4, 6), (7, 10), (11, 15), (16, 20), (21, 30), (31, None))
EXAMPLES = 20  # how many cases a list of offenders names

# The interval metrics, in the order of the process (the seed's step numbers for the page).
INTERVALS = ("intake", "notice", "visit", "ceo", "committee", "to_issue", "to_delivery", "decision_to_delivery")
STEPS = {"intake": "۱۳–۱۴", "notice": "۱۵–۱۶", "visit": "۱۵–۱۸", "ceo": "۱۹", "committee": "۲۰–۲۱", "to_issue": "۲۱",
         "to_delivery": "۲۲", "decision_to_delivery": "۲۱–۲۲"}
APPLICANT_TIME = frozenset({"ceo"})


# -- the period -------------------------------------------------------------------------------------

# -- pure figures -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    """Working days: how many intervals, median, 90th percentile (nearest rank), mean, maximum."""

    count: int
    median: float | None
    p90: int | None
    mean: float | None
    maximum: int | None


def summarise(values: Iterable[int]) -> Summary:
    ordered = sorted(values)
    if not ordered:
        return Summary(0, None, None, None, None)
    return Summary(len(ordered), statistics.median(ordered), percentile(ordered, 90),
                   round(statistics.fmean(ordered), 1), ordered[-1])


def histogram(values: Iterable[int]) -> list[Bin]:
    return reporting.histogram(values, BINS)


@dataclass
class History:
    """What one case's state changes say: the instants of each interval metric (start, stop), the initial
    reviews (instant, returned incomplete?), the deficiency notices, delivery, rejection, licence end."""

    intervals: dict[str, list[tuple[dt.datetime, dt.datetime]]] = field(default_factory=dict)
    reviews: list[tuple[dt.datetime, bool]] = field(default_factory=list)
    notices: int = 0
    delivered_at: dt.datetime | None = None  # the first delivery (licence_issued → active)
    rejected_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None  # revoked, expired or superseded

    def add(self, name: str, start: dt.datetime | None, stop: dt.datetime) -> None:
        if start is not None:
            self.intervals.setdefault(name, []).append((start, stop))


def read_history(changes: Iterable[tuple[dt.datetime, str, str]]) -> History:
    """Walk one case's state changes [(instant, from_state, to_state)], in order. Pure."""
    history = History()
    entered: dict[str, dt.datetime] = {}  # the latest entry into each state
    first_review: dt.datetime | None = None
    noticed = False
    current = ""
    for at, from_state, to_state in changes:
        source = from_state or current
        if source == S.FILED and to_state in (S.DOCUMENT_REVIEW, S.RETURNED_INCOMPLETE):
            history.reviews.append((at, to_state == S.RETURNED_INCOMPLETE))
            if to_state == S.DOCUMENT_REVIEW:
                history.add("intake", entered.get(S.FILED), at)
        elif source == S.DOCUMENT_REVIEW and to_state == S.DEFICIENCIES_NOTIFIED and not noticed:
            noticed = True
            history.add("notice", first_review, at)
        elif source == S.VISIT_SCHEDULED and to_state == S.VISITED:
            history.add("visit", entered.get(S.VISIT_SCHEDULED), at)
        elif source == S.CEO_CHECKS_PENDING and to_state == S.AWAITING_COMMITTEE:
            history.add("ceo", entered.get(S.CEO_CHECKS_PENDING), at)
        elif source == S.COMMITTEE_APPROVED and to_state == S.LICENCE_ISSUED:
            history.add("to_issue", entered.get(S.COMMITTEE_APPROVED), at)
        elif source == S.LICENCE_ISSUED and to_state == DELIVERED:
            history.add("to_delivery", entered.get(S.LICENCE_ISSUED), at)
            history.add("decision_to_delivery", entered.get(S.COMMITTEE_APPROVED), at)
            if history.delivered_at is None:
                history.delivered_at = at
        if source == S.AWAITING_COMMITTEE and to_state != S.AWAITING_COMMITTEE:
            history.add("committee", entered.get(S.AWAITING_COMMITTEE), at)
        if to_state == S.DEFICIENCIES_NOTIFIED:
            history.notices += 1
        if to_state == REJECTED:
            history.rejected_at = at
        if to_state in LICENCE_ENDED:
            history.ended_at = at
        if to_state == S.DOCUMENT_REVIEW and first_review is None:
            first_review = at
        entered[to_state] = at
        current = to_state
    return history


def histogram_chart(bins: list[Bin], *, target: int = DEFAULT_TARGET_DAYS, rtl: bool = True) -> Chart:
    return reporting.histogram_chart(bins, target=target, rtl=rtl)


# -- the report ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    code: str  # one of INTERVALS
    summary: Summary
    step: str
    applicant_time: bool


@dataclass(frozen=True)
class CaseRef:
    tracking_number: str
    public_id: object
    institute: str
    days: int | None = None
    target: int | None = None
    count: int | None = None  # e.g. its violations


@dataclass(frozen=True)
class Intake:
    reviews: int  # initial reviews decided in the period
    returned: int
    returned_share: float | None


@dataclass(frozen=True)
class Rounds:
    cases: int  # closed in the period: delivered or rejected
    rows: list[tuple[int, int, float | None]]  # (rounds, cases, percent)
    mean: float | None
    notices: int


@dataclass(frozen=True)
class EndToEnd:
    delivered: int
    summary: Summary
    bins: list[Bin]
    within_target: int
    within_target_share: float | None
    target: int
    commitment_title: str
    target_assumed: bool  # the target is not in the seed statement (assumption A9)
    over: list[CaseRef]


@dataclass(frozen=True)
class FreeService:
    invoices: int
    cases: int
    examples: list[tuple[str, CaseRef, int, str]]  # (invoice number, case, rials, status)


@dataclass(frozen=True)
class Supervision:
    licences: int  # in force at some time in the period
    events: int
    visits: int  # held supervision visits
    records: int  # findings and warnings not written from one of those visits
    per_licence: float | None
    covered: int
    covered_share: float | None
    unsupervised: list[CaseRef]


@dataclass(frozen=True)
class Compliance:
    licences: int
    violations: int
    by_kind: list[tuple[str, object, int]]  # (code, label, count)
    per_licence: float | None
    licences_with: int
    offenders: list[CaseRef]


@dataclass(frozen=True)
class ServiceReport:
    period: Period
    generated_at: dt.datetime
    metrics: list[Metric]
    intake: Intake
    rounds: Rounds
    end_to_end: EndToEnd
    free: FreeService
    supervision: Supervision
    compliance: Compliance

    def metric(self, code: str) -> Metric:
        return next(m for m in self.metrics if m.code == code)


@dataclass(slots=True)
class _Case:
    pk: int
    office_id: int | None
    tracking_number: str
    public_id: object
    institute: str
    banked: int
    target: int | None
    state: str
    history: History = field(default_factory=History)

    def ref(self, **more) -> CaseRef:
        return CaseRef(self.tracking_number, self.public_id, self.institute, **more)


def _service_id() -> int:
    return Service.objects.values_list("pk", flat=True).get(code=SERVICE_CODE)


def report_cases(*, province_id: int, service_id: int, period: Period) -> list[_Case]:
    """The cases the report reads, each with its history: those with a state change in the period (the event
    index probed by time), those holding a licence now, and those whose licence ended after the period began.
    Two queries: the cases, then every state change of theirs in order."""
    moved = (CaseEvent.objects.filter(case__province_id=province_id, case__service_id=service_id,
                                      created_at__gte=period.start, created_at__lt=period.end)
             .exclude(to_state="").order_by().values("case_id"))
    cases = Case.objects.filter(province_id=province_id, service_id=service_id).filter(
        Q(pk__in=moved) | Q(state__in=LICENSED) | Q(state__in=LICENCE_ENDED, closed_at__gte=period.start)).order_by()
    by_id: dict[int, _Case] = {}
    for pk, office_id, tracking, public_id, name, banked, target, state in cases.values_list(
            "pk", "office_id", "tracking_number", "public_id", "organization__name", "sla_banked_days",
            "sla_target_days", "state").iterator(chunk_size=5000):
        by_id[pk] = _Case(pk, office_id, tracking or "", public_id, name or "", banked, target, state)
    if not by_id:
        return []
    events = (CaseEvent.objects.filter(case__in=cases.values("pk")).exclude(to_state="")
              .order_by("case_id", "created_at", "id").values_list("case_id", "created_at", "from_state", "to_state"))
    current_id, changes = None, []
    for case_id, at, from_state, to_state in events.iterator(chunk_size=5000):
        if case_id != current_id:
            if current_id is not None:
                by_id[current_id].history = read_history(changes)
            current_id, changes = case_id, []
        changes.append((at, from_state, to_state))
    if current_id is not None:
        by_id[current_id].history = read_history(changes)
    return list(by_id.values())


def interval_metrics(cases: list[_Case], *, period: Period, calendars) -> list[Metric]:
    values: dict[str, list[int]] = {name: [] for name in INTERVALS}
    for case in cases:
        calendar = calendars(case.office_id)
        for name, intervals in case.history.intervals.items():
            for start, stop in intervals:
                if stop in period:
                    values[name].append(calendar.count_working_days(start, stop))
    return [Metric(name, summarise(values[name]), STEPS[name], name in APPLICANT_TIME) for name in INTERVALS]


def intake_figures(cases: list[_Case], *, period: Period) -> Intake:
    decided = [returned for case in cases for at, returned in case.history.reviews if at in period]
    returned = sum(decided)
    return Intake(reviews=len(decided), returned=returned, returned_share=share(returned, len(decided)))


def rounds_figures(cases: list[_Case], *, period: Period) -> Rounds:
    """Deficiency notices of each case closed in the period (its licence delivered, or rejected)."""
    closed = [c for c in cases if (c.history.delivered_at and c.history.delivered_at in period)
              or (c.history.rejected_at and c.history.rejected_at in period)]
    counts = Counter(c.history.notices for c in closed)
    n = len(closed)
    return Rounds(cases=n, rows=[(r, counts[r], share(counts[r], n)) for r in sorted(counts)],
                  mean=round(statistics.fmean(c.history.notices for c in closed), 2) if closed else None,
                  notices=sum(c.history.notices for c in closed))


def commitment(service_id: int, *, on: dt.date | None = None):
    """The end-to-end commitment of the statement in force (None if the statement has none)."""
    on = on or timezone.localdate()
    return (SlaCommitment.objects.filter(statement__service_id=service_id, statement__published_at__isnull=False,
                                         statement__effective_from__lte=on, code=END_TO_END)
            .order_by("-statement__effective_from", "-statement__version").first())


def end_to_end_figures(cases: list[_Case], *, period: Period, service_id: int) -> EndToEnd:
    """The SLA clock of every case delivered in the period, against the target it was filed under."""
    promise = commitment(service_id, on=period.last)
    default = int(promise.target) if promise and promise.target is not None else DEFAULT_TARGET_DAYS
    delivered = [c for c in cases if c.history.delivered_at and c.history.delivered_at in period]
    pairs = [(c.banked, c.target if c.target is not None else default) for c in delivered]
    within = sum(1 for days, target in pairs if days <= target)
    over = sorted((c for c in delivered if c.banked > (c.target if c.target is not None else default)),
                  key=lambda c: -c.banked)[:EXAMPLES]
    targets = {target for _days, target in pairs}
    return EndToEnd(
        delivered=len(delivered), summary=summarise(days for days, _target in pairs),
        bins=histogram(days for days, _target in pairs), within_target=within,
        within_target_share=share(within, len(pairs)),
        target=targets.pop() if len(targets) == 1 else default,
        commitment_title=promise.title if promise else "",
        target_assumed=bool(promise and promise.target_assumed),
        over=[c.ref(days=c.banked, target=c.target if c.target is not None else default) for c in over],
    )


def free_service_figures(*, province_id: int, service_id: int, period: Period) -> FreeService:
    """Invoices issued in the period on the service's cases: the service is free (§3.5 rule 8), so any is a breach."""
    invoices = Invoice.objects.filter(case__province_id=province_id, case__service_id=service_id,
                                      created_at__gte=period.start, created_at__lt=period.end).order_by()
    totals = invoices.aggregate(n=Count("pk"), cases=Count("case_id", distinct=True))
    examples = [(number, CaseRef(tracking or "", public_id, name or ""), total, status)
                for number, tracking, public_id, name, total, status in invoices.order_by("-created_at").values_list(
                    "number", "case__tracking_number", "case__public_id", "case__organization__name", "total_rials",
                    "status")[:EXAMPLES]] if totals["n"] else []
    return FreeService(invoices=totals["n"], cases=totals["cases"], examples=examples)


def licences_in_period(cases: list[_Case], *, period: Period) -> list[_Case]:
    """Licences in force at some time in the period: delivered before it ended, not ended before it began."""
    return [c for c in cases if c.history.delivered_at is not None and c.history.delivered_at < period.end
            and (c.state in LICENSED or (c.history.ended_at is not None and c.history.ended_at >= period.start))]


def supervision_figures(licences: list[_Case], *, province_id: int, service_id: int, period: Period) -> Supervision:
    """Held supervision visits and supervision records (findings, warnings) in the period, per licence; a record
    written from a visit counts once, with the visit."""
    scope = {"case__province_id": province_id, "case__service_id": service_id}
    visits = dict(Appointment.objects.filter(kind="supervision_visit", state=AppointmentState.HELD,
                                             starts_at__gte=period.start, starts_at__lt=period.end, **scope)
                  .order_by().values_list("pk", "case_id"))
    records = [case_id for case_id, appointment_id in SupervisionRecord.objects.filter(
        kind__in=(SupervisionKind.FINDING, SupervisionKind.WARNING), recorded_at__gte=period.start,
        recorded_at__lt=period.end, **scope).order_by().values_list("case_id", "appointment_id")
        if appointment_id not in visits]
    per_case = Counter(visits.values()) + Counter(records)
    ids = {c.pk for c in licences}
    events = sum(n for case_id, n in per_case.items() if case_id in ids)
    covered = sum(1 for c in licences if per_case.get(c.pk))
    unsupervised = [c.ref() for c in sorted(licences, key=lambda c: c.institute) if not per_case.get(c.pk)]
    return Supervision(
        licences=len(licences), events=events, visits=sum(1 for case_id in visits.values() if case_id in ids),
        records=sum(1 for case_id in records if case_id in ids),
        per_licence=round(events / len(licences), 2) if licences else None, covered=covered,
        covered_share=share(covered, len(licences)), unsupervised=unsupervised[:EXAMPLES])


def compliance_figures(licences: list[_Case], *, province_id: int, service_id: int, period: Period) -> Compliance:
    """Violations of the licence's scope (domain, province, other) that occurred in the period, per licence."""
    rows = list(ScopeViolation.objects.filter(case__province_id=province_id, case__service_id=service_id,
                                              occurred_on__gte=period.first, occurred_on__lte=period.last)
                .order_by().values_list("case_id", "kind"))
    ids = {c.pk for c in licences}
    counted = [(case_id, kind) for case_id, kind in rows if case_id in ids]
    kinds = Counter(kind for _case_id, kind in counted)
    per_case = Counter(case_id for case_id, _kind in counted)
    offenders = sorted((c for c in licences if per_case.get(c.pk)), key=lambda c: (-per_case[c.pk], c.institute))
    return Compliance(
        licences=len(licences), violations=len(counted),
        by_kind=[(kind.value, kind.label, kinds.get(kind.value, 0)) for kind in ViolationKind],
        per_licence=round(len(counted) / len(licences), 2) if licences else None, licences_with=len(per_case),
        offenders=[c.ref(count=per_case[c.pk]) for c in offenders[:EXAMPLES]])


def service_report(*, province_id: int, period: Period | None = None, now: dt.datetime | None = None) -> ServiceReport:
    """The §3.9 figures of service 2 for a province and a period."""
    period = period or default_period()
    now = now or timezone.now()
    service_id = _service_id()
    calendars = OfficeCalendars(province_id)
    cases = report_cases(province_id=province_id, service_id=service_id, period=period)
    licences = licences_in_period(cases, period=period)
    scope = {"province_id": province_id, "service_id": service_id, "period": period}
    return ServiceReport(
        period=period, generated_at=now,
        metrics=interval_metrics(cases, period=period, calendars=calendars),
        intake=intake_figures(cases, period=period),
        rounds=rounds_figures(cases, period=period),
        end_to_end=end_to_end_figures(cases, period=period, service_id=service_id),
        free=free_service_figures(**scope),
        supervision=supervision_figures(licences, **scope),
        compliance=compliance_figures(licences, **scope),
    )
