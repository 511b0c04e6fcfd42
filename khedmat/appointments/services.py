"""Writes for appointments: propose a slot, the applicant's answer (accept or ask for another time),
staff moving, cancelling or marking it missed, the visit report (and the kind's done transition),
corrections of a report, and the reminder sweep.

Every act is an event on the case (`cases.services.case_record_change`) and the person on the other
side hears of it through the outbox. Refusals are `ApplicationError`s raised before any write.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.appointments import selectors
from khedmat.appointments.models import (
    ACTIVE_STATES,
    OPEN_STATES,
    Appointment,
    AppointmentState,
    ScoringCriterion,
    ScoringScheme,
    VisitPhoto,
    VisitReport,
    VisitScore,
)
from khedmat.appointments.signals import visit_report_recorded
from khedmat.cases.access import applicant_side, staff_roles_for_case
from khedmat.cases.models import Case, EventType
from khedmat.cases.process import AppointmentKind
from khedmat.cases.tracking import tracking_display
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.core.uploads import JPEG, PNG
from khedmat.workcalendar.selectors import calendar_for

PHOTO_TYPES = frozenset({JPEG, PNG})
PHOTO_MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 10


# -- wording -----------------------------------------------------------------------------------

def _when(appointment: Appointment) -> str:
    """"۱۴۰۴/۰۵/۱۰ ۰۹:۰۰ to ۱۱:۰۰" (Tehran time), the end's date only when it is another day."""
    start, end = appointment.starts_at, appointment.ends_at
    if jalali.local_date(start) == jalali.local_date(end):
        end_text = to_persian_digits(end.astimezone(jalali.TEHRAN).strftime("%H:%M"))
    else:
        end_text = jalali.format_datetime(end)
    return _("%(start)s to %(end)s") % {"start": jalali.format_datetime(start), "end": end_text}


def _where(appointment: Appointment) -> str:
    parts = [part for part in (appointment.place, appointment.online_link) if part]
    return " — ".join(parts)


def _words(appointment: Appointment, **more) -> dict:
    return {"kind": appointment.kind_label, "when": _when(appointment), "where": _where(appointment),
            "number": tracking_display(appointment.case.tracking_number), **more}


def _notify_applicant(appointment: Appointment, *, body: str, template: str, key: str) -> None:
    from khedmat.notifications.services import notify_user

    case = appointment.case
    notify_user(user=case.applicant, subject=_("Case %(number)s") % {"number": tracking_display(case.tracking_number)},
                body=body, template=template, idempotency_key=key, case_id=case.pk)


def _notify_staff(appointment: Appointment, *, body: str, template: str, key: str, exclude=None,
                  channels: Iterable[str] = ("inapp",)) -> None:
    from khedmat.notifications.services import notify_user

    for member in appointment.staff.all():
        if exclude is not None and member.pk == exclude.pk:
            continue
        notify_user(user=member, subject=body[:200], body=body, template=template, idempotency_key=f"{key}-{member.pk}",
                    channels=tuple(channels), case_id=appointment.case_id)


def _record(appointment: Appointment, *, by, comment: str, public: bool = True) -> None:
    from khedmat.cases.services import case_record_change

    case_record_change(case=appointment.case, by=by, comment=comment, public=public, event_type=EventType.APPOINTMENT)


# -- checks ------------------------------------------------------------------------------------

def _kind(case: Case, code: str) -> AppointmentKind:
    kind = case.process.appointment_kind(code)
    if kind is None:
        raise ApplicationError(_("This kind of appointment is not part of this service."), code="unknown_kind")
    return kind


def _lock(appointment: Appointment) -> Appointment:
    """Lock the appointment row for this transaction and read it again (with its case)."""
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("case__service", "case__applicant").get(
        pk=appointment.pk)
    return locked


def _day_off_message(case: Case, day: dt.date) -> str | None:
    off = calendar_for(province=case.province_id, office=case.office_id).day_off(day)
    if off is None:
        return None
    if off.kind == "holiday":
        return _("The day is not a working day (holiday: %(title)s).") % {"title": off.title}
    if off.kind == "closure":
        return _("The day is not a working day (office closure: %(title)s).") % {"title": off.title}
    return _("The day is not a working day (weekly day off: %(weekday)s).") % {
        "weekday": jalali.WEEKDAYS[day.weekday()]}


def _check_slot(*, case: Case, kind: AppointmentKind, starts_at: dt.datetime, ends_at: dt.datetime, place: str,
                online_link: str, staff: Sequence, exclude: Appointment | None, now: dt.datetime) -> list:
    """Refuse a slot that cannot be kept; return the visitors (their rows locked against double booking)."""
    from khedmat.accounts.models import User

    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("appointment times must be aware datetimes")
    if ends_at <= starts_at:
        raise ApplicationError(_("The appointment must end after it starts."), code="ends_before_start",
                               extra={"field": "ends"})
    if starts_at <= now:
        raise ApplicationError(_("An appointment cannot be set in the past."), code="past", extra={"field": "date"})
    day, last_day = jalali.local_date(starts_at), jalali.local_date(ends_at)
    while day <= last_day:
        message = _day_off_message(case, day)
        if message:
            raise ApplicationError(message, code="day_off", extra={"field": "date"})
        day += dt.timedelta(days=1)
    if not (place.strip() or online_link.strip()):
        raise ApplicationError(_("Give the place of the meeting or an online meeting link."), code="no_place",
                               extra={"field": "place"})
    ids = sorted({member.pk for member in staff})
    if not ids:
        raise ApplicationError(_("Choose at least one staff member who will attend."), code="no_staff",
                               extra={"field": "staff"})
    # Lock the visitors' rows in a fixed order: two proposals for the same person are taken one by one,
    # so the second sees the first and the overlap check below holds.
    members = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for member in members:
        if not staff_roles_for_case(case, member) & set(kind.staff_roles):
            raise ApplicationError(_("%(name)s cannot attend this kind of appointment on this case.")
                                   % {"name": member.get_full_name()}, code="not_eligible", extra={"field": "staff"})
    for member in members:
        clash = (Appointment.objects.filter(staff=member, state__in=ACTIVE_STATES, starts_at__lt=ends_at,
                                            ends_at__gt=starts_at)
                 .exclude(pk=getattr(exclude, "pk", None)).order_by("starts_at").first())
        if clash is not None:
            raise ApplicationError(
                _("%(name)s already has an appointment at that time (%(when)s).")
                % {"name": member.get_full_name(), "when": _when(clash)}, code="double_booked", extra={"field": "staff"})
    return members


def _require_arranger(appointment: Appointment, by) -> AppointmentKind:
    if not selectors.appointment_may_arrange(appointment=appointment, user=by):
        raise ApplicationError(_("You are not allowed to arrange this appointment."), code="forbidden")
    return _kind(appointment.case, appointment.kind)


# -- staff: propose, move, cancel, mark missed -------------------------------------------------------

def appointment_propose(*, case: Case, kind: str, starts_at: dt.datetime, ends_at: dt.datetime, place: str = "",
                        online_link: str = "", staff: Sequence, by) -> Appointment:
    """Propose a slot to the applicant: the kind's roles and case states, a working day, free visitors."""
    kind_def = _kind(case, kind)
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("service", "applicant").get(pk=case.pk)
        if not case.tracking_number or not (staff_roles_for_case(case, by)
                                                                           & set(kind_def.staff_roles)):
            raise ApplicationError(_("You are not allowed to propose this appointment on this case."), code="forbidden")
        if case.state not in kind_def.states:
            raise ApplicationError(_("This appointment cannot be proposed while the case is “%(state)s”.")
                                   % {"state": case.state_def.label}, code="wrong_state")
        members = _check_slot(case=case, kind=kind_def, starts_at=starts_at, ends_at=ends_at, place=place,
                              online_link=online_link, staff=staff, exclude=None, now=now)
        appointment = Appointment(case=case, kind=kind_def.code, starts_at=starts_at, ends_at=ends_at,
                                  place=place.strip(), online_link=online_link.strip(), created_by=by)
        appointment.full_clean(exclude=["staff"])
        appointment.save()
        appointment.staff.set(members)
        words = _words(appointment)
        _record(appointment, by=by, comment=_("%(kind)s proposed: %(when)s, %(where)s.") % words)
        _notify_applicant(
            appointment, template="appointment_proposed", key=f"appointment-proposed-{appointment.pk}-1",
            body=_("%(kind)s for case %(number)s: %(when)s, %(where)s. Please accept it or ask for another time "
                   "on the case page.") % words)
        _notify_staff(appointment, exclude=by, template="appointment_attend", key=f"appointment-attend-{appointment.pk}-1",
                      body=_("You are to attend the %(kind)s of case %(number)s: %(when)s, %(where)s.") % words)
    return appointment


def appointment_reschedule(*, appointment: Appointment, starts_at: dt.datetime, ends_at: dt.datetime, place: str = "",
                           online_link: str = "", staff: Sequence, by) -> Appointment:
    """Staff give the appointment another slot (after the applicant asked, or on their own); it waits
    for the applicant's answer again and gets a fresh reminder."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        kind = _require_arranger(appointment, by)
        case = appointment.case
        if appointment.state not in OPEN_STATES:
            raise ApplicationError(_("This appointment is “%(state)s” and cannot be moved.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if case.state not in kind.states:
            raise ApplicationError(_("This appointment cannot be proposed while the case is “%(state)s”.")
                                   % {"state": case.state_def.label}, code="wrong_state")
        members = _check_slot(case=case, kind=kind, starts_at=starts_at, ends_at=ends_at, place=place,
                              online_link=online_link, staff=staff, exclude=appointment, now=now)
        before = _when(appointment)
        appointment.starts_at, appointment.ends_at = starts_at, ends_at
        appointment.place, appointment.online_link = place.strip(), online_link.strip()
        appointment.state = AppointmentState.PROPOSED
        appointment.revision += 1
        appointment.reminder_sent_at = None
        appointment.full_clean(exclude=["staff"])
        appointment.save(update_fields=["starts_at", "ends_at", "place", "online_link", "state", "revision",
                                        "reminder_sent_at", "updated_at"])
        appointment.staff.set(members)
        words = _words(appointment, before=before)
        _record(appointment, by=by, comment=_("%(kind)s moved to %(when)s, %(where)s (was %(before)s).") % words)
        key = f"{appointment.pk}-{appointment.revision}"
        _notify_applicant(
            appointment, template="appointment_proposed", key=f"appointment-proposed-{key}",
            body=_("New time for the %(kind)s of case %(number)s: %(when)s, %(where)s. Please accept it or ask for "
                   "another time on the case page.") % words)
        _notify_staff(appointment, exclude=by, template="appointment_attend", key=f"appointment-attend-{key}",
                      body=_("You are to attend the %(kind)s of case %(number)s: %(when)s, %(where)s.") % words)
    return appointment


def appointment_cancel(*, appointment: Appointment, reason: str, by) -> Appointment:
    """Call the appointment off, saying why; the applicant is told."""
    reason = (reason or "").strip()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_arranger(appointment, by)
        if appointment.state not in OPEN_STATES:
            raise ApplicationError(_("This appointment is “%(state)s” and cannot be cancelled.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if not reason:
            raise ApplicationError(_("Write why the appointment is cancelled."), code="reason_required",
                                   extra={"field": "reason"})
        appointment.state = AppointmentState.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["state", "cancel_reason", "updated_at"])
        words = _words(appointment, reason=reason)
        _record(appointment, by=by, comment=_("%(kind)s of %(when)s cancelled: %(reason)s") % words)
        _notify_applicant(appointment, template="appointment_cancelled", key=f"appointment-cancelled-{appointment.pk}",
                          body=_("The %(kind)s of %(when)s for case %(number)s was cancelled: %(reason)s") % words)
        _notify_staff(appointment, exclude=by, template="appointment_cancelled",
                      key=f"appointment-cancelled-{appointment.pk}",
                      body=_("The %(kind)s of %(when)s for case %(number)s was cancelled: %(reason)s") % words)
    return appointment


def appointment_mark_missed(*, appointment: Appointment, by) -> Appointment:
    """Record that the applicant did not come (only once the slot has begun)."""
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_arranger(appointment, by)
        if appointment.state not in ACTIVE_STATES:
            raise ApplicationError(_("This appointment is “%(state)s”; the applicant cannot be marked absent.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if appointment.starts_at > timezone.now():
            raise ApplicationError(_("The applicant can be marked absent only once the appointment has started."),
                                   code="not_started")
        appointment.state = AppointmentState.MISSED
        appointment.save(update_fields=["state", "updated_at"])
        words = _words(appointment)
        _record(appointment, by=by, comment=_("The applicant did not attend the %(kind)s of %(when)s.") % words)
        _notify_applicant(appointment, template="appointment_missed",
                          key=f"appointment-missed-{appointment.pk}-{appointment.revision}",
                          body=_("You did not attend the %(kind)s of %(when)s for case %(number)s. The office will "
                                 "contact you.") % words)
    return appointment


# -- the applicant's answer ------------------------------------------------------------------------

def _require_applicant(appointment: Appointment, by) -> None:
    if not applicant_side(appointment.case, by):
        raise ApplicationError(_("Only the applicant can answer this appointment."), code="not_applicant")


def appointment_accept(*, appointment: Appointment, by) -> Appointment:
    """The applicant accepts the proposed slot."""
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_applicant(appointment, by)
        if appointment.state != AppointmentState.PROPOSED:
            raise ApplicationError(_("This appointment is not waiting for your answer."), code="wrong_state")
        if appointment.starts_at <= timezone.now():
            raise ApplicationError(_("The time of this appointment has passed."), code="past")
        appointment.state = AppointmentState.ACCEPTED
        appointment.save(update_fields=["state", "updated_at"])
        words = _words(appointment)
        _record(appointment, by=by, comment=_("The applicant accepted the %(kind)s of %(when)s.") % words)
        _notify_staff(appointment, template="appointment_accepted",
                      key=f"appointment-accepted-{appointment.pk}-{appointment.revision}",
                      body=_("The applicant accepted the %(kind)s of %(when)s for case %(number)s.") % words)
    return appointment


def appointment_reschedule_request(*, appointment: Appointment, reason: str, by) -> Appointment:
    """The applicant asks for another slot, saying why; counted against the kind's allowance."""
    reason = (reason or "").strip()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_applicant(appointment, by)
        if appointment.state not in ACTIVE_STATES:
            raise ApplicationError(_("Another time cannot be asked for this appointment now."), code="wrong_state")
        if appointment.starts_at <= timezone.now():
            raise ApplicationError(_("The time of this appointment has passed."), code="past")
        kind = appointment.kind_def
        allowed = kind.reschedule_allowed if kind is not None else 0
        if allowed <= 0:
            raise ApplicationError(_("This kind of appointment cannot be moved at your request; please contact the "
                                     "office."), code="not_allowed")
        if appointment.reschedule_count >= allowed:
            raise ApplicationError(_("You have already asked for another time as often as this appointment allows; "
                                     "please contact the office."), code="allowance_used")
        if not reason:
            raise ApplicationError(_("Say why the proposed time does not suit you."), code="reason_required",
                                   extra={"field": "reason"})
        appointment.state = AppointmentState.RESCHEDULE_REQUESTED
        appointment.reschedule_count += 1
        appointment.reschedule_reason = reason
        appointment.save(update_fields=["state", "reschedule_count", "reschedule_reason", "updated_at"])
        words = _words(appointment, reason=reason)
        _record(appointment, by=by,
                comment=_("The applicant asked for another time for the %(kind)s of %(when)s: %(reason)s") % words)
        _notify_staff(appointment, template="appointment_reschedule_requested",
                      key=f"appointment-reschedule-requested-{appointment.pk}-{appointment.reschedule_count}",
                      body=_("The applicant of case %(number)s asked for another time for the %(kind)s of %(when)s.")
                      % words)
    return appointment


# -- the visit report --------------------------------------------------------------------------------

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
    from khedmat.core.upload_messages import rejection_message
    from khedmat.core.uploads import UploadRejected, validate_upload

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
        raise ApplicationError(_("A score was given for a criterion that is not in the scheme."), code="unknown_criterion")
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


def _write_report(*, appointment: Appointment, scheme, pairs, photos, notes: str, attendees: str,
                  applicant_present: bool, by, now, corrects: VisitReport | None = None,
                  correction_reason: str = "", written: list) -> VisitReport:
    from django.core.files.base import File

    from khedmat.core.uploads import storage_name

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


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _require_visitor(appointment: Appointment, by) -> None:
    if not selectors.appointment_may_attend(appointment=appointment, user=by):
        raise ApplicationError(_("Only a staff member who attended can record the report."), code="forbidden")


def visit_report_record(*, appointment: Appointment, notes: str, applicant_present: bool, by, attendees: str = "",
                        scores: dict | None = None, photos: Sequence = ()) -> VisitReport:
    """Record what the visit found: the appointment is held, and the kind's done transition (if any)
    moves the case, all in one transaction. Nothing is written when any part is refused."""
    from khedmat.cases.services import case_transition

    notes = (notes or "").strip()
    scores = scores or {}
    now = timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
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
            if not notes:
                raise ApplicationError(_("Write the notes of the visit."), code="notes_required", extra={"field": "notes"})
            scheme, pairs = _checked_scores(kind, scores)
            checked = _checked_photos(photos)
            report = _write_report(appointment=appointment, scheme=scheme, pairs=pairs, photos=checked, notes=notes,
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
                case_transition(case=case, name=kind.done_transition, by=by, _allow_internal=True)
            visit_report_recorded.send(sender=VisitReport, report=report, by=by)
    except BaseException:
        _remove_files(written)
        raise
    return report


def visit_report_correct(*, report: VisitReport, reason: str, notes: str, applicant_present: bool, by,
                         attendees: str = "", scores: dict | None = None, photos: Sequence = ()) -> VisitReport:
    """Correct a recorded report with a new one that names it and says why; the old one stays as it was."""
    reason = (reason or "").strip()
    notes = (notes or "").strip()
    scores = scores or {}
    now = timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            appointment = _lock(report.appointment)
            _require_visitor(appointment, by)
            kind = _kind(appointment.case, appointment.kind)
            if VisitReport.objects.filter(corrects=report).exists():
                raise ApplicationError(_("This report was already corrected; correct the latest version."),
                                       code="already_corrected")
            if not reason:
                raise ApplicationError(_("Write why the report is corrected."), code="reason_required",
                                       extra={"field": "reason"})
            if not notes:
                raise ApplicationError(_("Write the notes of the visit."), code="notes_required", extra={"field": "notes"})
            scheme, pairs = _checked_scores(kind, scores)
            checked = _checked_photos(photos)
            correction = _write_report(appointment=appointment, scheme=scheme, pairs=pairs, photos=checked, notes=notes,
                                       attendees=attendees, applicant_present=applicant_present, by=by, now=now,
                                       corrects=report, correction_reason=reason, written=written)
            _record(appointment, by=by, public=False,
                    comment=_("The report of the %(kind)s of %(when)s was corrected: %(reason)s")
                    % _words(appointment, reason=reason))
    except BaseException:
        _remove_files(written)
        raise
    return correction


# -- reminders ----------------------------------------------------------------------------------------

def _remind_one(appointment_id: int, *, now: dt.datetime) -> bool:
    """Claim and send one reminder; False if another run already sent it or the slot changed."""
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("case__service", "case__applicant")
                       .filter(pk=appointment_id, state__in=ACTIVE_STATES, reminder_sent_at__isnull=True,
                               starts_at__gt=now).first())
        if appointment is None:
            return False
        appointment.reminder_sent_at = now
        appointment.save(update_fields=["reminder_sent_at"])
        body = _("Reminder: %(kind)s for case %(number)s on %(when)s, %(where)s.") % _words(appointment)
        key = f"appointment-reminder-{appointment.pk}-{appointment.revision}"
        _notify_applicant(appointment, template="appointment_reminder", key=key, body=body)
        _notify_staff(appointment, template="appointment_reminder", key=f"{key}-staff", body=body,
                      channels=("inapp", "sms"))
    return True


def appointments_remind(*, now: dt.datetime | None = None) -> int:
    """Remind applicant and visitors of every slot whose previous working day has come (Tehran date);
    each reminder goes out once, however often or concurrently the sweep runs. Returns how many went out."""
    now = now or timezone.now()
    today = jalali.local_date(now)
    due = (Appointment.objects.filter(state__in=ACTIVE_STATES, reminder_sent_at__isnull=True, starts_at__gt=now)
           .select_related("case").order_by("starts_at"))
    calendars = {}
    sent = 0
    for appointment in due:
        key = (appointment.case.province_id, appointment.case.office_id)
        if key not in calendars:
            calendars[key] = calendar_for(province=key[0], office=key[1])
        if calendars[key].previous_working_day(jalali.local_date(appointment.starts_at)) > today:
            continue
        if _remind_one(appointment.pk, now=now):
            sent += 1
    return sent
