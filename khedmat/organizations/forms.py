from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import NationalIdField, OrganizationIdField, PersianCharField
from khedmat.core.ids import IdField, SafeModelChoiceField
from khedmat.core.models import Province
from khedmat.core.validators import validate_no_markup
from khedmat.organizations.models import MANAGING_ROLES, MemberRole, OrganizationKind


class OrganizationRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of organization"), choices=OrganizationKind.choices,
                             widget=forms.RadioSelect)
    national_id = OrganizationIdField(label=_("Organization national ID"),
                                      help_text=_("The 11-digit national ID of the legal person."))
    name = PersianCharField(label=_("Registered name"), max_length=200, validators=[validate_no_markup])
    registration_number = PersianCharField(label=_("Registration number"), max_length=40, required=False,
                                           validators=[validate_no_markup])
    province = SafeModelChoiceField(label=_("Province of registration"), queryset=Province.objects.all(),
                                    empty_label=None)
    address = PersianCharField(label=_("Address"), max_length=400, required=False, validators=[validate_no_markup])
    phone = PersianCharField(label=_("Phone"), max_length=20, required=False)
    role = forms.ChoiceField(
        label=_("Your role in the organization"),
        choices=[(value, label) for value, label in MemberRole.choices if value in MANAGING_ROLES],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tehran = Province.objects.filter(code="tehran").first()
        if tehran:
            self.fields["province"].initial = tehran.pk


class MemberAddForm(forms.Form):
    national_id = NationalIdField(label=_("National ID of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class ActingForm(forms.Form):
    organization = IdField(required=False)
