import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from khedmat.accounts import services
from khedmat.accounts.models import OneTimeCode, TotpDevice, User
from khedmat.catalog.models import Service
from khedmat.notifications.models import SentMessage
from khedmat.testing import PASSWORD, last_code_sent_to, login, make_staff, next_national_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def run(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **kwargs)
    return run


def signup_data(**overrides):
    data = {
        "national_id": next_national_id(), "first_name": "علي", "last_name": "كريمي",
        "mobile": "۰۹۳۵۱۲۳۴۰۰۱", "password1": "a-very-good-pass-1404", "password2": "a-very-good-pass-1404",
    }
    data.update(overrides)
    return data


def test_sign_up_with_persian_digits_and_arabic_letters(client, post):
    data = signup_data(national_id="".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in next_national_id()))
    response = post("/accounts/signup/", data)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/verify/"
    code = last_code_sent_to("09351234001")
    response = post("/accounts/signup/verify/", {"code": "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] for c in code)})
    assert response.status_code == 302
    user = User.objects.get(mobile="09351234001")
    assert (user.first_name, user.last_name) == ("علی", "کریمی")
    assert user.national_id.isascii()
    assert client.get("/accounts/").status_code == 200


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"national_id": "1234567890"}, "کد ملی"),
        ({"mobile": "021123"}, "همراه"),
        ({"password2": "different-pass-1404"}, "رمز"),
        ({"password1": "12345678", "password2": "12345678"}, "رمز"),
        ({"first_name": ""}, "لازم"),
    ],
)
def test_bad_sign_up_input_gets_a_persian_message_and_changes_nothing(client, post, overrides, message):
    response = post("/accounts/signup/", signup_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and message in html
    assert not OneTimeCode.objects.exists()
    assert "pending_signup" not in client.session


def test_wrong_signup_code_is_explained_and_creates_nothing(client, post):
    post("/accounts/signup/", signup_data(mobile="09351234002"))
    response = post("/accounts/signup/verify/", {"code": "12"})
    assert response.status_code == 200 and "کد" in response.content.decode()
    assert not User.objects.filter(mobile="09351234002").exists()


def test_applicant_logs_in_with_password_only(client, applicant):
    response = client.post("/accounts/login/", {"national_id": applicant.national_id, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/"


def test_wrong_password_gets_one_message_for_both_unknown_and_wrong(client, applicant):
    wrong = client.post("/accounts/login/", {"national_id": applicant.national_id, "password": "nope-nope-1"})
    unknown = client.post("/accounts/login/", {"national_id": next_national_id(), "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_login_is_throttled_with_a_persian_message(client, applicant):
    for _ in range(5):
        client.post("/accounts/login/", {"national_id": applicant.national_id, "password": "wrong-pass-1"})
    response = client.post("/accounts/login/", {"national_id": applicant.national_id, "password": PASSWORD})
    assert response.status_code == 200
    assert "دقیقه" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_need_the_sms_second_step(client, post, expert):
    response = post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302
    response = post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_staff_session_without_the_second_factor_is_ended(client, expert):
    client.force_login(expert)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_khedmat_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_admin_is_for_administrators_only(client, administrator, expert):
    login(client, expert)
    assert client.get("/admin/").status_code == 302
    client.logout()
    login(client, administrator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_open_redirects_are_refused(client, applicant):
    response = client.post("/accounts/login/?next=https://evil.example/", {
        "national_id": applicant.national_id, "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/accounts/"


def test_password_reset_journey(client, post, applicant):
    response = post("/accounts/password-reset/", {"national_id": applicant.national_id, "mobile": applicant.mobile})
    assert response["Location"] == "/accounts/password-reset/verify/"
    code = last_code_sent_to(applicant.mobile)
    response = post("/accounts/password-reset/verify/",
                    {"code": code, "password1": "new-good-pass-1404", "password2": "new-good-pass-1404"})
    assert response["Location"] == "/accounts/login/"
    applicant.refresh_from_db()
    assert applicant.check_password("new-good-pass-1404")


def test_totp_setup_page_shows_a_qr_code(client, expert):
    login(client, expert)
    response = client.get("/accounts/authenticator/")
    assert response.status_code == 200 and "<svg" in response.content.decode()


def test_wrong_authenticator_code_is_explained_and_nothing_is_enrolled(client, expert):
    login(client, expert)
    client.get("/accounts/authenticator/")
    response = client.post("/accounts/authenticator/", {"code": "000000"})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert TotpDevice.objects.get(user=expert).confirmed_at is None


def test_staff_log_in_with_the_authenticator_app(client, expert):
    device = services.totp_enrol_start(user=expert)
    services.totp_enrol_confirm(user=expert, code=pyotp.TOTP(device.secret).now())
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=45)):
        response = client.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
        assert response["Location"] == "/accounts/login/verify/"
        assert not OneTimeCode.objects.filter(user=expert).exists()  # no SMS when an app is enrolled
        response = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302 and client.get("/staff/").status_code == 200


def lock(client, user):
    for _ in range(5):
        client.post("/accounts/login/", {"national_id": user.national_id, "password": "wrong-pass-1"})
    return client.post("/accounts/login/", {"national_id": user.national_id, "password": PASSWORD})


def test_a_locked_account_owner_logs_in_with_a_code_sent_to_its_mobile(client, post, applicant):
    response = lock(client, applicant)
    assert "_auth_user_id" not in client.session
    assert "/accounts/login/code/" in response.content.decode()
    response = post("/accounts/login/code/", {"national_id": applicant.national_id})
    assert response["Location"] == "/accounts/login/code/verify/"
    code = last_code_sent_to(applicant.mobile)
    # Strangers keep failing meanwhile: the lock stays for them.
    lock(Client(), applicant)
    response = post("/accounts/login/code/verify/", {"code": code, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_the_locked_account_code_needs_the_password_too(client, post, applicant):
    lock(client, applicant)
    post("/accounts/login/code/", {"national_id": applicant.national_id})
    response = post("/accounts/login/code/verify/",
                    {"code": last_code_sent_to(applicant.mobile), "password": "nope-1234"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "گذرواژه" in response.content.decode()
    # The code was used up.
    response = post("/accounts/login/code/verify/", {"code": last_code_sent_to(applicant.mobile), "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_locked_account_code_answers_the_same_without_an_account(client, post, applicant):
    known = post("/accounts/login/code/", {"national_id": applicant.national_id})
    unknown = Client().post("/accounts/login/code/", {"national_id": next_national_id()})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert SentMessage.objects.filter(to=applicant.mobile).count() == 1
    assert SentMessage.objects.count() == 1


def test_locked_account_code_requests_are_limited(client, post, applicant):
    post("/accounts/login/code/", {"national_id": applicant.national_id})
    response = post("/accounts/login/code/", {"national_id": applicant.national_id})
    assert response.status_code == 200
    assert "ثانیه" in response.content.decode()
    assert SentMessage.objects.filter(to=applicant.mobile).count() == 1


def staff_password_step(client, post, user):
    response = post("/accounts/login/", {"national_id": user.national_id, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/verify/", response
    return response


def test_staff_logging_in_again_reuse_the_code_still_valid(client, post, expert, django_capture_on_commit_callbacks):
    staff_password_step(client, post, expert)
    code = last_code_sent_to(expert.mobile)
    sent_before = SentMessage.objects.filter(to=expert.mobile).count()
    second = Client()
    with django_capture_on_commit_callbacks(execute=True):
        with_second = second.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
    assert with_second["Location"] == "/accounts/login/verify/"  # not refused
    assert SentMessage.objects.filter(to=expert.mobile).count() == sent_before  # no new SMS
    response = second.post("/accounts/login/verify/", {"code": code})
    assert response.status_code == 302 and second.session["_auth_user_id"] == str(expert.pk)


def test_staff_logging_in_again_after_using_the_code_get_a_new_one_at_once(client, post, expert):
    staff_password_step(client, post, expert)
    post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile)})
    client.post("/accounts/logout/")
    sent = SentMessage.objects.filter(to=expert.mobile).count()
    staff_password_step(client, post, expert)  # within the same minute
    assert SentMessage.objects.filter(to=expert.mobile).count() == sent + 1
    response = post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(expert.pk)
    # The "send a new code" button is still spaced.
    client.post("/accounts/logout/")
    staff_password_step(client, post, expert)
    post("/accounts/login/verify/", {"resend": "1"})
    response = post("/accounts/login/verify/", {"resend": "1"}, follow=True)
    assert "ثانیه" in response.content.decode()
    assert SentMessage.objects.filter(to=expert.mobile).count() == sent + 3


def test_staff_logging_in_often_are_not_locked_out(expert, django_capture_on_commit_callbacks):
    start = timezone.now()
    for index in range(7):  # one every 7 minutes: 7 codes in 45 minutes
        with time_machine.travel(start + dt.timedelta(minutes=7 * index), tick=False):
            client = Client()
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
            assert response["Location"] == "/accounts/login/verify/"
            response = client.post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile)})
            assert response.status_code == 302, response.context["form"].errors
            assert client.session["_auth_user_id"] == str(expert.pk)


def test_a_trusted_device_skips_the_second_factor_until_the_end_of_the_working_day(client, post, expert):
    tehran_morning = timezone.make_aware(dt.datetime(2026, 12, 5, 9, 0))
    with time_machine.travel(tehran_morning, tick=False):
        staff_password_step(client, post, expert)
        response = post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile), "remember_device": "on"})
        cookie = response.cookies["khedmat_trusted_device"]
        assert cookie["httponly"]
        assert "T16:00" in timezone.localtime(
            dt.datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
        ).isoformat()
        client.post("/accounts/logout/")
        sent = SentMessage.objects.filter(to=expert.mobile).count()
    with time_machine.travel(tehran_morning + dt.timedelta(hours=5), tick=False):
        response = client.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
        assert response["Location"] == "/staff/cases/queue/"  # an expert lands on the queue
        assert client.get("/staff/").status_code == 200
        assert SentMessage.objects.filter(to=expert.mobile).count() == sent
        client.post("/accounts/logout/")
    with time_machine.travel(tehran_morning + dt.timedelta(hours=7, minutes=1), tick=False):
        response = client.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
        assert response["Location"] == "/accounts/login/verify/"


def test_a_trusted_device_is_bound_to_its_user_and_password(client, post, expert, tehran):
    other = make_staff(province=tehran, roles=["expert"])
    staff_password_step(client, post, expert)
    post("/accounts/login/verify/", {"code": last_code_sent_to(expert.mobile), "remember_device": "on"})
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"national_id": other.national_id, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/verify/"
    client.get("/accounts/")  # abandon the other's second step
    expert.set_password("a-new-long-password-1405")
    expert.save()
    response = client.post("/accounts/login/",
                           {"national_id": expert.national_id, "password": "a-new-long-password-1405"})
    assert response["Location"] == "/accounts/login/verify/"


def reset_answers(client, national_id, mobile):
    first = client.post("/accounts/password-reset/", {"national_id": national_id, "mobile": mobile})
    again = client.post("/accounts/password-reset/", {"national_id": national_id, "mobile": mobile})
    wrong = client.post("/accounts/password-reset/verify/", {
        "code": "000000", "password1": "new-good-pass-1404", "password2": "new-good-pass-1404"})
    return (
        first.status_code, first["Location"], again.status_code,
        again.context["form"].non_field_errors(), wrong.status_code, wrong.context["form"].errors,
    )


def test_password_reset_answers_the_same_with_or_without_an_account(post, applicant,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = reset_answers(Client(), applicant.national_id, applicant.mobile)
        unknown_pair = reset_answers(Client(), applicant.national_id, "09127777777")
        unknown_person = reset_answers(Client(), next_national_id(), applicant.mobile)
    assert known == unknown_pair == unknown_person
    assert known[1] == "/accounts/password-reset/verify/"
    # Only the real pair got an SMS.
    assert SentMessage.objects.filter(to=applicant.mobile).count() == 1
    assert not SentMessage.objects.filter(to="09127777777").exists()


def test_the_account_page_names_the_service_of_a_service_role(client, tehran):
    expert = make_staff(province=tehran, roles=[("expert", "contractor_qualification")])
    login(client, expert)
    page = client.get("/accounts/").content.decode()
    assert Service.objects.get(code="contractor_qualification").title in page
    assert "contractor_qualification" not in page


def _code_input(html):
    match = re.search(r'<input[^>]*name="code"[^>]*>', html)
    assert match, html
    return match.group(0)


def test_every_sms_code_page_starts_in_the_code_field(client, post, applicant, expert):
    """Issue 16 point 11: on sign-up, the staff second step, the password reset and the locked account's code,
    the focus starts in the code field, and phones offer the SMS code on a digit keypad."""
    pages = []
    post("/accounts/signup/", signup_data())
    pages.append(client.get("/accounts/signup/verify/"))
    staff = Client()
    staff.post("/accounts/login/", {"national_id": expert.national_id, "password": PASSWORD})
    pages.append(staff.get("/accounts/login/verify/"))
    reset = Client()
    reset.post("/accounts/password-reset/", {"national_id": applicant.national_id, "mobile": applicant.mobile})
    pages.append(reset.get("/accounts/password-reset/verify/"))
    locked = Client()
    locked.post("/accounts/login/code/", {"national_id": applicant.national_id})
    pages.append(locked.get("/accounts/login/code/verify/"))
    for response in pages:
        assert response.status_code == 200, response
        html = response.content.decode()
        field = _code_input(html)
        assert " autofocus" in field and 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
        assert html.count("autofocus") == 1  # nothing else takes the focus first


def test_a_wrong_code_puts_the_focus_on_the_error_summary_first(client, post):
    post("/accounts/signup/", signup_data())
    html = post("/accounts/signup/verify/", {"code": "12"}).content.decode()
    assert html.index("autofocus") < html.index('name="code"')  # the summary comes first in the page
