"""Every public page at phone width: accessible, right to left, light, local assets only."""
import pytest

from khedmat.core.browser import axe_budget_applies, serious_accessibility_violations, sign_in
from khedmat.testing import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/services/",
    "/services/contractor_qualification/",
    "/services/institute_accreditation/",
    "/services/instructor_qualification/",  # long unbroken URLs in the statement (point 15 of issue 16)
    "/services/employee_training/",
    "/calendar/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password-reset/",
]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible_rtl_and_fits_a_phone(browser_page, path):
    page = browser_page
    page.goto(path)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "fa"
    assert no_horizontal_scroll(page), "the page scrolls sideways at 375 px"
    assert serious_accessibility_violations(page) == []
    assert page.log.csp_violations == []
    # The vendored font is the one in use.
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")


def test_first_visit_and_later_pages_stay_within_the_budget(browser_page):
    page = browser_page
    page.goto("/services/", wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    page.wait_for_load_state("networkidle")
    first = page.log.bytes_transferred
    assert first <= 300 * 1024, page.log.transferred
    page.log.reset_transfer()
    page.goto("/services/contractor_qualification/", wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    page.wait_for_load_state("networkidle")
    later = page.log.bytes_transferred
    assert later <= 50 * 1024, page.log.transferred


def test_keyboard_alone_reaches_the_main_content_and_the_menu(browser_page):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    links = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        links.add(page.evaluate("document.activeElement.getAttribute('href') || ''"))
    assert "/services/" in links


def test_the_api_documentation_is_for_staff_and_outside_the_axe_budget(browser_page, live_server, tehran):
    page = browser_page
    page.goto("/api/docs/")
    assert "/accounts/login/" in page.url and serious_accessibility_violations(page) == []  # the public stay clean
    assert not axe_budget_applies("/api/docs/") and all(axe_budget_applies(path) for path in PUBLIC_PAGES)
    sign_in(page, make_staff(province=tehran, roles=["expert"]), live_server.url)
    page.goto("/api/docs/", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .info")
    assert page.url.endswith("/api/docs/")
