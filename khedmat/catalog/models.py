"""The five services and their versioned SLA statements (SERVICES.md §1.3).

A statement version is immutable once published; a change is an amendment (اصلاحیه): a new version
that supersedes the one in force from its effective date. Cases (issue #3) pin the version they were
submitted under, so amendments never rewrite past measurements.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField


class FeeKind(models.TextChoices):
    TUITION = "tuition", _("Tuition set yearly")
    FEE_TABLE = "fee_table", _("Fee table of the budget law")
    FREE = "free", _("Free of charge")


class Service(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = PersianCharField(_("title"), max_length=300)
    summary = PersianTextField(_("summary"))
    owner_unit = PersianCharField(_("responsible unit"), max_length=300)
    audience = PersianCharField(_("for whom"), max_length=300)
    fee_kind = models.CharField(_("cost"), max_length=20, choices=FeeKind.choices)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.title


class SlaStatement(models.Model):
    """One version of a service's SLA statement (بیانیه سطح توافق خدمت)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="statements", verbose_name=_("service"))
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_from_assumed = models.BooleanField(
        _("effective date assumed"), default=False,
        help_text=_("The published text carries no date; the date shown is an assumption to confirm."),
    )
    signed_by_name = PersianCharField(_("signed by"), max_length=120)
    signed_by_title = PersianCharField(_("signatory's title"), max_length=120)
    introduction = PersianTextField(_("introduction"))
    purpose = PersianTextField(_("purpose"))
    responsibility = PersianTextField(_("responsibility (legal standing)"), blank=True)
    process_title = PersianCharField(_("process heading"), max_length=400, blank=True)
    process_intro = PersianTextField(_("process introduction"), blank=True)
    regulations_title = PersianCharField(_("regulations heading"), max_length=200, blank=True)
    regulations_text = PersianTextField(_("legal rules and regulations of the service"), blank=True)
    inquiries_intro = PersianTextField(_("inquiries introduction"), blank=True)
    fees_text = PersianTextField(_("service cost"), blank=True)
    availability_text = PersianTextField(_("access time and service duration"), blank=True)
    validity_text = PersianTextField(_("performance period"))
    termination_text = PersianTextField(_("termination of the agreement"))
    termination_requires_notice = models.BooleanField(_("termination needs prior notice"), default=False)
    amendment_note = PersianTextField(_("what the amendment changes"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("published by"),
    )
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    termination_notice_date = models.DateField(_("termination notice given on"), null=True, blank=True)
    terminated_at = models.DateField(_("terminated on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [models.UniqueConstraint(fields=["service", "version"], name="sla_statement_version_unique")]
        verbose_name = _("SLA statement")
        verbose_name_plural = _("SLA statements")

    def __str__(self) -> str:
        return f"{self.service} — {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class LegalReferenceKind(models.TextChoices):
    LAW = "law", _("Law")
    REGULATION = "regulation", _("Regulation")
    CIRCULAR = "circular", _("Circular")
    INSTRUCTION = "instruction", _("Instruction")
    AMENDMENT = "amendment", _("Amendment")
    PROCEDURE = "procedure", _("Procedure guide")


class LegalReference(models.Model):
    statement = models.ForeignKey(SlaStatement, on_delete=models.CASCADE, related_name="legal_references",
                                  verbose_name=_("statement"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=LegalReferenceKind.choices)
    number = PersianCharField(_("number"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    issuer = PersianCharField(_("issuer"), max_length=200, blank=True)
    # Not every published reference states its subject («بخشنامه ۱۳۰۴۳۹ مورخ ۲۴/۶/۹۴»): none is invented.
    title = PersianTextField(_("subject"), blank=True)
    as_written = PersianTextField(_("as written"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ItemSection(models.TextChoices):
    PROCESS = "process", _("Process steps")
    DOCUMENT = "document", _("Required documents")
    OBLIGATION = "obligation", _("Mutual obligations")
    CHANNEL = "channel", _("Request and delivery systems")
    FEE = "fee", _("Fee table")
    INQUIRY = "inquiry", _("Inquiries and checks")


class ObligationSide(models.TextChoices):
    APPLICANT = "applicant", _("Service recipient")
    ORGANIZATION = "organization", _("Organization")
    AGENCY = "agency", _("Executive agencies")


class InquiryMode(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    SEMI_MANUAL = "semi_manual", _("Semi-manual")
    MANUAL = "manual", _("Manual (written)")


class StatementItem(models.Model):
    """One row of a list section of the statement: a step, document, obligation, channel, fee or inquiry."""

    statement = models.ForeignKey(SlaStatement, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("statement"))
    section = models.CharField(_("section"), max_length=20, choices=ItemSection.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = PersianCharField(_("label"), max_length=100, blank=True)
    text = PersianTextField(_("text"), blank=True)
    side = models.CharField(_("side"), max_length=20, choices=ObligationSide.choices, blank=True)
    url = models.CharField(_("address"), max_length=300, blank=True)
    amount_rials = models.BigIntegerField(_("amount (rials)"), null=True, blank=True)
    source = PersianCharField(_("source"), max_length=200, blank=True)
    body = PersianCharField(_("responsible body"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=InquiryMode.choices, blank=True)

    class Meta:
        ordering = ["section", "order", "id"]
        indexes = [models.Index(fields=["statement", "section", "order"], name="statement_item_idx")]
        verbose_name = _("statement item")
        verbose_name_plural = _("statement items")

    def __str__(self) -> str:
        return f"{self.label} {self.text[:40]}".strip()


class CommitmentUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    REPORT = "report", _("report only")


class SlaCommitment(models.Model):
    """A measurable commitment of a statement version; the SLA engine measures cases against it."""

    statement = models.ForeignKey(SlaStatement, on_delete=models.CASCADE, related_name="commitments",
                                  verbose_name=_("statement"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=60)
    title = PersianCharField(_("title"), max_length=200)
    description = PersianTextField(_("what is measured"))
    unit = models.CharField(_("unit"), max_length=20, choices=CommitmentUnit.choices)
    target = models.DecimalField(_("target"), max_digits=8, decimal_places=2, null=True, blank=True)
    target_min = models.DecimalField(_("best case"), max_digits=8, decimal_places=2, null=True, blank=True)
    seed_basis = models.CharField(_("basis in the statement"), max_length=100, blank=True)
    # The published statement sets no figure: the target is the organization's own, configurable (e.g. A9).
    # Every display words it so (templates/includes/target_note.html), never as a legal deadline.
    target_assumed = models.BooleanField(
        _("target set by the organization"), default=False,
        help_text=_("The published statement sets no such figure: the target is the organization's own and can be "
                    "changed; it is shown as such, not as a commitment of the statement."))

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["statement", "code"], name="sla_commitment_code_unique")]
        verbose_name = _("SLA commitment")
        verbose_name_plural = _("SLA commitments")

    def __str__(self) -> str:
        return self.title
