"""The opportunity list: its table model, the filter bar with saved filters, and the page
that puts them together in the main window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Status
from app.domain.fields import label
from app.i18n import N_, _, current, ngettext
from app.services import opportunities, reference
from app.services.opportunities import OpportunityFilter, OpportunityRow
from ui.common.list_filters import SearchBox, fill_filter_combo
from ui.common.qt import (
    ADJUST_TO_MINIMUM,
    ASCENDING,
    FONT,
    FOREGROUND,
    SELECTABLE_BY_MOUSE,
    TOOLTIP,
)
from ui.common.record_table import ListPage, PagedTableModel, RecordTableView
from ui.common.texts import FieldLabel

OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
CLOSED_BRUSH = QBrush(QColor("#6b6b6b"))

COL_TOPIC, COL_CUSTOMER, COL_STAGE, COL_PROBABILITY, COL_REVENUE, COL_CLOSE_DATE = range(6)
COL_OWNER, COL_VEHICLE, COL_FACILITY, COL_STATUS = range(6, 10)
COLUMN_WIDTHS = (260, 190, 90, 60, 130, 90, 140, 170, 150, 70)


class OpportunityTableModel(PagedTableModel):
    """All opportunities of the filter, a page at a time."""

    COLUMNS = (
        (FieldLabel("opportunity.topic"), "topic"),
        (FieldLabel("opportunity.account_id"), "customer"),
        (FieldLabel("opportunity.stage_id"), "stage"),
        (FieldLabel("opportunity.probability", short=True), "probability"),
        (FieldLabel("opportunity.est_revenue"), "est_revenue"),
        (FieldLabel("opportunity.est_close_date", short=True), "est_close_date"),
        (FieldLabel("opportunity.owner_id"), "owner"),
        (FieldLabel("opportunity.brand_model"), "brand_model"),
        (FieldLabel("opportunity.facility_id"), "facility"),
        (FieldLabel("opportunity.status"), "status"),
    )
    RIGHT_ALIGNED = frozenset({COL_PROBABILITY, COL_REVENUE})
    CENTERED = frozenset({COL_CLOSE_DATE})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(OpportunityFilter(), "est_close_date", parent)
        self._today = date.today()

    def before_refresh(self) -> None:
        self._today = date.today()

    def fetch_count(self, flt: OpportunityFilter) -> int:
        return opportunities.count(flt, self._today)

    def fetch_page(
        self, flt: OpportunityFilter, sort: str, descending: bool, offset: int, limit: int
    ) -> list[OpportunityRow]:
        return opportunities.page(flt, sort, descending, offset, limit, self._today)

    def fetch_first(
        self, flt: OpportunityFilter, sort: str, descending: bool, limit: int
    ) -> tuple[int, list[OpportunityRow]]:
        return opportunities.count_and_first_page(flt, sort, descending, limit, self._today)

    def display(self, item: OpportunityRow, column: int) -> str:
        return _display(item, column)

    def raw(self, item: OpportunityRow, column: int) -> Any:
        return _raw(item, column)

    def style(self, item: OpportunityRow, column: int, role: int) -> Any:
        overdue = (
            column == COL_CLOSE_DATE
            and item.status == Status.OPEN
            and item.est_close_date is not None
            and item.est_close_date < self._today
        )
        if role == FOREGROUND:
            if item.status != Status.OPEN:
                return CLOSED_BRUSH
            return OVERDUE_BRUSH if overdue else None
        if role == FONT:
            return _BOLD if overdue else None
        if role == TOOLTIP and column == COL_VEHICLE and item.vin:
            return _("VIN {vin}").format(vin=item.vin)
        return None


_BOLD = QFont()
_BOLD.setBold(True)


def _display(item: OpportunityRow, column: int) -> str:
    if column == COL_TOPIC:
        return item.topic
    if column == COL_CUSTOMER:
        return item.customer
    if column == COL_STAGE:
        return item.stage
    if column == COL_PROBABILITY:
        return f"{item.probability} %"
    if column == COL_REVENUE:
        return money.format_money(item.est_revenue, item.currency)
    if column == COL_CLOSE_DATE:
        return item.est_close_date.isoformat() if item.est_close_date else ""
    if column == COL_OWNER:
        return item.owner
    if column == COL_VEHICLE:
        return " ".join(p for p in (item.brand, item.model) if p)
    if column == COL_FACILITY:
        return item.facility
    if column == COL_STATUS:
        return (
            Status(item.status).label if item.status in Status._value2member_map_ else item.status
        )
    return ""


def _raw(item: OpportunityRow, column: int) -> Any:
    return (
        item.topic,
        item.customer,
        item.stage,
        item.probability,
        item.est_revenue,
        item.est_close_date,
        item.owner,
        f"{item.brand} {item.model}",
        item.facility,
        item.status,
    )[column]


# Saved filters: (label, what they set). "Mine" is filled in with the signed-in user.
SAVED_FILTERS: tuple[tuple[str, dict[str, Any]], ...] = (
    (N_("All opportunities"), {}),
    (N_("My open opportunities"), {"mine": True, "status": Status.OPEN.value}),
    (N_("Open opportunities"), {"status": Status.OPEN.value}),
    (N_("Closing in 7 days"), {"closing_within_days": 7}),
    (N_("Closing in 30 days"), {"closing_within_days": 30}),
    (N_("Closing in 90 days"), {"closing_within_days": 90}),
    (N_("Overdue"), {"overdue": True}),
)


class OpportunityFilterBar(QWidget):
    """Search box, saved filters and the column filters; emits the filter as it changes.
    Typing is re-filtered after a short pause so fast typists do not queue queries."""

    filter_changed = Signal(object)  # OpportunityFilter

    def __init__(self, current_user_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._user_id = current_user_id
        self.search = SearchBox(_("Search topic, customer, brand, model, VIN…"))
        self.saved = QComboBox()
        for name, _preset in SAVED_FILTERS:
            self.saved.addItem(_(name))
        self.stage = QComboBox()
        self.owner = QComboBox()
        self.facility = QComboBox()
        self.status = QComboBox()
        self.dates = QCheckBox(_("Close date"))
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        today = QDate.currentDate()
        self.date_from.setDate(today)
        self.date_to.setDate(today.addMonths(1))
        # The combos ask for a few characters' width, not their longest entry's (a facility
        # named in full), so the bar fits a 1366-pixel screen; their lists open wide enough.
        for combo, characters in (
            (self.saved, 16),
            (self.stage, 10),
            (self.owner, 12),
            (self.facility, 12),
            (self.status, 7),
        ):
            combo.setSizeAdjustPolicy(ADJUST_TO_MINIMUM)
            combo.setMinimumContentsLength(characters)
        self.reload_choices()

        # Two rows: the search, the saved filters and the close dates; then the columns'
        # filters. One row would not fit a laptop's 1366 pixels.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 3)
        top.addWidget(self.saved, 1)
        top.addSpacing(12)
        top.addWidget(self.dates)
        top.addWidget(self.date_from)
        top.addWidget(QLabel("–"))
        top.addWidget(self.date_to)
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        for field, combo in (
            ("opportunity.stage_id", self.stage),
            ("opportunity.owner_id", self.owner),
            ("opportunity.facility_id", self.facility),
            ("opportunity.status", self.status),
        ):
            caption_label = QLabel(label(field))
            caption_label.setBuddy(combo)
            columns.addWidget(caption_label)
            columns.addWidget(combo, 1)
            columns.addSpacing(8)
        columns.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(columns)

        self.search.search_changed.connect(self._emit)
        self.saved.currentIndexChanged.connect(self._emit)
        for combo in (self.stage, self.owner, self.facility, self.status):
            combo.currentIndexChanged.connect(self._emit)
        self.dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self._on_dates_toggled(False)

    def reload_choices(self) -> None:
        """Fill the combos from the database (after demo data or a new user arrives)."""
        fill_filter_combo(
            self.stage, _("Any stage"), [(c.name, c.label) for c in reference.stage_name_choices()]
        )
        fill_filter_combo(
            self.owner, _("Anyone"), [(o.id, o.label) for o in reference.users(active_only=False)]
        )
        fill_filter_combo(
            self.facility, _("Any facility"), [(o.id, o.label) for o in reference.facilities()]
        )
        fill_filter_combo(self.status, _("Any status"), [(s.value, s.label) for s in Status])

    def current_filter(self) -> OpportunityFilter:
        flt = OpportunityFilter(
            text=self.search.text().strip(),
            stage_name=self.stage.currentData(),
            owner_id=self.owner.currentData(),
            facility_id=self.facility.currentData(),
            status=self.status.currentData(),
        )
        if self.dates.isChecked():
            flt = replace(
                flt,
                close_from=_py_date(self.date_from.date()),
                close_to=_py_date(self.date_to.date()),
            )
        preset = dict(SAVED_FILTERS[max(self.saved.currentIndex(), 0)][1])
        if preset.pop("mine", False):
            preset["owner_id"] = self._user_id
        return replace(flt, **preset) if preset else flt

    def _on_dates_toggled(self, checked: bool) -> None:
        self.date_from.setEnabled(checked)
        self.date_to.setEnabled(checked)
        self._emit()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current_filter())


def _py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class FilterChip(QFrame):
    """Says which outside filter (e.g. a dashboard figure) the list shows, with a way back."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter-chip")
        self.setStyleSheet(
            "#filter-chip { background: #e8f0fe; border: 1px solid #aac4f0; border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setTextInteractionFlags(SELECTABLE_BY_MOUSE)
        self.clear_button = QPushButton(_("Clear filter"))
        self.clear_button.setToolTip(_("Back to the filters above"))
        self.clear_button.clicked.connect(self.cleared)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()


class OpportunityListPage(ListPage):
    """The opportunities tab of the main window: filter bar above the list."""

    def __init__(
        self, current_user_id: int, mine_first: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.filter_bar = OpportunityFilterBar(current_user_id)
        # A salesperson starts on their own open sales, a manager on everyone's.
        start = "My open opportunities" if mine_first else "Open opportunities"
        self.filter_bar.saved.setCurrentIndex(
            [name for name, _preset in SAVED_FILTERS].index(start)
        )
        self.model = OpportunityTableModel(self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.set_column_widths(COLUMN_WIDTHS)
        # The model starts sorted so; the header only shows it (told without its signal, the
        # view would sort the unfiltered list first and then read the filtered one).
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(COL_CLOSE_DATE, ASCENDING)
        header.blockSignals(False)
        self.chip = FilterChip()
        # A filter set from outside (a dashboard figure) and the bar's filter it replaced:
        # typing a search narrows the outside filter, any other change of the bar ends it.
        self.outside_filter: OpportunityFilter | None = None
        self._bar_when_applied: OpportunityFilter | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.chip)
        layout.addWidget(self.table, 1)
        self.filter_bar.filter_changed.connect(self._on_bar_filter)
        self.chip.cleared.connect(self.clear_outside_filter)
        self.model.count_changed.connect(self._count_text)
        self.table.open_requested.connect(self.open_requested)
        self.model.set_filter(self.filter_bar.current_filter())

    def apply_filter(self, flt: OpportunityFilter, description: str) -> None:
        """Show exactly the opportunities of `flt` (from outside the filter bar), saying so."""
        self.outside_filter = flt
        self._bar_when_applied = replace(self.filter_bar.current_filter(), text="")
        self.chip.label.setText(_("Filtered: {description}").format(description=description))
        self.chip.show()
        self.model.set_filter(replace(flt, text=self.filter_bar.search.text().strip()))

    def clear_outside_filter(self) -> None:
        self.outside_filter = None
        self._bar_when_applied = None
        self.chip.hide()
        self.model.set_filter(self.filter_bar.current_filter())

    def _on_bar_filter(self, flt: OpportunityFilter) -> None:
        if self.outside_filter is None:
            self.model.set_filter(flt)
        elif replace(flt, text="") == self._bar_when_applied:
            self.model.set_filter(replace(self.outside_filter, text=flt.text))
        else:
            self.clear_outside_filter()

    def refresh(self) -> None:
        self.filter_bar.reload_choices()
        self.model.refresh()

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def _count_text(self, count: int) -> None:
        self.count_changed.emit(
            ngettext("{n} opportunity", "{n} opportunities", count).format(
                n=current().format_number(count)
            )
        )
