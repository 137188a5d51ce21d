"""The list, search, duplicate check, opportunity form and dashboard on the site's
PostgreSQL server, against the same targets as on SQLite, with the statements each screen
sends (each one a round trip over the site's network).

The synthetic database (benchmarks/synthetic.py) is built as a SQLite file, moved onto a
PostgreSQL server with the program's own move-to-server, and the same calls timed on both,
interleaved round by round (SQLite, then the server, screen by screen), beside a baseline
per backend written from the schema alone: the open opportunities' count and first page of
200 in plain SQL through the bare driver, which no code of the program's runs. It prints
the median and the 95th percentile, the ratio to the baseline, and the statements each
screen sends; it exits 1 when a screen misses its target on the server, or sends more
statements than its limit.

    PYTHONPATH=. python -m benchmarks.bench_server [--sizes 10000 100000 300000]
        [--repeat 15] [--server postgresql://user:password@host/postgres]

Without --server it starts a server of its own (tests/pg_server.py). At each size (half as
many customers) the file is moved and timed; at the end each screen's growth from one size
to the next is checked against the data's (measure.Targets.growth), which exits 1 too.
Moving 300,000 opportunities takes some 13 minutes.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from peewee import Database

from app import demo
from app.db import connection
from app.db.connection import database
from app.services import accounts, dashboard, opportunities, sign_in
from app.services.move_to_server import move_to_server
from app.services.opportunities import OpportunityFilter
from benchmarks import synthetic
from benchmarks.measure import Targets
from tests import pg_server

DATA = synthetic.ROOT / "bench-data"
TARGETS_MS = {
    "list: first screen (open ones)": 200,
    "list: a search keystroke": 50,
    "duplicate check": 30,
    "duplicate check with a postcode": 30,
    "opportunity form": 100,
    "dashboard refresh": 300,
}
# The most statements each screen may send, whatever the rows: a round trip each.
STATEMENT_LIMITS = {
    "list: first screen (open ones)": 4,
    "list: a search keystroke": 6,
    "duplicate check": 4,
    # the name as typed, the names at the postcode, the close ones' rows
    "duplicate check with a postcode": 4,
    "opportunity form": 13,  # as tests/ui/test_form_statements.py holds it (OPEN_BUDGET)
    "dashboard refresh": 24,
}
KEYSTROKES = ("g", "go", "gol", "golf", "m", "mü", "mül", "müll")
BASELINE = "baseline: plain count and first page"
# Written from the schema, not from the program: what the list's first screen at least costs.
BASELINE_SQL = (
    "SELECT count(*) FROM opportunity WHERE status = 'open'",
    "SELECT id, topic, est_close_date, est_revenue_minor FROM opportunity WHERE status = 'open' "
    "ORDER BY est_close_date DESC, id DESC LIMIT 200",
)


@contextmanager
def counting() -> Iterator[list[int]]:
    """Counts the statements the bound database executes inside the block."""
    obj = database.obj
    real = obj.execute_sql
    seen = [0]

    def counted(sql, params=None, commit=None):  # type: ignore[no-untyped-def]
        seen[0] += 1
        return real(sql, params)

    obj.execute_sql = counted  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del obj.execute_sql  # the class's own again


def screens(today: date, postcode: str = "") -> dict[str, tuple[Callable[[], object], int]]:
    """Each screen's call on the bound database (signed in), and how many screens one call
    is (the keystrokes of a search); the duplicate check with a postcode at `postcode` (the
    busiest one of the benchmark's database)."""
    some = opportunities.page(OpportunityFilter(status="open"), "id", False, 0, 1, today)[0].id

    def keystrokes() -> None:
        for typed in KEYSTROKES:
            flt = OpportunityFilter(text=typed, status="open")
            opportunities.count_and_first_page(flt, "est_close_date", False, 200, today)

    return {
        "list: first screen (open ones)": (
            lambda: opportunities.count_and_first_page(
                OpportunityFilter(status="open"), "est_close_date", False, 200, today
            ),
            1,
        ),
        "list: a search keystroke": (keystrokes, len(KEYSTROKES)),
        "duplicate check": (
            lambda: accounts.find_duplicates(
                accounts.AccountInput(first_name="Maria", last_name="Rossi", phone="+39 02 1234")
            ),
            1,
        ),
        "duplicate check with a postcode": (
            lambda: accounts.find_duplicates(
                accounts.AccountInput(first_name="Maria", last_name="Rossi", postcode=postcode)
            ),
            1,
        ),
        "opportunity form": (lambda: opportunities.open_form(some, None, today), 1),
        "dashboard refresh": (lambda: dashboard.load(today=today), 1),
    }


def statement_counts(today: date | None = None, postcode: str = "") -> dict[str, int]:
    """How many statements each screen sends, on the bound database (signed in): after a
    first call, which may read what is read once (the user's rights, the stages)."""
    counts = {}
    for name, (call, per) in screens(today or date.today(), postcode).items():
        call()
        with counting() as seen:
            call()
        counts[name] = -(-seen[0] // per)  # rounded up: a keystroke sends whole statements
    return counts


def _baseline(raw: Callable[[str], object]) -> Callable[[], object]:
    def run() -> None:
        for sql in BASELINE_SQL:
            raw(sql)

    return run


def _sqlite_raw(db: Database) -> Callable[[str], object]:
    conn = db.connection()
    return lambda sql: conn.execute(sql).fetchall()


def _postgres_raw(db: Database) -> Callable[[str], object]:
    conn = db.connection()

    def run(sql: str) -> object:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return run


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    backends: dict[str, Database], repeat: int, today: date, postcode: str = ""
) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, int]]]:
    """Each screen's times (ms per screen) and statements on each backend: rounds in which
    every screen runs on every backend in turn, so a busy moment of the machine falls on
    both alike."""
    calls: dict[str, dict[str, tuple[Callable[[], object], int]]] = {}
    counts: dict[str, dict[str, int]] = {}
    for name, db in backends.items():
        database.initialize(db)
        sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
        raw = _sqlite_raw(db) if name == "SQLite" else _postgres_raw(db)
        calls[name] = {**screens(today, postcode), BASELINE: (_baseline(raw), 1)}
        counts[name] = statement_counts(today, postcode)
    times: dict[str, dict[str, list[float]]] = {n: {s: [] for s in calls[n]} for n in backends}
    for _round in range(repeat):
        for screen in calls["SQLite"]:
            for name, db in backends.items():
                database.initialize(db)
                call, per = calls[name][screen]
                start = time.perf_counter()
                call()
                times[name][screen].append((time.perf_counter() - start) * 1000 / per)
    return times, counts


def report(
    times: dict[str, dict[str, list[float]]], counts: dict[str, dict[str, int]], rows: int
) -> int:
    """Print the table; 1 when the server misses a target or a screen sends too many
    statements, else 0."""
    missed = 0
    print(f"\n{rows:,} opportunities; median / p95 in ms (statements), ratio to the baseline")
    print(f"{'screen':<34}{'SQLite':>24}{'PostgreSQL':>26}{'target':>9}")
    base = {n: statistics.median(times[n][BASELINE]) for n in times}
    for screen in [*TARGETS_MS, BASELINE]:
        cells = []
        for name in ("SQLite", "PostgreSQL"):
            series = times[name][screen]
            median = statistics.median(series)
            n = counts[name].get(screen)
            ratio = median / base[name] if base[name] else 0.0
            statements = f"({n:>2})" if n is not None else "    "
            cells.append(f"{median:7.1f}/{_p95(series):6.1f} {statements} x{ratio:4.1f}")
        target = TARGETS_MS.get(screen)
        mark = ""
        if target is not None:
            over = statistics.median(times["PostgreSQL"][screen]) >= target
            too_many = any(counts[n][screen] > STATEMENT_LIMITS[screen] for n in counts)
            mark = " OVER" if over else ""
            mark += " TOO MANY STATEMENTS" if too_many else ""
            missed += over or too_many
        limit = f"{target:>6} ms" if target is not None else ""
        print(f"{screen:<34}{cells[0]:>24}{cells[1]:>26}{limit:>9}{mark}")
    return 1 if missed else 0


Times = dict[str, dict[str, list[float]]]  # backend -> screen -> ms per run


def bench(size: int, repeat: int, server: pg_server.TestServer) -> tuple[Times, int]:
    """One size moved onto the server and timed: each screen's times and the exit code."""
    path = synthetic.build(DATA / f"large-{size}" / "showroom.sqlite3", size, size // 2)
    name = server.create_database(f"bench_{size}_{int(time.time())}")
    url = server.url(name)
    started = time.perf_counter()
    copies = move_to_server(url, source=path)
    rows = sum(c.rows for c in copies)
    print(f"moved {rows:,} rows to the server in {time.perf_counter() - started:.1f} s")
    server_db = connection.open_postgres(url)
    server_db.execute_sql("ANALYZE")
    file_db = connection.open_sqlite(Path(path))
    busiest = file_db.execute_sql(
        "SELECT postcode FROM account GROUP BY postcode ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    try:
        times, counts = measure(
            {"SQLite": file_db, "PostgreSQL": server_db}, repeat, date.today(), busiest
        )
    finally:
        file_db.close()
        server_db.close()
    code = report(times, counts, size)
    server.drop_database(name)
    return times, code


def growth(sizes: list[int], by_size: dict[int, Times]) -> int:
    """Each screen's growth from one size to the next on each backend, against the data's
    and its baseline's (measure.Targets.growth); 1 when one grew faster than the data."""
    targets = Targets()
    for small, large in itertools.pairwise(sizes):
        for backend in ("SQLite", "PostgreSQL"):
            a, b = by_size[small][backend], by_size[large][backend]
            for screen in TARGETS_MS:
                targets.growth(
                    f"{screen} on {backend}",
                    (small, large),
                    (statistics.median(a[screen]), statistics.median(b[screen])),
                    (statistics.median(a[BASELINE]), statistics.median(b[BASELINE])),
                )
    return 1 if targets.missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--server", help="an admin URL of a server to use (else one of its own)")
    args = parser.parse_args()
    server = pg_server.TestServer()
    if args.server:
        server.admin_url = args.server
    server.start()
    try:
        by_size: dict[int, Times] = {}
        code = 0
        for size in args.sizes:
            by_size[size], missed = bench(size, args.repeat, server)
            code |= missed
    finally:
        server.stop()
    return code | growth(sorted(by_size), by_size)


if __name__ == "__main__":
    sys.exit(main())
