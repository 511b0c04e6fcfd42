from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import JalaliDateField, PersianCharField


class AmendmentPublishForm(forms.Form):
    effective_from = JalaliDateField(label=_("In force from"))
    note = PersianCharField(label=_("What the amendment changes"), widget=forms.Textarea(attrs={"rows": 3}))


class TerminationForm(forms.Form):
    notice_date = JalaliDateField(label=_("Notice given on"), required=False)
    terminated_at = JalaliDateField(label=_("Terminated on"))
