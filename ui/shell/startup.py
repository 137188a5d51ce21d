"""What the program says as it opens the database, over its window: a database on a
network share, and a database that fails its quick check (with the newest good backup on
offer)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app import logs
from app.domain.reading import format_moment
from app.i18n import _
from app.services import backups, errors, workspace
from app.services.backups import BackupError, BackupInfo

log = logging.getLogger(__name__)


def network_warning_box(text: str, parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, _("Database on a network share"), text, parent=parent
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_network_warning(text: str, parent: QWidget | None = None) -> None:
    network_warning_box(text, parent).exec()


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
        self.setWindowTitle(_("The database is damaged"))
        damaged = _(
            "The database {path} fails SQLite's integrity check, so Showroom does not open "
            "it: working in a damaged database can lose more data."
        ).format(path=database_path)
        if backup is not None:
            way_out = _(
                "The newest good backup is from {taken} ({name}). Restoring it brings back the "
                "data as it was then; the damaged database is kept aside in the backup folder."
            ).format(taken=format_moment(backup.taken_at), name=backup.name)
        else:
            way_out = _(
                "There is no good backup to restore. Keep the file as it is and ask whoever "
                "looks after Showroom at your site for help."
            )
        self.setText(f"{damaged}\n\n{way_out}")
        self.setDetailedText("\n".join(problems[:50]))
        self.restore_button = (
            self.addButton(_("&Restore this backup"), QMessageBox.ButtonRole.AcceptRole)
            if backup is not None
            else None
        )
        self.quit_button = self.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button or self.quit_button)


def offer_restore(database_path: Path, problems: list[str], parent: QWidget | None = None) -> bool:
    """Ask; restore the newest good backup if wanted. True when the program may go on."""
    box = DamagedDatabaseBox(database_path, problems, backups.newest_good_backup(), parent)
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
            _("Not restored"),
            _("{error}\n\nDetails are in {log_file}.").format(error=exc, log_file=logs.log_file()),
        )
        return False
    QMessageBox.information(None, _("Backup restored"), result.message)
    return True


class StartupChecks(QObject):
    """The start-up work that reads the whole file, done beside the first window so that it
    opens at once: SQLite's quick check, then the daily backup when one is due. Results
    come back as signals, in the window's thread."""

    damaged = Signal(list)  # what the quick check found
    backed_up = Signal(object)  # BackupInfo
    backup_failed = Signal(str)
    done = Signal()

    def __init__(self, database_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="start-up checks", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """True when the checks have finished."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        try:
            try:
                problems = workspace.quick_check(self.database_path)
            except Exception as exc:
                # Not damage (that is what the check reports): the file is held by another
                # program, or the disk cannot be read. Said as what it is, no restore offered.
                log.warning("the start-up check could not read the database: %s", exc)
                problem = errors.user_problem(exc)
                self.backup_failed.emit(
                    _("The start-up check could not read the database: {problem}").format(
                        problem=problem.title if problem else exc
                    )
                )
                return
            if problems:
                log.error("the database fails its quick check: %s", "; ".join(problems[:10]))
                self.damaged.emit(problems)
                return
            try:
                taken = backups.backup_if_due()
            except Exception as exc:
                log.warning("the start-up backup failed: %s", exc, exc_info=True)
                problem = errors.user_problem(exc)
                self.backup_failed.emit(
                    _("The start-up backup failed: {problem}").format(
                        problem=problem.title if problem else exc
                    )
                )
            else:
                if taken is not None:
                    self.backed_up.emit(taken)
        finally:
            # This thread's own connection (peewee keeps one per thread).
            workspace.close_database()
            self.done.emit()
