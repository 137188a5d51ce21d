"""Schema steps 2 to 7: quotes, the audit log, the stage history's indexes, the folded search,
the funnel's stage visits and the open list's first screen."""

from __future__ import annotations

import logging

from peewee import (
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.db import models
from app.db.connection import (
    SEARCH_FUNCTION,
    is_sqlite,
)
from app.domain import text

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
