"""Schema step: every sort of the opportunity list served by an index. The keys that live in
another table (the customer's sort name, the stage's order, the owner's and the facility's
names) are kept on the opportunity by triggers, and each sort no index served gets one, so
the list's first page under any sort, searched or not, is a walk down an index instead of a
sort of every row it keeps (300-400 ms for the open ones at 300,000). On SQLite the
customers' phone numbers also get a trigram index (the server's is schema step
search_sorts'), so a search of digits, also read as a phone number, reads the numbers
holding them instead of every customer's (40 ms a statement at 150,000 customers).

What a save costs more: on SQLite, inserting an opportunity runs one UPDATE of the new row
(SQLite's triggers cannot change the row they insert; the server's sets the keys before
writing it); seven more index entries; a WHEN test on an update, and the keys read again
only when a reference changed. Creating an opportunity through its service took 21.0 ms
with them and 21.8 ms without (interleaved, not measurable). Renaming a user, a facility or
a customer, or moving a stage in its process, rewrites that key on each of its
opportunities in the same transaction. The program sends no statement more."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

# The kept keys: (column on the opportunity, its type, the table it is read from, that
# table's column, the opportunity's column that refers to the row).
KEPT_KEYS = (
    ("sort_customer", "TEXT", "account", "sort_name", "account_id"),
    ("sort_stage", "INTEGER", "stage", "sequence", "stage_id"),
    ("sort_owner", "TEXT", "user", "full_name", "owner_id"),
    ("sort_facility", "TEXT", "facility", "name", "facility_id"),
)
# The keys without a row to read are NULL, as the list's LEFT JOIN read them: first
# ascending, last descending (as SQLite sorts them; the server's index is made so).
NULLABLE_KEYS = frozenset({"sort_stage", "sort_owner", "sort_facility"})
# Each sort key with an index of its own from this step (the others had one already).
INDEXED_KEYS = (*(k[0] for k in KEPT_KEYS), "lost_reason", "competitor", "won_reason")


def index_name(column: str) -> str:
    return f"opportunity_{column}_order"


def _read(key: tuple[str, str, str, str, str], row: str) -> str:
    """The subquery reading key `key` for the opportunity `row` (new or o)."""
    _column, _type, table, source, reference = key
    return f'(SELECT x.{source} FROM "{table}" x WHERE x.id = {row}.{reference})'


_REFERENCES = " OR ".join(f"old.{k[4]} IS NOT new.{k[4]}" for k in KEPT_KEYS)
_SET_ALL = ", ".join(f"{k[0]} = {_read(k, 'new')}" for k in KEPT_KEYS)

_SQLITE_TRIGGER_NAMES = (
    "opportunity_sort_keys_insert",
    "opportunity_sort_keys_update",
    *(f"opportunity_{k[0]}_source" for k in KEPT_KEYS),
)

# SQLite cannot change the row being inserted: the keys are written just after it (the
# update names none of the columns other triggers watch, whose WHEN clauses are false).
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER opportunity_sort_keys_insert AFTER INSERT ON opportunity BEGIN
        UPDATE opportunity SET {_SET_ALL} WHERE id = new.id;
    END""",
    f"""CREATE TRIGGER opportunity_sort_keys_update
        AFTER UPDATE OF {", ".join(k[4] for k in KEPT_KEYS)} ON opportunity
        WHEN {_REFERENCES} BEGIN
        UPDATE opportunity SET {_SET_ALL} WHERE id = new.id;
    END""",
    # A renamed customer, user or facility, or a stage moved in its process: the key follows
    # on each of its opportunities (deleting a user or a facility sets their references to
    # NULL, an update the trigger above sees).
    *(
        f"""CREATE TRIGGER opportunity_{column}_source AFTER UPDATE OF {source} ON "{table}"
        WHEN old.{source} IS NOT new.{source} BEGIN
        UPDATE opportunity SET {column} = new.{source} WHERE {reference} = new.id;
    END"""
        for column, _type, table, source, reference in KEPT_KEYS
    ),
]

# On the server the row is given its keys before it is written.
_SERVER_CHANGED = {
    k[0]: f"TG_OP = 'INSERT' OR new.{k[4]} IS DISTINCT FROM old.{k[4]}" for k in KEPT_KEYS
}
_SERVER_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION opportunity_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    + "".join(
        f"    IF {_SERVER_CHANGED[k[0]]} THEN new.{k[0]} := {_read(k, 'new')}; END IF;\n"
        for k in KEPT_KEYS
    )
    + "    RETURN new;\nEND $$",
    "DROP TRIGGER IF EXISTS opportunity_sort_keys ON opportunity",
    f"""CREATE TRIGGER opportunity_sort_keys
        BEFORE INSERT OR UPDATE OF {", ".join(k[4] for k in KEPT_KEYS)} ON opportunity
        FOR EACH ROW EXECUTE FUNCTION opportunity_sort_keys()""",
    *(
        statement
        for column, _type, table, source, reference in KEPT_KEYS
        for statement in (
            f"""CREATE OR REPLACE FUNCTION opportunity_{column}_source() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE opportunity SET {column} = new.{source} WHERE {reference} = new.id;
                RETURN NULL;
            END $$""",
            f'DROP TRIGGER IF EXISTS opportunity_{column}_source ON "{table}"',
            f"""CREATE TRIGGER opportunity_{column}_source AFTER UPDATE OF {source} ON "{table}"
            FOR EACH ROW WHEN (old.{source} IS DISTINCT FROM new.{source})
            EXECUTE FUNCTION opportunity_{column}_source()""",
        )
    ),
]


# SQLite's trigram index of the customers' phone numbers (FTS5 over account.phone_key, kept
# by triggers): a LIKE of three characters or more on it is answered from the index.
PHONE_SEARCH = "account_phone_search"
_SQLITE_PHONE_TRIGGER_NAMES = (
    "account_phone_search_insert",
    "account_phone_search_update",
    "account_phone_search_delete",
)
_SQLITE_PHONE_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {PHONE_SEARCH} USING fts5(
        phone_key, content='account', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER account_phone_search_insert AFTER INSERT ON account BEGIN
        INSERT INTO {PHONE_SEARCH} (rowid, phone_key) VALUES (new.id, new.phone_key);
    END""",
    f"""CREATE TRIGGER account_phone_search_update AFTER UPDATE OF phone_key ON account BEGIN
        INSERT INTO {PHONE_SEARCH} ({PHONE_SEARCH}, rowid, phone_key)
        VALUES ('delete', old.id, old.phone_key);
        INSERT INTO {PHONE_SEARCH} (rowid, phone_key) VALUES (new.id, new.phone_key);
    END""",
    f"""CREATE TRIGGER account_phone_search_delete AFTER DELETE ON account BEGIN
        INSERT INTO {PHONE_SEARCH} ({PHONE_SEARCH}, rowid, phone_key)
        VALUES ('delete', old.id, old.phone_key);
    END""",
]


def _columns(db: Database) -> set[str]:
    return {c.name for c in db.get_columns("opportunity")}


def _index(db: Database, column: str) -> str:
    """The index giving the sort's order, the id after the key (SQLite's index holds the
    rowid already; the server's NULLs first, as SQLite sorts them ascending)."""
    if is_sqlite(db):
        return f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON opportunity ({column})'
    nulls = " NULLS FIRST" if column in NULLABLE_KEYS else ""
    return f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON opportunity ({column}{nulls}, id)'


def create_search_sort_keys(db: Database) -> None:
    """The kept keys, their triggers and the sort indexes (idempotent): for a new database,
    a moved one and the step. Keys already written are left as they are (fill_sort_keys
    writes them)."""
    have = _columns(db)
    for column, kind, *_rest in KEPT_KEYS:
        if column not in have:
            db.execute_sql(f"ALTER TABLE opportunity ADD COLUMN {column} {kind}")
    if is_sqlite(db):
        for name in (*_SQLITE_TRIGGER_NAMES, *_SQLITE_PHONE_TRIGGER_NAMES):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in [*_SQLITE_TRIGGERS, *_SQLITE_PHONE_DDL]:
            db.execute_sql(statement)
    else:
        for statement in _SERVER_TRIGGERS:
            db.execute_sql(statement)
    for column in INDEXED_KEYS:
        db.execute_sql(_index(db, column))


def fill_sort_keys(db: Database) -> None:
    """Every opportunity's kept keys read anew from their tables, and on SQLite the phone
    numbers' index from the customers (idempotent)."""
    keys = ", ".join(f"{k[0]} = {_read(k, 'opportunity')}" for k in KEPT_KEYS)
    # Only the rows whose keys differ are written (a moved database's came with its rows).
    distinct = "IS NOT" if is_sqlite(db) else "IS DISTINCT FROM"
    differ = " OR ".join(f"{k[0]} {distinct} {_read(k, 'opportunity')}" for k in KEPT_KEYS)
    db.execute_sql(f"UPDATE opportunity SET {keys} WHERE {differ}")
    if is_sqlite(db):
        db.execute_sql(f"INSERT INTO {PHONE_SEARCH} ({PHONE_SEARCH}) VALUES ('rebuild')")
    # (Statistics for the new indexes where the planner reads any: SQLite keeps none until
    # a database is analysed.)
    if not is_sqlite(db) or "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")


def search_sort_keys(db: Database) -> None:
    """The list's sorts by customer, stage, owner and facility read a key kept on the
    opportunity, and every sort has an index. Idempotent."""
    create_search_sort_keys(db)
    fill_sort_keys(db)
