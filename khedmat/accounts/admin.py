from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.models import LoginAttempt, User
from khedmat.accounts.roles import StaffRole
from khedmat.accounts.services import staff_roles_set
from khedmat.core.admin import ProvinceScopedAdmin, ReadOnlyAdmin
from khedmat.core.forms import MobileField, NationalIdField

SEP = "@"


def service_role_choices() -> list[tuple[str, str]]:
    """Every (role, service) pair, labelled "role — service". The services are read through the app
    registry: accounts imports no other app's models."""
    services = apps.get_model("catalog", "Service").objects.order_by("code").values_list("code", "title")
    return [(f"{role}{SEP}{code}", f"{label} — {title}")
            for code, title in services for role, label in StaffRole.choices]


class StaffUserForm(forms.ModelForm):
    """Create or edit a person from the admin: checked national ID and mobile, roles, province."""

    national_id = NationalIdField(label=_("National ID"))
    mobile = MobileField(label=_("Mobile number"))
    roles = forms.MultipleChoiceField(
        label=_("Staff roles in every service"), choices=StaffRole.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    service_roles = forms.MultipleChoiceField(
        label=_("Staff roles in one service"), choices=(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("An expert of one service is not an expert of another: choose the role for each service."),
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Required for a new account; leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["national_id", "first_name", "last_name", "mobile", "email", "province", "office", "is_active",
                  "is_staff"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_roles"].choices = service_role_choices()
        if self.instance.pk:
            pairs = self.instance.role_pairs
            self.fields["roles"].initial = sorted(role for role, service in pairs if not service)
            self.fields["service_roles"].initial = sorted(f"{role}{SEP}{service}" for role, service in pairs if service)

    def role_pairs(self) -> list[tuple[str, str]]:
        """What the form chose, as (role, service code) pairs ("" for every service)."""
        chosen = [(role, "") for role in self.cleaned_data.get("roles") or []]
        chosen += [tuple(value.split(SEP, 1)) for value in self.cleaned_data.get("service_roles") or []]
        return chosen

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("roles") or cleaned.get("service_roles")) and not cleaned.get("province"):
            self.add_error("province", _("A staff member must belong to a province."))
        office = cleaned.get("office")
        if office and cleaned.get("province") and office.province_id != cleaned["province"].pk:
            self.add_error("office", _("This office is not in the chosen province."))
        password = cleaned.get("password")
        if not self.instance.pk and not password:
            self.add_error("password", _("Enter an initial password for the new account."))
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


@admin.register(User)
class UserAdmin(ProvinceScopedAdmin):
    form = StaffUserForm
    list_display = ["national_id", "first_name", "last_name", "mobile", "province", "is_active"]
    list_filter = ["is_active", "province", "role_assignments__role"]
    search_fields = ["national_id", "first_name", "last_name", "mobile"]
    ordering = ["last_name", "first_name"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        # A provincial administrator manages staff of the province; applicants have no province.
        return qs.filter(province_id=request.user.province_id)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("password"):
            obj.set_password(form.cleaned_data["password"])
        if not change:
            obj.mobile_verified_at = timezone.now()
        super().save_model(request, obj, form, change)
        staff_roles_set(user=obj, roles=form.role_pairs(), by=request.user)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "national_id", "ip_address", "stage", "succeeded"]
    list_filter = ["succeeded", "stage"]
    search_fields = ["national_id", "ip_address"]
