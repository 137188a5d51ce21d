"""Schema step quote_line_text: a server database of the version before gains a quote line
description of any length the form takes, its lines kept."""

from __future__ import annotations

import pytest

from app import demo
from app.db import migrations
from app.db.connection import database
from app.db.steps.quote_line_text import quote_line_text
from app.services import workspace
from tests import pg_server

pytestmark = pytest.mark.postgresql_only

_COLUMN = (
    "SELECT data_type, character_maximum_length FROM information_schema.columns "
    "WHERE table_name = 'quote_line' AND column_name = 'description'"
)


def test_a_server_database_one_version_back_takes_long_descriptions(
    pg_url: str, backend: str
) -> None:
    # As the database was before the step.
    with pg_server.one_version_back(
        pg_url,
        quote_line_text,
        'ALTER TABLE "quote_line" ALTER COLUMN "description" TYPE VARCHAR(255)',
    ):
        demo.load_demo()
        lines = database.execute_sql(
            "SELECT id, description FROM quote_line ORDER BY id"
        ).fetchall()
        assert lines
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert database.execute_sql(_COLUMN).fetchone() == ("text", None)
        assert (
            database.execute_sql("SELECT id, description FROM quote_line ORDER BY id").fetchall()
            == lines
        )
        with database.atomic():
            quote_line_text(database.obj)  # again: nothing changes
        database.execute_sql(
            "UPDATE quote_line SET description = %s WHERE id = %s", ("x" * 500, lines[0][0])
        )
    finally:
        workspace.close_database()
