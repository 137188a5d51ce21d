"""The sections of the opportunity form: a titled group of fields, each with its message."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QWidget,
)

from app.domain.fields import label
from app.services.opportunities import OpportunityInput
from ui.common.code_combo import CodeCombo
from ui.common.qt import GROW_FIELDS, LABEL_ALIGN
from ui.common.widgets import (
    CatalogueCombo,
    ChoiceCombo,
    FieldBox,
    OptionCombo,
)

# Pickers keep one width rather than spanning the dialog; long names still fit.
PICKER_WIDTH = 320


class Section(QGroupBox):
    """A titled part of the form: one row per field, each with its message underneath."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(GROW_FIELDS)
        self.form.setLabelAlignment(LABEL_ALIGN)
        self.form.setVerticalSpacing(8)
        self.boxes: dict[str, FieldBox] = {}

    def _row(self, name: str, field: QWidget, *beside: QWidget, short: bool = False) -> FieldBox:
        """The field `name` of the opportunity, labelled as the catalogue of labels has it
        in a form (with its access key)."""
        if short and isinstance(field, (OptionCombo, ChoiceCombo, CodeCombo, CatalogueCombo)):
            field.setMinimumWidth(PICKER_WIDTH)
        box = FieldBox(field, *beside, stretch=short)
        self.boxes[name] = box
        self.form.addRow(label(f"opportunity.{name}", form=True), box)
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
