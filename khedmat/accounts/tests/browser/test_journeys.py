"""Sign-up and staff login as people do them: a phone, Persian digits, codes from SMS."""
import pytest

from khedmat.accounts.models import User
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.models import Province
from khedmat.testing import PASSWORD, last_code_sent_to, make_staff, next_national_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def test_sign_up_with_a_mobile_code(browser_page):
    page = browser_page
    page.goto("/accounts/signup/")
    national_id = next_national_id()
    # First a mistake: the page explains it in Persian and keeps what was typed.
    page.fill("#id_national_id", "۱۲۳۴۵۶۷۸۹۰")
    page.fill("#id_first_name", "علي")
    page.fill("#id_last_name", "رضايي")
    page.fill("#id_mobile", "۰۹۱۹۸۷۶۵۴۳۲")
    page.fill("#id_password1", "a-very-good-pass-1404")
    page.fill("#id_password2", "a-very-good-pass-1404")
    page.click("button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "کد ملی" in summary.inner_text()
    assert page.input_value("#id_first_name") == "علي"
    assert serious_accessibility_violations(page) == []
    page.fill("#id_national_id", national_id.translate(FA))
    page.fill("#id_password1", "a-very-good-pass-1404")
    page.fill("#id_password2", "a-very-good-pass-1404")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/signup/verify/")
    assert "۰۹۱۹۸۷۶۵۴۳۲" in page.content()
    page.fill("#id_code", last_code_sent_to("09198765432").translate(FA))
    page.click("button[type=submit]:not([name])")
    page.wait_for_url("**/accounts/")
    assert "علی رضایی" in page.content()
    assert User.objects.get(national_id=national_id).mobile == "09198765432"
    assert page.log.csp_violations == []


def test_staff_login_with_the_second_step_using_the_keyboard(browser_page):
    staff = make_staff(province=Province.objects.get(code="tehran"), roles=["expert"], mobile="09120001234")
    page = browser_page
    page.goto("/accounts/login/")
    page.focus("#id_national_id")
    page.keyboard.type(staff.national_id.translate(FA))
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/verify/")
    assert serious_accessibility_violations(page) == []
    page.focus("#id_code")
    page.keyboard.type(last_code_sent_to("09120001234"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/cases/queue/")  # an expert starts on the work queue
    page.goto("/staff/calendar/?start=۱۴۰۴/۱۲/۲۶&days=۷")
    assert "۱۴۰۵" in page.locator("[role=status]").inner_text()
    assert serious_accessibility_violations(page) == []
    assert page.log.csp_violations == []
