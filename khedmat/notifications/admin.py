from django.contrib import admin

from khedmat.core.admin import KhedmatModelAdmin
from khedmat.notifications.models import SentMessage


@admin.register(SentMessage)
class SentMessageAdmin(KhedmatModelAdmin):
    list_display = ["created_at", "channel", "to", "purpose", "status", "backend"]
    list_filter = ["status", "channel", "backend"]
    search_fields = ["to"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
