"""The SLA clock of a case, computed from its state changes. Framework-free.

The clock runs while the case is in a state whose clock is ORGANIZATION and is paused otherwise;
pauses are dated intervals, any number of them (LESSONS.md). Working days are counted with the
convention of `khedmat.core.workdays` (the day of an event never counts), so a case that is paused
and resumed on the same day loses or gains nothing, and the deadline is the end of a working day.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from khedmat.core.jalali import TEHRAN
from khedmat.core.workdays import WorkCalendar


@dataclass(frozen=True)
class Segment:
    start: dt.datetime
    end: dt.datetime | None  # None: still running


def running_segments(changes: list[tuple[dt.datetime, bool]]) -> list[Segment]:
    """Turn (instant, clock running after this change) pairs, in order, into running segments."""
    segments: list[Segment] = []
    started: dt.datetime | None = None
    for instant, running in changes:
        if running and started is None:
            started = instant
        elif not running and started is not None:
            segments.append(Segment(started, instant))
            started = None
    if started is not None:
        segments.append(Segment(started, None))
    return segments


def used_working_days(segments: list[Segment], calendar: WorkCalendar, now: dt.datetime) -> int:
    return sum(calendar.count_working_days(s.start, s.end or now) for s in segments)


@dataclass(frozen=True)
class Position:
    """Where a case stands against its target."""

    target: int | None
    used: int
    running: bool
    deadline: dt.datetime | None  # when the running clock reaches the target
    warning_at: dt.datetime | None


def position(
    *, segments: list[Segment], calendar: WorkCalendar, target: int | None, warning_ratio: float, now: dt.datetime
) -> Position:
    running = bool(segments) and segments[-1].end is None
    used = used_working_days(segments, calendar, now)
    deadline = warning_at = None
    if target is not None and running:
        # Days used before the current run started, then count forward from its start.
        before = used_working_days(segments[:-1], calendar, now)
        start = segments[-1].start
        remaining = target - before
        deadline = calendar.deadline(start, remaining) if remaining > 0 else start
        # Warn from the first moment of the working day on which `warning_ratio` of the target is used.
        warn_after = max(1, math.ceil(target * warning_ratio)) - before
        if warn_after > 0:
            warning_at = dt.datetime.combine(calendar.add_working_days(start, warn_after), dt.time(0), tzinfo=TEHRAN)
        else:
            warning_at = start
    return Position(target=target, used=used, running=running, deadline=deadline, warning_at=warning_at)


def status(*, target: int | None, running: bool, final: bool, used: int, deadline, warning_at, now) -> str:
    """One of: none (no target), paused, on_track, warning, breached, met, missed."""
    if target is None:
        return "none"
    if final:
        return "met" if used <= target else "missed"
    if not running:
        return "paused" if used < target else "breached"
    if deadline is not None and now >= deadline:
        return "breached"
    if warning_at is not None and now >= warning_at:
        return "warning"
    return "on_track"
