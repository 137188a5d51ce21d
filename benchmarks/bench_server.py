"""The list, search, duplicate check, opportunity form and dashboard on the site's
PostgreSQL server, against the same targets as on SQLite, with the statements each screen
sends (each one a round trip over the site's network).

The synthetic database (benchmarks/synthetic.py) is built as a SQLite file, moved onto a
PostgreSQL server with the program's own move-to-server, and the same calls timed on both.

    PYTHONPATH=. python -m benchmarks.bench_server [--opportunities 100000] [--repeat 5]
        [--server postgresql://user:password@host/postgres]

Without --server it starts a server of its own (tests/pg_server.py).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app import demo
from app.db import connection
from app.db.connection import database
from app.services import accounts, dashboard, opportunities, sign_in, workspace
from app.services.move_to_server import move_to_server
from app.services.opportunities import OpportunityFilter
from benchmarks import synthetic
from tests import pg_server

DATA = synthetic.ROOT / "bench-data"
TARGETS_MS = {
    "list: first screen (open ones)": 200,
    "list: a search keystroke": 50,
    "duplicate check": 30,
    "opportunity form": 100,
    "dashboard refresh": 300,
}


class StatementCount:
    """Counts what the bound database executes while it is on."""

    def __init__(self) -> None:
        self.count = 0
        obj = database.obj
        self.real = obj.execute_sql

        def counted(sql, params=None, commit=None):  # type: ignore[no-untyped-def]
            self.count += 1
            return self.real(sql, params)

        obj.execute_sql = counted  # type: ignore[method-assign]


def _screens(today: date) -> dict[str, Callable[[], object]]:
    some = opportunities.page(OpportunityFilter(status="open"), "id", False, 0, 1, today)[0].id

    def keystrokes() -> None:
        for typed in ("g", "go", "gol", "golf", "m", "mü", "mül", "müll"):
            flt = OpportunityFilter(text=typed, status="open")
            opportunities.count_and_first_page(flt, "est_close_date", False, 200, today)

    return {
        "list: first screen (open ones)": lambda: opportunities.count_and_first_page(
            OpportunityFilter(status="open"), "est_close_date", False, 200, today
        ),
        "list: a search keystroke": keystrokes,
        "duplicate check": lambda: accounts.find_duplicates(
            accounts.AccountInput(first_name="Maria", last_name="Rossi", phone="+39 02 1234")
        ),
        "opportunity form": lambda: opportunities.open_form(some, None, today),
        "dashboard refresh": lambda: dashboard.load(today=today),
    }


def _measure(name: str, call: Callable[[], object], repeat: int) -> tuple[float, int]:
    per = 8 if name == "list: a search keystroke" else 1  # keystrokes per call
    call()  # warm
    counter = StatementCount()
    call()
    statements = counter.count // per
    database.obj.execute_sql = counter.real  # type: ignore[method-assign]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) / per)
    return statistics.median(times) * 1000, statements


def run(label: str, repeat: int) -> dict[str, tuple[float, int]]:
    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    today = date.today()
    return {n: _measure(n, c, repeat) for n, c in _screens(today).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--server", help="an admin URL of a server to use (else one of its own)")
    args = parser.parse_args()
    path = synthetic.build(
        DATA / f"large-{args.opportunities}" / "showroom.sqlite3", args.opportunities, args.accounts
    )
    server = pg_server.TestServer()
    if args.server:
        server.admin_url = args.server
    server.start()
    try:
        name = server.create_database(f"bench_{args.opportunities}")
        url = server.url(name)
        started = time.perf_counter()
        copies = move_to_server(url, source=path)
        rows = sum(c.rows for c in copies)
        print(f"moved {rows:,} rows to the server in {time.perf_counter() - started:.1f} s")
        results = {}
        workspace.open_database(Path(path))
        results["sqlite"] = run("sqlite", args.repeat)
        workspace.close_database()
        connection.open_postgres(url)
        database.execute_sql("ANALYZE")
        results["postgresql"] = run("postgresql", args.repeat)
        workspace.close_database()
        print(f"\n{args.opportunities:,} opportunities; median of {args.repeat} (statements)")
        print(f"{'screen':<34}{'SQLite':>16}{'PostgreSQL':>18}{'target':>10}")
        for screen, target in TARGETS_MS.items():
            s_ms, s_n = results["sqlite"][screen]
            p_ms, p_n = results["postgresql"][screen]
            mark = "ok" if p_ms < target else "OVER"
            print(
                f"{screen:<34}{s_ms:9.1f} ms ({s_n:>2}){p_ms:10.1f} ms ({p_n:>2})"
                f"{target:>7} ms {mark}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
