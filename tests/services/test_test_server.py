"""The tests' own server (tests/pg_server.py, the `pg` fixture): nothing a test leaves behind
can hold the template every test's database is copied from, and the copies made ahead are
each a database of their own at the current schema."""

from __future__ import annotations

import psycopg2
import pytest

from app.db import migrations
from tests import pg_server

pytestmark = pytest.mark.postgresql_only


def _schema_version(server: pg_server.TestServer, name: str) -> int:
    conn = psycopg2.connect(server.url(name))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT max(version) FROM schema_version")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def test_nobody_can_connect_to_the_template_and_hold_it(pg: pg_server.TestServer) -> None:
    # A window or thread a test left behind, polling whatever database was open last, would
    # otherwise keep a session on it, and every later copy would fail ("being accessed by
    # other users").
    with pytest.raises(psycopg2.OperationalError, match="not currently accepting connections"):
        psycopg2.connect(pg.url(pg.template))  # type: ignore[attr-defined]
    name = pg.create_database(template=pg.template)  # type: ignore[attr-defined]
    try:
        assert _schema_version(pg, name) == migrations.SCHEMA_VERSION
    finally:
        pg.drop_database(name)


def test_the_copies_made_ahead_are_each_new_and_at_the_current_schema(
    pg: pg_server.TestServer, pg_url: str
) -> None:
    copies = pg.copies  # type: ignore[attr-defined]
    taken = [copies.take() for _ in range(3)]
    try:
        assert len({*taken, pg_url.rsplit("/", 1)[1]}) == 4
        for name in taken:
            assert _schema_version(pg, name) == migrations.SCHEMA_VERSION
    finally:
        for name in taken:
            pg.drop_database(name)
