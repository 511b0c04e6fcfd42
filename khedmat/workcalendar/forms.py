from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import JalaliDateField
from khedmat.workcalendar.models import WEEKDAY_CHOICES, WeeklyOffRule


class WeeklyOffRuleForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        label=_("Days off"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WeeklyOffRule
        fields = ["province", "start_date", "end_date", "days", "note"]


class WorkingDayCalculatorForm(forms.Form):
    start = JalaliDateField(label=_("Start date"))
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=365)


class MonthForm(forms.Form):
    year = forms.IntegerField(min_value=1380, max_value=1450, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)
