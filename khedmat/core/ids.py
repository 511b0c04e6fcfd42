"""Database ids from requests: bounded positive integers, checked before they reach a query.

SQLite (and PostgreSQL's bigint) hold ids up to 2**63 - 1; Django turns an out-of-range value of a plain
``pk=`` lookup into "no row", but not of a foreign key (``organization_id=``), where SQLite raises
OverflowError (a 500). Every id taken from a URL, a form or the query string goes through here:

* :func:`parse_id` — the id, or None (ASCII or Persian digits; nothing else, no sign, no spaces inside);
* :func:`id_or_404` — the id, or Http404 (for views);
* the ``<id:name>`` path converter (registered when Django starts) in place of ``<int:name>``;
* :class:`IdField`, :class:`SafeModelChoiceField`, :class:`SafeModelMultipleChoiceField` for forms,
  which refuse an out-of-range id with a Persian message instead of querying with it.
"""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from khedmat.core.text import to_ascii_digits

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """``value`` as an id (1 … 2**63 - 1), or None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    else:
        text = to_ascii_digits(str(value)).strip()
        if not _DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


class IdConverter:
    """``<id:name>``: a positive id that fits the database; anything else does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver treats it as "no match"
        return number

    def to_url(self, value) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return str(number)


register_converter(IdConverter, "id")

INVALID_CHOICE = _("Choose one of the listed items.")


class IdField(forms.Field):
    """A hidden or typed id: a positive integer within the database's range, else a Persian error."""

    widget = forms.TextInput
    default_error_messages = {"invalid": INVALID_CHOICE}

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _integer_key(field) -> bool:
    """Whether the choices are looked up by an integer column (the usual ``pk``)."""
    queryset = field.queryset
    if queryset is None:
        return False
    key = queryset.model._meta.get_field(field.to_field_name) if field.to_field_name else queryset.model._meta.pk
    target = getattr(key, "target_field", key)
    return target.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                                          "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                                          "PositiveBigIntegerField", "PositiveSmallIntegerField"}


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an id out of the database's range before querying (Persian message)."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model) and _integer_key(self) \
                and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids out of the database's range before querying."""

    default_error_messages = {
        "invalid_choice": INVALID_CHOICE,
        "invalid_pk_value": INVALID_CHOICE,
        "invalid_list": _("Choose from the list."),
    }

    def _check_values(self, value):
        if _integer_key(self):
            try:
                values = frozenset(value)
            except TypeError:
                raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
            for item in values:
                if not isinstance(item, self.queryset.model) and parse_id(item) is None:
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                          params={"value": item})
        return super()._check_values(value)
