"""Showing the customers on file that look like the one being entered, so the user picks
one of them or creates a new customer knowingly."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.i18n import ngettext
from app.services.accounts import DuplicateCandidate
from ui.common.roles import ID_ROLE

_WARNING_COLOUR = "#8a5a00"


class DuplicateCandidatesPanel(QWidget):
    """A heading and the list of look-alikes with why each one matched; hidden while there
    are none. Double-click or Enter on one emits `picked` with its account id."""

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet(f"color: {_WARNING_COLOUR}; font-weight: bold;")
        self.list = QListWidget()
        self.list.setMaximumHeight(120)
        self.list.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self.hide()

    def set_candidates(self, candidates: list[DuplicateCandidate]) -> None:
        self.list.clear()
        for candidate in candidates:
            item = QListWidgetItem(f"{candidate.label}   ({', '.join(candidate.reasons)})")
            item.setData(ID_ROLE, candidate.account_id)
            self.list.addItem(item)
        if candidates:
            self.heading.setText(
                ngettext(
                    "{n} customer on file looks like this one: pick one to use it.",
                    "{n} customers on file look like this one: pick one to use it.",
                    len(candidates),
                ).format(n=len(candidates))
            )
            self.list.setCurrentRow(0)
        self.setVisible(bool(candidates))

    def count(self) -> int:
        return self.list.count()

    def selected_account_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None and self.isVisible() else None

    def _activated(self, item: QListWidgetItem) -> None:
        self.picked.emit(int(item.data(ID_ROLE)))
