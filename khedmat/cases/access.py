"""Who may see and act on a case. Every case fetch for a person goes through `case_get_for_user`."""
from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from khedmat.accounts.roles import OVERSIGHT_ROLES, READER_SCOPED_ROLES
from khedmat.cases.models import Case
from khedmat.cases.process import APPLICANT
from khedmat.organizations.selectors import acting_memberships

# Read access granted by other platform apps (e.g. committee members to the cases on their agenda):
# functions (case, user) -> bool, registered in their AppConfig.ready. Only read views ask for them.
_READERS: list[Callable[[Case, object], bool]] = []


def register_reader(rule: Callable[[Case, object], bool]) -> None:
    if rule not in _READERS:
        _READERS.append(rule)


def reader_access(case: Case, user) -> bool:
    return bool(case.tracking_number) and user.is_authenticated and any(rule(case, user) for rule in _READERS)


# OVERSIGHT_ROLES see every case of their province without acting in a particular state. READER_SCOPED_ROLES
# count on a case only where a reader rule admits the person (the committee secretary works on the cases of
# her committee's agendas and waiting list, not on every case of a process that names her role).


def _organization_ids(user) -> list[int]:
    cached = getattr(user, "_case_org_ids", None)
    if cached is None:
        # Only organizations whose claim is verified: an unverified registration acts for nothing.
        cached = list(acting_memberships(user=user).values_list("organization_id", flat=True))
        user._case_org_ids = cached
    return cached


def applicant_side(case: Case, user) -> bool:
    if not user.is_authenticated:
        return False
    return case.applicant_id == user.pk or (
        case.organization_id is not None and case.organization_id in _organization_ids(user))


def staff_roles_for_case(case: Case, user) -> set[str]:
    """The staff roles `user` holds that count on this case: same province, roles the process uses, held
    for the case's service (or every service); committee roles only on the cases a reader rule gives them."""
    if not user.is_authenticated or not user.is_staff_member or user.province_id != case.province_id:
        return set()
    process = case.process
    used = {role for s in process.states for role in s.actors} | {r for t in process.transitions for r in t.roles}
    roles = set(user.roles_for_service(process.service_code)) & ((used - {APPLICANT}) | OVERSIGHT_ROLES)
    if roles & READER_SCOPED_ROLES and not (case.tracking_number and reader_access(case, user)):
        roles -= READER_SCOPED_ROLES
    return roles


def actor_roles(case: Case, user) -> set[str]:
    roles = staff_roles_for_case(case, user)
    if applicant_side(case, user):
        roles.add(APPLICANT)
    return roles


def visible_cases(user) -> QuerySet[Case]:
    """Cases the person may open: their own and their organizations', or their province's as staff."""
    if not user.is_authenticated:
        return Case.objects.none()
    condition = Q(applicant=user) | Q(organization_id__in=_organization_ids(user))
    if user.is_staff_member and user.province_id:
        services = user.role_services(*(user.role_set - READER_SCOPED_ROLES))
        staff = Q(province_id=user.province_id, tracking_number__isnull=False)
        if services is not None:
            staff &= Q(service__code__in=sorted(services))
        condition |= staff
    return Case.objects.filter(condition)


def may_read_case(case: Case, user) -> bool:
    """Whether `user` may read the case (its page, its documents, its holder's full national ID): the
    applicant side, staff with a role on it, or a person a reader rule admits."""
    if not getattr(user, "is_authenticated", False):
        return False
    return applicant_side(case, user) or bool(case.tracking_number and staff_roles_for_case(case, user)) \
        or reader_access(case, user)


def case_get_for_user(*, user, public_id, for_update: bool = False, readers: bool = False) -> Case:
    """The case, if `user` may see it; 404 alike for missing and not-yours. `readers`: also let in
    people a registered reader rule admits (read-only pages: the case page and its downloads)."""
    qs = Case.objects.select_related("service", "province", "applicant", "organization", "assigned_to", "sla_statement")
    try:
        case = qs.get(public_id=public_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if applicant_side(case, user):
        return case
    # Staff see submitted cases of their province, and only through a role the process uses.
    if case.tracking_number and staff_roles_for_case(case, user):
        return case
    if readers and reader_access(case, user):
        return case
    raise Http404
