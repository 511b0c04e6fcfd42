from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khedmat.cases.models import SlaStatus
from khedmat.core.forms import CachedSelect, JalaliDateField, PersianCharField
from khedmat.core.ids import MAX_ID


class StartCaseForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), widget=forms.RadioSelect)
    on_behalf = forms.ChoiceField(label=_("Apply for"), widget=forms.RadioSelect)

    def __init__(self, *args, services, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, s.title) for s in services]
        self.fields["on_behalf"].choices = [("self", _("Myself"))] + [
            (str(m.organization_id), m.organization.name) for m in memberships
        ]
        self.fields["on_behalf"].initial = "self"


def cleaned_to_data(cleaned: dict) -> tuple[dict, str]:
    """A service form's cleaned data as stored in `Case.data` (dates as ISO text), and the case title."""
    data = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in cleaned.items()}
    return data, str(data.get("subject") or data.get("title") or "")[:200]


def service_form_for_data(form_class, data: dict):
    """Bind a service form to data in the stored shape (as the API receives it): the form's own `initial`
    mapping turns the stored shape into its fields, so the API validates exactly as the page does."""
    unbound = form_class(initial=dict(data))
    bound = {}
    for name, field in unbound.fields.items():
        value = unbound.get_initial_for_field(field, name)
        if value is not None:
            bound[name] = value
    return form_class(bound)


class VersionedForm(forms.Form):
    """Carries the case version the person saw, so that a concurrent change is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)


class TransitionForm(VersionedForm):
    transition = forms.CharField(widget=forms.HiddenInput, max_length=60)
    comment = PersianCharField(label=_("Comment or reason"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class TextForm(forms.Form):
    text = PersianCharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DeficiencyItemForm(forms.Form):
    document_code = forms.ChoiceField(label=_("Document"), required=False)
    text = PersianCharField(label=_("What is missing or wrong"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    guidance = PersianCharField(label=_("Guidance for the applicant"), required=False, max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_code"].choices = [("", _("— not about one document —"))] + [
            (d.code, f"{d.group} {d.label}".strip()) for d in documents
        ]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("text")) != bool(cleaned.get("guidance")):
            raise forms.ValidationError(_("Each deficiency needs a description and guidance for the applicant."))
        return cleaned


DeficiencyItemFormSet = forms.formset_factory(DeficiencyItemForm, extra=4, max_num=30)


class DeficiencyNoticeForm(VersionedForm):
    summary = PersianCharField(label=_("Summary for the applicant"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(VersionedForm):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(str(s.pk), s.get_full_name()) for s in staff]


# (language, the processes, the services' titles) → the queue filter's service and state choices, in plain strings.
_QUEUE_CHOICES: dict[tuple, tuple] = {}


def _queue_filter_choices_build(processes, service_titles) -> tuple[list, list]:
    if service_titles is None:
        services = [(p.service_code, p.service_code) for p in processes]
    else:
        services = list(service_titles.items())
    states = []
    for process in processes:
        states += [(s.code, str(s.label)) for s in process.states if (s.code, str(s.label)) not in states]
    return [("", str(_("All services"))), *services], [("", str(_("All states"))), *states]


def queue_filter_choices(processes, service_titles=None) -> tuple[list, list]:
    """The service and state choices of the queue filter, built once per language, set of registered processes
    and catalogue titles (not per request). `service_titles` ({code: title}, in order) names the services;
    without it, the codes."""
    processes = tuple(processes)
    titles = None if service_titles is None else tuple(service_titles.items())
    # The processes themselves are kept in the entry, so their ids in the key stay theirs.
    key = (get_language(), tuple((p.service_code, p.version, id(p)) for p in processes), titles)
    entry = _QUEUE_CHOICES.get(key)
    if entry is None:
        if len(_QUEUE_CHOICES) >= 64:
            _QUEUE_CHOICES.clear()
        entry = _QUEUE_CHOICES[key] = (processes, _queue_filter_choices_build(processes, service_titles))
    return entry[1]


class QueueFilterForm(forms.Form):
    q = PersianCharField(label=_("Tracking number, national ID or name"), required=False, max_length=100)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=CachedSelect)
    state = forms.ChoiceField(label=_("State"), required=False, widget=CachedSelect)
    sla = forms.ChoiceField(label=_("Deadline"), required=False, widget=CachedSelect, choices=[("", _("All"))] + [
        (s.value, s.label) for s in (SlaStatus.ON_TRACK, SlaStatus.WARNING, SlaStatus.BREACHED, SlaStatus.PAUSED)
    ])
    date_from = JalaliDateField(label=_("Submitted from"), required=False)
    date_to = JalaliDateField(label=_("Submitted until"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=CachedSelect, choices=[
        ("deadline", _("Nearest deadline first")), ("-deadline", _("Furthest deadline first")),
        ("submitted", _("Oldest first")), ("-submitted", _("Newest first")),
    ])
    scope = forms.ChoiceField(label=_("Cases"), required=False, widget=CachedSelect, choices=[
        ("role", _("Waiting for my role")), ("mine", _("Assigned to me")), ("all", _("All open cases of the province")),
    ])

    def __init__(self, *args, processes=(), service_titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        services, states = queue_filter_choices(processes, service_titles)
        self.fields["service"].choices = services
        self.fields["state"].choices = states
