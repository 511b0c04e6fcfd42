from django.contrib import admin

from khedmat.core.admin import KhedmatInline, ProvinceScopedAdmin
from khedmat.organizations.models import Membership, Organization


class MembershipInline(KhedmatInline, admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    raw_id_fields = ["user", "added_by"]


@admin.register(Organization)
class OrganizationAdmin(ProvinceScopedAdmin):
    list_display = ["name", "kind", "national_id", "province", "claim_status", "created_at"]
    list_filter = ["kind", "province", "claim_status"]
    readonly_fields = ["claim_evidence", "claim_check_attempts", "claim_next_check_at", "claim_decided_at"]
    search_fields = ["name", "national_id"]
    raw_id_fields = ["created_by", "claim_decided_by"]
    inlines = [MembershipInline]
