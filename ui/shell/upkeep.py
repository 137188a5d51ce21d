"""The main window's upkeep: backups, restore, purge, the start-up checks and the demo data.
MainWindow inherits it; like the window's frame, it loads nothing until it is used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow

from app.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from app.demo import DemoSummary
    from app.services.backups import RestoreResult
    from app.services.workspace import UserInfo
    from ui.admin.purge_dialog import PurgeDialog
    from ui.admin.restore_dialog import RestoreDialog
    from ui.shell.startup import StartupChecks


def _counted(parts: list[str]) -> str:
    """Counts in a row: "2 businesses, 3 facilities"."""
    return pgettext("list separator", ", ").join(parts)


def demo_summary_text(summary: DemoSummary) -> str:
    """What loading the demo data brought, each count with its own plural."""
    s = summary
    contacts = ngettext("{n} contact", "{n} contacts", s.contacts).format(n=s.contacts)
    parts = [
        ngettext("{n} business", "{n} businesses", s.businesses).format(n=s.businesses),
        ngettext("{n} facility", "{n} facilities", s.facilities).format(n=s.facilities),
        ngettext("{n} user", "{n} users", s.users).format(n=s.users),
        ngettext("{n} catalogue variant", "{n} catalogue variants", s.catalogue_entries).format(
            n=s.catalogue_entries
        ),
        ngettext("{n} vehicle", "{n} vehicles", s.vehicles).format(n=s.vehicles),
        ngettext(
            "{n} customer with {contacts}", "{n} customers with {contacts}", s.accounts
        ).format(n=s.accounts, contacts=contacts),
        ngettext("{n} lead", "{n} leads", s.leads).format(n=s.leads),
        ngettext("{n} opportunity", "{n} opportunities", s.opportunities).format(n=s.opportunities),
        ngettext("{n} quote", "{n} quotes", s.quotes).format(n=s.quotes),
        ngettext("{n} order form", "{n} order forms", s.order_forms).format(n=s.order_forms),
        ngettext("{n} order", "{n} orders", s.orders).format(n=s.orders),
        ngettext("{n} activity", "{n} activities", s.activities).format(n=s.activities),
    ]
    return _("Loaded the demo dealership: {summary}.").format(summary=_counted(parts))


class UpkeepWindow(QMainWindow):
    """The menu commands that look after the database rather than the sales."""

    database_path: Path
    user: UserInfo
    demo_action: QAction
    checks: StartupChecks
    refresh_on_unlock: bool

    if TYPE_CHECKING:

        def refresh(self) -> None: ...

        def _show_dialog(self, dialog: QDialog) -> None: ...

    # --- backups ----------------------------------------------------------------------
    def back_up_now(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from app.services import backups
        from app.services.backups import BackupError

        try:
            copy = backups.back_up_now()
        except BackupError as exc:
            QMessageBox.warning(self, _("No backup taken"), str(exc))
            return
        self.statusBar().showMessage(
            _("Backed up to {path} ({size}).").format(path=copy.path, size=copy.size_label), 15_000
        )

    def open_restore(self) -> RestoreDialog:
        from ui.admin.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.database_path, self)
        dialog.restored.connect(self._after_restore)
        self._show_dialog(dialog)
        return dialog

    def open_purge(self) -> PurgeDialog:
        from ui.admin.purge_dialog import PurgeDialog

        dialog = PurgeDialog(parent=self)
        dialog.purged.connect(lambda _result: self.refresh())
        self._show_dialog(dialog)
        return dialog

    # --- start-up checks ----------------------------------------------------------------
    def start_checks(self) -> StartupChecks:
        """The quick check and the daily backup, in the background."""
        from ui.shell.startup import StartupChecks

        self.checks = StartupChecks(self.database_path, self)
        self.checks.damaged.connect(self.on_damaged_database)
        self.checks.backed_up.connect(
            lambda copy: self.statusBar().showMessage(
                _("Backed up at start-up: {name}").format(name=copy.name), 15_000
            )
        )
        self.checks.backup_failed.connect(lambda text: self.statusBar().showMessage(text, 30_000))
        self.checks.start()
        return self.checks

    def on_damaged_database(self, problems: list[str]) -> None:
        """The quick check failed: say so and offer the newest good backup, or quit."""
        from PySide6.QtWidgets import QMessageBox

        from app.services import backups, workspace
        from app.services.backups import BackupError
        from ui.shell.startup import DamagedDatabaseBox

        box = DamagedDatabaseBox(
            self.database_path, problems, backups.newest_good_backup(), parent=self
        )
        box.exec()
        if box.restore_button is None or box.clickedButton() is not box.restore_button:
            self.close()
            return
        assert box.backup is not None
        try:
            result = backups.restore(box.backup.path, self.database_path)
        except (BackupError, workspace.DatabaseTooNew) as exc:
            QMessageBox.critical(self, _("Not restored"), str(exc))
            self.close()
            return
        self._after_restore(result)
        QMessageBox.information(self, _("Backup restored"), result.message)

    def _after_restore(self, result: RestoreResult) -> None:
        from app.services import sign_in, workspace
        from ui.shell import session

        # The restored database has its own users and passwords: whoever goes on signs in
        # against it (the lock screen); until then nobody is signed in, and nothing is read
        # for the lists: they are read again once someone is.
        sign_in.sign_out()
        self.demo_action.setEnabled(not workspace.has_opportunities())
        self.statusBar().showMessage(result.message, 30_000)
        self.refresh_on_unlock = True
        session.lock(self)  # type: ignore[arg-type]

    def load_demo_data(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type is costly to build at start-up

        from app import demo
        from app.services import workspace

        if workspace.has_opportunities():
            QMessageBox.information(
                self,
                _("Demo data"),
                _(
                    "This database already holds opportunities; demo data goes only into an "
                    "empty one."
                ),
            )
            return
        summary = demo.load_demo()
        self.demo_action.setEnabled(False)
        self.refresh()
        QMessageBox.information(self, _("Demo data"), demo_summary_text(summary))
