"""The form over one record of the master data (a business, facility, operation, catalogue
entry, option or accessory, stock vehicle, or an entry of a list), built from the fields
its table names, on the record-dialog base: refusals at the fields, a save made elsewhere
meanwhile shown field by field, the question about unsaved changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Choice
from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import master_data, setup
from app.services.conflicts import Conflict
from app.services.reference import Option
from ui.common.changes import record_changes
from ui.common.qt import CLOSE_BUTTON, SAVE_BUTTON
from ui.common.record_dialog import RecordDialog
from ui.common.widgets import ChoiceCombo, FieldBox, MoneyEdit, OptionalDateEdit, OptionCombo


@dataclass(frozen=True)
class Field:
    """One field of a form: the record's attribute, how it is edited, and its label's key
    in the catalogue of labels.

    kind: "text", "choice" (`choices`), "option" (`options()`, ids; `none` for no pick),
    "money" (the amount in the record's `currency`), "currency", "rate" (a percentage as
    typed), "date" (may be empty), "km" (a whole number)."""

    name: str
    kind: str
    key: str
    choices: type[Choice] | None = None
    options: Callable[[], Sequence[Option]] | None = None
    none: str | None = None  # an N_() text
    hidden: Callable[[], bool] | None = None  # not shown (nor saved) when true
    hint: str = ""  # an N_() text: the field's tooltip


class RateCombo(QComboBox):
    """A VAT rate typed as a percentage, offering the site's rates; empty: the site's
    default rate."""

    def __init__(self) -> None:
        super().__init__()
        self.setEditable(True)
        self.addItem("")
        self.addItems([str(rate) for rate in setup.vat_rates()])
        self.lineEdit().setPlaceholderText(_("default rate"))
        self.setMaximumWidth(160)


def make_widget(f: Field, currency: str) -> QWidget:
    """The widget that edits the field."""
    if f.kind == "choice":
        assert f.choices is not None
        return ChoiceCombo(f.choices, none_label=f.none)
    if f.kind == "option":
        combo = OptionCombo()
        assert f.options is not None
        combo.set_options(f.options(), none_label=_(f.none) if f.none else None)
        return combo
    if f.kind == "money":
        return MoneyEdit(label(f.key), currency)
    if f.kind == "currency":
        currencies = QComboBox()
        currencies.addItems(list(money.CURRENCIES))
        return currencies
    if f.kind == "date":
        return OptionalDateEdit()
    if f.kind == "km":
        spin = QSpinBox()
        spin.setRange(0, 2_000_000)
        spin.setSingleStep(1000)
        spin.setSuffix(" km")
        return spin
    if f.kind == "rate":
        return RateCombo()
    return QLineEdit()


def set_value(widget: QWidget, value: Any) -> None:
    """Show the value in the field's widget."""
    if isinstance(widget, ChoiceCombo):
        widget.set_current_code(value or "")
    elif isinstance(widget, OptionCombo):
        widget.set_current_id(value)
    elif isinstance(widget, MoneyEdit):
        widget.set_amount(value or Decimal(0))
    elif isinstance(widget, OptionalDateEdit):
        widget.set_date_value(value)
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value or 0))
    elif isinstance(widget, RateCombo):
        widget.setCurrentText(value or "")
    elif isinstance(widget, QComboBox):
        widget.setCurrentText(value or money.DEFAULT_CURRENCY)
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))


def raw_value(widget: QWidget) -> Any:
    """What the widget holds, as typed (an amount as its text)."""
    if isinstance(widget, ChoiceCombo):
        return widget.current_code()
    if isinstance(widget, OptionCombo):
        return widget.current_id()
    if isinstance(widget, MoneyEdit):
        return widget.text()
    if isinstance(widget, OptionalDateEdit):
        return widget.date_value()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    assert isinstance(widget, QLineEdit)
    return widget.text()


class MasterRecordDialog(RecordDialog):
    """Add or edit one record of the master data: `record` is the new one's defaults (no
    id) or the saved one, as master_data reads it."""

    saved = Signal(object)

    def __init__(
        self,
        title: str,
        record_name: str,
        fields: Sequence[Field],
        record: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.record = record_name  # type: ignore[misc]  # names the fields in a conflict
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.fields = [f for f in fields if not (f.hidden and f.hidden())]
        self.opened = record
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout()
        for f in self.fields:
            widget = make_widget(f, getattr(record, "currency", ""))
            self.widgets[f.name] = widget
            box = FieldBox(widget, stretch=f.kind in ("money", "date", "km", "rate"))
            if f.hint:
                widget.setToolTip(_(f.hint))
            self.boxes[f.name] = box
            form.addRow(label(f.key), box)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(SAVE_BUTTON | CLOSE_BUTTON)
        self.buttons.button(SAVE_BUTTON).clicked.connect(self.save_and_close)
        self.buttons.button(CLOSE_BUTTON).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        currency = self.widgets.get("currency")
        if isinstance(currency, QComboBox):
            currency.currentTextChanged.connect(self._on_currency)
        self.load(record)
        if not master_data.may_change():
            self.set_read_only(True)

    # Loading and reading the form

    def load(self, record: Any) -> None:
        self.opened = record
        for f in self.fields:
            set_value(self.widgets[f.name], getattr(record, f.name))
        currency = self.widgets.get("currency")
        if isinstance(currency, QComboBox):
            self._on_currency(currency.currentText())
        self.take_baseline()

    def state(self) -> tuple[Any, ...]:
        return tuple(raw_value(self.widgets[f.name]) for f in self.fields)

    def yours(self) -> Any:
        """The record as the form holds it; ValidationError for an amount that is none."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for f in self.fields:
            widget = self.widgets[f.name]
            if isinstance(widget, MoneyEdit):
                problem = widget.problem() if widget.text().strip() else ""
                if problem:
                    problems[f.name] = problem
                    continue
                amount = widget.amount() if widget.text().strip() else None
                if amount is None and getattr(self.opened, f.name) is None:
                    values[f.name] = None  # left empty (a purchase price not known)
                else:
                    values[f.name] = amount if amount is not None else Decimal(0)
            else:
                values[f.name] = raw_value(widget)
        if problems:
            raise ValidationError(problems)
        return replace(self.opened, **values)

    # The record-dialog base

    def write(self) -> Any:
        return master_data.save(self.yours())

    def show_saved(self, record: Any) -> None:
        self.load(record)
        self.say(_("Saved."))
        record_changes().announce(self.record, record.id)
        self.saved.emit(record)

    def compare(self) -> Conflict:
        return master_data.conflict(self.opened, self.yours())

    def write_over(self, conflict: Conflict) -> Any:
        return master_data.save_over(self.opened, self.yours(), conflict.version)

    def reload(self) -> None:
        self.load(master_data.get(type(self.opened), self.opened.id))

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for widget in self.widgets.values():
            widget.setEnabled(not read_only)
        save: QPushButton = self.buttons.button(SAVE_BUTTON)
        save.setEnabled(not read_only)
        if read_only:
            save.setToolTip(master_data.refusal())

    def _on_currency(self, code: str) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, MoneyEdit):
                widget.set_currency(code)
