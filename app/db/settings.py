"""The site's settings: one value per key, read and written whole."""

from __future__ import annotations

from app.db import models as m


def setting_value(key: str) -> str | None:
    """The setting's value, None when it was never set."""
    row = m.Setting.get_or_none(m.Setting.key == key)
    return row.value if row is not None else None


def put_setting(key: str, value: str) -> None:
    """Set the value, replacing the one there. Joins the caller's transaction."""
    m.Setting.insert(key=key, value=value).on_conflict_replace().execute()
