"""The test process with two appointment kinds, a scoring scheme, and slot helpers on working days."""
import dataclasses
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from khedmat.appointments.models import ScoringCriterion, ScoringScheme
from khedmat.cases import process as registry
from khedmat.cases.process import Transition
from khedmat.cases.tests.process import PROCESS
from khedmat.testing_fixtures.appointments import BRIEFING, FIELD_VISIT, at, propose, working_day  # noqa: F401
from khedmat.testing_fixtures.cases import PDF


@pytest.fixture
def appointment_process(test_service):
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
def case(appointment_process, submitted):
    """A submitted case (under review) of the process with appointment kinds."""
    return submitted


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
