"""Large synthetic databases for the benchmarks: the demo dealership, scaled up.

    PYTHONPATH=. python -m benchmarks.synthetic --opportunities 100000 --accounts 50000 \
        --out bench-data/big.sqlite3

The demo's organisation, staff and catalogue, with as many customers and opportunities as
asked (plus a stock of one vehicle per twenty opportunities and one open lead per ten), so
rows have realistic topics, brands, models, customers and VINs. A file already built with the same parameters is reused.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import date
from pathlib import Path

from app import demo
from app.db.connection import database
from app.services import sign_in, workspace

ROOT = Path(__file__).resolve().parent.parent
# Bump when what build() makes changes, so cached files are rebuilt.
FORMAT = 2
_SETTING = "benchmark.synthetic"


def _schema_digest(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        statements = conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return hashlib.sha256("\n".join(sorted(r[0] for r in statements)).encode()).hexdigest()[:16]


def _current_schema() -> str:
    """The schema this program creates, so a file built before a change to it is rebuilt."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "schema.sqlite3"
        workspace.open_database(path)
        workspace.close_database()
        return _schema_digest(path)


def _signature(opportunities: int, accounts: int, seed: int) -> str:
    return (
        f"format={FORMAT} opportunities={opportunities} accounts={accounts} seed={seed} "
        f"schema={_current_schema()}"
    )


def _built_with(path: Path) -> str | None:
    """The parameters a finished file was built with, or None."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (_SETTING,)).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def build(path: Path, opportunities: int, accounts: int, seed: int = 1) -> Path:
    """Make (or reuse) the database at `path`; leaves no database open."""
    path = Path(path).resolve()
    signature = _signature(opportunities, accounts, seed)
    if path.exists() and _built_with(path) == signature:
        return path
    # Built aside and renamed at the end, so an interrupted build is never taken for a cache.
    partial = path.with_name(path.name + ".partial")
    _remove(partial)
    workspace.open_database(partial)
    try:
        # A big page cache for the build alone: keeping the opportunity table's many indexes
        # in the app's 32 MB takes twice as long.
        database.execute_sql("PRAGMA cache_size = -400000")
        size = demo.DemoSize(
            vehicles=max(80, opportunities // 20),
            accounts=accounts,
            opportunities=opportunities,
            leads=opportunities // 10,
        )
        demo.load_demo(seed=seed, today=date.today(), size=size)
        # The build's mark is a setting, which only an administrator writes.
        sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
        workspace.set_setting(_SETTING, signature)
        # The planner's statistics, as a file of this size has them: the program analyses
        # the tables its statements used as it closes a database (connection.close).
        database.execute_sql("ANALYZE")
        # Whole in one file before it is renamed: a write-ahead log left beside the
        # temporary name would not follow the file (a 300,000 build once lost its data so).
        database.execute_sql("PRAGMA journal_mode = DELETE")
    finally:
        workspace.close_database()
    for extra in ("-wal", "-journal"):
        if Path(f"{partial}{extra}").exists():
            raise RuntimeError(f"{partial}{extra} is left after the build: not renamed")
    _remove(path)
    partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    out = args.out or ROOT / "bench-data" / f"synthetic-{args.opportunities}.sqlite3"
    if args.force:
        _remove(out)
    signature = _signature(args.opportunities, args.accounts, args.seed)
    cached = out.exists() and _built_with(out) == signature
    start = time.perf_counter()
    path = build(out, args.opportunities, args.accounts, args.seed)
    elapsed = time.perf_counter() - start
    size_mb = path.stat().st_size / 1e6
    if cached:
        print(f"{path}: already built with these parameters ({size_mb:.0f} MB)")
    else:
        print(
            f"{path}: {args.opportunities:,} opportunities, {args.accounts:,} accounts built in "
            f"{elapsed:.1f} s ({size_mb:.0f} MB)"
        )


if __name__ == "__main__":
    main()
