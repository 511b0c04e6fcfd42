"""Django's password validators with Khedmat's own messages (Persian in our catalogue).

Django 5.2's "too short" message uses `%d` plural forms that our catalogue does not carry, and its
other messages are Django's own translations; these subclasses keep Django's checks and say
everything with msgids of ours. AUTH_PASSWORD_VALIDATORS (khedmat/settings/base.py) names them.
"""
from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khedmat.core.text import to_persian_digits


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_error_message(self):
        return _("This password is too short: it must have at least %(min_length)s characters.") % {
            "min_length": to_persian_digits(self.min_length)
        }

    def get_help_text(self):
        return _("Your password must have at least %(min_length)s characters.") % {
            "min_length": to_persian_digits(self.min_length)
        }


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(self.get_error_message(), code=error.code, params=error.params) from None

    def get_error_message(self):
        return _("This password is too similar to your %(verbose_name)s.")

    def get_help_text(self):
        return _("Your password must not look like your name, national ID or mobile number.")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common; choose one that is harder to guess.")

    def get_help_text(self):
        return _("Your password must not be a commonly used password.")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("This password has only digits; add letters or signs.")

    def get_help_text(self):
        return _("Your password must not be only digits.")
