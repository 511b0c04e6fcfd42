from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import JalaliDateField, NationalIdField, PersianCharField
from khedmat.core.ids import SafeModelChoiceField
from khedmat.core.text import to_ascii_digits
from khedmat.services.institute_accreditation.models import (
    Channel,
    Domain,
    DomainGroup,
    RequestKind,
    SupervisionKind,
    ViolationKind,
)


class RequestForm(forms.Form):
    """The request [۱۰–۱۳]: what is asked, in which group and domains, and how the file arrives."""

    request_kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices, widget=forms.RadioSelect)
    group = forms.ChoiceField(label=_("Group"))
    domains = forms.MultipleChoiceField(label=_("Domains"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Only domains of the chosen group."))
    previous_licence = forms.CharField(label=_("Number of your current licence"), required=False, max_length=30,
                                       help_text=_("For a renewal or a domain upgrade."),
                                       widget=forms.TextInput(attrs={"dir": "ltr"}))
    channel = forms.ChoiceField(label=_("How the file arrives"), choices=Channel.choices, widget=forms.RadioSelect,
                                initial=Channel.ONLINE)
    delegate_name = PersianCharField(label=_("Name of the expert who hands in the binder"), required=False,
                                     max_length=120)
    delegate_national_id = NationalIdField(label=_("National ID of that expert"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = list(DomainGroup.objects.filter(is_active=True))
        self.fields["group"].choices = [("", "—")] + [(g.code, g.title) for g in groups]
        self.fields["domains"].choices = [
            (g.title, [(d.code, d.title) for d in g.domains.filter(is_active=True)]) for g in groups]

    def clean_previous_licence(self):
        return to_ascii_digits(self.cleaned_data["previous_licence"]).strip()

    def clean(self):
        data = super().clean()
        group, domains = data.get("group"), data.get("domains") or []
        if group and domains:
            outside = Domain.objects.filter(code__in=domains).exclude(group__code=group)
            if outside.exists():
                self.add_error("domains", _("Every domain must belong to the chosen group."))
        kind = data.get("request_kind")
        if kind in (RequestKind.RENEWAL, RequestKind.DOMAIN_UPGRADE) and not data.get("previous_licence"):
            self.add_error("previous_licence", _("Give the number of your current licence."))
        if data.get("channel") == Channel.BINDER:
            if not data.get("delegate_name"):
                self.add_error("delegate_name", _("Give the name of the expert who hands in the binder."))
            if not data.get("delegate_national_id"):
                self.add_error("delegate_national_id", _("Give the national ID of that expert."))
        # The case title: what is asked (the engine stores it with the form).
        if kind:
            data["title"] = str(RequestKind(kind).label)
        return data


class BinderForm(forms.Form):
    """The receipt of a binder [۱۳]: the delegate, the introduction letter he shows, what he hands in."""

    delegate_name = PersianCharField(label=_("Name of the expert who hands in the binder"), max_length=120)
    delegate_national_id = NationalIdField(label=_("National ID of that expert"))
    letter_number = forms.CharField(label=_("Introduction letter number"), max_length=40,
                                    widget=forms.TextInput(attrs={"dir": "ltr"}))
    letter_date = JalaliDateField(label=_("Introduction letter date"))
    items = forms.MultipleChoiceField(label=_("Documents handed in"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    note = PersianCharField(label=_("What was handed in"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(d.code, d.label) for d in documents]

    def clean_letter_number(self):
        return to_ascii_digits(self.cleaned_data["letter_number"]).strip()

    def clean(self):
        data = super().clean()
        if not data.get("items") and not (data.get("note") or "").strip():
            self.add_error("items", _("Tick what was handed in."))
        return data


class IncompleteForm(forms.Form):
    missing = forms.MultipleChoiceField(label=_("Missing from the file"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    note = PersianCharField(label=_("Other missing items"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(str(d.label), str(d.label)) for d in documents]


class LicenceForm(forms.Form):
    domains = forms.MultipleChoiceField(label=_("Domains granted"), widget=forms.CheckboxSelectMultiple)
    note = PersianCharField(label=_("Why fewer domains are granted"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Required when not every domain asked for is granted "
                                        "(as the committee decided)."))

    def __init__(self, *args, requested=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = [(d.code, d.title) for d in requested]
        self.fields["domains"].initial = [d.code for d in requested]


class ReasonForm(forms.Form):
    reason = PersianCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(SupervisionKind.FINDING, _("Supervision finding")),
                                                       (SupervisionKind.WARNING, _("Warning"))],
                             widget=forms.RadioSelect, initial=SupervisionKind.FINDING)
    text = PersianCharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ViolationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ViolationKind.choices)
    domain = SafeModelChoiceField(label=_("Domain"), queryset=Domain.objects.all(), required=False)
    occurred_on = JalaliDateField(label=_("Date"))
    description = PersianCharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
