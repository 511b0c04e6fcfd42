"""Inquiries (استعلام) to registries and agencies: sources as data, every request and answer kept.

Like X-Road: each inquiry names its case and the officer who caused it, carries a message id, and
keeps the timestamps of sending and answering, so "the registry was slow" can be told from "we were
slow" (LESSONS.md). An inquiry without a case is refused (the case column is not nullable).
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField


class SourceMode(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    SEMI_MANUAL = "semi_manual", _("Semi-manual")
    MANUAL = "manual", _("Manual (written letter)")


class TimeUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class InquirySource(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = PersianCharField(_("name"), max_length=200)
    body = PersianCharField(_("responsible body"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=SourceMode.choices)
    address = models.CharField(_("address"), max_length=300, blank=True,
                               help_text=_("Electronic sources: the base address of the registry's service."))
    adapter = models.CharField(_("adapter"), max_length=60, blank=True,
                               help_text=_("Which adapter speaks to it (electronic sources)."))
    expected_time = models.PositiveSmallIntegerField(_("expected answer time"), default=7)
    expected_unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.CALENDAR_DAYS)
    returns = PersianTextField(_("what it returns"), blank=True)
    written_sample_rate = models.DecimalField(
        _("share picked for written inquiry"), max_digits=4, decimal_places=3, null=True, blank=True,
        help_text=_("0 to 1; empty: staff choose by hand (SERVICES.md A15)."))
    note = PersianTextField(_("note"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("inquiry source")
        verbose_name_plural = _("inquiry sources")

    def __str__(self) -> str:
        return self.name


class InquiryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    UNAVAILABLE = "unavailable", _("Source unavailable (will retry)")
    ANSWERED = "answered", _("Answered")
    NOT_FOUND = "not_found", _("No record at the source")
    FAILED = "failed", _("Failed")
    LETTER_SENT = "letter_sent", _("Letter sent, awaiting answer")


class Inquiry(models.Model):
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("case"))
    source = models.ForeignKey(InquirySource, on_delete=models.PROTECT, related_name="inquiries",
                               verbose_name=_("source"))
    subject = models.JSONField(_("what is asked"), default=dict)  # e.g. {"national_id": …} — never a password
    declared = models.JSONField(_("what the applicant declared"), default=dict, blank=True)
    label = PersianCharField(_("about"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("asked by"))
    automatic = models.BooleanField(_("sent automatically"), default=False)
    sampled = models.BooleanField(_("picked at random"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    response_raw = models.TextField(_("raw answer"), blank=True)
    response_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256 of the answer"))
    result = models.JSONField(_("result"), default=dict, blank=True)
    mismatches = models.JSONField(_("mismatches"), default=list, blank=True)
    answer_text = PersianTextField(_("recorded answer"), blank=True)
    letter = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("letter"))
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("last error"))

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="inquiry_retry_idx")]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return f"{self.source} — {self.label}"
