import dataclasses

import pytest

from khedmat.cases import process as registry
from khedmat.cases.tests.process import PROCESS
from khedmat.inquiries.tests.simulator import start_simulator


@pytest.fixture
def simulator(settings):
    running = start_simulator()
    settings.REGISTRY_BASE_URL = running.url
    settings.REGISTRY_TIMEOUT = 2
    yield running
    running.stop()


def _declared_person(case):
    return {"national_id": case.applicant.national_id, "first_name": case.applicant.first_name,
            "last_name": case.applicant.last_name}


@pytest.fixture
def inquiring_process(test_service):
    """The test process, asking the civil registry about the applicant on submission."""
    process = dataclasses.replace(
        PROCESS,
        inquiries=lambda case: [{"source": "civil_registry", "subject": {"national_id": case.applicant.national_id},
                                 "declared": _declared_person(case), "label": case.applicant.get_full_name()}],
        written_inquiry_documents=("id_card", "letter", "extra"),
    )
    registry.register(process)
    return process
