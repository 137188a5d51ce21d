"""The schema's version and the steps that bring an older database up to it.

A new database is created at the current version in one transaction. An older one is
copied aside (SQLite's online backup) and then brought forward one step at a time, each
step in its own transaction together with its version bump, so an interrupted upgrade
leaves the database at a whole version. A database written by a newer program is refused.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.db import backups, models
from app.db.connection import (
    APPLICATION_ID,
    SEARCH_FUNCTION,
    database,
    is_sqlite,
    open_sqlite,
    read_only_connection,
)
from app.domain import standard_names, text
from app.i18n import _

log = logging.getLogger(__name__)


# Each step is written against the schema as it was at its version, not against today's
# models (which move on): a step that needs a table declares a frozen copy of it here.
# Every step is idempotent (IF NOT EXISTS, checks before ALTER), so a step that runs again
# after an interruption does no harm.


class _NumberSequenceV2(Model):
    name = CharField(primary_key=True)
    next_value = IntegerField(default=1)

    class Meta:
        table_name = "number_sequence"
        legacy_table_names = False


class _StampedV2(Model):
    """The bookkeeping columns every table of schema 2 has."""

    created_at = DateTimeField()
    updated_at = DateTimeField()
    changed_by = IntegerField(null=True)
    version = IntegerField(default=1)


class _QuoteV2(_StampedV2):
    number = CharField()
    revision = IntegerField(default=1)
    opportunity = ForeignKeyField(models.Opportunity, on_delete="CASCADE")
    status = CharField(default="draft")
    valid_until = DateField()
    currency = CharField(default="EUR")
    payment_method = CharField(default="")
    vehicle = ForeignKeyField(models.Vehicle, null=True, on_delete="SET NULL")
    remarks = TextField(default="")
    supersedes = ForeignKeyField("self", null=True, on_delete="SET NULL")
    presented_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)
    net_minor = IntegerField(default=0)
    accessories_minor = IntegerField(default=0)
    trade_in_minor = IntegerField(default=0)
    amount_due_minor = IntegerField(default=0)
    snapshot = TextField(null=True)

    class Meta:
        table_name = "quote"
        legacy_table_names = False
        indexes = (
            (("number", "revision"), True),
            (("opportunity", "status"), False),
            (("status", "valid_until"), False),
        )


class _QuoteLineV2(_StampedV2):
    quote = ForeignKeyField(_QuoteV2, on_delete="CASCADE")
    position = IntegerField()
    kind = CharField()
    description = CharField()
    quantity = CharField(default="1")
    unit_price_minor = IntegerField(default=0)
    vat_rate = CharField(default="0")

    class Meta:
        table_name = "quote_line"
        legacy_table_names = False
        indexes = ((("quote", "position"), False),)


class _OrderFormV2(_StampedV2):
    number = CharField(unique=True)
    quote = ForeignKeyField(_QuoteV2, unique=True, on_delete="RESTRICT")
    opportunity = ForeignKeyField(models.Opportunity, on_delete="RESTRICT")
    vehicle = ForeignKeyField(models.Vehicle, null=True, on_delete="SET NULL")
    payment_method = CharField(default="")
    delivery_date = DateField(null=True)
    signed_on = DateField(null=True)
    cancelled_on = DateField(null=True)
    snapshot = TextField()

    class Meta:
        table_name = "order_form"
        legacy_table_names = False


class _SalesOrderV2(_StampedV2):
    number = CharField(unique=True)
    order_form = ForeignKeyField(_OrderFormV2, unique=True, on_delete="RESTRICT")
    opportunity = ForeignKeyField(models.Opportunity, on_delete="RESTRICT")
    delivered_on = DateField(null=True)
    delivery_mileage_km = IntegerField(null=True)
    delivery_note = TextField(default="")
    cancelled_on = DateField(null=True)

    class Meta:
        table_name = "sales_order"
        legacy_table_names = False


_QUOTE_TABLES_V2 = [_NumberSequenceV2, _QuoteV2, _QuoteLineV2, _OrderFormV2, _SalesOrderV2]


def _v2_quotes(db: Database) -> None:
    """Quotes with their lines, order forms, orders and the gap-free number series."""
    with db.bind_ctx(_QUOTE_TABLES_V2, bind_refs=False, bind_backrefs=False):
        db.create_tables(_QUOTE_TABLES_V2, safe=True)


class _AuditEntryV3(Model):
    """audit_entry as the audit-log step creates it."""

    at = DateTimeField()
    user_id = IntegerField(null=True)
    user_name = CharField(default="")
    entity = CharField()
    entity_id = IntegerField()
    action = CharField()
    changes = TextField(default="")

    class Meta:
        table_name = "audit_entry"


def _v3_audit_log(db: Database) -> None:
    """The audit log: who created, changed, exported, anonymised or purged what, and when."""
    with db.bind_ctx([_AuditEntryV3]):
        db.create_tables([_AuditEntryV3], safe=True)
    # Named as the model names them, so an upgraded database and a new one are alike.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "audit_entry_at" ON "audit_entry" ("at")')
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "audit_entry_entity_entity_id" '
        'ON "audit_entry" ("entity", "entity_id")'
    )


# Version 4's stage history indexes (models.STAGE_CHANGE_INDEXES spells the same ones), and
# the single-column foreign-key indexes on the two stage columns that they lead with.
_V4_INDEXES = {
    "stage_change_to_stage_id_opportunity_id": ("to_stage_id", "opportunity_id"),
    "stage_change_from_stage_id_opportunity_id_to_stage_id": (
        "from_stage_id",
        "opportunity_id",
        "to_stage_id",
    ),
    "stage_change_to_stage_id_from_stage_id_created_at": (
        "to_stage_id",
        "from_stage_id",
        "created_at",
    ),
}
_V4_REPLACED = ("stage_change_from_stage_id", "stage_change_to_stage_id")


def _v4_stage_history_indexes(db: Database) -> None:
    """Covering indexes on the stage history for the dashboard's funnel, in place of the
    single-column indexes on its two stage columns. Spelled out here rather than taken from
    the model, so the step stays what it is when the model changes later. Idempotent: an
    index that is there already is kept, one that is gone already is not missed. A database
    that keeps planner statistics gets them for the new indexes too."""
    for name, columns in _V4_INDEXES.items():
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "stage_change" ({listed})')
    for name in _V4_REPLACED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    if is_sqlite(db) and "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE stage_change")


# What the list's search box matches in an opportunity: its topic, customer, brand, model,
# and its vehicle's VIN and stock number.
_SEARCH_BODY = """
    {row}.topic || ' ' || coalesce((SELECT a.name FROM account a WHERE a.id = {row}.account_id), '')
    || ' ' || {row}.brand || ' ' || {row}.model
    || ' ' || coalesce((SELECT v.vin || ' ' || v.stock_number FROM vehicle v
                        WHERE v.id = {row}.vehicle_id), '')
"""

# Since schema 5 the index holds that text folded (no case, no accents: SEARCH_FUNCTION).
_FOLDED_BODY = SEARCH_FUNCTION + "(" + _SEARCH_BODY + ")"

_SEARCH_TRIGGER_NAMES = (
    "opportunity_search_insert",
    "opportunity_search_update",
    "opportunity_search_delete",
    "opportunity_search_account",
    "opportunity_search_vehicle",
)

# The triggers that keep the search index (schema 5): every write to the text an
# opportunity is searched by writes its folded text to the index.
_V5_SEARCH_TRIGGERS = [
    f"""CREATE TRIGGER opportunity_search_insert AFTER INSERT ON opportunity BEGIN
        INSERT INTO opportunity_search(rowid, body) VALUES (new.id, {_FOLDED_BODY.format(row="new")});
    END""",
    f"""CREATE TRIGGER opportunity_search_update
        AFTER UPDATE OF topic, account_id, brand, model, vehicle_id ON opportunity BEGIN
        UPDATE opportunity_search SET body = {_FOLDED_BODY.format(row="new")} WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER opportunity_search_delete AFTER DELETE ON opportunity BEGIN
        DELETE FROM opportunity_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER opportunity_search_account AFTER UPDATE OF name ON account BEGIN
        UPDATE opportunity_search SET body = (SELECT {_FOLDED_BODY.format(row="o")}
            FROM opportunity o WHERE o.id = opportunity_search.rowid)
        WHERE rowid IN (SELECT id FROM opportunity WHERE account_id = new.id);
    END""",
    f"""CREATE TRIGGER opportunity_search_vehicle AFTER UPDATE OF vin, stock_number ON vehicle BEGIN
        UPDATE opportunity_search SET body = (SELECT {_FOLDED_BODY.format(row="o")}
            FROM opportunity o WHERE o.id = opportunity_search.rowid)
        WHERE rowid IN (SELECT id FROM opportunity WHERE vehicle_id = new.id);
    END""",
]


def _v5_folded_search(db: Database) -> None:
    """Search without case and accents: "skoda" finds "Škoda", "weiss" "Weiß", "попов"
    "Попов". SQLite's own lower() and LIKE fold ASCII letters only, and this SQLite's
    trigram tokenizer cannot drop diacritics, so the search triggers now store the text
    folded by SEARCH_FUNCTION, a Python function that open_sqlite registers on every
    connection, and the list folds what is typed the same way. The index is filled anew
    from the opportunities, and the customers' sort names, which the customer search reads,
    are folded again the same way.

    Why a function of the program and not pure SQL: folding Cyrillic, Greek or Polish
    letters in SQL would take hundreds of nested replace() calls and still miss some. The
    cost: a connection that did not register the function (the sqlite3 shell, a script with
    a plain sqlite3 connection) still reads everything, and writes everything else, but
    inserting an opportunity, changing the text it is searched by, renaming a customer or
    changing a vehicle's VIN or stock number fails there with "no such function" rather than
    leave the index stale. connection.register_search_function gives such a connection the
    function. Backups (SQLite's backup API copies pages), VACUUM and the integrity checks
    run no triggers and need none; bulk loads go through open_sqlite's connection.
    Idempotent: the triggers are replaced, the index and the sort names rewritten whole."""
    if is_sqlite(db):
        for name in _SEARCH_TRIGGER_NAMES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for statement in _V5_SEARCH_TRIGGERS:
            db.execute_sql(statement)
        db.execute_sql("DELETE FROM opportunity_search")
        db.execute_sql(
            "INSERT INTO opportunity_search(rowid, body) "
            f"SELECT o.id, {_FOLDED_BODY.format(row='o')} FROM opportunity o ORDER BY o.id"
        )
        db.execute_sql("INSERT INTO opportunity_search(opportunity_search) VALUES ('optimize')")
    names = db.execute_sql("SELECT id, name, sort_name FROM account").fetchall()
    changed = [(text.fold(n or ""), i) for i, n, old in names if text.fold(n or "") != old]
    if changed:
        sql = "UPDATE account SET sort_name = ? WHERE id = ?".replace("?", db.param)
        db.connection().cursor().executemany(sql, changed)


# --- schema 6: the funnel's figures kept per opportunity and stage ---------------------------

# Days are kept as julianday() − this (the Unix epoch), so the sums stay small numbers.
VISIT_DAY_ORIGIN = 2440587.5

_VISIT_TRIGGER_NAMES = (
    "stage_visit_insert",
    "stage_visit_delete",
    "stage_visit_update",
    "stage_visit_stage_order",
    "stage_visit_status",
)


def _onward_sql(row: str) -> str:
    """1 when a move went on: to a later stage that is not a lost one; else 0."""
    return (
        "coalesce((SELECT t.sequence > f.sequence AND NOT t.is_lost FROM stage t, stage f "
        f"WHERE t.id = {row}.to_stage_id AND f.id = {row}.from_stage_id), 0)"
    )


def _visit_day(row: str) -> str:
    return f"(julianday({row}.created_at) - {VISIT_DAY_ORIGIN})"


def _add_move(row: str) -> list[str]:
    """The statements that add one move's share: a visit to its to-stage entered at its
    time, and a visit to its from-stage left at its time (gone on, if the move went on)."""
    return [
        f"""INSERT INTO opportunity_stage_visit (opportunity_id, stage_id, visits, entered)
            SELECT {row}.opportunity_id, {row}.to_stage_id, 1, {_visit_day(row)}
            WHERE {row}.to_stage_id IS NOT NULL
            ON CONFLICT (opportunity_id, stage_id) DO UPDATE SET
                visits = visits + 1, entered = entered + excluded.entered;""",
        f"""INSERT INTO opportunity_stage_visit (opportunity_id, stage_id, went_on, leaves, left_at)
            SELECT {row}.opportunity_id, {row}.from_stage_id, {_onward_sql(row)}, 1,
                   {_visit_day(row)}
            WHERE {row}.from_stage_id IS NOT NULL
            ON CONFLICT (opportunity_id, stage_id) DO UPDATE SET
                went_on = went_on + excluded.went_on, leaves = leaves + 1,
                left_at = left_at + excluded.left_at;""",
    ]


def _take_move(row: str) -> list[str]:
    """The statements that take one move's share away again. Updates only: the rows are
    there, unless the opportunity is being deleted and took them with it."""
    return [
        f"""UPDATE opportunity_stage_visit
            SET visits = visits - 1, entered = entered - {_visit_day(row)}
            WHERE opportunity_id = {row}.opportunity_id AND stage_id = {row}.to_stage_id;""",
        f"""UPDATE opportunity_stage_visit
            SET went_on = went_on - {_onward_sql(row)}, leaves = leaves - 1,
                left_at = left_at - {_visit_day(row)}
            WHERE opportunity_id = {row}.opportunity_id AND stage_id = {row}.from_stage_id;""",
    ]


def _last_lost_from(opportunity: str) -> str:
    """The stage the opportunity's last closing move as lost left (queries.LAST_LOST_FROM)."""
    return f"""(SELECT lc.from_stage_id FROM stage_change lc JOIN stage fs ON fs.id = lc.from_stage_id
        WHERE lc.opportunity_id = {opportunity} AND lc.reason = 'lost'
        ORDER BY lc.created_at DESC, lc.id DESC LIMIT 1)"""


def _lost_last(opportunity: str, status: str) -> str:
    """1 for the row of the stage a lost opportunity's last closing move as lost left."""
    return f"({status} IS 'lost' AND stage_id IS {_last_lost_from(opportunity)})"


def _mark_lost(row: str) -> str:
    """The statement that marks, after a move closing as lost comes or goes, the stage
    the opportunity's last such move left, if it is lost now."""
    status = f"(SELECT o.status FROM opportunity o WHERE o.id = {row}.opportunity_id)"
    return f"""UPDATE opportunity_stage_visit
        SET lost_last = {_lost_last(f"{row}.opportunity_id", status)}
        WHERE opportunity_id = {row}.opportunity_id AND {row}.reason = 'lost';"""


_STATUS_OF_SHARES = "(SELECT o.status FROM opportunity o WHERE o.id = shares.opportunity_id)"

# Every stage an opportunity's moves touch, with what the funnel counts of it, from the moves.
_VISIT_ROWS = f"""
    SELECT opportunity_id, stage_id, sum(visits), sum(went_on), sum(leaves),
           sum(entered), sum(left_at),
           {_lost_last("shares.opportunity_id", _STATUS_OF_SHARES)}
    FROM (
        SELECT sc.opportunity_id, sc.to_stage_id AS stage_id, 1 AS visits, 0 AS went_on,
               0 AS leaves, {_visit_day("sc")} AS entered, 0.0 AS left_at
        FROM stage_change sc WHERE sc.to_stage_id IS NOT NULL
        UNION ALL
        SELECT sc.opportunity_id, sc.from_stage_id, 0, {_onward_sql("sc")}, 1, 0.0,
               {_visit_day("sc")}
        FROM stage_change sc WHERE sc.from_stage_id IS NOT NULL
    ) AS shares
    GROUP BY opportunity_id, stage_id
"""

_FILL_VISITS = [
    "DELETE FROM opportunity_stage_visit",
    "INSERT INTO opportunity_stage_visit "
    "(opportunity_id, stage_id, visits, went_on, leaves, entered, left_at, lost_last)"
    + _VISIT_ROWS,
]

# Per opportunity and stage, what its moves say: visits (times it entered the stage),
# went_on (moves from it straight on to a later, not lost stage), leaves (moves from it),
# Σ of the times it entered and left, in days since VISIT_DAY_ORIGIN, and lost_last (1 on
# the row of the stage a lost opportunity's last closing move as lost left, as the list's
# "lost at" filter finds it; kept on changes of status too, so the funnel need not read the
# status). A visit still going on counts up to now: Σleft − Σentered + (visits − leaves) ×
# now. Sums rather than a pairing of each move with the next, so the order in which moves
# arrive does not matter. Triggers on stage_change keep it, so every writer (the services,
# bulk loads, scripts on a plain sqlite3 connection) leaves it right; a change to the
# stages' order or to which one is lost counts the moves on anew.
SQLITE_STAGE_VISIT_DDL = [
    """CREATE TABLE opportunity_stage_visit (
        opportunity_id INTEGER NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
        stage_id INTEGER NOT NULL,
        visits INTEGER NOT NULL DEFAULT 0,
        went_on INTEGER NOT NULL DEFAULT 0,
        leaves INTEGER NOT NULL DEFAULT 0,
        entered REAL NOT NULL DEFAULT 0,
        left_at REAL NOT NULL DEFAULT 0,
        lost_last INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (opportunity_id, stage_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX opportunity_stage_visit_stage_id ON opportunity_stage_visit (stage_id)",
    "CREATE TRIGGER stage_visit_insert AFTER INSERT ON stage_change BEGIN\n"
    + "\n".join([*_add_move("new"), _mark_lost("new")])
    + "\nEND",
    "CREATE TRIGGER stage_visit_delete AFTER DELETE ON stage_change BEGIN\n"
    + "\n".join([*_take_move("old"), _mark_lost("old")])
    + "\nEND",
    "CREATE TRIGGER stage_visit_update\n"
    "    AFTER UPDATE OF opportunity_id, from_stage_id, to_stage_id, created_at, reason\n"
    "    ON stage_change BEGIN\n"
    + "\n".join([*_take_move("old"), *_add_move("new"), _mark_lost("old"), _mark_lost("new")])
    + "\nEND",
    f"""CREATE TRIGGER stage_visit_stage_order AFTER UPDATE OF sequence, is_lost ON stage
        WHEN old.sequence IS NOT new.sequence OR old.is_lost IS NOT new.is_lost BEGIN
        UPDATE opportunity_stage_visit SET went_on = coalesce((
            SELECT sum({_onward_sql("sc")}) FROM stage_change sc
            WHERE sc.from_stage_id = opportunity_stage_visit.stage_id
              AND sc.opportunity_id = opportunity_stage_visit.opportunity_id), 0)
        WHERE stage_id = new.id OR (opportunity_id, stage_id) IN (
            SELECT sc.opportunity_id, sc.from_stage_id FROM stage_change sc
            WHERE sc.to_stage_id = new.id);
    END""",
    f"""CREATE TRIGGER stage_visit_status AFTER UPDATE OF status ON opportunity
        WHEN (old.status IS 'lost') <> (new.status IS 'lost') BEGIN
        UPDATE opportunity_stage_visit SET lost_last = {_lost_last("new.id", "new.status")}
        WHERE opportunity_id = new.id;
    END""",
]


def _v6_stage_visits(db: Database) -> None:
    """The funnel's figures kept per opportunity and stage (opportunity_stage_visit), so a
    filtered funnel sums its opportunities' rows rather than walking their moves. Filled
    from the stage history in one statement. Idempotent: the table, its index (the funnel
    over every opportunity reads the funnel's stages from it) and its triggers are made if
    missing, and the rows written anew. SQLite only, as the search index is."""
    if not is_sqlite(db):
        return
    for name in _VISIT_TRIGGER_NAMES:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    for statement in SQLITE_STAGE_VISIT_DDL:
        if statement.startswith("CREATE TABLE") and "opportunity_stage_visit" in db.get_tables():
            continue
        db.execute_sql(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
    for statement in _FILL_VISITS:
        db.execute_sql(statement)
    if "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity_stage_visit")


# --- schema 7: the open ones' first screen and their short searches --------------------------

# The search index as schema 5 has it, with each opportunity's status beside its text (an
# unindexed column, kept by the triggers): a search too short for the trigram index reads
# every text, and the open ones' texts can then be told apart without a lookup into
# opportunity for each.
_V7_SEARCH_TRIGGERS = [
    f"""CREATE TRIGGER opportunity_search_insert AFTER INSERT ON opportunity BEGIN
        INSERT INTO opportunity_search(rowid, body, status)
        VALUES (new.id, {_FOLDED_BODY.format(row="new")}, new.status);
    END""",
    f"""CREATE TRIGGER opportunity_search_update
        AFTER UPDATE OF topic, account_id, brand, model, vehicle_id, status ON opportunity BEGIN
        UPDATE opportunity_search SET body = {_FOLDED_BODY.format(row="new")}, status = new.status
        WHERE rowid = new.id;
    END""",
    *_V5_SEARCH_TRIGGERS[2:],  # deleting, renaming a customer, changing a VIN: as in schema 5
]
_V7_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE opportunity_search USING fts5(body, status UNINDEXED, tokenize='trigram')",
    *_V7_SEARCH_TRIGGERS,
]

# Substring search over 100k opportunities needs an index: an FTS5 trigram table kept by
# triggers, holding per opportunity the text the list's search box matches, folded, and
# its status.
SQLITE_SEARCH_DDL = _V7_SEARCH_DDL


def _v7_open_list(db: Database) -> None:
    """The list opens on the open opportunities sorted by their est. close date, and what
    is typed first in its search box is a letter or two.

    An index on the status and the close date: with it the first page is the index's
    first entries instead of a walk of the close-date index checking each row's status
    (on 100,000 opportunities 0.1 ms rather than 14 ms). The close-date filters ("closing
    in 30 days", "overdue") on the open ones read it too. The owner's index on the owner
    and the status gets the close date as well.

    The search index gets each opportunity's status beside its text: a term of one or two
    letters, too short for the trigram index, is counted among the open ones by reading
    the texts alone (10 ms rather than 25-35 ms). The index is made anew and filled from
    the opportunities. Idempotent."""
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "opportunity_status_est_close_date" '
        'ON "opportunity" ("status", "est_close_date")'
    )
    # The owner's index gains the close date: with the index above alone, the planner
    # walked everyone's open ones by date for one salesperson's (their agenda: 100 ms
    # rather than 30 ms), where this index gives theirs in that order.
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "opportunity_owner_id_status_est_close_date" '
        'ON "opportunity" ("owner_id", "status", "est_close_date")'
    )
    db.execute_sql('DROP INDEX IF EXISTS "opportunity_owner_id_status"')
    if not is_sqlite(db):
        return
    for name in _SEARCH_TRIGGER_NAMES:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
    db.execute_sql("DROP TABLE IF EXISTS opportunity_search")
    for statement in _V7_SEARCH_DDL:
        db.execute_sql(statement)
    db.execute_sql(
        "INSERT INTO opportunity_search(rowid, body, status) "
        f"SELECT o.id, {_FOLDED_BODY.format(row='o')}, o.status FROM opportunity o ORDER BY o.id"
    )
    db.execute_sql("INSERT INTO opportunity_search(opportunity_search) VALUES ('optimize')")
    if "sqlite_stat1" in db.get_tables():
        db.execute_sql("ANALYZE opportunity")


# --- schema 8: the shipped names' stable keys -------------------------------------------------

# The rows the program seeded, by the English names it seeded them with, and their keys
# (app/domain/standard_names.py): frozen here, so the step stays what it is.
_V8_STAGE_KEYS = {
    "Qualify": "qualify",
    "Interest": "interest",
    "Quotation": "quotation",
    "Contract": "contract",
    "Delivery": "delivery",
    "Won": "won",
    "Lost": "lost",
}
_V8_KIND_KEYS = {
    ("Standard", "standard"): "standard",
    ("Without stages", "without_stages"): "without_stages",
}
_V8_REASON_KEYS = {
    "lost": {
        "Price": "price",
        "Financing refused": "financing_refused",
        "Bought elsewhere": "bought_elsewhere",
        "Bought another brand": "bought_another_brand",
        "No longer interested": "no_longer_interested",
        "Delivery time too long": "delivery_time_too_long",
        "Trade-in value too low": "trade_in_value_too_low",
        "Cancelled": "cancelled",
    },
    "disqualify": {
        "Not reachable": "not_reachable",
        "No purchase intention": "no_purchase_intention",
        "Duplicate": "duplicate",
        "Spam or test entry": "spam_or_test_entry",
        "Outside our market area": "outside_market_area",
    },
    "note": {
        "Customer call": "customer_call",
        "Visit": "visit",
        "Internal": "internal",
        "Financing": "financing",
        "Trade-in": "trade_in",
        "Complaint": "complaint",
    },
}
# Named as the models name them, so an upgraded database and a new one are alike.
_V8_KEY_INDEXES = {
    "stage": ("stage_kind_id_key", ("kind_id", "key")),
    "reason": ("reason_kind_key", ("kind", "key")),
    "opportunity_kind": ("opportunity_kind_key", ("key",)),
}


def _v8_standard_keys(db: Database) -> None:
    """A key column on stage, reason and opportunity_kind: the stable name of a row the
    program shipped, which the program compares (not the English name, which an
    administrator may rename, and which shows translated while it is not renamed). Filled
    for the shipped rows by their English names; a row an administrator added keeps NULL.
    The stages of custom processes are copies of the standard ones and get their keys too
    (the automatic moves found them by name until now). Idempotent: the column and index
    are added if missing, and only rows without a key are filled."""
    for table, (index, columns) in _V8_KEY_INDEXES.items():
        if "key" not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "key" VARCHAR(255)')
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE UNIQUE INDEX IF NOT EXISTS "{index}" ON "{table}" ({listed})')

    def run(sql: str, *params: object) -> None:
        db.execute_sql(sql.replace("?", db.param), params)

    for name, key in _V8_STAGE_KEYS.items():
        # One stage per process takes the key, should a process hold the name twice.
        run(
            'UPDATE stage SET "key" = ? WHERE "key" IS NULL AND id IN ('
            "SELECT min(s.id) FROM stage s WHERE s.name = ? AND NOT EXISTS ("
            'SELECT 1 FROM stage k WHERE k.kind_id = s.kind_id AND k."key" = ?) '
            "GROUP BY s.kind_id)",
            key,
            name,
            key,
        )
    for (name, process), key in _V8_KIND_KEYS.items():
        run(
            'UPDATE opportunity_kind SET "key" = ? WHERE "key" IS NULL AND name = ? '
            'AND process = ? AND NOT EXISTS (SELECT 1 FROM opportunity_kind k WHERE k."key" = ?)',
            key,
            name,
            process,
            key,
        )
    for kind, names in _V8_REASON_KEYS.items():
        for name, key in names.items():
            run(
                'UPDATE reason SET "key" = ? WHERE "key" IS NULL AND kind = ? AND name = ? '
                'AND NOT EXISTS (SELECT 1 FROM reason k WHERE k.kind = ? AND k."key" = ?)',
                key,
                kind,
                name,
                kind,
                key,
            )


# --- schema 9: what documents print ---------------------------------------------------------

_V9_NEW_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "business": tuple(
        (name, "VARCHAR(255) NOT NULL DEFAULT ''")
        for name in (
            "registered_name",
            "commercial_register",
            "register_court",
            "managing_directors",
            "tax_number",
            "bank_name",
            "iban",
            "bic",
        )
    ),
    "account": (("vat_number", "VARCHAR(255) NOT NULL DEFAULT ''"),),
    "vehicle": (("vat_treatment", "VARCHAR(255) NOT NULL DEFAULT 'regular'"),),
    "quote_line": (
        ("margin_scheme", "BOOLEAN NOT NULL DEFAULT FALSE"),
        ("trade_in", "TEXT NOT NULL DEFAULT ''"),
    ),
}


class _DocumentImageV9(Model):
    sha256 = CharField(primary_key=True)
    media_type = CharField(default="image/png")
    data = BlobField()
    created_at = DateTimeField()

    class Meta:
        table_name = "document_image"
        legacy_table_names = False


def _v9_documents(db: Database) -> None:
    """What documents print: the logo's bytes kept once per distinct image (document_image,
    named by the snapshots by their SHA-256), the dealer's legal details on the business,
    a business customer's VAT ID, a stock vehicle's VAT treatment (regular or the margin
    scheme), and per quote line whether it is sold under the margin scheme and which car a
    trade-in line takes in. Snapshots already issued stay as they are (format 1: they print
    the logo file they named). Idempotent: columns are added when missing."""
    for table, columns in _V9_NEW_FIELDS.items():
        present = {c.name for c in db.get_columns(table)}
        for name, definition in columns:
            if name not in present:
                if is_sqlite(db):  # as peewee declares a BooleanField there
                    definition = definition.replace("BOOLEAN", "INTEGER").replace("FALSE", "0")
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')
    with db.bind_ctx([_DocumentImageV9]):
        db.create_tables([_DocumentImageV9], safe=True)


class _AccountRefV10(Model):
    """Only what a foreign key to the table needs: its name and id."""

    class Meta:
        table_name = "account"
        legacy_table_names = False


class _LeadRefV10(Model):
    class Meta:
        table_name = "lead"
        legacy_table_names = False


class _MarketingConsentV10(_StampedV2):
    account = ForeignKeyField(
        _AccountRefV10, null=True, on_delete="CASCADE", column_name="account_id"
    )
    lead = ForeignKeyField(_LeadRefV10, null=True, on_delete="CASCADE", column_name="lead_id")
    channel = CharField()
    given = BooleanField()
    at = DateTimeField()
    method = CharField()
    wording = TextField(default="")

    class Meta:
        table_name = "marketing_consent"
        legacy_table_names = False
        indexes = (
            (("account", "channel", "at"), False),
            (("lead", "channel", "at"), False),
        )


def _v10_marketing_consent(db: Database) -> None:
    """Marketing consent, per customer and lead and per channel (e-mail, phone, SMS): each
    statement given or withdrawn, when, how and in what wording, kept as a history.
    Idempotent: the table and its indexes are created when missing."""
    with db.bind_ctx([_MarketingConsentV10, _AccountRefV10, _LeadRefV10]):
        db.create_tables([_MarketingConsentV10], safe=True)


# The bookkeeping a setting takes in schema 11, as every other editable record has it.
_V11_SETTING_FIELDS = (
    ("version", "INTEGER NOT NULL DEFAULT 1"),
    ("updated_at", "TIMESTAMP NULL"),
    ("changed_by", "INTEGER NULL"),
)


def _v11_setting_versions(db: Database) -> None:
    """A version on each setting, so a save of the settings over another workstation's is
    noticed as for every other record, with when and by whom it was last changed.
    Idempotent: columns are added when missing."""
    present = {c.name for c in db.get_columns("setting")}
    for name, definition in _V11_SETTING_FIELDS:
        if name not in present:
            db.execute_sql(f'ALTER TABLE "setting" ADD COLUMN "{name}" {definition}')


# The won reasons as schema 12 ships them (key -> English name): a frozen copy, as the
# step must seed the same rows whatever later versions call them.
_V12_WON_REASONS = {
    "won_price": "Price",
    "won_trade_in_offer": "Trade-in offer",
    "won_availability": "Availability",
    "won_financing_offer": "Financing offer",
    "won_service": "Service",
    "won_referral": "Referral",
    "won_brand_loyalty": "Brand loyalty",
}


def _v12_won_reasons(db: Database) -> None:
    """Why a sale was won: a won_reason column on opportunity (empty for the sales won so
    far) and the shipped won reasons in the reason table, with their keys. Idempotent: the
    column is added when missing, and only the reasons whose key is missing are added."""
    if "won_reason" not in {c.name for c in db.get_columns("opportunity")}:
        db.execute_sql(
            'ALTER TABLE "opportunity" ADD COLUMN "won_reason" VARCHAR(255) NOT NULL DEFAULT \'\''
        )
    stamp = models.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    for sequence, (key, name) in enumerate(_V12_WON_REASONS.items(), 1):
        db.execute_sql(
            'INSERT INTO reason (kind, name, sequence, active, "key", created_at, updated_at, '
            "version) SELECT 'won', ?, ?, ?, ?, ?, ?, 1 WHERE NOT EXISTS "
            "(SELECT 1 FROM reason WHERE kind = 'won' AND (\"key\" = ? OR name = ?))".replace(
                "?", db.param
            ),
            (name, sequence, True, key, stamp, stamp, key, name),
        )


# --- schema 13: the salesperson's home, the vehicle's use, primary demand ------------------


class _OpportunityRefV13(Model):
    """Only what a foreign key to the table needs: its name and id."""

    class Meta:
        table_name = "opportunity"
        legacy_table_names = False


class _DemandLineV13(_StampedV2):
    lead = ForeignKeyField(_LeadRefV10, null=True, on_delete="CASCADE", column_name="lead_id")
    opportunity = ForeignKeyField(
        _OpportunityRefV13, null=True, on_delete="CASCADE", column_name="opportunity_id"
    )
    position = IntegerField(default=0)
    kind = CharField()
    description = CharField(default="")
    expected_price_minor = IntegerField(null=True)
    currency = CharField(default="EUR")
    comment = TextField(default="")

    class Meta:
        table_name = "demand_line"
        legacy_table_names = False


def _v13_home_use_demand(db: Database) -> None:
    """A user's home business and facility (what their walk-ins and converted leads are
    assigned to), a stock vehicle's use (for sale, demo fleet, in transit, sold: a sold one
    takes no test drive), and the primary-demand lines of leads and opportunities. Vehicles
    of a won opportunity become sold. Idempotent: columns are added when missing, the table
    if it is missing, and the sold marking only moves vehicles still for sale."""
    present = {c.name for c in db.get_columns("user")}
    for name, table in (("home_business_id", "business"), ("home_facility_id", "facility")):
        if name not in present:
            db.execute_sql(
                f'ALTER TABLE "user" ADD COLUMN "{name}" INTEGER '
                f'REFERENCES "{table}" ("id") ON DELETE SET NULL'
            )
    if "use" not in {c.name for c in db.get_columns("vehicle")}:
        db.execute_sql(
            'ALTER TABLE "vehicle" ADD COLUMN "use" VARCHAR(255) NOT NULL DEFAULT \'for_sale\''
        )
    db.execute_sql(
        "UPDATE vehicle SET \"use\" = 'sold' WHERE \"use\" = 'for_sale' AND id IN "
        "(SELECT vehicle_id FROM opportunity WHERE status = 'won' AND vehicle_id IS NOT NULL)"
    )
    with db.bind_ctx([_DemandLineV13], bind_refs=False, bind_backrefs=False):
        db.create_tables([_DemandLineV13], safe=True)


# STEPS[n] brings a database from version n + 1 to n + 2. Append; never edit a released step.
STEPS: list[Callable[[Database], None]] = [
    _v2_quotes,
    _v3_audit_log,
    _v4_stage_history_indexes,
    _v5_folded_search,
    _v6_stage_visits,
    _v7_open_list,
    _v8_standard_keys,
    _v9_documents,
    _v10_marketing_consent,
    _v11_setting_versions,
    _v12_won_reasons,
    _v13_home_use_demand,
]

SCHEMA_VERSION = 1 + len(STEPS)


class DatabaseTooNew(RuntimeError):
    def __init__(self, found: int) -> None:
        super().__init__(
            _(
                "This database was written by a newer version of Showroom (schema {found}; "
                "this program knows up to {known}). Install the newer version to open it; "
                "the data has not been touched."
            ).format(found=found, known=SCHEMA_VERSION)
        )
        self.found = found


class NotShowroomDatabase(RuntimeError):
    """The file is not a Showroom database: another program's SQLite file, or an empty
    file. It is refused and left exactly as it is."""

    def __init__(self, path: Path, empty: bool = False) -> None:
        if empty:
            message = _(
                "The database file {path} is empty (0 bytes): it holds no data, and Showroom "
                "does not take it for a new database. If the data should be there, restore "
                "a backup (File > Restore from a backup…, or `main.py restore`); to start "
                "afresh, delete or move the empty file. It has not been touched."
            ).format(path=path)
        else:
            message = _(
                "The file {path} is not a Showroom database (it belongs to another program), "
                "so Showroom does not open it. It has not been touched. Move it away, or "
                "start Showroom with another data folder (--data-dir)."
            ).format(path=path)
        super().__init__(message)
        self.path = path
        self.empty = empty


# The default sales process (DESIGN.md): key, probability %, days allowed, won, lost, in
# funnel, only for opportunities from leads. The English names are standard_names.STAGES'.
DEFAULT_STAGES = [
    ("qualify", 10, 7, False, False, True, True),
    ("interest", 20, 21, False, False, True, False),
    ("quotation", 40, 14, False, False, True, False),
    ("contract", 75, 21, False, False, True, False),
    ("delivery", 90, 30, False, False, True, False),
    ("won", 100, None, True, False, False, False),
    ("lost", 0, None, False, True, False, False),
]


def _create_schema_version(db: Database) -> None:
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")


def current_version(db: Database) -> int:
    """0 for an empty database."""
    if "schema_version" not in db.get_tables():
        return 1 if "opportunity" in db.get_tables() else 0
    row = db.execute_sql("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _set_version(db: Database, version: int) -> None:
    db.execute_sql("DELETE FROM schema_version")
    db.execute_sql(
        "INSERT INTO schema_version (version) VALUES (?)".replace("?", db.param), (version,)
    )


def _seed_reference_data() -> None:
    """The shipped rows, in English with their keys; they show translated while not renamed."""
    # Inserted, not saved: the shipped rows are part of creating the file, not anyone's
    # edit for the audit log.
    standard = models.OpportunityKind.insert(
        name=standard_names.english("standard"), process="standard", key="standard"
    ).execute()
    for sequence, (key, prob, days, won, lost, funnel, lead_only) in enumerate(DEFAULT_STAGES, 1):
        models.Stage.insert(
            kind=standard,
            key=key,
            name=standard_names.english(key),
            sequence=sequence * 10,
            default_probability=prob,
            days_allowed=days,
            is_won=won,
            is_lost=lost,
            in_funnel=funnel,
            only_from_lead=lead_only,
        ).execute()
    models.OpportunityKind.insert(
        name=standard_names.english("without_stages"),
        process="without_stages",
        key="without_stages",
    ).execute()
    for kind, names in standard_names.REASONS.items():
        for sequence, (key, (_context, name)) in enumerate(names.items(), 1):
            models.Reason.create(kind=kind, key=key, name=name, sequence=sequence)


def _locked(db: Database):  # type: ignore[no-untyped-def]
    """A transaction holding the write lock from its start, so two workstations that start
    the program at once upgrade one after the other, the second finding the work done."""
    return db.atomic("IMMEDIATE") if is_sqlite(db) else db.atomic()


def create_fresh(db: Database) -> None:
    with _locked(db):
        if current_version(db) != 0:
            return
        db.create_tables(models.TABLES)
        # One vehicle is reserved by at most one open opportunity, whatever the program does.
        db.execute_sql(
            "CREATE UNIQUE INDEX opportunity_open_vehicle ON opportunity (vehicle_id) "
            "WHERE status = 'open' AND vehicle_id IS NOT NULL"
        )
        if is_sqlite(db):
            for statement in [*SQLITE_SEARCH_DDL, *SQLITE_STAGE_VISIT_DDL]:
                db.execute_sql(statement)
        _create_schema_version(db)
        _seed_reference_data()
        _set_version(db, SCHEMA_VERSION)
        _stamp_application_id(db)


def file_version(path: Path) -> int:
    """The schema version of a database file (a backup, say) without opening it for the
    program: 0 for a file with no tables."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables:
            return 1 if "opportunity" in tables else 0
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)
    finally:
        conn.close()


# Tables only Showroom's first schema (which had no schema_version table) has together.
_SCHEMA_1_TABLES = frozenset({"opportunity", "stage", "opportunity_kind", "account"})


def identify(path: Path) -> int:
    """The schema version of the Showroom database at `path`, read without writing to it
    (no pragma that writes, no journal mode): 0 when there is no file yet. Refuses, before
    anything touches the file, an empty file or another program's SQLite file
    (NotShowroomDatabase) and a newer Showroom's (DatabaseTooNew). A file SQLite cannot
    read as a database raises SQLite's own error (damage, or whatever keeps it from reading)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    wal = path.with_name(path.name + "-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        raise NotShowroomDatabase(path, empty=True)
    conn = read_only_connection(path)
    try:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = 0
        if "schema_version" in tables:
            version = int(
                conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            )
        elif tables >= _SCHEMA_1_TABLES:
            version = 1
    finally:
        conn.close()
    # Files written before the id was stamped carry 0: Showroom's by their schema tables
    # (they get the id on their next upgrade).
    if application_id != APPLICATION_ID and not (application_id == 0 and version > 0):
        raise NotShowroomDatabase(path)
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(version)
    return version


def create_new(path: Path) -> None:
    """Create a new database at `path`: written whole under a temporary name, then linked
    into place, so a crash while creating never leaves a half-made or empty file under the
    database's name (and two workstations creating it at once do not replace each other's).
    The models are left unbound: open the file afterwards."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
        leftover.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        db = open_sqlite(temporary, journal_mode="delete")
        try:
            create_fresh(db)
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            log.info("another workstation created %s meanwhile; that one is used", path)
    finally:
        temporary.unlink(missing_ok=True)


def _stamp_application_id(db: Database) -> None:
    """Mark the file as Showroom's (a file made before the id was set carries 0)."""
    if is_sqlite(db):
        row = db.execute_sql("PRAGMA application_id").fetchone()
        if int(row[0]) != APPLICATION_ID:
            db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def upgrade(db: Database, backup_dir: Path | None = None) -> int:
    """Bring the bound database to SCHEMA_VERSION; return the version it had."""
    found = current_version(db)
    if found > SCHEMA_VERSION:
        raise DatabaseTooNew(found)
    if found == 0:
        create_fresh(db)
        return 0
    if found < SCHEMA_VERSION:
        if backup_dir is not None and is_sqlite(db):
            # Refuses (BackupError) a database that fails its integrity check: upgrading
            # a damaged file would only bury the damage.
            copy = backups.copy_database(
                db.connection(), backup_dir, prefix=f"before-upgrade-v{found}"
            )
            log.info("copied the database to %s before upgrading from schema %d", copy.path, found)
        for version in range(found, SCHEMA_VERSION):
            with _locked(db):
                if current_version(db) > version:
                    continue  # another workstation did this step meanwhile
                _create_schema_version(db)
                STEPS[version - 1](db)
                _set_version(db, version + 1)
            log.info("upgraded the database schema to %d", version + 1)
    if is_sqlite(db) and int(db.execute_sql("PRAGMA application_id").fetchone()[0]) == 0:
        with _locked(db):
            _stamp_application_id(db)
    return found


def open_and_upgrade(path: Path, backup_dir: Path | None = None) -> Database:
    if identify(path) == 0:
        create_new(path)
    db = open_sqlite(path)
    upgrade(db, backup_dir)
    return db


__all__ = [
    "SCHEMA_VERSION",
    "DatabaseTooNew",
    "NotShowroomDatabase",
    "create_new",
    "database",
    "identify",
    "open_and_upgrade",
    "upgrade",
]
