"""A free-text field that offers the entries of one of the editable lists as it is typed in
(the competitors when a sale is lost, the sources of a lead or a sale): what the list holds
is a suggestion, never a limit, and a deactivated entry is no longer offered."""

from __future__ import annotations

from PySide6.QtWidgets import QCompleter, QLineEdit

from app.services import reference
from ui.common.qt import CASE_INSENSITIVE, MATCH_CONTAINS, POPUP_COMPLETION


def suggest_from_list(edit: QLineEdit, kind: str) -> QCompleter:
    """Offer the active entries of the list `kind` ("competitor", "source") in `edit`."""
    completer = QCompleter([choice.label for choice in reference.reason_choices(kind)], edit)
    completer.setCaseSensitivity(CASE_INSENSITIVE)
    completer.setFilterMode(MATCH_CONTAINS)
    completer.setCompletionMode(POPUP_COMPLETION)
    edit.setCompleter(completer)
    return completer
