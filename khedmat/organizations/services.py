"""Registering organizations and managing who acts for them."""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from khedmat.accounts.models import User
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import Province
from khedmat.organizations.models import MANAGING_ROLES, MemberRole, Membership, Organization


def organization_register(
    *, by: User, kind: str, national_id: str, name: str, province: Province, role: str,
    registration_number: str = "", address: str = "", phone: str = "",
) -> Organization:
    """Register an organization with `by` acting for it in `role`.

    An organization registers once; later people are added by its CEO or representative, so that
    nobody can attach themselves to a company by typing its national ID.
    """
    if role not in MANAGING_ROLES:
        raise ApplicationError(
            _("Only the CEO or an authorised representative can register an organization."), code="role"
        )
    if Organization.objects.filter(national_id=national_id).exists():
        raise ApplicationError(
            _("This organization is already registered. Ask its CEO or representative to add you."),
            code="organization_exists",
        )
    try:
        with transaction.atomic():
            organization = Organization(
                kind=kind, national_id=national_id, name=name, province=province,
                registration_number=registration_number, address=address, phone=phone, created_by=by,
            )
            organization.full_clean()
            organization.save()
            Membership.objects.create(organization=organization, user=by, role=role, added_by=by)
            audit_record(actor=by, action="organization_registered", instance=organization)
    except IntegrityError as exc:
        raise ApplicationError(
            _("This organization is already registered. Ask its CEO or representative to add you."),
            code="organization_exists",
        ) from exc
    return organization


def _require_manager(*, organization: Organization, by: User) -> None:
    if not Membership.objects.filter(organization=organization, user=by, role__in=MANAGING_ROLES).exists():
        raise ApplicationError(
            _("Only the CEO or an authorised representative can manage the people of this organization."),
            code="not_manager",
        )


def membership_add(*, organization: Organization, by: User, national_id: str, role: str) -> Membership:
    """Let the person with `national_id` (who must have an account) act for the organization."""
    _require_manager(organization=organization, by=by)
    person = User.objects.filter(national_id=national_id, is_active=True).first()
    if person is None:
        raise ApplicationError(
            _("No account has this national ID. The person must sign up in Khedmat first."), code="no_account"
        )
    if Membership.objects.filter(organization=organization, user=person).exists():
        raise ApplicationError(_("This person already acts for the organization."), code="already_member")
    with transaction.atomic():
        membership = Membership.objects.create(organization=organization, user=person, role=role, added_by=by)
        audit_record(
            actor=by, action="member_added", instance=organization,
            after={"national_id": national_id, "role": role},
        )
    return membership


def membership_remove(*, organization: Organization, by: User, membership_id: int) -> None:
    _require_manager(organization=organization, by=by)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(organization=organization, pk=membership_id).first()
        if membership is None:
            raise ApplicationError(_("This person does not act for the organization."), code="not_member")
        managers = Membership.objects.filter(organization=organization, role__in=MANAGING_ROLES)
        if membership.role in MANAGING_ROLES and managers.count() == 1:
            raise ApplicationError(
                _("The organization must keep at least one CEO or authorised representative."),
                code="last_manager",
            )
        audit_record(
            actor=by, action="member_removed", instance=organization,
            before={"national_id": membership.user.national_id, "role": membership.role},
        )
        membership.delete()


__all__ = ["organization_register", "membership_add", "membership_remove", "MemberRole"]
