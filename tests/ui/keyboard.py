"""Typing into widgets as a user does, including letters QTest cannot send."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def type_text(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key clicks for ASCII; other letters (ü, ß, Greek...) arrive as a keyboard layout
    would deliver them, as inserted text, since QTest aborts on them."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            edit.insert(char)
