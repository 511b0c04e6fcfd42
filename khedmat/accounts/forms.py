from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.models import User
from khedmat.core.forms import MobileField, NationalIdField, OneTimeCodeField, PersianCharField


class _PasswordPairMixin:
    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first, self._password_user())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def _password_user(self):
        return None


class SignupForm(_PasswordPairMixin, forms.Form):
    national_id = NationalIdField(label=_("National ID"),
                                  help_text=_("The 10-digit national ID on your national card."))
    first_name = PersianCharField(label=_("First name"), max_length=80,
                                  widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = PersianCharField(label=_("Last name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    mobile = MobileField(label=_("Mobile number"), help_text=_("A confirmation code will be sent to this number."))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def _password_user(self):
        data = self.cleaned_data
        return User(
            national_id=data.get("national_id", ""), first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""), mobile=data.get("mobile", ""),
        )


class CodeForm(forms.Form):
    code = OneTimeCodeField(label=_("Code"))


class AuthenticatorCodeForm(forms.Form):
    """The code that confirms an authenticator app: typed after scanning the QR code above it, so the
    page does not jump past the QR code to the field on a phone."""

    code = OneTimeCodeField(label=_("Code"), autofocus=False)


class SecondFactorForm(CodeForm):
    remember_device = forms.BooleanField(
        label=_("Remember this device until the end of today's working day"), required=False,
        help_text=_("Only on a computer that you alone use. Logging out does not forget the device."),
    )


class UnlockRequestForm(forms.Form):
    national_id = NationalIdField(label=_("National ID"))


class UnlockLoginForm(forms.Form):
    code = OneTimeCodeField(label=_("Code sent by SMS"))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class LoginForm(forms.Form):
    national_id = NationalIdField(label=_("National ID"))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordResetRequestForm(forms.Form):
    national_id = NationalIdField(label=_("National ID"))
    mobile = MobileField(label=_("Mobile number registered in your account"))


class PasswordResetCompleteForm(_PasswordPairMixin, forms.Form):
    code = OneTimeCodeField(label=_("Code sent by SMS"))
    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Repeat new password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
