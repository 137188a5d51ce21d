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

from app import i18n
from app.domain.choices import Status
from app.domain.fields import label
from app.domain.reading import format_day
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import retention
from app.services.errors import ConflictError
from app.services.retention import PurgePlan, PurgeResult
from app.services.stage_setup import NotAllowed
from ui.common.qt import NO, YES


def _status(code: str) -> str:
    """A closed sale's status in words ("Won", "Lost")."""
    try:
        return Status(code).label
    except ValueError:
        return code


class PurgeDialog(QDialog):
    """Set how long closed sales are kept; see what a purge would delete; purge."""

    purged = Signal(object)  # PurgeResult

    COL_ID, COL_TOPIC, COL_CUSTOMER, COL_STATUS, COL_CLOSED, COL_ACTIVITIES = range(6)
    HEADER_FIELDS = (
        "opportunity.topic",
        "opportunity.account_id",
        "opportunity.status",
        "opportunity.closed_at",
        "opportunity.activities",
    )

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Purge old closed sales"))
        self.today = today or date.today()
        self.dry_run: PurgePlan | None = None
        intro = QLabel(
            _(
                "Closed opportunities older than the retention period are deleted with their "
                "activities, history, quotes and the quotes' PDFs, and so are leads never "
                "converted that nobody changed for as long. Sales with a signed order form "
                "are kept. The list below is a dry run: nothing is deleted until you purge "
                "and confirm."
            )
        )
        intro.setWordWrap(True)
        self.months = QSpinBox()
        self.months.setRange(retention.MIN_MONTHS, retention.MAX_MONTHS)
        # TRANSLATORS: after the number of months in a spin box (at least 12).
        self.months.setSuffix(_(" months"))
        self.months.setValue(retention.retention_months())
        self.period_version = retention.retention_version()
        self.save_period_button = QPushButton(_("&Keep for this long"))
        self.save_period_button.clicked.connect(self.save_period)
        period = QHBoxLayout()
        period.addWidget(QLabel(_("Keep closed sales for")))
        period.addWidget(self.months)
        period.addWidget(self.save_period_button)
        period.addStretch(1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["#", *(label(key) for key in self.HEADER_FIELDS)])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            self.COL_TOPIC, QHeaderView.ResizeMode.Stretch
        )
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.purge_button = self.buttons.addButton(
            _("&Purge…"), QDialogButtonBox.ButtonRole.DestructiveRole
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
                _status(c.status),
                format_day(c.closed_at.date()),
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
        if plan.anything:
            summary = ngettext(
                "Kept for {n} month. A purge now would delete {what}.",
                "Kept for {n} months. A purge now would delete {what}.",
                plan.months,
            ).format(n=plan.months, what=plan.summary)
        else:
            summary = ngettext(
                "Kept for {n} month. Nothing closed before {cutoff} is due for deletion.",
                "Kept for {n} months. Nothing closed before {cutoff} is due for deletion.",
                plan.months,
            ).format(n=plan.months, cutoff=format_day(plan.cutoff))
        self.summary.setText(summary)
        kept = "; ".join(
            _("#{number} {topic} ({reason})").format(number=k.id, topic=k.topic, reason=k.reason)
            for k in plan.kept
        )
        self.kept.setText(_("Kept: {opportunities}").format(opportunities=kept) if kept else "")
        self.purge_button.setEnabled(plan.anything)

    def save_period(self) -> bool:
        try:
            retention.set_retention_months(self.months.value(), self.period_version)
        except ConflictError as exc:
            # One number: what was saved elsewhere is shown, and the user may set theirs again.
            self.months.setValue(retention.retention_months())
            self.period_version = retention.retention_version()
            QMessageBox.warning(
                self,
                _("Not changed"),
                ngettext(
                    "{reason} It is now {n} month; set it again to change it.",
                    "{reason} It is now {n} months; set it again to change it.",
                    self.months.value(),
                ).format(reason=exc, n=self.months.value()),
            )
            self.refresh()
            return False
        except (ValidationError, NotAllowed) as exc:
            QMessageBox.warning(self, _("Not changed"), str(exc))
            return False
        self.period_version = retention.retention_version()
        self.refresh()
        return True

    def purge(self) -> PurgeResult | None:
        plan = self.dry_run
        if plan is None or not plan.anything:
            return None
        answer = QMessageBox.question(
            self,
            _("Purge these sales?"),
            _("Delete {what}? This cannot be undone (the backups still hold them).").format(
                what=plan.summary
            ),
            YES | NO,
            NO,
        )
        if answer != YES:
            return None
        try:
            result = retention.purge(plan, self.today)
        except NotAllowed as exc:
            QMessageBox.warning(self, _("Not purged"), str(exc))
            return None
        self.purged.emit(result)
        activities = ngettext("{n} activity", "{n} activities", result.activities).format(
            n=i18n.current().format_number(result.activities)
        )
        text = ngettext(
            "Deleted {n} closed opportunity with {activities}.",
            "Deleted {n} closed opportunities with {activities}.",
            result.opportunities,
        ).format(n=i18n.current().format_number(result.opportunities), activities=activities)
        if result.leads:
            text += " " + ngettext(
                "Deleted {n} lead never converted.",
                "Deleted {n} leads never converted.",
                result.leads,
            ).format(n=i18n.current().format_number(result.leads))
        QMessageBox.information(self, _("Purged"), text)
        self.refresh()
        return result
