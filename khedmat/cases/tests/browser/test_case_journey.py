"""An applicant's case from draft to receipt, an expert's deficiency notice and the answer, on a phone."""
import pytest

from khedmat.cases.models import Case
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.models import Province
from khedmat.testing import PASSWORD, last_code_sent_to, make_staff, make_user
from khedmat.testing_fixtures.cases import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user, *, staff=False):
    page.goto("/accounts/login/")
    page.fill("#id_national_id", user.national_id)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    if staff:
        page.wait_for_url("**/login/verify/")
        page.fill("#id_code", last_code_sent_to(user.mobile))
        page.click("main button[type=submit]:not([name])")
    # An applicant lands on the account; a staff member on their own work (core.desk.landing_url).
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_case_journey(browser_page, test_service):
    page = browser_page
    applicant = make_user(first_name="زهرا", last_name="نیک‌نام")
    expert = make_staff(province=Province.objects.get(code="tehran"), roles=["expert"], mobile="09120007777")
    log_in(page, applicant)
    page.goto("/cases/new/")
    page.check(f"input[name=service][value={test_service.code}]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/*/")
    assert serious_accessibility_violations(page) == []
    page.fill("#id_case-subject", "درخواست صدور مجوز")
    page.click("#form form button[type=submit]")
    for code in ("id_card", "letter"):
        page.set_input_files(f"#file-{code}",
                             files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.click(f"#file-{code} ~ button")
    # Check your answers (every answer and document, with change links back), then submit from there.
    page.click("#check-answers")
    page.wait_for_url("**/check/")
    assert "درخواست صدور مجوز" in page.locator("main").inner_text()
    assert serious_accessibility_violations(page) == []
    page.click("#submit-case")
    page.wait_for_url("**/receipt/")
    case = Case.objects.get(applicant=applicant)
    assert case.tracking_number and case.state == "under_review"
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The expert finds it in the queue and returns it with a deficiency notice.
    page.context.clear_cookies()
    log_in(page, expert, staff=True)
    page.goto("/staff/cases/queue/")
    assert serious_accessibility_violations(page) == []
    page.click(f"a[href='/cases/{case.public_id}/']")
    page.click(f"a[href='/cases/{case.public_id}/deficiency/']")
    page.select_option("#id_form-0-document_code", "letter")
    page.fill("#id_form-0-text", "نامه امضا ندارد")
    page.fill("#id_form-0-guidance", "نامه را امضا و دوباره بارگذاری کنید")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/cases/{case.public_id}/")
    assert Case.objects.get(pk=case.pk).state == "deficiencies_notified"

    # The applicant sees exactly what to fix, uploads a new version and sends it back.
    page.context.clear_cookies()
    log_in(page, applicant)
    page.goto(f"/cases/{case.public_id}/")
    assert "نامه امضا ندارد" in page.content()
    page.set_input_files("#file-letter",
                         files=[{"name": "letter-signed.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#file-letter ~ button")
    page.click("form[action$='/resubmit/'] button")
    assert Case.objects.get(pk=case.pk).state == "under_review"
    assert serious_accessibility_violations(page) == []
    assert page.log.csp_violations == []
