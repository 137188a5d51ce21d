"""Schema step: a quote line's description holds what the quote form takes, on both backends.

The form and the service take a description of up to 500 characters
(app/domain/quotes.MAX_DESCRIPTION_LENGTH: a vehicle's full equipment line fits). The column
was a VARCHAR(255): SQLite keeps any length there, the server refused a longer one with an
error instead of saving it. The column becomes TEXT on the server, as every other
description is; SQLite's column keeps its declaration, which it never enforced."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite


def quote_line_text(db: Database) -> None:
    """The server's quote_line.description as TEXT; idempotent (a column already TEXT is
    left as it is), nothing to do on SQLite."""
    if is_sqlite(db):
        return
    db.execute_sql('ALTER TABLE "quote_line" ALTER COLUMN "description" TYPE TEXT')
