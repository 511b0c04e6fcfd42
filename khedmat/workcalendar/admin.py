from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khedmat.core import jalali
from khedmat.core.admin import KhedmatModelAdmin, ProvinceScopedAdmin
from khedmat.workcalendar.forms import WeeklyOffRuleForm
from khedmat.workcalendar.models import Closure, Holiday, WeeklyOffRule


@admin.register(Holiday)
class HolidayAdmin(KhedmatModelAdmin):
    list_display = ["jalali_date", "title", "kind", "confirmed", "province"]
    list_filter = ["kind", "confirmed", "province"]
    search_fields = ["title"]
    ordering = ["-date"]
    actions = ["confirm_dates"]

    @admin.display(description=_("date"), ordering="date")
    def jalali_date(self, obj):
        return jalali.format_date(obj.date, "full")

    @admin.action(description=_("Mark the selected dates as confirmed"))
    def confirm_dates(self, request, queryset):
        for holiday in queryset.filter(confirmed=False):
            holiday.confirmed = True
            self.save_model(request, holiday, None, change=True)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # Nationwide holidays and the administrator's own province.
        return qs.filter(Q(province__isnull=True) | Q(province_id=request.user.province_id))

    def has_change_permission(self, request, obj=None):
        # Nationwide holidays are shared by every province: only a superuser edits them.
        if obj is not None and obj.province_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(Closure)
class ClosureAdmin(ProvinceScopedAdmin):
    list_display = ["description", "kind", "jalali_start", "jalali_end", "province", "office", "created_by"]
    list_filter = ["kind", "province"]
    search_fields = ["description"]
    exclude = ["created_by"]

    @admin.display(description=_("from"), ordering="start_date")
    def jalali_start(self, obj):
        return jalali.format_date(obj.start_date)

    @admin.display(description=_("until"), ordering="end_date")
    def jalali_end(self, obj):
        return jalali.format_date(obj.end_date)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WeeklyOffRule)
class WeeklyOffRuleAdmin(ProvinceScopedAdmin):
    form = WeeklyOffRuleForm
    list_display = ["province", "jalali_start", "jalali_end", "__str__", "note"]
    list_filter = ["province"]

    @admin.display(description=_("from"), ordering="start_date")
    def jalali_start(self, obj):
        return jalali.format_date(obj.start_date)

    @admin.display(description=_("until"), ordering="end_date")
    def jalali_end(self, obj):
        return jalali.format_date(obj.end_date) if obj.end_date else "—"
