"""Demo data only: dating the steps of a demo case, for every service's demo_data.py.

The services take no time argument, so a demo step runs now and is dated afterwards: the rows it wrote are
moved to the instant it is meant to have happened, `working_days_ago` working days before today on the
calendar of the case's province.

    timeline = DemoTimeline(province, columns=[(Accreditation, "case", ("registered_at",))])
    when, since = timeline.instant(working_days_ago=5, slot=2), timezone.now()
    ...  # run the step through the real services
    timeline.redate(case, since, when)
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import Model
from django.utils import timezone

from khedmat.cases.models import Case, DeficiencyNotice, DocumentVersion
from khedmat.cases.services import demo_case_events_redate
from khedmat.core import jalali
from khedmat.workcalendar.selectors import calendar_for

# (model, lookup of the case's pk, its time columns): the engine's rows a step may write. A service adds its own.
TimeColumns = tuple[type[Model], str, Sequence[str]]
ENGINE_TIME_COLUMNS: list[TimeColumns] = [
    (Case, "pk", ("created_at", "first_submitted_at", "submitted_at", "closed_at")),
    (DocumentVersion, "document__case", ("uploaded_at",)),
    (DeficiencyNotice, "case", ("issued_at", "answered_at")),
]


class DemoTimeline:
    """Working days ago → a demo instant, on the calendar of the case's province."""

    def __init__(self, province, columns: Iterable[TimeColumns] = ()):
        self.calendar = calendar_for(province=province)
        self.today = timezone.localdate()
        self.columns = [*ENGINE_TIME_COLUMNS, *columns]

    def day(self, working_days_ago: int) -> dt.date:
        day, counted = self.today, 0
        while counted < working_days_ago:
            day -= dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                counted += 1
        return day

    def instant(self, working_days_ago: int, slot: int) -> dt.datetime:
        """09:00 of that day, plus 20 minutes per step of the case (the steps of a day keep their order)."""
        start = dt.datetime.combine(self.day(working_days_ago), dt.time(9, 0), tzinfo=jalali.TEHRAN)
        return start + dt.timedelta(minutes=20 * slot)

    def future_slots(self, hours=(8, 10, 12, 14)) -> Iterator[dt.datetime]:
        """Aware instants on the coming working days: where appointments and sessions are first proposed."""
        day = self.today
        for _day in range(40):
            day = self.calendar.next_working_day(day)
            for hour in hours:
                yield dt.datetime.combine(day, dt.time(hour), tzinfo=jalali.TEHRAN)

    def redate(self, case: Case, since: dt.datetime, when: dt.datetime) -> None:
        """Move what the step wrote for `case` since `since` to `when` (the case's events by their own path)."""
        demo_case_events_redate(case=case, since=since, when=when)  # append-only: its own path
        for model, lookup, columns in self.columns:
            rows = model.objects.filter(**{lookup: case.pk})
            for column in columns:
                rows.filter(**{f"{column}__gte": since}).update(**{column: when})
