"""Writes for accounts: sign-up with a mobile code, login throttling, staff second factor, passwords."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from khedmat.accounts import throttle
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
    OtpPurpose.LOGIN_UNLOCK: gettext_noop(
        "Your Khedmat code to log in while your account is locked: %(code)s. "
        "If you did not ask for it, someone may be trying your password."
    ),
}


_ANY = object()


def _otp_limits(*, purpose: str, scope: str, ip: str | None, spacing: bool) -> list[tuple[str, int, int, str]]:
    """(counter key, limit, window seconds, refusal code) for sending one code."""
    limits = [(f"otp:resend:{purpose}:{scope}", 1, settings.OTP_RESEND_SECONDS, "otp_resend_too_soon")]
    if purpose == OtpPurpose.LOGIN:
        # The staff code is sent only after a correct password: what counts is failures (the
        # login counters), not sends, so a busy expert is never locked out by logging in often.
        # Only the "send a new code" button is spaced.
        return limits if spacing else []
    limits.append((f"otp:hour:{scope}", settings.OTP_MAX_PER_HOUR, 3600, "otp_hourly_limit"))
    if ip:
        limits.append((f"otp:ip:{ip}", settings.OTP_MAX_PER_HOUR * 6, 3600, "otp_ip_limit"))
    return limits


def _otp_refusal(code: str, wait: int) -> ApplicationError:
    if code == "otp_resend_too_soon":
        return ApplicationError(
            _("A code was just sent. You can ask for a new one in %(seconds)s seconds.")
            % {"seconds": to_persian_digits(wait)},
            code=code,
        )
    if code == "otp_hourly_limit":
        return ApplicationError(
            _("Too many codes were requested for this mobile number. Please try again in an hour."), code=code
        )
    return ApplicationError(
        _("Too many codes were requested from your network. Please try again in an hour."), code=code
    )


def otp_send(
    *, purpose: str, mobile: str, user: User | None = None, ip: str | None = None,
    scope: str | None = None, deliver: bool = True, spacing: bool = True,
) -> OneTimeCode:
    """Create a one-time code and send it by SMS, unless this mobile or address asked too often.

    The send limits are atomic counters (`throttle`) keyed by `scope` (the mobile by default).
    `deliver=False` makes a decoy: the same limits and the same row, but no SMS — used where the
    answer must not tell whether an account exists (password reset, locked-account login).
    """
    taken: list[str] = []
    for key, limit, seconds, refusal in _otp_limits(purpose=purpose, scope=scope or mobile, ip=ip, spacing=spacing):
        wait = throttle.hit(key, limit=limit, seconds=seconds)
        if wait:
            for earlier in taken:
                throttle.refund(earlier)
            raise _otp_refusal(refusal, wait)
        taken.append(key)
    now = timezone.now()
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
    if deliver:
        # Sent after commit: a rolled-back request must not leave the person holding a dead code.
        text = _(OTP_MESSAGES[purpose]) % {"code": to_persian_digits(code)}
        transaction.on_commit(lambda: sms_send(to=mobile, text=text, sensitive=True, purpose=f"otp:{purpose}"))
    return otp


def otp_live(*, purpose: str, mobile: str, user=_ANY) -> OneTimeCode | None:
    """The latest code for (purpose, mobile) that can still be used, if any."""
    otp = _otp_latest(OneTimeCode.objects, purpose=purpose, mobile=mobile, user=user)
    if otp is None or otp.expires_at <= timezone.now() or otp.attempts >= settings.OTP_MAX_ATTEMPTS:
        return None
    return otp


def _otp_latest(manager, *, purpose: str, mobile: str, user=_ANY) -> OneTimeCode | None:
    codes = manager.filter(purpose=purpose, mobile=mobile, consumed_at__isnull=True)
    if user is not _ANY:
        codes = codes.filter(user=user) if user is not None else codes.filter(user__isnull=True)
    return codes.order_by("-created_at", "-id").first()


def otp_verify(*, purpose: str, mobile: str, code: str, user=_ANY) -> OneTimeCode:
    """Consume the latest live code for (purpose, mobile[, user]) if `code` matches it."""
    now = timezone.now()
    with transaction.atomic():
        otp = _otp_latest(OneTimeCode.objects.select_for_update(), purpose=purpose, mobile=mobile, user=user)
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


# -- login: password, throttling, locked-account code ------------------------------------------

def _account_key(national_id: str) -> str:
    return f"login:account:{national_id}"


def _address_key(ip: str) -> str:
    return f"login:ip:{ip}"


def _locked_error(wait: int, *, address: bool = False) -> ApplicationError:
    if address:
        return ApplicationError(
            _("Too many failed attempts from your network. Please try again in %(minutes)s minutes.")
            % {"minutes": _minutes(wait)},
            code="login_locked_ip",
        )
    return ApplicationError(
        _("Too many failed attempts for this account. Please try again in %(minutes)s minutes.")
        % {"minutes": _minutes(wait)},
        code="login_locked",
    )


def login_failure_reserve(*, national_id: str, ip: str | None, account: bool = True) -> list[str]:
    """Count one check against the account's and the address's failure counters *before* it runs.

    The unit is reserved atomically, so parallel guesses cannot all pass the check; give it back
    with `login_failure_release` when the check succeeds. Raises while either counter is full.
    """
    taken: list[str] = []
    if account:
        wait = throttle.hit(_account_key(national_id), limit=settings.LOGIN_MAX_FAILURES,
                            seconds=settings.LOGIN_LOCK_SECONDS)
        if wait:
            raise _locked_error(wait)
        taken.append(_account_key(national_id))
    if ip:
        wait = throttle.hit(_address_key(ip), limit=settings.LOGIN_MAX_FAILURES_PER_IP,
                            seconds=settings.LOGIN_LOCK_SECONDS)
        if wait:
            for key in taken:
                throttle.refund(key)
            raise _locked_error(wait, address=True)
        taken.append(_address_key(ip))
    return taken


def login_failure_release(keys: list[str]) -> None:
    for key in keys:
        throttle.refund(key)


def login_attempt_record(*, national_id: str, ip: str | None, succeeded: bool, stage: str = "password") -> None:
    LoginAttempt.objects.create(national_id=national_id[:10], ip_address=ip, succeeded=succeeded, stage=stage)


def password_login(*, request, national_id: str, password: str, ip: str | None) -> User:
    """Check a national ID and password; at most LOGIN_MAX_FAILURES wrong ones per account and window."""
    reserved = login_failure_reserve(national_id=national_id, ip=ip)
    user = authenticate(request, national_id=national_id, password=password)
    login_attempt_record(national_id=national_id, ip=ip, succeeded=user is not None)
    if user is None:
        raise ApplicationError(_("The national ID or the password is not correct."), code="bad_login")
    login_failure_release(reserved)
    return user


def unlock_code_send(*, national_id: str, ip: str | None) -> None:
    """Send a one-time login code to the account's own mobile, so that strangers locking the account
    do not lock its owner out. The answer is the same whether or not the account exists."""
    user = User.objects.filter(national_id=national_id, is_active=True).first()
    mobile = user.mobile if user is not None and user.mobile else ""
    # Its own limits: one a minute and OTP_MAX_PER_HOUR an hour per account, plus the address cap.
    otp_send(purpose=OtpPurpose.LOGIN_UNLOCK, mobile=mobile, user=user, ip=ip, scope=f"unlock:{national_id}",
             deliver=bool(mobile))


def unlock_login(*, request, national_id: str, code: str, password: str, ip: str | None) -> User:
    """Log in with the code sent to the account's mobile *and* the password, even while the account's
    failure counter is full. Its own limits: codes per hour (above), OTP_MAX_ATTEMPTS tries per code, and
    LOGIN_MAX_FAILURES wrong passwords per window on its own counter."""
    user = User.objects.filter(national_id=national_id, is_active=True).first()
    mobile = user.mobile if user is not None and user.mobile else ""
    otp_verify(purpose=OtpPurpose.LOGIN_UNLOCK, mobile=mobile, code=code, user=user)
    if user is None:
        raise ApplicationError(_("The code has expired. Please ask for a new code."), code="otp_expired")
    wait = throttle.hit(f"unlock:password:{national_id}", limit=settings.LOGIN_MAX_FAILURES,
                        seconds=settings.LOGIN_LOCK_SECONDS)
    if wait:
        raise _locked_error(wait)
    checked = authenticate(request, national_id=national_id, password=password)
    login_attempt_record(national_id=national_id, ip=ip, succeeded=checked is not None, stage="unlock")
    if checked is None:
        raise ApplicationError(
            _("The password is not correct. Ask for a new code and try again."), code="bad_login"
        )
    throttle.clear(f"unlock:password:{national_id}")
    # The owner proved both the mobile and the password: the strangers' failures no longer count.
    throttle.clear(_account_key(national_id))
    return checked


# -- staff second factor ---------------------------------------------------------------------

def second_factor_method(user: User) -> str:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return "totp" if device else "sms"


def second_factor_send(*, user: User, ip: str | None) -> bool:
    """Send the staff login code, unless the one sent before is still valid (it is reused).

    Returns whether a new SMS was sent.
    """
    if otp_live(purpose=OtpPurpose.LOGIN, mobile=user.mobile, user=user) is not None:
        return False
    otp_send(purpose=OtpPurpose.LOGIN, mobile=user.mobile, user=user, ip=ip, spacing=False)
    return True


def second_factor_resend(*, user: User, ip: str | None) -> None:
    """The "send a new code" button: a fresh code, at most one a minute."""
    otp_send(purpose=OtpPurpose.LOGIN, mobile=user.mobile, user=user, ip=ip)


def second_factor_verify(*, user: User, code: str, ip: str | None) -> None:
    """Check the staff member's TOTP or SMS code; failures count towards the login lock."""
    reserved = login_failure_reserve(national_id=user.national_id, ip=ip)
    try:
        if second_factor_method(user) == "totp":
            _totp_verify(user=user, code=code)
        else:
            otp_verify(purpose=OtpPurpose.LOGIN, mobile=user.mobile, code=code, user=user)
    except ApplicationError:
        login_attempt_record(national_id=user.national_id, ip=ip, succeeded=False, stage="second_factor")
        raise
    login_failure_release(reserved)
    login_attempt_record(national_id=user.national_id, ip=ip, succeeded=True, stage="second_factor")


# A staff member may skip the second factor on a device they trust, until the end of the working day.
TRUSTED_DEVICE_COOKIE = "khedmat_trusted_device"
_TRUSTED_DEVICE_SALT = "khedmat.accounts.trusted-device"


def _trusted_device_fingerprint(user: User) -> str:
    # Changes with the password hash: a new password forgets every trusted device.
    return user.get_session_auth_hash()[:20]


def trusted_device_until(now: dt.datetime | None = None) -> dt.datetime:
    """The end of today's working day (Tehran), or the next midnight when it has already ended."""
    local = timezone.localtime(now or timezone.now())
    hour, minute = (int(part) for part in settings.STAFF_WORKDAY_END.split(":"))
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end <= local:
        end = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return end


def trusted_device_token(user: User) -> tuple[str, dt.datetime]:
    until = trusted_device_until()
    value = signing.dumps(
        {"u": user.pk, "f": _trusted_device_fingerprint(user), "e": int(until.timestamp())},
        salt=_TRUSTED_DEVICE_SALT, compress=True,
    )
    return value, until


def trusted_device_valid(user: User, value: str | None) -> bool:
    if not value:
        return False
    try:
        data = signing.loads(value, salt=_TRUSTED_DEVICE_SALT, max_age=dt.timedelta(days=1))
    except signing.BadSignature:
        return False
    return (
        isinstance(data, dict)
        and data.get("u") == user.pk
        and hmac.compare_digest(str(data.get("f", "")), _trusted_device_fingerprint(user))
        and int(data.get("e", 0)) > timezone.now().timestamp()
    )


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

    Both cases run the same code with the same limits (keyed by the pair, so nobody can use up
    another person's sends without knowing both): without an account the code is a decoy that is
    never sent. The answer, and every later answer of the verify step, is the same either way.
    """
    user = User.objects.filter(national_id=national_id, mobile=mobile, is_active=True).first()
    otp_send(purpose=OtpPurpose.PASSWORD_RESET, mobile=mobile, user=user, ip=ip,
             scope=f"reset:{national_id}:{mobile}", deliver=user is not None)


def password_reset_complete(*, national_id: str, mobile: str, code: str, new_password: str) -> User:
    user = User.objects.filter(national_id=national_id, mobile=mobile, is_active=True).first()
    # Without an account this checks the decoy (so the attempts left count down the same way).
    otp_verify(purpose=OtpPurpose.PASSWORD_RESET, mobile=mobile, code=code, user=user)
    if user is None:
        raise ApplicationError(_("The code has expired. Please ask for a new code."), code="otp_expired")
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
