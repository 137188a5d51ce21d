"""What the schema has on the site's PostgreSQL server that SQLite does otherwise: the search
index (the program's own folding in a text column, with a pg_trgm GIN index) and the lock
that makes two workstations upgrade one after the other.

A database on the server is always made new at the current schema from the models (a site
moves to the server from a workstation's SQLite file, which is brought up to date first); the
schema steps after 13 then run on it as on SQLite. The search text is the same on both
backends: app.domain.text.searchable() of the opportunity's topic, customer, brand, model,
VIN and stock number ("Müller" is held as "muller mueller", so "mueller" finds it, where
PostgreSQL's unaccent() alone would not). SQLite's triggers call the program's function
(connection.SEARCH_FUNCTION); PostgreSQL's triggers cannot, so they write the text unfolded
(`raw`) and clear `body`, and the program folds the rows it finds so (fold_pending) before it
searches and after a bulk load. Any writer, a script in psql included, thus leaves the index
right; only the folding waits for the next program that searches.
"""

from __future__ import annotations

from peewee import Database
from psycopg2.extras import execute_values

from app.domain import text

# pg_advisory_xact_lock's key for schema work: "SHRM", as SQLite's application_id.
SCHEMA_LOCK = 0x5348524D

# The text the search matches, as _SEARCH_BODY in schema 5 has it on SQLite.
_RAW = """
    {row}.topic || ' ' || coalesce((SELECT a.name FROM account a WHERE a.id = {row}.account_id), '')
    || ' ' || {row}.brand || ' ' || {row}.model
    || ' ' || coalesce((SELECT v.vin || ' ' || v.stock_number FROM vehicle v
                        WHERE v.id = {row}.vehicle_id), '')
"""

SEARCH_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE IF NOT EXISTS opportunity_search (
        id INTEGER PRIMARY KEY REFERENCES opportunity (id) ON DELETE CASCADE,
        raw TEXT NOT NULL,
        body TEXT,
        status VARCHAR(255) NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS opportunity_search_body "
    "ON opportunity_search USING gin (body gin_trgm_ops)",
    # The rows waiting to be folded: few, and found at once.
    "CREATE INDEX IF NOT EXISTS opportunity_search_pending ON opportunity_search (id) "
    "WHERE body IS NULL",
    f"""CREATE OR REPLACE FUNCTION opportunity_search_row() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO opportunity_search AS s (id, raw, body, status)
        VALUES (new.id, {_RAW.format(row="new")}, NULL, new.status)
        ON CONFLICT (id) DO UPDATE SET
            raw = excluded.raw,
            body = CASE WHEN s.raw = excluded.raw THEN s.body END,
            status = excluded.status;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION opportunity_search_account() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE opportunity_search s SET raw = {_RAW.format(row="o")}, body = NULL
        FROM opportunity o WHERE o.account_id = new.id AND s.id = o.id;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION opportunity_search_vehicle() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE opportunity_search s SET raw = {_RAW.format(row="o")}, body = NULL
        FROM opportunity o WHERE o.vehicle_id = new.id AND s.id = o.id;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS opportunity_search_row ON opportunity",
    """CREATE TRIGGER opportunity_search_row
        AFTER INSERT OR UPDATE OF topic, account_id, brand, model, vehicle_id, status
        ON opportunity FOR EACH ROW EXECUTE FUNCTION opportunity_search_row()""",
    "DROP TRIGGER IF EXISTS opportunity_search_account ON account",
    """CREATE TRIGGER opportunity_search_account AFTER UPDATE OF name ON account
        FOR EACH ROW WHEN (old.name IS DISTINCT FROM new.name)
        EXECUTE FUNCTION opportunity_search_account()""",
    "DROP TRIGGER IF EXISTS opportunity_search_vehicle ON vehicle",
    """CREATE TRIGGER opportunity_search_vehicle AFTER UPDATE OF vin, stock_number ON vehicle
        FOR EACH ROW WHEN (old.vin IS DISTINCT FROM new.vin
                           OR old.stock_number IS DISTINCT FROM new.stock_number)
        EXECUTE FUNCTION opportunity_search_vehicle()""",
]

# A lead's text, as app.db.leads searches it (SQLite folds it as it reads, leads being few).
LEAD_COLUMNS = ("first_name", "last_name", "company_name", "email", "phone", "brand", "model",
                "source")  # fmt: skip
_LEAD_RAW = " || ' ' || ".join(f"{{row}}.{c}" for c in LEAD_COLUMNS)

SEARCH_DDL += [
    """CREATE TABLE IF NOT EXISTS lead_search (
        id INTEGER PRIMARY KEY REFERENCES lead (id) ON DELETE CASCADE,
        raw TEXT NOT NULL,
        body TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS lead_search_body ON lead_search USING gin (body gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS lead_search_pending ON lead_search (id) WHERE body IS NULL",
    f"""CREATE OR REPLACE FUNCTION lead_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO lead_search AS s (id, raw, body)
        VALUES (new.id, {_LEAD_RAW.format(row="new")}, NULL)
        ON CONFLICT (id) DO UPDATE SET
            raw = excluded.raw, body = CASE WHEN s.raw = excluded.raw THEN s.body END;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS lead_search_row ON lead",
    f"""CREATE TRIGGER lead_search_row AFTER INSERT OR UPDATE OF {", ".join(LEAD_COLUMNS)}
        ON lead FOR EACH ROW EXECUTE FUNCTION lead_search_row()""",
]

# The tables above, which only the server has (SQLite's are its FTS5 table's).
SEARCH_TABLES = frozenset({"opportunity_search", "lead_search"})

_BATCH = 5_000


def create_search(db: Database) -> None:
    """Make the search index (idempotent) and fill it from the opportunities."""
    for statement in SEARCH_DDL:
        db.execute_sql(statement)
    db.execute_sql(
        "INSERT INTO opportunity_search (id, raw, body, status) "
        f"SELECT o.id, {_RAW.format(row='o')}, NULL, o.status FROM opportunity o "
        "ON CONFLICT (id) DO NOTHING"
    )
    db.execute_sql(
        "INSERT INTO lead_search (id, raw, body) "
        f"SELECT l.id, {_LEAD_RAW.format(row='l')}, NULL FROM lead l ON CONFLICT (id) DO NOTHING"
    )
    fold_pending(db, "opportunity_search")
    fold_pending(db, "lead_search")


def fold_pending(db: Database, table: str) -> int:
    """Fold the search texts the triggers left unfolded; returns how many. One statement
    when there are none (the usual case). A row whose text changed again meanwhile is left
    for the next pass (its raw text no longer matches), so two workstations folding at once
    never write an old text over a new one. `table`: opportunity_search or lead_search."""
    assert table in SEARCH_TABLES
    done = 0
    while True:
        rows = db.execute_sql(
            f"SELECT id, raw FROM {table} WHERE body IS NULL ORDER BY id LIMIT %s",
            (_BATCH,),
        ).fetchall()
        if not rows:
            return done
        folded = [(text.searchable(raw), ident, raw) for ident, raw in rows]
        with db.atomic():
            # A statement a thousand rows (executemany sends one a row).
            execute_values(
                db.cursor(),
                f"UPDATE {table} AS t SET body = v.body FROM (VALUES %s) AS v (body, id, raw) "
                "WHERE t.id = v.id AND t.raw = v.raw AND t.body IS NULL",
                folded,
                page_size=1_000,
            )
        done += len(rows)
        if len(rows) < _BATCH:
            return done
