"""Schema step: on the server, the opportunity list's search of one or two letters reads a
table of each opportunity's word starts, as the leads' and the customers' do (schema step
word_starts).

A term of one or two letters is looked for at the start of a word (schema step
search_words). The server read it from the table of whole words, a range of them, and had
to take the distinct opportunities out of it: the count hashed every word of the range
(6-50 ms a keystroke at 100,000 opportunities, before its first page; 1-6 ms now). Here the
first one and the first two characters of each word are kept once per opportunity, with
its status, so a term's opportunities are the entries of one key of an index (by status
too: the list starts on the open ones), counted up to a bound without sorting anything
out, and one opportunity's test is one lookup.

Only the server has it: SQLite's paths read the table of words (opportunity_word) and meet
the target as they are, so on SQLite the step changes nothing. The starts follow the
server's folded search text (server_schema.fold_pending) and its status, as the words do.
Idempotent: the trigger is replaced and the starts written anew."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.search_words import server_trigger
from app.domain.text import WORD_SEPARATORS

STARTS = "opportunity_start"

# The indexes beside the primary key (start, opportunity): the open ones' starts by status,
# and an opportunity's starts (its trigger replaces them; a purge cascades to them).
SERVER_ONLY_INDEXES = ("opportunity_start_status", "opportunity_start_opportunity")

_TABLE = f"""CREATE TABLE IF NOT EXISTS {STARTS} (
    start TEXT COLLATE "C" NOT NULL,
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    status VARCHAR(255) NOT NULL,
    PRIMARY KEY (start, opportunity_id)
)"""
_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS opportunity_start_status "
    f"ON {STARTS} (start, status, opportunity_id)",
    f"CREATE INDEX IF NOT EXISTS opportunity_start_opportunity ON {STARTS} (opportunity_id, start)",
)

# The first one and the first two characters of each word (substr counts characters).
_LENGTHS = "(SELECT 1 AS n UNION ALL SELECT 2)"
_SEPARATORS_LITERAL = "E'" + WORD_SEPARATORS.replace("\\", "\\\\") + "'"

_TRIGGER = server_trigger(
    "opportunity_start_row",
    STARTS,
    "start, opportunity_id, status",
    "SELECT DISTINCT substr(w, 1, k.n), new.id, new.status\n"
    f"            FROM regexp_split_to_table(new.body, {_SEPARATORS_LITERAL}) w, {_LENGTHS} k\n"
    "            WHERE w <> ''",
)


def create_opportunity_starts(db: Database, indexes: bool = True) -> None:
    """The server's table, its trigger and (unless told) its indexes (idempotent; nothing on
    SQLite): for a new database, a move to the server and the step. Needs the search table
    (opportunity_search) in place."""
    if is_sqlite(db):
        return
    for statement in [_TABLE, *_TRIGGER, *(_INDEXES if indexes else ())]:
        db.execute_sql(statement)


def fill_opportunity_starts(db: Database) -> None:
    """Write every opportunity's starts anew from its words (the server; idempotent)."""
    if is_sqlite(db):
        return
    db.execute_sql(f"DELETE FROM {STARTS}")
    db.execute_sql(
        f"INSERT INTO {STARTS} (start, opportunity_id, status) "
        "SELECT DISTINCT substr(w.word, 1, k.n), w.opportunity_id, w.status "
        f"FROM opportunity_word w, {_LENGTHS} k"
    )
    db.execute_sql(f"ANALYZE {STARTS}")


def opportunity_starts(db: Database) -> None:
    """Schema step: see the module's text."""
    create_opportunity_starts(db)
    fill_opportunity_starts(db)
