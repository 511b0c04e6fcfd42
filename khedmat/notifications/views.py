from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from khedmat.notifications.selectors import dev_outbox_list


def dev_outbox(request):
    """Every SMS the development profile 'sent', codes included, so demo logins work without a phone."""
    if not settings.DEV_OUTBOX_ENABLED:
        raise Http404
    return render(request, "notifications/dev_outbox.html", {"messages_sent": dev_outbox_list()})
