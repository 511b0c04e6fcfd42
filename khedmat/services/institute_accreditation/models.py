"""Service 2 records: the domains an institute may be licensed for, the application's intake (binder,
introduction letter, secretariat registration), the licence granted, and supervision while licensed.

The circular's groups, domains and scoring are not in the seed (SERVICES.md §10.5, A8): they are
reference data an administrator maintains; the demo's copies are flagged as samples.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField


class DomainGroup(models.Model):
    """A group of the circular («گروه»); a licence is for domains of one group (§3.5 rule 1)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = PersianCharField(_("title"), max_length=200)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    is_sample = models.BooleanField(_("sample (demo data)"), default=False)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("domain group")
        verbose_name_plural = _("domain groups")

    def __str__(self) -> str:
        return self.title


class Domain(models.Model):
    """A domain («حیطه») of a group."""

    group = models.ForeignKey(DomainGroup, on_delete=models.PROTECT, related_name="domains", verbose_name=_("group"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = PersianCharField(_("title"), max_length=200)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["group", "ordering", "code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.title


class RequestKind(models.TextChoices):
    NEW_LICENCE = "new_licence", _("New licence")
    DOMAIN_UPGRADE = "domain_upgrade", _("Domain upgrade")
    RENEWAL = "renewal", _("Renewal")


class Channel(models.TextChoices):
    BINDER = "binder", _("Binder handed in by the institute's expert")
    ONLINE = "online", _("Fully online")


class Accreditation(models.Model):
    """The staff-side record of one case: intake, registration, licence and its supervision."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="accreditation",
                                verbose_name=_("case"))
    binder_received_at = models.DateTimeField(_("binder received at"), null=True, blank=True)
    binder_received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("binder received by"))
    binder_note = PersianTextField(_("what the binder contained"), blank=True)
    # The receipt of the binder [۱۳]: who brought it, the introduction letter he showed, what he handed in,
    # and the numbered receipt printed for him.
    delegate_name = PersianCharField(_("delegate's name"), max_length=120, blank=True)
    delegate_national_id = models.CharField(_("delegate's national ID"), max_length=10, blank=True)
    delegate_letter_number = models.CharField(_("introduction letter number"), max_length=40, blank=True)
    delegate_letter_date = models.DateField(_("introduction letter date"), null=True, blank=True)
    binder_items = models.JSONField(_("documents handed in"), default=list, blank=True)
    binder_receipt = models.OneToOneField("certificates.OfficialDocument", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("binder receipt"))
    incomplete_returns = models.PositiveSmallIntegerField(default=0, verbose_name=_("returns for an incomplete binder"))
    secretariat_number = models.CharField(_("secretariat number"), max_length=20, unique=True, null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("registered at"))
    introduction_letter = models.ForeignKey("certificates.OfficialDocument", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("introduction letter"))
    granted_domains = models.ManyToManyField(Domain, blank=True, related_name="+", verbose_name=_("domains granted"))
    grant_note = PersianTextField(_("why fewer domains were granted"), blank=True)
    licence = models.OneToOneField("certificates.OfficialDocument", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="accreditation", verbose_name=_("licence"))

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")


class SecretariatSequence(models.Model):
    """Registration numbers of the Center's secretariat, per Jalali year (step ۱۴)."""

    year = models.PositiveSmallIntegerField(unique=True, verbose_name=_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("secretariat sequence")
        verbose_name_plural = _("secretariat sequences")


class SupervisionKind(models.TextChoices):
    FINDING = "finding", _("Supervision finding")
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    REVOCATION = "revocation", _("Revocation")
    EXPIRY = "expiry", _("Expiry")


class SupervisionRecord(models.Model):
    """Continuous supervision while licensed (step ۲۳): findings of visits, warnings and the acts on
    the licence, with reasons. Never edited."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="supervision_records",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=SupervisionKind.choices)
    text = PersianTextField(_("description"))
    appointment = models.ForeignKey("appointments.Appointment", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("appointment"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["kind", "recorded_at"], name="ia_supervision_kind_idx")]
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")


class ViolationKind(models.TextChoices):
    OUTSIDE_DOMAIN = "outside_domain", _("Worked outside the domains granted")
    OUTSIDE_PROVINCE = "outside_province", _("Worked outside the province")
    OTHER = "other", _("Other breach of the circular")


class ScopeViolation(models.Model):
    """A breach of the licence's scope seen by someone (§3.7: only the granted domains, only in the province)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="scope_violations",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=ViolationKind.choices)
    domain = models.ForeignKey(Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("domain"))
    province = models.ForeignKey("core.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("province"))
    description = PersianTextField(_("description"))
    occurred_on = models.DateField(_("occurred on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("scope violation")
        verbose_name_plural = _("scope violations")
