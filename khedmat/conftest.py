"""Shared fixtures: reference data loaded once, and personas for "nobody sees what is not theirs"."""

import pytest
from django.core.management import call_command

from khedmat.core.testing import make_organization, make_staff, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def tehran(db):
    from khedmat.core.models import Province

    return Province.objects.get(code="tehran")


@pytest.fixture
def isfahan(db):
    from khedmat.core.models import Province

    return Province.objects.get(code="isfahan")


@pytest.fixture
def applicant(db):
    return make_user(first_name="نرگس", last_name="شریفی")


@pytest.fixture
def other_applicant(db):
    return make_user(first_name="امیر", last_name="کاظمی")


@pytest.fixture
def expert(tehran):
    return make_staff(province=tehran, roles=["expert"])


@pytest.fixture
def isfahan_expert(isfahan):
    return make_staff(province=isfahan, roles=["expert"])


@pytest.fixture
def administrator(tehran):
    return make_staff(province=tehran, roles=["administrator"], is_staff=True)


@pytest.fixture
def company(applicant, tehran):
    return make_organization(owner=applicant, province=tehran)


@pytest.fixture
def sms_outbox(db):
    """The SentMessage rows written during the test (the console backend keeps every body)."""
    from khedmat.notifications.models import SentMessage

    return SentMessage.objects
