"""The holiday data file agrees with the maintained source it was taken from."""
import datetime as dt

import pytest

from khedmat.workcalendar import holiday_data
from khedmat.workcalendar.models import Holiday
from khedmat.workcalendar.reference_data import load


def test_lunar_file_matches_the_holidays_package():
    file_items = {(i["date"], i["title"]) for i in holiday_data.lunar_file_items()}
    package_items = {(i["date"], i["title"]) for i in holiday_data.package_holidays(range(1403, 1407))}
    assert file_items == package_items


def test_lunar_file_covers_1403_to_1406_with_the_main_lunar_holidays():
    items = holiday_data.lunar_file_items()
    for title in ("تاسوعای حسینی", "عاشورای حسینی", "عید سعید فطر", "عید سعید قربان"):
        years = {dt.date.fromordinal(i["date"].toordinal()).year for i in items if i["title"] == title}
        assert len(years) >= 3, title


def test_estimated_dates_are_marked_unconfirmed():
    items = holiday_data.lunar_file_items()
    assert any(not i["confirmed"] for i in items)
    assert all(i["confirmed"] for i in items if i["date"] < dt.date(2026, 12, 1))


def test_solar_holidays_are_generated_for_each_year():
    days = {i["date"] for i in holiday_data.solar_holidays(1405)}
    assert dt.date(2026, 3, 21) in days  # 1 Farvardin
    assert dt.date(2027, 2, 11) in days  # 22 Bahman
    assert dt.date(2027, 3, 20) in days  # 29 Esfand


@pytest.mark.django_db
def test_reloading_reference_data_does_not_bring_back_a_moved_holiday():
    tasua = Holiday.objects.get(date=dt.date(2027, 6, 15), title="تاسوعای حسینی")
    tasua.date = dt.date(2027, 6, 16)
    tasua.confirmed = True
    tasua.save()
    load()
    assert not Holiday.objects.filter(date=dt.date(2027, 6, 15), title="تاسوعای حسینی").exists()
