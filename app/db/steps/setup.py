"""The schema step of going live on an empty database: master data kept in the program.

Businesses, facilities, operations and catalogue entries get an `active` flag (a used row is
deactivated, never deleted), a catalogue entry says whether its list price is net or gross
and at which VAT rate, the catalogue gets its options and accessories, and a stock vehicle
its purchase price, and a stage of a process's own naming which automatic move lands in
it. Written against the schema as it was, with frozen copies of what it
creates, and idempotent: a column is added only when missing, the table only if missing."""

from __future__ import annotations

from peewee import BooleanField, CharField, Database, ForeignKeyField, IntegerField, Model

from app.db.connection import is_sqlite
from app.db.steps.v2_to_v7 import _StampedV2


class _CatalogueEntryRef(Model):
    """Only what a foreign key to the table needs: its name and id."""

    class Meta:
        table_name = "catalogue_entry"
        legacy_table_names = False


class _CatalogueItemSetup(_StampedV2):
    entry = ForeignKeyField(
        _CatalogueEntryRef, null=True, on_delete="CASCADE", column_name="entry_id"
    )
    kind = CharField()
    code = CharField(default="")
    name = CharField()
    price_minor = IntegerField(default=0)
    currency = CharField(default="EUR")
    price_basis = CharField(default="net")
    vat_rate = CharField(default="")
    active = BooleanField(default=True)

    class Meta:
        table_name = "catalogue_item"
        legacy_table_names = False


def _add_column(db: Database, table: str, name: str, definition: str) -> None:
    if name not in {c.name for c in db.get_columns(table)}:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def setup_master_data(db: Database) -> None:
    """Master data kept in the program: see the module's docstring."""
    boolean = "INTEGER" if is_sqlite(db) else "BOOLEAN"
    active = f"{boolean} NOT NULL DEFAULT TRUE"
    for table in ("business", "facility", "operation"):
        _add_column(db, table, "active", active)
    _add_column(db, "catalogue_entry", "price_basis", "VARCHAR(255) NOT NULL DEFAULT 'net'")
    _add_column(db, "catalogue_entry", "vat_rate", "VARCHAR(255) NOT NULL DEFAULT ''")
    _add_column(db, "catalogue_entry", "active", active)
    _add_column(db, "vehicle", "purchase_price_minor", "INTEGER")
    with db.bind_ctx([_CatalogueItemSetup], bind_refs=False, bind_backrefs=False):
        db.create_tables([_CatalogueItemSetup], safe=True)
    # A stage of a process's own naming says which automatic move lands in it: the key of
    # the standard stage it stands for, or empty (shipped stages keep their key).
    _add_column(db, "stage", "moves_on", "VARCHAR(255) NOT NULL DEFAULT ''")
