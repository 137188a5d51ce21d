"""The headless commands (backup, backups, restore, check) and start-up refusals."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

import main
from app.domain import reading
from app.services import backups, workspace
from tests import factories, people


@pytest.fixture(autouse=True)
def _as_anna(signed_in_commands: None) -> None:
    """The commands here run as anna (SHOWROOM_USER, SHOWROOM_PASSWORD)."""


@pytest.fixture(autouse=True)
def _drop_log_handlers() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()


def _filled(data_dir: Path) -> Path:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    user = people.sign_in_as("anna")
    factories.opportunity(user.id, topic="Before")
    workspace.close_database()
    return path


def test_backup_then_restore_from_the_command_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _filled(data_dir)
    assert main.main(["--data-dir", str(data_dir), "backup"]) == 0
    out = capsys.readouterr().out
    assert "backed up" in out and str(data_dir / "backups") in out
    copy = next((data_dir / "backups").glob("showroom-*.sqlite3"))
    workspace.open_database(path)
    people.sign_in_as("anna")
    factories.opportunity(people.sign_in_as("anna").id, topic="After")
    workspace.close_database()

    assert main.main(["backups", "--data-dir", str(data_dir)]) == 0
    listed = capsys.readouterr().out.splitlines()
    # Each backup's moment as the screen writes it, then its size, kind and file.
    taken = {b.name: b.taken_at for b in backups.list_backups()}
    line = next(line for line in listed if line.endswith(copy.name))
    assert line.startswith(reading.format_moment(taken[copy.name]) + "  ")
    assert main.main(["restore", copy.name, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Restored the backup of" in out and copy.name in out and "set-aside-" in out
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT topic FROM opportunity").fetchall() == [("Before",)]


def test_restore_of_a_missing_file_fails_with_a_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(data_dir)
    assert main.main(["--data-dir", str(data_dir), "restore", "nowhere.sqlite3"]) == 1
    assert "There is no backup nowhere.sqlite3" in capsys.readouterr().err


def _make_newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    conn.close()


def test_a_database_from_a_newer_program_is_refused_headless(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _filled(data_dir)
    _make_newer(path)
    assert main.main(["--data-dir", str(data_dir), "check"]) == 1
    assert "newer version of Showroom" in capsys.readouterr().err
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 1
    assert "newer version of Showroom" in capsys.readouterr().err


def test_a_database_from_a_newer_program_is_refused_in_a_dialog(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, qapp
) -> None:
    from PySide6.QtWidgets import QMessageBox

    path = _filled(data_dir)
    _make_newer(path)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text))
    )
    monkeypatch.setattr(main.sys, "excepthook", main.sys.excepthook)
    assert main.main(["--data-dir", str(data_dir)]) == 1
    assert len(shown) == 1 and "newer version of Showroom" in shown[0]
    assert "the data has not been touched" in shown[0]


def test_check_reports_a_sound_database(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(data_dir)
    assert main.main(["--data-dir", str(data_dir), "check"]) == 0
    assert "is sound and up to date" in capsys.readouterr().out


def test_start_up_shows_the_sign_in_window_before_it_opens_the_database(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], qapp
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.shell.main_window import MainWindow
    from ui.shell.sign_in_window import SignInDialog

    database = _filled(data_dir)
    seen: list[tuple[bool, bool, str, str, bool]] = []
    real_open = workspace.open_database

    def opening(path: Path | None = None) -> Path:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, SignInDialog) and dialog.isVisible():
                main_windows = [
                    w
                    for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.database_path == database
                ]
                seen.append(
                    (
                        dialog.login.isEnabled(),
                        dialog.sign_in_button.isEnabled(),
                        dialog.sign_in_intro.text(),
                        dialog.login.text(),
                        any(w.isVisible() for w in main_windows),
                    )
                )
        return real_open(path)

    monkeypatch.setattr(workspace, "open_database", opening)
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 0
    # Shown alone, the login typed in ahead, the button waiting for the database, and
    # saying which one it opens; the main window comes once someone has signed in.
    assert seen == [(True, False, f"Opening the database {database} …", "anna", False)]
    out = capsys.readouterr().out
    shown, signed, listed = (
        float(out.split(f"{n} at ")[1].split()[0].rstrip(","))
        for n in ("sign-in shown", "signed in", "list")
    )
    assert "started and closed cleanly" in out and shown <= signed <= listed


def test_the_window_frame_loads_no_database_code() -> None:
    # What start-up shows first must not wait for the models, the services or the lists.
    import subprocess
    import sys

    probe = (
        "import sys, ui.shell.main_window; "
        "print(sorted(m for m in sys.modules if m == 'peewee' or m.startswith(('app.db', "
        "'app.services', 'ui.opportunities.opportunity_list', 'ui.common.record_table'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_window_frame_translates_without_loading_babel() -> None:
    # Babel's locale data takes longer to load than the window's frame: the texts need only
    # gettext, and the formats load Babel when first asked for.
    import subprocess
    import sys

    probe = (
        "import sys, ui.shell.main_window; from app.i18n import _; _('Save'); "
        "print('app.i18n' in sys.modules, any(m.startswith('babel') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "False"]


def test_the_sign_in_window_says_when_opening_upgrades_the_database(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, qapp
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.shell.sign_in_window import SignInDialog

    database = data_dir / "showroom.sqlite3"
    fixture = Path(__file__).parent / "fixtures" / "schema-v6.sqlite3"
    database.write_bytes(fixture.read_bytes())
    assert workspace.upgrade_due(database)
    said: list[str] = []
    real_open = workspace.open_database

    def opening(path: Path | None = None) -> Path:
        said.extend(
            w.sign_in_intro.text()
            for w in QApplication.topLevelWidgets()
            if isinstance(w, SignInDialog) and w.isVisible()
        )
        return real_open(path)

    monkeypatch.setattr(workspace, "open_database", opening)
    # anna has no password in a database from before passwords: the smoke run shows the
    # sign-in window (which says how to set one) rather than signing in.
    monkeypatch.delenv("SHOWROOM_PASSWORD")
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 0
    assert len(said) == 1 and said[0].startswith(f"Upgrading the database {database}")
    assert not workspace.upgrade_due(database)
    assert list((data_dir / "backups").glob("*before-upgrade-v6*"))


def test_quitting_at_the_sign_in_while_the_database_opens_ends_the_program(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, qapp
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.shell.main_window import MainWindow
    from ui.shell.sign_in_window import SignInDialog

    _filled(data_dir)
    real_open = workspace.open_database
    looped: list[bool] = []

    def quit_meanwhile(path: Path | None = None) -> Path:
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, SignInDialog) and dialog.isVisible():
                dialog.reject()  # the user presses Quit while it opens
        return real_open(path)

    monkeypatch.setattr(workspace, "open_database", quit_meanwhile)
    monkeypatch.setattr(QApplication, "exec", lambda *_: looped.append(True) or 0)
    monkeypatch.setattr(main.sys, "excepthook", main.sys.excepthook)
    assert main.main(["--data-dir", str(data_dir)]) == 0
    # No event loop with nothing on screen, no main window shown, the database closed.
    assert looped == []
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    from app.db.connection import database as bound

    assert bound.is_closed()
