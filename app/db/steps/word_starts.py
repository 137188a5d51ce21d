"""Schema step: the leads' and the customers' searches read an index for every term length,
on both backends, as the opportunities' does.

A term of one or two letters is looked for at the start of a word, as in the opportunity
list (schema step search_words). The first one and the first two characters of each word
are kept, once per record: on the server `lead_start` for each lead's folded search text
(on SQLite the leads' words are an FTS5 index with prefix indexes of those lengths,
`lead_word`), `account_start`
for each customer's name (folded), e-mail, phone and postcode, primary key start first, so
a term's records are read from an index, and counted up to a bound without sorting out
the records that have two words starting so (which a table of whole words, read by a
range, needs). Before, such a term was looked for anywhere in every lead's and customer's
text: every row read twice a keystroke (the count and the page), 50-150 ms at 50,000 on
the server, 60 ms on SQLite.

On the server a term of three characters or more reads `pg_trgm` GIN indexes of the
customers' searched columns (the leads' text has its own already: lead_search). The lead
list's default order (received, newest first) and its name order get an index each on both
backends (and the customer list's order by city), so a common term walks down the list testing each lead instead of sorting every
match, and the leads' normalised phone numbers are indexed (a search of four digits or
more reads them).

Triggers keep the starts on both backends: on SQLite from the lead's columns (folded by the
program's function, as the lead search index is) and the customer's; on the server from
the lead's folded text once the program has folded it (server_schema.fold_pending), and
from the customer's columns, which the program writes folded. Idempotent: the triggers are
replaced and the starts written anew."""

from __future__ import annotations

from peewee import Database

from app.db.connection import WORDS_FUNCTION, is_sqlite
from app.db.server_schema import LEAD_COLUMNS
from app.db.steps.lead_search import LEAD_SEARCH_BODY, LEAD_SEARCH_TEXT
from app.domain.text import WORD_SEPARATORS

# A customer's searched text as its words are taken from it (`row`: new, old or a): the
# folded name (sort_name, which the program writes), the e-mail key (lower case), the
# phone as typed and the postcode, each written by the program or plain ASCII on both
# backends, so both hold the same words. (The city is left to terms of three letters or
# more: SQLite's lower() folds ASCII only, and "Überlingen" would be two words.)
ACCOUNT_WORDS_TEXT = " || ' ' || ".join(
    ("coalesce({row}.sort_name, '')", "coalesce({row}.email_key, '')",
     "coalesce({row}.phone, '')", "lower(coalesce({row}.postcode, ''))")
)  # fmt: skip
ACCOUNT_WORD_COLUMNS = ("sort_name", "email_key", "phone", "postcode")

# The lead list's default order and its name order (app.db.leads.LEAD_SORT_COLUMNS).
LEAD_INDEXES = {
    "lead_created_at_id": "created_at, id",
    "lead_last_name_company_id": "last_name, company_name, id",
}

# The customers' columns a term of three characters or more is looked for in (the server).
ACCOUNT_TRIGRAM_COLUMNS = ("sort_name", "email_key", "phone", "city", "postcode")

# The indexes only the server has: the customers' trigrams, and the leads' starts by lead
# (its triggers delete a lead's starts by it; SQLite's go through the primary key).
SERVER_ONLY_INDEXES = (
    *(f"account_{column}_trigrams" for column in ACCOUNT_TRIGRAM_COLUMNS),
    "lead_start_lead",
)


# SQLite's index of the leads' words: FTS5 with the `ascii` tokenizer parts a text where
# app.domain.text.WORD_SEPARATORS does (ASCII spaces and punctuation; every other character
# belongs to a word), and its prefix indexes of one and two characters answer a term's
# words at once. Written in one pass as a statement's rows are (an import's batch), where a
# table of the starts took two dozen B-tree rows a lead (a 50 MB import 9 -> 14 s).
# Contentless: it answers which leads, nothing else (its row sizes are kept, so the table
# can be read through, as a dump of the file does); a lead's words
# are taken out by giving it the text they were indexed from, which the lead search
# index keeps (and its triggers read before they change it).
LEAD_WORDS = "lead_word"
_LEAD_WORDS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {LEAD_WORDS} USING fts5("
    "body, content='', detail='none', prefix='1 2', tokenize='ascii')"
)


def _lead_start_table(collation: str) -> str:
    return f"""CREATE TABLE IF NOT EXISTS lead_start (
            start TEXT{collation} NOT NULL,
            lead_id INTEGER NOT NULL REFERENCES lead (id) ON DELETE CASCADE,
            PRIMARY KEY (start, lead_id)
        )"""


def _tables(collation: str, trailer: str) -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS account_start (
            start TEXT{collation} NOT NULL,
            account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
            sort_name TEXT NOT NULL,
            PRIMARY KEY (start, account_id)
        ){trailer}""",
        # The customers of a start in the list's default order (the name): its first page
        # is the first entries of a range.
        "CREATE INDEX IF NOT EXISTS account_start_name "
        "ON account_start (start, sort_name, account_id)",
        "CREATE INDEX IF NOT EXISTS account_start_account ON account_start (account_id, start)",
    ]


# The first one and the first two characters of each word (substr counts characters on
# both backends): a term of one or two letters is one of them, or starts no word.
_LENGTHS = "(SELECT 1 AS n UNION ALL SELECT 2)"


def _sqlite_words(text: str, row_id: str, source: str = "") -> str:
    """The rows (start, id) of the words' starts of `text` (SQLite), the words as
    app.domain.text.words_of gives them."""
    return (
        f"SELECT DISTINCT substr(j.value, 1, k.n), {row_id} "
        f"FROM {source}json_each({WORDS_FUNCTION}({text})) j, {_LENGTHS} k"
    )


_SQLITE_TRIGGER_NAMES = (
    "lead_search_insert",
    "lead_search_update",
    "lead_search_delete",
    "account_start_insert",
    "account_start_update",
    "account_start_delete",
)

# What an account's start row holds beside the start (`row`: new or a).
_ACCOUNT_ROW = "{row}.id, coalesce({row}.sort_name, '')"
_ACCOUNT_WORDS_NEW = _sqlite_words(
    ACCOUNT_WORDS_TEXT.format(row="new"), _ACCOUNT_ROW.format(row="new")
)


def _kept_text(lead: str) -> str:
    """A lead's folded text as its search index keeps it (SQLite), which the lead's
    triggers read rather than fold its columns a second time."""
    return f"(SELECT c0 FROM {LEAD_SEARCH_TEXT} WHERE id = {lead})"


# The lead search index's triggers (schema step lead_search) taken over, the folded text
# written once and the words' index written from it.
_LEAD_BODY_NEW = LEAD_SEARCH_BODY.format(row="new")

# A lead's words out of the contentless index: the text they were indexed from, given back.
_WORDS_OUT = (
    f"INSERT INTO {LEAD_WORDS}({LEAD_WORDS}, rowid, body) "
    "SELECT 'delete', {lead}, c0 FROM " + LEAD_SEARCH_TEXT + " WHERE id = {lead}"
)

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER lead_search_insert AFTER INSERT ON lead BEGIN
        INSERT INTO lead_search(rowid, body) VALUES (new.id, {_LEAD_BODY_NEW});
        INSERT INTO {LEAD_WORDS}(rowid, body) VALUES (new.id, {_kept_text("new.id")});
    END""",
    f"""CREATE TRIGGER lead_search_update AFTER UPDATE OF {", ".join(LEAD_COLUMNS)} ON lead
    BEGIN
        {_WORDS_OUT.format(lead="old.id")};
        UPDATE lead_search SET body = {_LEAD_BODY_NEW} WHERE rowid = new.id;
        INSERT INTO {LEAD_WORDS}(rowid, body) VALUES (new.id, {_kept_text("new.id")});
    END""",
    f"""CREATE TRIGGER lead_search_delete AFTER DELETE ON lead BEGIN
        {_WORDS_OUT.format(lead="old.id")};
        DELETE FROM lead_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER account_start_insert AFTER INSERT ON account BEGIN
        INSERT OR IGNORE INTO account_start (start, account_id, sort_name) {_ACCOUNT_WORDS_NEW};
    END""",
    f"""CREATE TRIGGER account_start_update
        AFTER UPDATE OF {", ".join(ACCOUNT_WORD_COLUMNS)} ON account BEGIN
        DELETE FROM account_start WHERE account_id = old.id;
        INSERT OR IGNORE INTO account_start (start, account_id, sort_name) {_ACCOUNT_WORDS_NEW};
    END""",
    """CREATE TRIGGER account_start_delete AFTER DELETE ON account BEGIN
        DELETE FROM account_start WHERE account_id = old.id;
    END""",
]

_SEPARATORS_LITERAL = "E'" + WORD_SEPARATORS.replace("\\", "\\\\") + "'"


def _server_words(text: str, row_id: str, source: str = "") -> str:
    """The rows (start, id) of the words' starts of `text` (PostgreSQL), the words split as
    app.domain.text.words_of splits them."""
    return (
        f"SELECT DISTINCT substr(w, 1, k.n), {row_id} FROM {source}"
        f"regexp_split_to_table({text}, {_SEPARATORS_LITERAL}) w, {_LENGTHS} k WHERE w <> ''"
    )


_SERVER_TRIGGERS = [
    "CREATE INDEX IF NOT EXISTS lead_start_lead ON lead_start (lead_id, start)",
    # The lead's words follow its folded text (a text waiting to be folded has none yet).
    f"""CREATE OR REPLACE FUNCTION lead_start_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND new.body IS NOT DISTINCT FROM old.body THEN
            RETURN NULL;
        END IF;
        DELETE FROM lead_start WHERE lead_id = new.id;
        IF new.body IS NOT NULL THEN
            INSERT INTO lead_start (start, lead_id) {_server_words("new.body", "new.id")};
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS lead_start_row ON lead_search",
    """CREATE TRIGGER lead_start_row AFTER INSERT OR UPDATE ON lead_search
        FOR EACH ROW EXECUTE FUNCTION lead_start_row()""",
    f"""CREATE OR REPLACE FUNCTION account_start_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM account_start WHERE account_id = new.id;
        INSERT INTO account_start (start, account_id, sort_name)
        {_server_words(ACCOUNT_WORDS_TEXT.format(row="new"), _ACCOUNT_ROW.format(row="new"))};
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS account_start_row ON account",
    f"""CREATE TRIGGER account_start_row
        AFTER INSERT OR UPDATE OF {", ".join(ACCOUNT_WORD_COLUMNS)} ON account
        FOR EACH ROW EXECUTE FUNCTION account_start_row()""",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX IF NOT EXISTS account_{column}_trigrams "
        f"ON account USING gin ({column} gin_trgm_ops)"
        for column in ACCOUNT_TRIGRAM_COLUMNS
    ),
]


def create_word_starts(db: Database) -> None:
    """The tables, indexes and triggers (idempotent): for a new database, a move to the
    server (before the rows are copied, so the triggers write the words), and the step."""
    if is_sqlite(db):
        for statement in [_LEAD_WORDS_DDL, *_tables("", " WITHOUT ROWID")]:
            db.execute_sql(statement)
        for name in _SQLITE_TRIGGER_NAMES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in _SQLITE_TRIGGERS:
            db.execute_sql(statement)
    else:
        statements = [_lead_start_table(' COLLATE "C"'), *_tables(' COLLATE "C"', "")]
        for statement in [*statements, *_SERVER_TRIGGERS]:
            db.execute_sql(statement)
    for name, columns in LEAD_INDEXES.items():
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON lead ({columns})")
    # The customer list's order by city (by name and postcode had theirs).
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_city_id ON account (city, id)")
    # A search of four digits or more is also looked for in the leads' normalised numbers:
    # on SQLite their index is read instead of every lead's row, the server has their
    # trigrams (as the customers': schema step search_sorts).
    if is_sqlite(db):
        db.execute_sql("CREATE INDEX IF NOT EXISTS lead_phone_key ON lead (phone_key)")
    else:
        db.execute_sql(
            "CREATE INDEX IF NOT EXISTS lead_phone_key_trigrams "
            "ON lead USING gin (phone_key gin_trgm_ops)"
        )


def fill_word_starts(db: Database) -> None:
    """Write every lead's and customer's word starts anew (idempotent)."""
    db.execute_sql("DELETE FROM account_start")
    if is_sqlite(db):
        # The leads' folded texts are kept by their search index (schema step lead_search).
        db.execute_sql(f"INSERT INTO {LEAD_WORDS}({LEAD_WORDS}) VALUES ('delete-all')")
        db.execute_sql(
            f"INSERT INTO {LEAD_WORDS}(rowid, body) SELECT id, c0 FROM {LEAD_SEARCH_TEXT} "
            "ORDER BY id"
        )
        db.execute_sql(f"INSERT INTO {LEAD_WORDS}({LEAD_WORDS}) VALUES ('optimize')")
        db.execute_sql(
            "INSERT OR IGNORE INTO account_start (start, account_id, sort_name) "
            + _sqlite_words(
                ACCOUNT_WORDS_TEXT.format(row="a"), _ACCOUNT_ROW.format(row="a"), "account a, "
            )
        )
        if "sqlite_stat1" in db.get_tables():
            db.execute_sql("ANALYZE account_start")
    else:
        db.execute_sql("DELETE FROM lead_start")
        db.execute_sql(
            "INSERT INTO lead_start (start, lead_id) "
            + _server_words("s.body", "s.id", "lead_search s, ")
            + " AND s.body IS NOT NULL"
        )
        db.execute_sql(
            "INSERT INTO account_start (start, account_id, sort_name) "
            + _server_words(
                ACCOUNT_WORDS_TEXT.format(row="a"), _ACCOUNT_ROW.format(row="a"), "account a, "
            )
        )
        db.execute_sql("ANALYZE lead_start")
        db.execute_sql("ANALYZE account_start")


def word_starts(db: Database) -> None:
    """Schema step: see the module's text."""
    create_word_starts(db)
    fill_word_starts(db)
