import datetime as dt

import pyotp
import pytest
import time_machine
from django.utils import timezone

from khedmat.accounts import services
from khedmat.accounts.models import LoginAttempt, OneTimeCode, TotpDevice, User
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import AuditEvent
from khedmat.notifications.models import SentMessage
from khedmat.testing import PASSWORD, last_code_sent_to, make_staff, next_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the after-commit SMS sends inside the test's transaction."""
    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)
    return run


def start_signup(sent, mobile="09351230001", national_id=None):
    return sent(
        services.signup_start, national_id=national_id or next_national_id(), first_name="مریم",
        last_name="کریمی", mobile=mobile, password="a-very-good-pass-1404", ip="127.0.0.1",
    )


def test_signup_creates_the_account_only_after_the_mobile_code(sent):
    pending = start_signup(sent)
    assert not User.objects.filter(national_id=pending.national_id).exists()
    code = last_code_sent_to(pending.mobile)
    user = services.user_register(pending=pending, code=code)
    assert user.mobile_verified_at is not None
    assert user.check_password("a-very-good-pass-1404")


def test_the_code_is_stored_only_as_a_hash(sent):
    pending = start_signup(sent, mobile="09351230002")
    code = last_code_sent_to(pending.mobile)
    otp = OneTimeCode.objects.get(mobile=pending.mobile)
    assert len(otp.code_hash) == 64 and code not in otp.code_hash


def test_a_wrong_code_creates_nothing_and_counts_attempts(sent):
    pending = start_signup(sent, mobile="09351230003")
    with pytest.raises(ApplicationError) as error:
        services.user_register(pending=pending,
                               code="000000" if last_code_sent_to(pending.mobile) != "000000" else "111111")
    assert error.value.code == "otp_wrong"
    assert not User.objects.filter(national_id=pending.national_id).exists()
    assert OneTimeCode.objects.get(mobile=pending.mobile).attempts == 1


def test_after_five_wrong_codes_even_the_right_one_is_refused(sent):
    pending = start_signup(sent, mobile="09351230004")
    right = last_code_sent_to(pending.mobile)
    wrong = "1" * 6 if right != "1" * 6 else "2" * 6
    for _ in range(5):
        with pytest.raises(ApplicationError):
            services.user_register(pending=pending, code=wrong)
    with pytest.raises(ApplicationError) as error:
        services.user_register(pending=pending, code=right)
    assert error.value.code == "otp_too_many_attempts"


def test_an_expired_code_is_refused(sent):
    pending = start_signup(sent, mobile="09351230005")
    code = last_code_sent_to(pending.mobile)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        with pytest.raises(ApplicationError) as error:
            services.user_register(pending=pending, code=code)
    assert error.value.code == "otp_expired"


def test_codes_cannot_be_requested_too_often(sent):
    pending = start_signup(sent, mobile="09351230006")
    with pytest.raises(ApplicationError) as error:
        services.signup_resend(pending=pending, ip="127.0.0.1")
    assert error.value.code == "otp_resend_too_soon"
    now = timezone.now()
    for minutes in (2, 4, 6, 8):
        with time_machine.travel(now + dt.timedelta(minutes=minutes)):
            services.signup_resend(pending=pending, ip="127.0.0.1")
    with time_machine.travel(now + dt.timedelta(minutes=10)):
        with pytest.raises(ApplicationError) as error:
            services.signup_resend(pending=pending, ip="127.0.0.1")
    assert error.value.code == "otp_hourly_limit"


def test_a_taken_national_id_is_refused_before_any_code_is_sent(sent, applicant):
    with pytest.raises(ApplicationError) as error:
        start_signup(sent, mobile="09351230007", national_id=applicant.national_id)
    assert error.value.code == "national_id_taken"
    assert not OneTimeCode.objects.filter(mobile="09351230007").exists()


def wrong_login(national_id, ip):
    with pytest.raises(ApplicationError) as error:
        services.password_login(request=None, national_id=national_id, password="wrong-pass-1", ip=ip)
    return error.value.code


def test_login_is_locked_after_repeated_failures(applicant):
    for _ in range(5):
        assert wrong_login(applicant.national_id, "10.0.0.1") == "bad_login"
    assert wrong_login(applicant.national_id, "10.0.0.1") == "login_locked"
    with pytest.raises(ApplicationError):  # even the right password, while locked
        services.password_login(request=None, national_id=applicant.national_id, password=PASSWORD, ip="10.0.0.1")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        user = services.password_login(request=None, national_id=applicant.national_id, password=PASSWORD,
                                       ip="10.0.0.1")
    assert user == applicant


def test_a_right_password_does_not_use_up_the_failures(applicant):
    for _ in range(4):
        wrong_login(applicant.national_id, "10.0.0.3")
    for _ in range(3):
        services.password_login(request=None, national_id=applicant.national_id, password=PASSWORD, ip="10.0.0.3")
    assert wrong_login(applicant.national_id, "10.0.0.3") == "bad_login"
    assert wrong_login(applicant.national_id, "10.0.0.3") == "login_locked"


def test_many_failures_from_one_address_lock_that_address():
    for _ in range(30):
        assert wrong_login(next_national_id(), "10.0.0.2") == "bad_login"
    assert wrong_login(next_national_id(), "10.0.0.2") == "login_locked_ip"


def test_staff_second_factor_by_sms(sent, expert):
    assert services.second_factor_method(expert) == "sms"
    sent(services.second_factor_send, user=expert, ip=None)
    code = last_code_sent_to(expert.mobile)
    services.second_factor_verify(user=expert, code=code, ip=None)
    assert LoginAttempt.objects.filter(national_id=expert.national_id, stage="second_factor", succeeded=True).exists()


def test_staff_second_factor_by_authenticator_app_and_no_replay(expert):
    device = services.totp_enrol_start(user=expert)
    totp = pyotp.TOTP(device.secret)
    services.totp_enrol_confirm(user=expert, code=totp.now())
    assert services.second_factor_method(expert) == "totp"
    # The code used for enrolment cannot be used again to log in.
    with pytest.raises(ApplicationError):
        services.second_factor_verify(user=expert, code=totp.now(), ip=None)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=60)):
        services.second_factor_verify(user=expert, code=totp.now(), ip=None)


def test_wrong_second_factor_codes_lock_the_account(expert):
    services.totp_enrol_start(user=expert)
    TotpDevice.objects.filter(user=expert).update(confirmed_at=timezone.now())
    for _ in range(5):
        with pytest.raises(ApplicationError):
            services.second_factor_verify(user=expert, code="000000", ip=None)
    with pytest.raises(ApplicationError) as error:
        services.second_factor_verify(user=expert, code="000000", ip=None)
    assert error.value.code == "login_locked"


def test_password_reset_needs_matching_mobile(sent, applicant):
    sent(services.password_reset_start, national_id=applicant.national_id, mobile="09359999999", ip=None)
    # A decoy code (never sent), so that the rest of the journey answers the same.
    assert not SentMessage.objects.filter(to="09359999999").exists()
    assert not OneTimeCode.objects.filter(user=applicant).exists()
    sent(services.password_reset_start, national_id=applicant.national_id, mobile=applicant.mobile, ip=None)
    code = last_code_sent_to(applicant.mobile)
    services.password_reset_complete(national_id=applicant.national_id, mobile=applicant.mobile, code=code,
                                     new_password="another-good-pass-1404")
    applicant.refresh_from_db()
    assert applicant.check_password("another-good-pass-1404")


def test_role_changes_are_audited(administrator, tehran):
    staff = make_staff(province=tehran, roles=["expert"])
    services.staff_roles_set(user=staff, roles=["expert", "unit_head"], by=administrator)
    staff = User.objects.get(pk=staff.pk)
    assert staff.role_set == {"expert", "unit_head"}
    event = AuditEvent.objects.get(action="roles_changed", object_id=str(staff.pk))
    assert event.before == {"roles": ["expert"]} and event.after == {"roles": ["expert", "unit_head"]}
