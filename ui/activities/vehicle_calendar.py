"""The demo fleet's calendar: which demo car is booked for a test drive when, by whom and for
which customer, by day (hour by hour) or by week (day by day)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import reading
from app.domain.reading import format_clock, format_day
from app.i18n import _
from app.services import activities
from app.services.activities import CalendarBooking, VehicleCalendar
from ui.common.qt import NO_EDIT, STRETCH, TO_CONTENTS
from ui.common.roles import ID_ROLE
from ui.common.widgets import DateEdit, fit_to_screen

FIRST_HOUR, LAST_HOUR = 8, 19  # the showroom's day, as the day view shows it


class VehicleCalendarDialog(QDialog):
    """One row per demo-fleet car; the columns are the hours of a day or the days of a
    week. A booked cell names the time, the salesperson and the customer; a double-click
    opens the sale it is for (`open_opportunity`)."""

    open_opportunity = Signal(int)

    def __init__(self, parent: QWidget | None = None, day: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Demo fleet calendar"))
        self.day = day or date.today()
        self.calendar: VehicleCalendar | None = None
        self.day_button = QRadioButton(_("&Day"))
        self.week_button = QRadioButton(_("&Week"))
        self.week_button.setChecked(True)
        views = QButtonGroup(self)
        views.addButton(self.day_button)
        views.addButton(self.week_button)
        self.previous_button = QPushButton(_("&Earlier"))
        self.today_button = QPushButton(_("&Today"))
        self.next_button = QPushButton(_("&Later"))
        self.date_edit = DateEdit()
        self.date_edit.set_date_value(self.day)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.table = QTableWidget()
        self.table.setEditTriggers(NO_EDIT)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(TO_CONTENTS)
        self.empty = QLabel(
            _("No car is in the demo fleet. Set a vehicle's use to “Demo fleet” to book it here.")
        )
        self.empty.setWordWrap(True)
        self.empty.hide()

        bar = QHBoxLayout()
        for widget in (self.day_button, self.week_button, self.previous_button,
                       self.today_button, self.next_button, self.date_edit):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

        self.day_button.toggled.connect(lambda _checked: self.refresh())
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.go_to(date.today()))
        self.date_edit.dateChanged.connect(lambda _d: self.go_to(self.date_edit.date_value()))
        self.table.cellDoubleClicked.connect(self._open_cell)
        fit_to_screen(self, 1880, 1000)
        self.refresh()

    @property
    def week_view(self) -> bool:
        return self.week_button.isChecked()

    def first_day(self) -> date:
        # A week ahead from the day chosen: the bookings to come, not the days gone by.
        return self.day

    def go_to(self, day: date | None) -> None:
        if day is not None and day != self.day:
            self.day = day
            self.refresh()

    def step(self, steps: int) -> None:
        self.go_to(self.day + timedelta(days=steps * (7 if self.week_view else 1)))

    def refresh(self) -> None:
        first = self.first_day()
        days = 7 if self.week_view else 1
        columns: list[Any]
        self.calendar = activities.vehicle_calendar(first, days)
        self.date_edit.blockSignals(True)
        self.date_edit.set_date_value(self.day)
        self.date_edit.blockSignals(False)
        if self.week_view:
            last = first + timedelta(days=6)
            self.title.setText(
                _("{first} to {last}").format(first=format_day(first), last=format_day(last))
            )
            columns = [first + timedelta(days=n) for n in range(7)]
            headers = [f"{_weekday(d)} {reading.format_day_month(d)}" for d in columns]
        else:
            self.title.setText(f"{_weekday(first)} {format_day(first)}")
            columns = list(range(FIRST_HOUR, LAST_HOUR + 1))
            headers = [f"{hour:02d}:00" for hour in columns]
        cars = self.calendar.cars
        self.empty.setVisible(not cars)
        self.table.clear()
        self.table.setRowCount(len(cars))
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setVerticalHeaderLabels([car.label for car in cars])
        row_of = {car.id: n for n, car in enumerate(cars)}
        cells: dict[tuple[int, int], list[CalendarBooking]] = {}
        for booking in self.calendar.bookings:
            row = row_of.get(booking.vehicle_id)
            if row is None:
                continue
            for column, key in enumerate(columns):
                if self._covers(booking, first, key):
                    cells.setdefault((row, column), []).append(booking)
        for (row, column), bookings in cells.items():
            item = QTableWidgetItem("\n".join(_booking_text(b) for b in bookings))
            opportunity = next((b.opportunity_id for b in bookings if b.opportunity_id), None)
            item.setData(ID_ROLE, opportunity)
            item.setToolTip(item.text())
            self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(STRETCH)
        self.table.resizeRowsToContents()

    def booked_cells(self) -> dict[tuple[int, int], str]:
        """What the table shows, by (row, column): for the tests and the screen reader."""
        return {
            (r, c): item.text()
            for r in range(self.table.rowCount())
            for c in range(self.table.columnCount())
            if (item := self.table.item(r, c)) is not None
        }

    def _covers(self, booking: CalendarBooking, first: date, key: date | int) -> bool:
        if isinstance(key, date):
            return booking.starts_at.date() == key
        start = datetime.combine(first, time(key))
        return booking.starts_at < start + timedelta(hours=1) and booking.ends_at > start

    def _open_cell(self, row: int, column: int) -> None:
        item = self.table.item(row, column)
        opportunity_id = item.data(ID_ROLE) if item is not None else None
        if opportunity_id:
            self.open_opportunity.emit(int(opportunity_id))


def _weekday(day: date) -> str:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return names[day.weekday()]


def _booking_text(booking: CalendarBooking) -> str:
    return _("{start}–{end} {owner}, {customer}").format(
        start=format_clock(booking.starts_at),
        end=format_clock(booking.ends_at),
        owner=booking.owner or _("no owner"),
        customer=booking.customer or "—",
    )
