"""Restoring a backup: the list of backups with their dates and sizes, and the restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import label
from app.domain.reading import format_moment
from app.i18n import _
from app.services import backups, workspace
from app.services.backups import BackupError, BackupInfo, RestoreResult
from ui.common.qt import NO, YES
from ui.common.roles import VALUE_ROLE


class RestoreDialog(QDialog):
    """Pick a backup and restore it. The current database is set aside first; when done,
    `restored` carries what was restored and where the old database went."""

    restored = Signal(object)  # RestoreResult

    COL_DATE, COL_KIND, COL_SIZE, COL_FILE = range(4)
    HEADER_FIELDS = ("backup.taken_at", "backup.kind", "backup.size", "backup.name")

    def __init__(self, database_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Restore from a backup"))
        self.database_path = database_path
        self.restore_result: RestoreResult | None = None
        intro = QLabel(
            _(
                "Restoring replaces the whole database with the backup: whatever was saved "
                "after the backup was taken is no longer in it. The database as it is now is "
                "kept in the backup folder first, so nothing is thrown away."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([label(key) for key in self.HEADER_FIELDS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            self.COL_FILE, QHeaderView.ResizeMode.Stretch
        )
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.empty = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = self.buttons.addButton(
            _("&Restore"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.clicked.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.resize(760, 420)
        self.load()

    def load(self) -> None:
        self.backups = backups.list_backups()
        self.table.setRowCount(len(self.backups))
        for row, copy in enumerate(self.backups):
            cells = [format_moment(copy.taken_at), copy.kind, copy.size_label, copy.name]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(VALUE_ROLE, str(copy.path))
                if column == self.COL_SIZE:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        if self.backups:
            self.table.selectRow(0)
        self.empty.setText("" if self.backups else _("There are no backups yet."))
        self.restore_button.setEnabled(bool(self.backups))

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def restore_selected(self) -> bool:
        copy = self.selected()
        if copy is None:
            return False
        answer = QMessageBox.question(
            self,
            _("Restore this backup?"),
            _(
                "Replace the database with the backup of {taken} ({kind})? Changes saved after "
                "it was taken will no longer be in the database; the database as it is now is "
                "kept aside."
            ).format(taken=format_moment(copy.taken_at), kind=copy.kind),
            YES | NO,
            NO,
        )
        if answer != YES:
            return False
        try:
            result = backups.restore_chosen(copy.path, self.database_path)
        except (BackupError, workspace.DatabaseTooNew) as exc:
            QMessageBox.warning(self, _("Not restored"), str(exc))
            return False
        self.restore_result = result
        self.restored.emit(result)
        QMessageBox.information(self, _("Backup restored"), result.message)
        self.accept()
        return True
