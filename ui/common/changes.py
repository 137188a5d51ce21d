"""The change notification: one signal that a record was saved, so every list that shows it
reads it again, whichever dialog saved it.

A dialog that saves a record calls `record_changes().announce(kind, id)`; a page that
shows records of that kind connects to `record_changes().changed` and refreshes. The
dialog does not know which lists exist, and a list does not know which dialogs exist."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# The kinds of record announced; a list refreshes for the kinds it shows.
OPPORTUNITY = "opportunity"
LEAD = "lead"
CUSTOMER = "customer"
QUOTE = "quote"
ACTIVITY = "activity"
USER = "user"
IDLE_LOCK = "idle_lock"  # the idle time after which the window locks (id 0)


class RecordChanges(QObject):
    """Emits `changed(kind, id)` after a record of that kind was saved, closed, moved or
    removed. Receivers connected by bound method are let go when they are deleted."""

    changed = Signal(str, int)

    def announce(self, kind: str, record_id: int) -> None:
        self.changed.emit(kind, record_id)


_changes: RecordChanges | None = None


def record_changes() -> RecordChanges:
    """The program's one RecordChanges (made on first use, once a QApplication exists)."""
    global _changes
    if _changes is None:
        _changes = RecordChanges()
    return _changes
