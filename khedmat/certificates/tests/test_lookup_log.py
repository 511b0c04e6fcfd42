"""The buffered verification log: every lookup reaches VerificationLog after a flush, once, even with 20 threads
appending while a flush runs."""
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from khedmat.certificates import lookup_log, selectors, services
from khedmat.certificates.models import DocumentType, VerificationLog
from khedmat.certificates.tasks import verification_log_flush_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(administrator):
    return services.document_issue(document_type=DocumentType.objects.get(code="grade_certificate"),
                                   holder_name="شرکت ساختمانی البرز کوه", by=administrator)


def test_n_lookups_give_n_log_rows_after_the_flush(client, certificate):
    for _ in range(5):
        assert client.get(f"/verify/{certificate.public_id}/").status_code == 200
    client.get("/verify/json/", {"code": "123"})  # malformed: logged too
    client.get("/verify/00000000-0000-0000-0000-000000000000/json/")  # not found
    assert VerificationLog.objects.count() == 0  # nothing written while answering
    assert lookup_log.flush() == 7
    assert VerificationLog.objects.filter(document=certificate, found=True, channel="page").count() == 5
    assert VerificationLog.objects.filter(found=False).count() == 2
    assert VerificationLog.objects.filter(ip_address="127.0.0.1").count() == 7
    assert lookup_log.flush() == 0  # moved once


def test_the_worker_task_flushes_the_buffer(certificate):
    selectors.document_lookup(code=certificate.verification_code, ip="10.1.2.3", channel="json")
    verification_log_flush_task.enqueue()  # the test profile runs tasks inline
    [row] = VerificationLog.objects.all()
    assert (row.ip_address, row.document_id, row.query) == ("10.1.2.3", certificate.pk, certificate.verification_code)


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_lose_no_lookup_while_the_worker_flushes(certificate, settings):
    settings.VERIFY_RATE_LIMIT_PER_CODE = 10_000  # 500 lookups of one document here
    per_thread, errors = 25, []
    barrier = threading.Barrier(21)
    done = threading.Event()

    def lookups(n):
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                selectors.document_lookup(public_id=certificate.public_id, ip=f"10.0.0.{n}", channel="page")
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    def flusher():
        try:
            barrier.wait(timeout=10)
            while not done.is_set():
                lookup_log.flush()
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=lookups, args=(n,)) for n in range(20)]
    flushing = threading.Thread(target=flusher)
    for thread in [*threads, flushing]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    flushing.join(timeout=60)
    lookup_log.flush()
    assert not errors
    assert VerificationLog.objects.count() == 20 * per_thread
    assert VerificationLog.objects.filter(ip_address="10.0.0.7", document=certificate).count() == per_thread


def test_a_flush_that_cannot_store_keeps_the_lines_for_the_next_one(certificate, monkeypatch):
    for n in range(3):
        selectors.document_lookup(code=certificate.verification_code, ip=f"10.9.9.{n}", channel="json")

    def refuse(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(VerificationLog.objects, "bulk_create", refuse)
    with pytest.raises(RuntimeError):
        lookup_log.flush()
    monkeypatch.undo()
    assert VerificationLog.objects.count() == 0
    assert lookup_log.flush() == 3
    assert sorted(VerificationLog.objects.values_list("ip_address", flat=True)) == ["10.9.9.0", "10.9.9.1", "10.9.9.2"]


def test_the_command_flushes_the_buffer(certificate):
    selectors.verification_attempt_log(raw="abc", ip="10.1.2.3", channel="page")
    out = io.StringIO()
    call_command("verification_log_flush", stdout=out)
    assert "1" in out.getvalue() and VerificationLog.objects.get().query == "abc"
