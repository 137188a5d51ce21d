"""Schema step start_sorts: on the server, a search of one word's start of one or two
letters under *status*, *probability*, *brand and model* and *id* reads its page from an
index of the starts in the sort's order; the pages are a plain reading's, every write keeps
the starts' keys, a server database of the version before gains them, and SQLite is left
as it was (its own index of starts in order is schema step sort_starts')."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import demo
from app.db import list_walks, migrations, queries
from app.db import models as m
from app.db.connection import database
from app.db.steps.opportunity_starts import _TRIGGER as STARTS_TRIGGER_BEFORE
from app.db.steps.opportunity_starts import STARTS
from app.db.steps.sort_starts import START_ORDERS as SORT_START_ORDERS
from app.db.steps.start_sorts import KEYS, start_sorts
from app.services import opportunities, workspace
from app.services.move_to_server import move_to_server
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, people, pg_server
from tests.services.test_list_queries import TODAY, _expected
from tests.services.test_list_queries import rows as rows  # the fixture: the demo's rows
from tests.services.test_opportunity_starts import _starts_expected, _starts_held

# Starts of one and two letters, common and rare, an umlaut's and a VIN's.
_TEXTS = ("o", "e", "g", "go", "mü", "o'", "wv", "x9")

# The starts whose keys differ from their opportunity's (none when they are kept).
_HELD_KEYS = ", ".join(f"s.{key}" for key in KEYS)
_ROW_KEYS = ", ".join(f"o.{key}" for key in KEYS)
_STALE = f"""
SELECT count(*) FROM {STARTS} s JOIN opportunity o ON o.id = s.opportunity_id
WHERE ({_HELD_KEYS}) IS DISTINCT FROM ({_ROW_KEYS})
"""


def _stale() -> int:
    opportunities.count(OpportunityFilter(text="x"))  # the server folds what is pending
    return int(database.execute_sql(_STALE).fetchone()[0])


@pytest.mark.parametrize("sort", sorted(list_walks.START_ORDERS))
def test_pages_by_the_starts_order_are_a_plain_reading(
    rows: list[tuple[Any, ...]], sort: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[bool] = []
    real = list_walks.start_ordered_ids

    def spy(*args: Any) -> tuple[str, list[Any]] | None:
        taken.append(real(*args) is not None)
        return real(*args)

    monkeypatch.setattr(list_walks, "start_ordered_ids", spy)
    status_of = {r[0]: r[11] for r in rows}
    for text in _TEXTS:
        for status in (None, "open", "won"):
            flt = OpportunityFilter(text=text, status=status)
            for descending in (False, True):
                expected = [
                    i
                    for i in _expected(rows, text, sort, descending, None)
                    if status is None or status_of[i] == status
                ]
                assert opportunities.count(flt, TODAY) == len(expected), (text, status)
                for offset, limit in ((0, 5), (3, 7), (0, 500)):
                    page = opportunities.page(flt, sort, descending, offset, limit, TODAY)
                    wanted = expected[offset : offset + limit]
                    assert [r.id for r in page] == wanted, (text, status, descending, offset)
    # The server read them by the starts' index; SQLite by its own where it has one
    # (schema step sort_starts).
    assert any(taken) == (backend == "postgresql" or sort in SORT_START_ORDERS)


@pytest.mark.postgresql_only
def test_other_searches_and_filters_keep_their_ways(rows: list[tuple[Any, ...]]) -> None:
    def ordered(text: str, sort: str = "brand_model", **flt: Any) -> bool:
        terms = queries.searched(OpportunityFilter(text=text, **flt))
        found = list_walks.start_ordered_ids(
            OpportunityFilter(text=text, **flt), terms, sort, False
        )
        return found is not None

    assert ordered("wv") and ordered("wv", status="open") and ordered("o", "status")
    assert ordered("wv", "topic") and ordered("wv", "stage") and ordered("wv", "owner")
    assert not ordered("w", "topic")  # a letter: that index holds the starts of two
    assert not ordered("wv", "customer")  # no index of the starts in that order
    assert not ordered("golf")  # three letters and more: the trigram index
    assert not ordered("wv r")  # two terms
    assert not ordered("wv", owner_id=rows[0][13])  # a filter besides the status
    assert not ordered("12", phones=("12",))  # also read as a phone number


@pytest.mark.postgresql_only
def test_every_write_keeps_the_starts_keys(user: UserInfo, backend: str) -> None:
    """Creating, a stage's probability, the brand and model, the status, the search text:
    each start holds its opportunity's keys."""
    sale = factories.opportunity(user.id, topic="Golf GTI", brand="VW", model="Golf")
    other = factories.opportunity(user.id, topic="Octavia", brand="Skoda", model="Octavia")
    assert _stale() == 0 and _starts_held() == _starts_expected()
    held = database.execute_sql(
        f"SELECT DISTINCT brand, model FROM {STARTS} WHERE opportunity_id = %s", (sale.id,)
    ).fetchall()
    assert held == [("VW", "Golf")]
    row = m.Opportunity.get_by_id(sale.id)
    row.probability = 75
    row.save()
    assert _stale() == 0
    row.brand, row.model = "Audi", "A3"
    row.save()
    assert _stale() == 0 and _starts_held() == _starts_expected()
    row.status = "lost"
    row.probability = 0
    row.save()
    row.topic = "Zander estate"
    row.save()
    assert _stale() == 0 and _starts_held() == _starts_expected()
    # The stage, the owner, and what their keys are read from (schema step
    # start_sort_keys): the stage's order and the owner's name are set on the opportunity
    # by a trigger, which no UPDATE names.
    stages = list(m.Stage.select().order_by(m.Stage.id))
    row.stage = stages[-1].id
    row.owner = people.add_user("zoe", full_name="Zoe Zimmer").id
    row.save()
    assert _stale() == 0
    m.Stage.update(sequence=m.Stage.sequence + 100).where(m.Stage.id == stages[-1].id).execute()
    m.User.update(full_name="Aaron Abel").where(m.User.username == "zoe").execute()
    assert _stale() == 0
    held = database.execute_sql(
        f"SELECT DISTINCT topic, sort_stage, sort_owner FROM {STARTS} WHERE opportunity_id = %s",
        (sale.id,),
    ).fetchall()
    assert held == [("Zander estate", stages[-1].sequence + 100, "Aaron Abel")]
    # The pages follow the keys as they are now.
    keys = {o.id: (o.probability, o.brand, o.model) for o in m.Opportunity.select()}
    for text in ("a", "o", "z"):
        flt = OpportunityFilter(text=text)
        found = [r.id for r in opportunities.page(flt, "id", False, 0, 500)]
        assert {"a": sale.id, "o": other.id, "z": sale.id}[text] in found
        by_probability = opportunities.page(flt, "probability", True, 0, 500)
        assert [r.id for r in by_probability] == sorted(
            found, key=lambda i: (keys[i][0], i), reverse=True
        )
        by_brand = opportunities.page(flt, "brand_model", False, 0, 500)
        assert [r.id for r in by_brand] == sorted(found, key=lambda i: (*keys[i][1:], i))


def gains_the_keys_once(
    pg_url: str,
    step: Callable[[Any], None],
    undo: tuple[str, ...],
    change: Callable[[m.Opportunity], None],
    held: Callable[[], None] = lambda: None,
) -> None:
    """A server database taken back before `step` by `undo` statements (its starts without
    some keys) gains them on opening, every start's keys its opportunity's (`held`: what
    else the step leaves); run again, the step writes the same starts; and `change` to an
    opportunity is followed (the trigger is back)."""
    with pg_server.one_version_back(pg_url, step, *undo):
        demo.load_demo(today=TODAY)
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        people.sign_in_as("anna")
        assert _stale() == 0
        assert _starts_held() == _starts_expected()
        held()
        count = database.execute_sql(f"SELECT count(*) FROM {STARTS}").fetchone()[0]
        # Run again, as after an interruption before its commit: the same starts.
        with database.atomic():
            step(database.obj)
        assert _stale() == 0
        assert database.execute_sql(f"SELECT count(*) FROM {STARTS}").fetchone()[0] == count
        first = m.Opportunity.select().order_by(m.Opportunity.id).first()
        change(first)
        first.save()
        assert _stale() == 0
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_the_keys_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    def change(row: m.Opportunity) -> None:
        row.probability, row.model = 5, "Zeta"

    # As the database was before the step: the starts without keys, their first trigger.
    undo = (
        "DROP TRIGGER opportunity_start_keys ON opportunity",
        "DROP FUNCTION opportunity_start_keys()",
        "DROP INDEX opportunity_start_probability",
        "DROP INDEX opportunity_start_brand_model",
        f"ALTER TABLE {STARTS} DROP COLUMN probability, DROP COLUMN brand, DROP COLUMN model",
        STARTS_TRIGGER_BEFORE[0],
    )
    gains_the_keys_once(pg_url, start_sorts, undo, change)


@pytest.mark.postgresql_only
def test_a_moved_database_s_starts_hold_the_keys(
    data_dir: Path, pg: pg_server.TestServer, backend: str
) -> None:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    people.sign_in_as("anna")
    demo.load_demo(today=TODAY)
    workspace.close_database()
    url = pg.url(pg.create_database())
    move_to_server(url, source=path)
    workspace.open_server(url)
    try:
        people.sign_in_as("anna")
        assert _stale() == 0 and _starts_held() == _starts_expected()
        brands = database.execute_sql(f"SELECT count(DISTINCT brand) FROM {STARTS}").fetchone()
        assert brands[0] > 1
    finally:
        workspace.close_database()


@pytest.mark.sqlite_only
def test_sqlite_gains_nothing(db: Any) -> None:
    assert STARTS not in database.get_tables()
    start_sorts(database.obj)
    assert STARTS not in database.get_tables()
