from django.db.models import QuerySet

from khedmat.notifications.models import SentMessage


def dev_outbox_list(*, limit: int = 100) -> QuerySet[SentMessage]:
    return SentMessage.objects.all()[:limit]
