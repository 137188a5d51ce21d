"""The pickers of what a customer wants: how they pay, new or used, and the vehicle from the
catalogue down to the variant; shared by the opportunity's Branding and the lead's interest."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from PySide6.QtWidgets import QWidget

from app.domain.choices import Condition
from app.services import catalogue
from ui.common.code_combo import CodeCombo
from ui.common.widgets import CatalogueCombo, ChoiceCombo

# The catalogue pickers, each offering what fits the ones before it.
LEVELS = ("brand", "vehicle_class", "model", "model_code", "variant")


class VehicleInterestPickers:
    """The widgets and their rules; the form that shows them lays them out. Each catalogue
    picker offers what fits the ones above it, and free text is kept (early in a sale the
    details are vague). `load`, `fill` and `state` read and write any record with the fields
    interest, condition and the five levels. Offers read already (with the record) are
    handed in with `take_offers`, so that showing them asks the catalogue nothing."""

    def __init__(self) -> None:
        self.quiet = False  # filling from a load or a vehicle: offer, never clear
        self._loading = False  # the levels are set one by one: offered once all are set
        self._taken: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self.interest = CodeCombo("interest")
        self.condition = ChoiceCombo(Condition)
        self.levels: dict[str, CatalogueCombo] = {name: CatalogueCombo() for name in LEVELS}
        for name in LEVELS:
            self.levels[name].currentTextChanged.connect(partial(self._on_level_changed, name))

    def fields(self) -> list[tuple[str, QWidget]]:
        """(field name, widget) in the order they are shown."""
        return [
            ("interest", self.interest),
            ("condition", self.condition),
            *((name, self.levels[name]) for name in LEVELS),
        ]

    def take_offers(self, offers: Mapping[str, list[str]], values: Mapping[str, str]) -> None:
        """`offers` for each level, as catalogue.choices gives them under `values`: offered
        instead of asking the catalogue while the levels above hold those values."""
        self._taken = {
            (name, _above(values, position)): offers.get(name, [])
            for position, name in enumerate(LEVELS)
        }

    def load(self, data: Any) -> None:
        self.quiet = True
        self._loading = True
        try:
            self.interest.set_current_code(data.interest)
            self.condition.set_current_code(data.condition)
            for name in LEVELS:
                if self.levels[name].currentText() != getattr(data, name):
                    self.levels[name].set_value(getattr(data, name))
        finally:
            self._loading = False
        self.quiet = False
        self.refresh_offers(clear=False)

    def fill(self, data: Any) -> None:
        data.interest = self.interest.current_code()
        data.condition = self.condition.current_code()
        for name in LEVELS:
            setattr(data, name, self.levels[name].value())

    def state(self) -> tuple[str, ...]:
        return (
            self.interest.current_code(),
            self.condition.current_code(),
            *(self.levels[n].currentText() for n in LEVELS),
        )

    def refresh_offers(self, below: str | None = None, clear: bool = True) -> None:
        """Offer each picker below `below` (all of them when None) what fits the values
        above it. With `clear`, a value that no longer fits a known parent is emptied;
        under a free-text parent the catalogue knows nothing, so the value stays."""
        start = LEVELS.index(below) + 1 if below else 0
        for position in range(start, len(LEVELS)):
            name = LEVELS[position]
            combo = self.levels[name]
            above = {n: self.levels[n].value() for n in LEVELS[:position]}
            offered = self._taken.get((name, _above(above, position)))
            if offered is None:
                offered = catalogue.choices(name, **above)
            combo.set_values(offered)
            if clear and offered and combo.value() and not combo.offers(combo.value()):
                blocked = combo.blockSignals(True)
                combo.setEditText("")
                combo.blockSignals(blocked)

    def set_read_only(self, read_only: bool) -> None:
        self.interest.setEnabled(not read_only)
        self.condition.setEnabled(not read_only)
        for combo in self.levels.values():
            combo.set_read_only(read_only)

    def _on_level_changed(self, name: str, _text: str = "") -> None:
        if not self._loading:
            self.refresh_offers(name, clear=not self.quiet)


def _above(values: Mapping[str, str], position: int) -> tuple[str, ...]:
    """The values of the levels above `position`, as the offers under them are keyed."""
    return tuple((values.get(n) or "").strip() for n in LEVELS[:position])
