"""For sales managers: the retention period, the dry run of the purge (what would go, what
is kept and why), and the purge itself after a confirmation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.validation import ValidationError
from app.services import retention
from app.services.retention import PurgePlan, PurgeResult
from app.services.stage_setup import NotAllowed
from ui.common.qt import NO, YES


class PurgeDialog(QDialog):
    """Set how long closed sales are kept; see what a purge would delete; purge."""

    purged = Signal(object)  # PurgeResult

    COL_ID, COL_TOPIC, COL_CUSTOMER, COL_STATUS, COL_CLOSED, COL_ACTIVITIES = range(6)

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Purge old closed sales")
        self.today = today or date.today()
        self.dry_run: PurgePlan | None = None
        intro = QLabel(
            "Closed opportunities older than the retention period are deleted with their "
            "activities and history. Sales with a signed order form are kept. The list below "
            "is a dry run: nothing is deleted until you purge and confirm."
        )
        intro.setWordWrap(True)
        self.months = QSpinBox()
        self.months.setRange(retention.MIN_MONTHS, retention.MAX_MONTHS)
        self.months.setSuffix(" months")
        self.months.setValue(retention.retention_months())
        self.save_period_button = QPushButton("&Keep for this long")
        self.save_period_button.clicked.connect(self.save_period)
        period = QHBoxLayout()
        period.addWidget(QLabel("Keep closed sales for"))
        period.addWidget(self.months)
        period.addWidget(self.save_period_button)
        period.addStretch(1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            ["#", "Topic", "Customer", "Status", "Closed", "Activities"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            self.COL_TOPIC, QHeaderView.ResizeMode.Stretch
        )
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.purge_button = self.buttons.addButton(
            "&Purge…", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.purge_button.clicked.connect(self.purge)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(period)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        self.resize(860, 520)
        self.refresh()

    def refresh(self) -> None:
        """The dry run, again."""
        plan = retention.plan(self.today)
        self.dry_run = plan
        self.table.setRowCount(len(plan.candidates))
        for row, c in enumerate(plan.candidates):
            cells = [
                str(c.id),
                c.topic,
                c.account_name,
                c.status,
                c.closed_at.date().isoformat(),
                str(c.activities),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (self.COL_ID, self.COL_ACTIVITIES):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.summary.setText(
            f"Kept for {plan.months} months. A purge now would delete {plan.summary}."
            if plan.candidates
            else f"Kept for {plan.months} months. Nothing closed before "
            f"{plan.cutoff.isoformat()} is due for deletion."
        )
        self.kept.setText(
            "Kept: " + "; ".join(f"#{k.id} {k.topic} ({k.reason})" for k in plan.kept)
            if plan.kept
            else ""
        )
        self.purge_button.setEnabled(bool(plan.candidates))

    def save_period(self) -> bool:
        try:
            retention.set_retention_months(self.months.value())
        except (ValidationError, NotAllowed) as exc:
            QMessageBox.warning(self, "Not changed", str(exc))
            return False
        self.refresh()
        return True

    def purge(self) -> PurgeResult | None:
        plan = self.dry_run
        if plan is None or not plan.candidates:
            return None
        answer = QMessageBox.question(
            self,
            "Purge these sales?",
            f"Delete {plan.summary}? This cannot be undone (the backups still hold them).",
            YES | NO,
            NO,
        )
        if answer != YES:
            return None
        try:
            result = retention.purge(plan, self.today)
        except NotAllowed as exc:
            QMessageBox.warning(self, "Not purged", str(exc))
            return None
        self.purged.emit(result)
        QMessageBox.information(
            self,
            "Purged",
            f"Deleted {result.opportunities} closed opportunities with {result.activities} "
            "activities.",
        )
        self.refresh()
        return result
