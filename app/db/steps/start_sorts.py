"""Schema step: on the server, the first page of a search of one or two letters under
*probability* and under *brand and model* is read from an index of the word starts in that
order, as under *status*.

The list walks the sort's index testing each row against the term's word starts (schema
step opportunity_starts), a bounded walk, and reads and sorts the matches when the walk
comes short. Where a term's matches gather late in the sort's order, both cost: "WV" (a
Volkswagen's VIN, 41,000 matches at 100,000 opportunities) comes after every lost one
under *probability* (at 0 %) and after every other brand under *brand and model*: the
walk of 4,000 rows found none, and reading the matches took 70-90 ms more. Here each start
keeps its opportunity's probability, brand and model beside its status, and an index of
the start and each sort's keys gives a term's matches in the sort's order: the page is the
first entries of one key, however late the matches gather. Under *status* the index of
the start, the status and the opportunity (schema step opportunity_starts) does so already.
Schema step start_sort_keys adds the topic, the stage and the owner the same way.

Only the server has it (SQLite's own is schema step sort_starts). The keys follow the
opportunity: its starts are written with them, and a change of any of them rewrites
them. Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.opportunity_starts import SERVER_ONLY_INDEXES, STARTS, create_opportunity_starts
from app.db.steps.search_words import server_trigger
from app.domain.text import WORD_SEPARATORS

# The opportunity's sort keys each start keeps (opportunity_start's columns of the same
# name): this step's, then schema step start_sort_keys'.
KEYS = ("probability", "brand", "model", "topic", "sort_stage", "sort_owner")

# The indexes: a sort's keys under the start, the opportunity after them, the status held
# in the index for the open ones' list. The topic's, the stage's and the owner's hold the
# starts of two letters only (a letter's matches are dense in any order: a walk of the
# sort finds its page at once), so a statement reading them says `length(start) = 2`.
_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS opportunity_start_probability "
    f"ON {STARTS} (start, probability, opportunity_id) INCLUDE (status)",
    f"CREATE INDEX IF NOT EXISTS opportunity_start_brand_model "
    f"ON {STARTS} (start, brand, model, opportunity_id) INCLUDE (status)",
    f"CREATE INDEX IF NOT EXISTS opportunity_start_topic "
    f"ON {STARTS} (start, topic, opportunity_id) INCLUDE (status) WHERE length(start) = 2",
    # NULLS FIRST, as SQLite sorts a stage-less or owner-less row (app.db.sort_keys).
    f"CREATE INDEX IF NOT EXISTS opportunity_start_stage ON {STARTS} "
    "(start, sort_stage NULLS FIRST, opportunity_id) INCLUDE (status) WHERE length(start) = 2",
    f"CREATE INDEX IF NOT EXISTS opportunity_start_owner ON {STARTS} "
    "(start, sort_owner NULLS FIRST, opportunity_id) INCLUDE (status) WHERE length(start) = 2",
)
_INDEX_NAMES = (
    "opportunity_start_probability",
    "opportunity_start_brand_model",
    "opportunity_start_topic",
    "opportunity_start_stage",
    "opportunity_start_owner",
)
# The types as the opportunity has them (the same collation: a start's keys sort as its row).
_ALTERATIONS = (
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS probability INTEGER NOT NULL DEFAULT 0",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS brand VARCHAR(255) NOT NULL DEFAULT ''",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS model VARCHAR(255) NOT NULL DEFAULT ''",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS topic VARCHAR(255) NOT NULL DEFAULT ''",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS sort_stage INTEGER",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS sort_owner TEXT",
)

_LENGTHS = "(SELECT 1 AS n UNION ALL SELECT 2)"
_SEPARATORS_LITERAL = "E'" + WORD_SEPARATORS.replace("\\", "\\\\") + "'"
_KEY_LIST = ", ".join(KEYS)
_CHANGED = "\n              OR ".join(f"old.{key} IS DISTINCT FROM new.{key}" for key in KEYS)

_TRIGGERS = [
    # The starts of a search text, written with the opportunity's keys (replaces the
    # function of schema step opportunity_starts, which wrote the status alone).
    *server_trigger(
        "opportunity_start_row",
        STARTS,
        f"start, opportunity_id, status, {_KEY_LIST}",
        f"SELECT DISTINCT substr(w, 1, k.n), new.id, new.status, "
        f"{', '.join('o.' + key for key in KEYS)}\n"
        f"            FROM regexp_split_to_table(new.body, {_SEPARATORS_LITERAL}) w, {_LENGTHS} k,\n"
        "                 opportunity o\n"
        "            WHERE o.id = new.id AND w <> ''",
    ),
    # The opportunity's keys changed: its starts follow.
    f"""CREATE OR REPLACE FUNCTION opportunity_start_keys() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {STARTS} SET {", ".join(f"{key} = new.{key}" for key in KEYS)}
        WHERE opportunity_id = new.id;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS opportunity_start_keys ON opportunity",
    # On any update, not UPDATE OF its columns: the stage's order and the owner's name are
    # set by a BEFORE trigger (schema step search_sort_keys), which no UPDATE names.
    f"""CREATE TRIGGER opportunity_start_keys AFTER UPDATE ON opportunity FOR EACH ROW
        WHEN ({_CHANGED})
        EXECUTE FUNCTION opportunity_start_keys()""",
]


def create_start_sorts(db: Database) -> None:
    """The starts' key columns, their indexes and triggers (idempotent; nothing on SQLite):
    for a new database and a move to the server (see starts_over_rows). Needs the table
    of starts (schema step opportunity_starts) in place."""
    if is_sqlite(db):
        return
    for statement in [*_ALTERATIONS, *_TRIGGERS, *_INDEXES]:
        db.execute_sql(statement)


def _held_keys(db: Database) -> set[str]:
    rows = db.execute_sql(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        (STARTS,),
    ).fetchall()
    return {row[0] for row in rows} & set(KEYS)


def fill_start_sorts(db: Database) -> None:
    """Every start's keys read anew from its opportunity, where one differs (the server;
    idempotent)."""
    if is_sqlite(db):
        return
    stale = ", ".join(f"s.{key}" for key in KEYS)
    held = ", ".join(f"o.{key}" for key in KEYS)
    db.execute_sql(
        f"UPDATE {STARTS} s SET {', '.join(f'{key} = o.{key}' for key in KEYS)} "
        f"FROM opportunity o WHERE o.id = s.opportunity_id AND ({stale}) "
        f"IS DISTINCT FROM ({held})"
    )
    db.execute_sql(f"ANALYZE {STARTS}")


def _write_starts(db: Database) -> None:
    """Every start written anew with its keys, from the words and the opportunities, into a
    table without its indexes beside the primary key (built after, once each)."""
    for name in (*SERVER_ONLY_INDEXES, *_INDEX_NAMES):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    db.execute_sql(f"TRUNCATE {STARTS}")
    db.execute_sql(
        f"INSERT INTO {STARTS} (start, opportunity_id, status, {_KEY_LIST}) "
        "SELECT DISTINCT substr(w.word, 1, k.n), w.opportunity_id, w.status, "
        f"{', '.join('o.' + key for key in KEYS)} "
        f"FROM opportunity_word w JOIN opportunity o ON o.id = w.opportunity_id, {_LENGTHS} k"
    )


def starts_over_rows(db: Database) -> None:
    """The starts made where the opportunities and their words are there and the starts
    not yet (a move onto the server, after its copy): the table with its keys' columns,
    written in one statement from the words and the opportunities, then every index built
    once and the triggers made (written first and given their keys after, 300,000
    opportunities' four million starts were written twice, each time into every index)."""
    if is_sqlite(db):
        return
    create_opportunity_starts(db, indexes=False)
    for statement in [*_ALTERATIONS, *_TRIGGERS]:
        db.execute_sql(statement)
    _write_starts(db)
    create_opportunity_starts(db)
    create_start_sorts(db)
    db.execute_sql(f"ANALYZE {STARTS}")


def start_sorts(db: Database) -> None:
    """Schema step (and start_sort_keys'): see the module's text. Where a key's column is
    new, every start is written anew with its keys and the indexes built after (an UPDATE
    of each of 300,000 opportunities' four million starts rewrote every index entry of
    each: 6 minutes); else the keys that differ are written (none, run again)."""
    if is_sqlite(db):
        return
    missing = set(KEYS) - _held_keys(db)
    for statement in [*_ALTERATIONS, *_TRIGGERS]:
        db.execute_sql(statement)
    if missing:
        _write_starts(db)
        create_opportunity_starts(db)
    else:
        fill_start_sorts(db)
    create_start_sorts(db)
    db.execute_sql(f"ANALYZE {STARTS}")
