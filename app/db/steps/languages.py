"""Schema step: each customer's and lead's correspondence language (documents in their
language)."""

from __future__ import annotations

from peewee import Database


def correspondence_languages(db: Database) -> None:
    """A `language` column on account and lead: the language a customer's documents are
    written in, and the one a lead's web form gave. Existing rows get "" (the dealership's
    language). Idempotent: each column is added only when it is missing."""
    for table in ("account", "lead"):
        if "language" not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(
                f'ALTER TABLE "{table}" ADD COLUMN "language" VARCHAR(255) NOT NULL DEFAULT \'\''
            )


__all__ = ["correspondence_languages"]
