"""The dashboard's filter bar: who, where, what and when, on three rows of the page."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from app.domain.choices import Condition
from app.i18n import _
from app.services import dashboard, reference, teams
from app.services.dashboard import DashboardFilter
from ui.common.list_filters import fill_filter_combo
from ui.common.widgets import DateEdit, to_date


def _date_edit(value: QDate) -> DateEdit:
    edit = DateEdit()
    edit.setDate(value)
    return edit


class DashboardFilterBar(QWidget):
    """The dashboard's filters: who, where, what and when; emits the filter as it changes."""

    filter_changed = Signal(object)  # DashboardFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.owner = QComboBox()
        self.team = QComboBox()
        self.business = QComboBox()
        self.facility = QComboBox()
        self.operation = QComboBox()
        self.brand = QComboBox()
        self.condition = QComboBox()
        self.channel = QComboBox()
        self.source = QComboBox()
        self.date_basis = QComboBox()
        self.date_basis.addItem(_("Any date"), None)
        for key, basis in dashboard.DATE_BASES.items():
            self.date_basis.addItem(_(basis), key)
        today = QDate.currentDate()
        self.date_from = _date_edit(today.addMonths(-3))
        self.date_to = _date_edit(today.addMonths(3))
        # The choices are read when the dashboard is first shown, not at start-up.
        for combo in self.combos():
            fill_filter_combo(combo, "…", [])

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(4)
        combos = (
            (_("Sales&person"), self.owner),
            (_("&Business"), self.business),
            (_("&Facility"), self.facility),
            (_("Op&eration"), self.operation),
            (_("Br&and"), self.brand),
            (_("New/&used"), self.condition),
            (_("C&hannel"), self.channel),
            (_("Sour&ce"), self.source),
            (_("&Team"), self.team),
        )
        for n, (caption, combo) in enumerate(combos):
            caption_label = QLabel(caption)
            caption_label.setBuddy(combo)
            layout.addWidget(caption_label, n // 4, (n % 4) * 2)
            layout.addWidget(combo, n // 4, (n % 4) * 2 + 1)
            combo.currentIndexChanged.connect(self._emit)
        # The dates on the last row, beside the team, under the business and what follows
        # it: beside the first row's four filters they left the filters too little room on
        # a laptop in the longer languages.
        self.date_label = date_label = QLabel(_("&Dates"))
        date_label.setBuddy(self.date_basis)
        row = (len(combos) - 1) // 4
        layout.addWidget(date_label, row, 2)
        layout.addWidget(self.date_basis, row, 3)
        dates = QHBoxLayout()
        # (The grid's spacings differ, so the row would inherit none: its widgets touched.)
        dates.setSpacing(6)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        layout.addLayout(dates, row, 4, 1, 4)
        for column in (1, 3, 5, 7):
            layout.setColumnStretch(column, 1)
        self.date_basis.currentIndexChanged.connect(self._on_basis)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self._on_basis()

    def combos(self) -> tuple[QComboBox, ...]:
        return (
            self.owner,
            self.business,
            self.facility,
            self.operation,
            self.brand,
            self.condition,
            self.channel,
            self.source,
            self.team,
        )

    def reload_choices(self) -> None:
        fill_filter_combo(
            self.owner,
            _("Everyone"),
            [(dashboard.NONE_ID, _("No salesperson"))]
            + [(o.id, o.label) for o in reference.users(active_only=False)],
        )
        fill_filter_combo(
            self.team,
            _("Any team"),
            [(o.id, o.label) for o in teams.team_choices(active_only=False)],
        )
        fill_filter_combo(
            self.business, _("Any business"), [(o.id, o.label) for o in reference.businesses()]
        )
        fill_filter_combo(
            self.facility, _("Any facility"), [(o.id, o.label) for o in reference.facilities()]
        )
        fill_filter_combo(self.operation, _("Any operation"), dashboard.operations())
        fill_filter_combo(
            self.brand, _("Any brand"), [(b, b) for b in dashboard.distinct_values("brand")]
        )
        fill_filter_combo(
            self.condition, _("New and used"), [(c.value, c.label) for c in Condition]
        )
        channels = [(c.code, c.label) for c in reference.code_entries("channel")]
        fill_filter_combo(self.channel, _("Any channel"), channels)
        fill_filter_combo(
            self.source, _("Any source"), [(s, s) for s in dashboard.distinct_values("source")]
        )

    def current_filter(self) -> DashboardFilter:
        basis = self.date_basis.currentData()
        return DashboardFilter(
            owner_id=self.owner.currentData(),
            business_id=self.business.currentData(),
            facility_id=self.facility.currentData(),
            operation_id=self.operation.currentData(),
            brand=self.brand.currentData(),
            condition=self.condition.currentData(),
            channel=self.channel.currentData(),
            source=self.source.currentData(),
            team_id=self.team.currentData(),
            date_basis=basis or "close",
            date_from=to_date(self.date_from.date()) if basis else None,
            date_to=to_date(self.date_to.date()) if basis else None,
        )

    def _on_basis(self) -> None:
        dated = self.date_basis.currentData() is not None
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)
        self._emit()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current_filter())
