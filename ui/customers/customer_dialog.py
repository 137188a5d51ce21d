"""Creating a customer from inside another form, with the duplicate check before it is saved."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services import accounts
from app.services.reference import Option
from ui.common import changes
from ui.common.record_dialog import RecordDialog
from ui.customers.customer_fields import AccountFields
from ui.customers.duplicates import DuplicateCandidatesPanel


def split_name(text: str) -> tuple[str, str]:
    """(first, last) from what was typed in a search: 'Rossi, Maria', 'Maria Rossi', 'Rossi'."""
    text = " ".join(text.split())
    if "," in text:
        last, _comma, first = text.partition(",")
        return first.strip(), last.strip()
    first, _space, last = text.rpartition(" ")
    return first, last


class AccountDialog(RecordDialog):
    """A new customer: a person or a company, how to reach them and where they live.
    Emits `created` with the account (a new one, or one on file the user chose instead)."""

    created = Signal(object)  # reference.Option
    record = "account"

    def __init__(self, parent: QWidget | None = None, typed_name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New customer"))
        self.account: Option | None = None
        self._confirmed_new = False

        self.fields = AccountFields()
        self.edits = self.fields.edits
        self.boxes = self.fields.boxes
        self.duplicates_panel = DuplicateCandidatesPanel()
        self.duplicates_list = self.duplicates_panel.list
        self.use_button = QPushButton(_("&Use the selected customer"))
        self.create_anyway_button = QPushButton(_("Create a &new customer anyway"))
        self.duplicate_buttons = QWidget()
        row = QHBoxLayout(self.duplicate_buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.use_button)
        row.addWidget(self.create_anyway_button)
        row.addStretch(1)
        self.duplicate_buttons.hide()

        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton(
            _("&Create customer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.create_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.duplicates_panel)
        layout.addWidget(self.duplicate_buttons)
        layout.addWidget(self.buttons)

        self.create_button.clicked.connect(self.save_and_close)
        self.cancel_button.clicked.connect(self.reject)
        self.use_button.clicked.connect(self._use_selected)
        self.create_anyway_button.clicked.connect(self._create_anyway)
        self.duplicates_panel.picked.connect(self._use)
        self.fields.edited.connect(self._forget_duplicates)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self.save_and_close)

        first, last = split_name(typed_name)
        self.edits["first_name"].setText(first)
        self.edits["last_name"].setText(last)
        self.take_baseline()
        self.resize(480, self.sizeHint().height())
        self.edits["last_name" if not last else "first_name" if not first else "email"].setFocus()

    def input(self) -> accounts.AccountInput:
        return self.fields.input()

    def state(self) -> tuple[str, ...]:
        return self.fields.state()

    def save(self) -> bool:
        """Create the customer; on a refusal every value stays as typed."""
        self.fields.show_errors({})
        return super().save()

    def write(self) -> Option | None:
        try:
            return accounts.create(self.input(), confirmed_new=self._confirmed_new)
        except accounts.PossibleDuplicates as dup:
            self.duplicates_panel.set_candidates(dup.candidates)
            self.duplicate_buttons.show()
            self.duplicates_list.setFocus()
            self._fit_height()
            return None

    def show_saved(self, option: Option) -> None:
        self.account = option
        changes.record_changes().announce(changes.CUSTOMER, option.id)
        self.created.emit(option)

    def refuse(
        self,
        errors: Mapping[str, str],
        warnings: Mapping[str, str] | None = None,
        what: str | None = None,
    ) -> None:
        self.fields.show_errors(dict(errors))
        self._fit_height()

    def close_question(self) -> str:
        return _("This customer has not been created yet. Create it now?")

    def _fit_height(self) -> None:
        # A message that wraps needs more height than the dialog was opened with.
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _finish(self, option: Option) -> None:
        self.show_saved(option)
        self.accept()

    def _forget_duplicates(self) -> None:
        # The answer to the duplicate check was for what was typed then.
        self._confirmed_new = False
        self.duplicates_panel.set_candidates([])
        self.duplicate_buttons.hide()

    def _use_selected(self) -> None:
        account_id = self.duplicates_panel.selected_account_id()
        if account_id is not None:
            self._use(account_id)

    def _use(self, account_id: int) -> None:
        self._finish(Option(account_id, accounts.name(account_id)))

    def _create_anyway(self) -> None:
        self._confirmed_new = True
        self.save_and_close()
