"""What the program says before its first window: a database on a network share, and a
database that fails its quick check (with the newest good backup on offer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app import logs
from app.services import backups, workspace
from app.services.backups import BackupError, BackupInfo


def network_warning_box(text: str, parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Database on a network share", text, parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_network_warning(text: str) -> None:
    network_warning_box(text).exec()


class DamagedDatabaseBox(QMessageBox):
    """The database fails SQLite's quick check: what that means, and the way out."""

    def __init__(
        self,
        database_path: Path,
        problems: list[str],
        backup: BackupInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backup = backup
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("The database is damaged")
        text = (
            f"The database {database_path} fails SQLite's integrity check, so Showroom does "
            "not open it: working in a damaged database can lose more data."
        )
        if backup is not None:
            text += (
                f"\n\nThe newest good backup is from {backup.taken_at:%Y-%m-%d %H:%M} "
                f"({backup.name}). Restoring it brings back the data as it was then; the "
                "damaged database is kept aside in the backup folder."
            )
        else:
            text += (
                "\n\nThere is no good backup to restore. Keep the file as it is and ask "
                "whoever looks after Showroom at your site for help."
            )
        self.setText(text)
        self.setDetailedText("\n".join(problems[:50]))
        self.restore_button = (
            self.addButton("&Restore this backup", QMessageBox.ButtonRole.AcceptRole)
            if backup is not None
            else None
        )
        self.quit_button = self.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button or self.quit_button)


def offer_restore(database_path: Path, problems: list[str]) -> bool:
    """Ask; restore the newest good backup if wanted. True when the program may go on."""
    box = DamagedDatabaseBox(database_path, problems, backups.newest_good_backup())
    box.exec()
    if box.restore_button is None or box.clickedButton() is not box.restore_button:
        return False
    return restore_offered(box, database_path)


def restore_offered(box: DamagedDatabaseBox, database_path: Path) -> bool:
    assert box.backup is not None
    try:
        result = backups.restore(box.backup.path, database_path)
    except (BackupError, workspace.DatabaseTooNew) as exc:
        QMessageBox.critical(
            None,
            "Not restored",
            f"{exc}\n\nDetails are in {logs.log_file()}.",
        )
        return False
    QMessageBox.information(None, "Backup restored", result.message)
    return True
