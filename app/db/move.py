"""Copying a workstation's SQLite database into an empty database on the site's server:
every table the models know, row for row, then each table's row count and checksum compared
on both sides. The SQLite file is only read (a read-only connection)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import BooleanField, CharField, Database, DateField, DateTimeField, Field, TextField
from psycopg2.extras import execute_values

from app.db import live, migrations, models, server_schema
from app.db.connection import read_only_connection
from app.db.steps import SCHEMA_VERSION, aggregates
from app.db.steps.duplicate_indexes import create_duplicate_index
from app.db.steps.opportunity_starts import create_opportunity_starts
from app.db.steps.search_sort_keys import create_search_sort_keys
from app.db.steps.search_sorts import create_search_sorts
from app.db.steps.search_words import create_search_words
from app.db.steps.stage_entry import create_stage_entry
from app.db.steps.word_starts import create_word_starts

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


def table_count() -> int:
    """How many tables a move copies (what its progress counts)."""
    return len(models.TABLES)


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
            target.execute_sql(
                "CREATE UNIQUE INDEX opportunity_open_vehicle ON opportunity (vehicle_id) "
                "WHERE status = 'open' AND vehicle_id IS NOT NULL"
            )
            server_schema.create_search(target)
            create_search_words(target)
            create_duplicate_index(target)
            create_search_sorts(target)
            create_search_sort_keys(target)
            create_word_starts(target)
            create_opportunity_starts(target)
            live.create_notifications(target)
            for model in models.TABLES:
                copies.append(_copy_table(reader, target, model))
                progress(copies[-1].table)
            # The dashboard's aggregates counted from the rows copied, triggers kept on.
            aggregates.install(target)
            # After the copy: the sales' latest moves filled from the history copied (the
            # triggers would have written each sale again for each of its moves).
            create_stage_entry(target)
            target.execute_sql(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            target.execute_sql("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        server_schema.fold_pending(target, "opportunity_search")
        server_schema.fold_pending(target, "lead_search")
    finally:
        reader.close()
    return copies


def _copy_table(reader: Any, target: Database, model: type[models.Model]) -> TableCopy:
    table = model._meta.table_name
    fields = list(model._meta.sorted_fields)
    names = [f.column_name for f in fields]
    convert = [_converter(f) for f in fields]
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
