"""The opportunity form: the sale, what the customer wants, the vehicle and the assignment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Channel, Status
from app.domain.stages import StageInfo, first_stage, stage_choices
from app.domain.validation import ValidationError
from app.services import accounts, catalogue, opportunities, reference
from app.services.catalogue import VehicleChoice
from app.services.errors import ConflictError, NotFound
from app.services.opportunities import OpportunityDetail, OpportunityInput
from app.services.reference import Option
from ui.activities.timeline import TimelineWidget
from ui.common import conflict_dialog
from ui.common.conflict_dialog import ConflictChoice
from ui.common.vehicle_interest import LEVELS, VehicleInterestPickers
from ui.common.widgets import (
    ERROR_COLOUR,
    CatalogueCombo,
    ChoiceCombo,
    DateEdit,
    FieldBox,
    LookupEdit,
    LookupItem,
    MoneyEdit,
    OptionalDateEdit,
    OptionCombo,
    ask_to_save,
    fit_to_screen,
    set_tab_chain,
    show_field_messages,
)
from ui.customers.customer_dialog import AccountDialog
from ui.opportunities.close_dialogs import CloseLostDialog, CloseWonDialog, reopen
from ui.opportunities.opportunity_tabs import ContactsTab, HistoryTab, OpportunityTab
from ui.opportunities.stage_bar import StageBar
from ui.quotes.quotes_tab import QuotesTab

SAVE = QMessageBox.StandardButton.Save
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No
LABEL_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
GROW_FIELDS = QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
DELETE_ON_CLOSE = Qt.WidgetAttribute.WA_DeleteOnClose

_LEVEL_LABELS = {
    "brand": "&Brand",
    "vehicle_class": "Class",
    "model": "Model",
    "model_code": "Model code",
    "variant": "Variant",
}
# Pickers keep one width rather than spanning the dialog; long names still fit.
PICKER_WIDTH = 320
_CLOSED_MESSAGE = "This opportunity is {status}, so it is read-only. Reopen it to change it."
_UNSAVED_TABS = "Save the opportunity first: its tabs open once it is saved."
# The sections beside the tabs: room for the label column and a picker, the rest to the tabs.
SECTIONS_WIDTH = 620
SIDE_BY_SIDE_WIDTH = 1100  # narrower than this, the tabs go below the sections


class _Section(QGroupBox):
    """A titled part of the form: one row per field, each with its message underneath."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(GROW_FIELDS)
        self.form.setLabelAlignment(LABEL_ALIGN)
        self.form.setVerticalSpacing(8)
        self.boxes: dict[str, FieldBox] = {}

    def _row(
        self, name: str, label: str, field: QWidget, *beside: QWidget, short: bool = False
    ) -> FieldBox:
        if short and isinstance(field, (OptionCombo, ChoiceCombo, CatalogueCombo)):
            field.setMinimumWidth(PICKER_WIDTH)
        box = FieldBox(field, *beside, stretch=short)
        self.boxes[name] = box
        self.form.addRow(label, box)
        buddy = self.form.labelForField(box)
        if isinstance(buddy, QLabel):
            buddy.setBuddy(field)  # Alt+letter goes to the field, not its box
        return box

    def focus_order(self) -> list[QWidget]:
        return [box.field for box in self.boxes.values()]

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        """Write the section's fields into `data`; what cannot be read goes into `errors`."""
        raise NotImplementedError

    def state(self) -> tuple[Any, ...]:
        """The raw values, compared with those loaded to tell whether anything changed."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


class OpportunitySection(_Section):
    """The sale itself: topic, customer, dates and amounts, who owns it and how far it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Opportunity", parent)
        self._read_only = False
        self._is_new = True
        self._from_lead = False
        self._by_hand = False
        self._stages: dict[int, StageInfo] = {}

        self.topic = QLineEdit()
        self.topic.setPlaceholderText("e.g. Golf GTI for the Rossi family")
        self.account = LookupEdit(self._find_accounts, "Type a name, e-mail or phone number")
        self.new_account_button = QPushButton("New customer…")
        self.account_dialog: AccountDialog | None = None
        self.contact = OptionCombo()
        self.close_date = DateEdit()
        self.revenue = MoneyEdit("Est. revenue", money.DEFAULT_CURRENCY)
        self.accessories = MoneyEdit("Est. revenue accessories", money.DEFAULT_CURRENCY)
        self.trade_in = MoneyEdit("Est. trade-in value", money.DEFAULT_CURRENCY)
        self.currency = QComboBox()
        self.currency.addItems(list(money.CURRENCIES))
        self.owner = OptionCombo()
        self.kind = OptionCombo()
        self.kind.setToolTip(
            "Which sales process the opportunity follows; chosen when it is created"
        )
        self.stage = OptionCombo()
        self.probability = QSpinBox()
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.probability.setMinimumWidth(80)
        self.probability_hint = QLabel()
        self.probability_hint.setEnabled(False)  # drawn in the muted colour
        self.probability_reset = QPushButton()
        self.probability_reset.setToolTip("Let the probability follow the stage again")
        self.channel = ChoiceCombo(Channel)
        self.source = QLineEdit()
        self.source.setPlaceholderText("e.g. the campaign, the event, who referred them")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 4 + 12)

        self._row("topic", "&Topic", self.topic)
        self._row("account_id", "C&ustomer", self.account, self.new_account_button)
        self._row("primary_contact_id", "Primary contact", self.contact, short=True)
        self._row("est_close_date", "Est. close date", self.close_date, short=True)
        self.revenue_hint = QLabel()
        self.revenue_hint.setEnabled(False)  # drawn in the muted colour
        self.revenue_hint.hide()
        self._revenue_from = ""
        self._row("est_revenue", "Est. revenue", self.revenue, self.revenue_hint, short=True)
        self._row(
            "est_revenue_accessories", "Est. revenue accessories", self.accessories, short=True
        )
        self._row("est_trade_in", "Est. trade-in value", self.trade_in, short=True)
        self._row("currency", "Currency", self.currency, short=True)
        self._row("owner_id", "Owner", self.owner, short=True)
        self._row("kind_id", "&Kind", self.kind, short=True)
        self._row("stage_id", "Sta&ge", self.stage, short=True)
        self._row(
            "probability",
            "Probability",
            self.probability,
            self.probability_hint,
            self.probability_reset,
            short=True,
        )
        self._row("channel", "Channel", self.channel, short=True)
        self._row("source", "Source", self.source)
        self._row("description", "Description", self.description)

        self.account.picked.connect(self._on_account_picked)
        self.new_account_button.clicked.connect(self.create_account)
        self.currency.currentTextChanged.connect(self._on_currency_changed)
        self.stage.currentIndexChanged.connect(self._on_stage_changed)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.probability.valueChanged.connect(self._on_probability_typed)
        self.probability_reset.clicked.connect(self.reset_probability)
        for name, edit in (
            ("est_revenue", self.revenue),
            ("est_revenue_accessories", self.accessories),
            ("est_trade_in", self.trade_in),
        ):
            edit.line_edit.editingFinished.connect(partial(self._check_amount, name, edit))
        self.topic.textEdited.connect(self._check_topic)

    def focus_order(self) -> list[QWidget]:
        return [
            self.topic,
            self.account,
            self.new_account_button,
            self.contact,
            self.close_date,
            self.revenue,
            self.accessories,
            self.trade_in,
            self.currency,
            self.owner,
            self.kind,
            self.stage,
            self.probability,
            self.probability_reset,
            self.channel,
            self.source,
            self.description,
        ]

    # Loading and reading back

    def load(
        self, data: OpportunityInput, stages: list[StageInfo], fixed_sequence: bool, is_new: bool
    ) -> None:
        self.topic.setText(data.topic)
        self.topic.setCursorPosition(0)
        label = accounts.name(data.account_id) if data.account_id is not None else ""
        self.account.set_current(data.account_id, label)
        self._load_contacts(data.account_id, data.primary_contact_id)
        self.close_date.set_date_value(data.est_close_date or date.today())
        if self.currency.findText(data.currency) < 0:
            self.currency.addItem(data.currency)
        blocked = self.currency.blockSignals(True)
        self.currency.setCurrentText(data.currency)
        self.currency.blockSignals(blocked)
        for edit, amount in (
            (self.revenue, data.est_revenue),
            (self.accessories, data.est_revenue_accessories),
            (self.trade_in, data.est_trade_in),
        ):
            edit.set_currency(data.currency)
            edit.set_amount(amount)
        self.follow_revenue(data)
        users = reference.users()
        if data.owner_id is not None and all(u.id != data.owner_id for u in users):
            users = reference.users(active_only=False)
        self.owner.set_options(users, "(nobody yet)")
        self.owner.set_current_id(data.owner_id)
        blocked = self.kind.blockSignals(True)
        self.kind.set_options(reference.opportunity_kinds())
        self.kind.set_current_id(data.kind_id)
        self.kind.blockSignals(blocked)
        # The process is chosen for a new sale; a saved one keeps its stage history in it.
        self._is_new = is_new
        self._from_lead = data.lead_id is not None
        self.kind.setEnabled(is_new and not self._read_only)
        self._load_stages(data.stage_id, stages, fixed_sequence, data.lead_id is not None, is_new)
        self._set_probability(
            opportunities.effective_probability(data), data.probability is not None
        )
        self.channel.set_current_code(data.channel)
        self.source.setText(data.source)
        self.description.setPlainText(data.description)

    def _load_stages(
        self,
        stage_id: int | None,
        stages: list[StageInfo],
        fixed_sequence: bool,
        from_lead: bool,
        is_new: bool,
    ) -> None:
        self._stages = {s.id: s for s in stages}
        current = self._stages.get(stage_id) if stage_id is not None else None
        # The saved stage decides where the sale may go next, as the service checks it; a
        # new sale may start at any stage.
        offered = stage_choices(stages, current, fixed_sequence, from_lead, is_new)
        blocked = self.stage.blockSignals(True)
        self.stage.set_options([Option(s.id, s.name) for s in offered])
        self.stage.set_current_id(stage_id)
        self.stage.setEnabled(bool(offered) and not self._read_only)
        self.stage.setToolTip("" if stages else "This kind of opportunity has no stages.")
        self.stage.blockSignals(blocked)

    def follow_stage(
        self, data: OpportunityInput, stages: list[StageInfo], fixed_sequence: bool
    ) -> None:
        """Show the stage saved meanwhile (a move from the stage bar, an automatic one),
        leaving the other fields as typed; the probability follows unless typed by hand."""
        self._load_stages(
            data.stage_id, stages, fixed_sequence, data.lead_id is not None, is_new=False
        )
        if not self._by_hand:
            self.reset_probability()

    def follow_revenue(self, data: OpportunityInput) -> None:
        """The estimates follow the accepted or latest open quote when there is one: shown
        from it and not typed over."""
        source = getattr(data, "revenue_from", "")
        self._revenue_from = source
        for edit, amount in (
            (self.revenue, data.est_revenue),
            (self.accessories, data.est_revenue_accessories),
            (self.trade_in, data.est_trade_in),
        ):
            if source:
                edit.set_amount(amount)
            edit.set_read_only(self._read_only or bool(source))
            edit.setToolTip(
                f"From quote {source}; change the quote to change it." if source else ""
            )
        self.revenue_hint.setText(f"from quote {source}" if source else "")
        self.revenue_hint.setVisible(bool(source))

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.topic = self.topic.text()
        data.account_id = self.account.current_id()
        if data.account_id is None and self.account.text():
            errors["account_id"] = (
                f"“{self.account.text()}” is not a customer on file yet: pick one from the "
                "list (Down arrow), or create it with New customer…"
            )
        data.primary_contact_id = self.contact.current_id()
        data.est_close_date = self.close_date.date_value()
        data.currency = self.currency.currentText()
        for name, edit in (
            ("est_revenue", self.revenue),
            ("est_revenue_accessories", self.accessories),
            ("est_trade_in", self.trade_in),
        ):
            problem = edit.problem()
            if problem:
                errors[name] = problem
            else:
                setattr(data, name, edit.amount())
        data.owner_id = self.owner.current_id()
        if self._is_new and self.kind.current_id() is not None:
            data.kind_id = self.kind.current_id()
        data.stage_id = self.stage.current_id()
        data.probability = self.probability.value() if self._by_hand else None
        data.channel = self.channel.current_code()
        data.source = self.source.text()
        data.description = self.description.toPlainText()

    def state(self) -> tuple[Any, ...]:
        return (
            self.topic.text(),
            self.account.current_id(),
            self.account.text(),
            self.contact.current_id(),
            self.close_date.date(),
            *(_amount_state(e) for e in (self.revenue, self.accessories, self.trade_in)),
            self.currency.currentText(),
            self.owner.current_id(),
            self.kind.current_id(),
            self.stage.current_id(),
            self.probability.value(),
            self._by_hand,
            self.channel.current_code(),
            self.source.text(),
            self.description.toPlainText(),
        )

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for line in (self.topic, self.source):
            line.setReadOnly(read_only)
        self.description.setReadOnly(read_only)
        self.account.set_read_only(read_only)
        self.close_date.setReadOnly(read_only)
        self.probability.setReadOnly(read_only)
        for edit in (self.revenue, self.accessories, self.trade_in):
            edit.set_read_only(read_only or bool(self._revenue_from))
        for widget in (self.new_account_button, self.contact, self.currency, self.owner):
            widget.setEnabled(not read_only)
        self.kind.setEnabled(self._is_new and not read_only)
        self.channel.setEnabled(not read_only)
        self.stage.setEnabled(not read_only and self.stage.count() > 0)
        self._set_probability(self.probability.value(), self._by_hand)

    def _check_amount(self, name: str, edit: MoneyEdit) -> None:
        problem = edit.problem()
        if problem:
            self.boxes[name].show_error(problem)
        else:
            self.boxes[name].clear_message()

    def _check_topic(self, text: str) -> None:
        # The 'cannot be empty' message goes as soon as there is a topic.
        if text.strip() and self.boxes["topic"].message.is_error:
            self.boxes["topic"].clear_message()

    # The customer

    def _find_accounts(self, text: str) -> list[LookupItem]:
        return [LookupItem(o.id, o.label) for o in accounts.search(text)]

    def _on_account_picked(self, account_id: int | None) -> None:
        self._load_contacts(account_id, None)

    def _load_contacts(self, account_id: int | None, contact_id: int | None) -> None:
        people = accounts.contacts(account_id) if account_id is not None else []
        self.contact.set_options(people, "(none: use the customer's address)")
        if contact_id is None and len(people) == 1:
            contact_id = people[0].id  # a private customer is their own contact
        self.contact.set_current_id(contact_id)

    def create_account(self) -> AccountDialog:
        """Open the new-customer dialog, starting from the name typed in the customer field."""
        typed = self.account.text() if self.account.current_id() is None else ""
        dialog = AccountDialog(self.window(), typed)
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.created.connect(self._on_account_created)
        dialog.destroyed.connect(self._forget_account_dialog)
        self.account_dialog = dialog
        dialog.open()
        return dialog

    def _forget_account_dialog(self) -> None:
        self.account_dialog = None

    def _on_account_created(self, option: Option) -> None:
        self.account.pick(option.id, option.label)
        self.contact.setFocus()

    # Money, stage and probability

    def _on_currency_changed(self, currency: str) -> None:
        for edit in (self.revenue, self.accessories, self.trade_in):
            edit.set_currency(currency)

    def _stage_default(self) -> int:
        stage = self._stages.get(self.stage.current_id() or 0)
        return stage.default_probability if stage else 0

    def _set_probability(self, value: int, by_hand: bool) -> None:
        self._by_hand = by_hand
        blocked = self.probability.blockSignals(True)
        self.probability.setValue(value)
        self.probability.blockSignals(blocked)
        has_stage = self.stage.current_id() is not None
        self.probability_reset.setText(f"Use the stage's {self._stage_default()} %")
        self.probability_reset.setVisible(by_hand and has_stage and not self._read_only)
        if not has_stage:
            self.probability_hint.setText("")
        else:
            self.probability_hint.setText("typed by hand" if by_hand else "follows the stage")

    def _on_kind_changed(self) -> None:
        """A new sale switched to another process: its stages are offered, from the first."""
        kind_id = self.kind.current_id()
        if kind_id is None:
            return
        stages = reference.stage_infos(kind_id)
        self._load_stages(None, stages, reference.fixed_sequence(kind_id), self._from_lead, True)
        first = first_stage(stages, self._from_lead)
        self.stage.set_current_id(first.id if first is not None else None)
        self._on_stage_changed()

    def _on_stage_changed(self) -> None:
        if not self._by_hand:
            self._set_probability(self._stage_default(), False)
        else:
            self._set_probability(self.probability.value(), True)

    def _on_probability_typed(self, value: int) -> None:
        self._set_probability(value, True)

    def probability_by_hand(self) -> bool:
        return self._by_hand

    def reset_probability(self) -> None:
        """Back to the stage's default, and following the stage again."""
        self._set_probability(self._stage_default(), False)


def _amount_state(edit: MoneyEdit) -> Any:
    # Compare amounts, not text: '31500' and '31,500.00' are no change.
    return edit.text() if edit.problem() else edit.amount()


class BrandingSection(_Section):
    """What the customer wants: how they pay, new or used, and the vehicle down to the
    variant (the pickers of ui.common.vehicle_interest)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Branding", parent)
        self.pickers = VehicleInterestPickers()
        self.interest = self.pickers.interest
        self.condition = self.pickers.condition
        self.levels = self.pickers.levels
        labels = {"interest": "&Interest", "condition": "Condition", **_LEVEL_LABELS}
        for name, widget in self.pickers.fields():
            self._row(name, labels[name], widget, short=True)

    def load(self, data: OpportunityInput) -> None:
        self.pickers.load(data)

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        self.pickers.fill(data)

    def state(self) -> tuple[Any, ...]:
        return self.pickers.state()

    def wanted(self) -> dict[str, str]:
        """What a stock vehicle is matched against."""
        return {
            "brand": self.levels["brand"].value(),
            "model": self.levels["model"].value(),
            "condition": self.condition.current_code(),
        }

    def fill_empty_from(self, vehicle: VehicleChoice) -> None:
        """Take what the customer has not said yet from the vehicle picked for them."""
        self.pickers.quiet = True
        if not self.condition.current_code():
            self.condition.set_current_code(vehicle.condition)
        for name in LEVELS:
            combo = self.levels[name]
            if not combo.value() and getattr(vehicle, name):
                combo.set_value(getattr(vehicle, name))
        self.pickers.quiet = False
        self.refresh_offers(clear=False)

    def refresh_offers(self, below: str | None = None, clear: bool = True) -> None:
        self.pickers.refresh_offers(below, clear)

    def set_read_only(self, read_only: bool) -> None:
        self.pickers.set_read_only(read_only)


class DeviceSection(_Section):
    """The stock vehicle reserved for this sale and when it is to be handed over."""

    vehicle_picked = Signal(object)  # VehicleChoice, or None when the pick was undone

    def __init__(self, wanted: Callable[[], dict[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("Device specifics", parent)
        self._wanted = wanted
        self.opportunity_id: int | None = None
        self.vehicle = LookupEdit(self._find_vehicles, "VIN, stock number or model")
        self.delivery = OptionalDateEdit()
        self.delivery.setToolTip("Empty until a date is agreed; Delete clears it.")
        self.clear_delivery = QPushButton("Clear")
        self.clear_delivery.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._row("vehicle_id", "&Vehicle", self.vehicle)
        self._row(
            "scheduled_delivery",
            "Scheduled delivery",
            self.delivery,
            self.clear_delivery,
            short=True,
        )
        self.vehicle.picked.connect(self._on_picked)
        self.vehicle.left.connect(self._on_vehicle_left)
        self.clear_delivery.clicked.connect(self.delivery.clear_date)

    def load(self, data: OpportunityInput) -> None:
        choice = (
            catalogue.vehicle(data.vehicle_id, self.opportunity_id)
            if data.vehicle_id is not None
            else None
        )
        self.vehicle.set_current(choice.id if choice else None, choice.label if choice else "")
        self.delivery.set_date_value(data.scheduled_delivery)
        self.boxes["vehicle_id"].clear_message()
        if choice is not None:
            self.show_vehicle(choice)

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.vehicle_id = self.vehicle.current_id()
        if data.vehicle_id is None and self.vehicle.text():
            errors["vehicle_id"] = self.resolve_typed() or "Pick the vehicle from the list."
        data.scheduled_delivery = self.delivery.date_value()

    def settle(self) -> None:
        """Turn a typed VIN or stock number into the vehicle it names, before the form is
        read (so the branding it fills is read too)."""
        if self.vehicle.current_id() is None and self.vehicle.text():
            self.resolve_typed()

    def state(self) -> tuple[Any, ...]:
        return (self.vehicle.current_id(), self.vehicle.text(), self.delivery.date_value())

    def set_read_only(self, read_only: bool) -> None:
        self.vehicle.set_read_only(read_only)
        self.delivery.setReadOnly(read_only)
        self.clear_delivery.setEnabled(not read_only)

    def resolve_typed(self) -> str:
        """Pick the vehicle a typed VIN or stock number names; '' when done, else what
        is wrong with the text."""
        try:
            choice = catalogue.vehicle_by_code(self.vehicle.text(), self.opportunity_id)
        except ValidationError as exc:
            message = exc.errors.get("vehicle_id", str(exc))
            self.boxes["vehicle_id"].show_error(message)
            return message
        self.vehicle.pick(choice.id, choice.label)
        return ""

    def show_vehicle(self, choice: VehicleChoice) -> None:
        """Say at the field what stands against this vehicle, if anything."""
        box = self.boxes["vehicle_id"]
        if choice.reserved_by:
            box.show_error(
                f"Reserved by opportunity {choice.reserved_by}; "
                "pick another vehicle or release it there first."
            )
        elif choice.vin_warning:
            box.show_warning(choice.vin_warning)
        else:
            box.clear_message()

    def _find_vehicles(self, text: str) -> list[LookupItem]:
        wanted = self._wanted()
        found = catalogue.find_vehicles(
            text,
            brand=wanted["brand"],
            model=wanted["model"],
            condition=wanted["condition"],
            for_opportunity=self.opportunity_id,
        )
        return [
            LookupItem(
                v.id,
                v.label,
                f"reserved by {v.reserved_by}" if v.reserved_by else "",
                bool(v.reserved_by),
            )
            for v in found
        ]

    def _on_picked(self, vehicle_id: int | None) -> None:
        if vehicle_id is None:
            self.boxes["vehicle_id"].clear_message()
            self.vehicle_picked.emit(None)
            return
        choice = catalogue.vehicle(vehicle_id, self.opportunity_id)
        if choice is None:
            self.vehicle.set_current(None)
            self.boxes["vehicle_id"].show_error("This vehicle is no longer in stock.")
            return
        self.show_vehicle(choice)
        self.vehicle_picked.emit(choice)

    def _on_vehicle_left(self) -> None:
        if (
            self.vehicle.current_id() is None
            and self.vehicle.text()
            and not self.vehicle.is_listing()
        ):
            self.resolve_typed()


class AssignmentSection(_Section):
    """Which business, site and operation the sale belongs to; each offers what belongs
    to the one before."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assignment", parent)
        self.business = OptionCombo()
        self.facility = OptionCombo()
        self.operation = OptionCombo()
        self._row("business_id", "Busi&ness", self.business, short=True)
        self._row("facility_id", "Facility", self.facility, short=True)
        self._row("operation_id", "Operation", self.operation, short=True)
        self.business.currentIndexChanged.connect(self._on_business_changed)
        self.facility.currentIndexChanged.connect(self._on_facility_changed)

    def load(self, data: OpportunityInput, prefill_single: bool) -> None:
        """Show the saved assignment; on a new record a site with a single business,
        facility or operation has it chosen already."""
        business_id, facility_id, operation_id = (
            data.business_id,
            data.facility_id,
            data.operation_id,
        )
        businesses = reference.businesses()
        if prefill_single and business_id is None and len(businesses) == 1:
            business_id = businesses[0].id
        self._fill(self.business, businesses, business_id)
        facilities = reference.facilities(business_id) if business_id is not None else []
        if prefill_single and facility_id is None and len(facilities) == 1:
            facility_id = facilities[0].id
        self._fill(self.facility, facilities, facility_id)
        operations = reference.operations(facility_id) if facility_id is not None else []
        if prefill_single and operation_id is None and len(operations) == 1:
            operation_id = operations[0].id
        self._fill(self.operation, operations, operation_id)
        self._enable()

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.business_id = self.business.current_id()
        data.facility_id = self.facility.current_id()
        data.operation_id = self.operation.current_id()

    def state(self) -> tuple[Any, ...]:
        return (self.business.current_id(), self.facility.current_id(), self.operation.current_id())

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._enable()

    def _fill(self, combo: OptionCombo, options: list[Option], current: int | None) -> None:
        blocked = combo.blockSignals(True)
        combo.set_options(options, "—")
        combo.set_current_id(current)
        combo.blockSignals(blocked)

    def _enable(self) -> None:
        editable = not getattr(self, "_read_only", False)
        self.business.setEnabled(editable)
        self.facility.setEnabled(editable and self.business.current_id() is not None)
        self.operation.setEnabled(editable and self.facility.current_id() is not None)

    def _on_business_changed(self) -> None:
        business_id = self.business.current_id()
        options = reference.facilities(business_id) if business_id is not None else []
        self._fill(self.facility, options, self.facility.current_id())
        self._on_facility_changed()

    def _on_facility_changed(self) -> None:
        facility_id = self.facility.current_id()
        options = reference.operations(facility_id) if facility_id is not None else []
        self._fill(self.operation, options, self.operation.current_id())
        self._enable()


class OpportunityDialog(QDialog):
    """One opportunity, new (`opportunity_id` None) or saved. Ctrl+S saves and stays;
    closing with unsaved changes asks first; a refused save keeps every value as typed
    and puts each message under its field. Emits `saved` with the id after each save.

    A saved opportunity shows its stage bar and the closing buttons above the sections,
    and its tabs beside them: contacts, timeline, history. A stage move, an activity, a
    close or a reopening is saved at once and emits `changed` with the id; a closed
    opportunity is read-only throughout until it is reopened."""

    saved = Signal(int)
    changed = Signal(int)  # saved outside the form's fields: a stage move, a close, ...

    def __init__(
        self, opportunity_id: int | None, current_user_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.opportunity_id = opportunity_id
        self.current_user_id = current_user_id
        self.version = 0
        self.status = Status.OPEN.value
        self.read_only = False
        self._loaded = OpportunityInput()
        self._baseline: tuple[Any, ...] = ()

        self.opportunity = OpportunitySection()
        self.branding = BrandingSection()
        self.device = DeviceSection(self.branding.wanted)
        self.assignment = AssignmentSection()
        self.sections: tuple[_Section, ...] = (
            self.opportunity,
            self.branding,
            self.device,
            self.assignment,
        )
        self.boxes: dict[str, FieldBox] = {}
        for section in self.sections:
            self.boxes.update(section.boxes)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setMargin(6)
        self.banner.hide()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 6, 0)
        for section in self.sections:
            column.addWidget(section)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        # The sections keep their width when the tabs beside them are widened: no field is
        # cut off or scrolled sideways.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        self.scroll_area.setMinimumWidth(content.minimumSizeHint().width() + scroll_bar)

        self.stage_bar = StageBar()
        self.close_won_button = QPushButton("Close as &won…")
        self.close_lost_button = QPushButton("Close as l&ost…")
        self.reopen_button = QPushButton("&Reopen…")
        self.close_won_button.setToolTip("Close this opportunity as won, with a closing note")
        self.close_lost_button.setToolTip("Close this opportunity as lost, with the reason why")
        self.reopen_button.setToolTip("Open a closed opportunity again, to change or add to it")
        self.close_dialog: CloseWonDialog | CloseLostDialog | None = None
        self.process_row = QWidget()
        process_layout = QHBoxLayout(self.process_row)
        process_layout.setContentsMargins(0, 0, 0, 4)
        process_layout.addWidget(self.stage_bar, 1)
        for button in (self.close_won_button, self.close_lost_button, self.reopen_button):
            button.setAutoDefault(False)
            process_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

        self.contacts_tab = ContactsTab()
        self.timeline = TimelineWidget(current_user_id)
        self.history_tab = HistoryTab()
        self.tab_pages: list[OpportunityTab] = []
        self.tabs = QTabWidget()
        self._add_tab(self.contacts_tab, "&Contacts")
        self._add_tab(self.timeline, "Ti&meline")
        self._add_document_tabs()
        self._add_tab(self.history_tab, "&History")
        self.tabs_hint = QLabel(_UNSAVED_TABS)
        self.tabs_hint.setWordWrap(True)
        self.tabs_hint.setFrameShape(QFrame.Shape.StyledPanel)
        self.tabs_hint.setMargin(6)
        tabs_panel = QWidget()
        self.tabs_layout = QVBoxLayout(tabs_panel)
        self.tabs_layout.addWidget(self.tabs_hint)
        self.tabs_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.addWidget(tabs_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)

        self.message = QLabel()  # what is not about one field: saved, refused, conflicts
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_close_button = self.buttons.addButton(
            "Save and c&lose", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (self.save_button, self.save_close_button, self.close_button):
            # Enter in a field must not save or close the form behind the user's back.
            button.setAutoDefault(False)
            button.setDefault(False)
        self.save_button.setToolTip(
            f"Save ({QKeySequence(QKeySequence.StandardKey.Save).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.process_row)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

        self.save_button.clicked.connect(self.save)
        self.save_close_button.clicked.connect(self.save_and_close)
        self.close_button.clicked.connect(self.reject)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.activated.connect(self.save)
        self.device.vehicle_picked.connect(self._on_vehicle_picked)
        self.stage_bar.moved.connect(self.refresh_process)
        self.timeline.changed.connect(self.refresh_process)
        self.close_won_button.clicked.connect(self.close_as_won)
        self.close_lost_button.clicked.connect(self.close_as_lost)
        self.reopen_button.clicked.connect(self.reopen)

        self._align_labels()
        self._set_tab_order()
        self._open()
        self._fit_to_screen()

    # The tabs

    def _add_tab(self, page: QWidget, title: str) -> int:
        """Add a tab whose page follows the opportunity shown (see OpportunityTab)."""
        self.tab_pages.append(page)  # type: ignore[arg-type]
        return self.tabs.addTab(page, title)

    def _add_document_tabs(self) -> None:
        """The place for the quotes and documents tab, between the timeline and the history.
        A page added here with `_add_tab` is told the opportunity and whether it is
        read-only; one that changes the opportunity (a quote moves its stage) connects its
        signal to `refresh_process`."""
        self.quotes_tab = QuotesTab()
        self.quotes_tab.changed.connect(self.refresh_process)
        self._add_tab(self.quotes_tab, "&Quotes and documents")

    # Loading

    def _open(self) -> None:
        if self.opportunity_id is None:
            self._load(opportunities.new_input(self.current_user_id))
            return
        try:
            detail = opportunities.get(self.opportunity_id)
        except NotFound as exc:
            self._load(opportunities.new_input(self.current_user_id))
            self._set_read_only(True)
            self.banner.setText(str(exc))
            self.banner.show()
            return
        self._load(detail)

    def _load(self, data: OpportunityInput, focus: bool = True) -> None:
        # Fields the form does not show (the kind, the lead it came from) go back unchanged.
        self._loaded = OpportunityInput(
            **{f.name: getattr(data, f.name) for f in fields(OpportunityInput)}
        )
        self.version = getattr(data, "version", 0)
        self.status = getattr(data, "status", Status.OPEN.value)
        stages = reference.stage_infos(data.kind_id) if data.kind_id is not None else []
        fixed = reference.fixed_sequence(data.kind_id) if data.kind_id is not None else False
        self.device.opportunity_id = self.opportunity_id
        self._show_messages({}, {})
        self.opportunity.load(data, stages, fixed, is_new=self.opportunity_id is None)
        self.branding.load(data)
        self.device.load(data)  # says at the field what stands against its vehicle
        self.assignment.load(data, prefill_single=self.opportunity_id is None)
        closed = self.status != Status.OPEN.value
        self._show_process(getattr(data, "id", None))
        self._set_read_only(closed)
        if closed:
            summary = getattr(data, "closing_summary", "")
            self.banner.setText(
                (summary + "\n" if summary else "")
                + _CLOSED_MESSAGE.format(status=Status(self.status).label.lower())
            )
        self.banner.setVisible(closed)
        self._update_title()
        self._baseline = self.state()
        if not focus:
            return
        if closed:
            self.close_button.setFocus()
        else:
            self.opportunity.topic.setFocus()

    def _show_process(self, saved_id: int | None) -> None:
        """The stage bar and the tabs follow the record as saved; none of it before the
        first save."""
        self.process_row.setVisible(saved_id is not None)
        self.stage_bar.set_opportunity(saved_id)
        for page in self.tab_pages:
            page.set_opportunity(saved_id)
        self.tabs.setEnabled(saved_id is not None)
        self.tabs_hint.setVisible(saved_id is None)

    def refresh_process(self) -> None:
        """After a stage move, an activity, a close or a reopening saved from the form: show
        the record again. Values typed and not saved yet stay; the stage, its probability
        and the version come from the record, so the next save goes through."""
        if self.opportunity_id is None:
            return
        try:
            detail = opportunities.get(self.opportunity_id)
        except NotFound as exc:
            self._say(str(exc), error=True)
            return
        if not self.is_modified() or detail.status != Status.OPEN.value:
            self._load(detail, focus=False)
        else:
            self._take_process_state(detail)
        self.changed.emit(self.opportunity_id)

    def _take_process_state(self, detail: OpportunityInput) -> None:
        self.version = getattr(detail, "version", self.version)
        self._loaded.stage_id = detail.stage_id
        self._loaded.probability = detail.probability
        stages = reference.stage_infos(detail.kind_id) if detail.kind_id is not None else []
        fixed = reference.fixed_sequence(detail.kind_id) if detail.kind_id is not None else False
        self.opportunity.follow_stage(detail, stages, fixed)
        self.opportunity.follow_revenue(detail)
        self.stage_bar.refresh()
        for page in self.tab_pages:
            page.set_opportunity(self.opportunity_id)

    def reload(self) -> None:
        """Show the saved record again, dropping what was typed since."""
        if self.opportunity_id is not None:
            self._load(opportunities.get(self.opportunity_id))

    def _set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for section in self.sections:
            section.set_read_only(read_only)
        self.save_button.setVisible(not read_only)
        self.save_close_button.setVisible(not read_only)
        self.save_shortcut.setEnabled(not read_only)
        self.stage_bar.set_read_only(read_only)
        for page in self.tab_pages:
            page.set_read_only(read_only)
        is_open = self.status == Status.OPEN.value
        self.close_won_button.setEnabled(is_open and not read_only)
        self.close_lost_button.setEnabled(is_open and not read_only)
        self.reopen_button.setEnabled(not is_open)

    def _update_title(self) -> None:
        if self.opportunity_id is None:
            self.setWindowTitle("New opportunity")
        else:
            topic = self.opportunity.topic.text().strip()
            self.setWindowTitle(f"Opportunity #{self.opportunity_id} — {topic}")

    def _align_labels(self) -> None:
        # One label column for all sections, so the fields line up down the whole form.
        labels = [
            label
            for section in self.sections
            for box in section.boxes.values()
            if isinstance(label := section.form.labelForField(box), QLabel)
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for section in self.sections:
            chain.extend(section.focus_order())
        chain.extend([self.tabs, self.save_button, self.save_close_button, self.close_button])
        set_tab_chain(chain)

    def _fit_to_screen(self) -> None:
        width, height = fit_to_screen(self, 1340, 900)
        if width >= SIDE_BY_SIDE_WIDTH:
            self.splitter.setOrientation(Qt.Orientation.Horizontal)
            self.splitter.setSizes([SECTIONS_WIDTH, width - SECTIONS_WIDTH])
            self.tabs_layout.setContentsMargins(6, 0, 0, 0)
        else:
            # A small screen: the tabs below the sections, each half the height.
            self.splitter.setOrientation(Qt.Orientation.Vertical)
            self.splitter.setSizes([height // 2, height // 2])
            self.tabs_layout.setContentsMargins(0, 6, 0, 0)

    # Reading and saving

    def input(self) -> tuple[OpportunityInput, dict[str, str]]:
        """What the form holds, and what is wrong with it before the service is asked."""
        self.device.settle()
        data = replace(self._loaded)
        errors: dict[str, str] = {}
        for section in self.sections:
            section.fill(data, errors)
        return data, errors

    def state(self) -> tuple[Any, ...]:
        return tuple(section.state() for section in self.sections)

    def is_modified(self) -> bool:
        return not self.read_only and self.state() != self._baseline

    def save(self) -> bool:
        """Save; True when saved. A refusal leaves every value as typed, shows each message
        at its field and focuses the first field to fix."""
        if self.read_only:
            return False
        data, errors = self.input()
        try:
            if errors:
                # Ask the service too, so every field to fix is shown at once.
                warnings = opportunities.validate(replace(data), self.opportunity_id)
                self._refuse(errors, warnings)
                return False
            if self.opportunity_id is None:
                detail = opportunities.create(data)
            else:
                detail = opportunities.update(self.opportunity_id, data, self.version)
        except ValidationError as exc:
            self._refuse({**exc.errors, **errors}, exc.warnings)
            return False
        except ConflictError:
            return self._on_conflict(data)
        except NotFound as exc:
            return self._on_gone(str(exc))
        return self._saved(detail)

    def _saved(self, detail: OpportunityDetail) -> bool:
        self.opportunity_id = detail.id
        self._load(detail)
        self._show_messages({}, detail.warnings)
        self._say(f"Saved at {datetime.now():%H:%M}.")
        self.saved.emit(detail.id)
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def _refuse(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        unplaced = list(self._show_messages(errors, warnings).values())
        count = len(errors)
        summary = f"Not saved: {count} field{'s' if count != 1 else ''} to correct."
        self._say(" ".join([summary, *unplaced]), error=True)
        first = next((name for name in self.boxes if name in errors), None)
        if first is not None:
            self.focus_field(first)

    def focus_field(self, name: str) -> None:
        box = self.boxes[name]
        self.scroll_area.ensureWidgetVisible(box, 0, 40)
        box.field.setFocus()
        if isinstance(box.field, QLineEdit):
            box.field.selectAll()

    def _show_messages(self, errors: dict[str, str], warnings: dict[str, str]) -> dict[str, str]:
        """Each error, else warning, at its field; returns the errors that have none."""
        self._say("")
        return show_field_messages(self.boxes, errors, warnings)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)

    def _on_conflict(self, data: OpportunityInput) -> bool:
        """Saved elsewhere since it was opened: show what changed on each side, then
        reload theirs, save ours over it, or go back to editing. Nothing is lost unseen."""
        assert self.opportunity_id is not None
        try:
            conflict = opportunities.conflict(self.opportunity_id, self._loaded, data)
        except NotFound as exc:
            return self._on_gone(str(exc))
        choice = conflict_dialog.ask(conflict, self)
        if choice is ConflictChoice.RELOAD:
            self.reload()
            self._say("Reloaded: this is the version saved elsewhere.")
            return False
        if choice is ConflictChoice.KEEP_EDITING:
            self._say(f"Not saved: {conflict.message}", error=True)
            return False
        try:
            detail = opportunities.save_over(
                self.opportunity_id, self._loaded, data, conflict.version
            )
        except ValidationError as exc:
            self._refuse(exc.errors, exc.warnings)
            return False
        except ConflictError:
            return self._on_conflict(data)  # changed yet again meanwhile
        except NotFound as exc:
            return self._on_gone(str(exc))
        return self._saved(detail)

    def _on_gone(self, message: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Opportunity removed",
            f"{message} Save what is in the form as a new opportunity?",
            YES | NO,
            YES,
        )
        if answer != YES:
            self._say(f"Not saved: {message}", error=True)
            return False
        self.opportunity_id = None
        self.version = 0
        self.device.opportunity_id = None
        return self.save()

    def _on_vehicle_picked(self, choice: VehicleChoice | None) -> None:
        if choice is not None:
            self.branding.fill_empty_from(choice)

    # Closing and reopening the sale

    def close_as_won(self) -> CloseWonDialog | None:
        if not self._saved_before("closing it as won"):
            return None
        assert self.opportunity_id is not None
        dialog = CloseWonDialog(self.opportunity_id, self)
        dialog.closed.connect(self._after_close)
        self._show_close_dialog(dialog)
        return dialog

    def close_as_lost(self) -> CloseLostDialog | None:
        if not self._saved_before("closing it as lost"):
            return None
        assert self.opportunity_id is not None
        dialog = CloseLostDialog([self.opportunity_id], self)
        dialog.closed.connect(self._after_close)
        self._show_close_dialog(dialog)
        return dialog

    def reopen(self) -> bool:
        """Ask, then reopen; the form becomes editable again. True when reopened."""
        if self.opportunity_id is None or self.status == Status.OPEN.value:
            return False
        if not reopen(self, self.opportunity_id):
            return False
        self.refresh_process()
        self._say("Reopened: it can be changed again.")
        return True

    def _saved_before(self, what: str) -> bool:
        """Whether the form holds nothing unsaved, after asking to save or drop it."""
        if self.opportunity_id is None or self.status != Status.OPEN.value or self.read_only:
            return False
        if not self.is_modified():
            return True
        answer = ask_to_save(self, f"Save the changes to this opportunity before {what}?")
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            self.reload()
            return True
        return False

    def _show_close_dialog(self, dialog: CloseWonDialog | CloseLostDialog) -> None:
        # Bound methods only: a lambda holding the form, connected to a dialog that deletes
        # itself on close, crashes PySide when the form goes.
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.finished.connect(self._forget_close_dialog)
        self.close_dialog = dialog
        dialog.open()

    def _after_close(self, _closed: object) -> None:
        self.refresh_process()

    def _forget_close_dialog(self, _result: int) -> None:
        self.close_dialog = None

    # Qt overrides

    def reject(self) -> None:
        """Esc, the Close button and the window's close box all come here."""
        if self.is_modified():
            topic = self.opportunity.topic.text().strip()
            what = f"“{topic}”" if topic else "this new opportunity"
            answer = ask_to_save(self, f"Save the changes to {what} before closing?")
            if answer == SAVE:
                self.save_and_close()
                return
            if answer != DISCARD:
                return
        super().reject()
