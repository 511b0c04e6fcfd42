"""Working-day arithmetic for one office. Framework-free: callers pass the calendar's data in.

Counting convention (docs/working-days.md spells it out for users):

* A working day is a Tehran-local date that is not a weekly day off, an official holiday or a
  closure of the office.
* The day an event happens never counts. "N working days after an instant" is the Nth working day
  strictly after the instant's local date, so a submission at 23:00 on Wednesday, on a Friday or on
  Nowruz starts counting on the next working day all the same.
* A deadline is the *end* of its Nth working day (the next local midnight, Asia/Tehran).
* `count_working_days(a, b)` is the number of working days in (date(a), date(b)]: an action on the
  same day costs 0, an action on the next working day costs 1.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate

from khedmat.core.jalali import TEHRAN, local_date

# Python weekday numbers.
SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = 5, 6, 0, 1, 2, 3, 4
# Friday is the statutory weekly holiday; Thursday is an office policy that varies (SERVICES.md §10.8).
STATUTORY_WEEKLY_OFF = frozenset({FRIDAY})

# A bound on loops over calendars with no working days at all (misconfiguration, not a real year).
_MAX_SCAN_DAYS = 3660
# Counting and adding inside this window use a prefix-sum index (O(1) and O(log n)) instead of a
# day-by-day walk; SLA figures for a million cases are computed on read, so this is a hot path.
INDEX_FIRST = dt.date(2015, 1, 1)
INDEX_LAST = dt.date(2045, 12, 31)


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WeeklyOffRule:
    """Days of the week that are off from `start` to `end` (inclusive; None = open-ended)."""

    start: dt.date
    end: dt.date | None
    days: frozenset[int]

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class DayOff:
    date: dt.date
    kind: str  # "weekly", "holiday" or "closure"
    title: str


@dataclass
class WorkCalendar:
    """A working-day calendar built from weekly-off rules, holidays and closures."""

    weekly_off: list[WeeklyOffRule] = field(default_factory=list)
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    closures: Mapping[dt.date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Later-starting rules override earlier ones for the days they cover.
        self.weekly_off = sorted(self.weekly_off, key=lambda rule: rule.start, reverse=True)
        self._cumulative: list[int] | None = None

    def _index(self) -> list[int]:
        """cumulative[i] = working days in [INDEX_FIRST, INDEX_FIRST + i]."""
        if self._cumulative is None:
            flags = (self.is_working_day(day) for day in _days(INDEX_FIRST, INDEX_LAST))
            self._cumulative = list(accumulate(int(flag) for flag in flags))
        return self._cumulative

    @staticmethod
    def _in_index(*days: dt.date) -> bool:
        return all(INDEX_FIRST <= day <= INDEX_LAST for day in days)

    # -- single days -------------------------------------------------------------------------
    def weekly_off_days(self, day: dt.date) -> frozenset[int]:
        for rule in self.weekly_off:
            if rule.covers(day):
                return rule.days
        return STATUTORY_WEEKLY_OFF

    def day_off(self, day: dt.date) -> DayOff | None:
        """Why `day` is not a working day, or None if it is one. Closures and holidays win over weekends."""
        if day in self.closures:
            return DayOff(day, "closure", self.closures[day])
        if day in self.holidays:
            return DayOff(day, "holiday", self.holidays[day])
        if day.weekday() in self.weekly_off_days(day):
            return DayOff(day, "weekly", "")
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    # -- arithmetic --------------------------------------------------------------------------
    def working_days_after(self, day: dt.date) -> Iterator[dt.date]:
        """Working days strictly after `day`, in order."""
        current = day
        idle = 0
        while True:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                idle = 0
                yield current
            else:
                idle += 1
                if idle > _MAX_SCAN_DAYS:
                    raise CalendarError("no working day within ten years")

    def next_working_day(self, day: dt.date) -> dt.date:
        return next(self.working_days_after(day))

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day` (when a "one working day before" reminder goes out)."""
        current = day
        for _step in range(_MAX_SCAN_DAYS + 1):
            current -= dt.timedelta(days=1)
            if self.is_working_day(current):
                return current
        raise CalendarError("no working day within ten years")

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> dt.date:
        """The Nth working day after `start` (n ≥ 1); n = 0 gives start's own date."""
        if n < 0:
            raise CalendarError("n must not be negative")
        day = local_date(start) if isinstance(start, dt.datetime) else start
        if n == 0:
            return day
        if self._in_index(day):
            cumulative = self._index()
            target = cumulative[(day - INDEX_FIRST).days] + n
            position = bisect_left(cumulative, target)
            if position < len(cumulative):
                return INDEX_FIRST + dt.timedelta(days=position)
        for count, working_day in enumerate(self.working_days_after(day), start=1):
            if count == n:
                return working_day
        raise AssertionError("unreachable")

    def deadline(self, start: dt.datetime, n: int) -> dt.datetime:
        """The instant (aware, Tehran) at which N working days after `start` run out."""
        last_day = self.add_working_days(start, n)
        return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=TEHRAN)

    def count_working_days(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
        """Working days in (date(start), date(end)]; 0 if end is not after start."""
        first = local_date(start) if isinstance(start, dt.datetime) else start
        last = local_date(end) if isinstance(end, dt.datetime) else end
        if last <= first:
            return 0
        if self._in_index(first, last):
            cumulative = self._index()
            return cumulative[(last - INDEX_FIRST).days] - cumulative[(first - INDEX_FIRST).days]
        return sum(1 for day in _days(first + dt.timedelta(days=1), last) if self.is_working_day(day))

    def days_off_between(self, first: dt.date, last: dt.date) -> list[DayOff]:
        """Every non-working day in [first, last], with its reason (for explaining a deadline)."""
        return [off for day in _days(first, last) if (off := self.day_off(day)) is not None]

    def explain(self, start: dt.datetime, n: int) -> Explanation:
        """What went into the deadline of N working days from `start`, for display to people."""
        first = local_date(start)
        last = self.add_working_days(start, n)
        return Explanation(
            start=start,
            start_date=first,
            working_days=n,
            last_day=last,
            deadline=self.deadline(start, n),
            skipped=self.days_off_between(first + dt.timedelta(days=1), last),
        )


@dataclass(frozen=True)
class Explanation:
    start: dt.datetime
    start_date: dt.date
    working_days: int
    last_day: dt.date
    deadline: dt.datetime
    skipped: list[DayOff]


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
