"""Schema step: the words of each opportunity's search text, indexed for prefix ranges, so a
search of one or two letters reads the words that start so instead of every search text."""

from __future__ import annotations

from peewee import Database

from app.db.connection import SEARCH_FUNCTION, WORDS_FUNCTION, is_sqlite
from app.domain.text import WORD_SEPARATORS

# The text an opportunity is searched by, folded, as the search index's triggers write it
# (schema 5's body, frozen here).
_FOLDED_BODY = (
    SEARCH_FUNCTION
    + """(
    {row}.topic || ' ' || coalesce((SELECT a.name FROM account a WHERE a.id = {row}.account_id), '')
    || ' ' || {row}.brand || ' ' || {row}.model
    || ' ' || coalesce((SELECT v.vin || ' ' || v.stock_number FROM vehicle v
                        WHERE v.id = {row}.vehicle_id), ''))"""
)


def _words_of(row: str, source: str = "") -> str:
    """The rows (word, opportunity id, status) of an opportunity `row` (SQLite); `source`
    names the table it is read from, if any."""
    return (
        f"SELECT j.value, {row}.id, {row}.status "
        f"FROM {source}json_each({WORDS_FUNCTION}({_FOLDED_BODY.format(row=row)})) j"
    )


# One row per distinct word of an opportunity's folded search text, with its status (the
# list starts on the open ones): the primary key gives the words starting with a term as a
# range, the second index whether one opportunity has such a word (a walk down the list in
# its sort order, for a common term). Byte order ("C") on the server, as SQLite compares,
# so a range holds the same words on both.
_SQLITE_TABLE = """CREATE TABLE IF NOT EXISTS opportunity_word (
    word TEXT NOT NULL,
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    status VARCHAR(255) NOT NULL,
    PRIMARY KEY (word, opportunity_id)
) WITHOUT ROWID"""
_SERVER_TABLE = """CREATE TABLE IF NOT EXISTS opportunity_word (
    word TEXT COLLATE "C" NOT NULL,
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    status VARCHAR(255) NOT NULL,
    PRIMARY KEY (word, opportunity_id)
)"""
_INDEX = (
    "CREATE INDEX IF NOT EXISTS opportunity_word_opportunity "
    "ON opportunity_word (opportunity_id, word)"
)

_SQLITE_TRIGGER_NAMES = (
    "opportunity_word_insert",
    "opportunity_word_update",
    "opportunity_word_delete",
    "opportunity_word_account",
    "opportunity_word_vehicle",
)

# On SQLite the words are written by the same writes that write the search text (the
# search index's triggers), from the same folded text.
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER opportunity_word_insert AFTER INSERT ON opportunity BEGIN
        INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status) {_words_of("new")};
    END""",
    f"""CREATE TRIGGER opportunity_word_update
        AFTER UPDATE OF topic, account_id, brand, model, vehicle_id, status ON opportunity BEGIN
        DELETE FROM opportunity_word WHERE opportunity_id = old.id;
        INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status) {_words_of("new")};
    END""",
    """CREATE TRIGGER opportunity_word_delete AFTER DELETE ON opportunity BEGIN
        DELETE FROM opportunity_word WHERE opportunity_id = old.id;
    END""",
    f"""CREATE TRIGGER opportunity_word_account AFTER UPDATE OF name ON account BEGIN
        DELETE FROM opportunity_word
        WHERE opportunity_id IN (SELECT id FROM opportunity WHERE account_id = new.id);
        INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status)
        {_words_of("o", "opportunity o, ")} WHERE o.account_id = new.id;
    END""",
    f"""CREATE TRIGGER opportunity_word_vehicle AFTER UPDATE OF vin, stock_number ON vehicle BEGIN
        DELETE FROM opportunity_word
        WHERE opportunity_id IN (SELECT id FROM opportunity WHERE vehicle_id = new.id);
        INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status)
        {_words_of("o", "opportunity o, ")} WHERE o.vehicle_id = new.id;
    END""",
]

# On the server the search table's text is folded by the program (server_schema.fold_pending,
# before every search): its words follow it there, split by the same separators as
# app.domain.text.words_of splits them. A text waiting to be folded has no words until then.
_SEPARATORS_LITERAL = "E'" + WORD_SEPARATORS.replace("\\", "\\\\") + "'"


def _server_words(row: str, source: str = "") -> str:
    """The rows (word, opportunity id, status) of a search table's row `row` (PostgreSQL)."""
    return (
        f"SELECT DISTINCT w, {row}.id, {row}.status "
        f"FROM {source}regexp_split_to_table({row}.body, {_SEPARATORS_LITERAL}) w "
        "WHERE w <> ''"
    )


def server_trigger(function: str, table: str, columns: str, rows: str) -> list[str]:
    """The server's trigger that keeps `table` (its `columns`, by opportunity) in step with
    the search table: rewritten from `rows` (a SELECT of the new row's entries) when the
    folded text changes, only the status set when the status alone changes."""
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND new.body IS NOT DISTINCT FROM old.body THEN
            IF new.status IS DISTINCT FROM old.status THEN
                UPDATE {table} SET status = new.status WHERE opportunity_id = new.id;
            END IF;
            RETURN NULL;
        END IF;
        DELETE FROM {table} WHERE opportunity_id = new.id;
        IF new.body IS NOT NULL THEN
            INSERT INTO {table} ({columns})
            {rows};
        END IF;
        RETURN NULL;
    END $$""",
        f"DROP TRIGGER IF EXISTS {function} ON opportunity_search",
        f"""CREATE TRIGGER {function} AFTER INSERT OR UPDATE ON opportunity_search
        FOR EACH ROW EXECUTE FUNCTION {function}()""",
    ]


_SERVER_TRIGGER = server_trigger(
    "opportunity_word_row", "opportunity_word", "word, opportunity_id, status", _server_words("new")
)


def create_search_words(db: Database) -> None:
    """The table, its index and what keeps it (idempotent): for a new database, and the
    step's first half. Needs the search index (opportunity_search) in place."""
    if is_sqlite(db):
        db.execute_sql(_SQLITE_TABLE)
        db.execute_sql(_INDEX)
        for name in _SQLITE_TRIGGER_NAMES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in _SQLITE_TRIGGERS:
            db.execute_sql(statement)
    else:
        db.execute_sql(_SERVER_TABLE)
        db.execute_sql(_INDEX)
        for statement in _SERVER_TRIGGER:
            db.execute_sql(statement)


def fill_search_words(db: Database) -> None:
    """Write every opportunity's words anew from its search text (idempotent)."""
    db.execute_sql("DELETE FROM opportunity_word")
    if is_sqlite(db):
        # FTS5 keeps the folded texts and the status in its content table (c0, c1).
        db.execute_sql(
            "INSERT OR IGNORE INTO opportunity_word (word, opportunity_id, status) "
            f"SELECT j.value, c.id, c.c1 FROM opportunity_search_content c, "
            f"json_each({WORDS_FUNCTION}(c.c0)) j"
        )
        if "sqlite_stat1" in db.get_tables():
            db.execute_sql("ANALYZE opportunity_word")
    else:
        db.execute_sql(
            "INSERT INTO opportunity_word (word, opportunity_id, status) "
            + _server_words("s", "opportunity_search s, ")
            + " AND s.body IS NOT NULL"
        )
        db.execute_sql("ANALYZE opportunity_word")


def search_words(db: Database) -> None:
    """Searches of one or two letters look for word starts in a table of the folded words.
    Made if missing and filled from the search texts; on the server the texts still
    waiting to be folded get their words when they are folded. Idempotent."""
    create_search_words(db)
    fill_search_words(db)
