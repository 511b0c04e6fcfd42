import datetime as dt
import os
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from khedmat.appointments import services
from khedmat.appointments.models import Appointment, AppointmentState, VisitPhoto, VisitReport, VisitScore
from khedmat.appointments.services import visit_report
from khedmat.appointments.tests.conftest import at, pdf_as_photo, photo, png_bytes, propose, working_day
from khedmat.cases.models import CaseEvent
from khedmat.cases.services import case_transition
from khedmat.core.jalali import local_date
from khedmat.notifications.models import OutboxMessage
from khedmat.testing import make_staff
from khedmat.testing_fixtures import refused
from khedmat.workcalendar.models import Holiday
from khedmat.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db


# -- proposing ---------------------------------------------------------------------------------------

def test_an_expert_proposes_a_visit_the_applicant_is_told_and_the_case_records_it(case, expert, applicant):
    events = CaseEvent.objects.filter(case=case).count()
    appointment = propose(case, expert)
    assert appointment.state == AppointmentState.PROPOSED and appointment.revision == 1
    assert list(appointment.staff.all()) == [expert] and appointment.created_by == expert
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.public and event.actor == expert and "بازدید میدانی" in event.comment
    keys = set(OutboxMessage.objects.filter(recipient=applicant).values_list("idempotency_key", flat=True))
    assert {f"appointment-proposed-{appointment.pk}-1:inapp", f"appointment-proposed-{appointment.pk}-1:sms"} <= keys


def test_proposing_on_a_holiday_is_refused_and_names_the_holiday(case, expert):
    day = working_day(case, 3)
    Holiday.objects.create(date=day, title="تعطیل آزمایشی", kind="other")
    error = refused("day_off", propose, case, expert, day=day)
    assert "تعطیل آزمایشی" in error.message
    assert not Appointment.objects.exists()


def test_proposing_on_a_friday_is_refused(case, expert):
    today = timezone.localdate()
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    refused("day_off", propose, case, expert, day=friday)
    assert not Appointment.objects.exists()


def test_proposing_in_the_past_or_ending_before_it_starts_is_refused(case, expert):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused("past", propose, case, expert, day=yesterday)
    refused("ends_before_start", propose, case, expert, start="11:00", end="10:00")
    refused("ends_before_start", propose, case, expert, start="11:00", end="11:00")
    refused("no_place", propose, case, expert, place="")
    assert not Appointment.objects.exists()


def test_a_double_booked_staff_member_is_refused_by_name(case, expert):
    propose(case, expert, start="10:00", end="11:00")
    error = refused("double_booked", propose, case, expert, start="10:30", end="12:00", kind="briefing")
    assert expert.get_full_name() in error.message
    assert Appointment.objects.count() == 1
    propose(case, expert, start="11:00", end="12:00", kind="briefing")  # back to back is fine
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_frees_the_time(case, expert):
    first = propose(case, expert)
    services.appointment_cancel(appointment=first, reason="درخواست متقاضی", by=expert)
    propose(case, expert)
    assert Appointment.objects.filter(state=AppointmentState.PROPOSED).count() == 1


def test_only_staff_with_the_kinds_role_may_propose_and_only_in_its_states(case, expert, applicant, unit_head,
                                                                          isfahan_expert):
    refused("forbidden", propose, case, applicant, staff=[expert])
    refused("forbidden", propose, case, isfahan_expert, staff=[expert])
    refused("forbidden", propose, case, unit_head, staff=[expert])  # field visits are for experts
    refused("not_eligible", propose, case, expert, staff=[unit_head])
    propose(case, unit_head, kind="briefing", staff=[unit_head])  # briefings allow the unit head
    refused("unknown_kind", propose, case, expert, kind="inspection")


def test_proposing_outside_the_kinds_states_is_refused(case, expert, unit_head):
    case = case_transition(case=case, name="recommend", by=expert)
    refused("wrong_state", propose, case, expert)
    propose(case, expert, kind="briefing")  # the briefing is allowed while awaiting approval


def test_a_draft_case_cannot_get_an_appointment(appointment_process, draft, expert):
    refused("forbidden", propose, draft, expert)


# -- the applicant's answer ------------------------------------------------------------------------

def test_the_applicant_accepts_and_the_visitors_hear_of_it(proposed, applicant, expert):
    appointment = services.appointment_accept(appointment=proposed, by=applicant)
    assert appointment.state == AppointmentState.ACCEPTED
    assert OutboxMessage.objects.filter(recipient=expert, template="appointment_accepted").count() == 1
    refused("wrong_state", services.appointment_accept, appointment=appointment, by=applicant)


def test_only_the_applicant_answers(proposed, expert, other_applicant):
    refused("not_applicant", services.appointment_accept, appointment=proposed, by=expert)
    refused("not_applicant", services.appointment_accept, appointment=proposed, by=other_applicant)
    refused("not_applicant", services.appointment_reschedule_request, appointment=proposed, reason="x",
            by=other_applicant)
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED


def test_another_time_may_be_asked_once_then_it_is_refused(case, proposed, applicant, expert):
    refused("reason_required", services.appointment_reschedule_request, appointment=proposed, reason="  ", by=applicant)
    appointment = services.appointment_reschedule_request(appointment=proposed, reason="سفر هستم", by=applicant)
    assert appointment.state == AppointmentState.RESCHEDULE_REQUESTED and appointment.reschedule_count == 1
    day = working_day(case, 4)
    moved = services.appointment_reschedule(appointment=appointment, starts_at=at(day, "09:00"),
                                            ends_at=at(day, "10:00"), place="محل جدید", staff=[expert], by=expert)
    assert moved.pk == proposed.pk and moved.state == AppointmentState.PROPOSED and moved.revision == 2
    assert "محل جدید" in CaseEvent.objects.filter(case=case).latest("id").comment
    error = refused("allowance_used", services.appointment_reschedule_request, appointment=moved, reason="باز هم",
                    by=applicant)
    assert error.message
    moved.refresh_from_db()
    assert moved.state == AppointmentState.PROPOSED and moved.reschedule_count == 1
    assert OutboxMessage.objects.filter(recipient=applicant,
                                        idempotency_key=f"appointment-proposed-{moved.pk}-2:sms").exists()


def test_a_kind_without_reschedules_refuses_the_request(case, expert, applicant):
    briefing = propose(case, expert, kind="briefing")
    refused("not_allowed", services.appointment_reschedule_request, appointment=briefing, reason="x", by=applicant)


def test_staff_cannot_move_an_appointment_into_a_clash(case, expert):
    first = propose(case, expert, start="09:00", end="10:00")
    second = propose(case, expert, start="10:00", end="11:00", kind="briefing")
    day = jalali_day(first)
    refused("double_booked", services.appointment_reschedule, appointment=first, starts_at=at(day, "10:30"),
            ends_at=at(day, "11:30"), place="x", staff=[expert], by=expert)
    # Moving within its own time is not a clash with itself.
    services.appointment_reschedule(appointment=second, starts_at=at(day, "10:15"), ends_at=at(day, "11:00"),
                                    place="x", staff=[expert], by=expert)


def jalali_day(appointment):
    return local_date(appointment.starts_at)


# -- cancel and missed -------------------------------------------------------------------------------

def test_cancel_needs_a_reason_and_tells_the_applicant(proposed, expert, applicant):
    refused("reason_required", services.appointment_cancel, appointment=proposed, reason="", by=expert)
    appointment = services.appointment_cancel(appointment=proposed, reason="بیماری کارشناس", by=expert)
    assert appointment.state == AppointmentState.CANCELLED and appointment.cancel_reason == "بیماری کارشناس"
    assert OutboxMessage.objects.filter(recipient=applicant, template="appointment_cancelled").count() == 2
    refused("wrong_state", services.appointment_cancel, appointment=appointment, reason="x", by=expert)


def test_others_cannot_cancel(proposed, applicant, isfahan_expert):
    refused("forbidden", services.appointment_cancel, appointment=proposed, reason="x", by=applicant)
    refused("forbidden", services.appointment_cancel, appointment=proposed, reason="x", by=isfahan_expert)


def test_missed_only_once_the_appointment_has_started(proposed, expert):
    refused("not_started", services.appointment_mark_missed, appointment=proposed, by=expert)
    with time_machine.travel(proposed.starts_at + dt.timedelta(minutes=20), tick=False):
        appointment = services.appointment_mark_missed(appointment=proposed, by=expert)
    assert appointment.state == AppointmentState.MISSED


# -- reminders ---------------------------------------------------------------------------------------

def _reminders(appointment, user):
    return OutboxMessage.objects.filter(recipient=user, template="appointment_reminder",
                                        idempotency_key__startswith=f"appointment-reminder-{appointment.pk}-")


def test_the_reminder_goes_out_on_the_previous_working_day_once(case, proposed, applicant, expert):
    day = jalali_day(proposed)
    eve = calendar_for(province=case.province_id).previous_working_day(day)
    too_early = at(eve, "08:00") - dt.timedelta(days=1)
    assert services.appointments_remind(now=too_early) == 0
    assert services.appointments_remind(now=at(eve, "08:00")) == 1
    assert services.appointments_remind(now=at(eve, "09:00")) == 0  # the sweep ran twice
    assert sorted(_reminders(proposed, applicant).values_list("channel", flat=True)) == ["inapp", "sms"]
    assert sorted(_reminders(proposed, expert).values_list("channel", flat=True)) == ["inapp", "sms"]
    proposed.refresh_from_db()
    assert proposed.reminder_sent_at == at(eve, "08:00")


def test_the_reminder_claim_is_taken_once_even_if_two_sweeps_see_the_same_row(case, proposed, applicant):
    """Both sweeps listed the row before either claimed it: the locked re-read lets only one send."""
    now = at(calendar_for(province=case.province_id).previous_working_day(jalali_day(proposed)), "08:00")
    assert services._remind_one(proposed.pk, now=now) is True
    assert services._remind_one(proposed.pk, now=now) is False
    assert _reminders(proposed, applicant).count() == 2


def test_a_new_slot_gets_a_new_reminder(case, proposed, applicant, expert):
    calendar = calendar_for(province=case.province_id)
    services.appointments_remind(now=at(calendar.previous_working_day(jalali_day(proposed)), "08:00"))
    day = working_day(case, 5)
    moved = services.appointment_reschedule(appointment=proposed, starts_at=at(day, "09:00"), ends_at=at(day, "10:00"),
                                            place="x", staff=[expert], by=expert)
    assert moved.reminder_sent_at is None
    assert services.appointments_remind(now=at(calendar.previous_working_day(day), "08:00")) == 1
    assert _reminders(proposed, applicant).count() == 4


def test_cancelled_and_past_appointments_get_no_reminder(case, proposed, expert):
    services.appointment_cancel(appointment=proposed, reason="x", by=expert)
    assert services.appointments_remind(now=proposed.starts_at - dt.timedelta(hours=2)) == 0
    other = propose(case, expert, kind="briefing")
    assert services.appointments_remind(now=other.starts_at + dt.timedelta(minutes=1)) == 0


# -- the visit report --------------------------------------------------------------------------------

@pytest.fixture
def started(proposed):
    with time_machine.travel(proposed.starts_at + dt.timedelta(minutes=30), tick=False):
        yield proposed


def _scores(scheme, first, second):
    a, b = scheme.criteria.order_by("order")
    return {a.pk: first, b.pk: second}


def test_recording_the_report_holds_the_appointment_and_runs_the_done_transition(case, started, scheme, expert):
    report = services.visit_report_record(appointment=started, notes="کارگاه مطابق مدارک بود", applicant_present=True,
                                          attendees="نرگس شریفی", scores=_scores(scheme, 8, 20), photos=[photo()],
                                          by=expert)
    assert report.total == 8 + 20 * 1.5 and report.scheme == scheme
    assert VisitScore.objects.filter(report=report).count() == 2
    started.refresh_from_db()
    case.refresh_from_db()
    assert started.state == AppointmentState.HELD
    assert case.state == "awaiting_approval"
    assert CaseEvent.objects.filter(case=case, transition="visited", actor=expert).exists()
    stored = VisitPhoto.objects.get(report=report)
    assert stored.original_name == "site.png" and "site" not in stored.file.name and stored.content_type == "image/png"


@pytest.mark.parametrize("scores, code", [
    ({"a": 11, "b": 5}, "score_range"),
    ({"a": -1, "b": 5}, "score_range"),
    ({"a": "هفت", "b": 5}, "score_range"),
    ({"a": 5}, "score_missing"),
])
def test_scores_are_checked_against_the_scheme_and_nothing_is_written(case, started, scheme, expert, scores, code):
    a, b = scheme.criteria.order_by("order")
    given = {(a.pk if key == "a" else b.pk): value for key, value in scores.items()}
    error = refused(code, services.visit_report_record, appointment=started, notes="x", applicant_present=True,
                    scores=given, by=expert)
    assert error.extra["field"].startswith("score_")
    assert not VisitReport.objects.exists()
    started.refresh_from_db()
    case.refresh_from_db()
    assert started.state == AppointmentState.PROPOSED and case.state == "under_review"


def test_a_report_needs_notes_a_scheme_and_a_visitor(case, started, scheme, expert, tehran):
    refused("notes_required", services.visit_report_record, appointment=started, notes=" ", applicant_present=True,
            scores=_scores(scheme, 1, 1), by=expert)
    other_expert = make_staff(province=tehran, roles=["expert"])
    refused("forbidden", services.visit_report_record, appointment=started, notes="x", applicant_present=True,
            scores=_scores(scheme, 1, 1), by=other_expert)
    scheme.is_active = False
    scheme.save()
    refused("no_scheme", services.visit_report_record, appointment=started, notes="x", applicant_present=True,
            scores={}, by=expert)
    assert not VisitReport.objects.exists()


def test_no_report_before_the_appointment_starts(proposed, scheme, expert):
    refused("not_started", services.visit_report_record, appointment=proposed, notes="x", applicant_present=True,
            scores=_scores(scheme, 1, 1), by=expert)


def test_a_photo_of_the_wrong_type_is_refused_and_nothing_is_kept(case, started, scheme, expert, settings):
    before = (sum(len(files) for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))
                if os.path.isdir(settings.MEDIA_ROOT) else 0)
    error = refused("upload_not_allowed_type", services.visit_report_record, appointment=started, notes="x",
                    applicant_present=True, scores=_scores(scheme, 1, 1), photos=[photo(), pdf_as_photo()], by=expert)
    assert "site.jpg" in error.message
    assert not VisitReport.objects.exists() and not VisitPhoto.objects.exists()
    after = (sum(len(files) for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))
               if os.path.isdir(settings.MEDIA_ROOT) else 0)
    assert after == before
    refused("upload_executable", services.visit_report_record, appointment=started, notes="x", applicant_present=True,
            scores=_scores(scheme, 1, 1), photos=[photo("x.png", b"<html><script>alert(1)</script></html>")], by=expert)


def test_a_photo_with_html_after_its_end_is_refused_naming_what_was_found(case, started, scheme, expert):
    polyglot = photo("site.png", png_bytes() + b"<iframe src='http://evil.example/'></iframe>")
    error = refused("upload_active_content", services.visit_report_record, appointment=started, notes="x",
                    applicant_present=True, scores=_scores(scheme, 1, 1), photos=[photo(), polyglot], by=expert)
    assert "site.png" in error.message and "<iframe" in error.message and "پس از پایان تصویر" in error.message
    assert not VisitReport.objects.exists() and not VisitPhoto.objects.exists()


def test_a_failing_done_transition_undoes_the_whole_report(case, started, scheme, expert):
    with mock.patch("khedmat.cases.services.sla_refresh", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        services.visit_report_record(appointment=started, notes="x", applicant_present=True,
                                     scores=_scores(scheme, 1, 1), photos=[photo()], by=expert)
    assert not VisitReport.objects.exists() and not VisitPhoto.objects.exists()
    started.refresh_from_db()
    case.refresh_from_db()
    assert started.state == AppointmentState.PROPOSED and case.state == "under_review"


def test_a_report_is_never_edited_a_correction_is_a_new_linked_record(case, started, scheme, expert):
    report = services.visit_report_record(appointment=started, notes="یادداشت اول", applicant_present=True,
                                          scores=_scores(scheme, 5, 5), by=expert)
    report.notes = "تغییر"
    with pytest.raises(ValueError):
        report.save()
    with pytest.raises(ValueError):
        report.delete()
    score = report.scores.first()
    score.score = 0
    with pytest.raises(ValueError):
        score.save()
    refused("already_held", services.visit_report_record, appointment=started, notes="x", applicant_present=True,
            scores=_scores(scheme, 1, 1), by=expert)
    refused("reason_required", services.visit_report_correct, report=report, reason="", notes="x",
            applicant_present=True, scores=_scores(scheme, 1, 1), by=expert)
    correction = services.visit_report_correct(report=report, reason="امتیاز اشتباه ثبت شد", notes="یادداشت درست",
                                               applicant_present=True, scores=_scores(scheme, 6, 5), by=expert)
    assert correction.corrects == report and correction.total == 6 + 5 * 1.5
    report.refresh_from_db()
    assert report.notes == "یادداشت اول" and report.total == 5 + 5 * 1.5
    refused("already_corrected", services.visit_report_correct, report=report, reason="x", notes="x",
            applicant_present=True, scores=_scores(scheme, 1, 1), by=expert)
    case.refresh_from_db()
    assert case.state == "awaiting_approval"  # the correction ran no transition again
    assert CaseEvent.objects.filter(case=case, transition="visited").count() == 1
    assert not CaseEvent.objects.filter(case=case).latest("id").public  # the correction is an internal event


def test_an_unscored_kind_takes_notes_only(case, expert):
    briefing = propose(case, expert, kind="briefing")
    with time_machine.travel(briefing.starts_at + dt.timedelta(minutes=5), tick=False):
        report = services.visit_report_record(appointment=briefing, notes="مجوز تحویل شد", applicant_present=True,
                                              by=expert)
        assert report.total is None and not report.scores.exists()
        case.refresh_from_db()
        assert case.state == "under_review"  # the briefing declares no done transition


@pytest.mark.parametrize("correcting", [False, True])
def test_a_report_that_fails_after_its_photos_were_written_leaves_no_file(case, started, scheme, expert, settings,
                                                                          monkeypatch, correcting):
    original = services.visit_report_record(appointment=started, notes="x", applicant_present=True,
                                            scores=_scores(scheme, 1, 1), by=expert) if correcting else None
    written = []
    real_save = VisitPhoto.save

    def save_then_fail(photo, *args, **kwargs):
        written.append(photo.file.name)
        real_save(photo, *args, **kwargs)
        raise RuntimeError("storage of the row failed")

    monkeypatch.setattr(VisitPhoto, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        if correcting:
            visit_report.visit_report_correct(report=original, reason="y", notes="x", applicant_present=True,
                                              scores=_scores(scheme, 1, 1), photos=[photo()], by=expert)
        else:
            visit_report.visit_report_record(appointment=started, notes="x", applicant_present=True,
                                             scores=_scores(scheme, 1, 1), photos=[photo()], by=expert)
    assert written and not any(default_storage.exists(name) for name in written)
    assert VisitReport.objects.count() == (1 if correcting else 0) and not VisitPhoto.objects.exists()
