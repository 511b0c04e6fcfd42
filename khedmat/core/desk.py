"""The staff desk: one declarative list of staff pages, each shown to the roles whose work it is and
only when the page's own guard admits the person (so a desk link never answers 403/404).

A view records its guard as `view.admits(user) -> bool` (`accounts.decorators.staff_required` does
it; `admits_when` below for views with another rule). A `DeskLink` narrows by `roles` (held for
`service_code`, or in any service when None); the desk shows a link when both say yes. After login a
staff member lands on the first link that names one of their roles in `lands` (by `LANDING_ORDER`),
else on the desk. Core imports no other app: links name URLs, and apps add theirs with
`register_links` (the cases app adds each process's `staff_links`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _

from khedmat.core.admin import is_administrator
from khedmat.core.roles import StaffRole as R


@dataclass(frozen=True)
class DeskLink:
    url_name: str
    label: Any
    description: Any = ""
    roles: tuple[str, ...] = ()  # whose work it is; empty: every staff member the page admits
    service_code: str | None = None  # the roles must be held in this service (None: in any)
    lands: tuple[str, ...] = ()  # roles that land here after login
    section: Any = ""  # cards with the same section are shown together (a service's pages)
    superuser: bool = True  # a superuser sees it whatever `roles` says

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def admits_when(rule: Callable[[Any], bool]):
    """Record a view's own access rule so the desk shows its link to exactly the people it admits; on a
    view already guarded (`staff_required`), both rules must say yes. The view itself must apply it."""

    def decorator(view):
        before = getattr(view, "admits", None)
        view.admits = rule if before is None else (lambda user: before(user) and rule(user))
        return view

    return decorator


# Which role's landing wins when a person holds several (the most specific work first).
LANDING_ORDER = (R.EXPERT, R.UNIT_HEAD, R.COMMITTEE_SECRETARY, R.COMMITTEE_MEMBER, R.FINANCE, R.DEPUTY, R.HEAD,
                 R.ADMINISTRATOR)

QUEUE_ROLES = (R.EXPERT, R.UNIT_HEAD, R.COMMITTEE_SECRETARY, R.DEPUTY, R.HEAD, R.ADMINISTRATOR)
FINANCE_ROLES = (R.FINANCE, R.UNIT_HEAD, R.HEAD, R.ADMINISTRATOR)

LINKS: tuple[DeskLink, ...] = (
    DeskLink("staff-cases:queue", _("Work queue"),
             _("Cases of your province waiting for your role, with their deadlines."),
             roles=QUEUE_ROLES, lands=(R.EXPERT, R.UNIT_HEAD)),
    DeskLink("committees:mine", _("Committee sessions"),
             _("Sessions of your committees: agenda, attendance, votes, decisions and minutes."),
             lands=(R.COMMITTEE_SECRETARY, R.COMMITTEE_MEMBER)),
    DeskLink("finance:list", _("Payments"), _("Payments of your province, by status."),
             roles=FINANCE_ROLES, lands=(R.FINANCE,)),
    DeskLink("finance:reconciliation", _("Reconciliation"), _("Payments checked against the bank, by period."),
             roles=FINANCE_ROLES),
    DeskLink("finance:refused-callbacks", _("Refused returns from the bank"),
             _("Returns from the bank that were refused, kept for checking."), roles=FINANCE_ROLES),
    DeskLink("staff-documents:list", _("Official documents"),
             _("Certificates, licences and letters: suspend, revoke or re-issue."),
             roles=(R.EXPERT, R.UNIT_HEAD, R.COMMITTEE_SECRETARY, R.DEPUTY, R.HEAD, R.ADMINISTRATOR)),
    DeskLink("inquiries:overview", _("Inquiries"), _("Open and overdue inquiries, and answer times by source."),
             roles=(R.EXPERT, R.UNIT_HEAD, R.DEPUTY, R.HEAD, R.ADMINISTRATOR)),
    DeskLink("appointments:staff-list", _("My upcoming appointments"),
             _("Field visits and briefing sessions you attend, with their reports."), roles=(R.EXPERT, R.UNIT_HEAD)),
    DeskLink("staff-cases:processes", _("Processes"), _("The steps of each service, drawn from its declaration.")),
    DeskLink("staff-organizations:list", _("Organizations of the province"),
             _("Companies, institutes and agencies registered in your province, and who acts for them."),
             roles=(R.EXPERT, R.UNIT_HEAD, R.DEPUTY, R.HEAD, R.ADMINISTRATOR)),
    DeskLink("staff-calendar:calendar", _("Working-day calendar"),
             _("Holidays, closures and a calculator for deadlines in working days.")),
    DeskLink("accounts:totp-setup", _("Second factor"), _("Use an authenticator app instead of SMS codes to log in.")),
    DeskLink("admin:index", _("Administration"),
             _("Service catalog, SLA statements, calendar, users, roles and organizations."), roles=(R.ADMINISTRATOR,)),
)

_providers: list[Callable[[], Iterable[DeskLink]]] = []


def register_links(provider: Callable[[], Iterable[DeskLink]]) -> None:
    """An app adds desk links computed at request time (after every app is ready)."""
    if provider not in _providers:
        _providers.append(provider)


def all_links() -> list[DeskLink]:
    links = list(LINKS)
    for provider in _providers:
        links.extend(provider())
    return links


@lru_cache(maxsize=256)
def _view_rule(url_name: str):
    try:
        func = resolve(reverse(url_name)).func
    except NoReverseMatch:
        return None
    if url_name == "admin:index":
        return is_administrator
    return getattr(func, "admits", None)


def page_admits(user, url_name: str) -> bool:
    """The target page's own guard (True when the page records none: it admits every signed-in person)."""
    rule = _view_rule(url_name)
    return rule is None or bool(rule(user))


def link_visible(user, link: DeskLink) -> bool:
    if not (user.is_authenticated and user.is_staff_member):
        return False
    if link.roles and not (link.superuser and user.is_superuser) \
            and not user.has_role(*link.roles, service_code=link.service_code):
        return False
    return page_admits(user, link.url_name)


def desk_links(user) -> list[DeskLink]:
    """The links the person's desk shows, in the list's order."""
    return [link for link in all_links() if link_visible(user, link)]


def desk_cards(user) -> list[tuple[Any, Any, list[tuple[Any, str]]]]:
    """The desk as cards: (title, description, [(label, url)]); a section's links share one card."""
    cards: list = []
    by_section: dict = {}
    for link in desk_links(user):
        if not link.section:
            cards.append((link.label, link.description, [(_("Open"), link.url)]))
        elif link.section in by_section:
            by_section[link.section][2].append((link.label, link.url))
        else:
            by_section[link.section] = (link.section, link.description, [(link.label, link.url)])
            cards.append(by_section[link.section])
    return cards


def landing_url(user) -> str | None:
    """Where a staff member's work starts after login: their role's page, else the desk (None: not staff)."""
    if not (user.is_authenticated and user.is_staff_member):
        return None
    visible = desk_links(user)
    held = user.role_set
    for role in LANDING_ORDER:
        if role not in held:
            continue
        for link in visible:
            if role in link.lands:
                return link.url
        if role == R.ADMINISTRATOR:
            break
    return reverse("core:staff-home")
