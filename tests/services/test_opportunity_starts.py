"""Schema step opportunity_starts: on the server, a search of one or two letters reads a table
of each opportunity's word starts, kept by every write; the list finds the same rows as
SQLite's table of words; a server database of the version before gains the starts; SQLite
is left as it was."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app import demo
from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.opportunity_starts import STARTS, opportunity_starts
from app.domain import vin
from app.domain.text import searchable, words_of
from app.services import opportunities, workspace
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, people, pg_server

TODAY = date(2026, 3, 2)
# The committed filled fixture of the version before the step (SQLite).
FIXTURE = (
    Path(__file__).parent.parent
    / "fixtures"
    / f"schema-v{STEPS.index(opportunity_starts) + 1}.sqlite3"
)

_TEXTS = """
SELECT o.id, o.status, o.topic || ' ' || a.name || ' ' || o.brand || ' ' || o.model || ' '
       || coalesce(v.vin || ' ' || v.stock_number, '')
FROM opportunity o JOIN account a ON a.id = o.account_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
"""


def _starts_expected() -> set[tuple[str, int, str]]:
    """The first one and two characters of every opportunity's words, folded and parted as
    the program does, with its status."""
    rows = database.execute_sql(_TEXTS).fetchall()
    return {
        (w[:n], i, status)
        for i, status, text in rows
        for w in words_of(searchable(text))
        for n in (1, 2)
    }


def _starts_held() -> set[tuple[str, int, str]]:
    # The server folds what its triggers left unfolded before it searches.
    opportunities.count(OpportunityFilter(text="x"))
    rows = database.execute_sql(f"SELECT start, opportunity_id, status FROM {STARTS}")
    return {tuple(r) for r in rows.fetchall()}  # type: ignore[misc]


def _ids(text: str, **flt: object) -> list[int]:
    rows = opportunities.page(OpportunityFilter(text=text, **flt), "id", False, 0, 500)  # type: ignore[arg-type]
    return [r.id for r in rows]


@pytest.mark.postgresql_only
def test_every_write_keeps_the_servers_starts(user: UserInfo, backend: str) -> None:
    """Creating, editing, closing, renaming the customer, changing the vehicle's VIN and
    deleting: the table holds exactly the starts of each search text's words."""
    vehicle, account, sale, other = factories.searched_sales(user.id)
    assert _starts_held() == _starts_expected()
    assert ("wv", sale.id, "open") in _starts_held()
    assert _ids("wv") == [sale.id] and _ids("o'") == [sale.id] and _ids("mu") == [sale.id]
    row = m.Opportunity.get_by_id(sale.id)
    row.status = "lost"  # the status alone: the starts follow it
    row.save()
    assert ("wv", sale.id, "lost") in _starts_held()
    assert _starts_held() == _starts_expected()
    assert _ids("wv", status="open") == [] and _ids("wv", status="lost") == [sale.id]
    row.topic = "Tiguan (family)"
    row.save()
    assert _starts_held() == _starts_expected()
    assert _ids("ti") == [sale.id] and _ids("gt") == []
    named = m.Account.get_by_id(account)
    named.name = "Jäger, Anna"
    named.save()
    vehicle.vin = vin.with_check_digit("TMBJJ7NE0L0999999")
    vehicle.save()
    held = _starts_held()
    assert held == _starts_expected()
    assert ("ja", sale.id, "lost") in held and ("tm", sale.id, "lost") in held
    assert _ids("wv") == [] and _ids("o'") == [] and _ids("ja") == [sale.id]
    m.Opportunity.delete_by_id(other.id)
    assert {i for _s, i, _st in _starts_held()} == {sale.id}
    assert _starts_held() == _starts_expected()


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_the_starts_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    # As the database was before the step: no table, no trigger.
    with pg_server.one_version_back(
        pg_url,
        opportunity_starts,
        "DROP TRIGGER opportunity_start_row ON opportunity_search",
        "DROP FUNCTION opportunity_start_row()",
        f"DROP TABLE {STARTS}",
    ):
        demo.load_demo(today=TODAY)
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        people.sign_in_as("anna")
        held = _starts_held()
        assert held == _starts_expected()
        assert len({i for _s, i, _st in held}) == m.Opportunity.select().count() > 10
        # Run again, as after an interruption before its commit: the same starts.
        with database.atomic():
            opportunity_starts(database.obj)
        assert _starts_held() == held
        # The trigger is back: an edit follows.
        first = m.Opportunity.select().order_by(m.Opportunity.id).first()
        first.topic = "Zygote Quattro"
        first.save()
        assert _starts_held() == _starts_expected()
        assert first.id in _ids("zy")
    finally:
        workspace.close_database()


@pytest.mark.sqlite_only
def test_sqlite_gains_no_table_and_searches_as_before(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(copy) as conn:
        topics = conn.execute("SELECT id, topic FROM opportunity ORDER BY id").fetchall()
    assert len(topics) > 10
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert STARTS not in database.get_tables()
        people.sign_in_as("anna")
        for opportunity_id, topic in topics:
            assert opportunity_id in _ids(words_of(searchable(topic))[0][:2]), topic
    finally:
        workspace.close_database()
