"""What every Django benchmark here shares: one process per size (Django is configured once per process),
a SQLite file per benchmark and size under var/ unless DATABASE_URL is set, and results passed back from
the child process as `RESULT\t<json>` lines."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def sizes_from_arguments(default: str = "10000,100000") -> list[int]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=default)
    return [int(s) for s in parser.parse_args().sizes.split(",")]


def setup(name: str, size: int) -> None:
    """Configure Django on the benchmark's own database (kept, so a rerun skips seeding)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khedmat.settings.test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / f'bench-{name}-{size}.sqlite3'}"
    import django

    django.setup()


def report(result) -> None:
    """In the child process: hand the measurements back to the parent."""
    print(f"RESULT\t{json.dumps(result)}")


def run_per_size(script: str, sizes: list[int]) -> dict[int, object]:
    """In the parent process: run `script` once per size and collect what each child reported."""
    results = {}
    for size in sizes:
        out = subprocess.run([sys.executable, script, "--sizes", str(size)], check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines():
            if line.startswith("RESULT\t"):
                results[size] = json.loads(line.split("\t", 1)[1])
    return results


def median_ms(run, repeat: int) -> tuple[float, int]:
    """Median milliseconds of `repeat` runs after a warm-up run, and the queries of the last run."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm caches (calendar index, templates)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    return statistics.median(times) * 1000, queries
