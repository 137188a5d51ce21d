"""The pipeline dashboard on large databases, on SQLite and on PostgreSQL: the whole refresh,
the open pipeline alone, and what the aggregates cost a save.

    PYTHONPATH=. python -m benchmarks.bench_dashboard [--sizes 10000,100000,300000]
        [--repeat 15] [--moves-per-opportunity 5] [--postgresql | --server URL]
        [--server-only] [--moved URL] [--figures FILE.json] [--only LABEL,...]

The synthetic dealership (benchmarks/synthetic.py) at each size, its stage history topped
up to five moves per opportunity: deals that went back a stage and forward again, as sales
do. With --postgresql (a server of its own, tests/pg_server.py) or --server (an admin URL)
the same file is moved onto PostgreSQL with the program's move-to-server and timed there too;
with --moved URL (one size) the database an earlier move made is timed, upgraded as the
program opens it.

For everyone, the busiest salesperson, team and facility, a close-date range and a brand,
the new cars within the range and a business's new cars (what the maintained aggregates
serve: every single filter, and each with the condition beside it), and for six pairs of the
filter bar's filters and one of three (what reads the opportunities, through the cheapest
path of app.db.dashboard_paths): a brand within the close-date range, a salesperson at one
facility, a team's untaken sales, a salesperson within the range, a brand from one source,
a channel within a created-date range, and a brand's new cars within the range:

- the whole refresh, `dashboard.load`, by stage, salesperson, team and source, with the
  statements it sends;
- the open pipeline and forecast alone (`open_sums`, what the aggregates hold);

each interleaved with a baseline independent of the app's code: the plain GROUP BY of the
open opportunities by the breakdown, stage and currency and by forecast window, written
here from the schema and sent on a connection of its own. Median and p95 of both, and the
ratio of the medians. Then a save and a stage move as kept, without the aggregates'
triggers and (SQLite) without the dashboard's covering index (each dropped inside a
transaction that is rolled back): their time, the statements the program sends (the same:
the triggers run in the database) and the rows the database writes. At the end each figure's growth from the smallest size to the largest.

Targets (issue 22): p95 < 100 ms for what the aggregates serve, < 300 ms for any other
filter, at every size and on both backends; no figure growing faster than the data. Exits
1 when one is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2

from app import demo
from app.db import connection
from app.db import dashboard as db_dashboard
from app.db.connection import SQLITE_PRAGMAS, database
from app.db.queries import NONE_ID, OpportunityFilter
from app.db.steps import aggregates
from app.db.steps.dashboard_pairs import COVER_INDEX
from app.services import dashboard, opportunities, process, sign_in, workspace
from app.services.dashboard import DashboardFilter
from app.services.move_to_server import move_to_server
from benchmarks import synthetic
from benchmarks.statements import record_statements
from benchmarks.timing import Paired, interleaved
from tests import pg_server

DATA = synthetic.ROOT / "bench-data"
SERVED_MS = 100
OTHER_MS = 300
_SETTING = "benchmark.dashboard"
# With --only: the filters timed (parts of their labels); all of them when empty.
ONLY: list[str] = []


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


# The baseline's grouping for a breakdown: the schema's own columns, not the app's table of
# them (salesperson: the owner, else minus the team holding it untaken, as the dashboard
# shows a team's untaken sales beside the salespeople).
_PLAIN_GROUP = {
    "stage": "NULL",
    "owner": "coalesce(owner_id, -team_id)",
    "team": "team_id",
    "source": "source",
}
BREAKDOWNS = tuple(_PLAIN_GROUP)
# The opportunity columns the dashboard's filter bar narrows by, as the schema names them.
_PLAIN_COLUMNS = (
    "owner_id",
    "team_id",
    "business_id",
    "facility_id",
    "operation_id",
    "brand",
    "condition",
    "channel",
    "source",
)


def plain_group_by(
    raw: Any, mark: str, flt: DashboardFilter, breakdown: str, today: date
) -> Callable[[], object]:
    """The open opportunities of the filter grouped by the breakdown, stage and currency,
    with their count and sums, and by close-date window: SQL written from the schema,
    sent on `raw` (sqlite3 or psycopg2) with its parameter mark."""
    where, params = ["status = 'open'"], []
    for column in _PLAIN_COLUMNS:
        value = getattr(flt, column, None)
        if value == NONE_ID and column.endswith("_id"):
            where.append(f"{column} IS NULL")
        elif value is not None:
            where.append(f"{column} = {mark}")
            params.append(value)
    if flt.date_from is not None and flt.date_to is not None:
        if flt.date_basis == "created":
            # Whole days: from the first day's start to the end of the last.
            where.append(f"created_at >= {mark} AND created_at < {mark}")
            params += [flt.date_from.isoformat(), (flt.date_to + timedelta(days=1)).isoformat()]
        else:
            where.append(f"est_close_date BETWEEN {mark} AND {mark}")
            params += [flt.date_from.isoformat(), flt.date_to.isoformat()]
    clause = " AND ".join(where)
    group = _PLAIN_GROUP[breakdown]
    pipeline_sql = (
        f"SELECT {group}, stage_id, currency, count(*), sum(est_revenue_minor), "
        f"sum(est_revenue_minor * probability) FROM opportunity WHERE {clause} GROUP BY 1, 2, 3"
    )
    bounds = [(today + timedelta(days=d)).isoformat() for d in (0, 7, 30, 90)]
    m = mark
    window_sql = (
        f"SELECT CASE WHEN est_close_date < {m} THEN 0 WHEN est_close_date <= {m} THEN 1 "
        f"WHEN est_close_date <= {m} THEN 2 WHEN est_close_date <= {m} THEN 3 ELSE 4 END, "
        "currency, count(*), sum(est_revenue_minor), sum(est_revenue_minor * probability) "
        f"FROM opportunity WHERE {clause} GROUP BY 1, 2"
    )
    cursor = raw.cursor()

    def run() -> object:
        cursor.execute(pipeline_sql, params)
        cursor.fetchall()
        cursor.execute(window_sql, [*bounds, *params])
        return cursor.fetchall()

    return run


def _one(raw: Any, sql: str) -> Any:
    cursor = raw.cursor()
    cursor.execute(sql)
    return cursor.fetchone()[0]


def _busiest(raw: Any, column: str, where: str = "") -> int:
    return int(
        _one(
            raw,
            f"SELECT {column} FROM opportunity WHERE {column} IS NOT NULL AND status = 'open' "
            f"{where} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        )
    )


def _report(label: str, paired: Paired, target: float, statements: int | None = None) -> bool:
    over = paired.app_p95 >= target
    sent = f"  {statements:3d} statements" if statements is not None else ""
    print(f"  {label:<46} {paired.line()}{sent}" + ("  <-- over target" if over else ""))
    return over


def _filters(raw: Any, today: date) -> dict[str, tuple[DashboardFilter, bool]]:
    """Label -> (filter, served by the aggregates)."""
    quarter = DashboardFilter(date_from=today - timedelta(days=90), date_to=today + timedelta(90))
    brand = _one(
        raw, "SELECT brand FROM opportunity WHERE brand <> '' GROUP BY 1 ORDER BY count(*) DESC, 1"
    )
    owner = _busiest(raw, "owner_id")
    facility = _busiest(raw, "facility_id", f"AND owner_id = {owner}")
    team = _busiest(raw, "team_id")
    source = _one(
        raw,
        "SELECT source FROM opportunity WHERE source <> '' AND brand = '"
        + brand.replace("'", "''")
        + "' GROUP BY 1 ORDER BY count(*) DESC, 1",
    )
    channel = _one(
        raw,
        "SELECT channel FROM opportunity WHERE channel <> '' GROUP BY 1 ORDER BY count(*) DESC, 1",
    )
    business = _busiest(raw, "business_id")
    created = replace(quarter, date_basis="created")
    return {
        "everyone": (DashboardFilter(), True),
        "one salesperson": (DashboardFilter(owner_id=owner), True),
        "one team": (DashboardFilter(team_id=team), True),
        "one facility": (DashboardFilter(facility_id=_busiest(raw, "facility_id")), True),
        "close date ±90 days": (quarter, True),
        "one brand": (DashboardFilter(brand=brand), True),
        "one brand, close date ±90 days": (replace(quarter, brand=brand), False),
        "a salesperson at one facility": (
            DashboardFilter(owner_id=owner, facility_id=facility),
            False,
        ),
        "a team's untaken sales": (DashboardFilter(owner_id=NONE_ID, team_id=team), False),
        # Further pairs the filter bar offers: a salesperson's quarter, a brand from one
        # source, the busiest channel among the sales created within the ±90 days.
        "a salesperson, close date ±90 days": (replace(quarter, owner_id=owner), False),
        "one brand from one source": (DashboardFilter(brand=brand, source=source), False),
        "one channel, created ±90 days": (replace(created, channel=channel), False),
        # The condition beside one filter (the aggregates keep every scope by condition):
        # the new cars' quarter (7 in 10 cars are new), a business's new cars; and beside
        # two, a brand's new cars within the quarter.
        "new cars, close date ±90 days": (replace(quarter, condition="new"), True),
        "one business's new cars": (DashboardFilter(business_id=business, condition="new"), True),
        "one brand's new cars, close date ±90 days": (
            replace(quarter, brand=brand, condition="new"),
            False,
        ),
    }


Figures = dict[str, tuple[float, float]]  # label -> the app's and the baseline's medians


def refresh(raw: Any, mark: str, repeat: int, figures: Figures) -> bool:
    today, now = date.today(), datetime.now()
    filters = {
        label: found
        for label, found in _filters(raw, today).items()
        if not ONLY or any(part in label for part in ONLY)
    }
    missed = False
    print(
        f"whole refresh, dashboard.load ({repeat} runs each, interleaved with the plain "
        f"GROUP BY; target p95 < {SERVED_MS} ms served by the aggregates, "
        f"< {OTHER_MS} ms otherwise)"
    )
    for label, (flt, served) in filters.items():
        for breakdown in BREAKDOWNS:
            call: Callable[[], Any] = lambda f=flt, b=breakdown: dashboard.load(  # noqa: E731
                f, b, today, now
            )
            sent = len(record_statements(call))
            paired = interleaved(call, plain_group_by(raw, mark, flt, breakdown, today), repeat)
            target = SERVED_MS if served else OTHER_MS
            name = f"{label} by {breakdown}" + (" (aggregates)" if served else "")
            missed |= _report(name, paired, target, sent)
            figures[f"refresh: {name}"] = (paired.app_median, paired.base_median)
    print("open pipeline and forecast alone, db.open_sums (what the aggregates hold)")
    for label, (flt, served) in filters.items():
        base: OpportunityFilter = flt.opportunity_filter()
        call = lambda b=base: db_dashboard.open_sums(b, "owner", today)  # noqa: E731
        paired = interleaved(call, plain_group_by(raw, mark, flt, "owner", today), repeat)
        _report(f"{label} by owner", paired, SERVED_MS if served else OTHER_MS)
        figures[f"open_sums: {label}"] = (paired.app_median, paired.base_median)
    return missed


def _drop_triggers() -> None:
    if connection.is_sqlite():
        for name in aggregates.TRIGGER_NAMES:
            database.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        return
    # On the server the stage visits came with the aggregates: without both, as before.
    for name, table in [
        *aggregates.SERVER_TRIGGER_NAMES,
        ("stage_visit_move", "stage_change"),
        ("stage_visit_status", "opportunity"),
    ]:
        database.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def _rows_written() -> int:
    """Rows the database has inserted, updated or deleted so far (in this transaction, on
    PostgreSQL), whoever wrote them: the program's statements or the triggers'."""
    if connection.is_sqlite():
        return int(database.connection().total_changes)
    return int(
        database.execute_sql(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        ).fetchone()[0]
    )


def write_path(repeat: int) -> None:
    """A save of an open opportunity's revenue and close date, and a stage move, each
    as the program keeps them, without the aggregates' triggers and without the dashboard's
    covering index, in a transaction rolled back."""
    opp, kind = database.execute_sql(
        "SELECT id, kind_id FROM opportunity WHERE status = 'open' AND owner_id IS NOT NULL "
        "AND stage_id IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    stages = [
        r[0]
        for r in database.execute_sql(
            "SELECT id FROM stage WHERE kind_id = "
            + database.param
            + " AND NOT is_won AND NOT is_lost ORDER BY sequence",
            (kind,),
        ).fetchall()
    ]
    today = date.today()

    def save(n: int) -> Callable[[], object]:
        detail = opportunities.get(opp)
        changed = replace(
            detail,
            est_revenue=detail.est_revenue + Decimal(n + 1),
            est_close_date=today + timedelta(days=10 + n % 50),
        )
        return lambda: opportunities.update(opp, changed, detail.version, today=today)

    def move(n: int) -> Callable[[], object]:
        # To the next stage (or back from the last): the move the stage rule allows.
        at = stages.index(opportunities.get(opp).stage_id)
        to = stages[at + 1] if at + 1 < len(stages) else stages[at - 1]
        return lambda: process.move_to_stage(opp, to)

    # What each variant drops inside its transaction: nothing, the aggregates' triggers, or
    # (SQLite) the dashboard's covering index of schema step dashboard_pairs.
    variants: dict[str, Callable[[], object]] = {
        "as kept": lambda: None,
        "without the aggregates' triggers": _drop_triggers,
    }
    if connection.is_sqlite():
        variants["without the covering index"] = lambda: database.execute_sql(
            f'DROP INDEX IF EXISTS "{COVER_INDEX}"'
        )
    print(
        "the write path: a save and a stage move, as kept, without the aggregates' triggers "
        "and without the dashboard's covering index"
    )
    for label, make in (("save (revenue, close date)", save), ("stage move", move)):
        times: dict[str, list[float]] = {v: [] for v in variants}
        sent: dict[str, int] = {}
        written: dict[str, int] = {}
        for n in range(repeat):
            order = list(variants) if n % 2 == 0 else list(reversed(variants))
            for variant in order:
                with database.atomic() as transaction:
                    variants[variant]()
                    work = make(n)
                    before = _rows_written()
                    start = time.perf_counter()
                    statements = record_statements(work)
                    times[variant].append((time.perf_counter() - start) * 1000)
                    written[variant] = _rows_written() - before
                    sent[variant] = len(statements)
                    transaction.rollback()
        for variant in variants:
            ordered = sorted(times[variant])
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(
                f"  {label:<28} {variant:<33}: median {statistics.median(ordered):6.1f} "
                f"p95 {p95:6.1f} ms, {sent[variant]:2d} statements sent, "
                f"{written[variant]:3d} rows written"
            )


def _sqlite_raw(path: Path) -> sqlite3.Connection:
    raw = sqlite3.connect(path)
    for name, value in SQLITE_PRAGMAS.items():
        raw.execute(f"PRAGMA {name} = {value}")
    return raw


def bench_backend(
    label: str, open_bound: Callable[[], object], raw: Any, mark: str, repeat: int
) -> tuple[bool, Figures]:
    figures: Figures = {}
    open_bound()
    try:
        sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
        print(f"--- {label}")
        missed = refresh(raw, mark, repeat, figures)
        write_path(max(5, repeat // 2))
    finally:
        sign_in.sign_out()
        workspace.close_database()
        raw.close()
    return missed, figures


def bench_size(
    opportunities_: int,
    moves_per: int,
    repeat: int,
    server: pg_server.TestServer | None,
    sqlite: bool = True,
    moved: str | None = None,
) -> tuple[bool, dict[str, Figures]]:
    start = time.perf_counter()
    path = build(opportunities_, opportunities_ // 2, opportunities_ * moves_per)
    raw = _sqlite_raw(path)
    count = _one(raw, "SELECT count(*) FROM opportunity")
    move_count = _one(raw, "SELECT count(*) FROM stage_change")
    raw.close()
    print(
        f"\n=== {count:,} opportunities, {move_count:,} stage moves ({path}; ready in "
        f"{time.perf_counter() - start:.1f} s)"
    )
    found: dict[str, Figures] = {}
    missed = False
    if sqlite:
        missed, found["SQLite"] = bench_backend(
            "SQLite", lambda: workspace.open_database(path), _sqlite_raw(path), "?", repeat
        )
    if moved is not None:
        # An earlier run's move of this file, kept on its server: upgraded as the program
        # opens it, timed without moving it again (a move of 300,000 takes some 13 minutes).
        workspace.open_server(moved)
        workspace.close_database()
        server_raw = psycopg2.connect(moved)
        server_raw.autocommit = True
        missed_pg, found["PostgreSQL"] = bench_backend(
            "PostgreSQL", lambda: connection.open_postgres(moved), server_raw, "%s", repeat
        )
        missed |= missed_pg
    elif server is not None:
        name = server.create_database(f"bench_dashboard_{opportunities_}")
        url = server.url(name)
        started = time.perf_counter()
        move_to_server(url, source=path)
        print(f"moved onto PostgreSQL in {time.perf_counter() - started:.1f} s")
        server_raw = psycopg2.connect(url)
        server_raw.autocommit = True
        server_raw.cursor().execute("ANALYZE")
        try:
            missed_pg, found["PostgreSQL"] = bench_backend(
                "PostgreSQL", lambda: connection.open_postgres(url), server_raw, "%s", repeat
            )
        finally:
            server.drop_database(name)
        missed |= missed_pg
    return missed, found


def growth(sizes: list[int], by_size: dict[int, dict[str, Figures]]) -> bool:
    """Each figure from one size to the next against the data's own growth (issue 22):
    the program's median may grow by the data's ratio x1.2, or as much as its baseline (a
    plain GROUP BY, which does a fixed amount of work per row it reads) grew in the same
    run: then the machine's caches grew the figure, not the program's reads. Below 20 ms a
    figure is mostly fixed costs and the machine's noise."""
    missed = False
    for small, large in itertools.pairwise(sizes):
        data = large / small
        print(
            f"\ngrowth {small:,} -> {large:,} opportunities (the data: x{data:.0f}, limit x{data * 1.2:.1f})"
        )
        for backend in by_size[large]:
            for label, (slow, slow_base) in by_size[large][backend].items():
                found = by_size[small].get(backend, {}).get(label)
                if not found or not found[0]:
                    continue
                fast, fast_base = found
                factor = slow / fast
                base = slow_base / fast_base if fast_base else float("inf")
                over = factor > data * 1.2 and factor > base and slow >= 20
                missed |= over
                excused = (
                    "  (the baseline grew as much)" if factor > data * 1.2 and not over else ""
                )
                print(
                    f"  {backend:<10} {label:<62} {fast:7.1f} -> {slow:7.1f} ms  x{factor:5.1f} "
                    f"(baseline x{base:5.1f})" + ("  <-- faster than the data" if over else excused)
                )
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--moves-per-opportunity", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--postgresql", action="store_true", help="time PostgreSQL too, on a server of its own"
    )
    parser.add_argument("--server", help="time PostgreSQL too, on this server (an admin URL)")
    parser.add_argument(
        "--server-only", action="store_true", help="with --postgresql or --server: not SQLite"
    )
    parser.add_argument(
        "--moved",
        help="time PostgreSQL on this database, the one size's file moved there before "
        "(a URL; upgraded as the program opens it) rather than moving it again",
    )
    parser.add_argument(
        "--figures",
        type=Path,
        help="a JSON file of the medians by size: the sizes of earlier runs kept there count "
        "in the growth check, and this run's are added (runs split to keep each one short)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="time only the filters whose labels hold one of these comma-separated parts",
    )
    args = parser.parse_args()
    ONLY.extend(part for part in args.only.split(",") if part)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    server: pg_server.TestServer | None = None
    if args.postgresql or args.server:
        server = pg_server.TestServer()
        if args.server:
            server.admin_url = args.server
        server.start()
    missed = False
    sizes = [int(n) for n in args.sizes.split(",")]
    by_size: dict[int, dict[str, Figures]] = {}
    try:
        for size in sizes:
            size_missed, by_size[size] = bench_size(
                size,
                args.moves_per_opportunity,
                args.repeat,
                server,
                not args.server_only,
                args.moved,
            )
            missed |= size_missed
    finally:
        if server is not None:
            with contextlib.suppress(Exception):
                server.stop()
    if args.figures is not None:
        kept = json.loads(args.figures.read_text()) if args.figures.exists() else {}
        for size, backends in by_size.items():
            for backend, figures in backends.items():
                kept.setdefault(str(size), {}).setdefault(backend, {}).update(figures)
        args.figures.write_text(json.dumps(kept, indent=1, ensure_ascii=False))
        by_size = {
            int(size): {b: {k: (v[0], v[1]) for k, v in f.items()} for b, f in backends.items()}
            for size, backends in kept.items()
        }
        sizes = sorted(by_size)
    if len(sizes) > 1:
        missed |= growth(sizes, by_size)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
