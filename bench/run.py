"""Benchmarks of Khedmat's hot paths. Reported as per-size tables and ratios, never asserted.

    make bench            # or: .venv/bin/python bench/run.py [--sizes 10000,100000,1000000]

calendar: SLA figures are computed on read for every case in a queue or report, so the cost of
`count_working_days` and `add_working_days` per case decides whether a million cases are fast.
"""
import argparse
import datetime as dt
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from khedmat.core.workdays import FRIDAY, THURSDAY, WeeklyOffRule, WorkCalendar  # noqa: E402
from khedmat.workcalendar import holiday_data  # noqa: E402


def tehran_calendar() -> WorkCalendar:
    holidays = {}
    for year in range(1400, 1411):
        for item in holiday_data.solar_holidays(year):
            holidays[item["date"]] = item["title"]
    for item in holiday_data.lunar_file_items():
        holidays[item["date"]] = item["title"]
    rule = WeeklyOffRule(start=dt.date(1990, 1, 1), end=None, days=frozenset({THURSDAY, FRIDAY}))
    return WorkCalendar(weekly_off=[rule], holidays=holidays)


def naive_count(calendar: WorkCalendar, start: dt.date, end: dt.date) -> int:
    return sum(1 for i in range(1, (end - start).days + 1) if calendar.is_working_day(start + dt.timedelta(days=i)))


def bench_calendar(sizes: list[int]) -> None:
    rng = random.Random(1404)
    calendar = tehran_calendar()
    t0 = time.perf_counter()
    calendar.count_working_days(dt.date(2025, 1, 1), dt.date(2025, 1, 2))  # builds the index
    build = time.perf_counter() - t0
    print(f"calendar index build: {build * 1000:.1f} ms (once per process and calendar version)")
    print()
    print("| cases | count_working_days µs/case | add_working_days(25) µs/case | total s | peak MiB |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        base = dt.date(2023, 3, 21)
        starts = [base + dt.timedelta(days=rng.randrange(0, 1400)) for _ in range(size)]
        ends = [s + dt.timedelta(days=rng.randrange(0, 120)) for s in starts]
        tracemalloc.start()
        t0 = time.perf_counter()
        for s, e in zip(starts, ends, strict=True):
            calendar.count_working_days(s, e)
        t1 = time.perf_counter()
        for s in starts:
            calendar.add_working_days(s, 25)
        t2 = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"| {size:,} | {(t1 - t0) / size * 1e6:.2f} | {(t2 - t1) / size * 1e6:.2f} "
              f"| {t2 - t0:.2f} | {peak:.1f} |")
    sample = 2000
    starts = [dt.date(2023, 3, 21) + dt.timedelta(days=rng.randrange(0, 1400)) for _ in range(sample)]
    ends = [s + dt.timedelta(days=rng.randrange(0, 120)) for s in starts]
    t0 = time.perf_counter()
    for s, e in zip(starts, ends, strict=True):
        naive_count(calendar, s, e)
    naive = time.perf_counter() - t0
    t0 = time.perf_counter()
    for s, e in zip(starts, ends, strict=True):
        calendar.count_working_days(s, e)
    indexed = time.perf_counter() - t0
    print()
    print(f"indexed vs day-by-day count (spans up to 120 days): {naive / indexed:.0f}× faster")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("## Working-day calendar (Tehran, 1400–1410 holidays)\n")
    bench_calendar(sizes)


if __name__ == "__main__":
    main()
