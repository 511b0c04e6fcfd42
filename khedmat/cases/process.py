"""Processes as data: each service declares its states, transitions, roles, guards and clock rules
in one module (`khedmat/services/<service>/workflow.py`) and registers it here. The engine
(`khedmat.cases.services.case_transition`) is the only code that moves a case between states.

Framework-light on purpose: no ORM queries, so a process module reads as a declaration.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from khedmat.accounts.roles import StaffRole

if TYPE_CHECKING:  # pragma: no cover
    from khedmat.cases.models import Case

APPLICANT = "applicant"  # the pseudo-role of the person (or organization) who owns the case
SYSTEM = "system"  # the pseudo-role of the task worker acting on its own (by=None), e.g. a registry's answer


class Clock(StrEnum):
    """Whose time a state is (SERVICES.md §8.1)."""

    NOT_STARTED = "not_started"  # drafts: the clock has not started
    ORGANIZATION = "organization"  # with staff, a committee or the system: the SLA clock runs
    APPLICANT = "applicant"  # waiting for the applicant (deficiencies, payment): paused
    THIRD_PARTY = "third_party"  # waiting for another body (inquiries): paused unless the service says otherwise
    STOPPED = "stopped"  # final states


# A guard returns None when the transition may happen, or a translated message saying why not.
Guard = Callable[["Case"], Any]

# What the platform itself lets a person do on a case, beside the process's transitions and acts
# (`cases.abilities`); a process may not reuse these names.
PLATFORM_ABILITIES = ("edit", "upload", "scan", "claim", "assign", "issue_documents", "issue_deficiency", "note",
                      "message")


@dataclass(frozen=True)
class State:
    code: str
    label: Any  # lazy translation
    clock: Clock
    # Who is expected to act in this state: staff roles or APPLICANT. Drives queues and dashboards.
    actors: tuple[str, ...] = ()
    # Shown to the applicant as "what is expected of you" (lazy translation), if anything.
    applicant_hint: Any = ""

    @property
    def is_final(self) -> bool:
        return self.clock == Clock.STOPPED


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False
    # Who hears about it: "applicant" and/or staff roles of the target state.
    notify_applicant: bool = False
    # A transition the engine runs through a dedicated service (submission, deficiency notice,
    # resubmission) is not offered as a plain button.
    internal: bool = False
    style: str = "primary"  # "primary", "secondary" or "danger" — for the button
    # The decision (a `Decision` value) this transition records, when its target state does not say it: a
    # move into one of the process's `refusal_states` is a rejection without saying so.
    decision: str = ""
    # For an internal transition: the dotted path of the service function that runs it (a test imports it).
    runs: str = ""

    @property
    def states(self) -> tuple[str, ...]:
        return self.sources


@dataclass(frozen=True)
class Act:
    """A record-only act: done in `states` by `roles`, it moves no state and is written on the case's timeline
    (receive a binder, review a section, record a supervision visit). The service function named by `runs`
    performs it inside `cases.services.case_act`, which checks role, state and guards like a transition."""

    name: str
    label: Any
    states: tuple[str, ...]
    roles: tuple[str, ...]
    runs: str
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False
    internal: bool = True  # acts have their own forms; never a plain button
    style: str = "secondary"


@dataclass(frozen=True)
class DocumentRequirement:
    code: str
    label: Any
    required: bool = True
    allowed_types: frozenset[str] = frozenset({"application/pdf", "image/png", "image/jpeg"})
    max_bytes: int = 10 * 1024 * 1024
    group: str = ""  # a label such as the seed's «الف»


class Decision(StrEnum):
    """What a committee or council may decide on an agenda item (SERVICES.md §7)."""

    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    RETURN = "return"  # back to the applicant for deficiencies
    REJECT = "reject"


@dataclass(frozen=True)
class CommitteeStep:
    """A state in which a case waits for a collective decision. The committees app builds agendas
    from cases in `state` and, once the minutes are confirmed, moves each case by the transition
    its decision names (decision value → transition name; a decision left out cannot be taken)."""

    state: str
    committee_kind: str  # e.g. "accreditation_committee" (SERVICES.md §1.2)
    decisions: tuple[tuple[str, str], ...]
    invite_applicant: bool = False  # e.g. the institute's CEO (service 2, step ۲۰)

    def transition_for(self, decision: str) -> str:
        return dict(self.decisions).get(decision, "")


@dataclass(frozen=True)
class AppointmentKind:
    """A meeting with the applicant about one case: a field visit, a briefing session (licence delivery)."""

    code: str
    label: Any
    states: tuple[str, ...]  # the case states in which staff may propose it
    staff_roles: tuple[str, ...] = (StaffRole.EXPERT,)
    # How many times the applicant may ask for another slot (0: not allowed).
    reschedule_allowed: int = 0
    # The scoring scheme (reference data, by code) the visit report fills in; "" = notes and photos only.
    report_scheme: str = ""
    # Optional transition the engine runs when the report is recorded (e.g. visit_scheduled → visited).
    done_transition: str = ""


@dataclass(frozen=True)
class SummaryRow:
    """One answer on the "check your answers" page: what was asked, what was answered, and where to change it."""

    label: Any
    value: Any
    change_url: str = ""


@dataclass(frozen=True)
class SummarySection:
    title: Any
    rows: tuple[SummaryRow, ...] = ()
    change_url: str = ""  # a change link for the whole section (e.g. a list of people)
    empty: Any = ""  # shown when there is no row


@dataclass(frozen=True)
class Process:
    """The whole declaration of one service's case process."""

    service_code: str
    version: int
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    submit_transition: str
    # Record-only acts, declared beside the transitions.
    acts: tuple[Act, ...] = ()
    # Who may hand a case to a colleague (and to whom), and who may issue an official document on it
    # (`cases.abilities`).
    assigners: tuple[str, ...] = (StaffRole.UNIT_HEAD,)
    assignees: tuple[str, ...] = (StaffRole.EXPERT,)  # whom the assign form lists
    document_issuers: tuple[str, ...] = (StaffRole.UNIT_HEAD, StaffRole.HEAD)
    form_class: str = ""  # dotted path of the Django form for the case data
    # A service's own part of the case page: a template included there, and a function
    # (case, user, staff_view) -> dict giving its context. Platform code never imports the service.
    case_panel_template: str = ""
    case_panel_context: Callable[..., dict] | None = None
    # Optional: the service's forms for the current state (same `panel` context), shown first on the case page
    # under "What you can do now" when the panel's context says `has_actions` (issue 16 point 10).
    case_actions_template: str = ""
    # The "check your answers" page before submission: (case, default sections, change) -> sections, where the
    # default sections are the application form's answers and the documents, and change(url) adds the way back
    # to the check page to a link. None keeps the default (issue 16 point 11).
    summary_sections: Callable[..., list] | None = None
    # The service's own staff pages for the staff desk: ((label, url name), ...) or `core.desk.DeskLink`s
    # (to name whose work a page is, or who lands there after login), with a short description. The desk
    # shows a link only to the people its view admits.
    staff_links: tuple[Any, ...] = ()
    staff_links_description: Any = ""
    documents: tuple[DocumentRequirement, ...] = ()
    # Which checklist documents this applicant must upload, when it depends on the case (a legal person,
    # a consultant, the grades asked for): case -> set of codes. Unset: the `required` flags. The checklist
    # label, the submission guard and the review all ask `required_document_codes`, so they cannot disagree.
    required_documents: Callable[["Case"], set[str]] | None = None
    # Final states that refuse the application: entering one is a rejection, which the applicant receives
    # as a numbered letter with the reasons and how to object (`cases.signals.case_decided`).
    refusal_states: tuple[str, ...] = ("rejected",)
    # The measurable commitment of the SLA statement whose target (working days) the clock uses.
    sla_commitment: str = ""
    warning_ratio: float = 0.8
    # Inquiries sent automatically on submission: [{"source", "subject", "declared", "label"}].
    inquiries: Callable[["Case"], list[dict]] | None = None
    # The inquiry sources (codes of the reference data) staff may ask on a case of this service; None: every
    # source in use (a process that declares none). The inquiry form offers only these (issue 17 point 7).
    inquiry_sources: tuple[str, ...] | None = None
    # Checklist documents that may be picked at random for a written inquiry to their issuer.
    written_inquiry_documents: tuple[str, ...] = ()
    # The fee items (codes of the fee schedule) a case owes, or None for a free service.
    fee: Callable[["Case"], list[str]] | None = None
    # The rule run on what the applicant declares (at creation, on every change of the case data, and
    # before an invoice): (data=, organization=, province=) -> None, or a translated message saying who
    # is competent instead. A service that sets it has its declaration form shown when a case is opened.
    declaration: Callable[..., Any] | None = None
    deficiency_transition: str = ""
    resubmit_transition: str = ""
    committee_steps: tuple[CommitteeStep, ...] = ()
    appointment_kinds: tuple[AppointmentKind, ...] = ()
    description: Any = ""
    _by_state: dict = field(default_factory=dict, compare=False, repr=False)

    def required_document_codes(self, case: Case) -> set[str]:
        """The one rule that decides whether a checklist document is required for this case."""
        if self.required_documents is not None:
            return set(self.required_documents(case))
        return {d.code for d in self.documents if d.required}

    def documents_for(self, case: Case) -> tuple[DocumentRequirement, ...]:
        """The checklist with each `required` flag decided for this case (what the page shows)."""
        required = self.required_document_codes(case)
        return tuple(replace(d, required=d.code in required) for d in self.documents)

    def __post_init__(self) -> None:
        codes = [s.code for s in self.states]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{self.service_code}: duplicate state codes")
        if self.initial not in codes:
            raise ValueError(f"{self.service_code}: unknown initial state {self.initial}")
        names = [t.name for t in self.transitions]
        acts = [a.name for a in self.acts]
        if len(names) + len(acts) != len(set(names) | set(acts)):
            raise ValueError(f"{self.service_code}: duplicate transition or act names")
        if (set(names) | set(acts)) & set(PLATFORM_ABILITIES):
            raise ValueError(f"{self.service_code}: a transition or act uses a platform ability's name")
        for act in self.acts:
            if set(act.states) - set(codes):
                raise ValueError(f"{self.service_code}: act {act.name} names unknown states")
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - set(codes)
            if unknown:
                raise ValueError(f"{self.service_code}: transition {t.name} names unknown states {unknown}")
        for name in (self.submit_transition, self.deficiency_transition, self.resubmit_transition):
            if name and name not in names:
                raise ValueError(f"{self.service_code}: unknown transition {name}")
        for step in self.committee_steps:
            if step.state not in codes:
                raise ValueError(f"{self.service_code}: committee step names unknown state {step.state}")
            for decision, name in step.decisions:
                if decision not in set(Decision) or name not in names:
                    raise ValueError(f"{self.service_code}: committee decision {decision} → {name} is not valid")
        for kind in self.appointment_kinds:
            if set(kind.states) - set(codes) or (kind.done_transition and kind.done_transition not in names):
                raise ValueError(f"{self.service_code}: appointment kind {kind.code} names unknown states or "
                                 f"transitions")
        # Internal transitions the platform runs name their function here, so a declaration states only its own.
        platform_runs = {self.submit_transition: "khedmat.cases.services.case_submit",
                         self.deficiency_transition: "khedmat.cases.services.deficiency_notice_issue",
                         self.resubmit_transition: "khedmat.cases.services.case_resubmit"}
        platform_runs |= {name: "khedmat.committees.services.minutes_confirm"
                          for step in self.committee_steps for _decision, name in step.decisions}
        platform_runs |= {kind.done_transition: "khedmat.appointments.services.visit_report_record"
                          for kind in self.appointment_kinds if kind.done_transition}
        object.__setattr__(self, "transitions", tuple(
            replace(t, runs=platform_runs[t.name]) if t.internal and not t.runs and t.name in platform_runs else t
            for t in self.transitions))
        object.__setattr__(self, "_by_state", {s.code: s for s in self.states})

    def declaration_check(self, *, data: dict | None, organization=None, province=None):
        """None when the declared request may be handled here (or nothing is declared yet), else a message."""
        if self.declaration is None or not data:
            return None
        return self.declaration(data=data, organization=organization, province=province)

    def state(self, code: str) -> State:
        return self._by_state[code]

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(name)

    def act(self, name: str) -> Act:
        for a in self.acts:
            if a.name == name:
                return a
        raise KeyError(name)

    def action(self, name: str) -> Transition | Act:
        """A transition or an act by name (KeyError if neither)."""
        for candidate in (*self.transitions, *self.acts):
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def roles(self) -> set[str]:
        """Every role the declaration names (states' actors, transitions and acts), APPLICANT and SYSTEM included."""
        return ({r for s in self.states for r in s.actors} | {r for t in self.transitions for r in t.roles}
                | {r for a in self.acts for r in a.roles})

    def decision_of(self, transition: Transition, data: dict | None = None) -> str:
        """The decision a transition records, if it is one (a `Decision` value), else "": the transition's
        own, the committee's (``data["decision"]``), or a rejection for a move into a refusal state."""
        if transition.decision:
            return transition.decision
        if data and data.get("decision") in set(Decision):
            return data["decision"]
        return Decision.REJECT.value if transition.target in self.refusal_states else ""

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def document(self, code: str) -> DocumentRequirement:
        for d in self.documents:
            if d.code == code:
                return d
        raise KeyError(code)

    def committee_step(self, state: str) -> CommitteeStep | None:
        return next((step for step in self.committee_steps if step.state == state), None)

    def appointment_kind(self, code: str) -> AppointmentKind | None:
        return next((kind for kind in self.appointment_kinds if kind.code == code), None)

    def states_for_actor(self, roles: set[str]) -> list[str]:
        return [s.code for s in self.states if roles.intersection(s.actors)]


# (service code, version) → Process. A case keeps the version it started with; a new version of a
# process is registered beside the old one, and moving open cases to it is an explicit act.
_REGISTRY: dict[tuple[str, int], Process] = {}


def register(process: Process) -> Process:
    _REGISTRY[(process.service_code, process.version)] = process
    return process


def unregister(service_code: str) -> None:
    for key in [k for k in _REGISTRY if k[0] == service_code]:
        del _REGISTRY[key]


def get_process(service_code: str, version: int | None = None) -> Process:
    if version is None:
        versions = [v for (code, v) in _REGISTRY if code == service_code]
        if not versions:
            raise LookupError(f"no process registered for service {service_code!r}")
        version = max(versions)
    try:
        return _REGISTRY[(service_code, version)]
    except KeyError as exc:
        raise LookupError(f"no process {service_code!r} version {version}") from exc


def has_process(service_code: str) -> bool:
    return any(code == service_code for code, _v in _REGISTRY)


def registered() -> list[Process]:
    """The latest version of every registered process."""
    latest: dict[str, Process] = {}
    for (code, _version), process in sorted(_REGISTRY.items()):
        latest[code] = process
    return list(latest.values())
