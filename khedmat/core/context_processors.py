from django.conf import settings

from khedmat.core.net import is_loopback_client


def site(request):
    return {
        # The link to the development outbox only where the page answers (this machine's browser).
        "DEV_OUTBOX_ENABLED": settings.DEV_OUTBOX_ENABLED and is_loopback_client(request),
    }
