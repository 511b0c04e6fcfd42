import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.committees.models import Room, VoteChoice
from khedmat.core.forms import ClockTimeField, JalaliDateField, PersianCharField
from khedmat.core.ids import SafeModelChoiceField


class ScheduleForm(forms.Form):
    date = JalaliDateField(label=_("Date"))
    start = ClockTimeField(label=_("Starts at"))
    end = ClockTimeField(label=_("Ends at"))
    room = SafeModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False,
                                  empty_label=_("— no room (online only) —"))
    online_link = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https",
                                 widget=forms.URLInput(attrs={"dir": "ltr"}))

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(province=province, is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["start"]))
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["end"]))
        return data


class AgendaAddForm(forms.Form):
    case = forms.ChoiceField(label=_("Case waiting for the committee"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(str(c.public_id), c.label) for c in candidates]


class ReasonForm(forms.Form):
    reason = PersianCharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(label=_("Members present"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(m.pk),
             f"{m.user.get_full_name()} — {m.get_role_display()}{'' if m.voting else ' (' + str(_('no vote')) + ')'}")
            for m in members]


class VotesForm(forms.Form):
    """One choice per voting member present."""

    def __init__(self, *args, voters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = list(voters)
        for member in self.voters:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=member.user.get_full_name(), choices=[("", _("— choose —")), *VoteChoice.choices])

    def votes(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"vote_{m.pk}"] for m in self.voters}


class DecisionForm(forms.Form):
    reasons = PersianCharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=4000, help_text=_("Required when the file is returned or rejected."))
    conditions = PersianCharField(label=_("Conditions"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                  max_length=4000, help_text=_("Required for an approval with conditions."))
    guidance = PersianCharField(label=_("Guidance for the applicant"), widget=forms.Textarea(attrs={"rows": 2}),
                                required=False, max_length=4000,
                                help_text=_("Required when the file is returned: what to correct."))


class CorrectionForm(DecisionForm):
    correction_reason = PersianCharField(label=_("Why the decision is corrected"),
                                         widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PaperConfirmationForm(forms.Form):
    member = forms.ChoiceField(label=_("Member who signed the printed minutes"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(m.pk), m.user.get_full_name()) for m in members]
