"""Reads of organizations, always through access-checked functions."""
from django.db.models import QuerySet
from django.http import Http404

from khedmat.accounts.models import User
from khedmat.core.db import persian_order
from khedmat.core.text import normalize_text
from khedmat.organizations.models import ClaimStatus, Membership, Organization

ACTING_SESSION_KEY = "acting_organization_id"


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """Every organization the person registered or was added to, verified or not (the account page)."""
    return Membership.objects.filter(user=user).select_related("organization", "organization__province")


def acting_memberships(*, user: User) -> QuerySet[Membership]:
    """The memberships that act: in organizations whose claim is verified (docs/adr/0012). Everything a
    person does for an organization (acting-as, filing and reading its cases) goes through this."""
    return memberships_for_user(user=user).filter(organization__claim_status=ClaimStatus.VERIFIED)


def may_act_for(*, user: User, organization: Organization) -> bool:
    return acting_memberships(user=user).filter(organization=organization).exists()


def organization_get_for_member(*, user: User, organization_id: int) -> tuple[Organization, Membership]:
    """The organization and the user's membership in it; 404 alike for missing and not-yours."""
    membership = (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .select_related("organization", "organization__province")
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organization, membership


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__last_name")


def organizations_for_staff(*, staff: User, kind: str = "", query: str = "", claim: str = "") -> QuerySet[Organization]:
    """Organizations registered in the staff member's province (all provinces for superusers)."""
    qs = Organization.objects.select_related("province")
    if not staff.is_superuser:
        if staff.province_id is None:
            return qs.none()
        qs = qs.filter(province_id=staff.province_id)
    if kind:
        qs = qs.filter(kind=kind)
    if claim:
        qs = qs.filter(claim_status=claim)
    if query:
        query = normalize_text(query)
        qs = qs.filter(name__icontains=query) | qs.filter(national_id__startswith=query)
    return qs.order_by(persian_order("name"))


def organization_get_for_staff(*, staff: User, organization_id: int) -> Organization:
    organization = organizations_for_staff(staff=staff).filter(pk=organization_id).first()
    if organization is None:
        raise Http404
    return organization


def acting_organization(request) -> Organization | None:
    """The organization the signed-in person currently acts for (chosen in the session), if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    organization_id = request.session.get(ACTING_SESSION_KEY)
    if not organization_id:
        return None
    membership = acting_memberships(user=user).filter(organization_id=organization_id).first()
    return membership.organization if membership else None
