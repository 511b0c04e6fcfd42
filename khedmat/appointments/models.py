"""Appointments with the applicant about one case (field visits, briefing sessions) and the report of
a visit, scored against a scheme an administrator maintains.

An appointment keeps one record from its first proposal to its end; when staff propose another time
the same row takes the new slot and its `revision` goes up, while every act (proposed, accepted,
another time asked for, moved, cancelled, missed, held) is written to the case's event log, so the
history is the case's. A visit report is never edited: a correction is a new report that names the
one it corrects and why.
"""
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khedmat.core.fields import PersianCharField, PersianTextField

# -- reference data -------------------------------------------------------------------------------


class ScoringScheme(models.Model):
    """The criteria a visit report is scored on; a process's appointment kind names it by `code`."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = PersianCharField(_("title"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)
    # Demo data only: a scheme made up to let the screens speak, never the regulation's.
    is_sample = models.BooleanField(_("sample (demo data)"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self) -> str:
        return self.title


class ScoringCriterion(models.Model):
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="criteria",
                               verbose_name=_("scoring scheme"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = PersianCharField(_("title"), max_length=300)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), validators=[MinValueValidator(1)])
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)],
                                 help_text=_("Optional; the score is multiplied by it in the total. "
                                              "Empty counts as 1."))

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")

    def __str__(self) -> str:
        return self.title


# -- appointments ---------------------------------------------------------------------------------


class AppointmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for the applicant")
    ACCEPTED = "accepted", _("Accepted by the applicant")
    RESCHEDULE_REQUESTED = "reschedule_requested", _("Applicant asked for another time")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Applicant absent")


# The slot is still to happen: it blocks the visitors' time and gets a reminder.
ACTIVE_STATES = (AppointmentState.PROPOSED, AppointmentState.ACCEPTED)
OPEN_STATES = (*ACTIVE_STATES, AppointmentState.RESCHEDULE_REQUESTED)


class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="appointments",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=60)  # an AppointmentKind code of the case's process
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = PersianCharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online meeting link"), max_length=300, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="appointments_attending",
                                   verbose_name=_("visitors"))
    state = models.CharField(_("state"), max_length=30, choices=AppointmentState.choices,
                             default=AppointmentState.PROPOSED)
    # 1 for the first proposal; each new slot adds one (reminders and notices are keyed on it).
    revision = models.PositiveSmallIntegerField(_("slot number"), default=1)
    reschedule_count = models.PositiveSmallIntegerField(_("times the applicant asked for another time"), default=0)
    reschedule_reason = PersianTextField(_("why the applicant asked for another time"), blank=True)
    cancel_reason = PersianTextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("proposed by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["case", "starts_at"], name="appointment_case_idx"),
            # The reminder sweep reads only future slots not yet reminded (a small set).
            models.Index(fields=["starts_at"], name="appointment_remind_idx",
                         condition=Q(state__in=["proposed", "accepted"], reminder_sent_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.kind_label} — {self.case}"

    @property
    def kind_def(self):
        """The AppointmentKind declared by the case's process, or None if the process no longer has it."""
        return self.case.process.appointment_kind(self.kind)

    @property
    def kind_label(self):
        kind = self.kind_def
        return kind.label if kind is not None else self.kind

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


# -- visit reports --------------------------------------------------------------------------------


class ImmutableRecord(models.Model):
    """Written once, never changed or deleted (a correction is a new record)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are written once and never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are never deleted")


class VisitReport(ImmutableRecord):
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reports",
                                    verbose_name=_("appointment"))
    corrects = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="correction", verbose_name=_("corrects"))
    correction_reason = PersianTextField(_("reason for the correction"), blank=True)
    scheme = models.ForeignKey(ScoringScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("scoring scheme"))
    total = models.DecimalField(_("total score"), max_digits=9, decimal_places=2, null=True, blank=True)
    notes = PersianTextField(_("notes"))
    attendees = PersianTextField(_("who attended"), blank=True)
    applicant_present = models.BooleanField(_("applicant present"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            # One original report per appointment; everything after it is a correction.
            models.UniqueConstraint(fields=["appointment"], condition=Q(corrects__isnull=True),
                                    name="visit_report_one_original"),
        ]
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")

    def __str__(self) -> str:
        return str(self.appointment)


class VisitScore(ImmutableRecord):
    report = models.ForeignKey(VisitReport, on_delete=models.PROTECT, related_name="scores",
                               verbose_name=_("visit report"))
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criterion"))
    # Copied from the criterion when scored, so a later edit of the scheme does not rewrite the report.
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "criterion"], name="visit_score_unique"),
            models.CheckConstraint(condition=Q(score__lte=models.F("max_score")), name="visit_score_within_max"),
        ]
        verbose_name = _("visit score")
        verbose_name_plural = _("visit scores")


def _photo_path(instance, filename):  # the name comes from khedmat.core.uploads.storage_name
    return filename


class VisitPhoto(ImmutableRecord):
    report = models.ForeignKey(VisitReport, on_delete=models.PROTECT, related_name="photos",
                               verbose_name=_("visit report"))
    file = models.FileField(upload_to=_photo_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=160)
    content_type = models.CharField(max_length=120, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 of the file"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
