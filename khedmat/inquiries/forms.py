from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.exceptions import ApplicationError
from khedmat.core.forms import NationalIdField, OrganizationIdField, PersianCharField
from khedmat.core.ids import SafeModelChoiceField
from khedmat.inquiries.models import InquirySource, SourceMode
from khedmat.inquiries.services import sources_for_case, subject_check

# The form field each subject parameter comes from ("id" of tax returns: one of the two identifiers).
FORM_FIELDS = {"id": "national_id", "details": "details"}


class InquiryForm(forms.Form):
    source = SafeModelChoiceField(label=_("Source"), queryset=InquirySource.objects.filter(is_active=True).exclude(
        mode=SourceMode.SEMI_MANUAL), empty_label=None)
    label = PersianCharField(label=_("About"), max_length=200)
    national_id = NationalIdField(label=_("National ID of the person"), required=False)
    declared_name = PersianCharField(label=_("Full name as the case declares it"), max_length=200, required=False,
                                     help_text=_("Civil registry: compared with the registered name."))
    organization_id = OrganizationIdField(label=_("Organization national ID"), required=False)
    year = forms.IntegerField(label=_("Year (tax returns)"), min_value=1380, max_value=1450, required=False)
    details = PersianCharField(label=_("What to confirm (written inquiries)"), max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:  # only the sources the case's process declares
            self.fields["source"].queryset = sources_for_case(case).exclude(mode=SourceMode.SEMI_MANUAL)

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        subject = {key: cleaned[key] for key in ("national_id", "organization_id", "year") if cleaned.get(key)}
        if cleaned.get("details"):
            subject["details"] = cleaned["details"]
        needs = {"civil_registry": "national_id", "padak": "national_id", "official_gazette": "organization_id"}
        if source is not None and source.adapter in needs and needs[source.adapter] not in subject:
            self.add_error(needs[source.adapter], _("This source needs this identifier."))
        if (source is not None and source.adapter == "tax_org"
                and not ({"national_id", "organization_id"} & set(subject) and "year" in subject)):
            self.add_error("year", _("Tax returns need an ID and a year."))
        if not subject:
            raise forms.ValidationError(_("Say what the source should confirm."))
        if "organization_id" in subject and source is not None and source.adapter == "tax_org":
            subject["id"] = subject.pop("organization_id")
        elif "national_id" in subject and source is not None and source.adapter == "tax_org":
            subject["id"] = subject.pop("national_id")
        if source is not None and not self.errors:
            # What the source's adapter is not asked about is refused here, by field, before anything is sent.
            try:
                subject_check(source=source, subject=subject)
            except ApplicationError as error:
                fields = [FORM_FIELDS.get(name, name) for name in error.extra.get("fields", [])]
                fields = [name for name in fields if name in self.fields]
                if fields:
                    for name in fields:
                        self.add_error(name, error.message)
                else:
                    self.add_error(None, error.message)
        cleaned["subject"] = subject
        cleaned["declared"] = ({"full_name": cleaned["declared_name"]}
                               if cleaned.get("declared_name") and source is not None
                               and source.adapter == "civil_registry"
                               else {})
        return cleaned


class SocialSecurityForm(forms.Form):
    national_id = NationalIdField(label=_("National ID of the insured person"))
    password = forms.CharField(label=_("The applicant's social-security password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
                               help_text=_("Typed by the applicant or read to you; it is used once and never stored."))


class AnswerForm(forms.Form):
    answer = PersianCharField(label=_("The answer received"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
