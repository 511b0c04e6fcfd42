"""Foundation models: the province/office structure every other app scopes by, and the admin audit log."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.core.chain import ChainedModel
from khedmat.core.fields import PersianCharField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Province(models.Model):
    """One of Iran's 31 provinces. Each office, staff member and organization belongs to one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = PersianCharField(_("name"), max_length=80, unique=True)
    is_active = models.BooleanField(
        _("served by Khedmat"), default=False, help_text=_("Whether this deployment serves the province.")
    )
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """A physical office of the organization in a province (a closure can apply to one office)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="offices", verbose_name=_("province"))
    code = models.SlugField(_("code"), max_length=40)
    name = PersianCharField(_("name"), max_length=200)
    address = PersianCharField(_("address"), max_length=400, blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)

    class Meta:
        ordering = ["province", "-is_headquarters", "name"]
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="office_code_unique_in_province")]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


NATIONAL_STREAM = "national"


class AuditAction(models.TextChoices):
    """Every act the audit log records (`core.audit.audit_record(action=…)`): the admin shows the label."""

    ADMIN_ADD = "admin_add", _("Added in the admin")
    ADMIN_CHANGE = "admin_change", _("Changed in the admin")
    ADMIN_DELETE = "admin_delete", _("Deleted in the admin")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    TOTP_ENROLLED = "totp_enrolled", _("Authenticator app enrolled")
    ORGANIZATION_REGISTERED = "organization_registered", _("Organization registered")
    MEMBER_ADDED = "member_added", _("Member added to an organization")
    MEMBER_REMOVED = "member_removed", _("Member removed from an organization")
    ORGANIZATION_CLAIM_VERIFIED = "organization_claim_verified", _("Organization claim verified")
    ORGANIZATION_CLAIM_REJECTED = "organization_claim_rejected", _("Organization claim rejected")
    SLA_PUBLISHED = "sla_published", _("SLA statement published")
    SLA_AMENDMENT_DRAFTED = "sla_amendment_drafted", _("SLA amendment drafted")
    SLA_AMENDMENT_PUBLISHED = "sla_amendment_published", _("SLA amendment published")
    SLA_TERMINATED = "sla_terminated", _("SLA statement terminated")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")
    DOCUMENT_SUSPENDED = "document_suspended", _("Document suspended")
    DOCUMENT_REINSTATED = "document_reinstated", _("Document reinstated")
    DOCUMENT_REVOKED = "document_revoked", _("Document revoked")
    DOCUMENT_REPLACED = "document_replaced", _("Document replaced")
    INVOICE_PAID = "invoice_paid", _("Invoice paid")
    PAYMENT_REVERSED = "payment_reversed", _("Payment reversed")
    OUTBOX_RETRY = "outbox_retry", _("Message sent again")
    COMMITTEE_SESSION_SCHEDULED = "committee_session_scheduled", _("Committee session scheduled")
    COMMITTEE_SESSION_CANCELLED = "committee_session_cancelled", _("Committee session cancelled")
    COMMITTEE_MEMBER_SET = "committee_member_set", _("Committee member set")
    VIOLATION_RECORDED = "violation_recorded", _("Violation recorded")


class AuditEvent(ChainedModel):
    """An administrative act (calendar edit, SLA publication, role change …): who, when, before, after.

    Append-only in the database (core.appendonly) and chained by hash per stream (core.chain): the
    stream is the province's code, or "national" for acts of no province.
    """

    chain_stream = "stream"
    chain_fields = ("created_at", "actor", "action", "object_type", "object_id", "object_repr", "province",
                    "stream", "before", "after", "note")

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    stream = models.CharField(_("stream"), max_length=40, default=NATIONAL_STREAM, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "created_at"], name="audit_object_idx"),
            models.Index(fields=["stream", "id"], name="audit_stream_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["stream", "prev_hash"], name="audit_event_chain_link")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.stream = self.province.code if self.province_id else NATIONAL_STREAM
        super().save(*args, **kwargs)
