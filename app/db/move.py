"""Copying a workstation's SQLite database into an empty database on the site's server:
every table the models know, row for row, then each table's row count and checksum compared
on both sides. The SQLite file is only read (a read-only connection)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import (
    BooleanField,
    CharField,
    Database,
    DatabaseError,
    DateField,
    DateTimeField,
    Field,
    IntegerField,
    TextField,
)
from psycopg2.extras import execute_values

from app.db import migrations, models, server_schema
from app.db.connection import read_only_connection
from app.db.steps import SCHEMA_VERSION, aggregates
from app.db.steps.search_sort_keys import KEPT_KEYS
from app.db.steps.stage_entry import COLUMN as STAGE_ENTERED
from app.db.steps.stage_entry import SERVER_KIND as STAGE_ENTERED_KIND

# The columns schema steps keep on a table beside its model's fields (a save never writes
# them), in the order the steps add them: copied with the rows, so the steps find them
# right and write none of them again over the copy.
_KEPT_COLUMNS = {
    "opportunity": [
        *((column, kind) for column, kind, *_rest in KEPT_KEYS),
        (STAGE_ENTERED, STAGE_ENTERED_KIND),
    ]
}
_KIND_FIELDS = {"TEXT": TextField, "INTEGER": IntegerField, "TIMESTAMP": DateTimeField}

log = logging.getLogger(__name__)

_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    checksum: str  # SHA-256 of the rows in id order, the same on both sides


class NotEmpty(RuntimeError):
    pass


class NotCurrent(RuntimeError):
    pass


class Mismatch(RuntimeError):
    pass


def _converter(field: Field) -> Callable[[Any], Any]:
    """A SQLite value as the server's column takes it (and as the checksum reads it)."""
    if isinstance(field, BooleanField):
        return lambda v: None if v is None else bool(v)
    if isinstance(field, DateTimeField):
        return lambda v: v if v is None or isinstance(v, datetime) else datetime.fromisoformat(v)
    if isinstance(field, DateField):
        return lambda v: v if v is None or isinstance(v, date) else date.fromisoformat(str(v)[:10])
    if isinstance(field, CharField | TextField):  # SQLite may hold a number there
        return lambda v: v if v is None or isinstance(v, str) else str(v)
    return lambda v: bytes(v) if isinstance(v, memoryview) else v


def _digest(rows: Iterable[Sequence[Any]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(
            repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode()
        )
    return digest.hexdigest()


def _is_empty(target: Database) -> bool:
    return not set(target.get_tables()) - {"schema_version"}


# What a move does after its tables' rows, each reported to its `progress` as it starts:
# the search structures made and filled, the dashboard's figures counted, the server's
# statistics and visibility map written (so its first searches are planned from the data
# and read their indexes alone).
SEARCH_STEP, DASHBOARD_STEP, STATISTICS_STEP = "search", "dashboard", "statistics"
FINISHING_STEPS = (SEARCH_STEP, DASHBOARD_STEP, STATISTICS_STEP)


def table_count() -> int:
    """How many tables a move copies."""
    return len(models.TABLES)


def step_count() -> int:
    """How many steps a move reports to its progress: each table, then FINISHING_STEPS."""
    return table_count() + len(FINISHING_STEPS)


def copy_into(source: Path, target: Database, progress: Callable[[str], None]) -> list[TableCopy]:
    """Copy the SQLite database at `source` (at the current schema) into the empty server
    database `target` (bound or not: only its connection is used), in one transaction."""
    version = migrations.identify(source)
    if version != SCHEMA_VERSION:
        raise NotCurrent(str(version))
    if not _is_empty(target):
        raise NotEmpty()
    reader = read_only_connection(source)
    copies: list[TableCopy] = []
    try:
        with target.atomic():
            target.execute_sql("SELECT pg_advisory_xact_lock(%s)", (server_schema.SCHEMA_LOCK,))
            with target.bind_ctx(models.TABLES):
                target.create_tables(models.TABLES)
            for table, columns in _KEPT_COLUMNS.items():
                for column, kind in columns:
                    target.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')
            for model in models.TABLES:
                copies.append(_copy_table(reader, target, model))
                progress(copies[-1].table)
            # The search structures made over the rows copied and filled set-based.
            progress(SEARCH_STEP)
            migrations.create_kept(target, over_rows=True)
            # The dashboard's aggregates counted from the rows copied, triggers kept on.
            progress(DASHBOARD_STEP)
            aggregates.install(target)
            # After the copy: the sales' latest moves filled from the history copied.
            migrations.create_filled(target)
            target.execute_sql(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            target.execute_sql("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        server_schema.fold_pending(target, "opportunity_search")
        server_schema.fold_pending(target, "lead_search")
        # Outside the transaction (VACUUM runs in none): every page of the new tables
        # marked visible and their statistics gathered now, not by the first readers.
        progress(STATISTICS_STEP)
        tables = ", ".join(f'"{t}"' for t in sorted(target.get_tables()))
        try:
            target.execute_sql(f"VACUUM (ANALYZE) {tables}")
        except DatabaseError as exc:
            # The rows are moved and checked; the server's own autovacuum does this later.
            log.warning("the moved tables were not vacuumed: %s", exc)
    finally:
        reader.close()
    return copies


def _copy_table(reader: Any, target: Database, model: type[models.Model]) -> TableCopy:
    table = model._meta.table_name
    kept = _KEPT_COLUMNS.get(table, [])
    names = [f.column_name for f in model._meta.sorted_fields] + [c for c, _kind in kept]
    convert = [_converter(f) for f in model._meta.sorted_fields]
    convert += [_converter(_KIND_FIELDS[kind]()) for _column, kind in kept]
    listed = ", ".join(f'"{n}"' for n in names)
    key = model._meta.primary_key.column_name
    rows_read = reader.execute(f'SELECT {listed} FROM "{table}" ORDER BY "{key}"')
    insert = f'INSERT INTO "{table}" ({listed}) VALUES %s'
    source_digest = hashlib.sha256()
    count = 0
    cursor = target.cursor()
    while batch := rows_read.fetchmany(_BATCH):
        converted = [tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in batch]
        # Many rows a statement: a round trip per row would take minutes over a network.
        execute_values(cursor, insert, converted, page_size=_BATCH)
        for row in converted:
            source_digest.update(repr(row).encode())
        count += len(batch)
    if key == "id":
        target.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'coalesce(max(id), 1), max(id) IS NOT NULL) FROM "{table}"'
        )
    written = target.execute_sql(f'SELECT {listed} FROM "{table}" ORDER BY "{key}"').fetchall()
    written_digest = _digest(written)
    if len(written) != count or written_digest != source_digest.hexdigest():
        raise Mismatch(table)
    return TableCopy(table, count, written_digest)
