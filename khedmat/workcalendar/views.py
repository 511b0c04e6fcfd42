"""Public and staff views of the working-day calendar."""
import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from khedmat.accounts.decorators import staff_required
from khedmat.core import jalali
from khedmat.core.models import Province
from khedmat.workcalendar import selectors
from khedmat.workcalendar.forms import MonthForm, WorkingDayCalculatorForm


def _month(request) -> tuple[int, int]:
    today = jalali.to_jalali(timezone.localdate())
    form = MonthForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["year"] or today.year, form.cleaned_data["month"] or today.month
    return today.year, today.month


def month_grid(calendar, year: int, month: int) -> list[list[dict | None]]:
    """Weeks (Saturday first) of a Jalali month; each cell has the date and why it is off, if it is."""
    first = jalali.from_jalali(year, month, 1)
    next_first = jalali.from_jalali(year + (month == 12), month % 12 + 1, 1)
    offset = (first.weekday() - 5) % 7  # Saturday = column 0
    cells: list[dict | None] = [None] * offset
    day = first
    today = timezone.localdate()
    while day < next_first:
        cells.append({"date": day, "day": jalali.to_jalali(day).day, "off": calendar.day_off(day),
                      "today": day == today})
        day += dt.timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def _context(province: Province, year: int, month: int, office=None) -> dict:
    calendar = selectors.calendar_for(province=province, office=office)
    first = jalali.from_jalali(year, month, 1)
    last = jalali.from_jalali(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "province": province,
        "year": year,
        "month": month,
        "month_name": jalali.month_name(month),
        "weeks": month_grid(calendar, year, month),
        "days_off": [off for off in calendar.days_off_between(first, last) if off.kind != "weekly"],
        "working_days": calendar.count_working_days(first - dt.timedelta(days=1), last),
        "prev": {"year": prev_year, "month": prev_month},
        "next": {"year": next_year, "month": next_month},
    }


def public_calendar(request):
    province = Province.objects.filter(code=settings.KHEDMAT_HOME_PROVINCE).first()
    if province is None:
        raise Http404
    year, month = _month(request)
    return render(request, "workcalendar/calendar.html", _context(province, year, month))


@staff_required()
def staff_calendar(request):
    user = request.user
    if user.province_id is None:
        raise Http404
    year, month = _month(request)
    context = _context(user.province, year, month, office=user.office_id)
    calculator = WorkingDayCalculatorForm(request.GET if "start" in request.GET else None)
    if calculator.is_bound and calculator.is_valid():
        calendar = selectors.calendar_for(province=user.province, office=user.office_id)
        start = dt.datetime.combine(calculator.cleaned_data["start"], dt.time(12, 0), tzinfo=jalali.TEHRAN)
        context["explanation"] = calendar.explain(start, calculator.cleaned_data["days"])
    context["calculator"] = calculator
    context["closures"] = selectors.closures_for_province(province=user.province)[:20]
    return render(request, "workcalendar/staff_calendar.html", context)
