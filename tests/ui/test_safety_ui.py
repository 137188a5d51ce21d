"""What the user sees of backups and errors: the restore dialog, the damaged-database
offer, the network-share warning, and errors in words with the log named."""

from __future__ import annotations

import logging
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import peewee
import pytest
from PySide6.QtWidgets import QMessageBox

from app.db.connection import database
from app.services import backups, workspace
from app.services.workspace import UserInfo
from tests import factories
from tests.people import TEST_PASSWORD
from tests.ui.boxes import answer
from ui.admin.restore_dialog import RestoreDialog
from ui.shell import error_dialog
from ui.shell.main_window import MainWindow
from ui.shell.startup import DamagedDatabaseBox, network_warning_box, restore_offered


def test_the_restore_dialog_lists_backups_with_date_and_size(qtbot, user: UserInfo) -> None:
    backups.take_backup(now=datetime(2026, 11, 29, 8, 15))
    backups.take_backup(now=datetime(2026, 11, 30, 8, 20))
    dialog = RestoreDialog()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, dialog.COL_DATE).text() == "Nov 30, 2026, 8:20\u202fAM"
    assert dialog.table.item(1, dialog.COL_DATE).text() == "Nov 29, 2026, 8:15\u202fAM"
    assert dialog.table.item(0, dialog.COL_SIZE).text().endswith("KB")
    assert dialog.table.item(0, dialog.COL_KIND).text() == "regular backup"
    assert dialog.selected() == dialog.backups[0]


def test_restoring_from_the_dialog_asks_restores_and_says_which_backup(
    qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.opportunity(user.id, topic="Kept")
    backups.take_backup(now=datetime(2026, 11, 30, 8, 20))
    factories.opportunity(user.id, topic="Made after the backup")
    asked = answer(monkeypatch, "question", QMessageBox.StandardButton.Yes)
    told = answer(monkeypatch, "information")
    dialog = RestoreDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.restored) as signal:
        assert dialog.restore_selected()
    assert "Nov 30, 2026, 8:20\u202fAM" in asked[0]
    assert "Nov 30, 2026, 8:20\u202fAM" in told[0] and "set-aside-" in told[0]
    assert signal.args[0].set_aside is not None
    topics = [r[0] for r in database.execute_sql("SELECT topic FROM opportunity")]
    assert topics == ["Kept"]


def test_saying_no_restores_nothing(qtbot, user: UserInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.opportunity(user.id)
    backups.take_backup()
    factories.opportunity(user.id)
    answer(monkeypatch, "question", QMessageBox.StandardButton.No)
    dialog = RestoreDialog()
    qtbot.addWidget(dialog)
    assert not dialog.restore_selected()
    assert database.execute_sql("SELECT count(*) FROM opportunity").fetchone()[0] == 2


def test_the_main_window_backs_up_and_restores(
    qtbot, user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.backup_action.trigger()
    assert "Backed up to" in window.statusBar().currentMessage()
    factories.opportunity(user.id, topic="After the backup")
    window.refresh()
    assert window.opportunities.model.rowCount() == 1
    answer(monkeypatch, "question", QMessageBox.StandardButton.Yes)
    answer(monkeypatch, "information")
    dialog = window.open_restore()
    assert dialog.restore_selected()
    # The restored database's users sign in against it: the window is locked until then.
    assert window.lock_screen is not None
    assert "Restored the backup" in window.statusBar().currentMessage()
    window.lock_screen.password.setText(TEST_PASSWORD)  # type: ignore[attr-defined]
    window.lock_screen.unlock()  # type: ignore[attr-defined]
    assert window.lock_screen is None
    assert window.opportunities.model.rowCount() == 0
    assert window.user.username == "anna"


def _damaged(db: Path, user: UserInfo, table: str = "opportunity") -> None:
    for n in range(20):
        factories.opportunity(user.id, topic=f"Filler {n}")
    workspace.close_database()
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        page = root.fetchone()[0]
    conn.close()
    with db.open("r+b") as file:
        file.seek((page - 1) * page_size + 8)
        file.write(b"\xff" * (page_size - 16))


def test_a_damaged_database_offers_the_newest_good_backup(
    qtbot, user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.opportunity(user.id, topic="Safe in the backup")
    good = backups.take_backup(now=datetime(2026, 11, 30, 7, 0))
    _damaged(db, user)
    problems = workspace.quick_check(db)
    assert problems
    box = DamagedDatabaseBox(db, problems, backups.newest_good_backup())
    qtbot.addWidget(box)
    assert "integrity check" in box.text() and "Nov 30, 2026, 7:00\u202fAM" in box.text()
    assert box.restore_button is not None and box.defaultButton() is box.restore_button
    told = answer(monkeypatch, "information")
    assert restore_offered(box, db)
    assert good.name in told[0]
    assert workspace.quick_check(db) == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT topic FROM opportunity").fetchall() == [("Safe in the backup",)]


def test_with_no_backup_the_damaged_database_box_only_quits(
    qtbot, user: UserInfo, db: Path
) -> None:
    _damaged(db, user)
    box = DamagedDatabaseBox(db, workspace.quick_check(db), backups.newest_good_backup())
    qtbot.addWidget(box)
    assert box.restore_button is None and "no good backup" in box.text()


def test_the_network_warning_box(qtbot) -> None:
    box = network_warning_box("The database is on a network share (cifs at /mnt/sales).")
    qtbot.addWidget(box)
    assert box.windowTitle() == "Database on a network share"
    assert "cifs" in box.text()


def test_an_error_the_user_can_act_on_is_shown_in_words(qtbot, tmp_path: Path) -> None:
    exc = peewee.OperationalError(sqlite3.OperationalError("database or disk is full"))
    box = error_dialog.problem_box(exc, tmp_path / "showroom.log")
    qtbot.addWidget(box)
    assert box.windowTitle() == "The disk is full"
    assert "Free some space" in box.text()


def test_any_other_error_names_the_log_file(qtbot, tmp_path: Path) -> None:
    box = error_dialog.problem_box(KeyError("topic"), tmp_path / "logs" / "showroom.log")
    qtbot.addWidget(box)
    assert box.windowTitle() == "Something went wrong"
    assert str(tmp_path / "logs" / "showroom.log") in box.text()


def test_the_exception_hook_logs_the_traceback_and_shows_the_box(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    previous = sys.excepthook
    hook = error_dialog.install_excepthook(tmp_path / "showroom.log")
    try:
        assert sys.excepthook is hook
        try:
            {}["topic"]
        except KeyError as exc:
            with caplog.at_level(logging.ERROR):
                hook(KeyError, exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert len(shown) == 1 and "showroom.log" in shown[0]
    assert "Traceback" in caplog.text and "test_the_exception_hook" in caplog.text


def test_the_log_is_a_rotating_file_in_the_log_folder(data_dir: Path) -> None:
    from logging.handlers import RotatingFileHandler

    from app import logs

    path = logs.configure()
    root = logging.getLogger()
    try:
        handlers = [h for h in root.handlers if isinstance(h, RotatingFileHandler)]
        assert path == data_dir / "logs" / "showroom.log"
        assert [Path(h.baseFilename) for h in handlers] == [path]
        assert handlers[0].maxBytes > 0 and handlers[0].backupCount > 0
    finally:
        for handler in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
            root.removeHandler(handler)
            handler.close()


def test_the_start_up_checks_run_beside_the_window_and_take_the_daily_backup(
    qtbot, user: UserInfo, db: Path
) -> None:
    from ui.shell.startup import StartupChecks

    factories.opportunity(user.id)
    checks = StartupChecks(db)
    with qtbot.waitSignal(checks.backed_up, timeout=10_000) as taken:
        checks.start()
    assert checks.wait(10)
    assert taken.args[0].path.exists() and taken.args[0].kind == "regular backup"
    # Once a day: the next start takes none.
    again = StartupChecks(db)
    with qtbot.waitSignal(again.done, timeout=10_000):
        again.start()
    assert len(backups.list_backups()) == 1


def test_the_start_up_checks_report_a_damaged_database_and_the_window_restores(
    qtbot, user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.shell.startup import StartupChecks

    factories.opportunity(user.id, topic="Safe in the backup")
    backups.take_backup(now=datetime(2026, 11, 30, 7, 0))
    # Damage the window does not trip over (it lists opportunities, not stage changes).
    _damaged(db, user, table="stage_change")
    workspace.open_database(db)
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    chosen: list[str] = []

    def click_restore(box: QMessageBox) -> int:
        chosen.append(box.text())
        box.restore_button.click()  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restore)
    told = answer(monkeypatch, "information")
    checks = StartupChecks(db, window)
    checks.damaged.connect(window.on_damaged_database)
    with qtbot.waitSignal(checks.done, timeout=10_000):
        checks.start()
    qtbot.waitUntil(lambda: bool(told), timeout=5_000)
    assert "Nov 30, 2026, 7:00\u202fAM" in chosen[0]
    assert workspace.quick_check(db) == []
    assert "Restored the backup" in told[0]
    # Whoever goes on signs in against the restored database; its list is read then.
    assert window.lock_screen is not None
    window.lock_screen.password.setText(TEST_PASSWORD)  # type: ignore[attr-defined]
    window.lock_screen.unlock()  # type: ignore[attr-defined]
    assert window.opportunities.model.rowCount() == 1


def test_the_start_up_checks_call_a_held_database_busy_and_offer_no_restore(
    qtbot, user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.db import backups as db_backups
    from ui.shell.startup import StartupChecks

    factories.opportunity(user.id)
    backups.take_backup(now=datetime(2026, 11, 30, 7, 0))
    monkeypatch.setattr(db_backups, "BUSY_TIMEOUT_S", 0.1)
    workspace.close_database()
    other = sqlite3.connect(db, timeout=0.1)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    damaged: list[list[str]] = []
    said: list[str] = []
    checks = StartupChecks(db)
    checks.damaged.connect(damaged.append)
    checks.backup_failed.connect(said.append)
    try:
        with qtbot.waitSignal(checks.done, timeout=10_000):
            checks.start()
    finally:
        other.rollback()
        other.close()
    assert damaged == []
    assert len(said) == 1 and "The database is busy" in said[0]


def test_a_database_whose_header_is_gone_is_restored_in_place(user: UserInfo, db: Path) -> None:
    factories.opportunity(user.id, topic="Safe in the backup")
    copy = backups.take_backup()
    workspace.close_database()
    with db.open("r+b") as file:
        file.write(b"\x00" * 4096)
    assert workspace.quick_check(db)
    result = backups.restore(copy.path, db)
    assert workspace.quick_check(db) == []
    assert result.set_aside is not None and result.set_aside.read_bytes()[:16] == b"\x00" * 16
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT topic FROM opportunity").fetchall() == [("Safe in the backup",)]


def test_opening_an_unreadable_database_offers_the_newest_good_backup(
    qtbot, user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    import main
    import ui.shell.startup

    factories.opportunity(user.id, topic="Safe in the backup")
    copy = backups.take_backup()
    workspace.close_database()
    with db.open("r+b") as file:
        file.write(b"\x00" * 4096)
    offered: list[str] = []

    def offer(path: Path, problems: list[str], parent: object) -> bool:
        offered.append(problems[0])
        backups.restore(copy.path, path)
        return True

    monkeypatch.setattr(ui.shell.startup, "offer_restore", offer)
    from tests.people import TEST_PASSWORD
    from ui.shell.sign_in_window import SignInDialog

    def anna_signs_in(dialog: SignInDialog) -> int:
        # The sign-in window, pre-filled with --user, on the restored database.
        assert dialog.login.text() == "anna"
        dialog.password.setText(TEST_PASSWORD)
        dialog.sign_in_button.click()
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", anna_signs_in)
    args = argparse.Namespace(user="anna", demo=False, smoke=False)
    window = MainWindow(None, db)
    qtbot.addWidget(window)
    dialog = SignInDialog(None, "anna", opening="Opening the database …")
    qtbot.addWidget(dialog)
    dialog.show()
    assert main._open(args, db.parent / "logs" / "showroom.log", window, dialog) is None
    assert offered and "not a database" in offered[0]
    # The window is signed in on the restored database and lists what the backup held.
    assert window.signed_in and window.user.username == "anna"
    assert window.model.rowCount() == 1
