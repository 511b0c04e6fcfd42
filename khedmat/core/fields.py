"""Model fields that store Persian text normalised, whatever path the write takes (form, admin, code)."""
from django import forms
from django.db import models

from khedmat.core.forms import PersianCharField as PersianCharFormField
from khedmat.core.text import normalize_text


class _NormalizingMixin:
    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize_text(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PersianCharFormField)
        return super().formfield(**kwargs)


class PersianCharField(_NormalizingMixin, models.CharField):
    """CharField whose value is stored with Persian ی/ک, ASCII digits and trimmed spaces."""


class PersianTextField(_NormalizingMixin, models.TextField):
    """TextField normalised like PersianCharField (line breaks kept)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        return super().formfield(**kwargs)
