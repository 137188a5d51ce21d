"""The audit log: who created, changed, exported, anonymised or purged what, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db import models as m
from app.db.audit import audit_entries
from app.domain.rights import Right
from app.services import access


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    user_name: str
    entity: str
    entity_id: int
    action: str
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new)

    @property
    def summary(self) -> str:
        if not self.changes:
            return self.action
        parts = [
            f"{name}: {_short(old)} → {_short(new)}" for name, (old, new) in self.changes.items()
        ]
        return f"{self.action}: " + "; ".join(parts)


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def parse_changes(payload: str) -> dict[str, tuple[Any, Any]]:
    if not payload:
        return {}
    return {k: (v[0], v[1]) for k, v in json.loads(payload).items()}


def _record(row: m.AuditEntry) -> AuditRecord:
    return AuditRecord(
        row.at, row.user_name, row.entity, row.entity_id, row.action, parse_changes(row.changes)
    )


def history(entity: str, entity_id: int) -> list[AuditRecord]:
    """Everything the log holds about one record, oldest first."""
    access.require(Right.READ_SALES)
    return [_record(r) for r in audit_entries(entity, [entity_id])]


def record(
    entity: str, entity_id: int, action: str, changes: dict[str, tuple[Any, Any]] | None = None
) -> None:
    """A line for an action that is not a plain save (an export, a purge)."""
    m.write_audit(entity, entity_id, action, changes)
