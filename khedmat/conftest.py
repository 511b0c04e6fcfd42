"""Shared fixtures: reference data loaded once, and personas for "nobody sees what is not theirs".

The fixtures every app's tests share beyond these are in the plugin khedmat/testing_fixtures/. Which tests
the PostgreSQL pass runs is decided here (`postgres` marker, see docs/testing.md)."""
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command

from khedmat.certificates import lookup_log
from khedmat.core import refcache
from khedmat.testing import make_organization, make_staff, make_user

pytest_plugins = [
    "khedmat.testing_fixtures.cases",
    "khedmat.testing_fixtures.payments",
    "khedmat.testing_fixtures.inquiries",
]


# The reference data (provinces, calendars, services, fees, …) is loaded once per test database: the loader
# takes seconds (each national holiday bumps 31 provincial calendars). The rows it wrote are kept in memory and
# put back with bulk_create (no signals: the calendar states are among the rows) after a transactional test
# has flushed the database, so every test, in any order, starts with the same reference data.
_reference_rows: list[tuple[type, list]] = []


def _table_counts() -> dict:
    from django.apps import apps

    return {model: model._base_manager.count() for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before = _table_counts()
        call_command("load_reference_data", verbosity=0)
        _reference_rows[:] = [(model, list(model._base_manager.order_by("pk")))
                              for model, count in _table_counts().items() if count != before[model]]


def _restore_reference_data() -> None:
    from django.db import transaction

    with transaction.atomic():  # foreign keys are checked at commit: the order of the tables does not matter
        for model, rows in _reference_rows:
            model._base_manager.bulk_create(rows)


@pytest.fixture(autouse=True)
def _fresh_cache_and_lookup_log():
    """Each test starts with empty caches (rate counters, cached signature checks, page fragments, reference data)
    and no buffered verification lookups (they name the documents of the test that made them)."""
    cache.clear()
    caches["fragments"].clear()
    refcache.clear()
    lookup_log.discard()
    yield
    lookup_log.discard()


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests flush the database when they end; pytest_runtest_teardown puts the reference
    data back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    request.node.stash[_flushed_by] = request.getfixturevalue("django_db_blocker")


_flushed_by = pytest.StashKey()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the fixtures are finalized: a transactional test's database has been flushed
    blocker = item.stash.get(_flushed_by, None)
    if blocker is not None and nextitem is not None:  # after the last test the database is gone
        with blocker.unblock():
            _restore_reference_data()


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


# -- the two passes: every test on SQLite, what depends on the database again on PostgreSQL ---------

# Test modules of the layers that talk to the database (tests mirror the module they test): models
# (constraints), selectors and reports (queries, ordering, aggregates), services, workflow and tasks (locks,
# sequences, transactions), the schema's history (migrations) and races between transactions (concurrency).
POSTGRES_MODULES = frozenset({
    "test_models.py", "test_selectors.py", "test_services.py", "test_workflow.py", "test_tasks.py",
    "test_report.py", "test_reports.py", "test_reporting.py", "test_migrations.py", "test_concurrency.py",
})


def runs_on_postgres(item) -> bool:
    """The PostgreSQL pass (`-m "postgres and not browser"`) runs a test marked `postgres` by hand, one in a
    module of the database layer (POSTGRES_MODULES), and one with real transactions (`transaction=True`:
    commits, on_commit, threads, select_for_update) unless it is a browser test (those run on SQLite only)."""
    if item.get_closest_marker("postgres") is not None:
        return True
    if item.get_closest_marker("browser") is not None:
        return False
    if item.path.name in POSTGRES_MODULES:
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction"))


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(config, items):
    for item in items:
        if runs_on_postgres(item) and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)
    _skip_browser_tests_without_chromium(items)


def pytest_sessionfinish(session, exitstatus):
    """Each test process has its own media directory and SQLite file (khedmat/settings/test.py): remove the
    directory, and the write-ahead log SQLite leaves beside the file pytest-django deleted."""
    for directory in (Path(settings.MEDIA_ROOT), Path(settings.VERIFY_LOG_DIR)):
        if directory.name.startswith(("test-media-", "test-verification-log-")) and directory.is_dir():
            shutil.rmtree(directory, ignore_errors=True)
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and database.get("TEST", {}).get("NAME"):
        for suffix in ("-wal", "-shm"):
            Path(database["TEST"]["NAME"] + suffix).unlink(missing_ok=True)


# -- browser tests ---------------------------------------------------------------------------

def _skip_browser_tests_without_chromium(items):
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
    from khedmat.core.browser import instrument

    context = _playwright_browser.new_context(viewport={"width": 375, "height": 740}, locale="fa-IR",
                                              base_url=live_server.url)
    page = context.new_page()
    page.log = instrument(page)
    yield page
    context.close()
