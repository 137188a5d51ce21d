"""The fields of a customer (person or company, how to reach them, where they live), shared
by the quick "new customer" dialog and the customer form."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import AccountKind
from app.domain.fields import label
from app.domain.languages import CORRESPONDENCE_LANGUAGES, language_name
from app.i18n import _
from app.services import accounts, documents
from ui.common.widgets import ERROR_COLOUR, FieldBox, show_field_messages

# Form order: the first refused field in this order gets the focus. Each is named by its
# label in app.domain.fields ("account.<name>").
ACCOUNT_FIELDS = (
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "country",
    "vat_number",
)


def field_label(name: str, *, form: bool = False) -> str:
    """A customer field's label, in the screen's language."""
    return label(f"account.{name}", form=form)


class AccountFields(QWidget):
    """Kind, names, e-mail, phone and address with a message under each field. Emits
    `edited` whenever the user changes anything."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_radio = QRadioButton(_("&Person"))
        self.company_radio = QRadioButton(_("C&ompany"))
        self.person_radio.setChecked(True)
        self._kinds = QButtonGroup(self)
        self._kinds.addButton(self.person_radio)
        self._kinds.addButton(self.company_radio)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.person_radio)
        kind_row.addWidget(self.company_radio)
        kind_row.addStretch(1)

        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        self.form = QFormLayout()
        self.form.addRow(field_label("kind", form=True), kind_row)
        for name in ACCOUNT_FIELDS:
            edit = QLineEdit()
            edit.setMinimumWidth(280)
            self.edits[name] = edit
            self.boxes[name] = FieldBox(edit)
            self.form.addRow(field_label(name, form=True), self.boxes[name])
            edit.textEdited.connect(lambda _text: self.edited.emit())
        # The language the customer's quotes and order forms are written in.
        self.language = QComboBox()
        for code in CORRESPONDENCE_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(self.language.findData(documents.dealership_language()))
        self.boxes["language"] = FieldBox(self.language, stretch=True)
        self.form.addRow(field_label("language", form=True), self.boxes["language"])
        self.language.activated.connect(lambda _index: self.edited.emit())
        self.edits["email"].setPlaceholderText(_("name@example.com"))
        self.edits["phone"].setPlaceholderText("+49 89 1234 5678")
        self.edits["vat_number"].setPlaceholderText("DE123456789")  # i18n: ignore
        self.general_message = QLabel()
        self.general_message.setWordWrap(True)
        self.general_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.general_message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.general_message)
        self.person_radio.toggled.connect(self._show_kind)
        self.person_radio.toggled.connect(lambda _on: self.edited.emit())
        self._show_kind()

    def kind(self) -> str:
        return (AccountKind.COMPANY if self.company_radio.isChecked() else AccountKind.PERSON).value

    def input(self) -> accounts.AccountInput:
        data = accounts.AccountInput(kind=self.kind())
        for name, edit in self.edits.items():
            setattr(data, name, edit.text())
        data.language = str(self.language.currentData())
        return data

    def load(self, data: accounts.AccountInput) -> None:
        (
            self.company_radio if data.kind == AccountKind.COMPANY.value else self.person_radio
        ).setChecked(True)
        for name, edit in self.edits.items():
            edit.setText(getattr(data, name))
        language = data.language or documents.dealership_language()
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self._show_kind()

    def state(self) -> tuple[str, ...]:
        return (
            self.kind(),
            *(edit.text() for edit in self.edits.values()),
            self.language.currentData(),
        )

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.edits.values():
            edit.setReadOnly(read_only)
        self.language.setEnabled(not read_only)
        self.person_radio.setEnabled(not read_only)
        self.company_radio.setEnabled(not read_only)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field, the rest below the form; focus the first bad field."""
        rest = list(show_field_messages(self.boxes, errors).values())
        order = (*ACCOUNT_FIELDS, "language")
        first = next((self.boxes[name].field for name in order if name in errors), None)
        self.general_message.setText(" ".join(rest))
        self.general_message.setVisible(bool(rest))
        if first is not None:
            first.setFocus()

    def _show_kind(self) -> None:
        person = self.person_radio.isChecked()
        for name in ("first_name", "last_name"):
            self.form.setRowVisible(self.boxes[name], person)
        self.form.setRowVisible(self.boxes["company_name"], not person)
        # A business customer's VAT ID prints on its quotes and order forms; a person has none.
        self.form.setRowVisible(self.boxes["vat_number"], not person)
