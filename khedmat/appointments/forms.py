import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core import jalali
from khedmat.core.forms import ClockTimeField, JalaliDateField, PersianCharField
from khedmat.core.ids import SafeModelMultipleChoiceField
from khedmat.core.text import to_persian_digits


class StaffChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class SlotForm(forms.Form):
    """A slot as people say it: a Jalali date and two Tehran clock times."""

    date = JalaliDateField(label=_("Date"))
    starts = ClockTimeField(label=_("Start time"))
    ends = ClockTimeField(label=_("End time"))
    place = PersianCharField(label=_("Place"), max_length=300, required=False,
                             help_text=_("The address of the visit or the meeting room; or give an online link below."))
    online_link = forms.URLField(label=_("Online meeting link"), max_length=300, required=False, assume_scheme="https",
                                 widget=forms.URLInput(attrs={"dir": "ltr"}))
    staff = StaffChoiceField(label=_("Staff who will attend"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset

    @classmethod
    def initial_for(cls, appointment) -> dict:
        start = appointment.starts_at.astimezone(jalali.TEHRAN)
        end = appointment.ends_at.astimezone(jalali.TEHRAN)
        return {"date": start.date(), "starts": start.time().replace(second=0, microsecond=0),
                "ends": end.time().replace(second=0, microsecond=0), "place": appointment.place,
                "online_link": appointment.online_link, "staff": [member.pk for member in appointment.staff.all()]}

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("date"), cleaned.get("starts"), cleaned.get("ends")
        if day and starts and ends:
            cleaned["starts_at"] = dt.datetime.combine(day, starts, tzinfo=jalali.TEHRAN)
            cleaned["ends_at"] = dt.datetime.combine(day, ends, tzinfo=jalali.TEHRAN)
        return cleaned


class CancelForm(forms.Form):
    reason = PersianCharField(label=_("Reason for cancelling"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("The applicant is told this reason."))


class AnotherTimeForm(forms.Form):
    reason = PersianCharField(label=_("Why the proposed time does not suit you"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files in one input; their content is checked by the service, not here."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        single = super().clean
        return [single(item, initial) for item in files if item]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class VisitReportForm(forms.Form):
    """The report: one score field per criterion of the scheme (scores are checked by the service)."""

    applicant_present = forms.TypedChoiceField(label=_("Was the applicant present?"), choices=YES_NO,
                                               coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    attendees = PersianCharField(label=_("Who attended"), max_length=1000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    notes = PersianCharField(label=_("Notes of the visit"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    photos = PhotosField(label=_("Photos"), required=False,
                         help_text=_("JPEG or PNG images, up to 10 MB each; at most 10."))

    def __init__(self, *args, criteria=(), correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.title,
                help_text=_("From 0 to %(max)s.") % {"max": to_persian_digits(criterion.max_score)},
                # A text input: browsers refuse Persian digits in type=number, and people type them.
                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}))
        if correction:
            self.fields["reason"] = PersianCharField(label=_("Why the report is corrected"), max_length=1000,
                                                     widget=forms.Textarea(attrs={"rows": 2}))
        self.order_fields(["reason", "applicant_present", "attendees", *(f"score_{c.pk}" for c in self.criteria),
                           "notes", "photos"])

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data.get(f"score_{criterion.pk}") for criterion in self.criteria}
