"""The walk-in dialog: a customer in the showroom becomes an opportunity in one short form."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import dates
from app.domain.choices import Condition
from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import N_, _, pgettext
from app.services import catalogue, walk_in
from app.services.accounts import DuplicateCandidate, PossibleDuplicates
from app.services.errors import NotFound
from app.services.opportunities import OpenSalesExist
from ui.common import second_sale_dialog
from ui.common.changes import OPPORTUNITY, record_changes
from ui.common.code_combo import CodeCombo
from ui.common.qt import (
    ACCEPT_ROLE,
    CANCEL,
    CANCEL_BUTTON,
    CLICK_FOCUS,
    DISCARD,
    FORM_LABEL,
    KEY_DOWN,
    KEY_ENTER,
    KEY_ESCAPE,
    KEY_PRESS,
    KEY_RETURN,
    KEY_UP,
    KEYPAD_MODIFIER,
    NO_MODIFIER,
    PLAIN_TEXT,
    SAVE,
    SCROLL_BAR_OFF,
)
from ui.common.second_sale_dialog import SecondSaleChoice
from ui.common.widgets import (
    CatalogueCombo,
    ChoiceCombo,
    DateEdit,
    FieldBox,
    FieldErrorLabel,
    set_tab_chain,
)
from ui.customers.duplicates import DuplicateCandidatesPanel
from ui.opportunities.close_date import far_ahead_confirmed

# The new customer's fields, labelled as the catalogue of labels has them ("walk_in.<name>").
CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email")
# Form order: the first refused field in this order gets the focus.
FIELD_ORDER = (
    *CUSTOMER_FIELDS,
    "brand",
    "model",
    "condition",
    "interest",
    "budget",
    "trade_in",
    "est_close_date",
)

CREATE_TEXT = N_("&Create opportunity")
CREATE_ANYWAY_TEXT = N_("Create new customer &anyway")
HINT_TEXT = N_(
    "Down arrow, then Enter (or a double-click), uses a customer on file; "
    "otherwise go on and a new customer is created."
)
ASK_TEXT = N_(
    "Is it one of them? Enter uses the one selected. If not, press “Create new customer anyway”."
)


class WalkInDialog(QDialog):
    """A customer in the showroom: who they are, what they are interested in, and when
    they may buy. Looks for them on file as their name and number are typed; creates the
    customer (unless one on file was picked) and the opportunity in one step. Emits
    `created` with the new opportunity's id, then closes."""

    created = Signal(int)
    # The customer has an open opportunity and the salesperson chose it rather than a new
    # one: open it, or log an activity on it.
    open_existing = Signal(int)
    log_activity_on = Signal(int)
    DUPLICATE_CHECK_DELAY_MS = 150

    def __init__(self, owner_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Walk-in customer"))
        self.setMinimumWidth(600)
        self.owner_id = owner_id
        self.opportunity_id: int | None = None
        self.customer: DuplicateCandidate | None = None  # one on file, picked
        self._candidates: dict[int, DuplicateCandidate] = {}
        self._confirmed_new = False

        self.customer_label = QLabel()
        self.customer_label.setTextFormat(PLAIN_TEXT)
        self.customer_label.setWordWrap(True)
        self.customer_label.setStyleSheet("font-weight: bold;")
        self.not_this_button = QPushButton(_("&Not this customer"))
        self.not_this_button.setToolTip(_("Back to the name and number typed: a new customer"))
        self.customer_box = FieldBox(self.customer_label, self.not_this_button)
        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        self.customer_form = QFormLayout()
        self.customer_form.addRow(pgettext("the customer a sale is for", "For"), self.customer_box)
        for name in CUSTOMER_FIELDS:
            self.edits[name] = QLineEdit()
            self._add_row(self.customer_form, name, self.edits[name])
        self.edits["phone"].setPlaceholderText("+49 89 1234 5678")
        self.edits["email"].setPlaceholderText(_("name@example.com"))
        self._last_customer_edit = self.edits["first_name"]

        self.duplicates = DuplicateCandidatesPanel()
        # Reached with Down from the fields, never by Tab: the list comes and goes as the
        # customer is typed, and a tab stop that comes and goes sends Tab somewhere new.
        self.duplicates.list.setFocusPolicy(CLICK_FOCUS)
        # Why each one matched comes last on its line; wrapped, it is never scrolled out of view.
        self.duplicates.list.setWordWrap(True)
        self.duplicates.list.setHorizontalScrollBarPolicy(SCROLL_BAR_OFF)
        self.duplicates_hint = QLabel(_(HINT_TEXT))
        self.duplicates_hint.setWordWrap(True)
        self.duplicates_hint.hide()
        self.customer_group = QGroupBox(label("opportunity.account_id"))
        customer_layout = QVBoxLayout(self.customer_group)
        customer_layout.addLayout(self.customer_form)
        customer_layout.addWidget(self.duplicates)
        customer_layout.addWidget(self.duplicates_hint)

        self.brand = CatalogueCombo()
        self.brand.set_values(catalogue.choices("brand"))
        self.model = CatalogueCombo()
        # Picked by typing a letter ("n", "u", "c", "f", "l"): no list to open.
        self.condition = ChoiceCombo(Condition)
        self.interest = CodeCombo("interest")
        self.budget = QLineEdit()
        self.budget.setPlaceholderText(_("what they want to spend, e.g. 30000"))
        self.trade_in = QLineEdit()
        self.trade_in.setPlaceholderText(_("the car they bring, e.g. VW Polo 2015, 80,000 km"))
        self.close_date = DateEdit()
        self.close_date.set_date_value(dates.default_close_date(date.today()))
        interest_form = QFormLayout()
        self._add_row(interest_form, "brand", self.brand)
        self._add_row(interest_form, "model", self.model)
        self._add_row(interest_form, "condition", self.condition)
        self._add_row(interest_form, "interest", self.interest)
        self._add_row(interest_form, "budget", self.budget)
        self._add_row(interest_form, "trade_in", self.trade_in)
        self._add_row(interest_form, "est_close_date", self.close_date)
        interest_group = QGroupBox(_("Interested in"))
        interest_group.setLayout(interest_form)
        # Two forms, one column of fields: the labels of both take the widest one's width.
        labels = [
            w
            for form in (self.customer_form, interest_form)
            for row in range(form.rowCount())
            if isinstance(w := form.itemAt(row, FORM_LABEL).widget(), QLabel)
        ]
        width = max(caption.sizeHint().width() for caption in labels)
        for caption in labels:
            caption.setMinimumWidth(width)

        self.general_message = FieldErrorLabel()
        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton(_(CREATE_TEXT), ACCEPT_ROLE)
        self.create_button.setDefault(True)
        self.create_button.setToolTip(_("Ctrl+Enter from anywhere in the form"))
        self.cancel_button = self.buttons.addButton(CANCEL_BUTTON)

        layout = QVBoxLayout(self)
        layout.addWidget(self.customer_group)
        layout.addWidget(interest_group)
        layout.addWidget(self.general_message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        chain = [
            self.not_this_button,
            *self.edits.values(),
            self.duplicates.list,
            self.brand,
            self.model,
            self.condition,
            self.interest,
            self.budget,
            self.trade_in,
            self.close_date,
            self.create_button,
            self.cancel_button,
        ]
        set_tab_chain(chain)

        self._timer = QTimer(self, singleShot=True, interval=self.DUPLICATE_CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_duplicates)
        for name, edit in self.edits.items():
            edit.textEdited.connect(partial(self._customer_edited, edit))
            edit.textEdited.connect(self.boxes[name].clear_message)
            edit.installEventFilter(self)
        self.brand.lineEdit().textEdited.connect(self.boxes["brand"].clear_message)
        self.brand.currentTextChanged.connect(self._offer_models)
        self.model.lineEdit().textEdited.connect(self.boxes["model"].clear_message)
        self.close_date.dateChanged.connect(self.boxes["est_close_date"].clear_message)
        self.budget.textEdited.connect(self.boxes["budget"].clear_message)
        self.duplicates.picked.connect(self.use_customer)
        self.duplicates.list.installEventFilter(self)
        self.not_this_button.clicked.connect(self.forget_customer)
        self.create_button.clicked.connect(lambda: self.create_opportunity())
        self.cancel_button.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(lambda: self.create_opportunity())

        self._show_customer()
        self._baseline = self.state()
        self.edits["first_name"].setFocus()

    # --- what was typed -----------------------------------------------------------------
    def input(self) -> walk_in.WalkInInput:
        return walk_in.WalkInInput(
            first_name=self.edits["first_name"].text(),
            last_name=self.edits["last_name"].text(),
            phone=self.edits["phone"].text(),
            email=self.edits["email"].text(),
            brand=self.brand.value(),
            model=self.model.value(),
            est_close_date=self.close_date.date_value(),
            condition=self.condition.current_code(),
            interest=self.interest.current_code(),
            budget=self.budget.text(),
            trade_in=self.trade_in.text(),
        )

    def state(self) -> tuple[object, ...]:
        return (
            *(edit.text() for edit in self.edits.values()),
            self.brand.currentText(),
            self.model.currentText(),
            self.condition.current_code(),
            self.interest.current_code(),
            self.budget.text(),
            self.trade_in.text(),
            self.close_date.date_value(),
            self.customer.account_id if self.customer else None,
        )

    def is_modified(self) -> bool:
        return self.state() != self._baseline

    # --- the customer: one on file, or a new one ------------------------------------------
    def check_duplicates(self) -> None:
        """Show who on file looks like the customer typed so far."""
        self._timer.stop()
        if self.customer is None and self.isVisible():
            self._show_candidates(walk_in.duplicates(self.input()))

    def use_customer(self, account_id: int) -> None:
        """Make the opportunity for this customer on file instead of a new one."""
        candidate = self._candidates.get(account_id)
        if candidate is None:
            return
        self.customer = candidate
        self._confirmed_new = False
        self._show_customer()
        # The customer's rows make way for one line; the form closes up rather than leave a gap.
        self.resize(self.width(), self.heightForWidth(self.width()))
        self.brand.setFocus()

    def forget_customer(self) -> None:
        """Back to a new customer, with the name and number as they were typed."""
        self.customer = None
        self._show_customer()
        self.check_duplicates()
        self._last_customer_edit.setFocus()

    def _customer_edited(self, edit: QLineEdit, _text: str = "") -> None:
        self._last_customer_edit = edit
        if self._confirmed_new:
            # The confirmation was for the customer as typed then; changed, it is asked again.
            self._confirmed_new = False
            self._show_customer()
        self._timer.start()

    def _show_candidates(self, candidates: list[DuplicateCandidate]) -> None:
        self._candidates = {c.account_id: c for c in candidates}
        self.duplicates.set_candidates(candidates)
        self.duplicates_hint.setVisible(bool(candidates))
        self._relayout()

    def _show_customer(self) -> None:
        picked = self.customer is not None
        self.customer_label.setText(self.customer.label if self.customer else "")
        self.customer_box.clear_message()
        self.customer_form.setRowVisible(self.customer_box, picked)
        for name in CUSTOMER_FIELDS:
            self.customer_form.setRowVisible(self.boxes[name], not picked)
        if picked:
            self.duplicates.hide()
            self.duplicates_hint.hide()
        self.create_button.setText(_(CREATE_ANYWAY_TEXT if self._confirmed_new else CREATE_TEXT))
        self.duplicates_hint.setText(_(ASK_TEXT if self._confirmed_new else HINT_TEXT))
        self._relayout()

    def _relayout(self) -> None:
        # The word-wrapped labels make the layout height-for-width, and Qt then keeps the
        # old row heights after rows are hidden unless the layout is redone.
        for layout in (self.customer_group.layout(), self.layout()):
            layout.invalidate()
            layout.activate()

    def _offer_models(self, brand: str) -> None:
        self.model.set_values(catalogue.choices("model", brand=brand) if brand.strip() else [])

    # --- creating -------------------------------------------------------------------------
    def create_opportunity(self, second_reason: str | None = None) -> bool:
        """Create the customer if needed and the opportunity; on a refusal every value
        stays as typed and the first field to fix gets the focus. A customer with an open
        opportunity is asked about first (second_sale_dialog)."""
        self._timer.stop()
        for combo in (self.brand, self.model):
            # An open completion list would keep the keyboard from the field to fix.
            combo.completer().popup().hide()
        self._show_errors({})
        data = self.input()
        data.second_reason = second_reason
        if not far_ahead_confirmed(self, data.est_close_date, self.windowTitle()):
            self._show_errors({"est_close_date": _("Not saved: check the est. close date.")})
            return False
        try:
            detail = walk_in.create(
                data,
                self.owner_id,
                account_id=self.customer.account_id if self.customer else None,
                confirmed_new=self._confirmed_new,
            )
        except OpenSalesExist as problem:
            return self._second_sale(problem)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return False
        except PossibleDuplicates as dup:
            self._confirmed_new = True
            self._show_candidates(dup.candidates)
            self._show_customer()
            # Enter now uses the customer selected; a new one takes the button, a deliberate
            # act, so a second quick Enter cannot make a duplicate.
            self.duplicates.list.setFocus()
            return False
        except NotFound as exc:
            self._show_errors({"account_id": str(exc)})
            return False
        self.opportunity_id = detail.id
        self._baseline = self.state()
        record_changes().announce(OPPORTUNITY, detail.id)
        self.created.emit(detail.id)
        self.accept()
        return True

    def _second_sale(self, problem: OpenSalesExist) -> bool:
        choice, opportunity_id, reason = second_sale_dialog.ask(problem, self)
        if choice is SecondSaleChoice.GO_ON:
            return self.create_opportunity(reason)
        if choice is SecondSaleChoice.CANCEL or opportunity_id is None:
            return False
        self._baseline = self.state()  # nothing typed is lost: it was this customer's sale
        self.accept()
        if choice is SecondSaleChoice.OPEN_IT:
            self.open_existing.emit(opportunity_id)
        else:
            self.log_activity_on.emit(opportunity_id)
        return True

    def _show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for name in FIELD_ORDER:
            box = self.boxes[name]
            if name in errors and box.isVisibleTo(self):
                box.show_error(errors[name])
                first = first or box.field
            else:
                box.clear_message()
        if "account_id" in errors and self.customer is not None:
            self.customer_box.show_error(errors["account_id"])
            first = first or self.not_this_button
        else:
            self.customer_box.clear_message()
        shown = {n for n in FIELD_ORDER if self.boxes[n].message.is_error}
        if self.customer_box.message.is_error:
            shown.add("account_id")
        rest = [message for name, message in errors.items() if name not in shown]
        if rest:
            self.general_message.show_error(" ".join(rest))
        else:
            self.general_message.clear_message()
        if first is not None:
            first.setFocus()

    def _add_row(self, form: QFormLayout, name: str, field: QWidget) -> None:
        self.boxes[name] = FieldBox(field)
        form.addRow(label(f"walk_in.{name}", form=True), self.boxes[name])
        buddy = form.labelForField(self.boxes[name])
        if isinstance(buddy, QLabel):
            buddy.setBuddy(field)

    # --- Qt overrides ---------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != KEY_PRESS or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        # The keypad's Enter and arrows count as the plain keys they are.
        key, plain = event.key(), event.modifiers() & ~KEYPAD_MODIFIER == NO_MODIFIER
        listed = self.duplicates.isVisible() and self.duplicates.count() > 0
        if watched is self.duplicates.list and plain:
            if key in (KEY_RETURN, KEY_ENTER):
                # Handled here: the list would pass Enter on to the dialog, which would
                # press Create before the pick is even seen.
                account_id = self.duplicates.selected_account_id()
                if account_id is not None:
                    self.use_customer(account_id)
                return True
            if key == KEY_ESCAPE or (key == KEY_UP and self.duplicates.list.currentRow() <= 0):
                self._last_customer_edit.setFocus()
                return True
        elif isinstance(watched, QLineEdit) and plain and key == KEY_DOWN and listed:
            self._last_customer_edit = watched
            self.duplicates.list.setFocus()
            return True
        return super().eventFilter(watched, event)

    def reject(self) -> None:
        if self.is_modified():
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                _("This opportunity has not been created yet. Create it now?"),
                SAVE | DISCARD | CANCEL,
                SAVE,
            )
            if answer == CANCEL or (answer == SAVE and not self.create_opportunity()):
                return
            if answer == SAVE:
                return  # create_opportunity() has closed the dialog
        self._timer.stop()
        super().reject()
