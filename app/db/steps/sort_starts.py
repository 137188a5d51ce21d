"""Schema step: on SQLite, the first page of a search of a word's start of two letters under
*topic*, *probability*, *stage*, *owner*, *brand and model* and *status* is read from an
index of the starts in that order, as the server's is (schema step start_sorts).

A term of one or two letters is looked for at the start of a word (schema step
search_words), and the list walked the sort's index testing each row against the term's
matches. Where the matches gather late in the sort's order the walk passed every row before
them: "WV" (a Volkswagen's VIN, 41,000 matches at 300,000 opportunities) comes after every
other brand under *brand and model*, after the lost ones under *probability*, after most
rows under *topic*, *stage*, *owner* and *status*: 50-70 ms a keystroke. Here each
opportunity's distinct two-letter word starts are kept with its status and those sorts'
keys, in `opportunity_sort_start`, and an index of the start and each sort's keys (the
opportunity after them, the status last for the open ones' list) gives a term's matches in
the sort's order: the page is the first entries of one key, however late they gather.

Only the starts of two letters: a one-letter start is so common that its matches are
dense everywhere in any order, and a walk finds its page at once. The other sorts (the
customer, the revenue, the close date, the facility, the reasons, the competitor, the id)
hold no key a word decides and walk as before.

The starts follow the words (their triggers on opportunity_word: an opportunity's text, a
customer's name, a vehicle's VIN) and the keys follow the opportunity (a stage move, a new
owner, a changed topic, brand, model or status). The words' own trigger on the opportunity
now rewrites them only when what they are made of changed (it rewrote every opportunity's
words, and so its starts, on every save). On the server nothing is made: its starts table
has the keys it reads (schema step start_sorts). Idempotent: the triggers are replaced and
the starts written anew.

What it costs: at 300,000 opportunities 2.1 million starts (7 an opportunity), the table
and its six indexes 485 MB (the file 1,372 -> 1,856 MB); the step takes 1.5 minutes there.
The program sends no statement more. A new opportunity writes its starts (about 7 rows,
each with six index entries); a stage move or a new owner rewrites its starts' keys; a
change of what its words are made of (the topic, the customer, the brand, the model, the
vehicle, the status) its words and starts. At 100,000, medians against the words' trigger
before: creating 4.22 / 3.70 ms, a stage move 9.49 / 9.19, a save of the revenue 2.85 /
2.82, closing 3.90 / 3.51 (benchmarks/README.md)."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite
from app.db.steps.search_words import _words_of

SORT_STARTS = "opportunity_sort_start"

# The opportunity's columns each start keeps beside its status (the sort keys of
# app.db.sort_keys.SORT_COLUMNS a word of the search text decides, or a stage move).
KEYS = ("topic", "probability", "sort_stage", "sort_owner", "brand", "model")

# The sorts an index of the starts serves: the sort (app.db.sort_keys) -> its columns.
START_ORDERS: dict[str, tuple[str, ...]] = {
    "topic": ("topic",),
    "probability": ("probability",),
    "stage": ("sort_stage",),
    "owner": ("sort_owner",),
    "brand_model": ("brand", "model"),
    "status": ("status",),
}


def index_name(sort: str) -> str:
    return f"{SORT_STARTS}_{sort}"


_TABLE = f"""CREATE TABLE IF NOT EXISTS {SORT_STARTS} (
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    start TEXT NOT NULL,
    status VARCHAR(255) NOT NULL,
    topic VARCHAR(255) NOT NULL,
    probability INTEGER NOT NULL,
    sort_stage INTEGER,
    sort_owner TEXT,
    brand VARCHAR(255) NOT NULL,
    model VARCHAR(255) NOT NULL,
    PRIMARY KEY (opportunity_id, start)
) WITHOUT ROWID"""


def _index(sort: str) -> str:
    columns = START_ORDERS[sort]
    # The status after the opportunity, in the index: the open ones' walk tests it there.
    status = "" if columns == ("status",) else ", status"
    return (
        f"CREATE INDEX IF NOT EXISTS {index_name(sort)} ON {SORT_STARTS} "
        f"(start, {', '.join(columns)}, opportunity_id{status})"
    )


_COLUMNS = ", ".join(("opportunity_id", "start", "status", *KEYS))
_KEYS_OF = ", ".join(f"o.{key}" for key in ("status", *KEYS))

_TRIGGER_NAMES = (
    "opportunity_sort_start_insert",
    "opportunity_sort_start_delete",
    "opportunity_sort_start_keys",
)

_CHANGED = " OR ".join(f"old.{key} IS NOT new.{key}" for key in ("status", *KEYS))
_STALE = " OR ".join(f"{key} IS NOT new.{key}" for key in ("status", *KEYS))

_TRIGGERS = [
    # A word's start, with its opportunity's keys (once, however many words start so).
    f"""CREATE TRIGGER opportunity_sort_start_insert AFTER INSERT ON opportunity_word
        WHEN length(new.word) >= 2 BEGIN
        INSERT OR IGNORE INTO {SORT_STARTS} ({_COLUMNS})
        SELECT o.id, substr(new.word, 1, 2), {_KEYS_OF} FROM opportunity o
        WHERE o.id = new.opportunity_id;
    END""",
    # A word gone: its start too, unless another word of the opportunity starts so.
    f"""CREATE TRIGGER opportunity_sort_start_delete AFTER DELETE ON opportunity_word
        WHEN length(old.word) >= 2 BEGIN
        DELETE FROM {SORT_STARTS}
        WHERE opportunity_id = old.opportunity_id AND start = substr(old.word, 1, 2)
          AND NOT EXISTS (SELECT 1 FROM opportunity_word w
                          WHERE w.opportunity_id = old.opportunity_id
                            AND substr(w.word, 1, 2) = substr(old.word, 1, 2));
    END""",
    # The opportunity's keys changed: its starts follow (those its words' triggers wrote
    # anew hold them already).
    f"""CREATE TRIGGER opportunity_sort_start_keys
        AFTER UPDATE OF {", ".join(("status", *KEYS))} ON opportunity WHEN {_CHANGED} BEGIN
        UPDATE {SORT_STARTS} SET {", ".join(f"{key} = new.{key}" for key in ("status", *KEYS))}
        WHERE opportunity_id = new.id AND ({_STALE});
    END""",
]

# What an opportunity's words are made of (schema step search_words' trigger, which
# rewrote them on any update naming these columns, changed or not).
_WORD_SOURCES = ("topic", "account_id", "brand", "model", "vehicle_id", "status")
_WORDS_UPDATE = f"""CREATE TRIGGER opportunity_word_update
    AFTER UPDATE OF {", ".join(_WORD_SOURCES)} ON opportunity
    WHEN {" OR ".join(f"old.{c} IS NOT new.{c}" for c in _WORD_SOURCES)} BEGIN
    DELETE FROM opportunity_word WHERE opportunity_id = old.id;
    INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status) {_words_of("new")};
END"""


def create_sort_starts(db: Database, indexes: bool = True) -> None:
    """The table, its triggers and (with `indexes`) its indexes (idempotent; nothing on the
    server): for a new database, and the step. Needs the words (schema step search_words)."""
    if not is_sqlite(db):
        return
    db.execute_sql(_TABLE)
    for name in (*_TRIGGER_NAMES, "opportunity_word_update"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in [*_TRIGGERS, _WORDS_UPDATE]:
        db.execute_sql(statement)
    if indexes:
        for sort in START_ORDERS:
            db.execute_sql(_index(sort))


def fill_sort_starts(db: Database) -> None:
    """Every opportunity's starts written anew from its words (SQLite; idempotent)."""
    if not is_sqlite(db):
        return
    db.execute_sql(f"DELETE FROM {SORT_STARTS}")
    db.execute_sql(
        f"INSERT OR IGNORE INTO {SORT_STARTS} ({_COLUMNS}) "
        f"SELECT DISTINCT o.id, substr(w.word, 1, 2), {_KEYS_OF} "
        "FROM opportunity_word w JOIN opportunity o ON o.id = w.opportunity_id "
        "WHERE length(w.word) >= 2"
    )


def sort_starts(db: Database) -> None:
    """Schema step: see the module's text. (The starts are written before the indexes are
    made: one build of each, not an entry written for every row.)"""
    if not is_sqlite(db):
        return
    create_sort_starts(db, indexes=False)
    fill_sort_starts(db)
    create_sort_starts(db)
    if "sqlite_stat1" in db.get_tables():
        db.execute_sql(f"ANALYZE {SORT_STARTS}")
