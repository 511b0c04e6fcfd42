"""A committee session on a phone: the secretary schedules it, puts two waiting cases on the agenda,
sends the invitations, records attendance, votes and decisions, issues the minutes; the members'
confirmations are recorded and both cases advance. Screenshots go to var/test-artifacts/committees/."""
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from khedmat.cases.models import Case
from khedmat.cases.tests.browser.test_case_journey import log_in
from khedmat.committees.models import Session, SessionState
from khedmat.committees.tests.conftest import next_working_moment
from khedmat.core import jalali
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.text import to_persian_digits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "committees"


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def check(page):
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "wider than the phone"


def test_session_journey(browser_page, committee, room, secretary, waiting_case, tehran):
    page = browser_page
    first, second = waiting_case(), waiting_case()
    start = next_working_moment(tehran, days_ahead=2, hour=10)

    # 1. The secretary schedules the session, typing the date and times in Persian digits.
    log_in(page, secretary, staff=True)
    page.goto("/committees/")
    check(page)
    page.goto(f"/committees/{committee.pk}/schedule/")
    page.fill("#id_date", to_persian_digits(jalali.format_date(start.date())))
    page.fill("#id_start", "۱۰:۰۰")
    page.fill("#id_end", "۱۲:۰۰")
    page.select_option("#id_room", str(room.pk))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/committees/sessions/*/")
    session = Session.objects.get()
    check(page)

    # 2. Two waiting cases go on the agenda; the invitations go out.
    for case in (first, second):
        page.select_option("#id_case", str(case.public_id))
        submit(page, "#agenda-add button[type=submit]")
        assert page.locator(".messages .success").count() == 1, page.content()
    submit(page, "text=ارسال دعوت‌نامه‌ها")
    assert session.invitations.filter(kind="applicant").count() == 2, page.locator(".messages").inner_text()
    shot(page, "1-agenda")
    check(page)

    # 3. The session's time comes: attendance, then each item's votes and decision.
    begun = timezone.now() - dt.timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(starts_at=begun, ends_at=begun + dt.timedelta(hours=2))
    page.reload()
    for box in page.locator("#attendance input[type=checkbox]").all():
        box.check()
    submit(page, "#attendance button[type=submit]")
    assert "حد نصاب" in page.locator("#attendance").inner_text()
    decisions = {first.pk: ("approve", {}),
                 second.pk: ("approve_with_conditions", {"conditions": "ارائه قرارداد اجاره ساختمان"})}
    for item in session.items.order_by("order"):
        choice, texts = decisions[item.case_id]
        page.goto(f"/committees/sessions/{session.public_id}/items/{item.pk}/")
        for select in page.locator("select[name^=vote_]").all():
            select.select_option(choice)
        submit(page, "form:has(input[value=votes]) button[type=submit]")
        check(page)
        for name, value in texts.items():
            page.fill(f"#id_{name}", value)
        submit(page, "form:has(input[value=decision]) button[type=submit]")
    shot(page, "2-decisions")

    # 4. The minutes are issued and confirmed: the secretary's own, the members' signatures on paper.
    submit(page, "#minutes button[type=submit]")
    submit(page, "text=این صورتجلسه را تأیید می‌کنم")
    while page.locator("#id_member").count():
        submit(page, "#minutes form.inline-form button[type=submit]")
    session.refresh_from_db()
    assert session.state == SessionState.CONFIRMED
    shot(page, "3-minutes-confirmed")
    check(page)

    # 5. Both cases moved along their process; the case page shows the decision.
    assert Case.objects.get(pk=first.pk).state == "approved"
    assert Case.objects.get(pk=second.pk).state == "approved_with_conditions"
    page.goto(f"/cases/{second.public_id}/")
    assert "ارائه قرارداد اجاره ساختمان" in page.content()
    shot(page, "4-case")
    check(page)
