import datetime as dt

import pytest
from django.utils import timezone

from khedmat.cases.models import Case
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.models import OfficialDocument
from khedmat.certificates.rendering import document_pdf
from khedmat.certificates.tests.test_pdf import compact, normalise, pdftotext
from khedmat.committees import services
from khedmat.committees.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Decision,
    Invitation,
    ItemStatus,
    Session,
    SessionState,
)
from khedmat.committees.tests.conftest import next_working_moment
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.notifications.models import OutboxMessage
from khedmat.testing import make_staff
from khedmat.testing_fixtures import refused
from khedmat.workcalendar.models import Holiday
from khedmat.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db


def arrive(session):
    """The session's time has come."""
    start = timezone.now() - dt.timedelta(minutes=10)
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    session.refresh_from_db()
    return session


def members(committee):
    return {m.role + str(i): m for i, m in enumerate(committee.members.order_by("id"))}


def voters(committee):
    return list(committee.members.filter(voting=True).order_by("id"))  # chair first


def held_with(scheduled, waiting_case, secretary, committee, *, cases=1, present=None):
    session = scheduled()
    made = [waiting_case() for _ in range(cases)]
    for case in made:
        services.agenda_add(session=session, case=case, by=secretary)
    services.invitations_send(session=session, by=secretary)
    arrive(session)
    present = present if present is not None else [m.pk for m in committee.members.all()]
    services.attendance_record(session=session, present=set(present), by=secretary)
    session.refresh_from_db()
    return session, made


def vote_all(item, committee, secretary, choice="approve", overrides=None):
    """Every voting member votes `choice`, except the ones `overrides` names by position (0: the chair)."""
    overrides = overrides or {}
    votes = {m.pk: overrides.get(i, choice) for i, m in enumerate(voters(committee))}
    services.votes_record(item=item, votes=votes, by=secretary)


# -- scheduling -------------------------------------------------------------------------------

def test_a_session_gets_the_next_number_of_the_year(scheduled):
    first, second = scheduled(), scheduled(days_ahead=3)
    assert (first.number, second.number) == (1, 2) and first.state == SessionState.SCHEDULED


def test_a_session_on_a_weekly_day_off_is_refused(committee, room, secretary):
    friday = timezone.localdate() + dt.timedelta(days=(4 - timezone.localdate().weekday()) % 7 or 7)
    start = timezone.make_aware(dt.datetime.combine(friday, dt.time(9)))
    with pytest.raises(ApplicationError, match="تعطیل هفتگی"):
        services.session_schedule(committee=committee, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                  room=room, by=secretary)
    assert not Session.objects.exists()


def test_a_session_on_a_holiday_is_refused(committee, room, secretary, tehran):
    start = next_working_moment(tehran, days_ahead=2)
    Holiday.objects.create(date=start.date(), title="تعطیل آزمایشی", kind="official")
    with pytest.raises(ApplicationError, match="تعطیل آزمایشی"):
        services.session_schedule(committee=committee, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                  room=room, by=secretary)


def test_the_room_cannot_be_booked_twice(scheduled, committee, tehran, secretary, room):
    first = scheduled(hour=9)
    council = Committee.objects.create(province=tehran, kind="steering_council", name="شورای راهبری")
    CommitteeMember.objects.create(committee=council, user=secretary, role="secretary", voting=False)
    start = first.starts_at + dt.timedelta(hours=1)
    with pytest.raises(ApplicationError) as refused:
        services.session_schedule(committee=council, starts_at=start, ends_at=start + dt.timedelta(hours=1), room=room,
                                  by=secretary)
    assert refused.value.code == "conflict" and room.name in refused.value.message


def test_a_member_cannot_sit_in_two_sessions_at_once(scheduled, committee, tehran, secretary):
    first = scheduled(hour=9)
    chair = committee.members.get(role="chair").user
    council = Committee.objects.create(province=tehran, kind="steering_council", name="شورای راهبری")
    council_secretary = make_staff(province=tehran, roles=["committee_secretary"])
    CommitteeMember.objects.create(committee=council, user=council_secretary, role="secretary", voting=False)
    CommitteeMember.objects.create(committee=council, user=chair, role="chair")
    start = first.starts_at + dt.timedelta(minutes=30)
    with pytest.raises(ApplicationError) as refused:
        services.session_schedule(committee=council, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                  online_link="https://meet.example.ir/x", by=council_secretary)
    assert chair.get_full_name() in refused.value.message


def test_only_the_secretary_or_chair_schedules(committee, room, tehran):
    member = committee.members.filter(role="member").first().user
    start = next_working_moment(tehran)
    refused("forbidden", services.session_schedule, committee=committee, starts_at=start,
            ends_at=start + dt.timedelta(hours=1), room=room, by=member)


def test_past_and_inverted_times_are_refused(committee, room, secretary, tehran):
    start = next_working_moment(tehran)
    refused("bad_times", services.session_schedule, committee=committee, starts_at=start, ends_at=start, room=room,
            by=secretary)
    past = timezone.now() - dt.timedelta(days=3)
    refused("past", services.session_schedule, committee=committee, starts_at=past,
            ends_at=past + dt.timedelta(hours=1), room=room, by=secretary)


# -- the agenda and invitations ---------------------------------------------------------------

def test_only_cases_waiting_for_this_committee_go_on_the_agenda(scheduled, waiting_case, secretary, submitted):
    session = scheduled()
    refused("not_waiting", services.agenda_add, session=session, case=submitted, by=secretary)  # still with the expert
    case = waiting_case()
    services.agenda_add(session=session, case=case, by=secretary)
    refused("already_on_agenda", services.agenda_add, session=scheduled(days_ahead=3), case=case, by=secretary)


def test_invitations_are_numbered_letters_to_members_and_the_applicant(scheduled, waiting_case, secretary, committee):
    session = scheduled()
    case = waiting_case()
    services.agenda_add(session=session, case=case, by=secretary)
    services.invitations_send(session=session, by=secretary)
    invitations = Invitation.objects.filter(session=session)
    assert invitations.filter(kind="member").count() == committee.members.count()
    applicant_invitation = invitations.get(kind="applicant")
    assert applicant_invitation.user == case.applicant and applicant_invitation.letter.case == case
    assert applicant_invitation.letter.number.startswith("92-")
    assert OutboxMessage.objects.filter(recipient=case.applicant,
                                        idempotency_key__startswith="committee-invitation").exists()
    # Sending again reaches nobody new.
    services.invitations_send(session=session, by=secretary)
    assert Invitation.objects.filter(session=session).count() == invitations.count()


def test_the_reminder_goes_out_once_on_the_working_day_before(scheduled, waiting_case, secretary, tehran):
    session = scheduled(days_ahead=5)
    services.agenda_add(session=session, case=waiting_case(), by=secretary)
    services.invitations_send(session=session, by=secretary)
    calendar = calendar_for(province=tehran)
    eve = calendar.previous_working_day(timezone.localtime(session.starts_at).date())
    too_early = timezone.make_aware(dt.datetime.combine(eve - dt.timedelta(days=1), dt.time(8)))
    on_the_eve = timezone.make_aware(dt.datetime.combine(eve, dt.time(8)))
    assert services.sessions_remind(now=too_early) == 0
    assert services.sessions_remind(now=on_the_eve) == 1
    assert services.sessions_remind(now=on_the_eve + dt.timedelta(hours=1)) == 0
    reminders = OutboxMessage.objects.filter(idempotency_key__startswith=f"committee-reminder-{session.pk}-")
    assert reminders.filter(channel="inapp").count() == session.invitations.count()


# -- quorum, votes and decisions --------------------------------------------------------------

def test_without_quorum_no_decision_is_recorded(scheduled, waiting_case, secretary, committee):
    chair, *others = voters(committee)
    session, _cases = held_with(scheduled, waiting_case, secretary, committee, present=[chair.pk, others[0].pk])
    item = session.items.get()
    refused("no_quorum", services.votes_record, item=item, votes={chair.pk: "approve", others[0].pk: "approve"},
            by=secretary)
    refused("no_quorum", services.decision_record, item=item, by=secretary)
    assert not Decision.objects.exists()


def test_the_decision_follows_the_votes_and_the_rule(scheduled, waiting_case, secretary, committee):
    session, _cases = held_with(scheduled, waiting_case, secretary, committee)
    item = session.items.get()
    vote_all(item, committee, secretary, "approve", {3: "reject"})
    decision = services.decision_record(item=item, by=secretary)
    assert decision.outcome == "approve" and decision.tally["counts"] == {"approve": 3, "reject": 1}
    committee.decision_rule = "unanimity"
    committee.save()
    refused("no_decision_short", services.decision_record, item=item, by=secretary)


def test_a_tie_is_broken_by_the_chair_or_rolls_over(scheduled, waiting_case, secretary, committee):
    session, _cases = held_with(scheduled, waiting_case, secretary, committee)
    item = session.items.get()
    vote_all(item, committee, secretary, "approve", {2: "reject", 3: "reject"})  # chair approves
    assert services.decision_record(item=item, by=secretary).tally["casting"] is True
    committee.chair_casting_vote = False
    committee.save()
    refused("no_decision_tie", services.decision_record, item=item, by=secretary)


def test_reasons_are_required_for_return_and_reject(scheduled, waiting_case, secretary, committee):
    session, _cases = held_with(scheduled, waiting_case, secretary, committee)
    item = session.items.get()
    vote_all(item, committee, secretary, "reject")
    refused("reasons_required", services.decision_record, item=item, by=secretary)
    assert services.decision_record(item=item, reasons="مدارک جعلی", by=secretary).outcome == "reject"


def test_only_members_present_vote(scheduled, waiting_case, secretary, committee):
    chair, a, b, c = voters(committee)
    session, _cases = held_with(scheduled, waiting_case, secretary, committee, present=[chair.pk, a.pk, b.pk])
    refused("not_present", services.votes_record, item=session.items.get(), votes={c.pk: "approve"}, by=secretary)


# -- minutes ----------------------------------------------------------------------------------

def confirm_all(session):
    for member in services._present_members(session):
        services.minutes_confirm(session=session, by=member.user)
    session.refresh_from_db()
    return session


def test_confirmed_minutes_move_every_case_and_carry_the_rest(scheduled, waiting_case, secretary, committee):
    session, (approved, conditional, returned, unreached) = held_with(scheduled, waiting_case, secretary, committee,
                                                                      cases=4)
    items = {i.case_id: i for i in session.items.all()}
    vote_all(items[approved.pk], committee, secretary, "approve")
    services.decision_record(item=items[approved.pk], by=secretary)
    vote_all(items[conditional.pk], committee, secretary, "approve_with_conditions")
    services.decision_record(item=items[conditional.pk], conditions="ارائه قرارداد اجاره", by=secretary)
    vote_all(items[returned.pk], committee, secretary, "return")
    services.decision_record(item=items[returned.pk], reasons="نقشه کلاس‌ها نیست", guidance="نقشه را بارگذاری کنید",
                             by=secretary)
    following = scheduled(days_ahead=4)
    services.minutes_issue(session=session, by=secretary)
    session.refresh_from_db()
    assert Case.objects.get(pk=approved.pk).state == "awaiting_committee"  # not before the minutes are confirmed
    confirm_all(session)
    assert session.state == SessionState.CONFIRMED
    states = dict(Case.objects.filter(pk__in=[approved.pk, conditional.pk, returned.pk,
                                              unreached.pk]).values_list("pk", "state"))
    assert states == {approved.pk: "approved", conditional.pk: "approved_with_conditions",
                      returned.pk: "deficiencies_notified", unreached.pk: "awaiting_committee"}
    notice = Case.objects.get(pk=returned.pk).deficiency_notices.get()
    assert notice.items.get().guidance == "نقشه را بارگذاری کنید"
    carried = AgendaItem.objects.get(session=following, case_id=unreached.pk)
    assert carried.rolled_from == items[unreached.pk] and items[unreached.pk].__class__.objects.get(
        pk=items[unreached.pk].pk).status == ItemStatus.ROLLED_OVER


def test_a_rolled_over_item_joins_the_next_session_scheduled_later(scheduled, waiting_case, secretary, committee):
    session, (case,) = held_with(scheduled, waiting_case, secretary, committee)
    services.minutes_issue(session=session, by=secretary)
    confirm_all(session)
    later = scheduled(days_ahead=6)
    assert later.items.get().case_id == case.pk


def test_minutes_are_immutable_once_issued_and_corrected_only_by_a_new_record(scheduled, waiting_case, secretary,
                                                                              committee):
    session, _cases = held_with(scheduled, waiting_case, secretary, committee)
    item = session.items.get()
    vote_all(item, committee, secretary, "approve")
    decision = services.decision_record(item=item, by=secretary)
    services.minutes_issue(session=session, by=secretary)
    for attempt in (
        lambda: services.votes_record(item=item, votes={voters(committee)[0].pk: "reject"}, by=secretary),
        lambda: services.decision_record(item=item, by=secretary),
        lambda: services.attendance_record(session=session, present=set(), by=secretary),
    ):
        refused("wrong_state", attempt)
    confirm_all(session)
    refused("wrong_state", services.minutes_withdraw, session=session, reason="اشتباه", by=secretary)
    correction = services.decision_correct(decision=decision, reasons="با توجه به بازدید",
                                           correction_reason="جاافتادگی دلیل", by=secretary)
    decision.refresh_from_db()
    assert correction.corrects == decision and decision.reasons == ""
    assert correction.correction_letter.number.startswith("93-")
    refused("already_corrected", services.decision_correct, decision=decision, reasons="x", correction_reason="y",
            by=secretary)


def test_withdrawn_minutes_stay_on_record_as_revoked(scheduled, waiting_case, secretary, committee):
    session, _cases = held_with(scheduled, waiting_case, secretary, committee)
    services.minutes_issue(session=session, by=secretary)
    session.refresh_from_db()
    first = session.minutes
    services.minutes_withdraw(session=session, reason="نام یک عضو اشتباه است", by=secretary)
    first.refresh_from_db()
    session.refresh_from_db()
    assert first.status == "revoked" and session.state == SessionState.HELD and session.minutes is None


def test_only_members_present_confirm(scheduled, waiting_case, secretary, committee):
    chair, a, b, c = voters(committee)
    session, _cases = held_with(scheduled, waiting_case, secretary, committee, present=[chair.pk, a.pk, b.pk])
    services.minutes_issue(session=session, by=secretary)
    refused("not_present", services.minutes_confirm, session=session, by=c.user)
    services.minutes_confirm(session=session, by=chair.user)
    refused("already_confirmed", services.minutes_confirm, session=session, by=chair.user)
    # The secretary records the others' signatures on the printed minutes.
    services.minutes_confirm(session=session, by=secretary, member=a)
    services.minutes_confirm(session=session, by=secretary, member=b)
    session.refresh_from_db()
    assert session.state == SessionState.CONFIRMED


def test_the_minutes_pdf_lists_attendees_items_votes_and_decisions(scheduled, waiting_case, secretary, committee,
                                                                   tmp_path):
    chair, a, b, c = voters(committee)
    session, (case,) = held_with(scheduled, waiting_case, secretary, committee, present=[chair.pk, a.pk, b.pk])
    item = session.items.get()
    services.votes_record(item=item, votes={chair.pk: "approve_with_conditions", a.pk: "approve_with_conditions",
                                            b.pk: "reject"}, by=secretary)
    services.decision_record(item=item, conditions="ارائه قرارداد اجاره", by=secretary)
    services.minutes_issue(session=session, by=secretary)
    session.refresh_from_db()
    extracted = pdftotext(document_pdf(session.minutes), tmp_path, layout=False)
    text, digits = normalise(extracted), compact(extracted)
    for expected in ("صورتجلسه", "کمیته اعتبارسنجی", "حاضران", "غایبان", "تأیید مشروط", "ارائه قرارداد اجاره"):
        assert expected in text, expected
    for member in (chair, a, b, c):  # the three present and the one absent, by name
        assert compact(member.user.get_full_name()) in digits
    assert compact(to_persian_digits(tracking_display(case.tracking_number))) in digits
    assert compact(to_persian_digits(session.minutes.number)) in digits


def test_the_invitation_sms_has_persian_digits_and_the_session_number_in_order(scheduled, waiting_case, secretary,
                                                                               committee):
    """The members' SMS read "9/1405 … 08:00 (1 بند)": the session number, the time and the count are
    in Persian digits, and the number-like tokens are marked left to right (docs/adr/0017)."""
    session = scheduled()
    services.agenda_add(session=session, case=waiting_case(), by=secretary)
    services.invitations_send(session=session, by=secretary)
    member = committee.members.first().user
    sms = OutboxMessage.objects.filter(recipient=member, channel="sms", idempotency_key__startswith="committee").get()
    assert not any(c.isascii() and c.isdigit() for c in sms.body), sms.body
    label = to_persian_digits(f"{session.number}/{session.year}")
    assert f"\u200e{label}\u200e" in sms.body
    assert "(۱ بند)" in sms.body
    start = timezone.localtime(session.starts_at)
    assert f"\u200e{to_persian_digits(start.strftime('%H:%M'))}\u200e" in sms.body


def test_every_committee_decision_reaches_the_applicant_as_a_letter(scheduled, waiting_case, secretary, committee,
                                                                    django_capture_on_commit_callbacks):
    """Issue 17 point 3: a committee's approval with conditions, rejection and return are numbered letters
    with the reasons (and for a rejection how to object), and the SMS says the decision and the reason."""
    session, (conditional, rejected, returned) = held_with(scheduled, waiting_case, secretary, committee, cases=3)
    items = {i.case_id: i for i in session.items.all()}
    vote_all(items[conditional.pk], committee, secretary, "approve_with_conditions")
    services.decision_record(item=items[conditional.pk], conditions="ارائه قرارداد اجاره", by=secretary)
    vote_all(items[rejected.pk], committee, secretary, "reject")
    services.decision_record(item=items[rejected.pk], reasons="فضای آموزشی کافی نیست", by=secretary)
    vote_all(items[returned.pk], committee, secretary, "return")
    services.decision_record(item=items[returned.pk], reasons="نقشه کلاس‌ها نیست", guidance="نقشه را بارگذاری کنید",
                             by=secretary)
    services.minutes_issue(session=session, by=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_all(session)
    letters = {d.case_id: d for d in OfficialDocument.objects.filter(document_type__code="decision_letter")}
    assert set(letters) == {conditional.pk, rejected.pk}
    assert "ارائه قرارداد اجاره" in str(letters[conditional.pk].content["items"])
    assert not letters[conditional.pk].content["closing"]
    assert "فضای آموزشی کافی نیست" in str(letters[rejected.pk].content["items"])
    assert "سامد" in letters[rejected.pk].content["closing"]
    assert session.minutes.number in " ".join(letters[rejected.pk].content["body"])
    assert Case.objects.get(pk=returned.pk).official_documents.filter(document_type__code="deficiency_letter").exists()
    for case, words in ((conditional, ("با شرایط تأیید شد", "ارائه قرارداد اجاره")),
                        (rejected, ("رد شد", "فضای آموزشی کافی نیست")),
                        (returned, ("نواقص", "نقشه کلاس‌ها نیست"))):
        body = OutboxMessage.objects.filter(case_id=case.pk, channel="inapp").latest("pk").body
        assert all(word in body for word in words) and f"/cases/{case.public_id}/" in body, body
