"""The audit log's reads and the one rewrite it allows (removing personal data)."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import Any

from peewee import DateField, DateTimeField, DecimalField

from app.db import models as m


def audit_entries(
    entity: str, ids: list[int], with_changes_only: bool = False
) -> list[m.AuditEntry]:
    """The log's entries about these records, oldest first."""
    if not ids:
        return []
    where = (m.AuditEntry.entity == entity) & m.AuditEntry.entity_id.in_(ids)
    if with_changes_only:
        where &= m.AuditEntry.changes != ""
    return list(m.AuditEntry.select().where(where).order_by(m.AuditEntry.at, m.AuditEntry.id))


def set_audit_changes(entry_id: int, changes: str) -> None:
    """An entry's changes rewritten (JSON), in place."""
    m.AuditEntry.update(changes=changes).where(m.AuditEntry.id == entry_id).execute()


def _log_where(
    entity: str | None,
    entity_id: int | None,
    user_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> Any:
    terms: list[Any] = [m.AuditEntry.id > 0]
    if entity:
        terms.append(m.AuditEntry.entity == entity)
    if entity_id is not None:
        terms.append(m.AuditEntry.entity_id == entity_id)
    if user_id is not None:
        terms.append(m.AuditEntry.user_id == user_id)
    if since is not None:
        terms.append(m.AuditEntry.at >= since)
    if until is not None:
        terms.append(m.AuditEntry.at < until)
    return reduce(operator.and_, terms)


def log_count(
    entity: str | None = None,
    entity_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many entries of the log match (filtered in SQL)."""
    where = _log_where(entity, entity_id, user_id, since, until)
    return m.AuditEntry.select().where(where).count()


def log_page(
    offset: int,
    limit: int,
    entity: str | None = None,
    entity_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[m.AuditEntry]:
    """One page of the matching entries, newest first (filtered and paged in SQL)."""
    where = _log_where(entity, entity_id, user_id, since, until)
    query = (
        m.AuditEntry.select()
        .where(where)
        .order_by(m.AuditEntry.at.desc(), m.AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(query)


def log_entities() -> list[str]:
    """The kinds of record the log holds entries about."""
    query = m.AuditEntry.select(m.AuditEntry.entity).distinct().order_by(m.AuditEntry.entity)
    return [r[0] for r in query.tuples()]


def log_users() -> list[tuple[int, str]]:
    """(id, name) of everyone the log names, by name."""
    query = (
        m.AuditEntry.select(m.AuditEntry.user_id, m.AuditEntry.user_name)
        .where(m.AuditEntry.user_id.is_null(False))
        .distinct()
        .order_by(m.AuditEntry.user_name)
    )
    seen: dict[int, str] = {}
    for user_id, name in query.tuples():
        seen.setdefault(user_id, name)
    return list(seen.items())


def field_kind(entity: str, name: str) -> str:
    """What a field of a record the log names holds, for its values to be written as the
    screen writes them: "moment", "day", "decimal", or "" (anything else)."""
    model = next((t for t in m.TABLES if t._meta.table_name == entity), m.BaseModel)
    field = model._meta.fields.get(name)
    if isinstance(field, DateTimeField):
        return "moment"
    if isinstance(field, DateField):
        return "day"
    if isinstance(field, DecimalField):
        return "decimal"
    return ""
