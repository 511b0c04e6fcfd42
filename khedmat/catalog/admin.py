"""Catalog administration: services, SLA statement versions, amendments and termination."""
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.catalog import services
from khedmat.catalog.forms import AmendmentPublishForm, TerminationForm
from khedmat.catalog.models import LegalReference, Service, SlaCommitment, SlaStatement, StatementItem
from khedmat.core import jalali
from khedmat.core.admin import KhedmatInline, KhedmatModelAdmin, is_administrator
from khedmat.core.exceptions import ApplicationError


class _StatementChildInline(KhedmatInline):
    extra = 0

    # Published versions are immutable: their rows are read-only.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)


class LegalReferenceInline(_StatementChildInline, admin.StackedInline):
    model = LegalReference


class StatementItemInline(_StatementChildInline, admin.StackedInline):
    model = StatementItem


class SlaCommitmentInline(_StatementChildInline, admin.StackedInline):
    model = SlaCommitment


@admin.register(Service)
class ServiceAdmin(KhedmatModelAdmin):
    list_display = ["number", "title", "fee_kind", "is_published"]
    actions = ["draft_amendment"]

    @admin.action(description=gettext_lazy("Draft an amendment of the statement in force"))
    def draft_amendment(self, request, queryset):
        for service in queryset:
            try:
                draft = services.sla_amendment_draft(service=service, by=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{service}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Draft version %(version)s of %(service)s created; edit it, then publish it.")
                    % {"version": draft.version, "service": service}, messages.SUCCESS,
                )


@admin.register(SlaStatement)
class SlaStatementAdmin(KhedmatModelAdmin):
    list_display = ["service", "version", "state", "jalali_effective_from", "signed_by_name"]
    list_filter = ["service"]
    inlines = [LegalReferenceInline, StatementItemInline, SlaCommitmentInline]
    readonly_fields = ["service", "version", "published_at", "published_by", "superseded_by",
                       "effective_from", "termination_notice_date", "terminated_at", "amendment_note"]
    change_form_template = "admin/catalog/slastatement/change_form.html"

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        if not obj.is_published:
            return _("Draft amendment")
        if obj.terminated_at:
            return _("Terminated")
        if obj.superseded_by_id:
            return _("Superseded")
        return _("Published")

    @admin.display(description=gettext_lazy("effective from"), ordering="effective_from")
    def jalali_effective_from(self, obj):
        return jalali.format_date(obj.effective_from) if obj.effective_from else "—"

    def has_add_permission(self, request):
        return False  # new versions are drafted from the service (action) so that history stays linear

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and obj is not None and not obj.is_published

    def get_urls(self):
        return [
            path("<id:pk>/publish/", self.admin_site.admin_view(self.publish_view),
                 name="catalog_slastatement_publish"),
            path("<id:pk>/terminate/", self.admin_site.admin_view(self.terminate_view),
                 name="catalog_slastatement_terminate"),
        ] + super().get_urls()

    def _form_view(self, request, pk, form_class, title, action):
        if not is_administrator(request.user):
            return redirect("admin:index")
        statement = get_object_or_404(SlaStatement, pk=pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                action(statement, form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
                return redirect(reverse("admin:catalog_slastatement_change", args=[statement.pk]))
        context = {**self.admin_site.each_context(request), "title": title, "form": form, "statement": statement,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/catalog/slastatement/action_form.html", context)

    def publish_view(self, request, pk):
        return self._form_view(
            request, pk, AmendmentPublishForm, _("Publish amendment"),
            lambda statement, data: services.sla_amendment_publish(
                draft=statement, effective_from=data["effective_from"], note=data["note"], by=request.user
            ),
        )

    def terminate_view(self, request, pk):
        return self._form_view(
            request, pk, TerminationForm, _("Terminate the agreement"),
            lambda statement, data: services.sla_statement_terminate(
                statement=statement, notice_date=data["notice_date"], terminated_at=data["terminated_at"],
                by=request.user
            ),
        )
