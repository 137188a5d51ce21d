"""The questions a lead's moves ask: why it is disqualified, and which customer a
conversion is for."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import label
from app.i18n import _
from app.services import accounts, leads
from app.services.accounts import DuplicateCandidate
from app.services.leads import LeadDetail
from ui.common.qt import (
    ACCEPT_ROLE,
    ACTION_ROLE,
    CANCEL_BUTTON,
    OK_BUTTON,
    PLAIN_TEXT,
    SCROLL_BAR_OFF,
)
from ui.common.widgets import (
    ERROR_COLOUR,
    OptionCombo,
)
from ui.customers.duplicates import DuplicateCandidatesPanel
from ui.leads.lead_sections import fill_owners


class DisqualifyDialog(QDialog):
    """Why a lead is dropped, picked from the site's list so the reasons can be counted."""

    def __init__(self, lead_name: str, reasons: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Disqualify lead"))
        self.setMinimumWidth(400)
        question = QLabel(
            _("Why is {name} not a prospect?").format(name=lead_name)
            if lead_name
            else _("Why is this lead not a prospect?")
        )
        question.setTextFormat(PLAIN_TEXT)
        question.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.addItems(reasons)
        self.reason.setPlaceholderText(_("Pick a reason"))
        # No reason is chosen for the user: the list feeds the sales manager's figures.
        self.reason.setCurrentIndex(-1)
        self.reason.setMinimumWidth(280)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.note.setText(
            "" if reasons else _("No disqualify reasons are set up; a sales manager adds them.")
        )
        self.note.setVisible(not reasons)
        self.buttons = QDialogButtonBox(OK_BUTTON | CANCEL_BUTTON)
        self.ok_button = self.buttons.button(OK_BUTTON)
        self.ok_button.setText(_("&Disqualify"))
        self.ok_button.setEnabled(False)
        form = QFormLayout()
        form.addRow(label("lead.disqualify_reason", form=True), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.reason.currentIndexChanged.connect(lambda index: self.ok_button.setEnabled(index >= 0))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.setFocus()

    def chosen_reason(self) -> str:
        return self.reason.currentText() if self.reason.currentIndex() >= 0 else ""

    def choose(self, reason: str) -> None:
        self.reason.setCurrentIndex(self.reason.findText(reason))


class ConversionDialog(QDialog):
    """Turning a lead into a sale: the customer it is for (one on file that looks like
    the lead, or a new one, chosen knowingly) and who owns the opportunity. Read the
    choice from `account_id`, `confirmed_new` and `owner_id()` once accepted."""

    def __init__(
        self,
        lead: LeadDetail,
        candidates: list[DuplicateCandidate],
        owner_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Convert lead"))
        self.setMinimumWidth(560)
        self.account_id: int | None = None
        self.confirmed_new = False
        customer = accounts.display_name(leads.account_input(lead))
        explanation = QLabel(
            _(
                "The lead becomes an opportunity at the first stage of the sales process, with "
                "its vehicle interest, channel, source and notes. The lead itself is then kept "
                "as it is, read-only."
            )
        )
        explanation.setWordWrap(True)
        self.customer_note = QLabel()
        self.customer_note.setTextFormat(PLAIN_TEXT)
        self.customer_note.setWordWrap(True)
        self.duplicates = DuplicateCandidatesPanel()
        # Why each one matched comes last on its line; wrapped, it is never scrolled out of view.
        self.duplicates.list.setWordWrap(True)
        self.duplicates.list.setHorizontalScrollBarPolicy(SCROLL_BAR_OFF)
        self.duplicates.set_candidates(candidates)
        if candidates:
            self.customer_note.setText(
                _("If none of them is {customer}, create a new customer for the lead.").format(
                    customer=customer
                )
            )
        else:
            self.customer_note.setText(
                _(
                    "No customer on file has this e-mail address, phone number or name: "
                    "{customer} is created as a new customer."
                ).format(customer=customer)
            )
        self.owner = OptionCombo()
        fill_owners(self.owner, owner_id)
        form = QFormLayout()
        form.addRow(_("Opportunity &owner"), self.owner)

        self.buttons = QDialogButtonBox()
        self.use_button: QPushButton | None = None
        self.new_button: QPushButton | None = None
        self.convert_button: QPushButton | None = None
        if candidates:
            self.use_button = self.buttons.addButton(_("&Use the selected customer"), ACCEPT_ROLE)
            self.new_button = self.buttons.addButton(_("Create a &new customer"), ACTION_ROLE)
            self.use_button.clicked.connect(self.use_selected)
            self.new_button.clicked.connect(self.create_new)
            self.duplicates.picked.connect(self.use)
            self.use_button.setDefault(True)
        else:
            self.convert_button = self.buttons.addButton(_("&Convert"), ACCEPT_ROLE)
            self.convert_button.clicked.connect(self.accept)
            self.convert_button.setDefault(True)
        self.buttons.addButton(CANCEL_BUTTON).clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.customer_note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if candidates:
            self.duplicates.list.setFocus()

    def owner_id(self) -> int | None:
        return self.owner.current_id()

    def use_selected(self) -> None:
        account_id = self.duplicates.selected_account_id()
        if account_id is not None:
            self.use(account_id)

    def use(self, account_id: int) -> None:
        self.account_id = account_id
        self.confirmed_new = False
        self.accept()

    def create_new(self) -> None:
        self.account_id = None
        self.confirmed_new = True
        self.accept()
