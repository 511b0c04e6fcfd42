from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.core.net import is_loopback_client
from khedmat.notifications import services
from khedmat.notifications.selectors import dev_outbox_list, inapp_messages_for_user, inapp_unread_count

INBOX_PAGE_SIZE = 20


def dev_outbox(request):
    """Every SMS the development profile 'sent', codes included, so demo logins work without a phone.

    It shows sign-up, password-reset and staff codes, so it answers only a browser on this machine (not
    relayed by a proxy), and only where DEV_OUTBOX_ENABLED (the embedded profile; never production).
    """
    if not settings.DEV_OUTBOX_ENABLED or not is_loopback_client(request):
        raise Http404
    return render(request, "notifications/dev_outbox.html", {"messages_sent": dev_outbox_list()})


@login_required
def inbox(request):
    """The signed-in person's in-app messages, newest first."""
    page = Paginator(inapp_messages_for_user(user=request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page_obj": page, "inbox_messages": page.object_list, "unread": inapp_unread_count(user=request.user),
    })


def _back_to_inbox(request):
    url = reverse("inbox:list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?{urlencode({'page': page})}" if page.isdigit() and page != "1" else url)


@login_required
@require_POST
def mark_read(request, message_id: int):
    services.inapp_mark_read(user=request.user, message_id=message_id)
    messages.success(request, _("The message was marked as read."))
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request):
    services.inapp_mark_all_read(user=request.user)
    messages.success(request, _("All your messages were marked as read."))
    return _back_to_inbox(request)
