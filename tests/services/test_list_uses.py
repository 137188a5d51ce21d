"""The lists page's "Used" column: how many records keep each entry, counted in one grouped
query per list however many entries it has, and the same counts a plain reading of the
records gives."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from app import demo
from app.db.connection import database
from app.domain.master_data import CODED_LISTS, ListKind
from app.services import master_data, sign_in
from app.services.master_data import ListEntry
from benchmarks.statements import record_statements

TODAY = date(2027, 3, 15)

# Which columns keep each list's entries (a coded list's by code, the others by name).
KEPT_IN = {
    "lost": [("opportunity", "lost_reason")],
    "won": [("opportunity", "won_reason")],
    "disqualify": [("lead", "disqualify_reason")],
    "note": [("activity", "note_reason")],
    "source": [("opportunity", "source"), ("lead", "source")],
    "competitor": [("opportunity", "competitor")],
    "channel": [("opportunity", "channel"), ("lead", "channel")],
    "interest": [("opportunity", "interest"), ("lead", "interest")],
    "outcome": [("activity", "outcome")],
}


def _plain_count(kind: str, kept: str) -> int:
    return sum(
        int(
            database.execute_sql(
                f"SELECT count(*) FROM {table} WHERE {column} = {database.param}", (kept,)
            ).fetchone()[0]
        )
        for table, column in KEPT_IN[kind]
    )


def test_every_list_is_named() -> None:
    assert set(KEPT_IN) == {k.value for k in ListKind}


def test_the_used_counts_match_the_records_and_take_one_query_per_list(db: Path) -> None:
    demo.load_demo(seed=3, today=TODAY, size=demo.DemoSize(accounts=40, opportunities=60))
    sign_in.sign_in(demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    used_somewhere: set[str] = set()
    for kind in KEPT_IN:
        listed = master_data.list_entries(kind)
        for entry in listed:
            kept = entry.code if kind in CODED_LISTS else entry.name
            assert kept is not None
            assert entry.used == _plain_count(kind, kept), (kind, entry.name)
            if entry.used:
                used_somewhere.add(kind)
        sent = len(record_statements(partial(master_data.list_entries, kind)))
        for n in range(4):
            paid = "cash" if kind == "interest" else ""
            master_data.save(ListEntry(kind=kind, name=f"Added entry {n}", payment_kind=paid))
        assert len(master_data.list_entries(kind)) == len(listed) + 4
        assert len(record_statements(partial(master_data.list_entries, kind))) == sent
    # The demo's records hold entries of the other lists, so the counts above were real.
    assert set(KEPT_IN) - used_somewhere <= {"source", "competitor"}, used_somewhere
