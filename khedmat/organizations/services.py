"""Registering organizations, checking the registrant's claim, and managing who acts for them.

A registration is a claim (docs/adr/0012-organization-claims.md): until the company registry confirms that
the registrant signs for the organization, or a staff member of its province approves the claim, the
organization's memberships act for nothing (no acting-as, no case for it, no members added)."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.accounts.models import User
from khedmat.accounts.roles import StaffRole
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import Province
from khedmat.notifications.services import notify_user
from khedmat.organizations.models import (
    MANAGING_ROLES,
    ClaimMethod,
    ClaimStatus,
    MemberRole,
    Membership,
    Organization,
)
from khedmat.organizations.signals import organization_claimed

# Staff who may approve or reject a claim, in the organization's province.
CLAIM_ROLES = (StaffRole.EXPERT, StaffRole.UNIT_HEAD, StaffRole.ADMINISTRATOR)


def organization_register(
    *, by: User, kind: str, national_id: str, name: str, province: Province, role: str,
    registration_number: str = "", address: str = "", phone: str = "",
) -> Organization:
    """Register an organization with `by` claiming to act for it in `role`; the claim is then checked
    (`organization_claimed`: the company registry through the inquiries app, or staff).

    An organization registers once; later people are added by its CEO or representative, so that
    nobody can attach themselves to a company by typing its national ID. A rejected claim may be made
    again by someone else (the rightful CEO).
    """
    if role not in MANAGING_ROLES:
        raise ApplicationError(
            _("Only the CEO or an authorised representative can register an organization."), code="role"
        )
    exists = ApplicationError(
        _("This organization is already registered. Ask its CEO or representative to add you."),
        code="organization_exists",
    )
    try:
        with transaction.atomic():
            organization = Organization.objects.select_for_update().filter(national_id=national_id).first()
            if organization is not None and organization.claim_status != ClaimStatus.REJECTED:
                raise exists
            if organization is None:
                organization = Organization(national_id=national_id, created_by=by)
            else:  # a new claim on a rejected one: the earlier claimants no longer act for it
                organization.memberships.all().delete()
                organization.created_by = by
            organization.kind, organization.name, organization.province = kind, name, province
            organization.registration_number = registration_number
            organization.address, organization.phone = address, phone
            organization.claim_status, organization.claim_method = ClaimStatus.PENDING, ""
            organization.claim_decided_at = organization.claim_decided_by = None
            organization.claim_note, organization.claim_evidence = "", {}
            organization.claim_check_attempts, organization.claim_next_check_at = 0, None
            organization.full_clean(validate_unique=False)
            organization.save()
            Membership.objects.create(organization=organization, user=by, role=role, added_by=by)
            audit_record(actor=by, action="organization_registered", instance=organization,
                         after={"claim": ClaimStatus.PENDING, "role": role})
            organization_claimed.send(sender=Organization, organization=organization, by=by)
    except IntegrityError as exc:
        raise exists from exc
    except ValidationError as exc:  # e.g. markup in the name (core.validators.validate_no_markup)
        raise ApplicationError(" ".join(exc.messages), code="invalid") from exc
    return organization


def claim_verify(*, organization: Organization, method: str, by: User | None = None, note: str = "",
                 evidence: dict | None = None) -> Organization:
    """The claim stands: the registry named the registrant as a signatory (by=None), or staff approved it."""
    if method == ClaimMethod.STAFF:
        _require_claim_staff(organization=organization, by=by)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.claim_status != ClaimStatus.PENDING:
            raise ApplicationError(_("This claim has already been decided."), code="claim_decided")
        organization.claim_status, organization.claim_method = ClaimStatus.VERIFIED, method
        organization.claim_decided_at, organization.claim_decided_by = timezone.now(), by
        organization.claim_note = note.strip() or organization.claim_note
        if evidence is not None:
            organization.claim_evidence = evidence
        organization.claim_next_check_at = None
        organization.save()
        audit_record(actor=by, action="organization_claim_verified", instance=organization,
                     after={"method": method, "note": organization.claim_note}, province=organization.province)
    _notify_claimants(organization, _("The registration of %(name)s was verified: you can now act for it.")
                      % {"name": organization.name})
    return organization


def claim_reject(*, organization: Organization, by: User, note: str) -> Organization:
    """Staff reject the claim (with the reason): nobody acts for the organization; a new claim may be made."""
    _require_claim_staff(organization=organization, by=by)
    if not note.strip():
        raise ApplicationError(_("Write the reason."), code="reason")
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.claim_status != ClaimStatus.PENDING:
            raise ApplicationError(_("This claim has already been decided."), code="claim_decided")
        organization.claim_status, organization.claim_method = ClaimStatus.REJECTED, ClaimMethod.STAFF
        organization.claim_decided_at, organization.claim_decided_by = timezone.now(), by
        organization.claim_note, organization.claim_next_check_at = note.strip(), None
        organization.save()
        audit_record(actor=by, action="organization_claim_rejected", instance=organization,
                     after={"note": organization.claim_note}, province=organization.province)
    _notify_claimants(organization, _("The registration of %(name)s was not accepted: %(reason)s")
                      % {"name": organization.name, "reason": organization.claim_note})
    return organization


def claim_check_recorded(*, organization: Organization, note: str, evidence: dict | None = None,
                         next_check_at=None) -> Organization:
    """The registry did not confirm the claim (or did not answer): the claim waits, with the reason, for staff
    or for the next check at `next_check_at`."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.claim_status != ClaimStatus.PENDING:
            return organization
        organization.claim_note = note
        if evidence is not None:
            organization.claim_evidence = evidence
        organization.claim_check_attempts += 1
        organization.claim_next_check_at = next_check_at
        organization.save(update_fields=["claim_note", "claim_evidence", "claim_check_attempts", "claim_next_check_at",
                                         "updated_at"])
    return organization


def _require_claim_staff(*, organization: Organization, by: User | None) -> None:
    if by is None or not (by.is_superuser or (
            by.is_staff_member and by.province_id == organization.province_id and by.has_role(*CLAIM_ROLES))):
        raise ApplicationError(_("You are not allowed to decide this claim."), code="forbidden")


def _notify_claimants(organization: Organization, body: str) -> None:
    for membership in organization.memberships.select_related("user"):
        notify_user(user=membership.user, subject=organization.name, body=body, template="organization_claim",
                    idempotency_key=(f"organization-claim-{organization.pk}-{organization.claim_status}-"
                                     f"{membership.user_id}"))


def _require_manager(*, organization: Organization, by: User) -> None:
    if not organization.claim_verified:
        raise ApplicationError(
            _("The registration of this organization is not verified yet; until then nobody acts for it."),
            code="claim_pending",
        )
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


__all__ = ["organization_register", "claim_verify", "claim_reject", "claim_check_recorded", "membership_add",
           "membership_remove", "MemberRole"]
