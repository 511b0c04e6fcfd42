from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from khedmat.core.admin import ReadOnlyAdmin, is_administrator
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.notifications.models import OutboxMessage, SentMessage
from khedmat.notifications.services import outbox_retry


@admin.register(SentMessage)
class SentMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "to", "purpose", "status", "backend"]
    list_filter = ["status", "channel", "backend"]
    search_fields = ["to"]
    readonly_fields = [f.name for f in SentMessage._meta.fields]


class SentMessageInline(admin.TabularInline):
    model = SentMessage
    fields = ["created_at", "channel", "to", "backend", "status", "provider_reference", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox as a log; the one change an administrator may make is to retry a failed message."""

    list_display = ["created_at", "channel", "recipient", "to", "template", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to", "idempotency_key", "recipient__national_id"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [SentMessageInline]
    actions = ["retry_now"]

    def has_retry_permission(self, request):
        return is_administrator(request.user)

    @admin.action(description=_("Retry the selected failed messages now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        retried = skipped = 0
        for message in queryset.filter(status=OutboxMessage.Status.FAILED):
            try:
                outbox_retry(message=message, by=request.user)
            except ApplicationError:
                skipped += 1
            else:
                retried += 1
        skipped += queryset.exclude(status=OutboxMessage.Status.FAILED).count()
        if retried:
            self.message_user(request, ngettext(
                "%(count)s message will be sent again.", "%(count)s messages will be sent again.", retried,
            ) % {"count": to_persian_digits(retried)}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)s message was not retried: only failed messages can be.",
                "%(count)s messages were not retried: only failed messages can be.", skipped,
            ) % {"count": to_persian_digits(skipped)}, messages.WARNING)
