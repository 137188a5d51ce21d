"""The site's settings: one value per key, read and written whole, each with a version."""

from __future__ import annotations

from collections.abc import Iterable

from peewee import IntegrityError

from app.db import models as m


def setting_value(key: str) -> str | None:
    """The setting's value, None when it was never set."""
    row = m.Setting.get_or_none(m.Setting.key == key)
    return row.value if row is not None else None


def setting_versions(keys: Iterable[str]) -> dict[str, int]:
    """Each setting's version: 0 for one never set."""
    wanted = list(keys)
    found = {
        key: int(version)
        for key, version in m.Setting.select(m.Setting.key, m.Setting.version)
        .where(m.Setting.key.in_(wanted))
        .tuples()
    }
    return {key: found.get(key, 0) for key in wanted}


def setting_changed_by(keys: Iterable[str]) -> int | None:
    """Who changed the most recently changed of these settings, None when nobody is on file."""
    row = (
        m.Setting.select(m.Setting.changed_by)
        .where(m.Setting.key.in_(list(keys)) & m.Setting.updated_at.is_null(False))
        .order_by(m.Setting.updated_at.desc())
        .first()
    )
    return row.changed_by if row is not None else None


def put_setting(key: str, value: str) -> None:
    """Set the value: a new version and a line in the audit log when it changes. Joins the
    caller's transaction."""
    row = m.Setting.get_or_none(m.Setting.key == key)
    if row is not None and row.value == value:
        return
    stamp = {"updated_at": m.now(), "changed_by": m.acting_user()}
    # Versioned, as every record's save: a setting written elsewhere since it was read here
    # (on a server, between this transaction's read and its write) is not written over.
    if row is None:
        try:
            with m.database.atomic():
                m.Setting.insert(key=key, value=value, version=1, **stamp).execute()
        except IntegrityError as exc:
            raise m.StaleRecord("setting", key) from exc
    else:
        written = (
            m.Setting.update(value=value, version=m.Setting.version + 1, **stamp)
            .where((m.Setting.key == key) & (m.Setting.version == row.version))
            .execute()
        )
        if written != 1:
            raise m.StaleRecord("setting", key)
    # Settings have no numeric id: the log names them by key, under entity id 0.
    m.write_audit(
        "setting", 0, "create" if row is None else "update", {key: (row and row.value, value)}
    )
