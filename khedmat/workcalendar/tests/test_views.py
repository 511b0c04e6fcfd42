import datetime as dt

import pytest

from khedmat.testing import login
from khedmat.workcalendar.models import Closure

pytestmark = pytest.mark.django_db


def test_public_calendar_shows_a_jalali_month_with_its_holidays(client):
    response = client.get("/calendar/", {"year": "1404", "month": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "فروردین ۱۴۰۴" in html and "عید سعید فطر" in html


def test_public_calendar_ignores_nonsense_parameters(client):
    assert client.get("/calendar/", {"year": "abc", "month": "99"}).status_code == 200


def test_staff_calculator_explains_the_deadline(client, expert):
    login(client, expert)
    response = client.get("/staff/calendar/", {"start": "۱۴۰۳/۱۲/۲۸", "days": "5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "۱۶ فروردین ۱۴۰۴" in html  # docs/working-days.md's example
    assert "عید نوروز" in html


def test_staff_calculator_explains_bad_input(client, expert):
    login(client, expert)
    response = client.get("/staff/calendar/", {"start": "1404/13/40", "days": "0"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert "explanation" not in response.context or response.context["explanation"] is None


def test_staff_see_their_own_provinces_closures_only(client, expert, isfahan_expert, tehran, isfahan):
    Closure.objects.create(province=tehran, start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 14),
                           kind="pollution", description="آلودگی هوای تهران")
    Closure.objects.create(province=isfahan, start_date=dt.date(2026, 12, 15), end_date=dt.date(2026, 12, 15),
                           kind="heat", description="تعطیلی اصفهان")
    login(client, expert)
    html = client.get("/staff/calendar/").content.decode()
    assert "آلودگی هوای تهران" in html and "تعطیلی اصفهان" not in html
