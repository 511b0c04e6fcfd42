"""Sending messages.

Two paths:

* `sms_send` sends one SMS now (one-time codes, where the person is waiting for it).
* The outbox: `notification_enqueue` / `notify_user` write an `OutboxMessage` in the caller's
  transaction; after commit a task delivers it (`outbox_deliver`), and `outbox_sweep` retries what
  failed, with back-off, until `NOTIFICATION_MAX_ATTEMPTS`. A message is claimed by one worker with a
  conditional UPDATE before it is sent, so two workers never send it twice.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.core.audit import audit_record, snapshot
from khedmat.core.bidi import mark_numbers
from khedmat.core.exceptions import ApplicationError
from khedmat.core.numbers import persian_text
from khedmat.notifications.models import OutboxMessage, SentMessage
from khedmat.notifications.selectors import inapp_message_get_for_user
from khedmat.notifications.sms import SmsError, get_backend

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"

# Minutes to wait after the 1st, 2nd, … failed attempt; the last value repeats.
DEFAULT_RETRY_MINUTES = (1, 5, 30, 120, 600)
DEFAULT_MAX_ATTEMPTS = 6
# A claimed message whose worker died is taken back after this long. Far above any send timeout,
# so a slow but living worker is not raced by the sweep.
DEFAULT_SENDING_LEASE_SECONDS = 600


def sms_send(
    *, to: str, text: str, sensitive: bool = False, purpose: str = "", outbox_message: OutboxMessage | None = None,
) -> SentMessage:
    """Send one SMS through the configured backend and record the outcome (never raises SmsError)."""
    backend = get_backend()
    text = person_text(text)
    stored_body = text if (not sensitive or settings.DEV_OUTBOX_ENABLED) else REDACTED
    try:
        result = backend.send(to=to, text=text)
    except SmsError as exc:
        logger.warning("SMS to %s failed: %s", to, exc)
        return SentMessage.objects.create(
            to=to, body=stored_body, purpose=purpose[:60], backend=backend.name,
            status=SentMessage.Status.FAILED, error=str(exc)[:500], outbox_message=outbox_message,
        )
    return SentMessage.objects.create(
        to=to, body=stored_body, purpose=purpose[:60], backend=backend.name,
        status=SentMessage.Status.SENT, provider_reference=result.provider_reference, outbox_message=outbox_message,
    )


def person_text(text) -> str:
    """What a person reads in an SMS, an e-mail subject or the inbox: Persian digits (URLs kept),
    number-like tokens between left-to-right marks (docs/adr/0017-bidi-isolation.md)."""
    return mark_numbers(persian_text(str(text or "")))


# -- policy ------------------------------------------------------------------------------------

def _max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "NOTIFICATION_SENDING_LEASE_SECONDS",
                                            DEFAULT_SENDING_LEASE_SECONDS)))


def outbox_retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 5, 30, 120, 600 minutes, then 600)."""
    minutes = tuple(getattr(settings, "NOTIFICATION_RETRY_MINUTES", DEFAULT_RETRY_MINUTES)) or DEFAULT_RETRY_MINUTES
    return dt.timedelta(minutes=minutes[min(max(attempts, 1), len(minutes)) - 1])


# -- enqueue -----------------------------------------------------------------------------------

def _enqueue_delivery(message_id: int) -> None:
    # If the task queue cannot take it (database hiccup), the row stays pending and due: the
    # retry sweep delivers it. That is why this is a robust on_commit hook.
    # here, not at the top: cycle notifications.services -> notifications.tasks -> notifications.services
    from khedmat.notifications.tasks import deliver_outbox_message_task

    deliver_outbox_message_task.enqueue(message_id)


@transaction.atomic
def notification_enqueue(
    *,
    channel: str,
    recipient=None,
    to: str = "",
    subject: str = "",
    body: str,
    template: str = "",
    idempotency_key: str,
    case_id: int | None = None,
) -> OutboxMessage:
    """Queue one message in the caller's transaction and deliver it after commit.

    A rollback drops the message; once committed it survives a crash and is retried until sent or
    given up. Calling again with the same `idempotency_key` returns the first message and queues
    nothing new (a retried producer must not message the person twice).
    """
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    message = OutboxMessage(
        channel=channel, recipient=recipient, to=to or "", subject=person_text(subject)[:200], body=person_text(body),
        template=template, idempotency_key=idempotency_key, case_id=case_id,
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now(),
    )
    # Uniqueness is left to the database: a concurrent producer with the same key loses below.
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    transaction.on_commit(partial(_enqueue_delivery, message.pk), robust=True)
    return message


def notify_user(
    *,
    user,
    subject: str,
    body: str,
    template: str,
    idempotency_key: str,
    channels: Iterable[str] = ("inapp", "sms"),
    case_id: int | None = None,
) -> list[OutboxMessage]:
    """Queue the same message to `user` on each channel (keys "<key>:<channel>").

    SMS goes to the user's mobile and e-mail to their address; a channel with no address on file
    is skipped.
    """
    queued = []
    for channel in channels:
        if channel == OutboxMessage.Channel.SMS:
            to = user.mobile or ""
        elif channel == OutboxMessage.Channel.EMAIL:
            to = user.email or ""
        elif channel == OutboxMessage.Channel.INAPP:
            to = ""
        else:
            raise ValueError(f"unknown notification channel {channel!r}")
        if channel != OutboxMessage.Channel.INAPP and not to:
            logger.info("User %s has no address for %s; %s not queued there", user.pk, channel, idempotency_key)
            continue
        queued.append(notification_enqueue(
            channel=channel, recipient=user, to=to, subject=subject, body=body, template=template,
            idempotency_key=f"{idempotency_key}:{channel}", case_id=case_id,
        ))
    return queued


# -- delivery ----------------------------------------------------------------------------------

def _claim(message_id: int, *, now: dt.datetime) -> bool:
    """Take the message for this worker: one conditional UPDATE, so exactly one racer wins.

    Due means pending past its back-off, or sending past its lease (the worker died). Claiming
    counts the attempt, so a message that crashes its worker still runs out of attempts.
    """
    claimed = (
        OutboxMessage.objects
        .filter(pk=message_id, next_attempt_at__lte=now)
        .filter(Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING))
        .update(status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + _lease())
    )
    return claimed == 1


def _send(message: OutboxMessage) -> str:
    """Hand the message to its channel; return "" when sent, else the error."""
    if message.channel == OutboxMessage.Channel.INAPP:
        return ""  # the inbox reads the row itself
    if message.channel == OutboxMessage.Channel.SMS:
        sent = sms_send(to=message.to, text=message.body, purpose=message.template, outbox_message=message)
        if sent.status == SentMessage.Status.FAILED:
            return sent.error or "the SMS backend refused the message"
        return ""
    if message.channel == OutboxMessage.Channel.EMAIL:
        backend = settings.EMAIL_BACKEND.rsplit(".", 1)[-1][:60]
        try:
            send_mail(message.subject or _("A message from Khedmat"), message.body, settings.DEFAULT_FROM_EMAIL,
                      [message.to], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any mail failure is a failed attempt
            error = f"{exc.__class__.__name__}: {exc}"[:500]
            SentMessage.objects.create(channel="email", to=message.to, body=message.body, purpose=message.template[:60],
                                       backend=backend, status=SentMessage.Status.FAILED, error=error,
                                       outbox_message=message)
            return error
        SentMessage.objects.create(channel="email", to=message.to, body=message.body, purpose=message.template[:60],
                                   backend=backend, status=SentMessage.Status.SENT, outbox_message=message)
        return ""
    return f"unknown channel {message.channel!r}"


def _finish(message: OutboxMessage, *, error: str) -> str:
    """Record the attempt's outcome, unless the lease was lost to another worker meanwhile."""
    mine = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING, attempts=message.attempts)
    now = timezone.now()
    if not error:
        mine.update(status=OutboxMessage.Status.SENT, sent_at=now, last_error="")
        return OutboxMessage.Status.SENT.value
    if message.attempts >= _max_attempts():
        mine.update(status=OutboxMessage.Status.FAILED, last_error=error[:500], next_attempt_at=now)
        logger.error("Gave up on outbox message %s after %s attempts: %s", message.pk, message.attempts, error)
        return OutboxMessage.Status.FAILED.value
    mine.update(status=OutboxMessage.Status.PENDING, last_error=error[:500],
                next_attempt_at=now + outbox_retry_delay(message.attempts))
    logger.warning("Outbox message %s attempt %s failed: %s", message.pk, message.attempts, error)
    return OutboxMessage.Status.PENDING.value


def outbox_deliver(message_id: int) -> str | None:
    """Send one outbox message if it is due and nobody else holds it; never raises.

    Returns the message's status after this attempt, or None when there was nothing to do (already
    sent, failed, not due yet, or claimed by another worker).
    """
    try:
        if not _claim(message_id, now=timezone.now()):
            return None
        message = OutboxMessage.objects.get(pk=message_id)
        try:
            error = _send(message)
        except Exception as exc:  # noqa: BLE001 - a broken backend is a failed attempt, not a crash
            logger.exception("Outbox message %s: the %s backend raised", message_id, message.channel)
            error = f"{exc.__class__.__name__}: {exc}"[:500] or exc.__class__.__name__
        return _finish(message, error=error)
    except Exception:  # noqa: BLE001 - the caller is a task or a sweep; the row stays due
        logger.exception("Outbox message %s could not be delivered", message_id)
        return None


def outbox_sweep(*, limit: int | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Deliver every due message (oldest due first, at most `limit`); return counts by outcome."""
    now = now or timezone.now()
    if limit is None:
        limit = int(getattr(settings, "NOTIFICATION_SWEEP_BATCH", 200))
    due = (
        OutboxMessage.objects
        .filter(status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: Counter[str] = Counter({"sent": 0, "pending": 0, "failed": 0, "skipped": 0})
    for message_id in list(due):
        counts[outbox_deliver(message_id) or "skipped"] += 1
    return dict(counts)


def outbox_retry(*, message: OutboxMessage, by) -> OutboxMessage:
    """Give a failed message one more attempt now (an administrator's decision, audited)."""
    before = snapshot(message)
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now()
        )
        if not changed:
            raise ApplicationError(_("Only a message that failed can be retried."), code="not_failed")
        message.refresh_from_db()
        audit_record(actor=by, action="outbox_retry", instance=message, before=before, after=snapshot(message))
        transaction.on_commit(partial(_enqueue_delivery, message.pk), robust=True)
    return message


# -- in-app inbox ------------------------------------------------------------------------------

def inapp_mark_read(*, user, message_id: int) -> OutboxMessage:
    """Mark one of the user's in-app messages read (404 alike for missing and not-yours)."""
    message = inapp_message_get_for_user(user=user, message_id=message_id)
    if message.read_at is None:
        now = timezone.now()
        OutboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now
    return message


def inapp_mark_all_read(*, user) -> int:
    """Mark all the user's in-app messages read; return how many were unread."""
    return OutboxMessage.objects.filter(
        recipient=user, channel=OutboxMessage.Channel.INAPP, read_at__isnull=True
    ).update(read_at=timezone.now())

