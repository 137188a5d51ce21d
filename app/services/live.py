"""What other workstations saved since the window last looked: the kinds of record its
lists and dashboard should read again (app.db.live says how each backend tells)."""

from __future__ import annotations

from app.db.live import ChangeWatch

__all__ = ["ChangeWatch", "watch"]


def watch() -> ChangeWatch:
    """Start noticing other workstations' saves on the open database."""
    return ChangeWatch()
