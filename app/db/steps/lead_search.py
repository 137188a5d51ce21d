"""Schema step: the leads' search reads a trigram index on SQLite, as the opportunities' does.

The lead list's search compared SEARCH_FUNCTION(the lead's searched columns) with LIKE for
every lead, in the count and again in the page: a call into Python per lead and statement
(about 150 ms at 50,000 leads, whatever was typed). The folded text is now kept in an FTS5
table `lead_search` (trigram tokenizer, rowid = the lead's id) by triggers on the lead, so a
term of three characters or more is a look-up in the index; a shorter one a plain LIKE over
the kept text (`lead_search_content`, column c0) without a call per row. The text is the
very expression the list compared before, so the search finds the same leads.

The server already keeps the folded text in its own `lead_search` table with a trigram
index (app/db/server_schema.py): nothing to do there. Idempotent: the triggers are
replaced and the index filled anew from the leads."""

from __future__ import annotations

from peewee import Database

from app.db.connection import SEARCH_FUNCTION, is_sqlite
from app.db.server_schema import LEAD_COLUMNS

# The folded text a lead is searched by (`row`: new or l).
LEAD_SEARCH_BODY = (
    f"{SEARCH_FUNCTION}(" + " || ' ' || ".join(f"{{row}}.{c}" for c in LEAD_COLUMNS) + ")"
)

# FTS5 keeps the indexed text in this plain table (rowid `id`, column `c0`): scanning it is
# several times faster than scanning the virtual table.
LEAD_SEARCH_TEXT = "lead_search_content"

_TRIGGERS = ("lead_search_insert", "lead_search_update", "lead_search_delete")

_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS lead_search USING fts5(body, tokenize='trigram')",
    f"""CREATE TRIGGER lead_search_insert AFTER INSERT ON lead BEGIN
        INSERT INTO lead_search(rowid, body) VALUES (new.id, {LEAD_SEARCH_BODY.format(row="new")});
    END""",
    f"""CREATE TRIGGER lead_search_update AFTER UPDATE OF {", ".join(LEAD_COLUMNS)} ON lead
    BEGIN
        UPDATE lead_search SET body = {LEAD_SEARCH_BODY.format(row="new")} WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER lead_search_delete AFTER DELETE ON lead BEGIN
        DELETE FROM lead_search WHERE rowid = old.id;
    END""",
)


def create_lead_search(db: Database) -> None:
    """The SQLite index of the leads' folded text, its triggers, filled from the leads."""
    if not is_sqlite(db):
        return
    for name in _TRIGGERS:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in _DDL:
        db.execute_sql(statement)
    db.execute_sql("DELETE FROM lead_search")
    # A new database has no leads to fill from, and a connection opened outside the program's
    # own (a new file seeded through its own connection) has no folding function to call.
    if db.execute_sql("SELECT 1 FROM lead LIMIT 1").fetchone() is not None:
        db.execute_sql(
            "INSERT INTO lead_search(rowid, body) "
            f"SELECT l.id, {LEAD_SEARCH_BODY.format(row='l')} FROM lead l ORDER BY l.id"
        )
    db.execute_sql("INSERT INTO lead_search(lead_search) VALUES ('optimize')")


def lead_search(db: Database) -> None:
    """Schema step: see the module's text."""
    create_lead_search(db)
