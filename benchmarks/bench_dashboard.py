"""The pipeline dashboard on large databases: the whole refresh and the open pipeline.

    PYTHONPATH=. python -m benchmarks.bench_dashboard [--sizes 10000,100000,300000]
        [--repeat 15] [--moves-per-opportunity 5]

The synthetic dealership (benchmarks/synthetic.py) at each size, its stage history topped
up to five moves per opportunity: deals that went back a stage and forward again, as sales
do. For everyone, the busiest salesperson, the busiest facility (what the maintained
aggregates serve) and for a close-date range and a brand (what reads the opportunities):

- the whole refresh, `dashboard.load`, by stage, salesperson and source;
- the open pipeline and forecast alone (`open_sums`, what the aggregates hold);

each interleaved with a baseline independent of the app's code: the plain GROUP BY of the
open opportunities by the breakdown, stage and currency, written here from the schema and
sent straight to sqlite3. Median and p95 of both, the ratio of the medians, and how many
statements the refresh sends. Targets (issue 22): < 100 ms p95 for what the aggregates
serve, < 300 ms p95 for any other filter, at every size. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.db import dashboard as db_dashboard
from app.db.connection import SQLITE_PRAGMAS
from app.db.queries import OpportunityFilter
from app.services import dashboard, workspace
from app.services.dashboard import DashboardFilter
from benchmarks import synthetic
from benchmarks.bench_list_queries import record_statements
from benchmarks.timing import Paired, interleaved

DATA = synthetic.ROOT / "bench-data"
SERVED_MS = 100
OTHER_MS = 300
_SETTING = "benchmark.dashboard"


def _stamp(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="seconds")


def add_moves(path: Path, total: int, seed: int = 1) -> int:
    """Top the stage history up to `total` moves: within a stay in an open stage that
    came from another open stage, a move back to that stage and one forward again, so the
    history stays a chain (each move leaves the stage the previous one entered). One
    transaction of executemany. Returns the number of moves added."""
    rng = random.Random(seed)
    with closing(sqlite3.connect(path)) as conn:
        have = conn.execute("SELECT count(*) FROM stage_change").fetchone()[0]
        wanted = total - have
        if wanted <= 0:
            return 0
        open_stages = {
            r[0] for r in conn.execute("SELECT id FROM stage WHERE NOT is_won AND NOT is_lost")
        }
        rows = conn.execute(
            "SELECT opportunity_id, from_stage_id, to_stage_id, created_at, changed_by "
            "FROM stage_change ORDER BY opportunity_id, created_at, id"
        ).fetchall()
        stays = []
        for move, following in itertools.pairwise(rows):
            opp, came_from, stage, at, by = move
            if following[0] == opp and came_from in open_stages and stage in open_stages:
                stays.append((opp, came_from, stage, at, following[3], by))
        chosen = rng.sample(stays, min(len(stays), wanted // 2))
        added = []
        for opp, came_from, stage, entered, left, by in chosen:
            start = datetime.fromisoformat(entered)
            span = datetime.fromisoformat(left) - start
            back, again = start + span / 3, start + span * 2 / 3
            for at, src, dst in ((back, stage, came_from), (again, came_from, stage)):
                stamp = _stamp(at)
                added.append((opp, src, dst, 0, "", stamp, stamp, 1, by))
        with conn:
            conn.executemany(
                "INSERT INTO stage_change (opportunity_id, from_stage_id, to_stage_id, "
                "automatic, reason, created_at, updated_at, version, changed_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                added,
            )
            conn.execute("ANALYZE")
        return len(added)


def build(opportunities: int, accounts: int, moves: int) -> Path:
    """The synthetic database with its history topped up; reused while the same."""
    source = synthetic.build(
        DATA / f"large-{opportunities}" / "showroom.sqlite3", opportunities, accounts
    )
    path = DATA / f"dashboard-{opportunities}" / "showroom.sqlite3"
    signature = f"{synthetic._built_with(source)} moves={moves}"
    if path.exists():
        with closing(sqlite3.connect(path)) as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (_SETTING,)).fetchone()
        if row and row[0] == signature:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    shutil.copyfile(source, path)
    add_moves(path, moves)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (_SETTING, signature)
        )
    return path


# The baseline's columns for a breakdown: the schema's own, not the app's table of them.
_PLAIN_GROUP = {"stage": "NULL", "owner": "owner_id", "source": "source"}


def plain_group_by(
    raw: sqlite3.Connection, flt: DashboardFilter, breakdown: str, today: date
) -> Callable[[], object]:
    """The open opportunities of the filter grouped by the breakdown, stage and currency,
    with their count and sums, and by close-date window: SQL written from the schema."""
    where, params = ["status = 'open'"], []
    for column in ("owner_id", "facility_id", "brand"):
        value = getattr(flt, column, None)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if flt.date_from is not None and flt.date_to is not None:
        where.append("est_close_date BETWEEN ? AND ?")
        params += [flt.date_from.isoformat(), flt.date_to.isoformat()]
    clause = " AND ".join(where)
    group = _PLAIN_GROUP[breakdown]
    pipeline_sql = (
        f"SELECT {group}, stage_id, currency, count(*), sum(est_revenue_minor), "
        f"sum(est_revenue_minor * probability) FROM opportunity WHERE {clause} GROUP BY 1, 2, 3"
    )
    bounds = [(today + timedelta(days=d)).isoformat() for d in (0, 7, 30, 90)]
    window_sql = (
        "SELECT CASE WHEN est_close_date < ? THEN 0 WHEN est_close_date <= ? THEN 1 "
        "WHEN est_close_date <= ? THEN 2 WHEN est_close_date <= ? THEN 3 ELSE 4 END, "
        "currency, count(*), sum(est_revenue_minor), sum(est_revenue_minor * probability) "
        f"FROM opportunity WHERE {clause} GROUP BY 1, 2"
    )

    def run() -> object:
        raw.execute(pipeline_sql, params).fetchall()
        return raw.execute(window_sql, [*bounds, *params]).fetchall()

    return run


def _busiest(raw: sqlite3.Connection, column: str) -> int:
    return int(
        raw.execute(
            f"SELECT {column} FROM opportunity WHERE {column} IS NOT NULL AND status = 'open' "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    )


def _report(label: str, paired: Paired, target: float, statements: int | None = None) -> bool:
    over = paired.app_p95 >= target
    sent = f"  {statements:3d} statements" if statements is not None else ""
    print(f"  {label:<42} {paired.line()}{sent}" + ("  <-- over target" if over else ""))
    return over


def bench_size(opportunities: int, moves_per: int, repeat: int, database: Path | None) -> bool:
    start = time.perf_counter()
    path = database or build(opportunities, opportunities // 2, opportunities * moves_per)
    raw = sqlite3.connect(path)
    for name, value in SQLITE_PRAGMAS.items():
        raw.execute(f"PRAGMA {name} = {value}")
    count = raw.execute("SELECT count(*) FROM opportunity").fetchone()[0]
    move_count = raw.execute("SELECT count(*) FROM stage_change").fetchone()[0]
    print(
        f"\n=== {count:,} opportunities, {move_count:,} stage moves ({path}; ready in "
        f"{time.perf_counter() - start:.1f} s)"
    )
    workspace.open_database(Path(path))
    today, now = date.today(), datetime.now()
    quarter = DashboardFilter(date_from=today - timedelta(days=90), date_to=today + timedelta(90))
    brand = raw.execute(
        "SELECT brand FROM opportunity WHERE brand <> '' GROUP BY 1 ORDER BY count(*) DESC"
    ).fetchone()[0]
    filters: dict[str, tuple[DashboardFilter, bool]] = {
        "everyone": (DashboardFilter(), True),
        "one salesperson": (DashboardFilter(owner_id=_busiest(raw, "owner_id")), True),
        "one facility": (DashboardFilter(facility_id=_busiest(raw, "facility_id")), True),
        "close date ±90 days": (quarter, False),
        "one brand": (DashboardFilter(brand=brand), False),
    }
    missed = False
    try:
        print(
            f"whole refresh, dashboard.load ({repeat} runs each, interleaved with the plain "
            f"GROUP BY; target p95 < {SERVED_MS} ms served by the aggregates, "
            f"< {OTHER_MS} ms otherwise)"
        )
        for label, (flt, served) in filters.items():
            for breakdown in ("stage", "owner", "source"):
                call: Callable[[], Any] = lambda f=flt, b=breakdown: dashboard.load(  # noqa: E731
                    f, b, today, now
                )
                sent = len(record_statements(call))
                paired = interleaved(call, plain_group_by(raw, flt, breakdown, today), repeat)
                target = SERVED_MS if served else OTHER_MS
                missed |= _report(f"{label} by {breakdown}", paired, target, sent)
        print("open pipeline and forecast alone, db.open_sums (what the aggregates hold)")
        for label, (flt, served) in filters.items():
            base: OpportunityFilter = flt.opportunity_filter()
            call = lambda b=base: db_dashboard.open_sums(b, "owner", today)  # noqa: E731
            paired = interleaved(call, plain_group_by(raw, flt, "owner", today), repeat)
            _report(f"{label} by owner", paired, SERVED_MS if served else OTHER_MS)
    finally:
        raw.close()
        workspace.close_database()
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--moves-per-opportunity", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", type=Path, help="an existing database to use instead")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    missed = False
    sizes = [0] if args.database else [int(n) for n in args.sizes.split(",")]
    for size in sizes:
        missed |= bench_size(size, args.moves_per_opportunity, args.repeat, args.database)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
