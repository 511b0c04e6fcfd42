"""Fee schedules (effective-dated), invoices with frozen lines, and payment attempts at a bank gateway.

Money is an integer number of rials everywhere.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.catalog.models import Service
from khedmat.core.fields import PersianCharField


class FeeSchedule(models.Model):
    """One amount of a fee table, in force over a date range (a budget law's Jalali year, or a tariff period)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="fee_schedules", verbose_name=_("service"))
    item_code = models.SlugField(_("item"), max_length=60, help_text=_("e.g. contractor_grade_3"))
    item_label = PersianCharField(_("item label"), max_length=200)
    budget_year = models.PositiveSmallIntegerField(_("budget law year (Jalali)"), null=True, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    amount_rials = models.BigIntegerField(_("amount (rials)"))
    revenue_row = models.CharField(_("revenue row"), max_length=20, blank=True)
    source = PersianCharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["service", "item_code", "-valid_from"]
        indexes = [models.Index(fields=["service", "item_code", "valid_from"], name="fee_schedule_lookup_idx")]
        verbose_name = _("fee schedule row")
        verbose_name_plural = _("fee schedule")

    def __str__(self) -> str:
        return f"{self.item_label} — {self.amount_rials}"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Invoice(models.Model):
    """What a case owes. Lines are copied from the schedule at issue, so later schedule edits never change it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("case"))
    lines = models.JSONField(_("lines"), default=list)  # [{"item", "label", "amount_rials", "revenue_row", "schedule_id"}]
    total_rials = models.BigIntegerField(_("total (rials)"))
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number


class AttemptStatus(models.TextChoices):
    CREATED = "created", _("Sent to the bank")
    PAID = "paid", _("Paid and verified")
    FAILED = "failed", _("Failed or cancelled")
    UNKNOWN = "unknown", _("Outcome unknown (to reconcile)")
    EXPIRED = "expired", _("Abandoned")
    REVERSED = "reversed", _("Returned to the payer")


class PaymentAttempt(models.Model):
    """One trip to the bank. Only the bank's own answer to `verify` marks it paid."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="attempts")
    gateway = models.CharField(_("gateway"), max_length=30)
    authority = models.CharField(_("bank session"), max_length=64, unique=True)
    redirect_url = models.CharField(max_length=500)
    amount_rials = models.BigIntegerField(_("amount (rials)"))
    status = models.CharField(_("status"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.CREATED)
    ref_id = models.CharField(_("bank reference number"), max_length=40, blank=True)
    card_pan = models.CharField(_("card"), max_length=30, blank=True)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    callback_count = models.PositiveSmallIntegerField(default=0)
    verify_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    receipt = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_attempt_status_idx")]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")

    def __str__(self) -> str:
        return self.authority
