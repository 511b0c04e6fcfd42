"""Administration of the scoring schemes visit reports use; appointments and reports are read-only here."""
from django.contrib import admin
from django.db import models

from khedmat.appointments.models import Appointment, ScoringCriterion, ScoringScheme, VisitReport
from khedmat.core.admin import KhedmatInline, KhedmatModelAdmin, ReadOnlyAdmin
from khedmat.core.audit import audit_record, snapshot


class ScoringCriterionInline(KhedmatInline, admin.TabularInline):
    model = ScoringCriterion
    extra = 0


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(KhedmatModelAdmin):
    list_display = ["title", "code", "is_active", "is_sample"]
    list_filter = ["is_active", "is_sample"]
    search_fields = ["title", "code"]
    inlines = [ScoringCriterionInline]

    def save_formset(self, request, form, formset, change):
        # The criteria are edited inline: audit each added, changed or deleted row like the scheme itself.
        befores = {obj.pk: snapshot(obj) for obj in formset.queryset} if formset.queryset is not None else {}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, action="admin_delete", instance=obj, before=befores.get(obj.pk))
            obj.delete()
        for obj in instances:
            adding = obj.pk is None
            obj.save()
            audit_record(actor=request.user, action="admin_add" if adding else "admin_change", instance=obj,
                         before=None if adding else befores.get(obj.pk), after=snapshot(obj))
        formset.save_m2m()


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    formfield_overrides = {**ReadOnlyAdmin.formfield_overrides, models.URLField: {"assume_scheme": "https"}}
    list_display = ["starts_at", "kind", "case", "state", "revision", "reminder_sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["case__tracking_number", "place"]


@admin.register(VisitReport)
class VisitReportAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "appointment", "total", "applicant_present", "recorded_by", "corrects"]
