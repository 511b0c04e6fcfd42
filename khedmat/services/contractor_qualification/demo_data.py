"""Demo only — a living demo of service 4 (qualification and grading of contractors and consultants).

Loaded by `manage.py load_demo_data` (embedded/development profile only), after the demo people,
organizations and this year's demo fee table. Everything here is illustration, never regulation:

* Two SAMPLE scoring tables (contractors, consultants), flagged `is_sample` and titled «نمونه — داده
  نمایشی». The real points, grade thresholds and experience/financial ceilings were not found
  (SERVICES.md §10.1 #10): a real deployment keeps these tables empty until an administrator enters the
  regulation's values. The numbers below are only plausible enough to make the scoring screens speak.
* Demo companies registered in Tehran province (the demo applicants act for them) and one natural
  person, with thirteen service-4 cases spread over every state the process rests in, built through the
  real services: case engine, dossier records, payments (through the sandbox bank, see `_SandboxBank`),
  section reviews, grades, certificate, referral to SAJAR. The services take no time argument, so each
  step is dated afterwards (`cases.demo`): the rows the step wrote are moved to the day it is meant to
  have happened and the stored SLA columns are rebuilt from the events (`sla_refresh`). Certificates and
  payment receipts keep the day they were really issued (their signature covers it).
* One recorded disciplinary violation.

Idempotent: each demo case has a fixed public id (uuid5 of its key) and is built only when absent; every
other row is looked up before it is created.
"""
from __future__ import annotations

import datetime as dt
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from urllib.parse import parse_qsl, urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from khedmat.accounts.demo_data import demo_user
from khedmat.cases import services as case_services
from khedmat.cases.demo import DemoTimeline
from khedmat.cases.models import Case
from khedmat.catalog.models import Service
from khedmat.core import jalali
from khedmat.core.demo import demo_pdf
from khedmat.core.models import Province
from khedmat.core.validators import national_id_complete, organization_id_complete
from khedmat.inquiries.models import Inquiry
from khedmat.notifications.models import OutboxMessage
from khedmat.organizations.demo_data import demo_organization
from khedmat.organizations.models import MemberRole, Organization, OrganizationKind
from khedmat.payments import services as payment_services
from khedmat.payments.models import AttemptStatus, Invoice, PaymentAttempt
from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.constants import SERVICE_CODE, DossierSection
from khedmat.services.contractor_qualification.models import (
    CompanyPerson,
    DegreeLevel,
    DegreePoints,
    DisciplinaryViolation,
    ExperiencePoints,
    GradeThreshold,
    Kind,
    PersonRole,
    Relevance,
    RelevanceFactor,
    ReviewStatus,
    ScoringTable,
    SectionReview,
    ViolationInstruction,
)
from khedmat.testing_servers import ThreadedServer, load_tool_module

DEMO_LABEL = "نمونه — داده نمایشی"
CASE_NAMESPACE = uuid.UUID("6d1f1c52-3f0e-4c55-9a53-6b3c1e0a4c04")  # demo case public ids: uuid5(this, key)

EXPERT = "001000002"     # علی رضایی, expert, Tehran (accounts/demo_data.py)
UNIT_HEAD = "001000003"  # زهرا کریمی, unit head, Tehran: the approver of service 4
NARGES = "002000001"     # نرگس شریفی, applicant
AMIR = "002000002"       # امیر کاظمی, applicant

B = 1_000_000_000  # a billion rials

# -- 1. sample scoring tables ------------------------------------------------------------------------

DEGREE_POINTS = {DegreeLevel.DIPLOMA: 10, DegreeLevel.ASSOCIATE: 15, DegreeLevel.BACHELOR: 25,
                 DegreeLevel.MASTER: 30, DegreeLevel.DOCTORATE: 35}
RELEVANCE_PERCENT = {Relevance.RELATED: 100, Relevance.SEMI_RELATED: 50, Relevance.UNRELATED: 0}
EXPERIENCE_BANDS = [(2, 5), (5, 10), (10, 15), (15, 20)]  # from N years of experience: points
# {grade: (minimum staff score, minimum experience in rials, minimum financial capacity in rials)}
THRESHOLDS = {
    Kind.CONTRACTOR: {5: (40, None, None), 4: (70, 30 * B, 10 * B), 3: (110, 100 * B, 35 * B)},
    Kind.CONSULTANT: {3: (90, None, None)},
}
TABLE_TITLES = {Kind.CONTRACTOR: "جدول امتیاز پیمانکاران", Kind.CONSULTANT: "جدول امتیاز مشاوران"}


def _scoring_tables() -> list[ScoringTable]:
    year = jalali.to_jalali(timezone.localdate()).year
    first, _last = jalali.jalali_year_bounds(year)
    tables = []
    for kind, thresholds in THRESHOLDS.items():
        table, _created = ScoringTable.objects.get_or_create(
            kind=kind, is_sample=True, effective_from=first,
            defaults={"title": f"{TABLE_TITLES[kind]} {year} ({DEMO_LABEL})"})
        for level, points in DEGREE_POINTS.items():
            DegreePoints.objects.get_or_create(table=table, degree_level=level, defaults={"points": Decimal(points)})
        for relevance, percent in RELEVANCE_PERCENT.items():
            RelevanceFactor.objects.get_or_create(table=table, relevance=relevance,
                                                  defaults={"percent": Decimal(percent)})
        for years, points in EXPERIENCE_BANDS:
            ExperiencePoints.objects.get_or_create(table=table, min_years=years, defaults={"points": Decimal(points)})
        for grade, (staff, experience, financial) in thresholds.items():
            GradeThreshold.objects.get_or_create(
                table=table, field=None, grade=grade,
                defaults={"min_staff_score": Decimal(staff), "min_experience_rials": experience,
                          "min_financial_rials": financial})
        tables.append(table)
    return tables


# -- 2. demo companies -------------------------------------------------------------------------------

ALBORZ_KOOH = "1032000001"  # already made by organizations/demo_data.py (نرگس شریفی is its CEO)
# (first ten digits, name, registration number, the demo applicant who acts for it)
COMPANIES = [
    ("1032000101", "شرکت راه‌سازان دماوند", "۴۱۲۵۸۷", AMIR),
    ("1032000102", "شرکت تاسیسات نیرو گستر پارس", "۳۸۷۴۱۰", NARGES),
    ("1032000103", "شرکت مهندسین مشاور طرح و اندیشه", "۲۹۶۳۵۲", AMIR),
    ("1032000104", "شرکت آب‌گستران ری", "۵۰۱۲۴۶", NARGES),
    ("1032000105", "شرکت ساختمانی آرمان سازه شمیران", "۴۷۷۰۹۱", AMIR),
    ("1032000106", "شرکت مهندسین مشاور پیمان آرا", "۳۳۱۸۶۵", NARGES),
    ("1032000107", "شرکت ساختمانی کوثر بنا", "۴۵۲۹۳۳", AMIR),
    ("1032000108", "شرکت عمران گستر بهار", "۵۱۸۴۰۷", NARGES),
    ("1032000109", "شرکت پارس بنیان سازه", "۳۹۰۶۱۸", AMIR),
    ("1032000110", "شرکت سازه‌های فولادی کاوه", "۵۲۲۷۴۹", NARGES),
]


def _companies() -> None:
    tehran = Province.objects.get(code="tehran")
    for ten, name, registration_number, member_nine in COMPANIES:
        demo_organization(ten=ten, kind=OrganizationKind.COMPANY, name=name, province=tehran,
                          member=demo_user(member_nine), role=MemberRole.REPRESENTATIVE,
                          registration_number=registration_number)


# -- the dossiers --------------------------------------------------------------------------------------

@dataclass
class Person:
    role: str
    first_name: str
    last_name: str
    degree_level: str
    study_field: str
    experience_years: int
    scoring_field: str | None = None
    relevance: str = Relevance.RELATED  # what the expert judges, once the case is reviewed
    university: str = ""
    national_id: str = ""  # empty: made up from the case key


@dataclass
class Contract:
    field: str
    title: str
    employer: str
    amount_rials: int
    started_on: dt.date
    finished_on: dt.date | None = None


@dataclass
class Scenario:
    key: str
    title: str
    applicant: str  # nine digits of a demo user
    organization: str | None  # first ten digits, or None for a natural person
    kind: str
    fields: list[tuple[str, int]]
    people: list[Person]
    contracts: list[Contract] = field(default_factory=list)
    turnovers: list[int] = field(default_factory=list)  # last year's, the year before's …
    steps: list[tuple] = field(default_factory=list)  # (step, working days ago, …); see _Builder
    granted: dict[str, tuple[int | None, str]] = field(default_factory=dict)  # field: (grade, reason)


CEO, BOARD, STAFF, SELF = PersonRole.CEO, PersonRole.BOARD_MEMBER, PersonRole.SCORING_STAFF, PersonRole.APPLICANT
BACHELOR, MASTER, DOCTORATE = DegreeLevel.BACHELOR, DegreeLevel.MASTER, DegreeLevel.DOCTORATE
ASSOCIATE, DIPLOMA = DegreeLevel.ASSOCIATE, DegreeLevel.DIPLOMA
SEMI = Relevance.SEMI_RELATED
CONTRACTOR, CONSULTANT = Kind.CONTRACTOR, Kind.CONSULTANT
UT, SHARIF = "دانشگاه تهران", "دانشگاه صنعتی شریف"
AMIRKABIR, ELM_SANAT = "دانشگاه صنعتی امیرکبیر", "دانشگاه علم و صنعت ایران"

SCENARIOS = [
    Scenario(
        "01", "درخواست پایه ۵ آب (پیش‌نویس نیمه‌کاره)", NARGES, ALBORZ_KOOH, CONTRACTOR, [("water", 5)],
        [Person(CEO, "نرگس", "شریفی", BACHELOR, "مهندسی عمران", 9, "water", university=UT,
                national_id=national_id_complete(NARGES))],
        steps=[("draft_partial", 3)],
    ),
    Scenario(
        "02", "درخواست پایه ۴ راه و ترابری", AMIR, "1032000101", CONTRACTOR, [("roads", 4)],
        [Person(CEO, "بهروز", "نادری", MASTER, "مهندسی راه و ترابری", 14, "roads", university=AMIRKABIR),
         Person(BOARD, "سعید", "اکبری", BACHELOR, "مهندسی عمران", 7, "roads", university=ELM_SANAT),
         Person(BOARD, "مینا", "رحیمی", BACHELOR, "مدیریت بازرگانی", 5)],
        [Contract("roads", "بهسازی محور فیروزکوه — دماوند", "اداره کل راه و شهرسازی استان تهران", 22 * B,
                  dt.date(2021, 4, 10), dt.date(2022, 9, 30)),
         Contract("roads", "روکش آسفالت راه‌های روستایی بخش رودهن", "اداره کل راهداری و حمل و نقل جاده‌ای استان تهران",
                  18 * B, dt.date(2023, 5, 1), dt.date(2024, 3, 10))],
        [14 * B, 11 * B],
        steps=[("dossier", 5), ("pay", 3), ("submit", 3)],
    ),
    Scenario(
        "03", "درخواست پایه ۵ ساختمان (پیمانکار حقیقی)", AMIR, None, CONTRACTOR, [("building", 5)],
        [Person(SELF, "امیر", "کاظمی", BACHELOR, "مهندسی عمران", 8, "building", university=UT,
                national_id=national_id_complete(AMIR)),
         Person(STAFF, "رضا", "توکلی", ASSOCIATE, "نقشه‌کشی ساختمان", 6, "building")],
        steps=[("dossier", 9), ("pay", 7), ("submit", 7), ("claim", 6),
               ("review", 2, {"accepted": ["application", "people"]})],
    ),
    Scenario(
        "04", "درخواست پایه ۵ تاسیسات و تجهیزات و پایه ۵ نیرو", NARGES, "1032000102", CONTRACTOR,
        [("installations", 5), ("power", 5)],
        [Person(CEO, "مهدی", "فرهادی", MASTER, "مهندسی مکانیک", 11, "installations", university=SHARIF),
         Person(BOARD, "پریسا", "نوروزی", BACHELOR, "مهندسی برق", 6, "power", university=AMIRKABIR),
         Person(BOARD, "حمید", "قاسمی", BACHELOR, "مدیریت صنعتی", 12),
         Person(STAFF, "علیرضا", "یزدانی", ASSOCIATE, "برق صنعتی", 4, "power")],
        steps=[("dossier", 24), ("pay", 22), ("submit", 22), ("claim", 21)],
    ),
    Scenario(
        "05", "درخواست پایه ۳ مشاور ساختمان", AMIR, "1032000103", CONSULTANT, [("building", 3)],
        [Person(CEO, "فرشته", "مرادی", DOCTORATE, "معماری", 16, "building", university=UT),
         Person(BOARD, "کیوان", "بهرامی", MASTER, "مهندسی سازه", 9, "building", university=SHARIF),
         Person(BOARD, "نسرین", "امامی", MASTER, "مهندسی محیط زیست", 3, "building", relevance=SEMI)],
        steps=[("dossier", 33), ("pay", 31), ("submit", 31), ("claim", 30)],
    ),
    Scenario(
        "06", "درخواست پایه ۴ آب", NARGES, "1032000104", CONTRACTOR, [("water", 4)],
        [Person(CEO, "جواد", "کریم‌زاده", MASTER, "مهندسی منابع آب", 13, "water", university=UT),
         Person(BOARD, "سمیه", "حیدری", BACHELOR, "مهندسی عمران", 5, "water", relevance=SEMI),
         Person(BOARD, "اکبر", "صالحی", DIPLOMA, "ریاضی و فیزیک", 20),
         Person(STAFF, "بابک", "ملکی", BACHELOR, "مهندسی آبیاری و زهکشی", 3, "water")],
        [Contract("water", "اجرای خط انتقال آب شهرک صنعتی شمس‌آباد", "شرکت آب منطقه‌ای تهران", 35 * B,
                  dt.date(2022, 6, 1), dt.date(2024, 1, 20))],
        [12 * B],
        steps=[("dossier", 16), ("pay", 14), ("submit", 14), ("claim", 13),
               ("review", 9, {"deficient": {
                   "people": ("مدرک تحصیلی خانم سمیه حیدری (عضو هیئت مدیره) در پرونده نیست.",
                              "تصویر دانشنامه و ریزنمرات ایشان را در گروه ب بارگذاری کنید."),
                   DossierSection.FINANCE: ("اظهارنامه مالیاتی سال گذشته بدون رسید سازمان امور مالیاتی است.",
                               "رسید ثبت اظهارنامه را از درگاه سازمان امور مالیاتی بگیرید و در گروه ه بارگذاری کنید."),
               }}),
               ("notice", 9, "دو بخش پرونده ناقص است؛ راهنمایی هر مورد در فهرست آمده است.")],
    ),
    Scenario(
        "07", "درخواست پایه ۴ ساختمان", AMIR, "1032000105", CONTRACTOR, [("building", 4)],
        [Person(CEO, "داوود", "رنجبر", MASTER, "مهندسی عمران", 10, "building", university=ELM_SANAT),
         Person(BOARD, "الهام", "کاظمی", BACHELOR, "معماری", 6, "building", university=UT),
         Person(BOARD, "کامبیز", "فروتن", BACHELOR, "حسابداری", 9)],
        [Contract("building", "ساخت مجتمع مسکونی ۴۸ واحدی لویزان", "بنیاد مسکن انقلاب اسلامی استان تهران", 45 * B,
                  dt.date(2021, 8, 1), dt.date(2023, 12, 15))],
        [16 * B, 13 * B],
        steps=[("dossier", 27), ("pay", 25), ("submit", 25), ("claim", 24),
               ("review", 19, {"deficient": {
                   "documents": ("برای قرارداد مجتمع مسکونی لویزان صورت‌وضعیت قطعی یا گواهی پایان کار نیامده است.",
                                 "صورت‌وضعیت قطعی یا گواهی پایان کار را در گروه و (سوابق کاری) بارگذاری کنید."),
               }}),
               ("notice", 19, "مدارک سوابق کاری کامل نیست."),
               ("resubmit", 11, "experience_documents",
                "صورت‌وضعیت قطعی تأییدشده کارفرما در گروه و بارگذاری شد.")],
    ),
    Scenario(
        "08", "درخواست پایه ۳ مشاور راه و ترابری", NARGES, "1032000106", CONSULTANT, [("roads", 3)],
        [Person(CEO, "مسعود", "شاکری", DOCTORATE, "مهندسی راه و ترابری", 18, "roads", university=SHARIF),
         Person(BOARD, "نگار", "فتحی", MASTER, "مهندسی ترافیک", 8, "roads", university=AMIRKABIR),
         Person(BOARD, "یوسف", "اسدی", BACHELOR, "مدیریت دولتی", 11)],
        steps=[("dossier", 17), ("pay", 15), ("submit", 15), ("claim", 14), ("review", 4, {}), ("send", 4)],
    ),
    Scenario(
        "09", "درخواست پایه ۵ ساختمان", NARGES, ALBORZ_KOOH, CONTRACTOR, [("building", 5)],
        [Person(CEO, "نرگس", "شریفی", BACHELOR, "مهندسی عمران", 9, "building", university=UT,
                national_id=national_id_complete(NARGES)),
         Person(BOARD, "کامران", "شریفی", MASTER, "معماری", 6, "building", university=SHARIF),
         Person(BOARD, "لیلا", "صادقی", BACHELOR, "حسابداری", 4)],
        steps=[("dossier", 21), ("pay", 19), ("submit", 19), ("claim", 18), ("review", 6, {}), ("send", 6),
               ("approve",)],
        granted={"building": (5, "")},
    ),
    Scenario(
        "10", "درخواست پایه ۳ ساختمان و پایه ۵ تاسیسات و تجهیزات", AMIR, "1032000107", CONTRACTOR,
        [("building", 3), ("installations", 5)],
        [Person(CEO, "فرامرز", "عباسی", MASTER, "مهندسی عمران", 12, "building", university=AMIRKABIR),
         Person(BOARD, "شیرین", "رستمی", BACHELOR, "مهندسی عمران", 8, "building", university=ELM_SANAT),
         Person(BOARD, "ناصر", "جلالی", BACHELOR, "مدیریت", 10),
         Person(STAFF, "پویا", "کرمانی", ASSOCIATE, "تاسیسات ساختمان", 7, "installations"),
         Person(STAFF, "هانیه", "زمانی", BACHELOR, "مهندسی مکانیک", 5, "installations")],
        [Contract("building", "ساخت مدرسه ۱۲ کلاسه شهرری", "اداره کل نوسازی مدارس استان تهران", 70 * B,
                  dt.date(2020, 9, 1), dt.date(2022, 8, 20)),
         Contract("building", "ساخت ساختمان اداری منطقه ۱۵", "شهرداری منطقه ۱۵ تهران", 50 * B,
                  dt.date(2022, 10, 1), dt.date(2024, 6, 30))],
        [40 * B, 31 * B],
        steps=[("dossier", 26), ("pay", 24), ("submit", 24), ("claim", 23), ("review", 5, {}), ("send", 5),
               ("approve",)],
        granted={"building": (4, "امتیاز کارکنان امتیازآور در رشته ساختمان (۸۰) به حداقل پایه ۳ (۱۱۰) نمی‌رسد؛ "
                                  "سوابق کاری و توان مالی برای پایه ۴ کافی است. پایه ۴ داده شد."),
                 "installations": (5, "")},
    ),
    Scenario(
        "11", "درخواست پایه ۵ ساختمان و پایه ۵ راه و ترابری", NARGES, "1032000108", CONTRACTOR,
        [("building", 5), ("roads", 5)],
        [Person(CEO, "کاوه", "سلطانی", BACHELOR, "مهندسی عمران", 10, "building", university=ELM_SANAT),
         Person(BOARD, "مریم", "یوسفی", BACHELOR, "مهندسی راه و ساختمان", 6, "roads", university=UT),
         Person(BOARD, "فرهاد", "نظری", BACHELOR, "اقتصاد", 8),
         Person(STAFF, "حسن", "اکبرپور", ASSOCIATE, "عمران", 12, "roads")],
        steps=[("dossier", 22), ("pay", 20), ("submit", 20), ("claim", 19), ("review", 8, {}), ("send", 7),
               ("approve",), ("refer",)],
        granted={"building": (5, ""), "roads": (5, "")},
    ),
    Scenario(
        "12", "درخواست پایه ۴ ساختمان و پایه ۵ آب", AMIR, "1032000109", CONTRACTOR, [("building", 4), ("water", 5)],
        [Person(CEO, "سیاوش", "مختاری", MASTER, "مهندسی عمران", 15, "building", university=SHARIF),
         Person(BOARD, "زینب", "عسگری", BACHELOR, "معماری", 9, "building", university=UT),
         Person(BOARD, "رامین", "حسن‌زاده", BACHELOR, "حقوق", 7),
         Person(STAFF, "امید", "رضوانی", BACHELOR, "مهندسی منابع آب", 6, "water"),
         Person(STAFF, "عاطفه", "نیکنام", ASSOCIATE, "آبیاری", 4, "water")],
        [Contract("building", "ساخت درمانگاه تخصصی اسلامشهر", "دانشگاه علوم پزشکی تهران", 60 * B,
                  dt.date(2021, 3, 1), dt.date(2023, 7, 1))],
        [22 * B, 18 * B],
        steps=[("dossier", 24), ("pay", 22), ("submit", 22), ("claim", 21), ("review", 9, {}), ("send", 8),
               ("approve",), ("refer",), ("register",)],
        granted={"building": (4, ""), "water": (5, "")},
    ),
    Scenario(
        "13", "درخواست پایه ۴ صنعت و معدن", NARGES, "1032000110", CONTRACTOR, [("industry_mining", 4)],
        [Person(CEO, "بهنام", "رسولی", BACHELOR, "مهندسی مواد", 7, "industry_mining", university=ELM_SANAT),
         Person(BOARD, "طاهره", "میرزایی", DIPLOMA, "علوم تجربی", 12)],
        [Contract("industry_mining", "نصب سوله انبار کارخانه قطعات خودرو", "شرکت صنایع قطعه‌سازی البرز", 12 * B,
                  dt.date(2023, 2, 1), dt.date(2023, 11, 1))],
        [5 * B],
        steps=[("dossier", 21), ("pay", 19), ("submit", 19), ("claim", 18), ("review", 10, {"accepted": []}),
               ("reject", 10, "امتیاز کارکنان (۳۵)، سوابق کاری (۱۲ میلیارد ریال) و توان مالی (۵ میلیارد ریال) "
                              "به حداقل‌های پایه ۴ صنعت و معدن نمی‌رسد. شرکت می‌تواند پس از تکمیل کادر فنی و سوابق، "
                              "درخواست تازه بدهد.")],
    ),
]


# -- dating the steps ----------------------------------------------------------------------------------

# The rows a step may write, and their time columns: moved to the step's demo time afterwards.
_TIME_COLUMNS = [
    (CompanyPerson, "case", ("created_at",)),
    (SectionReview, "case", ("reviewed_at",)),
]


def _more_time_columns():
    # Inquiries and notices keep their sending schedule: the worker sends them when it runs.
    return [(Invoice, "case", ("created_at", "paid_at")),
            (PaymentAttempt, "invoice__case", ("created_at", "verified_at")),
            (Inquiry, "case", ("created_at",)), (OutboxMessage, "case_id", ("created_at",))]


# -- paying the fee: the real payment path, against the sandbox bank --------------------------------------

class _SandboxBank:
    """The payment flow is the real one (payment_start → the bank → payment_callback, which verifies with
    the bank and issues the receipt); the bank is tools/sandbox_gateway.py, run in a thread of this process
    on a free local port while the demo loads. No gateway is reachable otherwise while demo data loads."""

    def __enter__(self):

        module = load_tool_module("sandbox_gateway.py", "khedmat_tools_sandbox_gateway")
        self.server = ThreadedServer()
        gateway = module.SandboxServer(("127.0.0.1", 0), merchants=(settings.PAYMENT_MERCHANT_ID,), quiet=True)
        self.server._serve(gateway, "demo-sandbox-gateway")
        self.settings = override_settings(PAYMENT_GATEWAY_URL=self.server.url)
        self.settings.enable()
        return self

    def __exit__(self, *exc):
        self.settings.disable()
        self.server.stop()

    def pay(self, case: Case, by) -> None:

        invoice = payment_services.invoice_for_case(case=case)
        callback_url = f"{settings.KHEDMAT_SITE_URL.rstrip('/')}/payments/callback/"
        attempt = payment_services.payment_start(invoice=invoice, by=by, callback_url=callback_url)
        # What the applicant's browser does at the bank: press «پرداخت», get redirected to the callback.
        answer = requests.get(f"{self.server.url}/pg/sandbox/pay/{attempt.authority}", params={"result": "ok"},
                              allow_redirects=False, timeout=5)
        params = dict(parse_qsl(urlsplit(answer.headers.get("Location", "")).query))
        settled = payment_services.payment_callback(params=params)
        if settled.status != AttemptStatus.PAID:
            raise RuntimeError(f"demo payment of case {case.pk} was not settled: {settled.status} {settled.last_error}")


# -- building one case ---------------------------------------------------------------------------------

def case_public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(CASE_NAMESPACE, f"contractor_qualification-demo-{key}")


class _Builder:
    """Plays a scenario's steps through the services, each dated `working days ago` afterwards.

    Steps: ("draft_partial", d) the form and the first person and document only; ("dossier", d) the whole
    dossier; ("pay", d); ("submit", d); ("claim", d) by the demo expert; ("review", d, {"accepted": [...] or
    all, "deficient": {section: (note, guidance)}}) relevance judged and sections reviewed; ("notice", d,
    summary); ("resubmit", d, document, answer); ("send", d) to the approver; ("approve",) grades and
    certificate, now; ("refer",) and ("register",) the SAJAR hand-off by the approver, now; ("reject", d,
    reason) by the expert."""

    def __init__(self, scenario: Scenario, *, service: Service, timeline: DemoTimeline, bank, expert, approver):
        self.s, self.service, self.timeline, self.bank = scenario, service, timeline, bank
        self.expert, self.approver = expert, approver
        self.applicant = demo_user(scenario.applicant)
        self.organization = (Organization.objects.get(national_id=organization_id_complete(scenario.organization))
                             if scenario.organization else None)
        self.case: Case | None = None

    def fresh(self) -> Case:
        self.case = Case.objects.select_related("service", "organization", "applicant").get(pk=self.case.pk)
        return self.case

    def run(self) -> Case:
        for slot, step in enumerate(self.s.steps):
            name, args = step[0], step[1:]
            if name in ("approve", "refer", "register"):
                getattr(self, f"step_{name}")()  # now: certificates are dated the day they are really issued
                continue
            when = self.timeline.instant(args[0], slot)
            since = timezone.now()
            getattr(self, f"step_{name}")(*args[1:])
            self.timeline.redate(self.case, since, when)
            case = self.fresh()
            if case.tracking_number:
                if name == "submit":
                    Case.objects.filter(pk=case.pk).update(sla_original_deadline=None)
                    case = self.fresh()
                case_services.sla_refresh(case=case, now=when)
        case_services.sla_refresh(case=self.fresh())
        return self.fresh()

    # -- the applicant

    def _upload(self, requirement: str, note: str = "") -> None:
        content = demo_pdf(f"case {self.s.key} - {requirement} {note}".strip())
        case_services.document_upload(case=self.fresh(), requirement=requirement, fileobj=BytesIO(content),
                                      filename=f"{requirement}.pdf", size=len(content), by=self.applicant)

    def _person(self, number: int, person: Person) -> None:
        national_id = person.national_id or national_id_complete(f"0071{self.s.key}{number:03d}")
        services.person_add(
            case=self.fresh(), by=self.applicant, role=person.role, first_name=person.first_name,
            last_name=person.last_name, national_id=national_id, degree_level=person.degree_level,
            study_field=person.study_field, university=person.university, experience_years=person.experience_years,
            insured_by_company=person.role in (CEO, STAFF) and self.organization is not None,
            insurance_number=f"{national_id[:8]}" if person.role in (CEO, STAFF) and self.organization else "",
            scoring_field=person.scoring_field)

    def _form(self) -> None:
        data = {"kind": self.s.kind, "contractor_type": 1 if self.s.kind == CONTRACTOR else None,
                "fields": [{"field": code, "grade": grade} for code, grade in self.s.fields]}
        case = self.fresh()
        case_services.case_data_update(case=case, data=data, title=f"نمایشی {self.s.key} — {self.s.title}",
                                       by=self.applicant, expected_version=case.version)

    def _create(self) -> None:
        case = case_services.case_create(service=self.service, applicant=self.applicant, organization=self.organization)
        Case.objects.filter(pk=case.pk).update(public_id=case_public_id(self.s.key))
        self.case = case
        self._form()

    def step_draft_partial(self) -> None:
        self._create()
        self._person(1, self.s.people[0])
        self._upload("registration_forms")

    def step_dossier(self) -> None:
        self._create()
        for number, person in enumerate(self.s.people, start=1):
            self._person(number, person)
        for contract in self.s.contracts:
            services.experience_add(case=self.fresh(), by=self.applicant, field=contract.field, title=contract.title,
                                    employer=contract.employer,
                                    contract_number=f"{self.s.key}-{contract.started_on:%y%m}",
                                    amount_rials=contract.amount_rials, started_on=contract.started_on,
                                    finished_on=contract.finished_on)
        last_year = jalali.to_jalali(timezone.localdate()).year - 1
        for back, turnover in enumerate(self.s.turnovers):
            services.financial_add(case=self.fresh(), by=self.applicant, fiscal_year=last_year - back,
                                   turnover_rials=turnover,
                                   tax_return_number=f"{last_year - back}{self.s.key}{4417 + back}")
        for requirement in sorted(selectors.required_document_codes(self.fresh())):
            self._upload(requirement)

    def step_pay(self) -> None:
        self.bank.pay(self.fresh(), self.applicant)

    def step_submit(self) -> None:
        case = self.fresh()
        case_services.case_submit(case=case, by=self.applicant, expected_version=case.version)

    def step_resubmit(self, requirement: str, answer: str) -> None:
        self._upload(requirement, "corrected")
        case = self.fresh()
        notice = case.deficiency_notices.filter(answered_at__isnull=True).order_by("-round").first()
        case_services.case_resubmit(case=case, answers={item.pk: answer for item in notice.items.all()},
                                    by=self.applicant, expected_version=case.version)

    # -- the staff

    def step_claim(self) -> None:
        case_services.case_claim(case=self.fresh(), by=self.expert)

    def step_review(self, verdicts: dict) -> None:
        people = {(p.role, p.first_name, p.last_name): p for p in self.s.people}
        for row in CompanyPerson.objects.filter(case=self.case, scoring_field__isnull=False):
            wanted = people[(row.role, row.first_name, row.last_name)].relevance
            services.relevance_set(case=self.fresh(), person_id=row.pk, relevance=wanted, by=self.expert)
        deficient = verdicts.get("deficient", {})
        needed = [s.code for s in selectors.dossier_sections(self.fresh()) if s.status != "not_needed"]
        accepted = verdicts.get("accepted", [code for code in needed if code not in deficient])
        for code in accepted:
            services.section_review_set(case=self.fresh(), section=code, status=ReviewStatus.ACCEPTED, note="",
                                        guidance="", by=self.expert)
        for code, (note, guidance) in deficient.items():
            services.section_review_set(case=self.fresh(), section=code, status=ReviewStatus.DEFICIENT, note=note,
                                        guidance=guidance, by=self.expert)

    def step_notice(self, summary: str) -> None:
        case = self.fresh()
        services.deficiency_notice_from_reviews(case=case, summary=summary, by=self.expert,
                                                expected_version=case.version)

    def step_send(self) -> None:
        case = self.fresh()
        case_services.case_transition(case=case, name="send_to_approver", by=self.expert, expected_version=case.version)

    def step_reject(self, reason: str) -> None:
        case = self.fresh()
        case_services.case_transition(case=case, name="reject", by=self.expert, comment=reason,
                                      expected_version=case.version)

    def step_approve(self) -> None:
        case = self.fresh()
        services.grades_approve(case=case, granted={code: grade for code, (grade, _r) in self.s.granted.items()},
                                reasons={code: reason for code, (_g, reason) in self.s.granted.items() if reason},
                                by=self.approver, expected_version=case.version)

    def step_refer(self) -> None:
        services.referral_mark_sent(referral=self.fresh().qualification_referral,
                                    receipt=f"PBO-{jalali.to_jalali(timezone.localdate()).year}-{self.s.key}0917",
                                    by=self.approver)

    def step_register(self) -> None:
        services.referral_acknowledge(referral=self.fresh().qualification_referral,
                                      registration_number=f"SAJAR-{self.s.key}-58214", by=self.approver)


# -- 4. a disciplinary violation -----------------------------------------------------------------------

VIOLATION = {
    "organization": "1032000101",
    "instruction": ViolationInstruction.CONTRACTORS,
    "description": "تأخیر غیرموجه در تحویل موقت پروژه بهسازی محور فیروزکوه — دماوند و رعایت‌نکردن برنامه زمانی "
                   "مصوب (داده نمایشی).",
    "decision": "تذکر کتبی با درج در پرونده شرکت (داده نمایشی).",
}


def _violation(by) -> None:
    organization = Organization.objects.get(national_id=organization_id_complete(VIOLATION["organization"]))
    if DisciplinaryViolation.objects.filter(organization=organization, description=VIOLATION["description"]).exists():
        return
    services.violation_record(organization=organization, instruction=VIOLATION["instruction"],
                              occurred_on=timezone.localdate() - dt.timedelta(days=190),
                              description=VIOLATION["description"], decision=VIOLATION["decision"], by=by)


# -- loading -------------------------------------------------------------------------------------------

def load(stdout=None) -> list[str]:
    _scoring_tables()
    _companies()
    service = Service.objects.get(code=SERVICE_CODE)
    expert, approver = demo_user(EXPERT), demo_user(UNIT_HEAD)
    existing = set(Case.objects.filter(public_id__in=[case_public_id(s.key) for s in SCENARIOS])
                   .values_list("public_id", flat=True))
    missing = [s for s in SCENARIOS if case_public_id(s.key) not in existing]
    if settings.KHEDMAT_HOME_PROVINCE != "tehran":  # the demo companies and staff are in Tehran
        missing = []
    if missing:
        timeline = DemoTimeline(Province.objects.get(code=settings.KHEDMAT_HOME_PROVINCE),
                                _TIME_COLUMNS + _more_time_columns())
        needs_bank = any(step[0] == "pay" for s in missing for step in s.steps)
        with _SandboxBank() if needs_bank else nullcontext() as bank:
            for scenario in missing:
                with transaction.atomic():
                    _Builder(scenario, service=service, timeline=timeline, bank=bank, expert=expert,
                             approver=approver).run()
    _violation(approver)
    if stdout:
        stdout.write(f"  contractor qualification: {len(missing)} demo cases added, "
                     f"{len(existing)} already there")
    return [
        f"Service 4 demo (contractor qualification): {len(SCENARIOS)} cases in every state — applicants "
        f"{national_id_complete(NARGES)} and {national_id_complete(AMIR)}, expert {national_id_complete(EXPERT)}, "
        f"approver (unit head) {national_id_complete(UNIT_HEAD)}; sample scoring tables labelled «{DEMO_LABEL}».",
    ]
