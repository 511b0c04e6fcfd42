"""Demo only — a living demo of service 2 (accreditation of training institutes).

Loaded by `manage.py load_demo_data` (embedded/development profile only), after the demo people, organizations,
committees and scoring scheme. Everything here is illustration, never regulation:

* SAMPLE groups and domains of the circular, titled «… (نمونه)» and their groups flagged `is_sample`; SAMPLE
  scoring schemes for the field visit and for supervision (`is_sample`, «نمونه — داده نمایشی»). The circular's
  lists, points and thresholds were not found (SERVICES.md §10.5 #4): a real deployment keeps these empty until
  an administrator enters them.
* Eight training institutes in Tehran — the demo institute of organizations/demo_data.py (امیر کاظمی is its
  CEO) and seven more, each with a new demo CEO — and nineteen cases in every state the process rests in,
  driven through the real services: the case engine (filing, deficiency notices, resubmission), this
  service's intake, registration, CEO introduction and licence, the appointments (field visits, briefing
  sessions), the accreditation committee of committees/demo_data.py (session, agenda, invitations, attendance,
  votes, decision, minutes confirmed by every member present) and supervision, violations and acts on the
  licence. The services take no time argument, so each step is dated afterwards (`cases.demo`): the rows the
  step wrote are moved to the day it is meant to have happened and the stored SLA columns are rebuilt from the
  events (`sla_refresh`). Appointments and sessions are proposed in the future, as the services require, and
  moved to their demo day before they are held. Official documents keep the day they were really issued
  (their signature covers it), except the one licence that must have expired: it is re-dated, re-numbered in
  its year and signed again (`_backdate_licence`).
* No invoice: the service is free.

Idempotent: each demo case has a fixed public id (uuid5 of its key) and is built only when absent; every other
row is looked up before it is created.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from khedmat.accounts.demo_data import DEMO_PASSWORD, demo_user
from khedmat.accounts.models import User
from khedmat.appointments import services as appointments
from khedmat.appointments.models import Appointment, ScoringCriterion, ScoringScheme, VisitReport
from khedmat.cases import services as case_services
from khedmat.cases.demo import DemoTimeline
from khedmat.cases.models import Case
from khedmat.catalog.models import Service
from khedmat.certificates import signing
from khedmat.certificates.keys import keyring
from khedmat.certificates.models import NumberSequence, OfficialDocument
from khedmat.certificates.services import public_payload
from khedmat.committees import services as committees
from khedmat.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Invitation,
    MinutesConfirmation,
    Room,
    Session,
    Vote,
)
from khedmat.core import jalali
from khedmat.core.demo import demo_pdf, demo_png
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import Province
from khedmat.core.validators import national_id_complete, organization_id_complete
from khedmat.notifications.models import OutboxMessage
from khedmat.organizations.demo_data import demo_organization
from khedmat.organizations.models import MemberRole, Organization, OrganizationKind
from khedmat.services.institute_accreditation import services
from khedmat.services.institute_accreditation.constants import SERVICE_CODE
from khedmat.services.institute_accreditation.models import (
    Accreditation,
    Domain,
    DomainGroup,
    ScopeViolation,
    SupervisionRecord,
)

DEMO_LABEL = "نمونه — داده نمایشی"
SAMPLE = "نمونه"
CASE_NAMESPACE = uuid.UUID("0e7c4b1a-5a8f-4d57-9d1e-2f1a6c3b9e52")  # demo case public ids: uuid5(this, key)

EXPERT = "001000002"     # علی رضایی, expert, Tehran (accounts/demo_data.py)
UNIT_HEAD = "001000003"  # زهرا کریمی, unit head (issues the licence; chair of the committee)
SECRETARY = "001000004"  # حسین محمدی, secretary of the accreditation committee (committees/demo_data.py)
AMIR = "002000002"       # امیر کاظمی, CEO of the demo institute


# -- 1. sample domains and scoring schemes -----------------------------------------------------------------

GROUPS = [
    ("demo-management", "مدیریت و راهبری", [
        ("demo-leadership", "رهبری و مهارت‌های مدیریتی"), ("demo-hr", "مدیریت منابع انسانی"),
        ("demo-finance", "مدیریت مالی و بودجه")]),
    ("demo-it", "فناوری اطلاعات", [
        ("demo-security", "امنیت اطلاعات"), ("demo-egov", "دولت الکترونیک"),
        ("demo-ict", "مهارت‌های پایه فناوری اطلاعات")]),
    ("demo-general", "آموزش‌های عمومی", [
        ("demo-ethics", "اخلاق حرفه‌ای و فرهنگ سازمانی"), ("demo-safety", "ایمنی و بهداشت کار")]),
]

SCHEMES = {
    "institute_field_visit": ("امتیاز بازدید میدانی موسسه آموزشی", [
        ("فضای آموزشی: کلاس‌ها، کارگاه‌ها و تجهیزات", 30), ("فضای اداری و بایگانی مدارک", 15),
        ("توان تخصصی و کادر آموزشی", 30), ("سوابق برگزاری دوره‌های آموزشی", 15), ("ایمنی و دسترسی‌پذیری", 10)]),
    "institute_supervision": ("امتیاز بازدید نظارتی موسسه آموزشی", [
        ("برگزاری دوره‌ها فقط در حیطه‌های مجاز", 30), ("برگزاری دوره‌ها فقط در محدوده استان", 20),
        ("کیفیت اجرا و ارزشیابی دوره‌ها", 30), ("نگهداری سوابق و گزارش‌دهی به مرکز", 20)]),
}


def _samples() -> None:
    for order, (code, title, domains) in enumerate(GROUPS, start=1):
        group, _created = DomainGroup.objects.get_or_create(
            code=code, defaults={"title": f"{title} ({SAMPLE})", "ordering": order, "is_sample": True})
        for position, (domain_code, domain_title) in enumerate(domains, start=1):
            Domain.objects.get_or_create(code=domain_code, defaults={
                "group": group, "title": f"{domain_title} ({SAMPLE})", "ordering": position})
    for code, (title, criteria) in SCHEMES.items():
        scheme, created = ScoringScheme.objects.get_or_create(
            code=code, defaults={"title": f"{title} ({DEMO_LABEL})", "is_sample": True})
        if created:
            for order, (criterion, max_score) in enumerate(criteria, start=1):
                ScoringCriterion.objects.create(scheme=scheme, order=order, title=criterion, max_score=max_score)


# -- 2. the institutes and their CEOs ----------------------------------------------------------------------

AYANDE = "1032000002"  # made by organizations/demo_data.py; امیر کاظمی is its CEO
# (first ten digits, name, registration number, CEO: nine digits, first name, last name, mobile)
INSTITUTES = [
    ("1032000201", "موسسه آموزش عالی آزاد نوآوران مدیریت", "۵۱۲۳۴۷", ("003000001", "سپیده", "رحمانی", "09123000001")),
    ("1032000202", "مرکز آموزش‌های تخصصی پارسیان", "۴۸۷۲۱۹", ("003000002", "کامران", "یزدی", "09123000002")),
    ("1032000203", "موسسه آموزشی فرهیختگان البرز", "۳۹۹۰۴۱", ("003000003", "مرجان", "عطایی", "09123000003")),
    ("1032000204", "موسسه آموزشی رایان‌دانش", "۵۰۶۶۸۲", ("003000004", "حمیدرضا", "صفوی", "09123000004")),
    ("1032000205", "موسسه آموزشی مهارت‌گستر شهر", "۴۴۱۵۷۳", ("003000005", "نیلوفر", "قربانی", "09123000005")),
    ("1032000206", "موسسه آموزشی افق روشن", "۳۷۲۸۰۶", ("003000006", "داریوش", "ملکیان", "09123000006")),
    ("1032000207", "موسسه آموزشی پیشگامان توسعه", "۵۲۹۳۱۸", ("003000007", "شهره", "نیک‌پور", "09123000007")),
]


def _institutes() -> list[str]:
    """The seven new institutes with their CEOs (demo logins); the lines for the console."""
    tehran = Province.objects.get(code="tehran")
    lines = []
    for ten, name, registration_number, (nine, first, last, mobile) in INSTITUTES:
        national_id = national_id_complete(nine)
        ceo = User.objects.filter(national_id=national_id).first()
        if ceo is None:
            ceo = User.objects.create_user(national_id, DEMO_PASSWORD, first_name=first, last_name=last, mobile=mobile,
                                           mobile_verified_at=timezone.now())
        demo_organization(ten=ten, kind=OrganizationKind.INSTITUTE, name=name, province=tehran, member=ceo,
                          role=MemberRole.CEO, registration_number=registration_number)
        lines.append(f"{national_id} / {DEMO_PASSWORD}   {first} {last} (مدیرعامل {name})")
    return lines


# -- 3. the cases --------------------------------------------------------------------------------------------

@dataclass
class Scenario:
    key: str
    title: str
    institute: str  # first ten digits of the organization's national ID
    group: str
    domains: list[str]
    steps: list[tuple]  # (step, working days ago, …); see _Builder
    kind: str = "new_licence"
    channel: str = "online"
    previous: str = ""  # the key of the scenario whose licence a renewal or an upgrade names
    delegate: tuple[str, str] = ("", "")  # name, nine digits of the national ID of the binder's bearer


GOOD = {"notes": "فضای آموزشی و اداری با مدارک پرونده مطابقت دارد؛ کلاس‌ها مجهز و کادر آموزشی در محل حاضر بود.",
        "ratio": 0.85}
FAIR = {"notes": "فضای آموزشی کافی است ولی بایگانی مدارک دوره‌ها کامل نیست؛ موارد به موسسه تذکر داده شد.",
        "ratio": 0.7}
DELIVERY = ("پروانه در جلسه توجیهی به مدیرعامل تحویل شد و الزامات بخشنامه (فعالیت فقط در حیطه‌های اعطاشده و در محدوده "
            "استان) توضیح داده شد.")

SCENARIOS = [
    # The expired licence comes first: its number is taken back into the year it is dated in (`_backdate_licence`).
    Scenario("17", "پروانه آموزش‌های عمومی (منقضی‌شده)", "1032000202", "demo-general", ["demo-ethics", "demo-safety"], [
        ("fill", 362), ("submit", 360), ("register", 358), ("schedule", 356), ("visit", 352, GOOD),
        ("introduce", 351), ("certificates", 345), ("committee", 342, "approve"), ("licence", 340, 12),
        ("deliver", 338),
        ("supervision", 250, "finding", "بازدید نظارتی: دوره‌ها طبق برنامه و در حیطه‌های مجاز برگزار شد."),
        ("expire",)]),
    Scenario("13", "پروانه مدیریت و راهبری", AYANDE, "demo-management", ["demo-leadership", "demo-hr"], [
        ("fill", 32), ("submit", 30), ("register", 29), ("schedule", 28), ("visit", 26, GOOD), ("introduce", 26),
        ("certificates", 20), ("committee", 19, "approve"), ("licence", 18), ("deliver", 17),
        ("supervision", 8, "finding", "بازدید نظارتی از دوره «مهارت‌های مدیریتی»: اجرای دوره مطابق طرح درس بود."),
        ("violation", 5, "outside_domain",
         "برگزاری دوره «مدیریت مالی دولتی» برای یک دستگاه اجرایی بدون داشتن این حیطه.",
         "demo-finance"),
        ("supervision", 3, "warning", "تذکر کتبی: برگزاری دوره خارج از حیطه‌های اعطاشده ممنوع است.")]),
    Scenario("14", "پروانه فناوری اطلاعات", "1032000201", "demo-it", ["demo-security", "demo-egov"], [
        ("fill", 82), ("submit", 80), ("register", 78), ("notice", 76, [
            ("form_4", "فهرست مدرسان در فرم شماره ۴ بدون مدرک تحصیلی آنان است.",
             "تصویر مدرک تحصیلی هر مدرس را پیوست فرم ۴ کنید و فرم را دوباره بارگذاری کنید.")]),
        ("resubmit", 72, "form_4", "مدارک تحصیلی مدرسان پیوست فرم ۴ شد."), ("schedule", 70), ("visit", 65, FAIR),
        ("introduce", 64), ("certificates", 57), ("committee", 52, "approve"), ("licence", 49), ("deliver", 46),
        ("supervision", 25, "finding", "بازدید نظارتی: کلاس امنیت اطلاعات با ۲۲ نفر از سه دستگاه اجرایی برگزار شد.")]),
    Scenario("18", "پروانه مهارت‌های پایه فناوری اطلاعات", "1032000204", "demo-it", ["demo-ict"], [
        ("fill", 122), ("submit", 120), ("register", 118), ("schedule", 116), ("visit", 112, FAIR), ("introduce", 111),
        ("certificates", 102), ("committee", 99, "reject",
                                "فضای کارگاهی رایانه برای شمار متقاضیان کافی نیست و کادر آموزشی ثابت ندارد.")]),
    Scenario("16", "پروانه مدیریت مالی و بودجه", "1032000205", "demo-management", ["demo-finance"], [
        ("fill", 202), ("submit", 200), ("register", 198), ("schedule", 196), ("visit", 192, GOOD), ("introduce", 191),
        ("certificates", 182), ("committee", 179, "approve"), ("licence", 177), ("deliver", 174),
        ("violation", 62, "outside_province", "برگزاری دوره «بودجه‌ریزی عملیاتی» در استان البرز.", ""),
        ("supervision", 57, "warning", "تذکر کتبی: فعالیت موسسه فقط در محدوده استان تهران مجاز است."),
        ("violation", 54, "outside_province", "تکرار برگزاری دوره در استان البرز پس از تذکر کتبی.", ""),
        ("act", 50, "revoke", "تکرار فعالیت خارج از استان پس از تذکر کتبی (بند تعهدات بخشنامه).")]),
    Scenario("15", "پروانه اخلاق حرفه‌ای", "1032000206", "demo-general", ["demo-ethics"], [
        ("fill", 152), ("submit", 150), ("register", 149), ("schedule", 147), ("visit", 143, GOOD), ("introduce", 142),
        ("certificates", 135), ("committee", 132, "approve"), ("licence", 130), ("deliver", 127),
        ("supervision", 40, "finding", "بازدید نظارتی: مدرس دوره با فهرست مدرسان تأییدشده مطابقت نداشت."),
        ("violation", 36, "other", "به‌کارگیری مدرس خارج از فهرست تأییدشده در فرم شماره ۴.", "demo-ethics"),
        ("act", 30, "suspend", "تا معرفی مدرسان واجد شرایط و بررسی دوباره، پروانه تعلیق می‌شود.")]),
    # The upgrade (12) replaces this licence when its own is issued: the case is superseded.
    Scenario("19", "پروانه مدیریت منابع انسانی (جایگزین‌شده)", "1032000207", "demo-management", ["demo-hr"], [
        ("fill", 262), ("submit", 260), ("register", 258), ("schedule", 256), ("visit", 253, GOOD), ("introduce", 252),
        ("certificates", 246), ("committee", 243, "approve"), ("licence", 241), ("deliver", 239),
        ("supervision", 150, "finding", "بازدید نظارتی: دوره «مدیریت عملکرد کارکنان» مطابق طرح درس برگزار شد.")]),
    Scenario("12", "ارتقای حیطه: رهبری و مدیریت مالی", "1032000207", "demo-management",
             ["demo-hr", "demo-leadership", "demo-finance"], [
        ("fill", 42), ("submit", 40), ("register", 39), ("schedule", 37), ("visit", 35, GOOD), ("introduce", 34),
        ("certificates", 26), ("committee", 8, "approve"),
        ("licence", 5, 0, ["demo-hr", "demo-leadership"],
         "کمیته حیطه «مدیریت مالی و بودجه» را تا معرفی مدرس واجد شرایط تأیید نکرد."),
        ("delivery_appointment", 4)], kind="domain_upgrade", previous="19"),
    Scenario("11", "پروانه ایمنی و بهداشت کار", "1032000203", "demo-general", ["demo-safety"], [
        ("fill", 32), ("submit", 30), ("register", 29), ("schedule", 27), ("visit", 24, GOOD), ("introduce", 23),
        ("certificates", 13), ("committee", 3, "approve_with_conditions", "",
                               "ارائه گواهی آتش‌نشانی ساختمان آموزشی تا پیش از تحویل پروانه.")]),
    Scenario("09", "پروانه امنیت اطلاعات", AYANDE, "demo-it", ["demo-security"], [
        ("fill", 24), ("submit", 22), ("register", 21), ("schedule", 19), ("visit", 17, GOOD), ("introduce", 16),
        ("certificates", 4)]),
    Scenario("10", "پروانه آموزش‌های عمومی", "1032000207", "demo-general", ["demo-safety", "demo-ethics"], [
        ("fill", 28), ("submit", 26), ("register", 25), ("schedule", 23), ("visit", 20, FAIR), ("introduce", 19),
        ("certificates", 6)]),
    Scenario("08", "پروانه دولت الکترونیک", "1032000207", "demo-it", ["demo-egov"], [
        ("fill", 13), ("submit", 12), ("register", 11), ("schedule", 10), ("visit", 8, GOOD), ("introduce", 7)]),
    Scenario("07", "پروانه رهبری و مهارت‌های مدیریتی", "1032000206", "demo-management", ["demo-leadership"], [
        ("fill", 15), ("submit", 14), ("register", 13), ("schedule", 11), ("visit", 2, FAIR)]),
    Scenario("06", "پروانه دولت الکترونیک", "1032000205", "demo-it", ["demo-egov"], [
        ("fill", 10), ("submit", 9), ("register", 8), ("schedule", 6), ("propose_visit", 5)]),
    Scenario("05", "پروانه رهبری و مدیریت مالی", "1032000204", "demo-management", ["demo-leadership", "demo-finance"], [
        ("fill", 26), ("submit", 25), ("register", 24), ("notice", 22, [
            ("form_2", "مدارک ثبتی موسسه (اساسنامه و آگهی آخرین تغییرات) در فرم ۲ نیامده است.",
             "اساسنامه و روزنامه رسمی آخرین تغییرات را ضمیمه فرم ۲ کنید."),
            ("form_5", "فرم شماره ۵ امضای مدیرعامل را ندارد.", "فرم ۵ را با امضا و مهر موسسه دوباره بارگذاری کنید.")]),
        ("resubmit", 16, "form_2", "اساسنامه و روزنامه رسمی ضمیمه شد؛ فرم ۵ با امضا و مهر بارگذاری شد."),
        ("notice", 13, [("form_3", "سابقه برگزاری دوره در حیطه «مدیریت مالی و بودجه» در فرم ۳ مستند نشده است.",
                         "گواهی دستگاه‌های اجرایی درباره دوره‌های برگزارشده را ضمیمه فرم ۳ کنید.")])]),
    Scenario("04", "پروانه مدیریت منابع انسانی", "1032000203", "demo-management", ["demo-hr"], [
        ("fill", 6), ("submit", 5), ("register", 4)]),
    Scenario("03", "تمدید پروانه آموزش‌های عمومی", "1032000202", "demo-general", ["demo-ethics", "demo-safety"], [
        ("fill", 5), ("submit", 4), ("binder", 4, "زونکن مدارک با معرفی‌نامه کتبی کارشناس موسسه تحویل شد."),
        ("return", 3, ["فرم شماره ۶"], "گواهی پایان دوره‌های سال گذشته در زونکن نیست.")],
        kind="renewal", channel="binder", previous="17", delegate=("رضا توکلی", "003100002")),
    Scenario("02", "ارتقای حیطه: مهارت‌های پایه فناوری اطلاعات", "1032000201", "demo-it",
             ["demo-security", "demo-egov", "demo-ict"], [
        ("fill", 3), ("submit", 2), ("binder", 2, "زونکن مدارک، فرم شماره ۸ و معرفی‌نامه کتبی تحویل شد.")],
        kind="domain_upgrade", channel="binder", previous="14", delegate=("مینا حسینی", "003100001")),
    Scenario("01", "ارتقای حیطه: مدیریت مالی و بودجه (پیش‌نویس)", AYANDE, "demo-management",
             ["demo-leadership", "demo-hr", "demo-finance"], [("fill_partial", 1)], kind="domain_upgrade",
             previous="13"),
]


def case_public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, f"institute_accreditation-demo-{key}")


# -- dating the steps ----------------------------------------------------------------------------------------

def _time_columns():
    return [
        (Accreditation, "case", ("binder_received_at", "registered_at")),
        (SupervisionRecord, "case", ("recorded_at",)),
        (ScopeViolation, "case", ("recorded_at",)),
        (Appointment, "case", ("created_at", "updated_at")),
        (VisitReport, "appointment__case", ("recorded_at",)),
        (OutboxMessage, "case_id", ("created_at",)),
    ]


def _backdate_licence(document, *, issued_on: dt.date, months: int) -> None:
    """Demo only: a licence that has lived its validity. The services issue on the day they run, so the document
    is moved to its demo day: its number taken back from this year's sequence (it is the last one handed out)
    and given in the year it is dated in, its validity set, and its public content signed again."""
    year = jalali.to_jalali(issued_on).year
    if year != document.year:
        current = NumberSequence.objects.select_for_update().get(document_type=document.document_type,
                                                                 year=document.year)
        if current.last == document.serial:
            NumberSequence.objects.filter(pk=current.pk).update(last=current.last - 1)
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
            document_type=document.document_type, year=year)
        NumberSequence.objects.filter(pk=sequence.pk).update(last=sequence.last + 1)
        document.year, document.serial = year, sequence.last + 1
        document.number = f"{document.document_type.number_prefix}-{year}-{document.serial:06d}"
    document.issued_on = issued_on
    document.issued_at = dt.datetime.combine(issued_on, dt.time(11), tzinfo=jalali.TEHRAN)
    document.valid_until = jalali.add_months(issued_on, months)
    ring = keyring()
    document.key_id = ring.active_id
    document.token = signing.sign(public_payload(document), ring)
    OfficialDocument.objects.filter(pk=document.pk).update(
        year=document.year, serial=document.serial, number=document.number, issued_on=document.issued_on,
        issued_at=document.issued_at, valid_until=document.valid_until, key_id=document.key_id, token=document.token)


# -- building one case ---------------------------------------------------------------------------------------

FORMS = ("form_1", "form_2", "form_3", "form_4", "form_5", "form_6")


@dataclass
class _Staff:
    expert: User
    head: User
    secretary: User
    committee: object  # committees.Committee


class _Builder:
    """Plays a scenario's steps through the services, each dated `working days ago` afterwards.

    Steps: ("fill_partial", d) the form and two documents; ("fill", d) the whole file; ("submit", d);
    ("binder", d, note) and ("return", d, missing, note) the initial review; ("register", d);
    ("notice", d, [(document, text, guidance)]) and ("resubmit", d, document, answer); ("schedule", d) the
    visit arranged and the photos sent; ("visit", d, {"notes", "ratio"}) the field visit proposed, accepted,
    held and reported; ("propose_visit", d) proposed only; ("introduce", d); ("certificates", d) the CEO's two
    certificates sent; ("committee", d, decision, reasons, conditions) a session of the accreditation
    committee; ("licence", d, months, domains, note) by the unit head; ("delivery_appointment", d) proposed and
    accepted; ("deliver", d) the briefing session held; ("supervision", d, kind, text); ("violation", d, kind,
    description, domain); ("act", d, act, reason) by the unit head; ("expire",) the worker, the day after the
    licence's validity ended."""

    def __init__(self, scenario: Scenario, *, service: Service, timeline: DemoTimeline, staff: _Staff):
        self.s, self.service, self.timeline, self.staff = scenario, service, timeline, staff
        self.organization = Organization.objects.get(national_id=organization_id_complete(scenario.institute))
        self.applicant = self.organization.memberships.filter(role=MemberRole.CEO).select_related("user").first().user
        self.case: Case | None = None
        self.when: dt.datetime | None = None

    def fresh(self) -> Case:
        self.case = Case.objects.select_related("service", "organization", "applicant", "province").get(pk=self.case.pk)
        return self.case

    def run(self) -> Case:
        for slot, step in enumerate(self.s.steps):
            name, args = step[0], step[1:]
            self.when = self._expiry_instant() if name == "expire" else self.timeline.instant(args[0], slot)
            since = timezone.now()
            getattr(self, f"step_{name}")(*args[1:])
            self.timeline.redate(self.case, since, self.when)
            case = self.fresh()
            if case.tracking_number:
                if name == "submit":
                    Case.objects.filter(pk=case.pk).update(sla_original_deadline=None)
                    case = self.fresh()
                case_services.sla_refresh(case=case, now=self.when)
        case_services.sla_refresh(case=self.fresh())
        return self.fresh()

    # -- the institute

    def _upload(self, requirement: str, *, by=None, note: str = "", staff_intake: bool = False) -> None:
        if requirement.startswith("photos_"):
            content, filename = demo_png(), f"{requirement}.png"
        else:
            content, filename = demo_pdf(f"case {self.s.key} - {requirement} {note}".strip()), f"{requirement}.pdf"
        case_services.document_upload(case=self.fresh(), requirement=requirement, fileobj=BytesIO(content),
                                      filename=filename, size=len(content), by=by or self.applicant,
                                      staff_intake=staff_intake)

    def _previous_licence_number(self) -> str:
        if not self.s.previous:
            return ""
        accreditation = (Accreditation.objects
                         .filter(case__public_id=case_public_id(self.s.previous), licence__isnull=False)
                         .select_related("licence").first())
        return accreditation.licence.number if accreditation else ""

    def _create(self) -> None:
        case = case_services.case_create(service=self.service, applicant=self.applicant, organization=self.organization)
        Case.objects.filter(pk=case.pk).update(public_id=case_public_id(self.s.key))
        self.case = case
        name, nine = self.s.delegate
        data = {"request_kind": self.s.kind, "group": self.s.group, "domains": list(self.s.domains),
                "previous_licence": self._previous_licence_number(), "channel": self.s.channel,
                "delegate_name": name, "delegate_national_id": national_id_complete(nine) if nine else "",
                "title": f"نمایشی {self.s.key} — {self.s.title}"}
        case = self.fresh()
        case_services.case_data_update(case=case, data=data, title=data["title"], by=self.applicant,
                                       expected_version=case.version)

    def step_fill_partial(self) -> None:
        self._create()
        self._upload("form_1")
        self._upload("form_8", note="self-assessment")

    def step_fill(self) -> None:
        self._create()
        for requirement in FORMS:
            self._upload(requirement)
        if self.s.kind == "domain_upgrade":
            self._upload("form_8", note="self-assessment")
        if self.s.channel == "binder":
            self._upload("introduction_letter")

    def step_submit(self) -> None:
        case = self.fresh()
        case_services.case_submit(case=case, by=self.applicant, expected_version=case.version)

    def step_resubmit(self, requirement: str, answer: str) -> None:
        self._upload(requirement, note="corrected")
        case = self.fresh()
        notice = case.deficiency_notices.filter(answered_at__isnull=True).order_by("-round").first()
        case_services.case_resubmit(case=case, answers={item.pk: answer for item in notice.items.all()},
                                    by=self.applicant, expected_version=case.version)

    def step_certificates(self) -> None:
        self._upload("ceo_no_criminal_record")
        self._upload("ceo_no_addiction")
        case_services.case_transition(case=self.fresh(), name="send_ceo_certificates", by=self.applicant)

    # -- the accreditation unit

    def step_binder(self, note: str) -> None:
        case = self.fresh()
        services.binder_receive(case=case, note=note, by=self.staff.expert, letter_number=f"{100 + case.pk}",
                                letter_date=timezone.localdate(), items=list(FORMS))

    def step_return(self, missing: list[str], note: str) -> None:
        services.return_incomplete(case=self.fresh(), missing=missing, note=note, by=self.staff.expert)

    def step_register(self) -> None:
        services.register(case=self.fresh(), by=self.staff.expert)

    def step_notice(self, items: list[tuple[str, str, str]]) -> None:
        case = self.fresh()
        case_services.deficiency_notice_issue(
            case=case,
            items=[{"document_code": code, "text": text, "guidance": guidance} for code, text, guidance in items],
            summary="نواقص پرونده به شرح زیر به‌صورت کتبی اعلام می‌شود (داده نمایشی).", by=self.staff.expert,
            expected_version=case.version)

    def step_schedule(self) -> None:
        case_services.case_transition(case=self.fresh(), name="schedule_visit", by=self.staff.expert)
        self._upload("photos_training")
        self._upload("photos_admin")

    def step_introduce(self) -> None:
        services.ceo_introduce(case=self.fresh(), by=self.staff.expert)

    def step_licence(self, months: int = 0, domains: list[str] | None = None, note: str = "") -> None:
        accreditation = services.licence_issue(case=self.fresh(), domain_codes=list(domains or self.s.domains),
                                               note=note, by=self.staff.head)
        if months:
            _backdate_licence(accreditation.licence, issued_on=jalali.local_date(self.when), months=months)

    def step_supervision(self, kind: str, text: str) -> None:
        services.supervision_record(case=self.fresh(), kind=kind, text=text, by=self.staff.expert)

    def step_violation(self, kind: str, description: str, domain: str) -> None:
        case = self.fresh()
        province = case.province if kind != "outside_province" else Province.objects.filter(code="alborz").first()
        services.violation_record(case=case, kind=kind, description=description,
                                  occurred_on=jalali.local_date(self.when) - dt.timedelta(days=3), by=self.staff.expert,
                                  domain=Domain.objects.filter(code=domain).first() if domain else None,
                                  province=province)

    def step_act(self, act: str, reason: str) -> None:
        services.licence_act(case=self.fresh(), act=act, reason=reason, by=self.staff.head)

    def _expiry_instant(self) -> dt.datetime:
        valid_until = self.fresh().accreditation.licence.valid_until
        return dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time(1, 0), tzinfo=jalali.TEHRAN)

    def step_expire(self) -> None:
        services.licences_expire()

    # -- appointments: proposed in the future, moved to their demo day to be held

    def _propose(self, kind: str, *, place: str, hours: int = 2):
        for starts_at in self.timeline.future_slots():
            try:
                return appointments.appointment_propose(case=self.fresh(), kind=kind, starts_at=starts_at,
                                                        ends_at=starts_at + dt.timedelta(hours=hours), place=place,
                                                        staff=[self.staff.expert], by=self.staff.expert)
            except ApplicationError as error:
                if error.code not in ("double_booked", "day_off", "past"):
                    raise
        raise RuntimeError("no free slot for a demo appointment in the coming weeks")

    def _hold(self, appointment, *, notes: str, scores: dict | None = None, attendees: str = ""):
        appointments.appointment_accept(appointment=appointment, by=self.applicant)
        starts_at = self.when - dt.timedelta(hours=2)
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=starts_at, ends_at=self.when)
        appointment.refresh_from_db()
        appointments.visit_report_record(appointment=appointment, notes=notes, applicant_present=True, scores=scores,
                                         attendees=attendees, by=self.staff.expert)

    def step_visit(self, outcome: dict) -> None:
        visit = self._propose("field_visit", place=f"محل {self.organization.name}")
        scores = {c.pk: round(c.max_score * outcome["ratio"]) for c in
                  ScoringCriterion.objects.filter(scheme__code="institute_field_visit")}
        self._hold(visit, notes=f"{outcome['notes']} (داده نمایشی)", scores=scores,
                   attendees=f"{self.applicant.get_full_name()} (مدیرعامل)")

    def step_propose_visit(self) -> None:
        self._propose("field_visit", place=f"محل {self.organization.name}")

    def step_delivery_appointment(self) -> None:
        meeting = self._propose("licence_delivery", place="مرکز آموزش و پژوهش، اتاق جلسات طبقه سوم", hours=1)
        appointments.appointment_accept(appointment=meeting, by=self.applicant)

    def step_deliver(self) -> None:
        meeting = self._propose("licence_delivery", place="مرکز آموزش و پژوهش، اتاق جلسات طبقه سوم", hours=1)
        self._hold(meeting, notes=f"{DELIVERY} (داده نمایشی)", attendees=f"{self.applicant.get_full_name()} (مدیرعامل)")

    # -- the accreditation committee: a session scheduled ahead, then moved to its demo day and held

    def step_committee(self, decision: str, reasons: str = "", conditions: str = "") -> None:
        committee, secretary = self.staff.committee, self.staff.secretary
        room = Room.objects.filter(province=committee.province, is_active=True).order_by("pk").first()
        starts_at = next(s for s in self.timeline.future_slots()
                         if not committees.session_conflicts(committee=committee, starts_at=s,
                                                             ends_at=s + dt.timedelta(hours=2), room=room))
        session = committees.session_schedule(committee=committee, starts_at=starts_at,
                                              ends_at=starts_at + dt.timedelta(hours=2), room=room,
                                              online_link="" if room else "https://meet.example.ir/accreditation",
                                              by=secretary)
        item = committees.agenda_add(session=session, case=self.fresh(), by=secretary)
        committees.invitations_send(session=session, by=secretary)
        self._session_moved(session)
        members = list(committee.members.filter(is_active=True).select_related("user"))
        committees.attendance_record(session=session, present={m.pk for m in members}, by=secretary)
        committees.votes_record(item=item, votes={m.pk: decision for m in members if m.voting}, by=secretary)
        committees.decision_record(item=item, reasons=reasons, conditions=conditions,
                                   guidance="موارد گفته‌شده را برطرف و پرونده را دوباره ارسال کنید."
                                   if decision == "return" else "", by=secretary)
        committees.minutes_issue(session=session, by=secretary)
        for member in members:
            committees.minutes_confirm(session=session, by=member.user)
        self._session_moved(session, held=True)

    def _session_moved(self, session, *, held: bool = False) -> None:
        """The session to its demo day: it starts 90 minutes before the step's instant (its decision)."""
        starts_at = self.when - dt.timedelta(minutes=90)
        Session.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=self.when + dt.timedelta(minutes=30),
                                                     created_at=starts_at - dt.timedelta(days=7))
        if held:
            Session.objects.filter(pk=session.pk).update(held_at=starts_at, confirmed_at=self.when,
                                                         invitations_sent_at=starts_at - dt.timedelta(days=6))
            AgendaItem.objects.filter(session=session).update(added_at=starts_at - dt.timedelta(days=7))
            Invitation.objects.filter(session=session).update(created_at=starts_at - dt.timedelta(days=6))
            Attendance.objects.filter(session=session).update(recorded_at=starts_at)
            Vote.objects.filter(item__session=session).update(recorded_at=self.when - dt.timedelta(minutes=30))
            Decision.objects.filter(item__session=session).update(recorded_at=self.when - dt.timedelta(minutes=20),
                                                                  applied_at=self.when)
            MinutesConfirmation.objects.filter(session=session).update(confirmed_at=self.when)
        session.refresh_from_db()


# -- loading -------------------------------------------------------------------------------------------------

def load(stdout=None) -> list[str]:
    _samples()
    lines = _institutes()
    service = Service.objects.get(code=SERVICE_CODE)
    existing = set(Case.objects.filter(public_id__in=[case_public_id(s.key) for s in SCENARIOS])
                   .values_list("public_id", flat=True))
    missing = [s for s in SCENARIOS if case_public_id(s.key) not in existing]
    if settings.KHEDMAT_HOME_PROVINCE != "tehran":  # the demo institutes, staff and committee are in Tehran
        missing = []
    if missing:
        tehran = Province.objects.get(code="tehran")
        committee = Committee.objects.get(province=tehran, kind="accreditation_committee")
        staff = _Staff(expert=demo_user(EXPERT), head=demo_user(UNIT_HEAD), secretary=demo_user(SECRETARY),
                       committee=committee)
        timeline = DemoTimeline(tehran, _time_columns())
        for scenario in missing:
            with transaction.atomic():
                _Builder(scenario, service=service, timeline=timeline, staff=staff).run()
    if stdout:
        stdout.write(f"  institute accreditation: {len(missing)} demo cases added, {len(existing)} already there")
    return [
        f"Service 2 demo (institute accreditation): {len(SCENARIOS)} cases in every state — institute CEOs "
        f"{national_id_complete(AMIR)} and the seven below, expert {national_id_complete(EXPERT)}, unit head "
        f"{national_id_complete(UNIT_HEAD)}, committee secretary {national_id_complete(SECRETARY)}; sample domains "
        f"and scoring schemes labelled «{SAMPLE}».",
        *lines,
    ]
