"""The one answer to "may this person do X on this case now?".

Built from the process declaration (its transitions, its record-only acts, its assigners and document issuers)
and the person's roles on the case (`cases.access.actor_roles`). The case page, the services' panels, the API and
the engine's writes (`case_transition`, `case_act` and the platform's own writes) all ask `refusal` or
`case_abilities`, so a button cannot be shown for what the write would refuse, nor the other way round.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.cases.access import applicant_side, staff_roles_for_case
from khedmat.cases.models import Case
from khedmat.cases.process import APPLICANT, SYSTEM, Act, Process, Transition
from khedmat.core.exceptions import ApplicationError


def staff_roles(case: Case, user) -> set[str]:
    """The staff roles that count on this case: none before it is submitted (staff see submitted cases only)."""
    return staff_roles_for_case(case, user) if case.tracking_number and user is not None else set()


def roles_of(case: Case, user) -> set[str]:
    """The roles `user` acts in on this case; the task worker (user None) acts as SYSTEM."""
    if user is None:
        return {SYSTEM}
    roles = staff_roles(case, user)
    if applicant_side(case, user):
        roles.add(APPLICANT)
    return roles


def guard_message(case: Case, action: Transition | Act) -> str:
    """The first guard's refusal, or "" when every guard lets the action through."""
    for guard in action.guards:
        message = guard(case)
        if message:
            return str(message)
    return ""


def refusal(case: Case, roles: set[str], action: Transition | Act, *, expected_version: int | None = None,
            comment: str | None = None, guards: bool = True) -> ApplicationError | None:
    """Why the person holding `roles` may not take `action` now (an ApplicationError to raise), or None.
    The order is the engine's: state (or a stale page), role, the reason asked for, the guards."""
    if case.state not in action.states:
        if expected_version is not None:
            return stale()
        return ApplicationError(
            _("This action is not possible while the case is “%(state)s”.") % {"state": case.state_def.label},
            code="wrong_state",
        )
    if not roles.intersection(action.roles):
        return ApplicationError(_("You are not allowed to take this action on this case."), code="forbidden")
    if comment is not None and action.comment_required and not comment.strip():
        return ApplicationError(_("Write the reason for this action."), code="comment_required")
    if guards:
        message = guard_message(case, action)
        if message:
            return ApplicationError(message, code="guard")
    return None


def stale() -> ApplicationError:
    return ApplicationError(
        _("This case was changed by someone else after you opened it. Nothing was saved; please look at it again."),
        code="stale",
    )


@dataclass(eq=False)
class Ability:
    """One thing the person may be offered on the case now: a transition, an act or a platform ability."""

    name: str
    label: object
    kind: str  # "transition", "act" or "platform"
    transition: Transition | None = None
    # The guards, asked only when someone wants to know (a page asks for its buttons, a service for one act):
    # guards query the database, and most of what is offered is never asked about on a given page.
    check: Callable[[], str] | None = field(default=None, repr=False)

    @cached_property
    def blocked(self) -> str:
        """A guard's reason when it is offered but cannot be taken yet ("" when it can)."""
        return self.check() if self.check is not None else ""

    @property
    def style(self) -> str:
        return self.transition.style if self.transition is not None else "secondary"

    @property
    def internal(self) -> bool:
        return self.transition.internal if self.transition is not None else True


@dataclass
class Abilities:
    roles: frozenset[str]
    staff: bool  # the person works on the case as staff (the staff view of the page)
    applicant: bool  # the person is the applicant or acts for the applicant's organization
    offers: dict[str, Ability] = field(default_factory=dict)  # by name; role and state allow it

    def offered(self, name: str) -> bool:
        """Role and state allow it (a guard may still block it: see `blocked`)."""
        return name in self.offers

    def may(self, name: str) -> bool:
        """The person may do it now: role, state and every guard."""
        ability = self.offers.get(name)
        return ability is not None and not ability.blocked

    def blocked(self, name: str) -> str:
        ability = self.offers.get(name)
        return ability.blocked if ability is not None else ""

    # Django templates cannot call a method with an argument: the same answers as mappings, each guard asked only
    # for the name looked up (`abilities.can.binder_receive`).
    @property
    def can(self) -> Mapping[str, bool]:
        return _Answers(self.offers, lambda ability: not ability.blocked, False)

    @property
    def blocked_reason(self) -> Mapping[str, str]:
        return _Answers(self.offers, lambda ability: ability.blocked, "")

    @property
    def buttons(self) -> list[Ability]:
        """Transitions offered as a plain button (the way forward)."""
        return [a for a in self.offers.values() if a.kind == "transition" and not a.internal and a.style != "danger"]

    @property
    def danger_buttons(self) -> list[Ability]:
        """Rejections and the like, which stand apart behind a confirmation."""
        return [a for a in self.offers.values() if a.kind == "transition" and not a.internal and a.style == "danger"]



class _Answers(Mapping):
    """A read-only view of the offers answering one question per name, lazily; a name not offered gets `missing`."""

    def __init__(self, offers: dict[str, Ability], answer: Callable[[Ability], object], missing):
        self._offers, self._answer, self._missing = offers, answer, missing

    def __getitem__(self, name):
        ability = self._offers.get(name)
        return self._missing if ability is None else self._answer(ability)

    def __iter__(self):
        return iter(self._offers)

    def __len__(self):
        return len(self._offers)


def _platform(case: Case, user, process: Process, roles: set[str], staff: set[str], applicant: bool) -> dict[str, str]:
    """The platform's own abilities: name → "" (or a reason it is blocked)."""
    open_ = case.closed_at is None
    offers: dict[str, str] = {}
    if applicant and APPLICANT in case.state_def.actors:
        # The applicant changes the case's data and documents while the case is with them; the form itself is
        # offered on the page only before submission (afterwards the deficiency notice says what to change).
        offers["edit"] = ""
        offers["upload"] = ""
    if staff and open_:
        offers["scan"] = ""  # documents of a paper binder, scanned by the staff handling the case
        if case.assigned_to_id != getattr(user, "pk", None) and staff.intersection(case.state_def.actors):
            offers["claim"] = ""
        if staff.intersection(process.assigners):
            offers["assign"] = ""
    if staff and case.tracking_number and staff.intersection(process.document_issuers):
        offers["issue_documents"] = ""
    if process.deficiency_transition:
        deficiency = process.transition(process.deficiency_transition)
        if case.state in deficiency.sources and roles.intersection(deficiency.roles):
            offers["issue_deficiency"] = ""
    if staff:
        offers["note"] = ""
    if staff or applicant:
        offers["message"] = ""
    return offers


PLATFORM_LABELS = {
    "edit": gettext_lazy("Change the application form"),
    "upload": gettext_lazy("Upload documents"),
    "scan": gettext_lazy("Add a scanned document"),
    "claim": gettext_lazy("Take this case"),
    "assign": gettext_lazy("Assign"),
    "issue_documents": gettext_lazy("Issue a document"),
    "issue_deficiency": gettext_lazy("Write a deficiency notice"),
    "note": gettext_lazy("Internal note"),
    "message": gettext_lazy("Message"),
}


def case_abilities(*, case: Case, user) -> Abilities:
    """What `user` may do on `case` now. Memoised on the case object for its version and this person, so a page
    and its service panel ask once (guards query the database)."""
    key = (case.version, case.state, getattr(user, "pk", None))
    cache = case.__dict__.setdefault("_abilities", {})
    if key in cache:
        return cache[key]
    process = case.process
    staff = staff_roles(case, user)
    applicant = user is not None and applicant_side(case, user)
    roles = roles_of(case, user)
    abilities = Abilities(roles=frozenset(roles), staff=bool(staff), applicant=applicant)
    for action in (*process.transitions, *process.acts):
        if refusal(case, roles, action, guards=False) is None:
            is_transition = isinstance(action, Transition)
            abilities.offers[action.name] = Ability(
                name=action.name, label=action.label, kind="transition" if is_transition else "act",
                transition=action if is_transition else None,
                check=partial(guard_message, case, action) if action.guards else None)
    for name, blocked in _platform(case, user, process, roles, staff, applicant).items():
        abilities.offers[name] = Ability(name=name, label=PLATFORM_LABELS[name], kind="platform",
                                         check=(lambda reason=blocked: reason) if blocked else None)
    cache[key] = abilities
    return abilities


def platform_refusal(case: Case, user, name: str) -> ApplicationError | None:
    """Why the platform refuses `name` (a platform ability) to `user` now, or None — for the engine's own writes."""
    if case_abilities(case=case, user=user).offered(name):
        return None
    messages = {
        "edit": (_("The case cannot be changed in its current state."), "not_editable"),
        "upload": (_("The case cannot be changed in its current state."), "not_editable"),
        "scan": (_("Only the staff handling this case can add scanned documents."), "not_staff"),
        "claim": (_("This case is not waiting for your role."), "not_your_queue"),
        "assign": (_("Only a unit head can assign cases."), "forbidden"),
        "note": (_("Only staff can write internal notes."), "forbidden"),
        "message": (_("You cannot write on this case."), "forbidden"),
        "issue_documents": (_("You are not allowed to take this action on this case."), "forbidden"),
        "issue_deficiency": (_("You are not allowed to take this action on this case."), "forbidden"),
    }
    if name in ("edit", "upload") and not applicant_side(case, user):
        return ApplicationError(_("Only the applicant can change this case."), code="not_applicant")
    message, code = messages[name]
    return ApplicationError(message, code=code)
