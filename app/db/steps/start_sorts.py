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

Only the server has it (SQLite's list walks meet the target as they are). The keys follow
the opportunity: its starts are written with them, and a change of the probability (a
stage move), the brand or the model rewrites them. Idempotent."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.opportunity_starts import STARTS, create_opportunity_starts
from app.db.steps.search_words import server_trigger
from app.domain.text import WORD_SEPARATORS

# The opportunity's sort keys each start keeps (opportunity_start's columns of the same name).
KEYS = ("probability", "brand", "model")

# The indexes: a sort's keys under the start, the opportunity after them, the status held
# in the index for the open ones' list.
_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS opportunity_start_probability "
    f"ON {STARTS} (start, probability, opportunity_id) INCLUDE (status)",
    f"CREATE INDEX IF NOT EXISTS opportunity_start_brand_model "
    f"ON {STARTS} (start, brand, model, opportunity_id) INCLUDE (status)",
)
_ALTERATIONS = (
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS probability INTEGER NOT NULL DEFAULT 0",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS brand VARCHAR(255) NOT NULL DEFAULT ''",
    f"ALTER TABLE {STARTS} ADD COLUMN IF NOT EXISTS model VARCHAR(255) NOT NULL DEFAULT ''",
)

_LENGTHS = "(SELECT 1 AS n UNION ALL SELECT 2)"
_SEPARATORS_LITERAL = "E'" + WORD_SEPARATORS.replace("\\", "\\\\") + "'"

_TRIGGERS = [
    # The starts of a search text, written with the opportunity's keys (replaces the
    # function of schema step opportunity_starts, which wrote the status alone).
    *server_trigger(
        "opportunity_start_row",
        STARTS,
        "start, opportunity_id, status, probability, brand, model",
        "SELECT DISTINCT substr(w, 1, k.n), new.id, new.status, o.probability, o.brand,\n"
        "                   o.model\n"
        f"            FROM regexp_split_to_table(new.body, {_SEPARATORS_LITERAL}) w, {_LENGTHS} k,\n"
        "                 opportunity o\n"
        "            WHERE o.id = new.id AND w <> ''",
    ),
    # The opportunity's keys changed: its starts follow.
    f"""CREATE OR REPLACE FUNCTION opportunity_start_keys() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {STARTS} SET probability = new.probability, brand = new.brand,
            model = new.model
        WHERE opportunity_id = new.id;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS opportunity_start_keys ON opportunity",
    """CREATE TRIGGER opportunity_start_keys AFTER UPDATE OF probability, brand, model
        ON opportunity FOR EACH ROW
        WHEN (old.probability IS DISTINCT FROM new.probability
              OR old.brand IS DISTINCT FROM new.brand
              OR old.model IS DISTINCT FROM new.model)
        EXECUTE FUNCTION opportunity_start_keys()""",
]


def create_start_sorts(db: Database) -> None:
    """The starts' key columns, their indexes and triggers (idempotent; nothing on SQLite):
    for a new database, a move to the server (before the rows are copied, so the triggers
    write the keys) and the step. Needs the table of starts (schema step
    opportunity_starts) in place."""
    if is_sqlite(db):
        return
    for statement in [*_ALTERATIONS, *_TRIGGERS, *_INDEXES]:
        db.execute_sql(statement)


def fill_start_sorts(db: Database) -> None:
    """Every start's keys read anew from its opportunity (the server; idempotent)."""
    if is_sqlite(db):
        return
    db.execute_sql(
        f"UPDATE {STARTS} s SET probability = o.probability, brand = o.brand, model = o.model "
        "FROM opportunity o WHERE o.id = s.opportunity_id AND (s.probability, s.brand, s.model) "
        "IS DISTINCT FROM (o.probability, o.brand, o.model)"
    )
    db.execute_sql(f"ANALYZE {STARTS}")


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
    db.execute_sql(f"DELETE FROM {STARTS}")
    db.execute_sql(
        f"INSERT INTO {STARTS} (start, opportunity_id, status, {', '.join(KEYS)}) "
        "SELECT DISTINCT substr(w.word, 1, k.n), w.opportunity_id, w.status, "
        f"{', '.join('o.' + key for key in KEYS)} "
        f"FROM opportunity_word w JOIN opportunity o ON o.id = w.opportunity_id, {_LENGTHS} k"
    )
    create_opportunity_starts(db)
    create_start_sorts(db)
    db.execute_sql(f"ANALYZE {STARTS}")


def start_sorts(db: Database) -> None:
    """Schema step: see the module's text. (The keys are written before the indexes are
    made: one build of each, not an entry written for every row.)"""
    if is_sqlite(db):
        return
    for statement in [*_ALTERATIONS, *_TRIGGERS]:
        db.execute_sql(statement)
    fill_start_sorts(db)
    create_start_sorts(db)
