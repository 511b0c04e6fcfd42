from django.conf import settings


def site(request):
    return {
        "DEV_OUTBOX_ENABLED": settings.DEV_OUTBOX_ENABLED,
    }
