"""Schema step start_sort_keys: on the server each word start also keeps its opportunity's
topic, stage order and owner's name, so a search of a start of two letters under *topic*,
*stage* and *owner*, and a word's walk (three characters or more) under those and the
sorts of start_sorts, read their page in the sort's order from an index; a sale without a
stage or an owner sorts first ascending and last descending, as on SQLite; a server
database of the version before gains the keys once, and SQLite is left as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.db import list_walks, queries
from app.db import models as m
from app.db.connection import database
from app.db.steps.opportunity_starts import STARTS
from app.db.steps.start_sort_keys import start_sort_keys
from app.domain.text import words_of
from app.services import opportunities
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories, people
from tests.services.test_list_queries import TODAY
from tests.services.test_start_sorts import _stale, gains_the_keys_once

_NEW_KEYS = ("topic", "sort_stage", "sort_owner")


def _plain(text: str, column: str, descending: bool) -> list[int]:
    """The sales whose words start with `text`, in the order of `column` read from the
    opportunities (NULL first ascending, as SQLite sorts it), the id after it."""
    found = database.execute_sql(
        f"SELECT o.id, o.{column}, c.body FROM opportunity o "
        "JOIN opportunity_search c ON c.id = o.id"
    ).fetchall()
    hits = [(i, key) for i, key, body in found if any(w.startswith(text) for w in words_of(body))]
    ordered = sorted(hits, key=lambda h: (h[1] is not None, h[1] if h[1] is not None else 0, h[0]))
    ids = [h[0] for h in ordered]
    return ids[::-1] if descending else ids


@pytest.mark.postgresql_only
@pytest.mark.parametrize("sort, column", [("stage", "sort_stage"), ("owner", "sort_owner")])
def test_a_sale_without_a_stage_or_an_owner_sorts_first_ascending(
    user: UserInfo, sort: str, column: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[str] = []
    for name in ("start_ordered_ids", "_server_word_walk"):
        real = getattr(list_walks, name)

        def spy(*args: Any, real: Any = real, name: str = name) -> Any:
            found = real(*args)
            if found is not None:
                taken.append(name)
            return found

        monkeypatch.setattr(list_walks, name, spy)
    other = people.add_user("zoe", full_name="Zoe Zimmer")
    for n in range(8):
        sale = factories.opportunity(
            other.id if n % 3 else user.id, topic=f"Wvwzzz{n} Golf", brand="VW", model="Golf"
        )
        if n in (2, 5):
            row = m.Opportunity.get_by_id(sale.id)
            row.stage, row.owner = (None, row.owner) if n == 2 else (row.stage, None)
            row.save()
    assert _stale() == 0
    for text in ("wv", "wvwzzz"):
        # The count's bound made the term's count: the word's walk is taken.
        count = opportunities.count(OpportunityFilter(text=text), TODAY)
        monkeypatch.setattr(queries, "COUNT_LIMIT", count)
        for descending in (False, True):
            expected = _plain(text, column, descending)
            assert len(expected) == 8
            for offset, limit in ((0, 3), (2, 4), (0, 50)):
                page = opportunities.page(
                    OpportunityFilter(text=text), sort, descending, offset, limit, TODAY
                )
                assert [r.id for r in page] == expected[offset : offset + limit], (text, offset)
    assert set(taken) == {"start_ordered_ids", "_server_word_walk"}


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_the_keys_once(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    def held() -> None:
        owners = database.execute_sql(
            f"SELECT count(DISTINCT sort_owner) FROM {STARTS} WHERE length(start) = 2"
        ).fetchone()[0]
        assert owners > 1
        indexes = database.execute_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", (STARTS,)
        ).fetchall()
        assert {"opportunity_start_topic", "opportunity_start_stage"} <= {r[0] for r in indexes}

    def change(row: m.Opportunity) -> None:
        row.topic = "Zephyr"

    # As the database was before the step: the starts without the three keys.
    undo = (
        "DROP INDEX opportunity_start_topic",
        "DROP INDEX opportunity_start_stage",
        "DROP INDEX opportunity_start_owner",
        f"ALTER TABLE {STARTS} {', '.join(f'DROP COLUMN {key}' for key in _NEW_KEYS)}",
    )
    gains_the_keys_once(pg_url, start_sort_keys, undo, change, held)


@pytest.mark.sqlite_only
def test_sqlite_gains_nothing(db: Any) -> None:
    assert STARTS not in database.get_tables()
    start_sort_keys(database.obj)
    assert STARTS not in database.get_tables()
