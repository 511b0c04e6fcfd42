"""Legal persons that apply for services — companies, training institutes, executive agencies —
and the people who act for them."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField
from khedmat.core.models import Province, TimeStampedModel
from khedmat.core.validators import validate_no_markup


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INSTITUTE = "institute", _("Training institute")
    AGENCY = "agency", _("Executive agency")


class MemberRole(models.TextChoices):
    """How a person acts for an organization. CEO and representative may manage members."""

    CEO = "ceo", _("CEO")
    REPRESENTATIVE = "representative", _("Authorised representative")
    EMPLOYEE = "employee", _("Employee")


MANAGING_ROLES = (MemberRole.CEO, MemberRole.REPRESENTATIVE)


class ClaimStatus(models.TextChoices):
    """Whether the person who registered the organization was shown to act for it (docs/adr/0012):
    until verified, its memberships act for nothing."""

    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class ClaimMethod(models.TextChoices):
    REGISTRY = "registry", _("Company registry (Official Gazette)")
    STAFF = "staff", _("Approved by staff")
    LEGACY = "legacy", _("Registered before verification existed")


class Organization(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    national_id = models.CharField(_("organization national ID"), max_length=11, unique=True)
    name = PersianCharField(_("name"), max_length=200, validators=[validate_no_markup])
    registration_number = PersianCharField(_("registration number"), max_length=40, blank=True,
                                           validators=[validate_no_markup])
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("province of registration")
    )
    address = PersianCharField(_("address"), max_length=400, blank=True, validators=[validate_no_markup])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", through_fields=("organization", "user"),
        related_name="organizations", verbose_name=_("members")
    )
    # The claim: checked against the company registry through the inquiries app, or decided by staff.
    claim_status = models.CharField(_("claim"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING,
                                    db_index=True)
    claim_method = models.CharField(_("verified by"), max_length=20, choices=ClaimMethod.choices, blank=True)
    claim_decided_at = models.DateTimeField(_("claim decided at"), null=True, blank=True)
    claim_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("claim decided by"),
    )
    claim_note = PersianTextField(_("claim note"), blank=True)
    claim_evidence = models.JSONField(_("registry answer"), default=dict, blank=True)
    claim_check_attempts = models.PositiveSmallIntegerField(_("claim check attempts"), default=0)
    claim_next_check_at = models.DateTimeField(_("next claim check"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "kind"], name="org_province_kind_idx")]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    @property
    def claim_verified(self) -> bool:
        return self.claim_status == ClaimStatus.VERIFIED


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES
