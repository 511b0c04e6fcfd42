"""What every service report shares: the period (Tehran dates), shares and percentiles, histograms of
working days and the geometry of their chart (the template draws it, so that digits go through `fa`)."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from khedmat.core import jalali
from khedmat.core.jalali import TEHRAN
from khedmat.core.models import Province
from khedmat.core.refcache import reference


@dataclass(frozen=True)
class Period:
    """Tehran dates, both inclusive."""

    first: dt.date
    last: dt.date

    @cached_property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=TEHRAN)

    @cached_property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=TEHRAN)

    def __contains__(self, instant: dt.datetime) -> bool:
        return self.start <= instant < self.end


def in_report_province(user) -> bool:
    """Whether the person works in the province whose service reports these are (the desk's rule)."""
    home = reference(f"core:province:{settings.KHEDMAT_HOME_PROVINCE}", lambda: Province.objects.filter(
        code=settings.KHEDMAT_HOME_PROVINCE).values_list("pk", flat=True).first(), models=[Province])
    return home is not None and getattr(user, "province_id", None) == home


def report_province(user):
    """The province whose service report this is: the deployment's home province (services open their cases
    there), for its own staff; anyone else gets the 404 everyone gets."""
    if not in_report_province(user):
        raise Http404
    return Province.objects.get(code=settings.KHEDMAT_HOME_PROVINCE)


def default_period(today: dt.date | None = None) -> Period:
    """The current Jalali year."""
    today = today or timezone.localdate()
    return Period(*jalali.jalali_year_bounds(jalali.to_jalali(today).year))


def share(part: int, whole: int) -> float | None:
    """Percent with one decimal; None when there is nothing to measure."""
    return round(100 * part / whole, 1) if whole else None


def percentile(sorted_values: list[int], q: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least q% of the values at or below it."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Bin:
    low: int
    high: int | None
    count: int
    share: float | None  # percent of the values measured


def histogram(values: Iterable[int], bins: tuple[tuple[int, int | None], ...]) -> list[Bin]:
    """Counts per bin (inclusive bounds; None: no upper bound)."""
    counts = [0] * len(bins)
    total = 0
    for value in values:
        total += 1
        for i, (low, high) in enumerate(bins):
            if value >= low and (high is None or value <= high):
                counts[i] += 1
                break
    return [Bin(low, high, n, share(n, total)) for (low, high), n in zip(bins, counts, strict=True)]


# Units of the drawing; the page shows it CHART_DISPLAY_W pixels wide, shrunk to the column on a phone (the
# stylesheet's `svg { max-width: 100%; height: auto }`): at 375 px the text is still about 10 px.
CHART_W, CHART_H, CHART_DISPLAY_W = 400, 240, 480
CHART_TOP, CHART_BOTTOM, CHART_SIDE, CHART_OTHER_SIDE = 28, 44, 36, 8


@dataclass(frozen=True)
class Bar:
    bin: Bin
    x: float
    y: float
    width: float
    height: float
    center: float
    count_y: float  # where the count is written, above the bar
    beyond_target: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, float, int]]  # (y, y of its label, value) of the horizontal grid lines
    top: float
    plot_left: float
    plot_right: float
    baseline: float
    label_y: float
    axis_x: float  # where the tick values are written (the reading side)
    target_x: float | None  # the line between the bins inside and beyond the target
    center_x: float
    title_y: float
    display_width: int = CHART_DISPLAY_W


def _tick_step(maximum: int) -> int:
    """A round step (1, 2, 5 × 10^k) giving at most five grid lines above zero."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if maximum <= 5 * step * factor:
                return step * factor
        step *= 10


def histogram_chart(bins: list[Bin], *, target: int, rtl: bool = True) -> Chart:
    """Bars of a histogram in a CHART_W × CHART_H box. Right to left, the first bin sits on the right and
    the value axis on the right, as Persian reads (the same choice as `cases.diagram`)."""
    maximum = max((b.count for b in bins), default=0)
    step = _tick_step(max(maximum, 1))
    top_value = step * max(1, math.ceil(maximum / step))
    left = CHART_OTHER_SIDE if rtl else CHART_SIDE
    right = CHART_W - (CHART_SIDE if rtl else CHART_OTHER_SIDE)
    baseline = CHART_H - CHART_BOTTOM
    plot_h = baseline - CHART_TOP
    slot = (right - left) / max(len(bins), 1)
    bar_w = slot * 0.7
    bars, target_x = [], None
    for i, b in enumerate(bins):
        slot_left = right - (i + 1) * slot if rtl else left + i * slot
        h = plot_h * b.count / top_value
        beyond = b.low > target
        if beyond and target_x is None:
            target_x = slot_left + slot if rtl else slot_left
        bars.append(Bar(bin=b, x=round(slot_left + (slot - bar_w) / 2, 1), y=round(baseline - h, 1),
                        width=round(bar_w, 1),
                        height=round(h, 1), center=round(slot_left + slot / 2, 1), count_y=round(baseline - h - 6, 1),
                        beyond_target=beyond))
    ticks = []
    for value in range(0, top_value + 1, step):
        y = round(baseline - plot_h * value / top_value, 1)
        ticks.append((y, round(y + 4, 1), value))
    return Chart(width=CHART_W, height=CHART_H, bars=bars, ticks=ticks, top=CHART_TOP, plot_left=left, plot_right=right,
                 baseline=baseline, label_y=baseline + 20,
                 axis_x=right + CHART_SIDE / 2 if rtl else left - CHART_SIDE / 2,
                 target_x=round(target_x, 1) if target_x is not None else None,
                 center_x=round((left + right) / 2, 1), title_y=CHART_H - 6)
