import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from khedmat.cases import process as registry
from khedmat.cases import services
from khedmat.cases.models import Case, CaseEvent, DeficiencyNotice, DocumentVersion, EventType
from khedmat.cases.process import AppointmentKind, CommitteeStep
from khedmat.cases.tests.process import PROCESS
from khedmat.cases.tracking import tracking_display, tracking_parse
from khedmat.core.exceptions import ApplicationError
from khedmat.core.jalali import TEHRAN
from khedmat.notifications.models import OutboxMessage, SentMessage
from khedmat.testing import login, make_staff
from khedmat.workcalendar.models import Closure

pytestmark = pytest.mark.django_db


def tehran_time(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TEHRAN)


def move(case, name, by, **kwargs):
    case.refresh_from_db()
    return services.case_transition(case=case, name=name, by=by, expected_version=case.version, **kwargs)


def notice(case, by, rounds_text="مدرک ناخوانا است"):
    case.refresh_from_db()
    return services.deficiency_notice_issue(
        case=case, items=[{"document_code": "id_card", "text": rounds_text, "guidance": "تصویر واضح بارگذاری کنید"}],
        summary="نواقص پرونده", by=by, expected_version=case.version,
    )


@pytest.fixture
def case_in_state(submitted, expert, unit_head, applicant):
    """Build a case in any state of the test process through real transitions."""
    def build(state):
        case = submitted
        if state == "draft":
            return services.case_create(service=case.service, applicant=applicant)
        if state == "deficiencies_notified":
            notice(case, expert)
        elif state == "awaiting_approval":
            move(case, "recommend", expert)
        elif state == "approved":
            move(case, "recommend", expert)
            move(case, "approve", unit_head)
        elif state == "rejected":
            move(case, "reject", expert, comment="خارج از صلاحیت")
        case.refresh_from_db()
        assert case.state == state
        return case
    return build


def test_submission_gives_a_tracking_number_pins_the_statement_and_starts_the_clock(submitted):
    case = Case.objects.get(pk=submitted.pk)
    assert case.state == "under_review"
    assert tracking_parse(case.tracking_number) == case.tracking_number
    assert case.sla_statement.version == 1 and case.sla_target_days == 5 and case.sla_running
    assert case.events.filter(event_type=EventType.SUBMITTED).count() == 1


def test_tracking_numbers_are_unique_and_sequential(test_service, applicant, upload):
    numbers = []
    for _ in range(3):
        case = services.case_create(service=test_service, applicant=applicant)
        case = services.case_data_update(case=case, data={"subject": "x"}, title="x", by=applicant,
                                         expected_version=case.version)
        upload(case, "id_card", applicant)
        upload(case, "letter", applicant)
        case.refresh_from_db()
        numbers.append(services.case_submit(case=case, by=applicant, expected_version=case.version).tracking_number)
    assert len(set(numbers)) == 3
    assert [int(n[5:11]) for n in numbers] == sorted(int(n[5:11]) for n in numbers)


def test_submission_is_refused_without_the_required_documents(draft, applicant):
    case = services.case_data_update(case=draft, data={"subject": "x"}, title="x", by=applicant,
                                     expected_version=draft.version)
    with pytest.raises(ApplicationError) as error:
        services.case_submit(case=case, by=applicant, expected_version=case.version)
    assert "نامه درخواست" in error.value.message
    case.refresh_from_db()
    assert case.state == "draft" and case.tracking_number is None
    assert not case.events.filter(event_type=EventType.SUBMITTED).exists()


STATES = [s.code for s in PROCESS.states]
PUBLIC_TRANSITIONS = [t for t in PROCESS.transitions if not t.internal]


@pytest.mark.parametrize("transition", PUBLIC_TRANSITIONS, ids=lambda t: t.name)
@pytest.mark.parametrize("state", STATES)
def test_each_transition_is_allowed_only_from_its_source_states(case_in_state, transition, state, expert, unit_head):
    case = case_in_state(state)
    actor = expert if "expert" in transition.roles else unit_head
    events_before = case.events.count()
    if state in transition.sources:
        moved = move(case, transition.name, actor, comment="دلیل")
        assert moved.state == transition.target
        assert case.events.count() == events_before + 1
    else:
        with pytest.raises(ApplicationError):
            move(case, transition.name, actor, comment="دلیل")
        case.refresh_from_db()
        assert case.state == state and case.events.count() == events_before


def test_a_role_that_does_not_hold_the_transition_is_refused(submitted, applicant, unit_head):
    for person in (applicant, unit_head):
        with pytest.raises(ApplicationError) as error:
            move(submitted, "recommend", person)
        assert error.value.code == "forbidden"
    submitted.refresh_from_db()
    assert submitted.state == "under_review"


def test_staff_of_another_province_cannot_act(submitted, isfahan):
    stranger = make_staff(province=isfahan, roles=["expert"])
    with pytest.raises(ApplicationError):
        move(submitted, "recommend", stranger)


def test_a_comment_is_required_where_the_process_says_so(submitted, expert):
    with pytest.raises(ApplicationError) as error:
        move(submitted, "reject", expert, comment="  ")
    assert error.value.code == "comment_required"


def test_a_failing_step_leaves_no_event_and_no_state_change(submitted, expert, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "sla_refresh", broken)
    events_before = submitted.events.count()
    with pytest.raises(RuntimeError):
        move(submitted, "recommend", expert)
    case = Case.objects.get(pk=submitted.pk)
    assert case.state == "under_review" and case.version == submitted.version
    assert case.events.count() == events_before


def test_a_stale_form_gets_a_clear_message_and_changes_nothing(submitted, expert):
    stale_version = submitted.version
    move(submitted, "recommend", expert)
    with pytest.raises(ApplicationError) as error:
        services.case_transition(case=submitted, name="reject", by=expert, comment="x", expected_version=stale_version)
    assert error.value.code == "stale"
    submitted.refresh_from_db()
    assert submitted.state == "awaiting_approval"


def test_deficiency_loop_with_two_rounds(submitted, expert, applicant, upload, django_capture_on_commit_callbacks):
    first = notice(submitted, expert)
    submitted.refresh_from_db()
    assert submitted.state == "deficiencies_notified" and not submitted.sla_running
    # Nothing answered: refused, nothing changes.
    with pytest.raises(ApplicationError):
        services.case_resubmit(case=submitted, answers={}, by=applicant, expected_version=submitted.version)
    upload(submitted, "id_card", applicant)
    submitted.refresh_from_db()
    services.case_resubmit(case=submitted, answers={}, by=applicant, expected_version=submitted.version)
    second = notice(submitted, expert, "امضا ندارد")
    submitted.refresh_from_db()
    item = second.items.get()
    services.case_resubmit(case=submitted, answers={item.pk: "نامه امضاشده ارسال شد"}, by=applicant,
                           expected_version=submitted.version)
    submitted.refresh_from_db()
    assert submitted.state == "under_review" and submitted.sla_running
    assert list(DeficiencyNotice.objects.filter(case=submitted).values_list("round", flat=True)) == [1, 2]
    assert all(n.answered_at for n in DeficiencyNotice.objects.filter(case=submitted))
    assert first.items.get().text == "مدرک ناخوانا است"
    assert DocumentVersion.objects.filter(document__case=submitted, document__requirement="id_card").count() == 2


def test_a_deficiency_notice_needs_guidance(submitted, expert):
    with pytest.raises(ApplicationError):
        services.deficiency_notice_issue(case=submitted, items=[{"text": "ناقص", "guidance": ""}], summary="",
                                         by=expert, expected_version=submitted.version)
    assert not DeficiencyNotice.objects.exists()


def test_sla_clock_pauses_for_the_applicant_across_nowruz(ready_draft, applicant, expert, upload):
    with time_machine.travel(tehran_time(2025, 3, 15), tick=False):  # Saturday 1403-12-25
        case = services.case_submit(case=ready_draft, by=applicant, expected_version=ready_draft.version)
    # 5 working days: Sun 16, Mon 17, Tue 18; 29 Esfand, Thursday and Nowruz skipped; Tue 25, Wed 26.
    assert case.sla_deadline == tehran_time(2025, 3, 27, 0)
    with time_machine.travel(tehran_time(2025, 3, 17), tick=False):  # Monday: 2 working days used
        notice(case, expert)
    with time_machine.travel(tehran_time(2025, 3, 25), tick=False):  # Tuesday 1404-01-05, after Nowruz
        upload(case, "id_card", applicant)
        case.refresh_from_db()
        services.case_resubmit(case=case, answers={}, by=applicant, expected_version=case.version)
    case.refresh_from_db()
    assert case.sla_banked_days == 2 and case.sla_running
    # 3 more working days after Tuesday: Wed 26, Sat 29, Sun 30 March → the end of Sunday.
    assert case.sla_deadline == tehran_time(2025, 3, 31, 0)
    # The original deadline is kept for "met against the original" reports.
    assert case.sla_original_deadline == tehran_time(2025, 3, 27, 0)


def test_sla_columns_are_a_function_of_the_events(submitted, expert):
    move(submitted, "recommend", expert)
    case = Case.objects.get(pk=submitted.pk)
    before = (case.sla_running, case.sla_banked_days, case.sla_run_started_at, case.sla_deadline, case.sla_warning_at)
    Case.objects.filter(pk=case.pk).update(sla_running=False, sla_banked_days=0, sla_run_started_at=None,
                                           sla_deadline=None, sla_warning_at=None)
    case = Case.objects.get(pk=case.pk)
    services.sla_refresh(case=case)
    services.sla_refresh(case=case)
    case = Case.objects.get(pk=case.pk)
    assert (case.sla_running, case.sla_banked_days, case.sla_run_started_at, case.sla_deadline,
            case.sla_warning_at) == before


def test_a_new_closure_moves_open_deadlines_and_is_logged(ready_draft, applicant, tehran,
                                                          django_capture_on_commit_callbacks):
    with time_machine.travel(tehran_time(2026, 12, 12), tick=False):  # Saturday 1405-09-21
        case = services.case_submit(case=ready_draft, by=applicant, expected_version=ready_draft.version)
        old = Case.objects.get(pk=case.pk).sla_deadline
        with django_capture_on_commit_callbacks(execute=True):
            Closure.objects.create(province=tehran, start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 14),
                                   kind="pollution", description="آلودگی هوا")
    case = Case.objects.get(pk=case.pk)
    assert case.sla_deadline == old + dt.timedelta(days=1)
    event = case.events.get(event_type=EventType.DEADLINE_CHANGED)
    assert event.data["old"] == old.isoformat()


def test_sweep_warns_and_flags_breaches_once(submitted, expert):
    services.case_claim(case=submitted, by=expert)
    case = Case.objects.get(pk=submitted.pk)
    with time_machine.travel(case.sla_warning_at + dt.timedelta(minutes=1), tick=False):
        assert services.sla_sweep() == {"warning": 1, "breach": 0}
        assert services.sla_sweep() == {"warning": 0, "breach": 0}
    with time_machine.travel(case.sla_deadline + dt.timedelta(minutes=1), tick=False):
        assert services.sla_sweep() == {"warning": 0, "breach": 1}
        assert services.sla_sweep() == {"warning": 0, "breach": 0}
    assert case.events.filter(event_type=EventType.SLA_BREACH).count() == 1


def test_notes_are_internal_and_messages_are_shared(submitted, expert, applicant):
    services.case_note_add(case=submitted, text="بررسی سابقه لازم است", by=expert)
    services.case_message_add(case=submitted, text="لطفاً تماس بگیرید", by=expert)
    with pytest.raises(ApplicationError):
        services.case_note_add(case=submitted, text="یادداشت", by=applicant)
    assert CaseEvent.objects.get(event_type=EventType.NOTE).public is False
    assert CaseEvent.objects.get(event_type=EventType.MESSAGE).public is True


def test_claiming_and_assigning(submitted, expert, unit_head, tehran):
    other = make_staff(province=tehran, roles=["expert"])
    services.case_claim(case=submitted, by=expert)
    with pytest.raises(ApplicationError) as error:
        services.case_claim(case=submitted, by=other)
    assert error.value.code == "taken"
    with pytest.raises(ApplicationError):
        services.case_assign(case=submitted, to=other, by=expert)
    services.case_assign(case=submitted, to=other, by=unit_head)
    assert Case.objects.get(pk=submitted.pk).assigned_to == other


def test_events_cannot_be_changed_or_deleted(submitted):
    event = submitted.events.first()
    event.comment = "تغییر"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


def test_a_process_refuses_committee_steps_and_appointment_kinds_it_cannot_run():

    with pytest.raises(ValueError, match="committee step"):
        dataclasses.replace(PROCESS, committee_steps=(CommitteeStep("nowhere", "training_committee", decisions=()),))
    with pytest.raises(ValueError, match="committee decision"):
        dataclasses.replace(PROCESS, committee_steps=(
            CommitteeStep("under_review", "training_committee", decisions=(("approve", "no_such_transition"),)),))
    with pytest.raises(ValueError, match="appointment kind"):
        dataclasses.replace(PROCESS, appointment_kinds=(AppointmentKind("field_visit", "بازدید", states=("nowhere",)),))


# -- the declaration rule (issue 15, point 1) ---------------------------------------------------

@pytest.fixture
def declaring_service(test_service):

    def refuse_secret(*, data, organization, province):
        return "این درخواست را استان دیگری رسیدگی می‌کند" if data.get("subject") == "secret" else None

    registry.register(dataclasses.replace(PROCESS, declaration=refuse_secret))
    yield test_service
    registry.register(PROCESS)


def test_a_refused_declaration_opens_no_case(declaring_service, applicant):
    with pytest.raises(ApplicationError) as error:
        services.case_create(service=declaring_service, applicant=applicant, data={"subject": "secret"})
    assert error.value.code == "not_competent" and "استان دیگری" in error.value.message
    assert not Case.objects.filter(applicant=applicant).exists()
    case = services.case_create(service=declaring_service, applicant=applicant, data={"subject": "ok"})
    assert case.data == {"subject": "ok"}


def test_a_case_cannot_be_changed_into_a_refused_declaration(declaring_service, applicant):
    case = services.case_create(service=declaring_service, applicant=applicant, data={"subject": "ok"})
    with pytest.raises(ApplicationError) as error:
        services.case_data_update(case=case, data={"subject": "secret"}, title="", by=applicant,
                                  expected_version=case.version)
    assert error.value.code == "not_competent"
    case.refresh_from_db()
    assert case.data == {"subject": "ok"}
    assert services.case_declaration_refusal(case) is None


def test_the_tracking_number_reads_left_to_right_in_the_sms_and_the_inbox(client, submitted, applicant):
    """The inbox showed ۴-۱۴۰۵-۰۰۰۰۰۹-۳ as «۳-۰۰۰۰۰۹-۱۴۰۵-۴» and the SMS had no direction marks
    (docs/adr/0017-bidi-isolation.md): the SMS body carries LRM on both sides of the number, the page
    a <bdi dir="ltr">."""
    number = tracking_display(submitted.tracking_number)
    sms = SentMessage.objects.filter(to=applicant.mobile, outbox_message__template="case_submitted").get()
    assert f"\u200e{number}\u200e" in sms.body
    assert not any(c.isascii() and c.isdigit() for c in sms.body)
    inapp = OutboxMessage.objects.get(recipient=applicant, channel="inapp", template="case_submitted")
    assert f"\u200e{number}\u200e" in inapp.subject
    login(client, applicant)
    html = client.get("/notifications/").content.decode()
    assert html.count(f'<bdi dir="ltr">{number}</bdi>') == 2  # the title and the text
    assert "\u200e" not in html  # the page isolates with markup, not with marks
