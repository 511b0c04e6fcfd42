"""Admin building blocks: Persian Jalali dates, an audit trail of every edit, province scoping."""
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khedmat.core.audit import audit_record, snapshot
from khedmat.core.forms import JalaliDateField, JalaliDateInput
from khedmat.core.models import NATIONAL_STREAM, AuditEvent, Office, Province
from khedmat.core.roles import StaffRole


def is_administrator(user) -> bool:
    """Superusers and staff holding the administrator role manage reference data in the admin."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(getattr(user, "has_role", lambda *r: False)(StaffRole.ADMINISTRATOR))


class KhedmatModelAdmin(admin.ModelAdmin):
    """Jalali date inputs, and an audit event with before/after for every add, change and delete."""

    formfield_overrides = {models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput}}

    # Permission is by role (administrator), not by Django's per-model permission table.
    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            previous = type(obj).objects.filter(pk=obj.pk).first()
            before = snapshot(previous) if previous else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="admin_change" if change else "admin_add", instance=obj,
                     before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin_delete", instance=obj, before=snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action="admin_delete", instance=obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)


class ProvinceScopedAdmin(KhedmatModelAdmin):
    """Administrators see and edit only their own province's rows; superusers see all.

    `province_field` names the lookup to the province (e.g. "province" or "organization__province").
    """

    province_field = "province"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        if request.user.province_id is None:
            return qs.none()
        return qs.filter(**{f"{self.province_field}_id": request.user.province_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province" and not request.user.is_superuser:
            kwargs["queryset"] = Province.objects.filter(pk=request.user.province_id)
        if db_field.name == "office" and not request.user.is_superuser:
            kwargs["queryset"] = Office.objects.filter(province_id=request.user.province_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Province)
class ProvinceAdmin(KhedmatModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(Office)
class OfficeAdmin(ProvinceScopedAdmin):
    list_display = ["name", "province", "is_headquarters"]
    list_filter = ["province"]


class ReadOnlyAdmin(KhedmatModelAdmin):
    """Logs (audit events, login attempts, sent messages): administrators read, nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditProvinceFilter(admin.SimpleListFilter):
    """The provinces the administrator may read, and "national"."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = (Province.objects.all() if request.user.is_superuser
                     else Province.objects.filter(pk=request.user.province_id))
        return [(NATIONAL_STREAM, _("National")), *((str(p.pk), p.name) for p in provinces)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NATIONAL_STREAM:
            return queryset.filter(province__isnull=True)
        if value and value.isdigit():
            return queryset.filter(province_id=int(value))
        return queryset


def object_type_label(object_type: str) -> str:
    """"cases.case" as the model's Persian name (the raw label when the model is gone)."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of object in the log, by their Persian names."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = model_admin.get_queryset(request).order_by().values_list("object_type", flat=True).distinct()
        return sorted(((t, object_type_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_kind", "object_repr", "province_or_national"]
    list_filter = [AuditProvinceFilter, "action", AuditObjectTypeFilter]
    search_fields = ["object_repr", "object_id", "actor__national_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):
        """A province's administrator reads her province's log and the national one; superusers all."""
        qs = admin.ModelAdmin.get_queryset(self, request).select_related("actor", "province")
        if request.user.is_superuser:
            return qs
        if request.user.province_id is None:
            return qs.filter(province__isnull=True)
        return qs.filter(Q(province_id=request.user.province_id) | Q(province__isnull=True))

    @admin.display(description=_("object type"), ordering="object_type")
    def object_kind(self, obj):
        return object_type_label(obj.object_type)

    @admin.display(description=_("province"), ordering="province")
    def province_or_national(self, obj):
        return obj.province or _("National")


class KhedmatInline:
    """Inline permissions by role, like KhedmatModelAdmin."""

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)
