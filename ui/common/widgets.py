"""Form pieces shared by the dialogs: field messages, money, optional dates, pickers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QKeyEvent,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain import money, reading
from app.domain.choices import Choice
from app.domain.validation import Validator
from app.i18n import _
from app.services.reference import Option
from ui.common.qt import (
    ADJUST_TO_MINIMUM,
    ALIGN_RIGHT,
    CANCEL,
    CASE_INSENSITIVE,
    DISCARD,
    FOCUS_OUT,
    FOREGROUND,
    KEY_BACKSPACE,
    KEY_DELETE,
    KEY_DOWN,
    KEY_ENTER,
    KEY_PRESS,
    KEY_RETURN,
    MATCH_CONTAINS,
    MATCH_FIXED,
    NO_FOCUS,
    NO_INSERT,
    POPUP_COMPLETION,
    SAVE,
    SHOW_EVENT,
    TOOLTIP,
    UNFILTERED_COMPLETION,
    USER_MOVES,
    YEAR_SECTION,
)
from ui.common.roles import ID_ROLE, LABEL_ROLE, VALUE_ROLE

ERROR_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a5a00"
REFUSED_BRUSH = QBrush(QColor(ERROR_COLOUR))


def date_format() -> str:
    """The date fields' pattern in the screen's language: 'dd.MM.yyyy' (de), 'dd/MM/yyyy'
    (fr, it), 'M/d/yyyy' (en); CLDR's short date with a four-digit year."""
    return reading.date_pattern(i18n.language())


def date_time_format() -> str:
    return f"{date_format()} HH:mm"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class FieldErrorLabel(QLabel):
    """The message under a field: red for what must be fixed, amber for a warning;
    hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.is_error = False
        self.hide()

    def show_error(self, message: str) -> None:
        self._show(message, ERROR_COLOUR, True)

    def show_warning(self, message: str) -> None:
        self._show(message, WARNING_COLOUR, False)

    def clear_message(self) -> None:
        self.is_error = False
        self.clear()
        self.hide()
        self._relayout()

    # A wrapped QLabel sizes itself for a narrow column of words; inside a scroll area that
    # height stretches the whole form. Ask for one line; heightForWidth adds lines as needed.
    def sizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance(self.text()) + 2
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def _show(self, message: str, colour: str, is_error: bool) -> None:
        self.is_error = is_error
        self.setStyleSheet(f"color: {colour};")
        self.setText(message)
        self.setAccessibleDescription(message)
        self.show()
        self._relayout()

    def _relayout(self) -> None:
        # The one-line size hints above hide a change in wrapped lines from the layouts,
        # which cache their height for a width; tell each one up to the window.
        widget = self.parentWidget()
        while widget is not None:
            layout = widget.layout()
            if layout is not None:
                layout.invalidate()
            if widget.isWindow():
                break
            widget = widget.parentWidget()


class FieldBox(QWidget):
    """A field with the widgets beside it and its message underneath, for one form row.
    The box takes no focus and proxies none: Qt would count a proxying box as a tab stop
    of its own, out of the order the form sets."""

    def __init__(
        self,
        field: QWidget,
        *beside: QWidget,
        stretch: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.message = FieldErrorLabel()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 0 if stretch else 1)
        for widget in beside:
            row.addWidget(widget)
        if stretch:
            # Short fields (dates, amounts) keep their size; the rest of the row stays empty.
            row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.message)
        if isinstance(field, DateEdit):
            # A typed date that is none is refused here, under the field, as it is left.
            field.refused.connect(self._show_refusal)

    def _show_refusal(self, message: str) -> None:
        if message:
            self.show_error(message)
        else:
            self.clear_message()

    def show_error(self, message: str) -> None:
        self.message.show_error(message)

    def show_warning(self, message: str) -> None:
        self.message.show_warning(message)

    def clear_message(self) -> None:
        self.message.clear_message()


def show_field_messages(
    boxes: Mapping[str, FieldBox],
    errors: Mapping[str, str],
    warnings: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each error, else warning, under its field, and the other fields' messages cleared.
    Returns the errors that have no field among `boxes`, for the form to show elsewhere."""
    for name, box in boxes.items():
        if name in errors:
            box.show_error(errors[name])
        elif warnings and name in warnings:
            box.show_warning(warnings[name])
        else:
            box.clear_message()
    return {name: message for name, message in errors.items() if name not in boxes}


def set_tab_chain(widgets: Iterable[QWidget]) -> None:
    """Tab moves through `widgets` in the order given."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def fit_to_screen(window: QWidget, width: int, height: int) -> tuple[int, int]:
    """Give the window its size, or less where its screen has less room; returns the size
    given."""
    screen = window.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 40), min(height, room.height() - 60)
    window.resize(width, height)
    return width, height


class MoneyEdit(QWidget):
    """An amount typed as the screen's language writes it ('12.500,50' in German, '12,500.50'
    in English, '12 500,50' in French), read strictly (app.domain.reading) with its currency
    beside it; shown grouped once the field is left, and left as typed when it is refused."""

    edited = Signal()

    def __init__(self, label: str, currency: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.line_edit = QLineEdit()
        self.line_edit.setAlignment(ALIGN_RIGHT)
        self.line_edit.setPlaceholderText(money.format_amount(Decimal(0), currency))
        self.line_edit.setMinimumWidth(150)
        self.currency_label = QLabel(currency)
        self.currency_label.setMinimumWidth(
            self.currency_label.fontMetrics().horizontalAdvance("MMM")
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.currency_label)
        self.setFocusProxy(self.line_edit)
        self.line_edit.textEdited.connect(self.edited)
        self.line_edit.editingFinished.connect(self._tidy)

    @property
    def currency(self) -> str:
        return self.currency_label.text()

    def set_currency(self, currency: str) -> None:
        self.currency_label.setText(currency)
        self._tidy()

    def amount(self) -> Decimal:
        """The amount typed; raises money.MoneyError when the text is not one."""
        return money.parse_amount(self.line_edit.text())

    def set_amount(self, amount: Decimal) -> None:
        self.line_edit.setText(money.format_amount(amount, self.currency) if amount else "")

    def text(self) -> str:
        return self.line_edit.text()

    def problem(self) -> str:
        """What is wrong with the typed amount, or ''."""
        try:
            value = self.amount()
        except money.MoneyError as exc:
            return str(exc)
        check = Validator()
        check.amount("amount", value, self.label)
        return check.errors.get("amount", "")

    def set_read_only(self, read_only: bool) -> None:
        self.line_edit.setReadOnly(read_only)

    def _tidy(self) -> None:
        if self.problem():
            return  # leave a wrong amount as typed, so it can be corrected
        amount = self.amount()
        self.line_edit.setText(money.format_amount(amount, self.currency) if amount else "")


class DateEdit(QDateEdit):
    """A date as the screen's language writes it ('31.01.2027' in German), with a calendar.
    It is typed as people type it there, read strictly by app.domain.reading: '31.1.27' or
    '31012027' in German, '1/31/27' in English; an entry that is no date is refused with the
    form to type it in (`refused`, and the field's tooltip) and the date stays as it was.
    Tab leaves the field (Qt's own date edit tabs through year, month and day first); Left
    and Right move between them, and typing a full part moves on by itself."""

    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(date_format())
        self.setCalendarPopup(True)
        self.problem = ""

    def _read(self, text: str) -> date | None:
        try:
            return reading.read_date(text, date.today())
        except reading.ReadError:
            return None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if self.specialValueText() and text == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        found = self._read(text)
        if found is None or not self.minimumDate() <= to_qdate(found) <= self.maximumDate():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def dateTimeFromText(self, text: str) -> QDateTime:
        found = self._read(text)
        if found is None:
            return QDateTime(self.minimumDate(), QTime(0, 0))
        return QDateTime(to_qdate(found), QTime(0, 0))

    def textFromDateTime(self, value: QDateTime | Any) -> str:
        day = value.date()
        return reading.format_typed_date(to_date(day))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        text = self.lineEdit().text()
        special = self.specialValueText()
        if text and text != special and self._read(text) is None:
            try:
                reading.read_date(text, date.today())
            except reading.ReadError as exc:
                self.problem = str(exc)
            self.setToolTip(self.problem)
            self.refused.emit(self.problem)
        elif self.problem:
            self.problem = ""
            self.setToolTip("")
            self.refused.emit("")
        super().focusOutEvent(event)

    def date_value(self) -> date:
        return to_date(self.date())

    def set_date_value(self, value: date) -> None:
        self.setDate(to_qdate(value))

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class OptionalDateEdit(DateEdit):
    """A date that may be empty (shown as '—'). Delete clears it; the arrow keys or the
    calendar start from today rather than from the empty marker."""

    EMPTY = QDate(2000, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumDate(self.EMPTY)
        self.setSpecialValueText("—")
        self.setDate(self.EMPTY)
        self.calendarWidget().installEventFilter(self)

    def date_value(self) -> date | None:  # type: ignore[override]
        value = self.date()
        return None if value == self.EMPTY else to_date(value)

    def set_date_value(self, value: date | None) -> None:  # type: ignore[override]
        self.setDate(self.EMPTY if value is None else to_qdate(value))

    def clear_date(self) -> None:
        self.setDate(self.EMPTY)

    def is_empty(self) -> bool:
        return self.date() == self.EMPTY

    def _start_from_today(self) -> None:
        self.setDate(QDate.currentDate())
        self.setSelectedSection(YEAR_SECTION)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == SHOW_EVENT and self.is_empty():
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)

    def stepBy(self, steps: int) -> None:
        if self.is_empty():
            self._start_from_today()
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.isReadOnly():
            super().keyPressEvent(event)
            return
        if event.key() in (KEY_DELETE, KEY_BACKSPACE) and (
            self.is_empty() or self.lineEdit().selectedText() == self.text()
        ):
            self.clear_date()
            return
        if self.is_empty() and event.text().isdigit():
            self._start_from_today()
        super().keyPressEvent(event)


class _ValueCombo(QComboBox):
    """A combo whose entries carry the value stored (an id or a code)."""

    def current_value(self) -> Any:
        return self.currentData(VALUE_ROLE)

    def set_current_value(self, value: Any) -> bool:
        index = self.findData(value, VALUE_ROLE)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def _fill(self, entries: Iterable[tuple[Any, str]], none_label: str | None) -> None:
        keep = self.current_value()
        blocked = self.blockSignals(True)
        self.clear()
        if none_label is not None:
            self.addItem(none_label, None)
        for value, label in entries:
            self.addItem(label, value)
        if not self.set_current_value(keep):
            self.setCurrentIndex(0 if self.count() else -1)
        self.blockSignals(blocked)


class OptionCombo(_ValueCombo):
    """A picker over a list of reference.Option; the value is the option's id."""

    def set_options(self, options: Iterable[Option], none_label: str | None = None) -> None:
        """Refill, keeping the current pick when it is still offered."""
        self._fill(((o.id, o.label) for o in options), none_label)

    def current_id(self) -> int | None:
        value = self.current_value()
        return int(value) if value is not None else None

    def set_current_id(self, option_id: int | None) -> bool:
        return self.set_current_value(option_id)


class ChoiceCombo(_ValueCombo):
    """A picker over one of the fixed lists (app.domain.choices); the value is the code."""

    def __init__(
        self, choices: type[Choice], none_label: str | None = "—", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._fill(((c.value, c.label) for c in choices), none_label)

    def current_code(self) -> str:
        return self.current_value() or ""

    def set_current_code(self, code: str) -> bool:
        return self.set_current_value(code or None)


class CatalogueCombo(QComboBox):
    """An editable picker over catalogue values that takes free text too: what the
    catalogue offers is a suggestion, never a limit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(NO_INSERT)
        self.setSizeAdjustPolicy(ADJUST_TO_MINIMUM)
        self.setMinimumContentsLength(18)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(CASE_INSENSITIVE)
        completer.setFilterMode(MATCH_CONTAINS)
        completer.setCompletionMode(POPUP_COMPLETION)
        self.setCompleter(completer)

    def values(self) -> list[str]:
        return [self.itemText(i) for i in range(self.count())]

    def set_values(self, values: Iterable[str]) -> None:
        """Offer these values, leaving the text in the field as it is."""
        text = self.currentText()
        blocked = self.blockSignals(True)
        self.clear()
        self.addItems(list(values))
        self.setCurrentIndex(-1)
        self.setEditText(text)
        self.blockSignals(blocked)

    def offers(self, text: str) -> bool:
        return self.findText(text.strip(), MATCH_FIXED) >= 0

    def value(self) -> str:
        return self.currentText().strip()

    def set_value(self, text: str) -> None:
        index = self.findText(text, MATCH_FIXED) if text else -1
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.lineEdit().setReadOnly(read_only)
        self.setEnabled(not read_only)


@dataclass(frozen=True, slots=True)
class LookupItem:
    """One entry of a LookupEdit's list."""

    id: int
    label: str  # what the field shows once it is picked
    note: str = ""  # said after the label in the list, e.g. who holds it
    warn: bool = False  # the note is a reason not to pick it


class LookupEdit(QWidget):
    """Find a record by typing part of it and pick it from the list that opens; Down or
    the arrow button lists the choices for what is typed (or all of them). Typing after a
    pick undoes the pick, so the field never shows one record and means another."""

    picked = Signal(object)  # the id picked, or None when typing undid the pick
    left = Signal()  # the user moved on (Tab, a click elsewhere) or pressed Enter
    SEARCH_DELAY_MS = 180

    def __init__(
        self,
        search: Callable[[str], list[LookupItem]],
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._id: int | None = None
        self.searched_for = ""  # the text the list shows the choices for
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.setClearButtonEnabled(True)
        self.list_button = QToolButton()
        self.list_button.setArrowType(Qt.ArrowType.DownArrow)
        self.list_button.setFocusPolicy(NO_FOCUS)
        self.list_button.setToolTip(_("Show the choices (Down arrow)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.list_button)
        self.setFocusProxy(self.line_edit)

        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(UNFILTERED_COMPLETION)
        self.completer.setCompletionRole(LABEL_ROLE)
        self.completer.setMaxVisibleItems(12)
        # Driven by hand (setWidget, not setCompleter) so the list changes only after a
        # search, never from a stale one as each key is typed.
        self.completer.setWidget(self.line_edit)
        self.completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]
        self._timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search_typed)
        self.line_edit.textEdited.connect(self._on_edited)
        self.line_edit.installEventFilter(self)
        self.list_button.clicked.connect(self.show_choices)

    def current_id(self) -> int | None:
        return self._id

    def text(self) -> str:
        return self.line_edit.text().strip()

    def set_current(self, item_id: int | None, label: str = "") -> None:
        """Show a record without announcing it (loading a saved form)."""
        self._id = item_id
        self.line_edit.setText(label if item_id is not None else "")
        self.line_edit.setCursorPosition(0)

    def pick(self, item_id: int, label: str) -> None:
        self.set_current(item_id, label)
        self.picked.emit(item_id)

    def is_listing(self) -> bool:
        return self.completer.popup().isVisible()

    def show_choices(self) -> None:
        """List what fits the typed text, the best fits first."""
        self._timer.stop()
        text = "" if self._id is not None else self.text()
        self.searched_for = text
        self._fill(self._search(text))
        if self.model.rowCount():
            self.completer.setCompletionPrefix("")
            self.completer.complete()
        else:
            self.completer.popup().hide()

    def set_read_only(self, read_only: bool) -> None:
        self.line_edit.setReadOnly(read_only)
        self.line_edit.setClearButtonEnabled(not read_only)
        self.list_button.setEnabled(not read_only)

    def _fill(self, items: list[LookupItem]) -> None:
        self.model.clear()
        for item in items:
            row = QStandardItem(f"{item.label} — {item.note}" if item.note else item.label)
            row.setData(item.id, ID_ROLE)
            row.setData(item.label, LABEL_ROLE)
            if item.warn:
                row.setData(REFUSED_BRUSH, FOREGROUND)
            if item.note:
                row.setData(item.note, TOOLTIP)
            row.setEditable(False)
            self.model.appendRow(row)

    def _on_edited(self, text: str) -> None:
        if self._id is not None:
            self._id = None
            self.picked.emit(None)
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.completer.popup().hide()

    def _search_typed(self) -> None:
        if self.text():
            self.show_choices()

    def _on_activated(self, index: QModelIndex) -> None:
        item_id = index.data(ID_ROLE)
        if item_id is not None:
            self.pick(int(item_id), str(index.data(LABEL_ROLE)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.line_edit:
            return super().eventFilter(watched, event)
        if event.type() == FOCUS_OUT and isinstance(event, QFocusEvent):
            # Only the user moving on counts; another window coming up (a popup, a message
            # box, switching programs to copy a VIN) leaves the field as it is.
            if event.reason() in USER_MOVES:
                self._timer.stop()  # no list popping up under a field not in use
                self.left.emit()
            return False
        if (
            event.type() == KEY_PRESS
            and isinstance(event, QKeyEvent)
            and not self.is_listing()
            and not self.line_edit.isReadOnly()
        ):
            if event.key() == KEY_DOWN:
                self.show_choices()
                return True
            if event.key() in (KEY_RETURN, KEY_ENTER):
                self._timer.stop()
                self.left.emit()
        return super().eventFilter(watched, event)


def ask_to_save(parent: QWidget, question: str) -> QMessageBox.StandardButton:
    """The one question a form with unsaved changes asks on closing (or before a move that
    reloads it): Save (the default), Discard or Cancel."""
    return QMessageBox.question(
        parent, _("Unsaved changes"), question, SAVE | DISCARD | CANCEL, SAVE
    )


def show_read_only_look(root: QWidget) -> None:
    """Give every text, number and date field under `root` that cannot be changed (read-only
    or disabled) the look of one: the window's grey instead of the white of a field to type
    in, and no arrows or calendar button; the ones that can be changed get the look back.
    Qt greys a disabled combo, but leaves a read-only line edit white."""
    kinds = (QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)
    fields: list[QWidget] = [
        *([root] if isinstance(root, kinds) else []),
        *root.findChildren(QLineEdit),
        *root.findChildren(QAbstractSpinBox),
        *root.findChildren(QPlainTextEdit),
        *root.findChildren(QTextEdit),
    ]
    for field in fields:
        if isinstance(field, QLineEdit) and isinstance(field.parentWidget(), QAbstractSpinBox):
            continue  # the spin box's own editor follows the spin box
        if field.objectName().startswith("qt_"):
            continue  # a calendar popup's own fields
        fixed = field.isReadOnly() or not field.isEnabled()  # type: ignore[attr-defined]
        palette = QApplication.palette(field)
        if fixed:
            palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        field.setPalette(palette)
        if isinstance(field, QAbstractSpinBox):
            _show_buttons(field, not fixed)


def _show_buttons(box: QAbstractSpinBox, editable: bool) -> None:
    """Hide the arrows (and a date's calendar button) of a field that cannot be changed,
    remembering them on the field to give them back."""
    kept = box.property("editable_buttons")
    if not editable and kept is None:
        popup = isinstance(box, QDateEdit) and box.calendarPopup()
        box.setProperty("editable_buttons", f"{box.buttonSymbols().value}:{int(popup)}")
        box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        if isinstance(box, QDateEdit) and popup:
            box.setCalendarPopup(False)
    elif editable and kept:
        symbols, _colon, had_popup = str(kept).partition(":")
        box.setProperty("editable_buttons", None)
        box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols(int(symbols)))
        if isinstance(box, QDateEdit) and had_popup == "1":
            box.setCalendarPopup(True)
