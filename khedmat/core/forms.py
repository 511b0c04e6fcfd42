"""Form fields that accept Persian, Arabic-Indic and Latin digits and both forms of ی/ک."""
import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khedmat.core import jalali
from khedmat.core.text import digits_only, normalize_text, to_ascii_digits, to_persian_digits
from khedmat.core.validators import InvalidIdentifier, parse_mobile, parse_national_id, parse_organization_id


class CachedSelect(forms.Select):
    """A <select> rendered once per language, choices, name, value and attributes, then served from a process-wide
    cache: a list page's filters (dozens of options, each one a template render) cost nothing after the first
    request. A value that is neither empty nor one of the choices (a hand-made address) is rendered, not cached, so
    the cache holds at most one entry per option."""

    _rendered: dict[tuple, str] = {}
    max_entries = 1024

    def render(self, name, value, attrs=None, renderer=None):
        values = tuple(str(v) for v in self.format_value(value))
        choices, options = [], set()
        for option, label in self.choices:
            if isinstance(label, (list, tuple)):  # an option group: (group label, [(option, label), …])
                group = tuple((str(o), str(lab)) for o, lab in label)
                choices.append((str(option), group))
                options.update(o for o, _lab in group)
            else:
                choices.append((str(option), str(label)))
                options.add(str(option))
        choices = tuple(choices)
        if any(v and v not in options for v in values):
            return super().render(name, value, attrs, renderer)
        key = (get_language(), type(self), self.template_name, self.option_template_name, name, values, choices,
               tuple(sorted((k, str(v)) for k, v in {**self.attrs, **(attrs or {})}.items())), id(renderer))
        html = self._rendered.get(key)
        if html is None:
            if len(self._rendered) >= self.max_entries:
                self._rendered.clear()
            html = self._rendered[key] = super().render(name, value, attrs, renderer)
        return html


class PersianCharField(forms.CharField):
    """A CharField that normalises letters, digits and spaces before validation."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if isinstance(value, str) else value


class _IdentifierField(forms.CharField):
    parser = None
    messages: dict[str, str] = {}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("dir", "ltr")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            return type(self).parser(value)
        except InvalidIdentifier as exc:
            raise ValidationError(self.messages[exc.reason], code=f"invalid_{exc.reason}") from exc


class NationalIdField(_IdentifierField):
    parser = staticmethod(parse_national_id)
    messages = {
        "length": _("A national ID has exactly 10 digits."),
        "checksum": _("This national ID is not valid; please check its digits."),
    }


class OrganizationIdField(_IdentifierField):
    parser = staticmethod(parse_organization_id)
    messages = {
        "length": _("An organization's national ID has exactly 11 digits."),
        "checksum": _("This organization national ID is not valid; please check its digits."),
    }


class MobileField(_IdentifierField):
    parser = staticmethod(parse_mobile)
    messages = {
        "format": _("Enter an Iranian mobile number such as 09121234567."),
        "country": _("Only Iranian mobile numbers (+98) are accepted."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs["autocomplete"] = "tel"


class OneTimeCodeField(forms.CharField):
    """A code sent by SMS (or shown by an authenticator): the page's focus starts here (`autofocus`; a form's
    error summary, rendered first, takes it when there are errors), phones offer the code from the SMS
    (`one-time-code`) and a digit keypad (`numeric`). Issue 16 point 11."""

    def __init__(self, *, autofocus: bool = True, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("label", _("Code"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"})
        if autofocus:
            self.widget.attrs["autofocus"] = True

    def to_python(self, value):
        value = super().to_python(value)
        return digits_only(value) if value else ""


class JalaliDateInput(forms.TextInput):
    """A text input showing a Gregorian date as a Jalali YYYY/MM/DD with Persian digits."""

    def __init__(self, attrs=None):
        base = {"placeholder": "۱۴۰۴/۰۱/۱۵", "dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return jalali.format_date(value)
        return value


class JalaliDateField(forms.DateField):
    """Accept a Jalali date (any digits, '/', '-' or '.') and return the Gregorian `date`."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter a Jalali date such as 1404/01/15."),
        "nonexistent": _("This date does not exist in the Jalali calendar."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return jalali.parse_jalali_date(str(value))
        except jalali.InvalidJalaliDate as exc:
            code = "invalid" if str(exc) in {"format", "year"} else "nonexistent"
            raise ValidationError(self.error_messages[code], code=code) from exc

    def strptime(self, value, format):  # pragma: no cover - to_python never delegates here
        raise NotImplementedError


class ClockTimeField(forms.TimeField):
    """A time of day as HH:MM in Persian or Latin digits ("۱۴:۳۰", "9:00"); 24-hour clock."""

    default_error_messages = {"invalid": _("Enter a time such as 09:30 (24-hour clock).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "۰۹:۳۰", "dir": "ltr", "inputmode": "numeric",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.time):
            return to_persian_digits(value.strftime("%H:%M"))
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.time):
            return value
        match = re.fullmatch(r"\s*(\d{1,2})\s*[:٫.]\s*(\d{2})\s*", to_ascii_digits(str(value)))
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.time(int(match[1]), int(match[2]))


class PeriodForm(forms.Form):
    """A report's period as two Jalali dates; either may be left empty (see `period`)."""

    date_from = JalaliDateField(label=_("Period from"), required=False)
    date_to = JalaliDateField(label=_("Period until"), required=False)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            raise ValidationError(_("The start of the period is after its end."), code="order")
        return cleaned

    def period(self):
        """The period asked for; an empty end takes the current Jalali year's bound."""
        # here, not at the top: cycle core.forms -> core.reporting -> core.models -> core.fields -> core.forms
        from khedmat.core.reporting import Period, default_period

        default = default_period()
        first, last = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if first and not last:
            last = max(first, default.last)
        if last and not first:
            first = jalali.jalali_year_bounds(jalali.to_jalali(last).year)[0]
        return Period(first or default.first, last or default.last)

    @classmethod
    def from_request(cls, request):
        """The form and its period: the current Jalali year when nothing was asked, None when the dates
        are refused (the form says why)."""
        # here, not at the top: cycle core.forms -> core.reporting -> core.models -> core.fields -> core.forms
        from khedmat.core.reporting import default_period

        if "date_from" not in request.GET and "date_to" not in request.GET:
            period = default_period()
            return cls(initial={"date_from": period.first, "date_to": period.last}), period
        form = cls(request.GET)
        return form, (form.period() if form.is_valid() else None)


def persian_number(value) -> str:
    return to_persian_digits(value)
