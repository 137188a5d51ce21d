"""Schema step: the customers' search of three characters or more reads a trigram index on
SQLite, as the leads' and the opportunities' do.

Such a term was tested with LIKE on five columns of every customer (the folded name, the
e-mail key, the phone as typed, the city, the postcode) and on the normalised phone number
for a number: 70-130 ms at 50,000 customers on a loaded machine, in the count and again in
the page. The columns as the program keeps them are now joined in an FTS5 table
`account_search` (trigram tokenizer, rowid = the customer's id) by triggers on the
customer, so the search reads the customers whose text holds the term from the index and
tests its LIKEs on those only (app/db/accounts.py): the index finds the same customers and
some more (its case folding reaches past ASCII, and a term may run across two columns),
and the LIKEs, unchanged, keep only what they found before.

The server already reads `pg_trgm` indexes of the same columns (schema step word_starts):
nothing to do there. Idempotent: the triggers are replaced and the index filled anew from
the customers."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite

ACCOUNT_SEARCH = "account_search"

# The columns a term of three characters or more is looked for in (app.db.accounts
# _term_clause), each as it is kept: the index holds each column's text whole.
ACCOUNT_SEARCH_COLUMNS = ("sort_name", "email_key", "phone", "city", "postcode", "phone_key")

# A customer's indexed text (`row`: new or a): the columns one a line (no typed term holds
# a line break, so none is found across two of them but by the LIKEs' own test).
ACCOUNT_SEARCH_BODY = " || char(10) || ".join(
    f"coalesce({{row}}.{column}, '')" for column in ACCOUNT_SEARCH_COLUMNS
)

_TRIGGERS = ("account_search_insert", "account_search_update", "account_search_delete")

_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ACCOUNT_SEARCH} USING fts5(body, tokenize='trigram')",
    f"""CREATE TRIGGER account_search_insert AFTER INSERT ON account BEGIN
        INSERT INTO {ACCOUNT_SEARCH}(rowid, body)
        VALUES (new.id, {ACCOUNT_SEARCH_BODY.format(row="new")});
    END""",
    f"""CREATE TRIGGER account_search_update
    AFTER UPDATE OF {", ".join(ACCOUNT_SEARCH_COLUMNS)} ON account BEGIN
        UPDATE {ACCOUNT_SEARCH} SET body = {ACCOUNT_SEARCH_BODY.format(row="new")}
        WHERE rowid = new.id;
    END""",
    f"""CREATE TRIGGER account_search_delete AFTER DELETE ON account BEGIN
        DELETE FROM {ACCOUNT_SEARCH} WHERE rowid = old.id;
    END""",
)


def create_customer_search(db: Database) -> None:
    """The SQLite index of the customers' searched text, its triggers, filled from the
    customers."""
    if not is_sqlite(db):
        return
    for name in _TRIGGERS:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in _DDL:
        db.execute_sql(statement)
    db.execute_sql(f"DELETE FROM {ACCOUNT_SEARCH}")
    db.execute_sql(
        f"INSERT INTO {ACCOUNT_SEARCH}(rowid, body) "
        f"SELECT a.id, {ACCOUNT_SEARCH_BODY.format(row='a')} FROM account a ORDER BY a.id"
    )
    db.execute_sql(f"INSERT INTO {ACCOUNT_SEARCH}({ACCOUNT_SEARCH}) VALUES ('optimize')")


def customer_search(db: Database) -> None:
    """Schema step: see the module's text."""
    create_customer_search(db)
