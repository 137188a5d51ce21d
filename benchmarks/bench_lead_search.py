"""The lead and customer lists' searches on a large database: each keystroke, the count and
the first page.

A user types searches one character at a time (a surname, one with an umlaut, one with an
apostrophe, a model, a mail domain); each keystroke runs what the list runs for a filter
(its count, up to "more than 10,000", and its first 200 rows, through one service call):
the leads by received time, newest first, everyone's and the open ones (where the list
starts), and by name; the customers by name (where the list starts) and by city.

The baseline is independent of the program's code: the same job done naively from the
schema, one LIKE over the searched columns joined together (lower(), no folding, no index),
the count and the first 200 rows, on the program's connection, interleaved with the
program's keystrokes. Figures per term length (1, 2, 3 and 4 or more characters): median
and 95th percentile, and the ratio of the medians (benchmarks.measure.keystrokes).

    PYTHONPATH=. python -m benchmarks.bench_lead_search [--database PATH] [--repeat 3]
        [--lists leads,customers] [--postgresql | --server-database postgresql://user:password@host/db]

The database (default: the synthetic one of 100,000 opportunities that
benchmarks.bench_list_queries builds) is copied into bench-data/lead-search/ and the copy
opened, upgraded to this program's schema; the original is never written. With
--postgresql it is then moved onto a PostgreSQL server of the benchmark's own
(tests/pg_server.py; some minutes at 100,000) and timed there too; --server-database times
a database already moved onto a server instead. Exits 1 when a target is missed: p95 typed
-> shown < 50 ms for every term length.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app import demo
from app.db.connection import database, is_sqlite
from app.services import accounts, leads, sign_in, workspace
from app.services.accounts import AccountFilter
from app.services.leads import LeadFilter
from benchmarks import synthetic
from benchmarks.measure import Keystrokes, keystrokes, report_keystrokes, typed

DATA = synthetic.ROOT / "bench-data"
PAGE = 200
KEYSTROKE_MS = 50
WORDS = ("rossi", "müller", "o'brien", "golf", "example")
LISTS = ("leads", "customers")  # the lists timed (--lists)
CUSTOMER_WORDS = ("rossi", "müller", "o'brien", "rosenheim", "example", "8031")

_LEAD_BASE_FROM = """FROM lead WHERE lower(first_name || ' ' || last_name || ' ' || company_name
    || ' ' || email || ' ' || phone || ' ' || brand || ' ' || model || ' ' || source) LIKE ?"""
_LEAD_BASE = (
    "SELECT count(*) " + _LEAD_BASE_FROM,
    "SELECT id, first_name, last_name, company_name, email, phone, brand, model, channel, "
    f"source, owner_id, status, created_at {_LEAD_BASE_FROM} ORDER BY created_at DESC, id DESC "
    f"LIMIT {PAGE}",
)
_CUSTOMER_BASE_FROM = """FROM account WHERE lower(name || ' ' || email || ' ' || phone || ' '
    || postcode || ' ' || city) LIKE ?"""
_CUSTOMER_BASE = (
    "SELECT count(*) " + _CUSTOMER_BASE_FROM,
    f"SELECT id, name, kind, email, phone, postcode, city {_CUSTOMER_BASE_FROM} "
    f"ORDER BY name, id LIMIT {PAGE}",
)


def _baseline(statements: Sequence[str]) -> Callable[[str], Callable[[], object]]:
    """The naive search written from the schema, on the program's connection."""

    def for_text(text: str) -> Callable[[], object]:
        param = "?" if is_sqlite() else "%s"

        def run() -> None:
            cursor = database.connection().cursor()
            for sql in statements:
                cursor.execute(sql.replace("?", param), (f"%{text.lower()}%",))
                cursor.fetchall()

        return run

    return for_text


def _lead_variants(text: str) -> list[tuple[str, Callable[[], object]]]:
    def call(flt: LeadFilter, sort: str) -> Callable[[], object]:
        return lambda: leads.count_and_first_page(flt, sort, sort == "created_at", PAGE)

    return [
        ("leads by time", call(LeadFilter(text=text), "created_at")),
        ("open leads by time", call(LeadFilter(text=text, open_only=True), "created_at")),
        ("leads by name", call(LeadFilter(text=text), "name")),
    ]


def _customer_variants(text: str) -> list[tuple[str, Callable[[], object]]]:
    def call(sort: str) -> Callable[[], object]:
        return lambda: accounts.count_and_first_page(AccountFilter(text=text), sort, False, PAGE)

    return [("customers by name", call("name")), ("customers by city", call("city"))]


def _report(label: str, found: Keystrokes) -> list[str]:
    """The figures per term length, then every keystroke that took the target or longer."""
    missed = report_keystrokes(label, found, KEYSTROKE_MS)
    over = [k for k in found.slowest if k[0] >= KEYSTROKE_MS]
    print(f"  keystrokes of {KEYSTROKE_MS} ms or more: {len(over)} of {len(found.slowest)}")
    for taken, text, how in over:
        print(f"    {text!r:<12} {how:<28} {taken:6.1f} ms")
    return missed


def bench(label: str, repeat: int, lists: Sequence[str] = LISTS) -> list[str]:
    missed = []
    if "leads" in lists:
        missed += _bench_leads(label, repeat)
    if "customers" in lists:
        missed += _bench_customers(label, repeat)
    return missed


def _bench_leads(label: str, repeat: int) -> list[str]:
    total = database.execute_sql("SELECT count(*) FROM lead").fetchone()[0]
    texts = [t for word in WORDS for t in typed(word)]
    print(
        f"\n[{label}] lead search, {total:,} leads: {len(texts)} texts ({', '.join(WORDS)}) "
        f"typed one character at a time, x{repeat}; count + first {PAGE} rows "
        f"(target p95 < {KEYSTROKE_MS} ms)"
    )
    found = keystrokes(texts, repeat, _lead_variants, _baseline(_LEAD_BASE), repeat)
    return _report(f"{label} leads", found)


def _bench_customers(label: str, repeat: int) -> list[str]:
    total = database.execute_sql("SELECT count(*) FROM account").fetchone()[0]
    texts = [t for word in CUSTOMER_WORDS for t in typed(word)]
    print(
        f"\n[{label}] customer search, {total:,} customers: {len(texts)} texts "
        f"({', '.join(CUSTOMER_WORDS)}), x{repeat}; count + first {PAGE} rows "
        f"(target p95 < {KEYSTROKE_MS} ms)"
    )
    found = keystrokes(texts, repeat, _customer_variants, _baseline(_CUSTOMER_BASE), repeat)
    return _report(f"{label} customers", found)


def _signed_in(label: str, repeat: int, lists: Sequence[str]) -> list[str]:
    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    try:
        return bench(label, repeat, lists)
    finally:
        workspace.close_database()


def _on_own_server(copy: Path, repeat: int, lists: Sequence[str]) -> list[str]:
    from app.services.move_to_server import move_to_server
    from tests import pg_server

    server = pg_server.TestServer()
    server.start()
    try:
        url = server.url(server.create_database("bench_lead_search"))
        started = time.perf_counter()
        move_to_server(url, source=copy)
        print(f"\nmoved onto the server in {time.perf_counter() - started:.1f} s")
        workspace.open_server(url)
        database.execute_sql("ANALYZE")
        return _signed_in("PostgreSQL", repeat, lists)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=DATA / "large-100000" / "showroom.sqlite3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--lists", default=",".join(LISTS), help="the lists timed, of: " + ", ".join(LISTS)
    )
    server = parser.add_mutually_exclusive_group()
    server.add_argument("--postgresql", action="store_true", help="also on a server of its own")
    server.add_argument("--server-database", help="a database already moved onto a server")
    args = parser.parse_args()
    lists = args.lists.split(",")
    if not lists or set(lists) - set(LISTS):
        parser.error(f"--lists: of {', '.join(LISTS)}")
    if not args.database.exists():
        sys.exit(f"{args.database}: no such database (benchmarks.bench_list_queries builds it)")
    copy = DATA / "lead-search" / "showroom.sqlite3"
    copy.parent.mkdir(parents=True, exist_ok=True)
    for extra in ("-wal", "-shm"):
        Path(f"{copy}{extra}").unlink(missing_ok=True)
    shutil.copyfile(args.database, copy)
    started = time.perf_counter()
    workspace.open_database(copy)
    print(f"{copy}: opened (upgraded) in {time.perf_counter() - started:.1f} s")
    missed = _signed_in("SQLite", args.repeat, lists)
    if args.postgresql:
        missed += _on_own_server(copy, args.repeat, lists)
    elif args.server_database:
        workspace.open_server(args.server_database)
        missed += _signed_in("PostgreSQL", args.repeat, lists)
    if missed:
        print("\ntargets missed:\n  " + "\n  ".join(missed))
        sys.exit(1)
    print("\nevery target met")


if __name__ == "__main__":
    main()
