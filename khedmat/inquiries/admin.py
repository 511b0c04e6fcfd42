from django.contrib import admin

from khedmat.core.admin import KhedmatModelAdmin, ReadOnlyAdmin
from khedmat.inquiries.models import Inquiry, InquirySource


@admin.register(InquirySource)
class InquirySourceAdmin(KhedmatModelAdmin):
    list_display = ["name", "body", "mode", "expected_time", "expected_unit", "written_sample_rate", "is_active"]
    list_filter = ["mode", "is_active"]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source", "label", "status", "attempts", "due_at", "answered_at"]
    list_filter = ["status", "source"]
    search_fields = ["label", "message_id"]
