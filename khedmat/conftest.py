"""Shared fixtures: reference data loaded once, and personas for "nobody sees what is not theirs"."""

import pytest
from django.core.management import call_command

from khedmat.testing import make_organization, make_staff, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests flush the database afterwards; give each one the reference data again."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
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


# -- browser tests ---------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    from khedmat.core.browser import chromium_available

    if chromium_available():
        return
    import os

    if os.environ.get("CI"):
        raise pytest.UsageError("Chromium (/usr/bin/chromium) is required for the browser tests in CI.")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _playwright_browser():
    import os

    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run beside
    # one unless told that the test knows what it is doing.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from khedmat.core.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_playwright_browser, live_server):
    """A phone-sized page (375 px) on the live server, recording CSP violations and transfer sizes."""
    from django.core.management import call_command

    from khedmat.core.browser import instrument

    # Transactional tests flush the database afterwards; make sure reference data is there.
    call_command("load_reference_data", verbosity=0)
    context = _playwright_browser.new_context(viewport={"width": 375, "height": 740}, locale="fa-IR",
                                              base_url=live_server.url)
    page = context.new_page()
    page.log = instrument(page)
    yield page
    context.close()
