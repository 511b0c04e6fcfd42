"""Build the working-day calendar of a province (and office) from the database."""
from __future__ import annotations

import datetime as dt
import threading

from django.db.models import Q
from django.http import Http404

from khedmat.core.models import Office, Province
from khedmat.core.workdays import WeeklyOffRule as WeeklyOffSpan
from khedmat.core.workdays import WorkCalendar
from khedmat.workcalendar.models import CalendarState, Closure, Holiday, WeeklyOffRule

_cache: dict[tuple[int, int | None], tuple[int, WorkCalendar]] = {}
_lock = threading.Lock()


def calendar_version(*, province_id: int) -> int:
    return CalendarState.objects.filter(province_id=province_id).values_list("version", flat=True).first() or 0


def calendar_for(*, province: Province | int, office: Office | int | None = None) -> WorkCalendar:
    """The compiled calendar; cached per process until the province's calendar version changes."""
    province_id = province if isinstance(province, int) else province.pk
    office_id = office if (office is None or isinstance(office, int)) else office.pk
    version = calendar_version(province_id=province_id)
    key = (province_id, office_id)
    with _lock:
        hit = _cache.get(key)
        if hit and hit[0] == version:
            return hit[1]
    calendar = _build(province_id, office_id)
    with _lock:
        _cache[key] = (version, calendar)
    return calendar


class OfficeCalendars:
    """One compiled calendar per office of a province for the life of one computation (a report): the first ask
    for an office builds (or takes from the cache above) its calendar, the later asks are free of queries."""

    def __init__(self, province_id: int):
        self.province_id = province_id
        self._by_office: dict[int | None, WorkCalendar] = {}

    def __call__(self, office_id: int | None) -> WorkCalendar:
        calendar = self._by_office.get(office_id)
        if calendar is None:
            calendar = self._by_office[office_id] = calendar_for(province=self.province_id, office=office_id)
        return calendar


def _build(province_id: int, office_id: int | None) -> WorkCalendar:
    rules = [
        WeeklyOffSpan(start=r.start_date, end=r.end_date, days=frozenset(r.days))
        for r in WeeklyOffRule.objects.filter(province_id=province_id)
    ]
    holidays: dict[dt.date, str] = {}
    for day, title in Holiday.objects.filter(Q(province__isnull=True) | Q(province_id=province_id)).values_list(
        "date", "title"
    ):
        holidays[day] = f"{holidays[day]}؛ {title}" if day in holidays else title
    closures: dict[dt.date, str] = {}
    closure_qs = Closure.objects.filter(province_id=province_id)
    closure_qs = (closure_qs.filter(Q(office__isnull=True) | Q(office_id=office_id)) if office_id
                  else closure_qs.filter(office__isnull=True))
    for start, end, description in closure_qs.values_list("start_date", "end_date", "description"):
        day = start
        while day <= end:
            closures.setdefault(day, description)
            day += dt.timedelta(days=1)
    return WorkCalendar(weekly_off=rules, holidays=holidays, closures=closures)


def holidays_in_range(*, province: Province, first: dt.date, last: dt.date):
    return Holiday.objects.filter(Q(province__isnull=True) | Q(province=province),
                                  date__range=(first, last)).order_by("date")


def closures_for_province(*, province: Province):
    return Closure.objects.filter(province=province).select_related("office", "created_by")


def closure_get_for_staff(*, staff, closure_id: int) -> Closure:
    qs = Closure.objects.select_related("province", "office")
    if not staff.is_superuser:
        qs = qs.filter(province_id=staff.province_id)
    closure = qs.filter(pk=closure_id).first()
    if closure is None:
        raise Http404
    return closure
