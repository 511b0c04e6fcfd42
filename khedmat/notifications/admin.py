from django.contrib import admin

from khedmat.core.admin import ReadOnlyAdmin
from khedmat.notifications.models import SentMessage


@admin.register(SentMessage)
class SentMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "to", "purpose", "status", "backend"]
    list_filter = ["status", "channel", "backend"]
    search_fields = ["to"]
