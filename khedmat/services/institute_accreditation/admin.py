from django.contrib import admin

from khedmat.core.admin import KhedmatInline, KhedmatModelAdmin
from khedmat.services.institute_accreditation.models import Domain, DomainGroup


class DomainInline(KhedmatInline, admin.TabularInline):
    model = Domain
    extra = 1


@admin.register(DomainGroup)
class DomainGroupAdmin(KhedmatModelAdmin):
    """The circular's groups and domains (not in the seed: an administrator enters them, A8)."""

    list_display = ["title", "code", "ordering", "is_active", "is_sample"]
    list_filter = ["is_active", "is_sample"]
    inlines = [DomainInline]
