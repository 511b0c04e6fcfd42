import datetime as dt
import io
import logging
import signal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import AuditEvent
from khedmat.notifications.models import OutboxMessage, SentMessage
from khedmat.notifications.services import (
    _finish,
    notification_enqueue,
    notify_user,
    outbox_deliver,
    outbox_retry,
    outbox_retry_delay,
    outbox_sweep,
)
from khedmat.notifications.sms import BaseSmsBackend, SmsError, SmsResult
from khedmat.notifications.tasks import deliver_outbox_message_task, outbox_retry_sweep_task, outbox_sweep_schedule

pytestmark = pytest.mark.django_db


class FailingSmsBackend(BaseSmsBackend):
    name = "failing"

    def send(self, *, to, text):
        raise SmsError("provider down")


class BrokenSmsBackend(BaseSmsBackend):
    """A backend with a bug: raises something other than SmsError."""

    name = "broken"

    def send(self, *, to, text):
        raise RuntimeError("bug in backend")


class CountingSmsBackend(BaseSmsBackend):
    name = "counting"
    sent: list = []

    def send(self, *, to, text):
        type(self).sent.append((to, text))
        return SmsResult(provider_reference=f"ref-{len(type(self).sent)}")


class RacingSmsBackend(CountingSmsBackend):
    """While this worker is sending, a second worker tries to deliver the same message."""

    racer_results: list = []

    def send(self, *, to, text):
        message = OutboxMessage.objects.get(to=to, channel="sms")
        type(self).racer_results.append(outbox_deliver(message.pk))
        return super().send(to=to, text=text)


def _backend(settings, cls):
    settings.SMS_BACKEND = f"{__name__}.{cls.__name__}"
    cls.sent = []


@pytest.fixture
def counting_sms(settings):
    _backend(settings, CountingSmsBackend)
    return CountingSmsBackend


def _sms(key="k1", to="09121234567", **extra):
    return notification_enqueue(channel="sms", to=to, body="پرونده ۱۲۳ دریافت شد.", template="test",
                                idempotency_key=key, **extra)


# -- enqueue -----------------------------------------------------------------------------------

def test_enqueue_with_the_same_key_returns_the_first_message(django_capture_on_commit_callbacks, counting_sms):
    with django_capture_on_commit_callbacks() as callbacks:
        first = _sms()
        again = _sms()
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1  # one delivery queued, not two


def test_nothing_is_sent_before_commit_and_once_after(django_capture_on_commit_callbacks, counting_sms):
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms(case_id=42)
        assert counting_sms.sent == []
        assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.PENDING
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1 and message.sent_at
    assert message.case_id == 42
    assert counting_sms.sent == [("09121234567", "پرونده ۱۲۳ دریافت شد.")]
    log = SentMessage.objects.get()
    assert log.outbox_message == message and log.status == SentMessage.Status.SENT and log.provider_reference == "ref-1"


def test_rollback_drops_the_message(django_capture_on_commit_callbacks, counting_sms):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _sms()
            raise RuntimeError("the producer's transaction fails later")
    assert not OutboxMessage.objects.exists()
    assert callbacks == [] and counting_sms.sent == []


def test_enqueue_refuses_a_message_without_destination():
    with pytest.raises(ValidationError):
        notification_enqueue(channel="sms", body="x", idempotency_key="no-number")
    with pytest.raises(ValidationError):
        notification_enqueue(channel="inapp", body="x", idempotency_key="no-recipient")
    with pytest.raises(ValidationError):
        notification_enqueue(channel="fax", to="1", body="x", idempotency_key="no-such-channel")
    assert not OutboxMessage.objects.exists()


def test_notify_user_queues_one_message_per_channel(applicant, django_capture_on_commit_callbacks, counting_sms):
    with django_capture_on_commit_callbacks(execute=True):
        queued = notify_user(user=applicant, subject="موضوع", body="متن پیام", template="case_submitted",
                             idempotency_key="case-event-7", case_id=7)
    assert {m.idempotency_key for m in queued} == {"case-event-7:inapp", "case-event-7:sms"}
    sms = OutboxMessage.objects.get(channel="sms")
    inapp = OutboxMessage.objects.get(channel="inapp")
    assert sms.to == applicant.mobile and sms.recipient == applicant and sms.status == "sent"
    assert inapp.recipient == applicant and inapp.to == "" and inapp.status == "sent" and inapp.read_at is None
    assert counting_sms.sent == [(applicant.mobile, "متن پیام")]
    # The producer runs again (a retried request): nothing new.
    notify_user(user=applicant, subject="موضوع", body="متن پیام", template="case_submitted",
                idempotency_key="case-event-7")
    assert OutboxMessage.objects.count() == 2


def test_email_goes_through_django_mail_and_is_skipped_without_an_address(applicant,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_user(user=applicant, subject="s", body="b", template="t", idempotency_key="e1",
                           channels=("email",)) == []
    applicant.email = "narges@example.ir"
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify_user(user=applicant, subject="پرونده شما", body="متن", template="t", idempotency_key="e2",
                                 channels=("email",))
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1
    assert mail.outbox[0].subject == "پرونده شما" and mail.outbox[0].to == ["narges@example.ir"]
    assert SentMessage.objects.get(outbox_message=message).channel == "email"


# -- failures and retries ----------------------------------------------------------------------

def test_a_failing_backend_schedules_a_retry(settings, django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
    assert message.next_attempt_at >= before + dt.timedelta(minutes=1)
    assert "provider down" in message.last_error
    assert SentMessage.objects.get(outbox_message=message).status == SentMessage.Status.FAILED


def test_a_backend_that_raises_anything_is_a_failed_attempt_not_a_crash(settings, django_capture_on_commit_callbacks):
    _backend(settings, BrokenSmsBackend)
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and "RuntimeError" in message.last_error
    assert outbox_deliver(10**9) is None  # a message that does not exist: no exception either


def test_the_sweep_sends_exactly_once_after_the_back_off(settings, django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    _backend(settings, CountingSmsBackend)
    assert outbox_sweep()["sent"] == 0  # not due yet
    assert outbox_deliver(message.pk) is None  # a late duplicate task does not skip the back-off
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        assert outbox_sweep() == {"sent": 1, "pending": 0, "failed": 0, "skipped": 0}
        assert outbox_sweep()["sent"] == 0
        assert outbox_deliver(message.pk) is None
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.last_error == ""
    assert len(CountingSmsBackend.sent) == 1
    assert SentMessage.objects.filter(outbox_message=message, status="sent").count() == 1


def test_back_off_grows_and_gives_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    assert settings.NOTIFICATION_MAX_ATTEMPTS == 6
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    waits = []
    for _attempt in range(5):
        message.refresh_from_db()
        assert message.status == "pending"
        with time_machine.travel(message.next_attempt_at, tick=False):
            waits.append(message.next_attempt_at)
            outbox_sweep()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 6
    gaps = [round((b - a).total_seconds() / 60) for a, b in zip(waits, waits[1:], strict=False)]
    assert gaps == [5, 30, 120, 600]
    assert [outbox_retry_delay(n) for n in (1, 6)] == [dt.timedelta(minutes=1), dt.timedelta(minutes=600)]
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        assert outbox_sweep()["failed"] == 0  # given up: the sweep leaves it alone
    assert SentMessage.objects.filter(outbox_message=message).count() == 6


def test_max_attempts_is_a_setting(settings, django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 1


def test_retry_gives_a_failed_message_one_more_attempt(settings, administrator, django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    _backend(settings, CountingSmsBackend)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(message=message, by=administrator)
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert AuditEvent.objects.filter(action="outbox_retry", object_id=str(message.pk), actor=administrator).exists()
    with pytest.raises(ApplicationError):
        outbox_retry(message=message, by=administrator)


# -- concurrency -------------------------------------------------------------------------------

def test_two_deliveries_of_one_message_send_it_once(django_capture_on_commit_callbacks, counting_sms):
    with django_capture_on_commit_callbacks(execute=False):
        message = _sms()
    assert outbox_deliver(message.pk) == "sent"
    assert outbox_deliver(message.pk) is None
    assert len(counting_sms.sent) == 1 and SentMessage.objects.count() == 1


def test_a_second_worker_racing_the_first_does_not_send(settings, django_capture_on_commit_callbacks):
    _backend(settings, RacingSmsBackend)
    RacingSmsBackend.racer_results = []
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    message.refresh_from_db()
    assert RacingSmsBackend.racer_results == [None]  # the racer found the row claimed
    assert len(RacingSmsBackend.sent) == 1 and message.status == "sent" and message.attempts == 1


def test_a_claimed_message_is_left_to_its_worker_until_the_lease_runs_out(counting_sms):
    message = _sms()
    lease_end = timezone.now() + dt.timedelta(seconds=600)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1, next_attempt_at=lease_end)
    assert outbox_deliver(message.pk) is None
    assert outbox_sweep()["sent"] == 0 and counting_sms.sent == []
    # The worker died mid-send: after its lease the sweep takes the message back.
    with time_machine.travel(lease_end + dt.timedelta(seconds=1), tick=False):
        assert outbox_sweep()["sent"] == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and len(counting_sms.sent) == 1


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_outcome(counting_sms):
    message = _sms()
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1)
    stale = OutboxMessage.objects.get(pk=message.pk)
    # Meanwhile another worker took it over (attempt 2) and sent it.
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent", attempts=2)
    _finish(stale, error="timeout")
    message.refresh_from_db()
    assert message.status == "sent" and message.last_error == ""


# -- tasks and the command ---------------------------------------------------------------------

def test_the_delivery_task_runs_the_delivery(counting_sms):
    message = _sms()
    result = deliver_outbox_message_task.enqueue(message.pk)
    assert result.status == "SUCCESSFUL" and result.return_value == "sent"


def test_the_sweep_task_does_not_reschedule_itself_on_the_immediate_backend(settings,
                                                                            django_capture_on_commit_callbacks):
    _backend(settings, FailingSmsBackend)
    with django_capture_on_commit_callbacks(execute=True):
        _sms()
    _backend(settings, CountingSmsBackend)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        result = outbox_retry_sweep_task.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value["sent"] == 1
    assert outbox_sweep_schedule() is False


def test_outbox_sweep_command(settings, counting_sms):
    _sms("a")  # committed but its delivery task never ran (say the queue was down)
    _sms("b", to="09129999999")
    out = io.StringIO()
    call_command("outbox_sweep", stdout=out)
    assert "sent 2" in out.getvalue()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    out = io.StringIO()
    call_command("outbox_sweep", stdout=out)
    assert "sent 0" in out.getvalue() and len(counting_sms.sent) == 2


@pytest.fixture
def in_test_db_worker(monkeypatch):
    """`manage.py db_worker` run inside the test's transaction, leaving the process as it found it."""
    # The worker closes "old" connections between tasks, which would close the test's own.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    signals = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s is not None]
    handlers = {s: signal.getsignal(s) for s in signals}
    loggers = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}

    def run(*args):
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", *args,
                     verbosity=0, stdout=io.StringIO())

    yield run
    for s, handler in handlers.items():
        signal.signal(s, handler)
    for name, level in loggers.items():
        logging.getLogger(name).setLevel(level)


def test_database_backend_queues_the_delivery_and_db_worker_runs_it(settings, django_capture_on_commit_callbacks,
                                                                     counting_sms, in_test_db_worker):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_outbox_message_task", status="READY").count() == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == "pending"
    in_test_db_worker()
    assert OutboxMessage.objects.get(pk=message.pk).status == "sent" and len(counting_sms.sent) == 1
    # The periodic sweep: queued once, with a delay, and not twice.
    assert outbox_sweep_schedule() is True
    assert outbox_sweep_schedule() is False
    sweep = DBTaskResult.objects.get(task_path__endswith="outbox_retry_sweep_task")
    assert sweep.status == "READY" and sweep.run_after > timezone.now()
