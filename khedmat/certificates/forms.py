from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.certificates.models import RevocationReason
from khedmat.certificates.selectors import parse_verification_code
from khedmat.core.forms import PersianCharField
from khedmat.core.ids import SafeModelChoiceField


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


class IssueForm(forms.Form):
    """Issue a certificate or licence from a case: the holder and the scope rows printed on it."""

    document_type = SafeModelChoiceField(label=_("Document"), queryset=None, empty_label=None)
    holder_name = PersianCharField(label=_("Holder"), max_length=200)
    holder_national_id = forms.CharField(label=_("Holder's national ID"), max_length=11, required=False,
                                         widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}))

    ROWS = 5

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = types
        for i in range(self.ROWS):
            self.fields[f"label_{i}"] = PersianCharField(label=_("Item %(n)s") % {"n": i + 1}, max_length=80,
                                                         required=False)
            self.fields[f"value_{i}"] = PersianCharField(label=_("Value %(n)s") % {"n": i + 1}, max_length=200,
                                                         required=False)

    def clean(self):
        cleaned = super().clean()
        rows = []
        for i in range(self.ROWS):
            label, value = cleaned.get(f"label_{i}"), cleaned.get(f"value_{i}")
            if bool(label) != bool(value):
                self.add_error(f"value_{i}", _("Fill in both the item and its value, or neither."))
            elif label:
                rows.append({"label": label, "value": value})
        cleaned["scope"] = rows
        return cleaned
