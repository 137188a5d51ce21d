"""The filter widgets every list shares: the search box and the filter combos."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.text import SEARCH_MAX_LENGTH
from app.i18n import _

# Long enough that a fast typist's burst is one query, short enough to feel immediate.
SEARCH_DELAY_MS = 120


class SearchBox(QLineEdit):
    """A line edit that emits `search_changed` once typing pauses (or on Enter)."""

    search_changed = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(SEARCH_MAX_LENGTH)
        self.setMinimumWidth(260)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.emit_now)
        self.textChanged.connect(self._timer.start)
        self.returnPressed.connect(self.emit_now)

    def emit_now(self) -> None:
        self._timer.stop()
        self.search_changed.emit(self.text().strip())


def fill_filter_combo(combo: QComboBox, any_label: str, items: list[tuple[Any, str]]) -> None:
    """(Re)fill a filter combo: "any" first (data None), then the items; the current choice
    stays when it is still offered."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(any_label, None)
    for value, label in items:
        combo.addItem(label, value)
    position = combo.findData(keep) if keep is not None else 0
    combo.setCurrentIndex(max(position, 0))
    combo.blockSignals(False)
    # A combo narrower than its entries opens its list wide enough to read them.
    widest = max(
        (combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
        default=0,
    )
    combo.view().setMinimumWidth(widest + 40)


class EmptyNotice(QFrame):
    """Shown above an empty list when a search or filter left nothing: says so, and offers
    to clear them, so an empty table is never mistaken for an empty database."""

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty-notice")
        self.setStyleSheet(
            "#empty-notice { background: #fff8e1; border: 1px solid #e0c36b; border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.clear_button = QPushButton(_("Clear the search and filters"))
        self.clear_button.clicked.connect(self.clear_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()

    def show_for(self, count: int, search: str, filtered: bool) -> None:
        """Shown when nothing is listed while a search or a filter is on."""
        if count or not (search or filtered):
            self.hide()
            return
        if search:
            text = _("Nothing matches “{search}” with these filters.").format(search=search)
        else:
            text = _("Nothing matches these filters.")
        self.label.setText(text)
        self.show()
