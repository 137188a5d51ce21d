"""The question asked before a customer gets a further opportunity while one is open: whose
it is, and whether to open it, log an activity on it, or go on with a reason that is kept."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import label
from app.i18n import _
from app.services.opportunities import OpenSalesExist
from ui.common.qt import ACCEPT_ROLE, ACTION_ROLE, CANCEL_BUTTON, PLAIN_TEXT
from ui.common.roles import ID_ROLE
from ui.common.widgets import FieldBox


class SecondSaleChoice(Enum):
    OPEN_IT = "open"
    LOG_ACTIVITY = "log"
    GO_ON = "go on"
    CANCEL = "cancel"


class SecondSaleDialog(QDialog):
    """Names the customer's open opportunities with their owners; the one selected is
    opened or gets the activity; "Create anyway" needs the reason, which is kept on the
    new opportunity as a note."""

    def __init__(self, problem: OpenSalesExist, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("This customer has an open opportunity"))
        self.setMinimumWidth(520)
        self.choice = SecondSaleChoice.CANCEL
        self.sales = problem.sales
        intro = QLabel(
            _(
                "Before a second one is opened: is the customer here for one of these? Open "
                "it or log what happened on it; otherwise say why a second one is needed."
            )
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        for sale in problem.sales:
            owner = sale.owner or _("no owner")
            item = QListWidgetItem(
                _("#{number} “{topic}”, owned by {owner}").format(
                    number=sale.id, topic=sale.topic, owner=owner
                )
            )
            item.setData(ID_ROLE, sale.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.setMaximumHeight(22 * min(5, len(problem.sales)) + 8)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. a second car for the daughter"))
        self.reason_box = FieldBox(self.reason)
        reason_label = QLabel(label("walk_in.reason"))
        reason_label.setTextFormat(PLAIN_TEXT)
        reason_label.setBuddy(self.reason)

        self.buttons = QDialogButtonBox()
        self.open_button = self.buttons.addButton(_("&Open it"), ACCEPT_ROLE)
        self.log_button = self.buttons.addButton(_("&Log an activity on it"), ACTION_ROLE)
        self.go_on_button = self.buttons.addButton(_("Create &anyway"), ACTION_ROLE)
        self.buttons.addButton(CANCEL_BUTTON)
        self.open_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason_box)
        layout.addWidget(self.buttons)

        self.open_button.clicked.connect(lambda: self._choose(SecondSaleChoice.OPEN_IT))
        self.log_button.clicked.connect(lambda: self._choose(SecondSaleChoice.LOG_ACTIVITY))
        self.go_on_button.clicked.connect(self._go_on)
        self.buttons.rejected.connect(self.reject)
        self.reason.textEdited.connect(self.reason_box.clear_message)
        self.list.setFocus()

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else None

    def _choose(self, choice: SecondSaleChoice) -> None:
        self.choice = choice
        self.accept()

    def _go_on(self) -> None:
        if not self.reason.text().strip():
            self.reason_box.show_error(_("Say why this customer needs a second opportunity."))
            self.reason.setFocus()
            return
        self._choose(SecondSaleChoice.GO_ON)


def ask(
    problem: OpenSalesExist, parent: QWidget | None
) -> tuple[SecondSaleChoice, int | None, str]:
    """What the salesperson chose, the opportunity it is about, and the reason typed."""
    dialog = SecondSaleDialog(problem, parent)
    dialog.exec()
    return dialog.choice, dialog.selected_id(), dialog.reason.text().strip()
