"""The audit log's reads and the one rewrite it allows (removing personal data)."""

from __future__ import annotations

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
