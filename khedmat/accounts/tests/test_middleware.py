"""Idle sessions end: staff after 30 minutes by default, applicants after their own (longer) time."""
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from khedmat.testing import login

pytestmark = pytest.mark.django_db


def test_an_idle_staff_session_ends_with_a_persian_message(client, expert):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, expert)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=%2Fstaff%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "بدون فعالیت" in page and "۳۰" in page


def test_an_active_staff_session_goes_on(client, expert):
    start = timezone.now()
    login(client, expert)
    for minutes in range(0, 121, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/staff/").status_code == 200


def test_applicants_have_their_own_longer_idle_time(client, applicant, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, applicant)
        assert client.get("/accounts/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=45), tick=False):
        assert client.get("/accounts/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=45 + 121), tick=False):
        response = client.get("/accounts/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_idle_time_is_a_setting(client, expert, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 5 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, expert)
        client.get("/staff/")
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert client.get("/staff/").status_code == 302
