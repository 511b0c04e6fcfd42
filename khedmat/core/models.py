"""Foundation models: the province/office structure every other app scopes by, and the admin audit log."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class AuditEvent(models.Model):
    """An administrative act (calendar edit, SLA publication, role change …): who, when, before, after."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"], name="audit_object_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"
