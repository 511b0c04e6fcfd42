"""Holiday reference data: solar holidays generated from fixed Jalali dates, lunar and decreed
holidays taken from the maintained `holidays` package (pinned) into a reviewed data file.

Lunar dates depend on the official moon sighting, so the data file is what the system loads and an
administrator edits; the package is the source it was checked against (see tests).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays as holidays_pkg
import yaml

from khedmat.core import jalali

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOLAR_FILE = FIXTURES / "solar_holidays.yaml"
LUNAR_FILE = FIXTURES / "lunar_holidays.yaml"
SOURCE_NAME = "holidays"
_ESTIMATED = "(تخمینی)"
_DECREED = ("تعطیلی عمومی", "آخرین روز سال")


def solar_rules() -> list[dict]:
    return yaml.safe_load(SOLAR_FILE.read_text(encoding="utf-8"))


def solar_holidays(jalali_year: int) -> list[dict]:
    """The fixed-date solar holidays of one Jalali year as {date, title}."""
    return [
        {"date": jalali.from_jalali(jalali_year, rule["month"], rule["day"]), "title": rule["title"]}
        for rule in solar_rules()
    ]


def _solar_keys(jalali_years) -> set[dt.date]:
    return {item["date"] for year in jalali_years for item in solar_holidays(year)}


def package_holidays(jalali_years: range) -> list[dict]:
    """Non-solar holidays of the given Jalali years according to the `holidays` package.

    Each item: date, title, kind ('lunar' or 'other'), confirmed (False where the package
    marks the date as estimated).
    """
    first, _ = jalali.jalali_year_bounds(jalali_years[0])
    _, last = jalali.jalali_year_bounds(jalali_years[-1])
    table = holidays_pkg.country_holidays("IR", years=range(first.year, last.year + 1), language="fa_IR")
    solar_dates = _solar_keys(jalali_years)
    solar_titles = {rule["title"] for rule in solar_rules()}
    items = []
    for day in sorted(table):
        if not (first <= day <= last):
            continue
        for title in table.get_list(day):
            title = title.strip()
            confirmed = _ESTIMATED not in title
            title = title.replace(_ESTIMATED, "").strip()
            if day in solar_dates and (title in solar_titles or "نوروز" in title or title.startswith("قیام")):
                continue  # generated from the solar rules
            kind = "other" if title in _DECREED else "lunar"
            items.append({"date": day, "title": title, "kind": kind, "confirmed": confirmed})
    return items


def lunar_file_items() -> list[dict]:
    data = yaml.safe_load(LUNAR_FILE.read_text(encoding="utf-8"))
    return [
        {
            "date": jalali.parse_jalali_date(item["date"]),
            "title": item["title"],
            "kind": item["kind"],
            "confirmed": item["confirmed"],
        }
        for item in data["holidays"]
    ]


def write_lunar_file(jalali_years: range) -> int:
    items = package_holidays(jalali_years)
    header = (
        "# Lunar and decreed public holidays, Jalali years "
        f"{jalali_years[0]}-{jalali_years[-1]}, taken from the `holidays` package and checked by\n"
        "# khedmat/workcalendar/tests/test_holiday_data.py. Dates are Jalali. confirmed: false marks\n"
        "# the package's estimates: an administrator confirms or moves them when the date is announced.\n"
    )
    body = {
        "source": SOURCE_NAME,
        "holidays": [
            {"date": jalali.jalali_iso(i["date"]), "title": i["title"], "kind": i["kind"], "confirmed": i["confirmed"]}
            for i in items
        ],
    }
    LUNAR_FILE.write_text(header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(items)
