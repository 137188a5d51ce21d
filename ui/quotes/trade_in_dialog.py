"""The car a trade-in allowance is for: make, model, VIN, first registration and mileage, as
the quote prints them beside the allowance."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain import reading
from app.domain.fields import label
from app.domain.quotes import TradeInVehicle
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import quotes
from ui.common.widgets import FieldBox, OptionalDateEdit, show_field_messages


class TradeInDialog(QDialog):
    """Edits one trade-in line's car; `car` holds it, checked, once the dialog is accepted.
    A warning (a VIN's check digit that does not match) is shown once, then accepted."""

    def __init__(
        self, car: TradeInVehicle | None, read_only: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Trade-in car"))
        self.car = car
        self._warned: dict[str, str] = {}
        self.make = QLineEdit(car.make if car else "")
        self.model = QLineEdit(car.model if car else "")
        self.vin = QLineEdit(car.vin if car else "")
        self.vin.setMaxLength(40)
        # A VIN's 17 characters read whole (the field scrolled its first letters away).
        self.vin.setMinimumWidth(self.vin.fontMetrics().horizontalAdvance("W" * 17) + 16)
        self.first_registration = OptionalDateEdit()
        self.first_registration.set_date_value(car.first_registration if car else None)
        self.mileage = QLineEdit(
            "" if car is None or car.mileage_km is None else str(car.mileage_km)
        )
        self.boxes = {
            "make": FieldBox(self.make),
            "model": FieldBox(self.model),
            "vin": FieldBox(self.vin),
            "first_registration": FieldBox(self.first_registration, stretch=True),
            "mileage_km": FieldBox(self.mileage, QLabel(_("km")), stretch=True),
        }
        form = QFormLayout()
        for name, box in self.boxes.items():
            form.addRow(label(f"trade_in.{name}", form=True), box)
            caption = form.labelForField(box)
            if isinstance(caption, QLabel):
                caption.setBuddy(box.field)
        note = QLabel(
            _(
                "The quote prints the car beside its allowance; it is asked for before the "
                "quote is presented."
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if read_only:
            for edit in (self.make, self.model, self.vin, self.mileage):
                edit.setReadOnly(True)
            self.first_registration.setReadOnly(True)
            ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
            if ok is not None:
                ok.hide()

    def typed(self) -> TradeInVehicle | None:
        """The car as typed, or None when the mileage is not a whole number (said under it)."""
        text = self.mileage.text().strip()
        mileage: int | None = None
        if text:
            # Read as the screen's language writes it ("48.200" in German), strictly: "48.2"
            # in English is no whole number of kilometres, never 482.
            try:
                value = reading.read_number(text)
            except reading.ReadError as exc:
                self.boxes["mileage_km"].show_error(str(exc))
                return None
            if value != value.to_integral_value() or value < 0:
                self.boxes["mileage_km"].show_error(
                    _("Type the mileage in whole kilometres, e.g. {example}.").format(
                        example=i18n.current().format_number(48200)
                    )
                )
                return None
            mileage = int(value)
        return TradeInVehicle(
            make=self.make.text(),
            model=self.model.text(),
            vin=self.vin.text(),
            first_registration=self.first_registration.date_value(),
            mileage_km=mileage,
        )

    def accept(self) -> None:
        for box in self.boxes.values():
            box.clear_message()
        car = self.typed()
        if car is None:
            return
        try:
            checked, warnings = quotes.check_trade_in(car)
        except ValidationError as exc:
            show_field_messages(self.boxes, exc.errors, exc.warnings)
            first = next((n for n in self.boxes if n in exc.errors), None)
            if first is not None:
                self.boxes[first].field.setFocus()
            return
        if warnings and warnings != self._warned:
            # Said once; OK again keeps the car as typed.
            self._warned = warnings
            show_field_messages(self.boxes, {}, warnings)
            return
        given = not checked.is_empty or checked.first_registration or checked.mileage_km is not None
        self.car = checked if given else None
        super().accept()
