"""The opportunity list's queries on a large database: the first screen and each keystroke.

For every sort column, a user types searches one character at a time; each keystroke runs
what the list runs (opportunities.count, then opportunities.page for the first 200 rows).
The same SQL, recorded from the app and sent straight to sqlite3 in the same run, is the
baseline, since these machines are noisy.

    PYTHONPATH=. python -m benchmarks.bench_list_queries [--opportunities 100000] [--repeat 3]

Targets: first screen < 200 ms; each keystroke < 50 ms at the 95th percentile and within
2x the raw SQL.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.db.connection import SQLITE_PRAGMAS, database
from app.services import opportunities, workspace
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter
from benchmarks import synthetic

DATA = synthetic.ROOT / "bench-data"
PAGE = 200
FIRST_SCREEN_MS = 200
KEYSTROKE_MS = 50
RATIO = 2.0

Statement = tuple[str, list[Any]]


def _typed(word: str) -> list[str]:
    """What the search box holds after each keystroke of `word`."""
    return [word[:n] for n in range(1, len(word) + 1)]


def _sequences(raw: sqlite3.Connection) -> dict[str, list[str]]:
    # A VIN of a reserved vehicle in this database, so the VIN searches find something.
    vin = raw.execute(
        "SELECT v.vin FROM vehicle v JOIN opportunity o ON o.vehicle_id = v.id "
        "WHERE v.vin LIKE 'WVW%' ORDER BY o.id LIMIT 1"
    ).fetchone()[0]
    return {
        "golf": _typed("golf"),
        "rossi": _typed("rossi"),
        "müller": _typed("müller"),
        "o'brien": _typed("o'brien"),
        "VIN start": _typed(vin[:8]),
        "VIN serial": _typed(vin[-6:]),
    }


def record_statements(call: Callable[[], object]) -> list[Statement]:
    """The statements (SQL and parameters) the app sends for one call."""
    recorded: list[Statement] = []
    target = database.obj
    original = target.execute_sql

    def spy(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        recorded.append((sql, list(params or [])))
        return original(sql, params, *args, **kwargs)

    target.execute_sql = spy
    try:
        call()
    finally:
        del target.execute_sql
    return recorded


def run_statements(raw: sqlite3.Connection, statements: list[Statement]) -> None:
    for sql, params in statements:
        raw.execute(sql, params).fetchall()


def _ms(seconds: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _keystroke(flt: OpportunityFilter, sort: str, today: date) -> Callable[[], object]:
    def call() -> object:
        opportunities.count(flt, today)
        return opportunities.page(flt, sort, False, 0, PAGE, today)

    return call


def bench_first_screen(raw: sqlite3.Connection, today: date, repeat: int) -> None:
    print(f"first screen: count + first {PAGE} rows (target < {FIRST_SCREEN_MS} ms)")
    owner = raw.execute("SELECT id FROM user WHERE role = 'salesperson' LIMIT 1").fetchone()[0]
    screens = {
        "everyone's": OpportunityFilter(),
        "my open": OpportunityFilter(owner_id=owner, status="open"),
    }
    for label, flt in screens.items():
        for sort in SORT_COLUMNS:
            call = _keystroke(flt, sort, today)
            statements = record_statements(call)
            app = [_time(call) for _ in range(repeat)]
            base = [_time(lambda s=statements: run_statements(raw, s)) for _ in range(repeat)]
            median, p95 = _ms(app)
            raw_median, _ = _ms(base)
            flag = "" if p95 < FIRST_SCREEN_MS else "  <-- over target"
            print(
                f"  {label:<11} by {sort:<15} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                f"raw {raw_median:7.1f} ms  ratio {median / raw_median:4.2f}{flag}"
            )


def bench_keystrokes(raw: sqlite3.Connection, today: date, repeat: int) -> None:
    sequences = _sequences(raw)
    typed = [text for texts in sequences.values() for text in texts]
    print(
        f"\nkeystrokes: {len(typed)} search texts ({', '.join(sequences)}) typed one character "
        f"at a time, x{repeat}; count + first {PAGE} rows each "
        f"(target p95 < {KEYSTROKE_MS} ms and ratio <= {RATIO})"
    )
    worst: list[tuple[float, str, str, float]] = []
    for sort in SORT_COLUMNS:
        app: list[float] = []
        base: list[float] = []
        for text in typed:
            call = _keystroke(OpportunityFilter(text=text), sort, today)
            statements = record_statements(call)
            for _ in range(repeat):
                app.append(elapsed := _time(call))
                base.append(raw_elapsed := _time(lambda s=statements: run_statements(raw, s)))
                worst.append((elapsed, sort, text, raw_elapsed))
        median, p95 = _ms(app)
        raw_median, raw_p95 = _ms(base)
        ratio = median / raw_median
        missed = p95 >= KEYSTROKE_MS or ratio > RATIO
        print(
            f"  by {sort:<15} median {median:6.1f} ms  p95 {p95:6.1f} ms   raw median "
            f"{raw_median:6.1f} ms  p95 {raw_p95:6.1f} ms   ratio {ratio:4.2f}"
            + ("  <-- over target" if missed else "")
        )
    print("  slowest keystrokes:")
    for elapsed, sort, text, raw_elapsed in sorted(worst, reverse=True)[:5]:
        print(
            f"    {text!r:<12} by {sort:<15} {elapsed * 1000:6.1f} ms (raw {raw_elapsed * 1000:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", type=Path, help="an existing database to use instead")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.database:
        path = args.database
    else:
        # The same file as bench_ui, so the two share one build.
        path = synthetic.build(
            DATA / f"large-{args.opportunities}" / "showroom.sqlite3",
            args.opportunities,
            args.accounts,
        )
    total = sqlite3.connect(path).execute("SELECT count(*) FROM opportunity").fetchone()[0]
    print(
        f"database: {path} ({total:,} opportunities; ready in {time.perf_counter() - start:.1f} s)"
    )
    workspace.open_database(Path(path))
    raw = sqlite3.connect(path)
    for name, value in SQLITE_PRAGMAS.items():
        raw.execute(f"PRAGMA {name} = {value}")
    today = date.today()
    try:
        bench_first_screen(raw, today, args.repeat)
        bench_keystrokes(raw, today, args.repeat)
    finally:
        raw.close()
        workspace.close_database()


if __name__ == "__main__":
    main()
