"""The opportunity list: its table model, the filter bar with saved filters, and the page
that puts them together in the main window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QByteArray, QDate, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import money
from app.domain.choices import Status
from app.domain.fields import label
from app.domain.reading import format_day
from app.domain.standard_names import PROCESS_ORDER, display_name, english
from app.i18n import N_, _, current, ngettext
from app.services import opportunities, reference, teams
from app.services.opportunities import NONE_ID, OpportunityFilter, OpportunityRow
from ui.common import user_settings
from ui.common.list_filters import EmptyNotice, SearchBox, fill_filter_combo
from ui.common.qt import (
    ADJUST_TO_MINIMUM,
    ASCENDING,
    FONT,
    FOREGROUND,
    INSTANT_POPUP,
    SELECTABLE_BY_MOUSE,
    TOOLTIP,
)
from ui.common.record_table import ListPage, PagedTableModel, RecordTableView
from ui.common.texts import FieldLabel
from ui.common.widgets import DateEdit, to_date

OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
CLOSED_BRUSH = QBrush(QColor("#6b6b6b"))

COL_TOPIC, COL_CUSTOMER, COL_STAGE, COL_PROBABILITY, COL_REVENUE, COL_CLOSE_DATE = range(6)
COL_OWNER, COL_VEHICLE, COL_FACILITY, COL_STATUS = range(6, 10)
COL_LOST_REASON, COL_COMPETITOR, COL_WON_REASON = range(10, 13)
COLUMN_WIDTHS = (260, 190, 90, 60, 130, 90, 140, 170, 150, 70, 150, 120, 150)
# Shown by the column chooser, or by a drill-down into the lost or won ones.
HIDDEN_AT_FIRST = (COL_LOST_REASON, COL_COMPETITOR, COL_WON_REASON)


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
        (FieldLabel("opportunity.lost_reason"), "lost_reason"),
        (FieldLabel("opportunity.competitor"), "competitor"),
        (FieldLabel("opportunity.won_reason"), "won_reason"),
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
        return format_day(item.est_close_date) if item.est_close_date else ""
    if column == COL_OWNER:
        if item.owner or not item.team:
            return item.owner
        # Nobody has taken it: the team that holds it.
        return _("{team} (not taken)").format(team=item.team)
    if column == COL_VEHICLE:
        return " ".join(p for p in (item.brand, item.model) if p)
    if column == COL_FACILITY:
        return item.facility
    if column == COL_STATUS:
        return (
            Status(item.status).label if item.status in Status._value2member_map_ else item.status
        )
    if column == COL_LOST_REASON:
        return reference.reason_label("lost", item.lost_reason) if item.lost_reason else ""
    if column == COL_COMPETITOR:
        return item.competitor
    if column == COL_WON_REASON:
        return reference.reason_label("won", item.won_reason) if item.won_reason else ""
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
        item.lost_reason,
        item.competitor,
        item.won_reason,
    )[column]


# Saved filters: (label, what they set). "Mine" is filled in with the signed-in user. Each
# sets the bar's own widgets (status, owner, close dates), so the bar always shows what the
# list applies: "closing in 7 days" is the open ones closing from today to today + 7,
# "overdue" the open ones closing up to yesterday.
SAVED_FILTERS: tuple[tuple[str, dict[str, Any]], ...] = (
    (N_("All opportunities"), {}),
    (N_("My open opportunities"), {"mine": True, "status": Status.OPEN.value}),
    (N_("Open opportunities"), {"status": Status.OPEN.value}),
    (N_("Closing in 7 days"), {"closing_within_days": 7}),
    (N_("Closing in 30 days"), {"closing_within_days": 30}),
    (N_("Closing in 90 days"), {"closing_within_days": 90}),
    (N_("Overdue"), {"overdue": True}),
)
CUSTOM_VIEW = "custom"
VIEWS_KEY = "lists/opportunities/views"
# The earliest "from" date stands for no lower bound; the field then reads "any date".
NO_EARLIEST = QDate(2000, 1, 1)


def preset_state(preset: dict[str, Any], user_id: int | None, today: date) -> dict[str, Any]:
    """The bar's widgets as a saved filter sets them (see FilterBarState)."""
    state: dict[str, Any] = {
        "stage": None,
        "owner": user_id if preset.get("mine") else None,
        "team": None,
        "facility": None,
        "status": preset.get("status"),
        "dates": False,
        "from": None,
        "to": None,
    }
    days = preset.get("closing_within_days")
    if days is not None:
        state.update(
            status=Status.OPEN.value,
            dates=True,
            **{"from": today.isoformat(), "to": (today + timedelta(days=days)).isoformat()},
        )
    if preset.get("overdue"):
        state.update(
            status=Status.OPEN.value,
            dates=True,
            **{"from": None, "to": (today - timedelta(days=1)).isoformat()},
        )
    return state


class OpportunityFilterBar(QWidget):
    """Search box, saved views and the column filters; emits the filter as it changes.
    A view sets the widgets it stands for; changing one of them makes the view "Custom".
    The filter is read from the widgets alone, so what they show is what the list applies.
    Typing is re-filtered after a short pause so fast typists do not queue queries."""

    filter_changed = Signal(object)  # OpportunityFilter
    view_chosen = Signal(object)  # the user's saved view (a dict) when one is picked

    def __init__(self, current_user_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._user_id = current_user_id
        self._setting = False
        self.user_views: list[dict[str, Any]] = []
        self.search = SearchBox(
            _("Search topic, customer, phone, brand, model, VIN… (1–2 letters: word starts)")
        )
        self.search.setToolTip(
            _(
                "Three letters or more are found anywhere in the topic, customer, brand, "
                "model, VIN and stock number; one or two letters at the start of a word "
                "(“go” finds “Golf”, not “Lego”)."
            )
        )
        self.saved = QComboBox()
        self.save_view = QToolButton()
        self.save_view.setText(_("Views"))
        self.save_view.setPopupMode(INSTANT_POPUP)
        # Room for the menu's arrow, drawn over the text's end otherwise.
        arrow = self.save_view.style().pixelMetric(
            QStyle.PixelMetric.PM_MenuButtonIndicator, None, self.save_view
        )
        self.save_view.setMinimumWidth(self.save_view.sizeHint().width() + arrow + 4)
        self.save_view.setToolTip(_("Save these filters, columns and sort as a view"))
        self.stage = QComboBox()
        self.owner = QComboBox()
        self.team = QComboBox()
        self.facility = QComboBox()
        self.status = QComboBox()
        self.dates = QCheckBox(_("Close date"))
        self.date_from = DateEdit()
        self.date_from.setMinimumDate(NO_EARLIEST)
        self.date_from.setSpecialValueText(_("any date"))
        self.date_to = DateEdit()
        today = QDate.currentDate()
        self.date_from.setDate(today)
        self.date_to.setDate(today.addMonths(1))
        # The combos ask for a few characters' width, not their longest entry's (a facility
        # named in full), so the bar fits a 1366-pixel screen; their lists open wide enough.
        for combo, characters in (
            (self.saved, 16),
            (self.stage, 10),
            (self.owner, 12),
            (self.team, 10),
            (self.facility, 12),
            (self.status, 7),
        ):
            combo.setSizeAdjustPolicy(ADJUST_TO_MINIMUM)
            combo.setMinimumContentsLength(characters)
        self.reload_choices()
        self.fill_views()

        # Two rows: the search, the saved filters and the close dates; then the columns'
        # filters. One row would not fit a laptop's 1366 pixels.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 3)
        top.addWidget(self.saved, 1)
        top.addWidget(self.save_view)
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
            ("opportunity.team_id", self.team),
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
        self.saved.currentIndexChanged.connect(self._on_view)
        for combo in (self.stage, self.owner, self.team, self.facility, self.status):
            combo.currentIndexChanged.connect(self._on_widget)
        self.dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._on_widget)
        self.date_to.dateChanged.connect(self._on_widget)
        self._on_dates_toggled(False)

    def reload_choices(self) -> None:
        """Fill the combos from the database (after demo data or a new user arrives)."""
        fill_filter_combo(
            self.stage, _("Any stage"), [(c.name, c.label) for c in reference.stage_name_choices()]
        )
        fill_filter_combo(
            self.owner,
            _("Anyone"),
            [(NONE_ID, _("Nobody yet (held by a team)"))]
            + [(o.id, o.label) for o in reference.users(active_only=False)],
        )
        fill_filter_combo(
            self.team,
            _("Any team"),
            [(o.id, o.label) for o in teams.team_choices(active_only=False)],
        )
        fill_filter_combo(
            self.facility, _("Any facility"), [(o.id, o.label) for o in reference.facilities()]
        )
        fill_filter_combo(self.status, _("Any status"), [(s.value, s.label) for s in Status])

    def fill_views(self) -> None:
        """The shipped views, the user's own ones by name, and "Custom" last."""
        keep = self.saved.currentData()
        self.saved.blockSignals(True)
        self.saved.clear()
        for position, (name, _preset) in enumerate(SAVED_FILTERS):
            self.saved.addItem(_(name), f"shipped:{position}")  # i18n: ignore
        for position, view in enumerate(self.user_views):
            self.saved.addItem(view["name"], f"user:{position}")  # i18n: ignore
        self.saved.addItem(_("Custom"), CUSTOM_VIEW)
        found = self.saved.findData(keep) if keep is not None else -1
        self.saved.setCurrentIndex(max(found, 0))
        self.saved.blockSignals(False)

    # --- the widgets' state ----------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """What the widgets show (bar the search), as a saved view keeps it."""
        checked = self.dates.isChecked()
        earliest = self.date_from.date() == self.date_from.minimumDate()
        return {
            "stage": self.stage.currentData(),
            "owner": self.owner.currentData(),
            "team": self.team.currentData(),
            "facility": self.facility.currentData(),
            "status": self.status.currentData(),
            "dates": checked,
            "from": None if not checked or earliest else to_date(self.date_from.date()).isoformat(),
            "to": to_date(self.date_to.date()).isoformat() if checked else None,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Show a view's filters in the widgets (without emitting for each)."""
        self._setting = True
        try:
            for combo, key in (
                (self.stage, "stage"),
                (self.owner, "owner"),
                (self.team, "team"),
                (self.facility, "facility"),
                (self.status, "status"),
            ):
                value = state.get(key)
                found = combo.findData(value) if value is not None else 0
                combo.setCurrentIndex(max(found, 0))
            checked = bool(state.get("dates"))
            self.dates.setChecked(checked)
            if checked:
                start = state.get("from")
                self.date_from.setDate(
                    QDate.fromString(start, "yyyy-MM-dd") if start else NO_EARLIEST
                )
                self.date_to.setDate(QDate.fromString(state.get("to") or "", "yyyy-MM-dd"))
        finally:
            self._setting = False

    def view_state(self, index: int | None = None) -> dict[str, Any] | None:
        """What the view at `index` (the current one by default) sets; None for Custom."""
        data = self.saved.itemData(self.saved.currentIndex() if index is None else index)
        if not data:
            return None
        kind, _colon, position = str(data).partition(":")
        if kind == "shipped":
            return preset_state(SAVED_FILTERS[int(position)][1], self._user_id, date.today())
        if kind == "user":
            return dict(self.user_views[int(position)]["filters"])
        return None

    def set_filters_enabled(self, enabled: bool) -> None:
        """Grey the views and filters (not the search) while a filter from outside applies."""
        for widget in (
            self.saved,
            self.save_view,
            self.stage,
            self.owner,
            self.team,
            self.facility,
            self.status,
            self.dates,
        ):
            widget.setEnabled(enabled)
        self.date_from.setEnabled(enabled and self.dates.isChecked())
        self.date_to.setEnabled(enabled and self.dates.isChecked())

    def choose_view(self, index: int) -> None:
        self.saved.setCurrentIndex(index)

    def current_filter(self) -> OpportunityFilter:
        state = self.state()
        return OpportunityFilter(
            text=self.search.text().strip(),
            stage_name=state["stage"],
            owner_id=state["owner"],
            team_id=state.get("team"),
            facility_id=state["facility"],
            status=state["status"],
            close_from=date.fromisoformat(state["from"]) if state["from"] else None,
            close_to=date.fromisoformat(state["to"]) if state["to"] else None,
        )

    def _on_view(self, index: int) -> None:
        wanted = self.view_state(index)
        if wanted is not None:
            self.set_state(wanted)
            kind, _colon, position = str(self.saved.itemData(index)).partition(":")
            if kind == "user":
                self.view_chosen.emit(self.user_views[int(position)])
        self._emit()

    def _on_widget(self) -> None:
        if self._setting:
            return
        # A filter changed by hand that no longer matches the view makes the view "Custom".
        if self.view_state() != self.state():
            custom = self.saved.findData(CUSTOM_VIEW)
            self.saved.blockSignals(True)
            self.saved.setCurrentIndex(custom)
            self.saved.blockSignals(False)
        self._emit()

    def _on_dates_toggled(self, checked: bool) -> None:
        self.date_from.setEnabled(checked)
        self.date_to.setEnabled(checked)
        self._on_widget()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current_filter())


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
        self.filter_bar.user_views = list(user_settings.load_json(VIEWS_KEY, []))
        self.filter_bar.fill_views()
        # A salesperson starts on their own open sales, a manager on everyone's.
        start = "My open opportunities" if mine_first else "Open opportunities"
        self.filter_bar.saved.setCurrentIndex(
            [name for name, _preset in SAVED_FILTERS].index(start)
        )
        self.model = OpportunityTableModel(self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        # The standard stages' names read whole in every language ("Qualifizierung").
        metrics = self.table.fontMetrics()
        stage_names = (display_name(key, english(key)) for key in PROCESS_ORDER)
        widths = list(COLUMN_WIDTHS)
        widths[COL_STAGE] = max(
            widths[COL_STAGE], max(metrics.horizontalAdvance(n) for n in stage_names) + 16
        )
        self.table.set_column_widths(tuple(widths))
        for column in HIDDEN_AT_FIRST:
            self.table.horizontalHeader().setSectionHidden(column, True)
        # The model starts sorted so; the header only shows it (told without its signal, the
        # view would sort the unfiltered list first and then read the filtered one).
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(COL_CLOSE_DATE, ASCENDING)
        self.table.keep_state_as("opportunities")
        header.blockSignals(False)
        views_menu = QMenu(self.filter_bar.save_view)
        views_menu.addAction(_("Save as a view…"), self.ask_to_save_view)
        self.delete_view_action = views_menu.addAction(_("Delete this view"), self.delete_view)
        views_menu.aboutToShow.connect(self._enable_view_actions)
        self.filter_bar.save_view.setMenu(views_menu)
        self.filter_bar.view_chosen.connect(self._restore_view_columns)
        self.chip = FilterChip()
        self.empty = EmptyNotice()
        self.empty.clear_requested.connect(self.clear_filters)
        # A filter set from outside (a dashboard figure) and the bar's filter it replaced:
        # typing a search narrows the outside filter, any other change of the bar ends it.
        self.outside_filter: OpportunityFilter | None = None
        self._bar_when_applied: OpportunityFilter | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.chip)
        layout.addWidget(self.empty)
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
        # The bar's filters do not apply while the outside one does: greyed, they cannot
        # be read as applied (the search still narrows it; "Clear filter" gives them back).
        self.filter_bar.set_filters_enabled(False)
        # The lost ones say why and to whom; the won ones why.
        header = self.table.horizontalHeader()
        if flt.status == Status.LOST.value:
            header.setSectionHidden(COL_LOST_REASON, False)
            header.setSectionHidden(COL_COMPETITOR, False)
        if flt.status == Status.WON.value:
            header.setSectionHidden(COL_WON_REASON, False)
        self.model.set_filter(replace(flt, text=self.filter_bar.search.text().strip()))

    def clear_outside_filter(self) -> None:
        self.outside_filter = None
        self._bar_when_applied = None
        self.chip.hide()
        self.filter_bar.set_filters_enabled(True)
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

    def clear_filters(self) -> None:
        """Everything: the search, the outside filter and the bar (to "All opportunities")."""
        self.outside_filter = None
        self._bar_when_applied = None
        self.chip.hide()
        bar = self.filter_bar
        bar.set_filters_enabled(True)
        bar.search.blockSignals(True)
        bar.search.clear()
        bar.search.blockSignals(False)
        if bar.saved.currentIndex() == 0:
            bar.set_state(bar.view_state(0) or {})
            bar.filter_changed.emit(bar.current_filter())
        else:
            bar.saved.setCurrentIndex(0)

    def save_view(self, name: str) -> None:
        """Keep the bar's filters and the list's columns and sort as the user's view `name`
        (one of the same name is replaced), and show it chosen."""
        bar = self.filter_bar
        header = bytes(self.table.horizontalHeader().saveState().toBase64().data()).decode()
        views = [v for v in bar.user_views if v["name"] != name]
        views.append({"name": name, "filters": bar.state(), "header": header})
        bar.user_views = views
        user_settings.save_json(VIEWS_KEY, views)
        bar.fill_views()
        bar.saved.blockSignals(True)
        bar.saved.setCurrentIndex(bar.saved.findData(f"user:{len(views) - 1}"))
        bar.saved.blockSignals(False)

    def ask_to_save_view(self) -> None:
        name, ok = QInputDialog.getText(
            self, _("Save as a view"), _("Name of the view (its filters, columns and sort):")
        )
        if ok and name.strip():
            self.save_view(name.strip())

    def delete_view(self) -> None:
        bar = self.filter_bar
        kind, _colon, position = str(bar.saved.currentData()).partition(":")
        if kind != "user":
            return
        del bar.user_views[int(position)]
        user_settings.save_json(VIEWS_KEY, bar.user_views)
        bar.fill_views()
        bar.saved.setCurrentIndex(bar.saved.findData(CUSTOM_VIEW))

    def _enable_view_actions(self) -> None:
        data = str(self.filter_bar.saved.currentData())
        self.delete_view_action.setEnabled(data.startswith("user:"))

    def _restore_view_columns(self, view: dict[str, Any]) -> None:
        state = QByteArray.fromBase64(str(view.get("header", "")).encode())
        if not state.isEmpty():
            self.table.horizontalHeader().restoreState(state)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def _count_text(self, count: int) -> None:
        flt = self.model.current_filter
        self.empty.show_for(
            count, flt.text, replace(flt, text="", phones=()) != OpportunityFilter()
        )
        if count > opportunities.SEARCH_COUNT_LIMIT:
            # A search is counted up to a bound, where counting every match would outlast
            # the keystroke: the list holds the first of them, and says there are more.
            limit = opportunities.SEARCH_COUNT_LIMIT
            text = ngettext(
                "More than {n} opportunity", "More than {n} opportunities", limit
            ).format(n=current().format_number(limit))
        else:
            text = ngettext("{n} opportunity", "{n} opportunities", count).format(
                n=current().format_number(count)
            )
        self.count_changed.emit(text)
