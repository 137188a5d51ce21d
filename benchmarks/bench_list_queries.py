"""The opportunity list's search on large databases: each keystroke, typed -> shown.

A user types searches one character at a time (a name, a model, a customer with an umlaut
and one with an apostrophe, the start and the serial of a VIN); each keystroke runs what the
list runs for a filter (the count, up to "more than 10,000", and the first 200 rows), on
everyone's opportunities and on the open ones (where the list starts), in every one of the
fourteen sort orders, each of which an index serves (the customer's, the stage's, the
owner's and the facility's order kept on the opportunity: schema step `search_sort_keys`).
The open ones' first screen without a search is printed under every sort, both ways.

The baseline is independent of the program's code: the same job done naively from the
schema, one LIKE over the searched columns joined together (no folding, no index), the
count and the first 200 rows by close date, on everyone's opportunities. It runs once a
text (it takes seconds at 300,000), interleaved with the program's keystrokes, on the same
database. Figures are printed per term length (1, 2, 3 and 4 or
more characters): median and 95th percentile, and the ratio of the medians.

With --widget the real list page is measured too (offscreen): each keystroke's filter
from the search box to the table's repaint, and how many repaints and model resets each
filter causes; beside it, interleaved, the same reads without Qt (the bar's filter, the
list's sort, the first page), what Qt adds to the reads made inside the filter (the
repaint of the rows), and the statements each filter sends.

    PYTHONPATH=. python -m benchmarks.bench_list_queries [--sizes 10000 100000 300000]
        [--repeat 3] [--server postgresql://user:password@host/postgres [--reuse]
        [--server-only] | --no-server]
        [--widget] [--sorts topic probability ...] [--texts golf WVWZZZ ...] [--both-ways]

--both-ways times each keystroke under each sort descending too (twice the run). --sorts
and --texts narrow a run to some sorts and some searches (each text typed one
character at a time; "vin" stands for the start of a reserved Volkswagen's VIN, "serial"
for its serial), to look at a miss; the keystrokes over the target are listed by sort,
status and text.

Without --server it starts a PostgreSQL server of its own (tests/pg_server.py) and moves
each synthetic database onto it with the program's move-to-server. --reuse keeps the
moved database on a server given with --server and starts the next run from a copy of it
(upgraded as the program does on opening it); --server-only leaves out the SQLite half.
Exits 1 when a target is missed: p95 typed -> shown < 50 ms for every term length, one
repaint per filter.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from itertools import product
from pathlib import Path
from typing import Any

from app import demo
from app.db import connection
from app.db.connection import database, is_sqlite
from app.services import opportunities, sign_in, workspace
from app.services.opportunities import SORT_COLUMNS, OpportunityFilter
from benchmarks import synthetic
from benchmarks.measure import term_length, typed
from benchmarks.statements import record_statements

DATA = synthetic.ROOT / "bench-data"
PAGE = 200
KEYSTROKE_MS = 50
REPAINTS_PER_FILTER = 1
SIZES = (10_000, 100_000, 300_000)

# The baseline: the searched columns joined into one text, LIKE over every row.
_BASE_FROM = """
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
WHERE lower(o.topic || ' ' || a.name || ' ' || o.brand || ' ' || o.model || ' '
            || coalesce(v.vin, '') || ' ' || coalesce(v.stock_number, '')) LIKE ? {status}
"""
_BASE_PAGE = (
    "SELECT o.id, o.topic, a.name, o.brand, o.model, o.est_close_date, o.status "
    + _BASE_FROM
    + " ORDER BY o.est_close_date, o.id LIMIT 200"
)
_BASE_COUNT = "SELECT count(*) " + _BASE_FROM


# The searches typed when --texts names none.
TEXTS = ("golf", "rossi", "müller", "o'brien", "vin", "serial")
# What the run searches: the texts and sorts of --texts and --sorts (set by main()).
_chosen: dict[str, tuple[Any, ...]] = {
    "texts": TEXTS,
    "sorts": tuple(SORT_COLUMNS),
    "directions": (False,),
}


def _sequences() -> dict[str, list[str]]:
    # A VIN of a reserved vehicle in this database, so the VIN searches find something.
    vin = database.execute_sql(
        "SELECT v.vin FROM vehicle v JOIN opportunity o ON o.vehicle_id = v.id "
        f"WHERE v.vin LIKE {database.param} ORDER BY o.id LIMIT 1",
        ("WVW%",),
    ).fetchone()[0]
    named = {"vin": ("VIN start", vin[:8]), "serial": ("VIN serial", vin[-6:])}
    chosen = [named.get(text, (text, text)) for text in _chosen["texts"]]
    return {name: typed(word) for name, word in chosen}


def _ms(seconds: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _baseline(text: str, status: str | None) -> Callable[[], object]:
    """The naive search, on the program's connection (no program code in it)."""
    where = "AND o.status = ?" if status else ""
    params: list[Any] = [f"%{text.lower()}%", *([status] if status else [])]
    param = "?" if is_sqlite() else "%s"
    page = _BASE_PAGE.format(status=where).replace("?", param)
    count = _BASE_COUNT.format(status=where).replace("?", param)
    raw = database.connection()

    def call() -> object:
        cursor = raw.cursor()
        cursor.execute(count, params)
        cursor.fetchall()
        cursor.execute(page, params)
        return cursor.fetchall()

    return call


def bench_keystrokes(label: str, repeat: int) -> list[str]:
    """Times every keystroke against the baseline; returns the targets missed."""
    today = date.today()
    sequences = _sequences()
    typed = [text for texts in sequences.values() for text in texts]
    app: dict[str, list[float]] = defaultdict(list)
    base: dict[str, list[float]] = defaultdict(list)
    by_sort: dict[str, list[float]] = defaultdict(list)
    by_case: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    worst: list[tuple[float, str, str, str]] = []
    for text in typed:
        for status in (None, "open"):
            flt = OpportunityFilter(text=text, status=status)
            for run in range(repeat):
                # Interleaved: the baseline (everyone's; at 300,000 it takes seconds, so
                # once a text) between the program's runs.
                if status is None and run == 0:
                    base[term_length(text)].append(_time(_baseline(text, None)))
                for sort, descending in product(_chosen["sorts"], _chosen["directions"]):
                    elapsed = _time(
                        partial(
                            opportunities.count_and_first_page, flt, sort, descending, PAGE, today
                        )
                    )
                    named = f"{sort} desc" if descending else sort
                    app[term_length(text)].append(elapsed)
                    by_sort[named].append(elapsed)
                    by_case[named, status or "all", text].append(elapsed)
                    worst.append((elapsed, named, text, status or "all"))
    first_screens = {
        (sort, descending): _ms(
            [
                _time(
                    partial(
                        opportunities.count_and_first_page,
                        OpportunityFilter(status="open"),
                        sort,
                        descending,
                        PAGE,
                        today,
                    )
                )
                for _ in range(repeat)
            ]
        )[0]
        for sort in _chosen["sorts"]
        for descending in (False, True)
    }
    print(
        f"\n[{label}] keystrokes: {len(typed)} search texts ({', '.join(sequences)}) typed one "
        f"character at a time, everyone's and the open ones, x{repeat}; count + first {PAGE} "
        f"rows (target p95 < {KEYSTROKE_MS} ms under all {len(SORT_COLUMNS)} sorts)"
    )
    missed: list[str] = []
    for length in ("1", "2", "3", "4+"):
        median, p95 = _ms(app[length])
        base_median, base_p95 = _ms(base[length])
        over = p95 >= KEYSTROKE_MS
        if over:
            missed.append(f"{label}: terms of {length} characters, p95 {p95:.1f} ms")
        print(
            f"  {length:>2} characters: median {median:6.1f} ms  p95 {p95:6.1f} ms   "
            f"baseline median {base_median:7.1f} ms  p95 {base_p95:7.1f} ms   "
            f"ratio {median / base_median:5.3f}" + ("  <-- over target" if over else "")
        )
    print("  by sort (p95): " + ", ".join(f"{s} {_ms(t)[1]:.1f}" for s, t in by_sort.items()))
    print(
        "  the open ones' first screen, no search (median, ascending / descending): "
        + ", ".join(
            f"{s} {first_screens[s, False]:.1f} / {first_screens[s, True]:.1f}"
            for s in _chosen["sorts"]
        )
    )
    over_target = sorted(
        (max(times), case) for case, times in by_case.items() if max(times) * 1000 >= KEYSTROKE_MS
    )
    if over_target:
        print("  keystrokes over the target (slowest run; sort, status, text):")
        for elapsed, (sort, status, text) in reversed(over_target):
            print(f"    {sort:<15} {status:<5} {text!r:<12} {elapsed * 1000:6.1f} ms")
    print("  slowest keystrokes:")
    for elapsed, sort, text, status in sorted(worst, reverse=True)[:5]:
        print(f"    {text!r:<12} {status:<5} by {sort:<15} {elapsed * 1000:6.1f} ms")
    return missed


def bench_widget(label: str, repeat: int) -> list[str]:
    """The real list page: each keystroke's filter, from the search box to the repaint."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.opportunities.opportunity_list import OpportunityListPage

    app = QApplication.instance() or QApplication(sys.argv[:1])

    class Painted(QObject):
        """Counts the rows' repaints, and notes when the rows or their scroll bar were last
        painted: what the filter shows."""

        def __init__(self, rows: QWidget, scroll_bar: QWidget) -> None:
            super().__init__()
            self.rows, self.scroll_bar = rows, scroll_bar
            self.count = 0
            self.at = 0.0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched in (self.rows, self.scroll_bar):
                self.count += watched is self.rows
                self.at = time.perf_counter()
            return False

    user = sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    page = OpportunityListPage(user.id)
    page.resize(1400, 800)
    page.show()
    painted = Painted(page.table.viewport(), page.table.verticalScrollBar())
    app.installEventFilter(painted)
    resets = [0]
    page.model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    for _ in range(5):
        app.processEvents()
    model = page.model
    read_first = model.fetch_first
    inside = [0.0]

    def timed_read(*args: Any) -> Any:
        # The model's own reads, timed inside the filter: the rest is Qt's.
        started = time.perf_counter()
        try:
            return read_first(*args)
        finally:
            inside[0] += time.perf_counter() - started

    model.fetch_first = timed_read  # type: ignore[method-assign]
    times: dict[str, list[float]] = defaultdict(list)
    alone: dict[str, list[float]] = defaultdict(list)
    qt_part: dict[str, list[float]] = defaultdict(list)
    paints: list[int] = []
    resets_each: list[int] = []
    sent_each: list[int] = []
    search = page.filter_bar.search

    def filtered(text: str) -> None:
        painted.count, resets[0], inside[0] = 0, 0, 0.0
        start = [0.0]

        def filter_shown() -> None:
            start[0] = time.perf_counter()
            search.emit_now()
            # Until the events the filter posted are handled: the repaint among them.
            for _ in range(3):
                app.processEvents()

        sent = record_statements(filter_shown)
        elapsed = painted.at - start[0] if painted.count else float("nan")
        times[term_length(text)].append(elapsed)
        qt_part[term_length(text)].append(elapsed - inside[0])
        paints.append(painted.count)
        resets_each.append(resets[0])
        sent_each.append(len(sent))

    def read_alone(text: str) -> None:
        # The same reads without Qt: the bar's filter, the list's sort, the first page.
        column, descending = model.sort_state()
        flt, sort = page.filter_bar.current_filter(), model.COLUMNS[column][1]
        alone[term_length(text)].append(_time(partial(read_first, flt, sort, descending, PAGE)))

    for run in range(repeat):
        for position, text in enumerate(t for texts in _sequences().values() for t in texts):
            search.blockSignals(True)
            search.setText(text)
            search.blockSignals(False)
            app.processEvents()
            # Interleaved, the order turned round every other keystroke: whichever runs
            # second finds the server's and the file's caches warmed by the first.
            if (position + run) % 2:
                filtered(text)
                read_alone(text)
            else:
                read_alone(text)
                filtered(text)
    app.removeEventFilter(painted)
    page.close()
    missed: list[str] = []
    print(
        f"\n[{label}] the list page (offscreen), search box -> rows repainted, x{repeat}, "
        "beside the same reads without Qt (interleaved) and what Qt adds to them:"
    )
    for length in ("1", "2", "3", "4+"):
        median, p95 = _ms(times[length])
        read_median, read_p95 = _ms(alone[length])
        qt_median, qt_p95 = _ms(qt_part[length])
        over = not p95 < KEYSTROKE_MS
        if over:
            missed.append(f"{label}: widget, terms of {length} characters, p95 {p95:.1f} ms")
        print(
            f"  {length:>2} characters: median {median:6.1f} ms  p95 {p95:6.1f} ms   "
            f"reads alone {read_median:6.1f} / {read_p95:6.1f}   "
            f"Qt's part {qt_median:5.1f} / {qt_p95:5.1f}" + ("  <-- over target" if over else "")
        )
    print(f"  statements per filter: {min(sent_each)}-{max(sent_each)}")
    most = max(paints)
    print(
        f"  repaints per filter: {min(paints)}-{most}; model resets per filter: "
        f"{min(resets_each)}-{max(resets_each)}"
    )
    if most > REPAINTS_PER_FILTER or max(resets_each) > 1:
        missed.append(f"{label}: {most} repaints per filter")
    return missed


@contextmanager
def _server(url: str | None) -> Iterator[Any]:
    from tests import pg_server

    server = pg_server.TestServer()
    if url:
        server.admin_url = url
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _on_server(server: Any, path: Path, size: int, reuse: bool) -> None:
    """Open the database at `path`, moved onto the server with the program's move; with
    `reuse`, a copy of the one an earlier run moved and kept there (bench_moved_SIZE),
    upgraded as the program upgrades a server's database on opening it."""
    from app.db import migrations
    from app.services.move_to_server import move_to_server

    name, kept = f"bench_search_{size}", f"bench_moved_{size}"
    started = time.perf_counter()
    if reuse and _holds(server, kept):
        url = server.url(server.create_database(name, template=kept))
        migrations.upgrade(connection.open_postgres(url))
        print(f"  copied from {kept} and upgraded in {time.perf_counter() - started:.1f} s")
    else:
        url = server.url(server.create_database(name))
        move_to_server(url, source=path)
        print(f"  moved onto the server in {time.perf_counter() - started:.1f} s")
        if reuse:
            server.create_database(kept, template=name)
        connection.open_postgres(url)
    database.execute_sql("ANALYZE")


def _holds(server: Any, name: str) -> bool:
    admin = server.admin()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cursor.fetchone() is not None
    finally:
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", help="an admin URL of a server to use (else one of its own)")
    parser.add_argument("--no-server", action="store_true", help="SQLite only")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the moved database on the server (bench_moved_SIZE) and start from a copy "
        "of it the next time (the move takes minutes at 100,000)",
    )
    parser.add_argument("--server-only", action="store_true", help="PostgreSQL only")
    parser.add_argument("--widget", action="store_true", help="the real list page too")
    parser.add_argument("--sorts", nargs="+", choices=list(SORT_COLUMNS), help="only these sorts")
    parser.add_argument(
        "--texts", nargs="+", help=f"only these searches (default: {' '.join(TEXTS)})"
    )
    parser.add_argument(
        "--both-ways", action="store_true", help="each sort descending too (else ascending)"
    )
    args = parser.parse_args()
    _chosen["texts"] = tuple(args.texts or TEXTS)
    _chosen["sorts"] = tuple(args.sorts or SORT_COLUMNS)
    _chosen["directions"] = (False, True) if args.both_ways else (False,)
    missed: list[str] = []
    server_cm = None if args.no_server else _server(args.server)
    server = server_cm.__enter__() if server_cm else None
    try:
        for size in args.sizes:
            start = time.perf_counter()
            path = synthetic.build(
                DATA / f"large-{size}" / "showroom.sqlite3", size, max(size // 2, 1000)
            )
            print(
                f"\n== {size:,} opportunities: {path} (ready in {time.perf_counter() - start:.1f} s)"
            )
            if not args.server_only:
                workspace.open_database(path)
                sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
                try:
                    missed += bench_keystrokes(f"SQLite {size:,}", args.repeat)
                    if args.widget:
                        missed += bench_widget(f"SQLite {size:,}", args.repeat)
                finally:
                    workspace.close_database()
            if server is not None:
                _on_server(server, path, size, args.reuse)
                try:
                    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
                    missed += bench_keystrokes(f"PostgreSQL {size:,}", args.repeat)
                    if args.widget:
                        missed += bench_widget(f"PostgreSQL {size:,}", args.repeat)
                finally:
                    workspace.close_database()
    finally:
        if server_cm:
            server_cm.__exit__(None, None, None)
    if missed:
        print("\ntargets missed:\n  " + "\n  ".join(missed))
        sys.exit(1)
    print("\nevery target met")


if __name__ == "__main__":
    main()
