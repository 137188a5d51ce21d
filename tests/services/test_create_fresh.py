"""A new database gets its shipped rows through the connection it is created with, whatever
database the program's models are bound to at the time (the move to the server creates the
server's schema while the workstation's file stays open)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import Database, SqliteDatabase

from app.db import migrations
from app.db.connection import SQLITE_PRAGMAS, connect_postgres, database
from app.domain import standard_names
from tests.conftest import SQLITE


@pytest.fixture
def second(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty database of the same backend as the test's own, which the models are not
    bound to."""
    if backend == SQLITE:
        file = SqliteDatabase(str(tmp_path / "second.sqlite3"), pragmas=SQLITE_PRAGMAS)
        file.connect()
        yield file
        file.close()
        return
    pg = request.getfixturevalue("pg")
    name = pg.create_database()
    server = connect_postgres(pg.url(name))
    yield server
    server.close()
    pg.drop_database(name)


def _shipped(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """The shipped rows as they stand, with the columns their defaults fill."""

    def rows(sql: str) -> list[tuple[object, ...]]:
        return [tuple(r) for r in db.execute_sql(sql).fetchall()]

    return {
        "kinds": rows("SELECT key, name, process, version FROM opportunity_kind ORDER BY key"),
        "stages": rows(
            "SELECT k.key, s.key, s.name, s.sequence, s.default_probability, s.days_allowed, "
            "s.is_won, s.is_lost, s.in_funnel, s.only_from_lead, s.version "
            "FROM stage s JOIN opportunity_kind k ON k.id = s.kind_id ORDER BY s.sequence"
        ),
        "reasons": rows(
            "SELECT kind, key, code, name, sequence, payment_kind, active, version, "
            "created_at IS NOT NULL FROM reason ORDER BY kind, sequence"
        ),
    }


def test_a_second_database_is_seeded_through_its_own_connection(db: Path, second: Database) -> None:
    bound = database.obj
    before = _shipped(bound)

    migrations.create_fresh(second)

    assert database.obj is bound  # the models stay where they were
    assert _shipped(bound) == before  # and nothing went into the bound database
    created = _shipped(second)
    assert created == before  # the same shipped rows as the test's own new database
    assert [r[1] for r in created["stages"]] == list(standard_names.STAGES)
    coded = {r[1] for r in created["reasons"] if r[2] is not None}
    assert coded == {key for names in standard_names.CODED_LISTS.values() for key in names}
    assert migrations.current_version(second) == migrations.SCHEMA_VERSION
