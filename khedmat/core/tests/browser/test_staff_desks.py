"""Every staff role's desk and every public page, at 375 px and 1280 px: axe finds nothing serious or
critical, nothing scrolls sideways on a phone, and every link a desk page carries answers below 400.
The work queue's first case starts above the fold at 1280×800 (issue 16, points 8 and 9).

One live server, one browser; each person logs in once (with the SMS second step) and the viewport
changes on the same page, so the walk stays short."""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from khedmat.accounts import demo_data as accounts
from khedmat.accounts.demo_data import DEMO_PASSWORD
from khedmat.accounts.models import User
from khedmat.committees import demo_data as committees
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.tests.browser.test_pages import PUBLIC_PAGES
from khedmat.core.tests.test_desk import DEMO_STAFF, LANDING
from khedmat.core.validators import national_id_complete
from khedmat.testing import PASSWORD, last_code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1280, 800), (375, 740))
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "staff"
# The public pages of test_pages.py and those the menu links to.
PAGES = [*PUBLIC_PAGES, "/verify/", "/registry/", "/institutes/"]


def log_in(page, user, password):
    page.goto("/accounts/login/")
    page.fill("#id_national_id", user.national_id)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/verify/")
    page.fill("#id_code", last_code_sent_to(user.mobile))
    page.click("main button[type=submit]:not([name])")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def log_out(page):
    page.click("header form[action$='/logout/'] button")
    page.wait_for_load_state()
    page.context.clear_cookies()


def check_layout(page, where: str, problems: list[str]) -> None:
    """axe at this width, and at phone width no sideways scroll."""
    serious = serious_accessibility_violations(page)
    if serious:
        problems.append(f"{where}: {serious}")
    width = page.viewport_size["width"]
    if width <= 375 and not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
        problems.append(f"{where}: scrolls sideways at {width} px")


def page_links(page) -> list[str]:
    return page.evaluate("""[...new Set([...document.querySelectorAll('a[href]')]
        .map(a => a.getAttribute('href')).filter(h => h.startsWith('/')).map(h => h.split('#')[0]))]""")


def test_every_desk_and_public_page_at_phone_and_desktop_width(browser_page):
    accounts.load()
    committees.load()
    page = browser_page
    problems: list[str] = []

    for path in PAGES:
        page.goto(path)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            check_layout(page, f"{path} at {width}", problems)

    fetched: dict[str, int] = {}
    for who, nine in DEMO_STAFF.items():
        user = User.objects.get(national_id=national_id_complete(nine))
        page.set_viewport_size({"width": 1280, "height": 800})
        log_in(page, user, DEMO_PASSWORD)
        assert page.url.endswith(reverse(LANDING[who])), (who, page.url)
        page.goto("/staff/")
        assert page.locator("ul.cards.desk a").count() > 0, who
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            check_layout(page, f"desk of {who} at {width}", problems)
        for href in page_links(page):
            status = page.request.get(href, max_redirects=0).status
            fetched[f"{who} {href}"] = status
            if status >= 400:
                problems.append(f"desk of {who}: {href} answers {status}")
        log_out(page)

    assert problems == [], "\n".join(problems)
    assert len(fetched) > 50


def test_the_work_queue_starts_above_the_fold(browser_page, submitted, expert):
    """At 1280×800 the first case row starts within the first screen (it was about 1,200 px down)."""
    page = browser_page
    log_in(page, expert, PASSWORD)
    tops = {}
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/staff/cases/queue/")
        tops[width] = page.evaluate("document.querySelector('main table tbody tr').getBoundingClientRect().top + "
                                    "scrollY")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"queue-{width}.png"))
        problems: list[str] = []
        check_layout(page, f"queue at {width}", problems)
        assert problems == []
    print(f"first case row top: {tops}")
    assert tops[1280] < 800, tops
    # The folded filters open without JavaScript and then show every filter.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("details.more-filters summary")
    assert page.locator("details.more-filters #id_sla").is_visible()
