"""The opportunity list: a table model that pages rows out of the database on demand,
and the filter bar above it. Filtering and sorting happen in SQL, never in a proxy."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.domain import money
from app.domain.choices import Status
from app.services import opportunities, reference
from app.services.opportunities import OpportunityFilter, OpportunityRow

# Qt enum members looked up once: data() runs for every visible cell on every repaint.
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
FONT = Qt.ItemDataRole.FontRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
USER = Qt.ItemDataRole.UserRole
SORT_ROLE = USER + 1  # the raw value behind a cell
ROW_ROLE = USER + 2  # the whole OpportunityRow
ID_ROLE = USER + 3  # the opportunity id
HORIZONTAL = Qt.Orientation.Horizontal
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
ASCENDING = Qt.SortOrder.AscendingOrder
OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
CLOSED_BRUSH = QBrush(QColor("#6b6b6b"))

COL_TOPIC, COL_CUSTOMER, COL_STAGE, COL_PROBABILITY, COL_REVENUE, COL_CLOSE_DATE = range(6)
COL_OWNER, COL_VEHICLE, COL_FACILITY, COL_STATUS = range(6, 10)

# Column -> (header, sort key in app.db.queries.SORT_COLUMNS)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Topic", "topic"),
    ("Customer", "customer"),
    ("Stage", "stage"),
    ("Prob.", "probability"),
    ("Est. revenue", "est_revenue"),
    ("Est. close", "est_close_date"),
    ("Owner", "owner"),
    ("Brand / model", "brand_model"),
    ("Facility", "facility"),
    ("Status", "status"),
)

PAGE_SIZE = 200
# Pages kept in memory; the rest are read again when scrolled back to.
MAX_PAGES = 25


class OpportunityTableModel(QAbstractTableModel):
    """Shows every row of the filter without holding them: rowCount is the filter's count,
    and rows are read a page at a time as the view asks for them."""

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = OpportunityFilter()
        self._sort_key = "est_close_date"
        self._descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[OpportunityRow]] = OrderedDict()
        self._today = date.today()

    # --- what callers use -------------------------------------------------------------
    @property
    def current_filter(self) -> OpportunityFilter:
        return self._filter

    def set_filter(self, flt: OpportunityFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Read the count again and forget the cached pages (after a save, or F5)."""
        self.beginResetModel()
        self._today = date.today()
        self._pages.clear()
        self._count = opportunities.count(self._filter, self._today)
        if self._count:
            self._page(0)
        self.endResetModel()
        self.count_changed.emit(self._count)

    def row_at(self, row: int) -> OpportunityRow | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def row_of(self, opportunity_id: int) -> int | None:
        """The row of an opportunity among the pages already read, if it is there."""
        for number, rows in self._pages.items():
            for offset, item in enumerate(rows):
                if item.id == opportunity_id:
                    return number * PAGE_SIZE + offset
        return None

    def _page(self, number: int) -> list[OpportunityRow]:
        page = self._pages.get(number)
        if page is None:
            page = opportunities.page(
                self._filter,
                self._sort_key,
                self._descending,
                number * PAGE_SIZE,
                PAGE_SIZE,
                self._today,
            )
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    # --- Qt overrides -----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == HORIZONTAL and role == DISPLAY and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if (
            orientation == HORIZONTAL
            and role == ALIGN
            and section in (COL_PROBABILITY, COL_REVENUE)
        ):
            return RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        item = self.row_at(index.row())
        if item is None:
            return None
        column = index.column()
        if role == DISPLAY:
            return _display(item, column)
        if role == SORT_ROLE:
            return _raw(item, column)
        if role == ROW_ROLE:
            return item
        if role == ID_ROLE:
            return item.id
        if role == ALIGN:
            if column in (COL_PROBABILITY, COL_REVENUE):
                return RIGHT
            if column == COL_CLOSE_DATE:
                return CENTER
            return None
        if role == FOREGROUND:
            if item.status != Status.OPEN:
                return CLOSED_BRUSH
            if (
                column == COL_CLOSE_DATE
                and item.est_close_date
                and item.est_close_date < self._today
            ):
                return OVERDUE_BRUSH
            return None
        if (
            role == FONT
            and column == COL_CLOSE_DATE
            and item.status == Status.OPEN
            and item.est_close_date
            and item.est_close_date < self._today
        ):
            return _BOLD
        if role == TOOLTIP and column == COL_VEHICLE and item.vin:
            return f"VIN {item.vin}"
        return None

    def sort(self, column: int, order: Qt.SortOrder = ASCENDING) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_key = COLUMNS[column][1]
        self._descending = order != ASCENDING
        self.refresh()


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
    ("All opportunities", {}),
    ("My open opportunities", {"mine": True, "status": Status.OPEN.value}),
    ("Open opportunities", {"status": Status.OPEN.value}),
    ("Closing in 7 days", {"closing_within_days": 7}),
    ("Closing in 30 days", {"closing_within_days": 30}),
    ("Closing in 90 days", {"closing_within_days": 90}),
    ("Overdue", {"overdue": True}),
)


class OpportunityFilterBar(QWidget):
    """Search box, saved filters and the column filters; emits the filter as it changes.
    Typing is re-filtered after a short pause so fast typists do not queue queries."""

    filter_changed = Signal(object)  # OpportunityFilter

    SEARCH_DELAY_MS = 120

    def __init__(self, current_user_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._user_id = current_user_id
        self.search = QLineEdit(placeholderText="Search topic, customer, brand, model, VIN…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.saved = QComboBox()
        for label, _ in SAVED_FILTERS:
            self.saved.addItem(label)
        self.stage = QComboBox()
        self.owner = QComboBox()
        self.facility = QComboBox()
        self.status = QComboBox()
        self.dates = QCheckBox("Close date")
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        today = QDate.currentDate()
        self.date_from.setDate(today)
        self.date_to.setDate(today.addMonths(1))
        self.reload_choices()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        layout.addWidget(self.saved, 1)
        for caption, combo in (
            ("Stage", self.stage),
            ("Owner", self.owner),
            ("Facility", self.facility),
            ("Status", self.status),
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(combo)
            layout.addWidget(caption_label)
            layout.addWidget(combo, 1)
        layout.addWidget(self.dates)
        layout.addWidget(self.date_from)
        layout.addWidget(QLabel("–"))
        layout.addWidget(self.date_to)

        self._timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._emit)
        self.saved.currentIndexChanged.connect(self._emit)
        for combo in (self.stage, self.owner, self.facility, self.status):
            combo.currentIndexChanged.connect(self._emit)
        self.dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self._on_dates_toggled(False)

    def reload_choices(self) -> None:
        """Fill the combos from the database (after demo data or a new user arrives)."""
        for combo in (self.stage, self.owner, self.facility, self.status):
            combo.blockSignals(True)
        _fill(self.stage, "Any stage", [(n, n) for n in reference.stage_names()])
        _fill(self.owner, "Anyone", [(o.id, o.label) for o in reference.users(active_only=False)])
        _fill(self.facility, "Any facility", [(o.id, o.label) for o in reference.facilities()])
        _fill(self.status, "Any status", [(s.value, s.label) for s in Status])
        for combo in (self.stage, self.owner, self.facility, self.status):
            combo.blockSignals(False)

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
        self._timer.stop()
        self.filter_changed.emit(self.current_filter())


def _py_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _fill(combo: QComboBox, any_label: str, items: list[tuple[Any, str]]) -> None:
    keep = combo.currentData()
    combo.clear()
    combo.addItem(any_label, None)
    for value, label in items:
        combo.addItem(label, value)
    position = combo.findData(keep) if keep is not None else 0
    combo.setCurrentIndex(max(position, 0))
