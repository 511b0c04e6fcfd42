"""Forms of the public registry search and of the staff company record."""
from django import forms
from django.utils.translation import gettext_lazy as _

from khedmat.core.forms import JalaliDateField, PersianCharField
from khedmat.core.text import digits_only
from khedmat.services.contractor_qualification.models import ViolationInstruction
from khedmat.services.contractor_qualification.selectors import search_key

MIN_NAME_LETTERS = 3


class RegistrySearchForm(forms.Form):
    """A company name (at least three letters) or a 10- or 11-digit national ID, in any digits."""

    q = forms.CharField(
        label=_("Company name or national ID"), max_length=100,
        help_text=_("A national ID has 10 digits (a person) or 11 digits (a company); Persian or Latin digits."),
        error_messages={"required": _("Type a company name or a national ID.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].strip()
        digits, key = digits_only(query), search_key(query)
        if digits and len(digits) == len(key):
            if len(digits) not in (10, 11):
                raise forms.ValidationError(
                    _("A national ID has 10 digits (a person) or 11 digits (a company)."), code="id_length")
        elif len(key) < MIN_NAME_LETTERS:
            raise forms.ValidationError(_("Type at least three letters of the name."), code="too_short")
        return query


class ViolationForm(forms.Form):
    """A disciplinary violation recorded against a company (SERVICES.md §5.5, regs. د and ه)."""

    instruction = forms.ChoiceField(label=_("Instruction"), choices=[("", "—"), *ViolationInstruction.choices],
                                    error_messages={"required": _("Choose the instruction the violation falls under.")})
    occurred_on = JalaliDateField(label=_("Date of the violation"),
                                  error_messages={"required": _("Enter the date of the violation.")})
    description = PersianCharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                   error_messages={"required": _("Describe the violation.")})
    decision = PersianCharField(label=_("Decision of the disciplinary board"), max_length=4000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Leave empty if the board has not decided yet."))
