"""The data behind each province's working-day calendar: weekly days off by period, official
holidays, and ad-hoc closures. The arithmetic itself is in khedmat.core.workdays."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField
from khedmat.core.models import Office, Province

WEEKDAY_CHOICES = [
    (5, _("Saturday")), (6, _("Sunday")), (0, _("Monday")), (1, _("Tuesday")),
    (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
]


class WeeklyOffRule(models.Model):
    """Weekly days off of a province from a date (until the next rule or `end_date`)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="weekly_off_rules",
                                 verbose_name=_("province"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: until further notice."))
    days = models.JSONField(_("days off"), default=list, help_text=_("Python weekday numbers."))
    note = PersianCharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["province", "-start_date"]
        verbose_name = _("weekly days off")
        verbose_name_plural = _("weekly days off")

    def __str__(self) -> str:
        names = dict(WEEKDAY_CHOICES)
        return "، ".join(str(names[d]) for d in sorted(self.days, key=lambda d: (d - 5) % 7))

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if not isinstance(self.days, list) or any(d not in range(7) for d in self.days):
            raise ValidationError({"days": _("Choose days of the week.")})
        if len(set(self.days)) == 7:
            raise ValidationError({"days": _("At least one day of the week must be a working day.")})


class HolidayKind(models.TextChoices):
    SOLAR = "solar", _("Official solar holiday")
    LUNAR = "lunar", _("Official lunar holiday")
    OTHER = "other", _("Public holiday by decree")


class Holiday(models.Model):
    """An official holiday. Province empty = nationwide."""

    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="holidays",
        verbose_name=_("province"), help_text=_("Empty for nationwide holidays."),
    )
    date = models.DateField(_("date"), db_index=True)
    title = PersianCharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=HolidayKind.choices)
    confirmed = models.BooleanField(
        _("confirmed"), default=True,
        help_text=_("Lunar dates depend on the moon sighting; unconfirmed dates are estimates to check."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Identifies the reference-data row this holiday came from, so reloading the data never
    # re-creates a holiday that an administrator has moved or deleted.
    reference_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["province", "date", "title"], name="holiday_unique"),
        ]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return self.title


class ClosureKind(models.TextChoices):
    POLLUTION = "pollution", _("Air pollution")
    HEAT = "heat", _("Heat")
    ENERGY = "energy", _("Energy saving")
    OTHER = "other", _("Other")


class Closure(models.Model):
    """Offices closed by decision (pollution, heat, energy saving), province-wide or for one office."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="closures",
                                 verbose_name=_("province"))
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="closures",
        verbose_name=_("office"), help_text=_("Empty: every office of the province."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    kind = models.CharField(_("reason"), max_length=20, choices=ClosureKind.choices)
    description = PersianCharField(_("description"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["province", "start_date"], name="closure_province_idx")]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.start_date and self.end_date and (self.end_date - self.start_date).days > 62:
            raise ValidationError({"end_date": _("A closure can be at most two months long; enter longer periods as "
                                                 "several closures.")})
        if self.office_id and self.province_id and self.office.province_id != self.province_id:
            raise ValidationError({"office": _("This office is not in the chosen province.")})


class CalendarState(models.Model):
    """A per-province counter bumped on every calendar change; compiled calendars are cached by it."""

    province = models.OneToOneField(Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("province"))
    version = models.PositiveIntegerField(default=0, verbose_name=_("version"))
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar state")
        verbose_name_plural = _("calendar states")
