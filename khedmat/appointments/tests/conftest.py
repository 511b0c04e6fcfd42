"""The test process with two appointment kinds, a scoring scheme, and slot helpers on working days."""
import dataclasses
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from khedmat.appointments.models import ScoringCriterion, ScoringScheme
from khedmat.appointments.services import appointment_propose
from khedmat.cases import process as registry
from khedmat.cases.process import AppointmentKind, Transition
from khedmat.cases.tests.conftest import (  # noqa: F401
    PDF,
    draft,
    ready_draft,
    submitted,
    test_service,
    unit_head,
    upload,
)
from khedmat.cases.tests.process import PROCESS
from khedmat.core import jalali
from khedmat.workcalendar.selectors import calendar_for

FIELD_VISIT = AppointmentKind("field_visit", "بازدید میدانی", states=("under_review",), staff_roles=("expert",),
                              reschedule_allowed=1, report_scheme="test_visit", done_transition="visited")
BRIEFING = AppointmentKind("briefing", "جلسه توجیهی", states=("under_review", "awaiting_approval"),
                           staff_roles=("expert", "unit_head"))


@pytest.fixture
def appointment_process(test_service):  # noqa: F811 (the imported fixture)
    """The test process with a field visit (scored, one reschedule, moves the case when reported) and
    a briefing session (no reschedule, no scores). test_service's teardown unregisters it."""
    process = dataclasses.replace(
        PROCESS,
        transitions=(*PROCESS.transitions,
                     Transition("visited", "بازدید انجام شد", ("under_review",), "awaiting_approval", ("expert",),
                                internal=True)),
        appointment_kinds=(FIELD_VISIT, BRIEFING),
    )
    registry.register(process)
    return process


@pytest.fixture
def scheme(db):
    scheme = ScoringScheme.objects.create(code="test_visit", title="امتیاز بازدید آزمایشی")
    ScoringCriterion.objects.create(scheme=scheme, order=1, title="فضای کار", max_score=10)
    ScoringCriterion.objects.create(scheme=scheme, order=2, title="تجهیزات", max_score=20, weight="1.5")
    return scheme


@pytest.fixture
def case(appointment_process, submitted):  # noqa: F811
    """A submitted case (under review) of the process with appointment kinds."""
    return submitted


def working_day(case, n: int = 2) -> dt.date:
    """The Nth working day after today in the case's province."""
    return calendar_for(province=case.province_id).add_working_days(timezone.localdate(), n)


def at(day: dt.date, clock: str) -> dt.datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=jalali.TEHRAN)


def propose(case, by, *, day=None, start="10:00", end="11:00", kind="field_visit", staff=None,
            place="تهران، خیابان آزادی"):
    day = day or working_day(case)
    return appointment_propose(case=case, kind=kind, starts_at=at(day, start), ends_at=at(day, end), place=place,
                               staff=staff or [by], by=by)


@pytest.fixture
def proposed(case, expert):
    return propose(case, expert)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name="site.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


def pdf_as_photo():
    return SimpleUploadedFile("site.jpg", PDF, content_type="image/jpeg")
