from django import forms
from django.contrib import admin

from khedmat.committees.models import Committee, CommitteeMember, MemberRole, Room, Session
from khedmat.committees.services import secretary_problem
from khedmat.core.admin import KhedmatInline, ProvinceScopedAdmin, ReadOnlyAdmin


class MemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["user", "role", "voting", "title", "is_active"]

    def clean(self):
        data = super().clean()
        committee = self.instance.committee if self.instance.committee_id else getattr(self, "parent_committee", None)
        if data.get("role") == MemberRole.SECRETARY and data.get("user") and committee is not None:
            problem = secretary_problem(province_id=committee.province_id, user=data["user"])
            if problem:
                self.add_error("user", problem)
        return data


class MemberInline(KhedmatInline, admin.TabularInline):
    model = CommitteeMember
    form = MemberForm
    raw_id_fields = ["user"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_committee = obj
        return formset


@admin.register(Committee)
class CommitteeAdmin(ProvinceScopedAdmin):
    list_display = ["name", "kind", "province", "quorum", "decision_rule", "chair_casting_vote", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [MemberInline]


@admin.register(Room)
class RoomAdmin(ProvinceScopedAdmin):
    list_display = ["name", "province", "capacity", "is_active"]
    list_filter = ["is_active"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    """Sessions are run from the committee pages; administrators only read them here."""

    list_display = ["committee", "year", "number", "starts_at", "state"]
    list_filter = ["state", "committee__kind"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("committee")
        if request.user.is_superuser:
            return qs
        return qs.filter(committee__province_id=request.user.province_id)
