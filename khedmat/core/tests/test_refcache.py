"""Reference data kept in the process: read once, read again after the time-to-live or a change in this process."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khedmat.catalog.models import Service
from khedmat.catalog.selectors import service_codes
from khedmat.core import refcache

pytestmark = pytest.mark.django_db


def test_a_value_is_read_once_then_kept():
    service_codes()
    with CaptureQueriesContext(connection) as ctx:
        codes = service_codes()
    assert len(ctx.captured_queries) == 0 and "contractor_qualification" in codes


def test_a_save_in_this_process_is_seen_at_once():
    service = Service.objects.get(code="contractor_qualification")
    assert service_codes()[service.code][1] == service.title
    service.title = "عنوان تازه"
    service.save()
    assert service_codes()[service.code][1] == "عنوان تازه"


def test_another_process_s_change_is_seen_after_the_time_to_live(settings, monkeypatch):
    service = Service.objects.get(code="contractor_qualification")
    service_codes()
    Service.objects.filter(pk=service.pk).update(title="تغییر در فرایندی دیگر")  # no signal here, as in another process
    assert service_codes()[service.code][1] == service.title  # kept
    clock = [refcache.time.monotonic() + settings.REFERENCE_CACHE_SECONDS + 1]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    assert service_codes()[service.code][1] == "تغییر در فرایندی دیگر"
