"""Sending messages. Issue #3's outbox (retries, e-mail, in-app) will build on SentMessage."""
import logging

from django.conf import settings

from khedmat.notifications.models import SentMessage
from khedmat.notifications.sms import SmsError, get_backend

logger = logging.getLogger(__name__)

REDACTED = "[redacted]"


def sms_send(*, to: str, text: str, sensitive: bool = False, purpose: str = "") -> SentMessage:
    """Send one SMS through the configured backend and record the outcome (never raises)."""
    backend = get_backend()
    stored_body = text if (not sensitive or settings.DEV_OUTBOX_ENABLED) else REDACTED
    try:
        result = backend.send(to=to, text=text)
    except SmsError as exc:
        logger.warning("SMS to %s failed: %s", to, exc)
        return SentMessage.objects.create(
            to=to, body=stored_body, purpose=purpose, backend=backend.name,
            status=SentMessage.Status.FAILED, error=str(exc)[:500],
        )
    return SentMessage.objects.create(
        to=to, body=stored_body, purpose=purpose, backend=backend.name,
        status=SentMessage.Status.SENT, provider_reference=result.provider_reference,
    )
