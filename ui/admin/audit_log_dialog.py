"""The audit log read in the program (Right.READ_AUDIT): who changed what and when, newest
first, filtered by kind of record and its number, user and dates, a page at a time (the
filtering and paging are done in SQL)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current
from app.services import audit_log
from app.services.audit_log import AuditFilter, AuditLine
from app.services.errors import NotAllowed
from ui.common.list_filters import fill_filter_combo
from ui.common.qt import CLOSE_BUTTON
from ui.common.table_model import Column, RowTableModel, summary_table
from ui.common.texts import FieldLabel
from ui.common.widgets import DateEdit

PAGE = 200


class AuditTableModel(RowTableModel[AuditLine]):
    columns = (
        Column(
            FieldLabel("audit.at"),
            lambda r: current().format_datetime(r.at, "short"),
            lambda r: r.at,
        ),
        Column(FieldLabel("audit.user"), lambda r: r.user),
        Column(FieldLabel("audit.record"), lambda r: r.record),
        Column(FieldLabel("audit.action"), lambda r: r.action),
        Column(FieldLabel("audit.changes"), lambda r: r.changes),
    )


class AuditLogDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Audit log"))
        self.offset = 0
        self.total = 0
        self.entity = QComboBox()
        self.number = QSpinBox()
        self.number.setRange(0, 2_000_000_000)
        self.number.setSpecialValueText(_("any number"))
        self.user = QComboBox()
        self.dates = QCheckBox(_("From"))
        self.since = DateEdit()
        self.until = DateEdit()
        today = today or date.today()
        self.since.set_date_value(date(today.year, today.month, 1))
        self.until.set_date_value(today)
        kinds, users = audit_log.filter_choices()
        fill_filter_combo(self.entity, _("Any record"), kinds)
        fill_filter_combo(self.user, _("Anyone"), users)
        self.model = AuditTableModel(self)
        self.table = summary_table(self.model)
        self.previous_button = QPushButton(_("&Previous"))
        self.next_button = QPushButton(_("&Next"))
        self.position = QLabel()
        filters = QHBoxLayout()
        for widget in (self.entity, QLabel("#"), self.number, self.user, self.dates):
            filters.addWidget(widget)
        filters.addWidget(self.since)
        filters.addWidget(QLabel("–"))
        filters.addWidget(self.until)
        filters.addStretch(1)
        paging = QHBoxLayout()
        paging.addWidget(self.position, 1)
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)
        close = QDialogButtonBox(CLOSE_BUTTON)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(paging)
        layout.addWidget(close)
        for combo in (self.entity, self.user):
            combo.currentIndexChanged.connect(self.first_page)
        self.number.valueChanged.connect(self.first_page)
        self.dates.toggled.connect(self.first_page)
        self.since.dateChanged.connect(self.first_page)
        self.until.dateChanged.connect(self.first_page)
        self.previous_button.clicked.connect(lambda: self.turn(-PAGE))
        self.next_button.clicked.connect(lambda: self.turn(PAGE))
        self.resize(1100, 600)
        self.first_page()

    def current_filter(self) -> AuditFilter:
        dated = self.dates.isChecked()
        return AuditFilter(
            entity=self.entity.currentData() or "",
            entity_id=self.number.value() or None,
            user_id=self.user.currentData(),
            since=self.since.date_value() if dated else None,
            until=self.until.date_value() if dated else None,
        )

    def first_page(self) -> None:
        self.since.setEnabled(self.dates.isChecked())
        self.until.setEnabled(self.dates.isChecked())
        self.offset = 0
        self.show_page()

    def turn(self, by: int) -> None:
        self.offset = max(0, min(self.offset + by, max(self.total - 1, 0)))
        self.show_page()

    def show_page(self) -> None:
        flt = self.current_filter()
        try:
            self.total = audit_log.count(flt)
            self.model.set_rows(audit_log.page(flt, self.offset, PAGE))
        except NotAllowed as exc:
            self.model.set_rows([])
            self.total = 0
            self.position.setText(str(exc))
            return
        shown = self.model.rowCount()
        self.position.setText(
            _("Entries {first}–{last} of {total}").format(
                first=self.offset + 1 if shown else 0, last=self.offset + shown, total=self.total
            )
        )
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.offset + shown < self.total)
