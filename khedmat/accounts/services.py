"""Writes for accounts: sign-up with a mobile code, login throttling, staff second factor, passwords."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from khedmat.accounts.models import LoginAttempt, OneTimeCode, OtpPurpose, RoleAssignment, TotpDevice, User
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.notifications.services import sms_send

# -- one-time codes --------------------------------------------------------------------------

def _code_hash(purpose: str, mobile: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return to_persian_digits(minutes)


OTP_MESSAGES = {
    OtpPurpose.SIGNUP: gettext_noop("Your Khedmat sign-up code: %(code)s"),
    OtpPurpose.LOGIN: gettext_noop("Your Khedmat login code: %(code)s"),
    OtpPurpose.PASSWORD_RESET: gettext_noop("Your Khedmat password reset code: %(code)s"),
}


def otp_send(*, purpose: str, mobile: str, user: User | None = None, ip: str | None = None) -> OneTimeCode:
    """Create a one-time code and send it by SMS, unless this mobile or address asked too often."""
    now = timezone.now()
    recent = OneTimeCode.objects.filter(mobile=mobile, created_at__gte=now - dt.timedelta(hours=1))
    last = recent.filter(purpose=purpose).order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < settings.OTP_RESEND_SECONDS:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise ApplicationError(
            _("A code was just sent. You can ask for a new one in %(seconds)s seconds.")
            % {"seconds": to_persian_digits(wait)},
            code="otp_resend_too_soon",
        )
    if recent.count() >= settings.OTP_MAX_PER_HOUR:
        raise ApplicationError(
            _("Too many codes were requested for this mobile number. Please try again in an hour."),
            code="otp_hourly_limit",
        )
    if ip and OneTimeCode.objects.filter(ip_address=ip, created_at__gte=now - dt.timedelta(hours=1)).count() >= (
        settings.OTP_MAX_PER_HOUR * 6
    ):
        raise ApplicationError(
            _("Too many codes were requested from your network. Please try again in an hour."),
            code="otp_ip_limit",
        )
    code = "".join(secrets.choice("0123456789") for _ in range(settings.OTP_LENGTH))
    otp = OneTimeCode.objects.create(
        purpose=purpose,
        mobile=mobile,
        user=user,
        code_hash=_code_hash(purpose, mobile, code),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        ip_address=ip,
    )
    # Sent after commit: a rolled-back request must not leave the person holding a dead code.
    text = _(OTP_MESSAGES[purpose]) % {"code": to_persian_digits(code)}
    transaction.on_commit(lambda: sms_send(to=mobile, text=text, sensitive=True, purpose=f"otp:{purpose}"))
    return otp


def otp_verify(*, purpose: str, mobile: str, code: str) -> OneTimeCode:
    """Consume the latest live code for (purpose, mobile) if `code` matches it."""
    now = timezone.now()
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(purpose=purpose, mobile=mobile, consumed_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if otp is None or otp.expires_at <= now:
            raise ApplicationError(_("The code has expired. Please ask for a new code."), code="otp_expired")
        if otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            raise ApplicationError(
                _("Too many wrong codes. Please ask for a new code."), code="otp_too_many_attempts"
            )
        if not code or not hmac.compare_digest(otp.code_hash, _code_hash(purpose, mobile, code)):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            left = settings.OTP_MAX_ATTEMPTS - otp.attempts
            raise_later = ApplicationError(
                ngettext(
                    "The code is not correct. %(left)s attempt left.",
                    "The code is not correct. %(left)s attempts left.",
                    left,
                )
                % {"left": to_persian_digits(left)},
                code="otp_wrong",
            )
        else:
            otp.consumed_at = now
            otp.save(update_fields=["consumed_at"])
            return otp
    # Raised outside the atomic block so that the attempt counter is committed.
    raise raise_later


# -- sign-up ---------------------------------------------------------------------------------

@dataclass
class PendingSignup:
    """What the sign-up form collected, kept in the session until the mobile is confirmed."""

    national_id: str
    first_name: str
    last_name: str
    mobile: str
    password_hash: str

    def as_session(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: dict | None) -> PendingSignup | None:
        if not data:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def signup_start(
    *, national_id: str, first_name: str, last_name: str, mobile: str, password: str, ip: str | None
) -> PendingSignup:
    """Check that the national ID is free and send a confirmation code to the mobile."""
    if User.objects.filter(national_id=national_id).exists():
        raise ApplicationError(
            _("An account with this national ID already exists. Log in, or reset the password."),
            code="national_id_taken",
        )
    otp_send(purpose=OtpPurpose.SIGNUP, mobile=mobile, ip=ip)
    return PendingSignup(
        national_id=national_id,
        first_name=first_name,
        last_name=last_name,
        mobile=mobile,
        password_hash=make_password(password),
    )


def signup_resend(*, pending: PendingSignup, ip: str | None) -> None:
    otp_send(purpose=OtpPurpose.SIGNUP, mobile=pending.mobile, ip=ip)


def user_register(*, pending: PendingSignup, code: str) -> User:
    """Create the account once the code sent to its mobile is confirmed."""
    otp_verify(purpose=OtpPurpose.SIGNUP, mobile=pending.mobile, code=code)
    try:
        with transaction.atomic():
            user = User(
                national_id=pending.national_id,
                first_name=pending.first_name,
                last_name=pending.last_name,
                mobile=pending.mobile,
                mobile_verified_at=timezone.now(),
                password=pending.password_hash,
            )
            user.full_clean(exclude=["password"])
            user.save()
    except IntegrityError as exc:
        raise ApplicationError(
            _("An account with this national ID already exists. Log in, or reset the password."),
            code="national_id_taken",
        ) from exc
    return user


# -- login throttling ------------------------------------------------------------------------

def login_throttle_check(*, national_id: str, ip: str | None) -> None:
    """Refuse a login attempt while this account or address has too many recent failures."""
    window_start = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    failures = LoginAttempt.objects.filter(created_at__gte=window_start, succeeded=False)
    if national_id and failures.filter(national_id=national_id).count() >= settings.LOGIN_MAX_FAILURES:
        raise ApplicationError(
            _("Too many failed attempts for this account. Please try again in %(minutes)s minutes.")
            % {"minutes": _minutes(settings.LOGIN_LOCK_SECONDS)},
            code="login_locked",
        )
    if ip and failures.filter(ip_address=ip).count() >= settings.LOGIN_MAX_FAILURES_PER_IP:
        raise ApplicationError(
            _("Too many failed attempts from your network. Please try again in %(minutes)s minutes.")
            % {"minutes": _minutes(settings.LOGIN_LOCK_SECONDS)},
            code="login_locked_ip",
        )


def login_attempt_record(*, national_id: str, ip: str | None, succeeded: bool, stage: str = "password") -> None:
    LoginAttempt.objects.create(national_id=national_id[:10], ip_address=ip, succeeded=succeeded, stage=stage)


# -- staff second factor ---------------------------------------------------------------------

def second_factor_method(user: User) -> str:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return "totp" if device else "sms"


def second_factor_send(*, user: User, ip: str | None) -> None:
    otp_send(purpose=OtpPurpose.LOGIN, mobile=user.mobile, user=user, ip=ip)


def second_factor_verify(*, user: User, code: str, ip: str | None) -> None:
    """Check the staff member's TOTP or SMS code; failures count towards the login lock."""
    login_throttle_check(national_id=user.national_id, ip=ip)
    try:
        if second_factor_method(user) == "totp":
            _totp_verify(user=user, code=code)
        else:
            otp_verify(purpose=OtpPurpose.LOGIN, mobile=user.mobile, code=code)
    except ApplicationError:
        login_attempt_record(national_id=user.national_id, ip=ip, succeeded=False, stage="second_factor")
        raise
    login_attempt_record(national_id=user.national_id, ip=ip, succeeded=True, stage="second_factor")


def _totp_verify(*, user: User, code: str) -> None:
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(user=user)
        step = _totp_matching_step(device.secret, code)
        if step is None or step <= device.last_used_step:
            raise ApplicationError(_("The authenticator code is not correct."), code="totp_wrong")
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])


def _totp_matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code equals `code`, allowing one step of clock drift either way."""
    totp = pyotp.TOTP(secret)
    now_step = int(timezone.now().timestamp()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if code and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def totp_enrol_start(*, user: User) -> TotpDevice:
    """Create (or replace an unconfirmed) authenticator secret for a staff member."""
    device, _created = TotpDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    if device.confirmed_at is None:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


def totp_enrol_confirm(*, user: User, code: str) -> TotpDevice:
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise ApplicationError(_("Start adding the authenticator app again."), code="totp_missing")
        step = _totp_matching_step(device.secret, code)
        if step is None:
            raise ApplicationError(_("The authenticator code is not correct."), code="totp_wrong")
        device.confirmed_at = timezone.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        audit_record(actor=user, action="totp_enrolled", instance=user)
    return device


def totp_provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.national_id, issuer_name=settings.STAFF_TOTP_ISSUER
    )


# -- passwords -------------------------------------------------------------------------------

def password_reset_start(*, national_id: str, mobile: str, ip: str | None) -> None:
    """Send a reset code if the national ID and mobile belong to one account.

    The answer is the same either way, so that the form cannot be used to find out who has an account.
    """
    user = User.objects.filter(national_id=national_id, mobile=mobile, is_active=True).first()
    if user is None:
        # Still count the request, so that probing is throttled like real use.
        login_throttle_check(national_id=national_id, ip=ip)
        login_attempt_record(national_id=national_id, ip=ip, succeeded=False, stage="reset")
        return
    otp_send(purpose=OtpPurpose.PASSWORD_RESET, mobile=mobile, user=user, ip=ip)


def password_reset_complete(*, national_id: str, mobile: str, code: str, new_password: str) -> User:
    user = User.objects.filter(national_id=national_id, mobile=mobile, is_active=True).first()
    if user is None:
        raise ApplicationError(_("The code has expired. Please ask for a new code."), code="otp_expired")
    otp_verify(purpose=OtpPurpose.PASSWORD_RESET, mobile=mobile, code=code)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


# -- staff administration --------------------------------------------------------------------

def _role_label(role: str, service_code: str) -> str:
    return f"{role}@{service_code}" if service_code else role


def staff_roles_set(*, user: User, roles: list, by: User) -> None:
    """Replace a staff member's roles, recording the change. Each entry is a role (held in every service)
    or a (role, service code) pair (held in that service only)."""
    wanted = {(r, "") if isinstance(r, str) else (r[0], r[1] or "") for r in roles}
    user.forget_roles()
    before = sorted(_role_label(r, s) for r, s in user.role_pairs)
    after = sorted(_role_label(r, s) for r, s in wanted)
    with transaction.atomic():
        for assignment in RoleAssignment.objects.filter(user=user):
            if (assignment.role, assignment.service_code) not in wanted:
                assignment.delete()
        for role, service_code in wanted:
            RoleAssignment.objects.get_or_create(user=user, role=role, service_code=service_code)
        user.forget_roles()
        if after != before:
            audit_record(
                actor=by, action="roles_changed", instance=user, before={"roles": before},
                after={"roles": after}, province=user.province,
            )
