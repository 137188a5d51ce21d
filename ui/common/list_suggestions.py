"""A free-text field that offers the entries of one of the editable lists as it is typed in
(the competitors when a sale is lost, the sources of a lead or a sale): what the list holds
is a suggestion, never a limit, and a deactivated entry is no longer offered. The list is
read when the field is first entered, not when its form opens (which reads what it shows in
a counted few statements)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from app.services import reference
from ui.common.qt import CASE_INSENSITIVE, MATCH_CONTAINS, POPUP_COMPLETION

_FOCUS_IN = QEvent.Type.FocusIn


class _ListSuggestions(QObject):
    def __init__(self, edit: QLineEdit, kind: str) -> None:
        super().__init__(edit)
        self.kind = kind
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, edit)
        self.completer.setCaseSensitivity(CASE_INSENSITIVE)
        self.completer.setFilterMode(MATCH_CONTAINS)
        self.completer.setCompletionMode(POPUP_COMPLETION)
        edit.setCompleter(self.completer)
        edit.installEventFilter(self)
        self.loaded = False

    def load(self) -> None:
        self.model.setStringList([c.label for c in reference.reason_choices(self.kind)])
        self.loaded = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == _FOCUS_IN and not self.loaded:
            self.load()
        return False


def suggest_from_list(edit: QLineEdit, kind: str) -> QCompleter:
    """Offer the active entries of the list `kind` ("competitor", "source") in `edit`, read
    when the field is first entered."""
    return _ListSuggestions(edit, kind).completer
