"""Calendar reference data: weekly days off, solar holidays (generated), lunar holidays (data file)."""
import datetime as dt

from khedmat.core import jalali
from khedmat.core.models import Province
from khedmat.core.workdays import FRIDAY, THURSDAY
from khedmat.workcalendar import holiday_data
from khedmat.workcalendar.models import Holiday, HolidayKind, WeeklyOffRule

SOLAR_YEARS = range(1400, 1411)


def load(stdout=None) -> None:
    created = 0
    # Weekly days off: Tehran headquarters close Thursday and Friday (an assumption kept as data).
    tehran = Province.objects.filter(code="tehran").first()
    if tehran and not WeeklyOffRule.objects.filter(province=tehran).exists():
        WeeklyOffRule.objects.create(
            province=tehran, start_date=dt.date(1990, 1, 1), end_date=None,
            days=[THURSDAY, FRIDAY], note="پنجشنبه و جمعه تعطیل (ادارات مرکزی مستقر در شهر تهران)",
        )
    for province in Province.objects.exclude(code="tehran"):
        if not WeeklyOffRule.objects.filter(province=province).exists():
            WeeklyOffRule.objects.create(
                province=province, start_date=dt.date(1990, 1, 1), days=[FRIDAY],
                note="جمعه تعطیل رسمی هفتگی",
            )
    for year in SOLAR_YEARS:
        for item in holiday_data.solar_holidays(year):
            key = f"solar:{jalali.jalali_iso(item['date'])}:{item['title']}"
            created += _ensure(key, date=item["date"], title=item["title"], kind=HolidayKind.SOLAR, confirmed=True,
                               source="solar rule")
    for item in holiday_data.lunar_file_items():
        key = f"{holiday_data.SOURCE_NAME}:{jalali.jalali_iso(item['date'])}:{item['title']}"
        created += _ensure(
            key, date=item["date"], title=item["title"], kind=item["kind"], confirmed=item["confirmed"],
            source=holiday_data.SOURCE_NAME,
        )
    if stdout:
        stdout.write(f"  holidays created: {created}, in total: {Holiday.objects.count()}")


def _ensure(key: str, **fields) -> int:
    if Holiday.objects.filter(reference_key=key).exists():
        return 0
    Holiday.objects.create(reference_key=key, province=None, **fields)
    return 1
