from django import forms
from django.contrib import admin
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.models import LoginAttempt, User
from khedmat.accounts.roles import StaffRole
from khedmat.accounts.services import staff_roles_set
from khedmat.core.admin import ProvinceScopedAdmin, ReadOnlyAdmin
from khedmat.core.forms import MobileField, NationalIdField


class StaffUserForm(forms.ModelForm):
    """Create or edit a person from the admin: checked national ID and mobile, roles, province."""

    national_id = NationalIdField(label=_("National ID"))
    mobile = MobileField(label=_("Mobile number"))
    roles = forms.MultipleChoiceField(
        label=_("Staff roles"), choices=StaffRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Required for a new account; leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = ["national_id", "first_name", "last_name", "mobile", "email", "province", "office", "is_active", "is_staff"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_set)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("roles") and not cleaned.get("province"):
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
            from django.utils import timezone

            obj.mobile_verified_at = timezone.now()
        super().save_model(request, obj, form, change)
        staff_roles_set(user=obj, roles=form.cleaned_data.get("roles") or [], by=request.user)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "national_id", "ip_address", "stage", "succeeded"]
    list_filter = ["succeeded", "stage"]
    search_fields = ["national_id", "ip_address"]
