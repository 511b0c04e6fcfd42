"""Fixtures of service 2: an institute, sample domains and scoring schemes, the staff, and `journey`,
which drives a case through the real services up to a given state."""
import datetime as dt
import io

import pytest
from django.utils import timezone

from khedmat.appointments import services as appointments
from khedmat.appointments.models import ScoringCriterion, ScoringScheme
from khedmat.cases.services import case_create, case_data_update, case_submit, case_transition, document_upload
from khedmat.catalog.models import Service
from khedmat.committees import services as committees
from khedmat.committees.models import Committee, CommitteeMember, Session
from khedmat.services.institute_accreditation import services
from khedmat.services.institute_accreditation.models import Domain, DomainGroup
from khedmat.testing import make_organization, make_staff, make_user
from khedmat.testing_fixtures.cases import PDF
from khedmat.workcalendar.selectors import calendar_for

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
FORMS = ("form_1", "form_2", "form_3", "form_4", "form_5", "form_6")


@pytest.fixture
def domains(db):
    """Two groups with domains (the circular's lists are not in the seed: test data)."""
    management = DomainGroup.objects.create(code="management", title="مدیریت", ordering=1)
    it = DomainGroup.objects.create(code="it", title="فناوری اطلاعات", ordering=2)
    for code, title, group in [("leadership", "رهبری و مدیریت", management), ("hr", "منابع انسانی", management),
                               ("finance", "مدیریت مالی", management), ("security", "امنیت اطلاعات", it)]:
        Domain.objects.create(code=code, title=title, group=group)
    return {"management": management, "it": it}


@pytest.fixture
def schemes(db):
    for code in ("institute_field_visit", "institute_supervision"):
        scheme = ScoringScheme.objects.create(code=code, title=code)
        ScoringCriterion.objects.create(scheme=scheme, order=1, title="فضای آموزشی", max_score=50)
        ScoringCriterion.objects.create(scheme=scheme, order=2, title="توان تخصصی", max_score=50)


@pytest.fixture
def institute(tehran):
    ceo = make_user(first_name="پریسا", last_name="امینی")
    organization = make_organization(owner=ceo, province=tehran, kind="institute", name="موسسه آموزشی افق دانش")
    return organization


@pytest.fixture
def ceo(institute):
    return institute.memberships.get(role="ceo").user


@pytest.fixture
def head(tehran):
    return make_staff(province=tehran, roles=["unit_head"])


@pytest.fixture
def accreditation_committee(tehran):
    committee = Committee.objects.create(province=tehran, kind="accreditation_committee", name="کمیته اعتبارسنجی")
    secretary = make_staff(province=tehran, roles=["committee_secretary"])
    CommitteeMember.objects.create(committee=committee, user=secretary, role="secretary", voting=False)
    for role in ("chair", "member", "member"):
        CommitteeMember.objects.create(committee=committee,
                                       user=make_staff(province=tehran, roles=["committee_member"]), role=role)
    return committee


def upload(case, requirement, by, content=PDF, name="file.pdf", staff_intake=False):
    return document_upload(case=case, requirement=requirement, fileobj=io.BytesIO(content), filename=name,
                           size=len(content), by=by, staff_intake=staff_intake)


def at_working_hour(province, days_ahead=1, hour=10):
    day = calendar_for(province=province).add_working_days(timezone.localdate(), days_ahead)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def started(appointment):
    """The appointment's time has come."""
    start = timezone.now() - dt.timedelta(minutes=5)
    type(appointment).objects.filter(pk=appointment.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    appointment.refresh_from_db()
    return appointment


ORDER = ["draft", "filed", "document_review", "visit_scheduled", "visited", "ceo_checks_pending", "awaiting_committee",
         "committee_approved", "licence_issued", "active"]


@pytest.fixture
def journey(domains, schemes, institute, ceo, expert, head, accreditation_committee,
            django_capture_on_commit_callbacks):
    """journey(until="active", kind=…, domains=[…]) → the case, moved through the real services."""
    def run(until="active", kind="new_licence", codes=("leadership", "hr"), previous="", channel="online",
            decision="approve", grant=None):
        case = case_create(service=Service.objects.get(code="institute_accreditation"), applicant=ceo,
                           organization=institute)
        data = {"request_kind": kind, "group": "management", "domains": list(codes), "channel": channel,
                "previous_licence": previous, "title": kind,
                "delegate_name": "رضا مرادی" if channel == "binder" else "",
                "delegate_national_id": "0010000021" if channel == "binder" else ""}
        case = case_data_update(case=case, data=data, title=kind, by=ceo, expected_version=case.version)
        for code in FORMS:
            upload(case, code, ceo)
        if kind == "domain_upgrade":
            upload(case, "form_8", ceo)
        if channel == "binder":
            upload(case, "introduction_letter", ceo)
        case.refresh_from_db()
        if until == "draft":
            return case
        with django_capture_on_commit_callbacks(execute=True):
            case = case_submit(case=case, by=ceo, expected_version=case.version)
        if until == "filed":
            return case
        services.register(case=case, by=expert)
        case.refresh_from_db()
        if until == "document_review":
            return case
        case = case_transition(case=case, name="schedule_visit", by=expert)
        upload(case, "photos_training", ceo, PNG, "class.png")
        upload(case, "photos_admin", ceo, PNG, "office.png")
        if until == "visit_scheduled":
            return case
        start = at_working_hour(case.province, 2)
        visit = appointments.appointment_propose(case=case, kind="field_visit", starts_at=start,
                                                 ends_at=start + dt.timedelta(hours=2), place="محل موسسه",
                                                 staff=[expert], by=expert)
        appointments.appointment_accept(appointment=visit, by=ceo)
        criteria = {c.pk: 40 for c in ScoringCriterion.objects.filter(scheme__code="institute_field_visit")}
        appointments.visit_report_record(appointment=started(visit), notes="فضا مناسب است", applicant_present=True,
                                         scores=criteria, by=expert)
        case.refresh_from_db()
        if until == "visited":
            return case
        services.ceo_introduce(case=case, by=expert)
        case.refresh_from_db()
        if until == "ceo_checks_pending":
            return case
        upload(case, "ceo_no_criminal_record", ceo)
        upload(case, "ceo_no_addiction", ceo)
        case = case_transition(case=case, name="send_ceo_certificates", by=ceo)
        if until == "awaiting_committee":
            return case
        committee_decide([case], decision)
        case.refresh_from_db()
        if until == "committee_approved" or case.state != "committee_approved":
            return case
        services.licence_issue(case=case, domain_codes=list(grant or codes), note="" if not grant else "به تصمیم کمیته",
                               by=head)
        case.refresh_from_db()
        if until == "licence_issued":
            return case
        start = at_working_hour(case.province, 3)
        delivery = appointments.appointment_propose(case=case, kind="licence_delivery", starts_at=start,
                                                    ends_at=start + dt.timedelta(hours=1), place="سالن جلسات مرکز",
                                                    staff=[expert], by=expert)
        appointments.visit_report_record(appointment=started(delivery), notes="پروانه تحویل شد", applicant_present=True,
                                         attendees="مدیرعامل موسسه", by=expert)
        case.refresh_from_db()
        return case

    def committee_decide(cases, decision, reasons="", guidance=""):
        secretary = accreditation_committee.members.get(role="secretary").user
        start = at_working_hour(institute.province, 5 + Session.objects.count())
        session = committees.session_schedule(committee=accreditation_committee, starts_at=start,
                                              ends_at=start + dt.timedelta(hours=2),
                                              online_link="https://meet.example.ir/a", by=secretary)
        for case in cases:
            committees.agenda_add(session=session, case=case, by=secretary)
        committees.invitations_send(session=session, by=secretary)
        begun = timezone.now() - dt.timedelta(minutes=5)
        Session.objects.filter(pk=session.pk).update(starts_at=begun, ends_at=begun + dt.timedelta(hours=2))
        session.refresh_from_db()
        members = list(accreditation_committee.members.all())
        committees.attendance_record(session=session, present={m.pk for m in members}, by=secretary)
        voters = [m for m in members if m.voting]
        for item in session.items.all():
            committees.votes_record(item=item, votes={m.pk: decision for m in voters}, by=secretary)
            committees.decision_record(item=item,
                                       reasons=reasons or ("دلایل کمیته" if decision in ("reject", "return") else ""),
                                       guidance=guidance or ("راهنمایی" if decision == "return" else ""),
                                       conditions="شرط کمیته" if decision == "approve_with_conditions" else "",
                                       by=secretary)
        committees.minutes_issue(session=session, by=secretary)
        session.refresh_from_db()
        for member in members:
            committees.minutes_confirm(session=session, by=member.user)
        return session

    run.committee_decide = committee_decide
    return run
