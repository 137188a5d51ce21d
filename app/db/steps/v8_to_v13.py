"""Schema steps 8 to 13: the shipped names' keys, what documents print, marketing consent,
the settings' versions, won reasons, and the salesperson's home, the vehicle's use and primary
demand."""

from __future__ import annotations

import logging

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    Database,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.db import models
from app.db.connection import is_sqlite
from app.db.steps.v2_to_v7 import _StampedV2

log = logging.getLogger(__name__)


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
