from django.contrib import admin

from khedmat.core.admin import KhedmatModelAdmin, ProvinceScopedAdmin, ReadOnlyAdmin
from khedmat.payments.models import FeeSchedule, Invoice, PaymentAttempt, RefusedCallback


@admin.register(FeeSchedule)
class FeeScheduleAdmin(KhedmatModelAdmin):
    list_display = ["service", "item_code", "item_label", "budget_year", "valid_from", "valid_to", "amount_rials",
                    "revenue_row"]
    list_filter = ["service", "budget_year"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "total_rials", "status", "created_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["number"]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "invoice", "amount_rials", "status", "ref_id", "gateway", "bank_code", "problem"]
    list_filter = ["status", "gateway"]
    search_fields = ["authority", "ref_id"]


@admin.register(RefusedCallback)
class RefusedCallbackAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "reason", "authority", "bank_code", "remote_addr", "province"]
    list_filter = ["reason"]
    search_fields = ["authority"]
