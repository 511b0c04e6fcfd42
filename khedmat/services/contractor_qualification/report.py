"""The service report of service 4 (SERVICES.md §5.12, measured as §8 says): reads only, plain functions.

Each figure has its own population in the period (Tehran dates, a Jalali year by default):

* issuance time, workload, deficiency rounds and the referral to the PBO: the cases whose certificate
  was issued in the period (the date of their `certificate_issued` event);
* inquiry turnaround: the inquiries of the service's cases asked in the period;
* fee correctness and jurisdiction: the cases first submitted in the period (and their paid invoices).

Issuance time is measured three ways, in working days of the case's calendar (`core.workdays`):

* the SLA clock: days with the organization from the complete submission to issue, pauses while the
  applicant corrects deficiencies excluded. The clock stops at `certificate_issued`, so the stored
  `Case.sla_banked_days` (rebuilt from the events by `cases.services.sla_refresh`) is the figure;
* from the first submission, pauses included (`first_submitted_at` → issue);
* from the final complete submission (`submitted_at`, the last resubmission or else the submission → issue).

Speed: a fixed number of queries whatever the size (no query per case). The candidates for issue in the
period are found through the case queue index (province, service, state); their issue, referral and
registration events come in one query (one probe of the event index per case) and their deficiency
notices in another. The submitted cases use the same index with `state IN (…)` and a range on
`first_submitted_at`, read once with their invoices. Working days come from one compiled calendar per
(province, office). `bench/contractor_report.py` measures it.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
from django.utils import timezone

from khedmat.cases.models import Case, CaseEvent, DeficiencyNotice
from khedmat.catalog.models import Service
from khedmat.core import reporting
from khedmat.core.jalali import local_date
from khedmat.core.reporting import Bin, Chart, Period, default_period, percentile, share
from khedmat.inquiries.models import Inquiry, InquirySource
from khedmat.inquiries.services import FINAL as INQUIRY_FINAL
from khedmat.payments.models import FeeSchedule, InvoiceStatus
from khedmat.services.contractor_qualification import rules
from khedmat.services.contractor_qualification.constants import SERVICE_CODE
from khedmat.services.contractor_qualification.constants import QualificationState as S
from khedmat.services.contractor_qualification.models import GradeGrant, ReferralStatus
from khedmat.services.contractor_qualification.workflow import PROCESS
from khedmat.workcalendar.selectors import OfficeCalendars

ISSUED, REFERRED, REGISTERED = S.CERTIFICATE_ISSUED, S.REFERRED_TO_PBO, S.REGISTERED_IN_SAJAR
ISSUED_STATES = (ISSUED, REFERRED, REGISTERED)  # a case never leaves these once its certificate exists
SUBMITTED_STATES = tuple(s.code for s in PROCESS.states if s.code != PROCESS.initial)

# Histogram bins in working days (inclusive; None: no upper bound).
BINS: tuple[tuple[int, int | None], ...] = ((0, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 30), (31, None))
LOWER_BOUND_DAYS = 10  # the seed's best case ("10–25 working days depending on workload")
DEFAULT_TARGET_DAYS = 25  # the seed's target, for a case submitted without a target (none in practice)
# Open cases per expert when the case was submitted: [low, high) bands.
WORKLOAD_BANDS: tuple[tuple[int, int | None], ...] = ((0, 5), (5, 10), (10, 20), (20, 40), (40, None))
EXAMPLES = 20  # how many offending invoices or cases the report lists by name


# -- the period -------------------------------------------------------------------------------------

# -- pure figures -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Distribution:
    count: int
    bins: list[Bin]
    within_lower: int
    within_lower_share: float | None
    within_target: int
    within_target_share: float | None
    median: float | None
    p90: int | None
    mean: float | None
    maximum: int | None


def histogram(values: Iterable[int]) -> list[Bin]:
    return reporting.histogram(values, BINS)


def distribution(pairs: list[tuple[int, int]]) -> Distribution:
    """Summarise (days, target) pairs: histogram, shares within the lower bound and the target,
    median, 90th percentile (nearest rank), mean and maximum."""
    values = sorted(days for days, _target in pairs)
    n = len(values)
    within_lower = sum(1 for v in values if v <= LOWER_BOUND_DAYS)
    within_target = sum(1 for days, target in pairs if days <= target)
    return Distribution(
        count=n, bins=histogram(values),
        within_lower=within_lower, within_lower_share=share(within_lower, n),
        within_target=within_target, within_target_share=share(within_target, n),
        median=statistics.median(values) if values else None, p90=percentile(values, 90),
        mean=round(statistics.fmean(values), 1) if values else None, maximum=values[-1] if values else None,
    )


def workload_band(per_expert: float | None) -> int | None:
    """Index of the band in WORKLOAD_BANDS, or None when the workload was not recorded."""
    if per_expert is None:
        return None
    for i, (low, high) in enumerate(WORKLOAD_BANDS):
        if per_expert >= low and (high is None or per_expert < high):
            return i
    return None


def histogram_chart(bins: list[Bin], *, target: int = DEFAULT_TARGET_DAYS, rtl: bool = True) -> Chart:
    return reporting.histogram_chart(bins, target=target, rtl=rtl)


# -- the report ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class IssuedCase:
    case_id: int
    clock: int  # the SLA clock: working days with the organization
    from_first: int | None
    from_final: int | None
    target: int
    per_expert: float | None
    referral_status: str  # "" when no referral exists
    to_referred: int | None
    to_registered: int | None
    rounds: int = 0  # deficiency notices
    items: int = 0  # their items
    items_guided: int = 0
    notices_unguided: int = 0  # notices with an item lacking guidance


@dataclass(frozen=True)
class WorkloadRow:
    low: int | None
    high: int | None
    recorded: bool
    cases: int
    mean_days: float | None
    within_target_share: float | None


@dataclass(frozen=True)
class Deficiencies:
    cases: int
    rounds: list[tuple[int, int, float | None]]  # (rounds, cases, percent)
    mean_rounds: float | None
    notices: int
    notices_fully_guided: int
    notices_fully_guided_share: float | None
    items: int
    items_guided: int
    items_guided_share: float | None


@dataclass(frozen=True)
class Referrals:
    cases: int
    by_status: list[tuple[str, object, int]]  # (code, label, cases)
    pending: int
    failed: int
    missing: int
    referred: int
    referred_median: float | None
    referred_mean: float | None
    referred_max: int | None
    registered: int
    registered_median: float | None
    registered_mean: float | None
    registered_max: int | None


@dataclass(frozen=True)
class InquiryRow:
    source: InquirySource
    asked: int
    answered: int
    average_hours: float | None
    overdue: int
    sampled: int
    sampled_share: float | None


@dataclass(frozen=True)
class Inquiries:
    rows: list[InquiryRow]
    asked: int
    sampled: int
    sampled_share: float | None


@dataclass(frozen=True)
class FeeProblem:
    invoice_number: str
    tracking_number: str
    case_public_id: object
    charged: int
    expected: int | None  # None: no fee table row for the item on that day


@dataclass(frozen=True)
class Fees:
    paid: int
    correct: int
    incorrect: int
    unknown: int
    correct_share: float | None  # of the paid invoices
    problems: list[FeeProblem]


@dataclass(frozen=True)
class OutsideCase:
    tracking_number: str
    case_public_id: object
    authority: str  # "pbo" or "registration_province"


@dataclass(frozen=True)
class Jurisdiction:
    submitted: int
    inside: int
    inside_share: float | None
    outside: list[OutsideCase]


@dataclass(frozen=True)
class Departure:
    """A grant of an issued case that departs from the scoring result, with the approver's reason."""

    tracking_number: str
    case_public_id: object
    field_name: str
    requested: int
    supported: int | None
    granted: int | None
    direction: str  # rules.ABOVE or rules.BELOW
    direction_label: str
    reason: str


@dataclass(frozen=True)
class Departures:
    grants: int  # grants of the issued cases
    above: int
    below: int
    share: float | None  # departing grants among all grants (%)
    rows: list[Departure]  # the first EXAMPLES, newest decision first


@dataclass(frozen=True)
class ServiceReport:
    period: Period
    generated_at: dt.datetime
    issued: int
    targets: list[int]
    clock: Distribution
    from_first: Distribution
    from_final: Distribution
    workload: list[WorkloadRow]
    deficiencies: Deficiencies
    referrals: Referrals
    inquiries: Inquiries
    fees: Fees
    jurisdiction: Jurisdiction
    departures: Departures | None = None
    cases: list[IssuedCase] = field(repr=False, default_factory=list)

    @property
    def bin_rows(self) -> list[tuple[Bin, Bin, Bin]]:
        """The histogram of the three measures side by side, bin by bin."""
        return list(zip(self.clock.bins, self.from_first.bins, self.from_final.bins, strict=True))

    @property
    def target(self) -> int:
        """The target shown with the chart: the one every case shares (the seed's 25 otherwise)."""
        return self.targets[0] if len(self.targets) == 1 else DEFAULT_TARGET_DAYS


def _service_id() -> int:
    return Service.objects.values_list("pk", flat=True).get(code=SERVICE_CODE)


def per_expert(open_cases: int | None, experts: int | None) -> float | None:
    """`Application.open_cases_per_expert` from the two stored numbers (no model instance per row)."""
    if open_cases is None or not experts:
        return None
    return round(open_cases / experts, 1)


def issued_candidates(*, province_id: int, service_id: int, period: Period):
    """Cases that may have had their certificate issued in the period: in an issued state (a case never
    leaves them) and closed since the period began — `closed_at` is set by every final transition from
    the issue on, so it is never before the issue. The case queue index (province, service, state) finds them."""
    return Case.objects.filter(province_id=province_id, service_id=service_id, state__in=ISSUED_STATES,
                               closed_at__gte=period.start)


def issued_case_figures(*, province_id: int, service_id: int, period: Period, calendars=None) -> list[IssuedCase]:
    """The figures of each case whose `certificate_issued` event falls in the period.

    Three queries over the candidates, each one index probe per case: their issue, referral and registration
    events, their own columns, and their deficiency notices with items.
    """
    calendars = calendars or OfficeCalendars(province_id)
    candidates = issued_candidates(province_id=province_id, service_id=service_id, period=period)
    lookup = {"case__province_id": province_id, "case__service_id": service_id, "case__state__in": ISSUED_STATES,
              "case__closed_at__gte": period.start}
    instants: dict[tuple[int, str], dt.datetime] = {}
    events = CaseEvent.objects.filter(to_state__in=ISSUED_STATES, **lookup).order_by()
    rows = events.values_list("case_id", "to_state", "created_at")
    for case_id, to_state, created_at in rows.iterator(chunk_size=5000):
        key = (case_id, to_state)
        if key not in instants or created_at < instants[key]:
            instants[key] = created_at  # the first time the case reached the state
    start, end = period.start, period.end
    issued = {case_id for (case_id, state), at in instants.items() if state == ISSUED and start <= at < end}
    if not issued:
        return []
    columns = candidates.order_by().values_list(
        "pk", "office_id", "first_submitted_at", "submitted_at", "sla_banked_days", "sla_target_days",
        "qualification__open_cases_at_submission", "qualification__experts_at_submission",
        "qualification_referral__status",
    )
    out = []
    for (case_id, office_id, first_at, final_at, banked, target, open_cases, experts,
         referral_status) in columns.iterator(chunk_size=5000):
        if case_id not in issued:
            continue
        issued_at = instants[case_id, ISSUED]
        calendar = calendars(office_id)
        referred_at, registered_at = instants.get((case_id, REFERRED)), instants.get((case_id, REGISTERED))
        out.append(IssuedCase(
            case_id=case_id, clock=banked,
            from_first=calendar.count_working_days(first_at, issued_at) if first_at else None,
            from_final=calendar.count_working_days(final_at, issued_at) if final_at else None,
            target=target if target is not None else DEFAULT_TARGET_DAYS, per_expert=per_expert(open_cases, experts),
            referral_status=referral_status or "",
            to_referred=calendar.count_working_days(issued_at, referred_at) if referred_at else None,
            to_registered=calendar.count_working_days(issued_at, registered_at) if registered_at else None,
        ))
    by_id = {c.case_id: c for c in out}
    notices = (DeficiencyNotice.objects.filter(**lookup).order_by().values("case_id").annotate(
        n_rounds=Count("pk", distinct=True), n_items=Count("items"),
        n_guided=Count("items", filter=~Q(items__guidance="")),
        n_unguided=Count("pk", filter=Q(items__guidance=""), distinct=True),
    ).values_list("case_id", "n_rounds", "n_items", "n_guided", "n_unguided"))
    for case_id, rounds, items, guided, unguided in notices.iterator(chunk_size=5000):
        case = by_id.get(case_id)
        if case is not None:
            case.rounds, case.items, case.items_guided, case.notices_unguided = rounds, items, guided, unguided
    return out


def workload_rows(cases: list[IssuedCase]) -> list[WorkloadRow]:
    groups: dict[int | None, list[IssuedCase]] = {}
    for case in cases:
        groups.setdefault(workload_band(case.per_expert), []).append(case)
    rows = []
    for key in [*range(len(WORKLOAD_BANDS)), None]:
        members = groups.get(key, [])
        if key is None and not members:
            continue
        low, high = WORKLOAD_BANDS[key] if key is not None else (None, None)
        rows.append(WorkloadRow(
            low=low, high=high, recorded=key is not None, cases=len(members),
            mean_days=round(statistics.fmean(c.clock for c in members), 1) if members else None,
            within_target_share=share(sum(1 for c in members if c.clock <= c.target), len(members)),
        ))
    return rows


def deficiency_figures(cases: list[IssuedCase]) -> Deficiencies:
    """Rounds per issued case, and how many of their notices' items carry guidance for the applicant."""
    by_rounds = Counter(c.rounds for c in cases)
    n = len(cases)
    notices = sum(c.rounds for c in cases)
    items = sum(c.items for c in cases)
    guided = sum(c.items_guided for c in cases)
    fully = notices - sum(c.notices_unguided for c in cases)
    return Deficiencies(
        cases=n,
        rounds=[(r, by_rounds[r], share(by_rounds[r], n)) for r in sorted(by_rounds)],
        mean_rounds=round(statistics.fmean(c.rounds for c in cases), 2) if cases else None,
        notices=notices, notices_fully_guided=fully, notices_fully_guided_share=share(fully, notices),
        items=items, items_guided=guided, items_guided_share=share(guided, items),
    )


def referral_figures(cases: list[IssuedCase]) -> Referrals:
    statuses = Counter(c.referral_status for c in cases)
    referred = sorted(c.to_referred for c in cases if c.to_referred is not None)
    registered = sorted(c.to_registered for c in cases if c.to_registered is not None)
    return Referrals(
        cases=len(cases),
        by_status=[(s.value, s.label, statuses.get(s.value, 0)) for s in ReferralStatus],
        pending=statuses.get(ReferralStatus.PENDING, 0), failed=statuses.get(ReferralStatus.FAILED, 0),
        missing=statuses.get("", 0),
        referred=len(referred), referred_median=statistics.median(referred) if referred else None,
        referred_mean=round(statistics.fmean(referred), 1) if referred else None,
        referred_max=referred[-1] if referred else None,
        registered=len(registered), registered_median=statistics.median(registered) if registered else None,
        registered_mean=round(statistics.fmean(registered), 1) if registered else None,
        registered_max=registered[-1] if registered else None,
    )


def inquiry_figures(*, province_id: int, service_id: int, period: Period, now: dt.datetime) -> Inquiries:
    """Per source: asked, answered, average answer time, overdue now and picked at random — the figures
    of `inquiries.services.response_time_report`, for this service's cases and the period, in one query."""
    answered = Q(answered_at__isnull=False, sent_at__isnull=False)
    rows = (
        Inquiry.objects.filter(case__province_id=province_id, case__service_id=service_id,
                               created_at__gte=period.start, created_at__lt=period.end)
        .order_by().values("source_id")
        .annotate(
            asked=Count("pk"), answered=Count("pk", filter=answered),
            average=Avg(ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField()),
                        filter=answered),
            overdue=Count("pk", filter=~Q(status__in=INQUIRY_FINAL) & Q(due_at__lt=now)),
            sampled=Count("pk", filter=Q(sampled=True)),
        )
    )
    rows = list(rows)
    sources = InquirySource.objects.in_bulk([r["source_id"] for r in rows])
    out = []
    for r in rows:
        average = r["average"]
        hours = round(average.total_seconds() / 3600, 1) if average is not None else None
        out.append(InquiryRow(source=sources[r["source_id"]], asked=r["asked"], answered=r["answered"],
                              average_hours=hours, overdue=r["overdue"], sampled=r["sampled"],
                              sampled_share=share(r["sampled"], r["asked"])))
    out.sort(key=lambda row: row.source.name)
    asked = sum(r.asked for r in out)
    sampled = sum(r.sampled for r in out)
    return Inquiries(rows=out, asked=asked, sampled=sampled, sampled_share=share(sampled, asked))


def submitted_cases_queryset(*, province_id: int, service_id: int, period: Period):
    # `state IN (…)` lets the planner use case_queue_submitted_idx (province, service, state, first_submitted_at)
    # with a range on the submission instant for each state.
    return Case.objects.filter(province_id=province_id, service_id=service_id, state__in=SUBMITTED_STATES,
                               first_submitted_at__gte=period.start, first_submitted_at__lt=period.end).order_by()


class FeeTable:
    """The service's fee schedule in memory, answering as `payments.services.fee_schedule_in_force` does."""

    def __init__(self, service_id: int):
        self.rows: dict[str, list[tuple[dt.date, dt.date | None, int]]] = {}
        self.by_id: dict[int, tuple[dt.date, dt.date | None]] = {}
        schedule = FeeSchedule.objects.filter(service_id=service_id).values_list(
            "pk", "item_code", "valid_from", "valid_to", "amount_rials")
        for pk, item, valid_from, valid_to, amount in schedule:
            self.rows.setdefault(item, []).append((valid_from, valid_to, amount))
            self.by_id[pk] = (valid_from, valid_to)
        for rows in self.rows.values():
            rows.sort(key=lambda row: row[0], reverse=True)

    def amount(self, item: str, on: dt.date) -> int | None:
        for valid_from, valid_to, amount in self.rows.get(item, ()):
            if valid_from <= on and (valid_to is None or on <= valid_to):
                return amount
        return None

    def priced_on(self, created_at: dt.datetime, lines: list) -> dt.date:
        """The day the invoice was priced: its issue day, unless its lines name a schedule row not in force
        then (an invoice priced for another day, `invoice_for_case(on=…)`); then that row's first day."""
        on = local_date(created_at)
        for line in lines or ():
            validity = self.by_id.get(line.get("schedule_id")) if isinstance(line, dict) else None
            if validity and not (validity[0] <= on and (validity[1] is None or on <= validity[1])):
                return validity[0]
        return on


def submitted_case_figures(*, submitted, service_id: int) -> tuple[Fees, Jurisdiction]:
    """Fee correctness and jurisdiction of the submitted cases, in one pass over them and their invoices.

    Fees: each paid invoice against the fee table — one fee at the highest grade requested for the kind
    (`rules.fee_items`), at the amount in force when the invoice was priced. Jurisdiction: the §5.3 rule
    applied to the application as it stands now (an applicant may change it while correcting deficiencies).
    """
    table = FeeTable(service_id)
    rows = submitted.values_list(
        "pk", "data", "province_id", "organization_id", "organization__province_id", "tracking_number", "public_id",
        "invoices__status", "invoices__number", "invoices__total_rials", "invoices__created_at", "invoices__lines",
    )
    seen: set[int] = set()
    paid = correct = unknown = inside = 0
    fee_problems: list[FeeProblem] = []
    outside: list[OutsideCase] = []
    for (pk, data, province_id, organization_id, organization_province_id, tracking_number, public_id,
         status, number, total, created_at, lines) in rows.iterator(chunk_size=2000):
        data = data or {}
        grades = list(rules.requested_grades(data).values())
        if pk not in seen:  # one row per invoice: judge the case once
            seen.add(pk)
            decision = rules.jurisdiction(
                kind=data.get("kind", ""), contractor_type=data.get("contractor_type"), grades=grades,
                registered_in_province=organization_id is None or organization_province_id == province_id,
            )
            if decision.handled:
                inside += 1
            elif len(outside) < EXAMPLES:
                outside.append(OutsideCase(tracking_number or "", public_id, decision.authority))
        if status != InvoiceStatus.PAID:
            continue
        paid += 1
        on = table.priced_on(created_at, lines)
        items = rules.fee_items(kind=data.get("kind", ""), grades=grades)
        amounts = [table.amount(item, on) for item in items]
        expected = None if not items or None in amounts else sum(amounts)
        if expected is None:
            unknown += 1
        elif expected == total:
            correct += 1
            continue
        if len(fee_problems) < EXAMPLES:
            fee_problems.append(FeeProblem(number, tracking_number or "", public_id, total, expected))
    fees = Fees(paid=paid, correct=correct, incorrect=paid - correct - unknown, unknown=unknown,
                correct_share=share(correct, paid), problems=fee_problems)
    return fees, Jurisdiction(submitted=len(seen), inside=inside, inside_share=share(inside, len(seen)),
                              outside=outside)


def departure_figures(cases: list[IssuedCase]) -> Departures:
    """How often the approver granted other than the scoring tables support, and why (issue 17 point 4)."""
    grants = GradeGrant.objects.filter(case_id__in=[c.case_id for c in cases])
    counts = Counter(grants.values_list("scoring_departure", flat=True))
    rows = [Departure(g.case.tracking_number or "", g.case.public_id, g.field.name, g.requested_grade,
                      g.supported_grade, g.granted_grade, g.scoring_departure, str(g.get_scoring_departure_display()),
                      g.reason)
            for g in grants.exclude(scoring_departure="").select_related("case", "field")
            .order_by("-decided_at", "pk")[:EXAMPLES]]
    total = sum(counts.values())
    above, below = counts.get(rules.ABOVE, 0), counts.get(rules.BELOW, 0)
    return Departures(grants=total, above=above, below=below, share=share(above + below, total), rows=rows)


def service_report(*, province_id: int, period: Period | None = None, now: dt.datetime | None = None) -> ServiceReport:
    """The §5.12 figures of service 4 for a province and a period of certificate issuance."""
    period = period or default_period()
    now = now or timezone.now()
    service_id = _service_id()
    calendars = OfficeCalendars(province_id)
    cases = issued_case_figures(province_id=province_id, service_id=service_id, period=period, calendars=calendars)
    submitted = submitted_cases_queryset(province_id=province_id, service_id=service_id, period=period)
    fees, jurisdiction = submitted_case_figures(submitted=submitted, service_id=service_id)
    return ServiceReport(
        period=period, generated_at=now, issued=len(cases), targets=sorted({c.target for c in cases}),
        clock=distribution([(c.clock, c.target) for c in cases]),
        from_first=distribution([(c.from_first, c.target) for c in cases if c.from_first is not None]),
        from_final=distribution([(c.from_final, c.target) for c in cases if c.from_final is not None]),
        workload=workload_rows(cases),
        deficiencies=deficiency_figures(cases),
        referrals=referral_figures(cases),
        inquiries=inquiry_figures(province_id=province_id, service_id=service_id, period=period, now=now),
        fees=fees, jurisdiction=jurisdiction,
        departures=departure_figures(cases),
        cases=cases,
    )
