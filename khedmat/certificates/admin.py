from django.contrib import admin

from khedmat.certificates.models import DocumentType, OfficialDocument, VerificationLog
from khedmat.core.admin import KhedmatModelAdmin, ReadOnlyAdmin


@admin.register(DocumentType)
class DocumentTypeAdmin(KhedmatModelAdmin):
    list_display = ["code", "title", "kind", "number_prefix", "validity_months", "is_active"]


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(ReadOnlyAdmin):
    list_display = ["number", "document_type", "holder_name", "issued_on", "status"]
    list_filter = ["document_type", "status"]
    search_fields = ["number", "holder_name", "verification_code"]


@admin.register(VerificationLog)
class VerificationLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ip_address", "query", "found", "channel"]
    list_filter = ["found", "channel"]
