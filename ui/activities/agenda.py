"""The salesperson's agenda: today's appointments, what is overdue, the coming days (or a
week), and the sales that are past their close date or stuck in their stage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeGuard, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.reading import format_clock, format_day, format_moment
from app.domain.validation import ValidationError
from app.i18n import N_, _, ngettext, pgettext
from app.services import activities, teams
from app.services.activities import (
    PAST_CLOSE,
    STALE,
    Agenda,
    AgendaActivity,
    AgendaOpportunity,
    ComingEntry,
)
from app.services.errors import NotFound
from ui.activities.activity_dialog import ActivityDialog
from ui.activities.activity_kinds import kind_label
from ui.common.qt import (
    DELETE_ON_CLOSE,
    ENTER_KEYS,
    FOREGROUND,
    INTERACTIVE,
    NO_EDIT,
    SELECT_ROWS,
    SINGLE_SELECTION,
    TOOLTIP,
)
from ui.common.roles import ROW_ROLE
from ui.common.table_model import Column, RowTableModel
from ui.common.texts import FieldLabel
from ui.common.widgets import ERROR_COLOUR

LATE_BRUSH = QBrush(QColor(ERROR_COLOUR))
DONE_BRUSH = QBrush(QColor("#757575"))  # what is done steps back, as in the timeline
MIN_ELASTIC_WIDTH = 80  # an elastic column keeps at least this much of its text
COLUMN_GAP = 12  # pixels between one column's longest text and the next column

# After this long hidden the agenda is read again when shown: the day moves on.
STALE_AFTER_SECONDS = 60

Row = TypeVar("Row", AgendaActivity, AgendaOpportunity, ComingEntry)


@dataclass(frozen=True, slots=True)
class AgendaColumn(Column[Row]):
    late: bool = False  # shown in red: how late something is
    # Gives up width (its text elided, whole in the tooltip) so the columns after it fit.
    elastic: bool = False


def _slot(a: AgendaActivity, _today: date) -> str:
    end = f"–{format_clock(a.ends_at)}" if a.ends_at else ""
    return f"{format_clock(a.starts_at)}{end}"


def _late(a: AgendaActivity, today: date) -> str:
    days = (today - a.starts_at.date()).days
    return ngettext("{n} day late", "{n} days late", days).format(n=days)


def _customer(a: AgendaActivity, _today: date) -> str:
    # The sale's number beside the customer: one customer often has several open.
    sale = f"#{a.opportunity_id}" if a.opportunity_id else ""
    return " · ".join(p for p in (a.customer or "", sale) if p)


def _past_close(o: AgendaOpportunity, today: date) -> str:
    days = (today - o.est_close_date).days
    return ngettext("{n} day past", "{n} days past", days).format(n=days)


def _kind(a: AgendaActivity, _today: date) -> str:
    if a.done and a.outcome:
        # TRANSLATORS: an agenda's done activity and what came of it: "Appointment (done: Quote requested)".
        return _("{kind} (done: {outcome})").format(kind=kind_label(a.kind), outcome=a.outcome)
    return _("{kind} (done)").format(kind=kind_label(a.kind)) if a.done else kind_label(a.kind)


# A header naming a field is that field's label; the headers are translated each time they
# are shown (ui.common.texts).


def today_columns(today: date) -> tuple[AgendaColumn[AgendaActivity], ...]:
    return (
        AgendaColumn(FieldLabel("activity.time"), lambda a: _slot(a, today)),
        AgendaColumn(FieldLabel("activity.kind"), lambda a: _kind(a, today)),
        AgendaColumn(FieldLabel("activity.subject"), lambda a: a.subject, elastic=True),
        AgendaColumn(FieldLabel("activity.account_id"), lambda a: _customer(a, today)),
    )


def overdue_columns(today: date) -> tuple[AgendaColumn[AgendaActivity], ...]:
    return (
        AgendaColumn(FieldLabel("activity.due"), lambda a: format_moment(a.starts_at)),
        AgendaColumn(N_("Late"), lambda a: _late(a, today), late=True),
        AgendaColumn(FieldLabel("activity.kind"), lambda a: kind_label(a.kind)),
        AgendaColumn(FieldLabel("activity.subject"), lambda a: a.subject, elastic=True),
        AgendaColumn(FieldLabel("activity.account_id"), lambda a: _customer(a, today)),
    )


# The column of a sale's number and topic.
OPPORTUNITY_HEADER = N_("Opportunity")


def past_close_columns(today: date) -> tuple[AgendaColumn[AgendaOpportunity], ...]:
    return (
        AgendaColumn(OPPORTUNITY_HEADER, lambda o: f"#{o.id} {o.topic}", elastic=True),
        AgendaColumn(FieldLabel("opportunity.account_id"), lambda o: o.customer),
        AgendaColumn(FieldLabel("opportunity.stage_id"), lambda o: o.stage),
        AgendaColumn(
            FieldLabel("opportunity.est_close_date", short=True),
            lambda o: format_day(o.est_close_date),
        ),
        AgendaColumn(N_("Late"), lambda o: _past_close(o, today), late=True),
    )


def stale_columns(_today: date) -> tuple[AgendaColumn[AgendaOpportunity], ...]:
    return (
        AgendaColumn(OPPORTUNITY_HEADER, lambda o: f"#{o.id} {o.topic}", elastic=True),
        AgendaColumn(FieldLabel("opportunity.account_id"), lambda o: o.customer),
        AgendaColumn(FieldLabel("opportunity.stage_id"), lambda o: o.stage),
        AgendaColumn(N_("Why"), lambda o: o.reason[:1].upper() + o.reason[1:], late=True),
    )


def _day(e: ComingEntry) -> str:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return f"{names[e.starts_at.weekday()]} {format_day(e.starts_at.date())}"


def _coming_time(e: ComingEntry) -> str:
    if e.kind == activities.CLOSE_DATE:
        return ""
    end = f"–{format_clock(e.ends_at)}" if e.ends_at else ""
    return f"{format_clock(e.starts_at)}{end}"


def _coming_customer(e: ComingEntry) -> str:
    sale = f"#{e.opportunity_id}" if e.opportunity_id else ""
    return " · ".join(p for p in (e.customer, sale) if p)


def coming_columns(_today: date) -> tuple[AgendaColumn[ComingEntry], ...]:
    return (
        AgendaColumn(N_("Day"), _day),
        AgendaColumn(FieldLabel("activity.time"), _coming_time),
        AgendaColumn(FieldLabel("activity.kind"), lambda e: e.kind_label),
        AgendaColumn(FieldLabel("activity.subject"), lambda e: e.subject, elastic=True),
        AgendaColumn(FieldLabel("activity.vehicle_id"), lambda e: e.vehicle),
        AgendaColumn(FieldLabel("activity.account_id"), _coming_customer),
    )


# What the coming-days list shows: the next seven days, this week or next week.
COMING_SPANS = (N_("Next 7 days"), N_("This week"), N_("Next week"))


def coming_span(choice: int, today: date) -> tuple[date, int]:
    """The first day and the number of days of the span chosen."""
    if choice == 0:
        return today + timedelta(days=1), 7
    monday = today - timedelta(days=today.weekday())
    if choice == 1:
        return monday, 7
    return monday + timedelta(days=7), 7


ColumnsOfDay = Callable[[date], Sequence[AgendaColumn[Any]]]


class AgendaTableModel(RowTableModel[Row]):
    """One section's rows (agenda dataclasses) under the columns it shows; how late a row
    is depends on the day, so the columns are made for the day the rows were read."""

    def __init__(self, columns_of_day: ColumnsOfDay, parent: QWidget | None = None) -> None:
        self.today = date.today()
        self.columns_of_day = columns_of_day
        super().__init__(parent, columns=columns_of_day(self.today))

    def set_rows(self, rows: Sequence[Row], today: date | None = None) -> None:
        self.beginResetModel()
        if today is not None:
            self.today = today
        self.columns = tuple(self.columns_of_day(self.today))
        self.rows = list(rows)
        self.endResetModel()

    def cell_data(self, row: Row, column: Column[Any], role: int) -> Any:
        if role == TOOLTIP:
            return column.text(row)
        if role == FOREGROUND:
            if getattr(row, "done", False):
                return DONE_BRUSH
            if getattr(column, "late", False):
                return LATE_BRUSH
        return None


class AgendaSalesModel(AgendaTableModel[AgendaOpportunity]):
    """A list of the agenda's sales read a page at a time: the first with the agenda, the
    next when the view is scrolled to the end (Qt's fetchMore), until `total` are shown."""

    def __init__(self, columns_of_day: ColumnsOfDay, parent: QWidget | None = None) -> None:
        super().__init__(columns_of_day, parent)
        self.total = 0
        # Reads the page after the sale given; None until the agenda is read.
        self.more: Callable[[AgendaOpportunity], list[AgendaOpportunity]] | None = None
        # Whether the view may ask for more (AgendaView.may_fetch).
        self.shown: Callable[[], bool] = lambda: True
        self._fetching = False

    # Qt overrides
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return (
            not parent.isValid()
            and self.more is not None
            and 0 < len(self.rows) < self.total
            and not self._fetching
            and self.shown()
        )

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not self.canFetchMore(parent) or self.more is None:
            return
        rows = self.more(self.rows[-1])
        if not rows:
            # Fewer than counted (closed or moved since): the list ends here until a refresh.
            self.total = len(self.rows)
            return
        first = len(self.rows)
        # The view lays the new rows out as they arrive and may ask for more meanwhile: it
        # asks again once they are in.
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        finally:
            self._fetching = False


class AgendaView(QTreeView):
    """A flat list of one section: Enter or a double click opens the row."""

    open_requested = Signal(object)  # the row: an AgendaActivity or an AgendaOpportunity

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(SELECT_ROWS)
        self.setSelectionMode(SINGLE_SELECTION)
        self.setEditTriggers(NO_EDIT)
        self.setAllColumnsShowFocus(True)
        self.header().setStretchLastSection(True)
        self._fitting = False
        self._user_sized = False
        self.header().sectionResized.connect(self._on_section_resized)
        self.doubleClicked.connect(self._open_index)

    def may_fetch(self) -> bool:
        """Whether a further page may be read for this view: not while it is hidden or its
        columns are being fitted, as it then lays out its rows at a default size or at the
        scroll position of the rows before a refresh, and would read pages nobody sees."""
        return self.isVisible() and not self._fitting

    def current_row(self) -> Any:
        index = self.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def fit_columns(self) -> None:
        """Size the columns to what they hold; when that is wider than the view, the
        elastic column (a subject, a topic) gives up the difference so that the last one,
        the customer, still shows whole. Done on each refresh and resize until the user
        drags a column; from then on the widths are theirs."""
        self._user_sized = False
        self._fit()

    def _fit(self) -> None:
        header = self.header()
        count = header.count()
        if not count:
            return
        self._fitting = True
        try:
            widths = []
            for column in range(count):
                header.setSectionResizeMode(column, INTERACTIVE)
                # What the column needs, not its size: the last one is stretched to the view.
                needed = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
                widths.append(needed + COLUMN_GAP)
            model = self.model()
            columns = getattr(model, "columns", ())
            elastic = next((i for i, c in enumerate(columns) if c.elastic), None)
            widths[-1] -= COLUMN_GAP  # nothing comes after the last column
            overflow = sum(widths) - self.viewport().width()
            if elastic is not None and overflow > 0:
                widths[elastic] = max(MIN_ELASTIC_WIDTH, widths[elastic] - overflow)
            for column in range(count - 1):
                header.resizeSection(column, widths[column])
        finally:
            self._fitting = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        # The last section follows the view's width; only a drag of another is the user's.
        if not self._fitting and column < self.header().count() - 1:
            self._user_sized = True

    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is not None:
            self.open_requested.emit(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._user_sized and event.size().width() != event.oldSize().width():
            self._fit()


class AgendaSection(QGroupBox):
    """A titled list with its count in the title."""

    def __init__(
        self,
        title: str,
        columns_of_day: ColumnsOfDay,
        empty_text: str,
        parent: QWidget | None = None,
        model: AgendaTableModel[Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.title_text = title
        self.model: AgendaTableModel[Any] = model or AgendaTableModel(columns_of_day, self)
        self.view = AgendaView()
        self.view.setModel(self.model)
        if isinstance(self.model, AgendaSalesModel):
            self.model.shown = self.view.may_fetch
        self.empty = QLabel(empty_text)
        self.empty.setEnabled(False)  # the quiet colour of a placeholder
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.empty)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.buttons)
        self.setTitle(title)

    def set_rows(self, rows: Sequence[Any], today: date, total: int | None = None) -> None:
        """Show `rows`; `total` is how many the title counts when they are the first page
        of more."""
        self.model.set_rows(rows, today)
        n = len(rows) if total is None else total
        number = i18n.current().format_number
        self.setTitle(_("{section} ({n})").format(section=self.title_text, n=number(n)))
        self.empty.setVisible(not rows)
        self.view.fit_columns()


def _can_finish(row: object) -> TypeGuard[AgendaActivity]:
    return isinstance(row, AgendaActivity) and not row.done


class AgendaPage(QWidget):
    """A tab of the main window: what needs the salesperson today. Opening a row opens its
    opportunity (through `open_opportunity`); an activity of no opportunity opens in the
    activity dialog."""

    open_opportunity = Signal(int)
    count_changed = Signal(str)  # "3 today, 2 overdue"

    def __init__(self, current_user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current_user_id = current_user_id
        self.agenda = Agenda([], [], [], [])
        self._read_at: datetime | None = None

        self.today = AgendaSection(
            _("Today"), today_columns, _("No appointments or test drives today.")
        )
        self.overdue = AgendaSection(_("Overdue"), overdue_columns, _("Nothing overdue."))
        self.past_close_model = AgendaSalesModel(past_close_columns, self)
        self.past_close = AgendaSection(
            _("Past their close date"),
            past_close_columns,
            _("No open sale is past its close date."),
            model=self.past_close_model,
        )
        self.stale_model = AgendaSalesModel(stale_columns, self)
        self.stale = AgendaSection(
            _("Stale in their stage"),
            stale_columns,
            _("No sale has sat in its stage too long."),
            model=self.stale_model,
        )
        self.coming = AgendaSection(
            _("Coming days"),
            coming_columns,
            _("Nothing booked and no sale closing in these days."),
        )
        self.coming_rows: list[ComingEntry] = []
        self.span = QComboBox()
        for text in COMING_SPANS:
            self.span.addItem(_(text))
        self.span.setToolTip(_("The next seven days, or a week from Monday to Sunday"))
        self.coming.buttons.addWidget(self.span)
        self.sections = (self.today, self.overdue, self.coming, self.past_close, self.stale)
        self.done_button = QPushButton(_("&Mark done"))
        self.done_button.setToolTip(_("Mark the selected overdue activity as done"))
        self.overdue.buttons.addWidget(self.done_button)
        self.today_done_button = QPushButton(_("Mark &done"))
        self.today_done_button.setToolTip(_("Mark the selected appointment or test drive as done"))
        self.today.buttons.addWidget(self.today_done_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        # Whose agenda: the user's own, or a team's (its members' and what it holds).
        self.whose = QComboBox()
        self.whose.addItem(_("My agenda"), None)
        for team in teams.team_choices():
            self.whose.addItem(_("Team {name}").format(name=team.label), team.id)
        self.whose.setToolTip(_("Your own agenda, or a team's: its members' and what it holds"))
        self.today.buttons.addWidget(self.whose)

        grid = QGridLayout()
        grid.addWidget(self.today, 0, 0)
        grid.addWidget(self.overdue, 0, 1)
        grid.addWidget(self.coming, 1, 0, 1, 2)
        grid.addWidget(self.past_close, 2, 0)
        grid.addWidget(self.stale, 2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(grid, 1)
        layout.addWidget(self.message)

        for section in self.sections:
            section.view.open_requested.connect(self.open_row)
        for section in (self.today, self.overdue):
            section.view.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.done_button.clicked.connect(lambda: self.mark_done(self.overdue))
        self.today_done_button.clicked.connect(lambda: self.mark_done(self.today))
        self.span.currentIndexChanged.connect(lambda _index: self.refresh())
        self.whose.currentIndexChanged.connect(lambda _index: self.refresh())
        self.refresh()

    # --- what the main window calls -----------------------------------------------------
    def refresh(self) -> None:
        team_id = self.whose.currentData()
        self.agenda = a = activities.agenda(self.current_user_id, team_id=team_id)
        self._read_at = datetime.now()
        today = a.day
        self.today.set_rows(a.today, today)
        self.overdue.set_rows(a.overdue, today)
        for model, which in ((self.past_close_model, PAST_CLOSE), (self.stale_model, STALE)):
            model.total = a.past_close_count if which == PAST_CLOSE else a.stale_count
            model.more = self._pages(which, a, team_id)
        self.past_close.set_rows(a.past_close, today, a.past_close_count)
        self.stale.set_rows(a.stale, today, a.stale_count)
        first, days = coming_span(self.span.currentIndex(), today)
        self.coming_rows = activities.coming_days(self.current_user_id, first, days)
        self.coming.set_rows(self.coming_rows, today)
        self._say("")
        self._enable()
        self.count_changed.emit(self.summary())

    def _pages(
        self, which: str, agenda: Agenda, team_id: int | None
    ) -> Callable[[AgendaOpportunity], list[AgendaOpportunity]]:
        """What reads the page after a sale of one list, as of when the agenda was read."""
        user_id = self.current_user_id
        return lambda last: activities.agenda_sales(
            user_id, which, last, agenda.day, agenda.at, team_id
        )

    def summary(self) -> str:
        """What the status bar says of the agenda: "3 today, 2 overdue"."""
        a = self.agenda
        n_today, n_overdue = len(a.today), len(a.overdue)
        n_past, n_stale = a.past_close_count, a.stale_count
        counts = [
            (ngettext("{n} today", "{n} today", n_today), n_today),
            (ngettext("{n} overdue", "{n} overdue", n_overdue), n_overdue),
        ]
        if n_past:
            counts.append(
                (ngettext("{n} past their close date", "{n} past their close date", n_past), n_past)
            )
        if n_stale:
            counts.append((ngettext("{n} stale", "{n} stale", n_stale), n_stale))
        number = i18n.current().format_number
        return pgettext("list separator", ", ").join(text.format(n=number(n)) for text, n in counts)

    def focus_search(self) -> None:
        """The agenda has no search: the first list with something in it takes the focus."""
        section = next((s for s in self.sections if s.model.rowCount()), self.today)
        section.view.setFocus()
        if not section.view.currentIndex().isValid() and section.model.rowCount():
            section.view.setCurrentIndex(section.model.index(0, 0))

    def open_current(self) -> ActivityDialog | None:
        """Open what is selected in the list that has the focus (the Open action)."""
        section = next((s for s in self.sections if s.view.hasFocus()), None)
        row = section.view.current_row() if section is not None else None
        return self.open_row(row) if row is not None else None

    # --- opening and finishing ----------------------------------------------------------
    def open_row(
        self, row: AgendaActivity | AgendaOpportunity | ComingEntry
    ) -> ActivityDialog | None:
        if isinstance(row, AgendaOpportunity):
            self.open_opportunity.emit(row.id)
            return None
        if row.opportunity_id is not None:
            self.open_opportunity.emit(row.opportunity_id)
            return None
        activity_id = row.activity_id if isinstance(row, ComingEntry) else row.id
        if activity_id is None:
            return None
        dialog = ActivityDialog(activity_id, self.current_user_id, self)
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.saved.connect(lambda _id: self.refresh())
        dialog.open()
        return dialog

    def mark_done(self, section: AgendaSection | None = None) -> bool:
        """Mark the activity selected in `section` (the overdue list by default) as done."""
        section = section or self.overdue
        row = section.view.current_row()
        if not _can_finish(row):
            return False
        current = section.view.currentIndex().row()
        try:
            activities.set_done(row.id)
        except (ValidationError, NotFound) as exc:
            self.refresh()
            self._say(_("Not marked done: {reason}").format(reason=exc))
            return False
        self.refresh()
        # The next one down is selected, so a run of them is ticked off with the keyboard
        # (in today's list the one done stays, greyed, and the next is one further down).
        remaining = section.model.rowCount()
        if remaining:
            step = 1 if section is self.today else 0
            section.view.setCurrentIndex(section.model.index(min(current + step, remaining - 1), 0))
        section.view.setFocus()
        return True

    def _enable(self) -> None:
        self.done_button.setEnabled(_can_finish(self.overdue.view.current_row()))
        self.today_done_button.setEnabled(_can_finish(self.today.view.current_row()))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- Qt overrides -------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if (
            self._read_at is None
            or (datetime.now() - self._read_at).total_seconds() > STALE_AFTER_SECONDS
        ):
            self.refresh()
