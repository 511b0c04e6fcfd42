"""Sign-up, login with the staff second factor, password reset, account home, authenticator setup."""
import segno
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.accounts import services
from khedmat.accounts.decorators import staff_required
from khedmat.accounts.forms import (
    AuthenticatorCodeForm,
    CodeForm,
    LoginForm,
    PasswordResetCompleteForm,
    PasswordResetRequestForm,
    SecondFactorForm,
    SignupForm,
    UnlockLoginForm,
    UnlockRequestForm,
)
from khedmat.accounts.middleware import SECOND_FACTOR_SESSION_KEY
from khedmat.accounts.models import User
from khedmat.core.desk import landing_url
from khedmat.core.exceptions import ApplicationError
from khedmat.core.net import client_ip

SIGNUP_KEY = "pending_signup"
PENDING_LOGIN_KEY = "pending_login_user_id"
PENDING_NEXT_KEY = "pending_login_next"
RESET_KEY = "pending_password_reset"
UNLOCK_KEY = "pending_login_code_national_id"


def _safe_next(request, default: str = "accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


# -- sign-up ---------------------------------------------------------------------------------

def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = services.signup_start(
                national_id=data["national_id"], first_name=data["first_name"], last_name=data["last_name"],
                mobile=data["mobile"], password=data["password1"], ip=client_ip(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            request.session[SIGNUP_KEY] = pending.as_session()
            return redirect("accounts:signup-verify")
    return render(request, "accounts/signup.html", {"form": form})


def signup_verify(request):
    pending = services.PendingSignup.from_session(request.session.get(SIGNUP_KEY))
    if pending is None:
        messages.info(request, _("Please fill in the sign-up form first."))
        return redirect("accounts:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            services.signup_resend(pending=pending, ip=client_ip(request))
            messages.success(request, _("A new code was sent."))
        except ApplicationError as error:
            messages.error(request, error.message)
    elif request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(pending=pending, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            del request.session[SIGNUP_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account was created and your mobile number confirmed."))
            return redirect("accounts:home")
    return render(request, "accounts/signup_verify.html", {"form": form, "mobile": pending.mobile})


# -- login -----------------------------------------------------------------------------------

def _landing(user) -> str:
    """Where a person starts after login: a staff member's own work (`core.desk`), else the account."""
    return landing_url(user) or "accounts:home"


def _after_password(request, user, *, next_url: str):
    """The password (or the locked-account code) was right: sign in, or go to the staff second step."""
    if user.is_staff_member or user.is_staff:
        if services.trusted_device_valid(user, request.COOKIES.get(services.TRUSTED_DEVICE_COOKIE)):
            services.login_attempt_record(national_id=user.national_id, ip=client_ip(request), succeeded=True,
                                          stage="trusted_device")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            return redirect(next_url or _landing(user))
        request.session[PENDING_LOGIN_KEY] = user.pk
        request.session[PENDING_NEXT_KEY] = next_url
        if services.second_factor_method(user) == "sms":
            services.second_factor_send(user=user, ip=client_ip(request))
        return redirect("accounts:login-verify")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(next_url or _landing(user))


def login_view(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        national_id = form.cleaned_data["national_id"]
        try:
            user = services.password_login(
                request=request, national_id=national_id, password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
            return _after_password(request, user, next_url=_safe_next(request, ""))
        except ApplicationError as error:
            form.add_error(None, error.message)
            if error.code == "login_locked":
                locked = True
                request.session[UNLOCK_KEY] = national_id
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", ""), "locked": locked})


def login_code(request):
    """A locked account's owner asks for a one-time code on the account's mobile."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = UnlockRequestForm(request.POST or None, initial={"national_id": request.session.get(UNLOCK_KEY, "")})
    if request.method == "POST" and form.is_valid():
        national_id = form.cleaned_data["national_id"]
        try:
            services.unlock_code_send(national_id=national_id, ip=client_ip(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            request.session[UNLOCK_KEY] = national_id
            messages.info(request, _("If this national ID has an account, a code was sent to its registered mobile."))
            return redirect("accounts:login-code-verify")
    return render(request, "accounts/login_code.html", {"form": form})


def login_code_verify(request):
    national_id = request.session.get(UNLOCK_KEY)
    if not national_id:
        return redirect("accounts:login-code")
    form = UnlockLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.unlock_login(
                request=request, national_id=national_id, code=form.cleaned_data["code"],
                password=form.cleaned_data["password"], ip=client_ip(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(UNLOCK_KEY, None)
            return _after_password(request, user, next_url="")
    return render(request, "accounts/login_code_verify.html", {"form": form})


def login_verify(request):
    user = User.objects.filter(pk=request.session.get(PENDING_LOGIN_KEY), is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    method = services.second_factor_method(user)
    form = SecondFactorForm(request.POST or None)
    ip = client_ip(request)
    if request.method == "POST" and "resend" in request.POST and method == "sms":
        form = SecondFactorForm()
        try:
            services.second_factor_resend(user=user, ip=ip)
            messages.success(request, _("A new code was sent."))
        except ApplicationError as error:
            messages.error(request, error.message)
    elif request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify(user=user, code=form.cleaned_data["code"], ip=ip)
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            next_url = request.session.get(PENDING_NEXT_KEY) or _landing(user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SECOND_FACTOR_SESSION_KEY] = True
            request.session.pop(PENDING_LOGIN_KEY, None)
            request.session.pop(PENDING_NEXT_KEY, None)
            response = redirect(next_url)
            if form.cleaned_data.get("remember_device"):
                value, until = services.trusted_device_token(user)
                response.set_cookie(
                    services.TRUSTED_DEVICE_COOKIE, value, expires=until, httponly=True, samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
    masked = f"{user.mobile[:4]}•••{user.mobile[-4:]}"
    return render(request, "accounts/login_verify.html", {"form": form, "method": method, "masked_mobile": masked})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("core:home")


# -- password reset --------------------------------------------------------------------------

def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_start(
                national_id=form.cleaned_data["national_id"], mobile=form.cleaned_data["mobile"], ip=client_ip(request)
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            request.session[RESET_KEY] = {
                "national_id": form.cleaned_data["national_id"], "mobile": form.cleaned_data["mobile"]
            }
            # The same answer whether or not the pair has an account (the next page says "if").
            return redirect("accounts:password-reset-verify")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_verify(request):
    pending = request.session.get(RESET_KEY)
    if not pending:
        return redirect("accounts:password-reset")
    form = PasswordResetCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                national_id=pending["national_id"], mobile=pending["mobile"],
                code=form.cleaned_data["code"], new_password=form.cleaned_data["password1"],
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            del request.session[RESET_KEY]
            messages.success(request, _("Your password was changed. Log in with the new password."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_verify.html", {"form": form})


# -- account home and staff second factor ----------------------------------------------------

@login_required
def home(request):
    assignments = sorted(request.user.role_assignments.all(), key=lambda r: (r.role, r.service_code))
    # A role held in one service names the service (read through the app registry: accounts imports no catalog).
    codes = {r.service_code for r in assignments if r.service_code}
    titles = dict(apps.get_model("catalog", "Service").objects.filter(code__in=codes).values_list("code", "title")) \
        if codes else {}
    roles = [(r.get_role_display(), titles.get(r.service_code, "") if r.service_code else "") for r in assignments]
    return render(request, "accounts/home.html", {"roles": roles})


@staff_required()
def totp_setup(request):
    device = getattr(request.user, "totp_device", None)
    if device is not None and device.confirmed_at:
        return render(request, "accounts/totp_setup.html", {"confirmed": True})
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrol_confirm(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("The authenticator app was added. From now on, log in with its codes."))
            return redirect("accounts:home")
    if request.method == "GET" or device is None:
        device = services.totp_enrol_start(user=request.user)
    uri = services.totp_provisioning_uri(device)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for the authenticator app"))
    return render(request, "accounts/totp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": device.secret})
