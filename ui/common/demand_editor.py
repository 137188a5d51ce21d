"""The primary-demand lines of a lead or an opportunity, edited as a small table: the kind
(vehicle, accessories, services, financing), what, the price the customer expects and a
comment. Saved on its own, in one transaction, by the page that holds it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import DemandKind
from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import demand
from app.services.demand import DemandLine
from app.services.errors import ConflictError
from ui.common import conflict_dialog
from ui.common.conflict_dialog import ConflictChoice
from ui.common.qt import ALIGN_RIGHT, SELECT_ROWS, STRETCH, TO_CONTENTS
from ui.common.roles import VALUE_ROLE
from ui.common.widgets import ChoiceCombo, FieldErrorLabel

COLUMNS = (
    "demand_line.kind",
    "demand_line.description",
    "demand_line.expected_price",
    "demand_line.comment",
)
KIND, WHAT, PRICE, COMMENT = range(4)


class DemandEditor(QWidget):
    """The lines, with Add, Remove and Save; `save_requested` asks the holder to save
    `lines()`. A price that is no amount is refused at the table, with the text kept."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency = money.DEFAULT_CURRENCY
        self._baseline: list[tuple[str, ...]] = []
        # The lines as read (ids and versions): a save checks they are still what is stored.
        self.opened: list[DemandLine] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([label(key) for key in COLUMNS])
        self.table.setSelectionBehavior(SELECT_ROWS)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(KIND, TO_CONTENTS)
        header.setSectionResizeMode(WHAT, STRETCH)
        header.setSectionResizeMode(PRICE, TO_CONTENTS)
        header.setSectionResizeMode(COMMENT, STRETCH)
        self.add_button = QPushButton(_("&Add line"))
        self.remove_button = QPushButton(_("Remo&ve line"))
        self.save_button = QPushButton(_("Save demand"))
        self.message = FieldErrorLabel()
        self.status = QLabel()
        self.hint = QLabel(_("What the customer asked for, with the price they expect."))
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        self.save_button.setAutoDefault(False)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_line())
        self.remove_button.clicked.connect(self.remove_line)
        self.save_button.clicked.connect(self.save_requested)

    def add_line(self, line: DemandLine | None = None) -> None:
        line = line or DemandLine(currency=self.currency)
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = ChoiceCombo(DemandKind, none_label=None)
        kind.set_current_code(line.kind)
        self.table.setCellWidget(row, KIND, kind)
        what = QTableWidgetItem(line.description)
        what.setData(VALUE_ROLE, (line.id, line.version) if line.id is not None else None)
        self.table.setItem(row, WHAT, what)
        price = QTableWidgetItem(
            money.format_amount(line.expected_price, line.currency)
            if line.expected_price is not None
            else ""
        )
        price.setTextAlignment(ALIGN_RIGHT)
        self.table.setItem(row, PRICE, price)
        self.table.setItem(row, COMMENT, QTableWidgetItem(line.comment))
        if line is not None and not line.description:
            self.table.setCurrentCell(row, WHAT)

    def remove_line(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def set_lines(self, lines: list[DemandLine], currency: str | None = None) -> None:
        self.currency = currency or (lines[0].currency if lines else self.currency)
        self.table.setRowCount(0)
        for line in lines:
            self.add_line(line)
        self.opened = list(lines)
        self.message.clear_message()
        self.status.clear()
        self._baseline = self.texts()

    def texts(self) -> list[tuple[str, ...]]:
        """What the table holds, as typed (to tell whether anything changed)."""
        rows = []
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, KIND)
            kind = combo.current_code() if isinstance(combo, ChoiceCombo) else ""
            rows.append((kind, *(self._text(row, c) for c in (WHAT, PRICE, COMMENT))))
        return rows

    def is_modified(self) -> bool:
        return self.texts() != self._baseline

    def lines(self) -> list[DemandLine]:
        """The lines as typed; raises ValidationError naming the line of a wrong price."""
        found: list[DemandLine] = []
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, KIND)
            assert isinstance(combo, ChoiceCombo)
            price_text = self._text(row, PRICE)
            price: Decimal | None = None
            if price_text.strip():
                try:
                    price = money.parse_amount(price_text)
                except money.MoneyError as exc:
                    raise ValidationError(
                        {
                            "demand": _("Line {number}: {problem}.").format(
                                number=row + 1, problem=exc
                            )
                        }
                    ) from None
            item = self.table.item(row, WHAT)
            stored = item.data(VALUE_ROLE) if item is not None else None
            line_id, version = stored if stored else (None, 0)
            found.append(
                DemandLine(
                    combo.current_code(),
                    self._text(row, WHAT).strip(),
                    price,
                    self.currency,
                    self._text(row, COMMENT).strip(),
                    line_id,
                    version,
                )
            )
        return found

    def save_through(
        self,
        save: Callable[[list[DemandLine], list[DemandLine]], list[DemandLine]],
        read: Callable[[], list[DemandLine]],
        what: str,
    ) -> bool:
        """Save the lines with `save(lines, opened)`. Saved elsewhere since they were
        opened: the conflict dialog shows the lines on each side, then theirs are shown,
        the user's changes go on top of theirs, or nothing happens; nothing is lost unseen."""
        try:
            saved = save(self.lines(), self.opened)
        except ValidationError as exc:
            self.show_problem(exc.errors)
            return False
        except ConflictError as exc:
            return self._resolve(save, read, what, exc.changed_by)
        self.show_saved(saved)
        return True

    def _resolve(
        self,
        save: Callable[[list[DemandLine], list[DemandLine]], list[DemandLine]],
        read: Callable[[], list[DemandLine]],
        what: str,
        changed_by: str | None,
    ) -> bool:
        yours = self.lines()
        theirs = read()
        conflict = demand.conflict(self.opened, theirs, yours, changed_by, what)
        choice = conflict_dialog.ask(conflict, self)
        if choice is ConflictChoice.RELOAD:
            self.set_lines(theirs, self.currency)
            self.status.setText(_("Reloaded: this is the version saved elsewhere."))
            return False
        if choice is ConflictChoice.KEEP_EDITING:
            self.status.clear()
            self.message.show_error(_("Not saved: {reason}").format(reason=conflict.message))
            return False
        try:
            saved = save(demand.merged(self.opened, theirs, yours), theirs)
        except ValidationError as exc:
            self.show_problem(exc.errors)
            return False
        except ConflictError as exc:
            self.opened = theirs
            return self._resolve(save, read, what, exc.changed_by)  # changed yet again
        self.show_saved(saved)
        return True

    def show_problem(self, errors: dict[str, str]) -> None:
        self.status.clear()
        self.message.show_error(" ".join(errors.values()))

    def show_saved(self, lines: list[DemandLine]) -> None:
        self.set_lines(lines, self.currency)
        self.status.setText(_("Primary demand saved."))

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.add_button, self.remove_button, self.save_button):
            button.setEnabled(not read_only)
        self.table.setEnabled(not read_only)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def demand_summary(lines: list[DemandLine]) -> str:
    """The lines in one paragraph, as the quote editor recalls them while drafting."""
    parts = []
    for line in lines:
        price = _(" — hopes for {price}").format(price=line.price_text) if line.price_text else ""
        comment = f" ({line.comment})" if line.comment else ""
        parts.append(f"{line.kind_label}: {line.description}{price}{comment}")
    return "; ".join(parts)
