"""The pieces of the lead form: its form rows, the vehicle interest box and the owner picker."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QWidget,
)

from app.domain.choices import Choice
from app.domain.fields import label
from app.i18n import N_, _
from app.services import reference
from app.services.leads import LeadInput
from ui.common.qt import GROW_FIELDS, LABEL_ALIGN
from ui.common.vehicle_interest import VehicleInterestPickers
from ui.common.widgets import (
    FieldBox,
    OptionCombo,
)

# The person's fields in form order; each row's label is the field's (lead.<name>).
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "country",
)
NO_OWNER = N_("Nobody yet")


def form_label(name: str) -> str:
    """A lead field's label as the form shows it, with its access key where it has one."""
    return label(f"lead.{name}", form=True)


def form_layout(group: QGroupBox) -> QFormLayout:
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(GROW_FIELDS)
    form.setLabelAlignment(LABEL_ALIGN)
    form.setVerticalSpacing(6)
    return form


def add_row(
    form: QFormLayout, boxes: dict[str, FieldBox], name: str, label: str, field: QWidget
) -> FieldBox:
    box = FieldBox(field)
    boxes[name] = box
    form.addRow(label, box)
    buddy = form.labelForField(box)
    if isinstance(buddy, QLabel):
        buddy.setBuddy(field)  # Alt+letter goes to the field, not its box
    return box


def choice_label(choice: type[Choice], value: str) -> str:
    try:
        return choice(value).label
    except ValueError:
        return value


def fill_owners(combo: OptionCombo, owner_id: int | None) -> None:
    """Active users to pick from, plus the owner already set when they have since left."""
    options = reference.users()
    if owner_id is not None and all(o.id != owner_id for o in options):
        options += [o for o in reference.users(active_only=False) if o.id == owner_id]
    combo.set_options(options, none_label=_(NO_OWNER))
    combo.set_current_id(owner_id)


class VehicleInterestBox(QGroupBox):
    """What the customer wants: how they pay, new or used, and the vehicle down to the
    variant (the pickers of ui.common.vehicle_interest)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Vehicle interest"), parent)
        self.form = form_layout(self)
        self.boxes: dict[str, FieldBox] = {}
        self.pickers = VehicleInterestPickers()
        self.interest = self.pickers.interest
        self.condition = self.pickers.condition
        self.levels = self.pickers.levels
        for name, widget in self.pickers.fields():
            add_row(self.form, self.boxes, name, form_label(name), widget)

    def load(self, data: LeadInput) -> None:
        self.pickers.load(data)

    def fill(self, data: LeadInput) -> None:
        self.pickers.fill(data)

    def state(self) -> tuple[str, ...]:
        return self.pickers.state()

    def refresh_offers(self, below: str | None = None, clear: bool = True) -> None:
        self.pickers.refresh_offers(below, clear)

    def set_read_only(self, read_only: bool) -> None:
        self.pickers.set_read_only(read_only)
