"""The visit report (scores and photos checked before anything is written) and its corrections."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.appointments import selectors
from khedmat.appointments.models import (
    ACTIVE_STATES,
    Appointment,
    AppointmentState,
    ScoringCriterion,
    ScoringScheme,
    VisitPhoto,
    VisitReport,
    VisitScore,
)
from khedmat.appointments.services.checks import _kind, _lock
from khedmat.appointments.services.wording import _record, _words
from khedmat.appointments.signals import visit_report_recorded
from khedmat.cases.process import AppointmentKind
from khedmat.cases.services import case_act
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.core.upload_messages import rejection_message
from khedmat.core.uploads import JPEG, PNG, UploadRejected, storage_name, validate_upload

PHOTO_TYPES = frozenset({JPEG, PNG})


PHOTO_MAX_BYTES = 10 * 1024 * 1024


MAX_PHOTOS = 10


PHOTO_MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than allowed."),
    "unknown_type": gettext_lazy("Photos must be JPEG or PNG images."),
    "not_allowed_type": gettext_lazy("Photos must be JPEG or PNG images."),
    "executable": gettext_lazy("Programs and scripts cannot be uploaded."),
    "extension_mismatch": gettext_lazy("The file's name does not match its content; rename it to its real type."),
    "bad_name": gettext_lazy("The file name is not usable; rename the file and try again."),
    "encrypted_pdf": gettext_lazy("Photos must be JPEG or PNG images."),
    "corrupt": gettext_lazy("The file is damaged or incomplete."),
    "active_content": gettext_lazy("The file contains active content, which is not accepted."),
}


def _checked_photos(photos: Sequence) -> list[tuple]:
    """Check every photo by its content before anything is written: (upload, ValidatedUpload) pairs.
    A photo is any file-like object with `name` and `size` (Django's UploadedFile)."""
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(_("Attach at most %(n)s photos.") % {"n": to_persian_digits(MAX_PHOTOS)},
                               code="too_many_photos", extra={"field": "photos"})
    checked = []
    for photo in photos:
        try:
            result = validate_upload(fileobj=photo, filename=photo.name or "", size=photo.size, allowed=PHOTO_TYPES,
                                     max_bytes=PHOTO_MAX_BYTES)
        except UploadRejected as rejected:
            reason = rejection_message(rejected, PHOTO_MESSAGES)
            raise ApplicationError(_("%(name)s: %(reason)s") % {"name": photo.name, "reason": reason},
                                   code=f"upload_{rejected.reason}", extra={"field": "photos"}) from None
        checked.append((photo, result))
    return checked


def _whole_number(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def _checked_scores(kind: AppointmentKind, scores: dict) -> tuple[ScoringScheme | None, list[tuple]]:
    """The kind's scheme and (criterion, score) pairs, every criterion scored within its range."""
    if not kind.report_scheme:
        if scores:
            raise ApplicationError(_("This kind of appointment is not scored."), code="not_scored")
        return None, []
    scheme = ScoringScheme.objects.filter(code=kind.report_scheme, is_active=True).first()
    criteria = list(ScoringCriterion.objects.filter(scheme=scheme)) if scheme else []
    if not criteria:
        raise ApplicationError(_("The scoring scheme “%(code)s” of this visit is not set up; ask an administrator.")
                               % {"code": kind.report_scheme}, code="no_scheme")
    known = {criterion.pk: criterion for criterion in criteria}
    scores = {_whole_number(key): value for key, value in scores.items()}
    if set(scores) - set(known):
        raise ApplicationError(_("A score was given for a criterion that is not in the scheme."),
                               code="unknown_criterion")
    pairs = []
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        field = f"score_{criterion.pk}"
        if raw is None or raw == "":
            raise ApplicationError(_("Give a score for “%(criterion)s”.") % {"criterion": criterion.title},
                                   code="score_missing", extra={"field": field})
        value = _whole_number(raw)
        if value is None or not 0 <= value <= criterion.max_score:
            raise ApplicationError(
                _("The score for “%(criterion)s” must be a whole number from 0 to %(max)s.")
                % {"criterion": criterion.title, "max": to_persian_digits(criterion.max_score)},
                code="score_range", extra={"field": field})
        pairs.append((criterion, value))
    return scheme, pairs


def _total(pairs: list[tuple]) -> Decimal | None:
    if not pairs:
        return None
    return sum((Decimal(score) * (criterion.weight if criterion.weight is not None else Decimal(1))
                for criterion, score in pairs), Decimal(0))


def _write_report(*, appointment: Appointment, kind: AppointmentKind, scores: dict, photos: Sequence, notes: str,
                  attendees: str, applicant_present: bool, by, now, corrects: VisitReport | None = None,
                  correction_reason: str = "", written: list) -> VisitReport:
    """Check the notes, the scores and every photo, then write the report, its scores and its photos (the names
    of the files written are added to `written`)."""
    if not notes:
        raise ApplicationError(_("Write the notes of the visit."), code="notes_required", extra={"field": "notes"})
    scheme, pairs = _checked_scores(kind, scores)
    photos = _checked_photos(photos)
    report = VisitReport(appointment=appointment, corrects=corrects, correction_reason=correction_reason,
                         scheme=scheme, total=_total(pairs), notes=notes, attendees=(attendees or "").strip(),
                         applicant_present=applicant_present, recorded_by=by, recorded_at=now)
    report.full_clean(exclude=["appointment", "corrects", "scheme", "recorded_by"])
    report.save()
    VisitScore.objects.bulk_create([VisitScore(report=report, criterion=criterion, max_score=criterion.max_score,
                                               score=score) for criterion, score in pairs])
    for upload, checked in photos:
        photo = VisitPhoto(report=report, original_name=checked.safe_original_name, content_type=checked.content_type,
                           size=checked.size, sha256=checked.sha256)
        upload.seek(0)
        photo.file.save(storage_name(sha256=checked.sha256, extension=checked.extension), File(upload), save=False)
        written.append(photo.file.name)
        photo.save()
    return report


@contextmanager
def _files_removed_on_failure():
    """Yield the list the photo files written are named in; remove them again when anything fails (the
    transaction inside takes the rows back)."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _require_visitor(appointment: Appointment, by) -> None:
    if not selectors.appointment_may_attend(appointment=appointment, user=by):
        raise ApplicationError(_("Only a staff member who attended can record the report."), code="forbidden")


def visit_report_record(*, appointment: Appointment, notes: str, applicant_present: bool, by, attendees: str = "",
                        scores: dict | None = None, photos: Sequence = ()) -> VisitReport:
    """Record what the visit found: the appointment is held, and the kind's done transition (if any)
    moves the case, all in one transaction. Nothing is written when any part is refused."""
    notes = (notes or "").strip()
    scores = scores or {}
    now = timezone.now()
    with _files_removed_on_failure() as written, transaction.atomic():
        appointment = _lock(appointment)
        _require_visitor(appointment, by)
        kind = _kind(appointment.case, appointment.kind)
        if appointment.state == AppointmentState.HELD:
            raise ApplicationError(_("The report of this appointment is already recorded; write a correction "
                                     "instead."), code="already_held")
        if appointment.state not in ACTIVE_STATES:
            raise ApplicationError(_("No report can be recorded for an appointment that is “%(state)s”.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if appointment.starts_at > now:
            raise ApplicationError(_("The report can be recorded once the appointment has started."),
                                   code="not_started")
        report = _write_report(appointment=appointment, kind=kind, scores=scores, photos=photos, notes=notes,
                               attendees=attendees, applicant_present=applicant_present, by=by, now=now,
                               written=written)
        appointment.state = AppointmentState.HELD
        appointment.save(update_fields=["state", "updated_at"])
        _record(appointment, by=by, comment=_("%(kind)s of %(when)s held; the report was recorded.")
                % _words(appointment))
        case = appointment.case
        # The done transition runs when the case still waits for this visit; if it has moved on
        # (an earlier visit already moved it), the report is recorded all the same.
        if kind.done_transition and case.state in case.process.transition(kind.done_transition).sources:
            with case_act(case=case, by=by, name=kind.done_transition):
                pass  # the report is the act: the engine takes the kind's done transition
        visit_report_recorded.send(sender=VisitReport, report=report, by=by)
    return report


def visit_report_correct(*, report: VisitReport, reason: str, notes: str, applicant_present: bool, by,
                         attendees: str = "", scores: dict | None = None, photos: Sequence = ()) -> VisitReport:
    """Correct a recorded report with a new one that names it and says why; the old one stays as it was."""
    reason = (reason or "").strip()
    notes = (notes or "").strip()
    scores = scores or {}
    now = timezone.now()
    with _files_removed_on_failure() as written, transaction.atomic():
        appointment = _lock(report.appointment)
        _require_visitor(appointment, by)
        kind = _kind(appointment.case, appointment.kind)
        if VisitReport.objects.filter(corrects=report).exists():
            raise ApplicationError(_("This report was already corrected; correct the latest version."),
                                   code="already_corrected")
        if not reason:
            raise ApplicationError(_("Write why the report is corrected."), code="reason_required",
                                   extra={"field": "reason"})
        correction = _write_report(appointment=appointment, kind=kind, scores=scores, photos=photos, notes=notes,
                                   attendees=attendees, applicant_present=applicant_present, by=by, now=now,
                                   corrects=report, correction_reason=reason, written=written)
        _record(appointment, by=by, public=False,
                comment=_("The report of the %(kind)s of %(when)s was corrected: %(reason)s")
                % _words(appointment, reason=reason))
    return correction
