from django.db.models import QuerySet
from django.http import Http404

from khedmat.notifications.models import OutboxMessage, SentMessage


def dev_outbox_list(*, limit: int = 100) -> QuerySet[SentMessage]:
    return SentMessage.objects.all()[:limit]


def inapp_messages_for_user(*, user) -> QuerySet[OutboxMessage]:
    """The user's in-app messages, newest first (from the moment the producer committed)."""
    return OutboxMessage.objects.filter(recipient=user, channel=OutboxMessage.Channel.INAPP).order_by("-created_at",
                                                                                                      "-id")


def inapp_message_get_for_user(*, user, message_id: int) -> OutboxMessage:
    """One of the user's in-app messages; 404 alike for missing and not-yours."""
    message = inapp_messages_for_user(user=user).filter(pk=message_id).first()
    if message is None:
        raise Http404
    return message


def inapp_unread_count(*, user) -> int:
    return OutboxMessage.objects.filter(
        recipient=user, channel=OutboxMessage.Channel.INAPP, read_at__isnull=True
    ).count()
