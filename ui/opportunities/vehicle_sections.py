"""The Branding, Device specifics and Assignment sections of the opportunity form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QMenu,
    QPushButton,
    QStyle,
    QToolButton,
    QWidget,
)

from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import catalogue, reference
from app.services.catalogue import VehicleChoice
from app.services.opportunity_form import FormChoices, OpportunityInput
from app.services.reference import Option
from ui.common.qt import EXPANDING, INSTANT_POPUP, NO_FOCUS, TEXT_ONLY
from ui.common.rights import allow
from ui.common.vehicle_interest import LEVELS, VehicleInterestPickers
from ui.common.widgets import (
    LookupEdit,
    LookupItem,
    OptionalDateEdit,
    OptionCombo,
)
from ui.opportunities.form_section import Section


class BrandingSection(Section):
    """What the customer wants: how they pay, new or used, and the vehicle down to the
    variant (the pickers of ui.common.vehicle_interest)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Branding"), parent)
        self.pickers = VehicleInterestPickers()
        self.interest = self.pickers.interest
        self.condition = self.pickers.condition
        self.levels = self.pickers.levels
        for name, widget in self.pickers.fields():
            self._row(name, widget, short=True)

    def load(self, data: OpportunityInput, choices: FormChoices | None = None) -> None:
        """Show the record's branding; with `choices`, the catalogue offers they hold for
        it are used rather than asked for."""
        if choices is not None:
            self.pickers.take_offers(choices.catalogue, choices.catalogue_for)
            self.interest.set_entries(choices.codes.get("interest"))
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


class DeviceSection(Section):
    """The stock vehicle reserved for this sale and when it is to be handed over."""

    vehicle_picked = Signal(object)  # VehicleChoice, or None when the pick was undone

    def __init__(self, wanted: Callable[[], dict[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(_("Device specifics"), parent)
        self._wanted = wanted
        self.opportunity_id: int | None = None
        self.vehicle = LookupEdit(self._find_vehicles, _("VIN, stock number or model"))
        self.delivery = OptionalDateEdit()
        self.delivery.setToolTip(_("Empty until a date is agreed; Delete clears it."))
        self.clear_delivery = QPushButton(_("Clear"))
        self.clear_delivery.setFocusPolicy(NO_FOCUS)
        self._row("vehicle_id", self.vehicle)
        self._row("scheduled_delivery", self.delivery, self.clear_delivery, short=True)
        self.vehicle.picked.connect(self._on_picked)
        self.vehicle.left.connect(self._on_vehicle_left)
        self.clear_delivery.clicked.connect(self.delivery.clear_date)

    def load(self, data: OpportunityInput, choice: VehicleChoice | None) -> None:
        """Show the record's vehicle, `choice` as the service read it with the record."""
        self.vehicle.set_current(choice.id if choice else None, choice.label if choice else "")
        self.delivery.set_date_value(data.scheduled_delivery)
        self.boxes["vehicle_id"].clear_message()
        if choice is not None:
            self.show_vehicle(choice)

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.vehicle_id = self.vehicle.current_id()
        if data.vehicle_id is None and self.vehicle.text():
            errors["vehicle_id"] = self.resolve_typed() or _("Pick the vehicle from the list.")
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
                _(
                    "Reserved by opportunity {opportunity}; pick another vehicle or release it "
                    "there first."
                ).format(opportunity=choice.reserved_by)
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
                _("reserved by {opportunity}").format(opportunity=v.reserved_by)
                if v.reserved_by
                else "",
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
            self.boxes["vehicle_id"].show_error(_("This vehicle is no longer in stock."))
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


class SalespeoplePicker(QToolButton):
    """One line for the further salespeople: their names, and a menu of the users to tick
    (a list would make the form too tall for a laptop's screen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(INSTANT_POPUP)
        self.setToolButtonStyle(TEXT_ONLY)
        self.setSizePolicy(EXPANDING, self.sizePolicy().verticalPolicy())
        self.setMenu(QMenu(self))
        self.menu().triggered.connect(lambda _action: self._show_names())
        self._show_names()

    def sizeHint(self) -> QSize:
        # Room for the menu's arrow, drawn over the text's end otherwise.
        hint = super().sizeHint()
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, self)
        return QSize(hint.width() + arrow + 4, hint.height())

    def set_people(self, people: list[Option], chosen: list[int]) -> None:
        menu = self.menu()
        menu.clear()
        for person in people:
            action = menu.addAction(person.label)
            action.setCheckable(True)
            action.setData(person.id)
            action.setChecked(person.id in chosen)
        self._show_names()

    def chosen(self) -> list[int]:
        return [int(a.data()) for a in self.menu().actions() if a.isChecked()]

    def set_chosen(self, user_ids: list[int]) -> None:
        for action in self.menu().actions():
            action.setChecked(int(action.data()) in user_ids)
        self._show_names()

    def _show_names(self) -> None:
        names = [a.text() for a in self.menu().actions() if a.isChecked()]
        self.setText(
            _("{label}: {names}").format(
                label=label("opportunity.salespeople"), names=", ".join(names) if names else "—"
            )
        )


class AssignmentSection(Section):
    """Which business, site and operation the sale belongs to; each offers what belongs
    to the one before. And who sells it besides its owner: the team that holds it (until a
    salesperson takes it) and further salespeople, set by a manager."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Assignment"), parent)
        self.business = OptionCombo()
        self.facility = OptionCombo()
        self.operation = OptionCombo()
        self.team = OptionCombo()
        self.salespeople = SalespeoplePicker()
        self._row("business_id", self.business, short=True)
        self._row("facility_id", self.facility, short=True)
        self._row("operation_id", self.operation, short=True)
        # One row: the form fits a laptop's screen without scrolling.
        self._row("team_id", self.team, self.salespeople, short=True)
        self._choices: FormChoices | None = None
        self._who_sells_reason: str | None = None  # why the user may not change who sells
        self.business.currentIndexChanged.connect(self._on_business_changed)
        self.facility.currentIndexChanged.connect(self._on_facility_changed)

    def load(self, data: OpportunityInput, choices: FormChoices, prefill_single: bool) -> None:
        """Show the saved assignment; on a new record a site with a single business,
        facility or operation has it chosen already."""
        self._choices = choices
        business_id, facility_id, operation_id = (
            data.business_id,
            data.facility_id,
            data.operation_id,
        )
        businesses = choices.businesses
        if prefill_single and business_id is None and len(businesses) == 1:
            business_id = businesses[0].id
        self._fill(self.business, businesses, business_id)
        facilities = self._facilities(business_id)
        if prefill_single and facility_id is None and len(facilities) == 1:
            facility_id = facilities[0].id
        self._fill(self.facility, facilities, facility_id)
        operations = self._operations(facility_id)
        if prefill_single and operation_id is None and len(operations) == 1:
            operation_id = operations[0].id
        self._fill(self.operation, operations, operation_id)
        self._fill(self.team, choices.teams, data.team_id)
        self._enable()

    def show_salespeople(self, choices: FormChoices, chosen: list[int]) -> None:
        """The active users, each ticked when they sell this opportunity beside its owner."""
        self.salespeople.set_people(choices.owners(None), chosen)

    def salespeople_ids(self) -> list[int]:
        return self.salespeople.chosen()

    def allow_who_sells(self, reason: str | None) -> None:
        """Team and further salespeople: changed by a manager; else disabled, saying why."""
        self._who_sells_reason = reason
        self._enable()

    def _facilities(self, business_id: int | None) -> list[Option]:
        if business_id is None:
            return []
        if self._choices is not None:
            return self._choices.facilities.get(business_id, [])
        return reference.facilities(business_id)

    def _operations(self, facility_id: int | None) -> list[Option]:
        if facility_id is None:
            return []
        if self._choices is not None:
            return self._choices.operations.get(facility_id, [])
        return reference.operations(facility_id)

    def fill(self, data: OpportunityInput, errors: dict[str, str]) -> None:
        data.business_id = self.business.current_id()
        data.facility_id = self.facility.current_id()
        data.operation_id = self.operation.current_id()
        data.team_id = self.team.current_id()

    def state(self) -> tuple[Any, ...]:
        return (
            self.business.current_id(),
            self.facility.current_id(),
            self.operation.current_id(),
            self.team.current_id(),
            tuple(self.salespeople_ids()),
        )

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
        for widget in (self.team, self.salespeople):
            allow(widget, self._who_sells_reason if editable else None)
            widget.setEnabled(editable and self._who_sells_reason is None)

    def _on_business_changed(self) -> None:
        business_id = self.business.current_id()
        options = self._facilities(business_id)
        self._fill(self.facility, options, self.facility.current_id())
        self._on_facility_changed()

    def _on_facility_changed(self) -> None:
        facility_id = self.facility.current_id()
        options = self._operations(facility_id)
        self._fill(self.operation, options, self.operation.current_id())
        self._enable()
