from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.certificates.models import RevocationReason
from khedmat.certificates.selectors import parse_verification_code
from khedmat.core.forms import PersianCharField


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=40,
        help_text=_("The 12-digit code printed beside the QR code; Persian or English digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )

    def clean_code(self):
        code = parse_verification_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(_("A verification code has 12 digits; check the digits you typed."))
        return code


class StatusForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—")] + list(RevocationReason.choices), required=False)
    note = PersianCharField(label=_("Explanation"), max_length=1000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
