"""Answering the conflict dialog from inside its own event loop."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.errors import FieldChange
from ui.common.conflict_dialog import ConflictDialog


def answer_conflict(button: str) -> list[list[FieldChange]]:
    """Click `button` ("reload", "overwrite" or "keep") in the next conflict dialog; the
    list gets the changes it showed."""
    seen: list[list[FieldChange]] = []

    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, click)
            return
        seen.append(list(dialog.conflict.changes))
        getattr(dialog, f"{button}_button").click()

    QTimer.singleShot(0, click)
    return seen
