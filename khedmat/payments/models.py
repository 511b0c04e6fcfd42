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
from khedmat.payments.messages import attempt_problem


class FeeSchedule(models.Model):
    """One amount of a fee table, in force over a date range (a budget law's Jalali year, or a tariff period)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="fee_schedules",
                                verbose_name=_("service"))
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
    lines = models.JSONField(_("lines"),
                             default=list)  # [{"item", "label", "amount_rials", "revenue_row", "schedule_id"}]
    total_rials = models.BigIntegerField(_("total (rials)"))
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    # The fee items the invoice charges, sorted and joined (`items_key`): with the partial unique constraint
    # below, one case has at most one open invoice per fee item, whatever runs in parallel (docs/adr/0010).
    items_key = models.CharField(_("fee items"), max_length=200, default="", blank=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "items_key"], condition=models.Q(status="open"),
                                    name="invoice_one_open_per_case_item"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def fee_sources(self) -> list[str]:
        """The laws whose fee tables the lines come from, e.g. «قانون بودجه سال ۱۳۹۹»: copied into each line
        at issue; an invoice from before that reads them from its schedule rows."""
        sources = [line.get("source") for line in self.lines]
        missing = [line.get("schedule_id") for line, source in zip(self.lines, sources, strict=True) if source is None]
        if any(missing):
            by_id = dict(FeeSchedule.objects.filter(pk__in=[m for m in missing if m]).values_list("pk", "source"))
            sources = [source if source is not None else by_id.get(line.get("schedule_id"), "")
                       for line, source in zip(self.lines, sources, strict=True)]
        return list(dict.fromkeys(s for s in sources if s))


class InvoiceSequence(models.Model):
    """The last invoice number handed out per Jalali year (a counter row, never count() + 1)."""

    year = models.PositiveSmallIntegerField(unique=True, verbose_name=_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("invoice sequence")
        verbose_name_plural = _("invoice sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class AttemptStatus(models.TextChoices):
    CREATED = "created", _("Sent to the bank")
    PAID = "paid", _("Paid and verified")
    FAILED = "failed", _("Failed or cancelled")
    UNKNOWN = "unknown", _("Outcome unknown (to reconcile)")
    EXPIRED = "expired", _("Abandoned")
    REVERSED = "reversed", _("Returned to the payer")


class PaymentAttempt(models.Model):
    """One trip to the bank. Only the bank's own answer to `verify` marks it paid."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("invoice"))
    gateway = models.CharField(_("gateway"), max_length=30)
    authority = models.CharField(_("bank session"), max_length=64, unique=True)
    redirect_url = models.CharField(max_length=500, verbose_name=_("payment page address"))
    amount_rials = models.BigIntegerField(_("amount (rials)"))
    status = models.CharField(_("status"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.CREATED)
    ref_id = models.CharField(_("bank reference number"), max_length=40, blank=True)
    card_pan = models.CharField(_("card"), max_length=30, blank=True)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("payer"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("verified at"))
    callback_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("callback count"))
    verify_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("verify attempts"))
    last_error = models.CharField(max_length=300, blank=True,
                                  verbose_name=_("last error"))  # raw, for logs and the admin; never shown as such
    # The bank's own code of the last refusal, shown to finance in Persian with the code beside it, and what
    # went wrong on our side when no bank code applies (`gateways.PROBLEMS`).
    bank_code = models.IntegerField(_("bank code"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=30, blank=True)
    receipt = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("receipt"))

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_attempt_status_idx")]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")

    def __str__(self) -> str:
        return self.authority

    @property
    def problem_text(self) -> str:
        """What went wrong, in Persian (the raw bank code is `problem_code`)."""
        return attempt_problem(self)[0]

    @property
    def problem_code(self) -> int | None:
        return attempt_problem(self)[1]


class RefusedCallback(models.Model):
    """A return from the bank that was not believed: unreadable, an unknown session, "paid" while the bank
    says not paid (forged or failed), or another amount. Kept for finance (`/staff/payments/callbacks/`)."""

    class Reason(models.TextChoices):
        UNREADABLE = "unreadable", _("Unreadable answer")
        UNKNOWN_SESSION = "unknown_session", _("Unknown payment session")
        NOT_PAID = "not_paid", _("Claimed paid, but the bank says it was not paid")
        AMOUNT_MISMATCH = "amount_mismatch", _("The amount paid differs from the invoice")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    authority = models.CharField(_("bank session"), max_length=64, blank=True)
    params = models.JSONField(_("parameters received"), default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    attempt = models.ForeignKey(PaymentAttempt, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="refused_callbacks", verbose_name=_("payment attempt"))
    bank_code = models.IntegerField(_("bank code"), null=True, blank=True)
    # The province of the attempt's case, or the deployment's province when the session is unknown.
    province = models.ForeignKey("core.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "created_at"], name="refused_callback_province_idx")]
        verbose_name = _("refused bank callback")
        verbose_name_plural = _("refused bank callbacks")

    def __str__(self) -> str:
        return f"{self.reason} {self.authority}"
