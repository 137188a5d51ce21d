"""The headless commands sign in: without a user and password, with a wrong one, on a locked
account or without the right they are refused in words with exit code 2; the scheduler's
login backs up and does nothing else; create-admin and set-password."""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

import main
from app.db import users as users_db
from app.services import sign_in, workspace
from tests import factories, people
from tests.people import TEST_PASSWORD, add_user

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _drop_log_handlers() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def filled(data_dir: Path) -> Path:
    """A database with a sale, its administrator anna, a salesperson, a read-only clerk and
    the scheduled tasks' login; closed, as a command finds it."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    user = people.sign_in_as("anna")
    factories.opportunity(user.id, topic="Kept")
    add_user("sam", "salesperson")
    add_user("tasks", "scheduler")
    add_user("clerk", "read_only")
    workspace.close_database()
    sign_in.sign_out()
    return path


def _as(monkeypatch: pytest.MonkeyPatch, login: str, password: str = TEST_PASSWORD) -> None:
    monkeypatch.setenv("SHOWROOM_USER", login)
    monkeypatch.setenv("SHOWROOM_PASSWORD", password)


def _run(data_dir: Path, *command: str) -> int:
    return main.main(["--data-dir", str(data_dir), *command])


def _backups(data_dir: Path) -> list[Path]:
    return list((data_dir / "backups").glob("showroom-*.sqlite3"))


COMMANDS = [
    ("backup",),
    ("backups",),
    ("restore", "showroom-20260101-000000.sqlite3"),
    ("render", "OF-00001", "--out", "x.pdf"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_command_without_a_user_is_refused(
    filled: Path, data_dir: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # No SHOWROOM_USER, and no terminal to ask on (pytest's stdin is not one).
    assert _run(data_dir, *command) == 2
    assert "needs a user: set SHOWROOM_USER and SHOWROOM_PASSWORD" in capsys.readouterr().err
    assert _backups(data_dir) == []


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_command_with_a_wrong_password_is_refused(
    filled: Path,
    data_dir: Path,
    command: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _as(monkeypatch, "anna", "not anna's password at all")
    assert _run(data_dir, *command) == 2
    assert "The login or the password is wrong." in capsys.readouterr().err
    monkeypatch.delenv("SHOWROOM_PASSWORD")
    assert _run(data_dir, *command) == 2
    assert "needs anna's password" in capsys.readouterr().err


def test_a_locked_account_is_refused_in_words(
    filled: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datetime import datetime

    moment = [datetime(2026, 12, 6, 9, 0)]
    monkeypatch.setattr(sign_in, "clock", lambda: moment[0])
    _as(monkeypatch, "sam", "a wrong guess at sam's password")
    for _ in range(sign_in.MAX_FAILURES):
        moment[0] += timedelta(seconds=30)
        assert _run(data_dir, "backup") == 2
    capsys.readouterr()
    _as(monkeypatch, "sam")
    assert _run(data_dir, "backup") == 2
    err = capsys.readouterr().err
    assert (
        "locked after 5 failed sign-ins, until 9:17\u202fAM, or until an administrator unlocks it"
        in err
    )


@pytest.mark.parametrize(
    ("login", "command", "right"),
    [
        ("sam", ("backup",), "Back up the database"),
        ("sam", ("backups",), "Back up the database"),
        ("sam", ("restore", "showroom-20260101-000000.sqlite3"), "Restore a backup"),
        ("clerk", ("backup",), "Back up the database"),
        ("tasks", ("render", "OF-00001", "--out", "x.pdf"), "Print issued documents"),
        ("tasks", ("restore", "showroom-20260101-000000.sqlite3"), "Restore a backup"),
    ],
)
def test_a_role_without_the_right_is_refused_naming_it(
    filled: Path,
    data_dir: Path,
    login: str,
    command: tuple[str, ...],
    right: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _as(monkeypatch, login)
    assert _run(data_dir, *command) == 2
    assert (
        f"{login} may not do this: You do not have the right “{right}”." in capsys.readouterr().err
    )
    assert _backups(data_dir) == []


def test_the_scheduler_backs_up_and_lists_backups(
    filled: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _as(monkeypatch, "tasks")
    assert _run(data_dir, "backup") == 0
    assert len(_backups(data_dir)) == 1
    assert _run(data_dir, "backups") == 0
    assert _backups(data_dir)[0].name in capsys.readouterr().out


def test_check_reveals_no_data_and_needs_no_sign_in(
    filled: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "check") == 0
    assert "is sound and up to date" in capsys.readouterr().out


def test_create_admin_makes_the_first_administrator_once(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHOWROOM_PASSWORD", "short")
    assert _run(data_dir, "create-admin", "chef") == 2
    assert "at least 15 characters" in capsys.readouterr().err
    monkeypatch.setenv("SHOWROOM_PASSWORD", "Our showroom opens at eight")
    assert _run(data_dir, "create-admin", "chef", "--name", "Clara Chef") == 0
    assert "created the administrator chef (Clara Chef)" in capsys.readouterr().out
    assert _run(data_dir, "create-admin", "other") == 2
    assert "has an administrator already" in capsys.readouterr().err
    workspace.open_database(data_dir / "showroom.sqlite3")
    try:
        assert sign_in.sign_in("chef", "Our showroom opens at eight").roles == ("administrator",)
        assert users_db.user_by_login("other") is None
    finally:
        workspace.close_database()


def test_set_password_opens_an_upgraded_database_to_its_administrator_once(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "showroom.sqlite3").write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    monkeypatch.setenv("SHOWROOM_PASSWORD", TEST_PASSWORD)
    assert _run(data_dir, "set-password", "jweiss") == 2
    assert "not an active administrator" in capsys.readouterr().err
    assert _run(data_dir, "set-password", "anna") == 0
    assert "set the password of anna" in capsys.readouterr().out
    assert _run(data_dir, "set-password", "agrossmann") == 2
    assert "administrator with a password exists already" in capsys.readouterr().err
    _as(monkeypatch, "anna")
    assert _run(data_dir, "backup") == 0


def test_a_smoke_run_signs_in_from_the_variables_or_shows_the_sign_in_window(
    filled: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    qapp,
) -> None:
    assert _run(data_dir, "--smoke") == 0
    assert "showed the sign-in window and closed it" in capsys.readouterr().out
    moment = sign_in.clock()  # held still: a slow machine takes its time between runs
    monkeypatch.setattr(sign_in, "clock", lambda: moment)
    _as(monkeypatch, "anna", "wrong wrong wrong wrong")
    assert _run(data_dir, "--smoke") == 2
    assert "The login or the password is wrong." in capsys.readouterr().err
    _as(monkeypatch, "anna")
    assert _run(data_dir, "--smoke") == 2  # straight after a failure: slowed down
    assert "Wait 1 second before trying again." in capsys.readouterr().err
    later = moment + timedelta(seconds=2)
    monkeypatch.setattr(sign_in, "clock", lambda: later)
    assert _run(data_dir, "--smoke") == 0
    assert "started and closed cleanly" in capsys.readouterr().out


def test_user_only_pre_fills_the_sign_in(
    filled: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, qapp
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.shell.sign_in_window import SignInDialog

    seen: list[tuple[str, str]] = []

    def quit_at_sign_in(self: SignInDialog) -> int:
        seen.append((self.login.text(), self.password.text()))
        return 0  # the user quits

    monkeypatch.setattr(SignInDialog, "exec", quit_at_sign_in)
    monkeypatch.setattr(QApplication, "exec", lambda *_: 0)
    monkeypatch.setattr(main.sys, "excepthook", main.sys.excepthook)
    assert main.main(["--data-dir", str(data_dir), "--user", "anna"]) == 0
    # Asked, not signed in: nobody is the acting user, and no window opened signed in.
    assert seen == [("anna", "")]
    from app.db import models as m

    assert m.acting_user() is None
    # Left off, the cyclic garbage collector would stay off for the rest of the test run.
    assert gc.isenabled()


def test_a_damaged_database_is_restored_by_who_may_restore_in_the_backup(
    filled: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _as(monkeypatch, "anna")
    assert _run(data_dir, "backup") == 0
    (copy,) = _backups(data_dir)
    filled.write_bytes(b"this is no longer a database" * 200)  # the file is damaged
    for name in ("showroom.sqlite3-wal", "showroom.sqlite3-shm"):
        (data_dir / name).unlink(missing_ok=True)
    capsys.readouterr()
    _as(monkeypatch, "sam")
    assert _run(data_dir, "restore", copy.name) == 2
    assert "Restore a backup" in capsys.readouterr().err
    _as(monkeypatch, "anna", "a wrong password for anna")
    assert _run(data_dir, "restore", copy.name) == 2
    _as(monkeypatch, "anna")
    later = sign_in.clock() + timedelta(seconds=5)
    monkeypatch.setattr(sign_in, "clock", lambda: later)
    assert _run(data_dir, "restore", copy.name) == 0
    assert "Restored the backup of" in capsys.readouterr().out
    assert _backups(data_dir) == [copy]  # no copy of the check's upgrade left beside it


def test_the_demo_fills_a_new_database_before_anyone_signs_in_and_its_admin_signs_in(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    qapp,
) -> None:
    from app import demo

    _as(monkeypatch, demo.DEMO_ADMINISTRATOR[0], demo.DEMO_PASSWORD)
    assert _run(data_dir, "--demo", "--smoke") == 0
    out = capsys.readouterr().out
    assert demo.DEMO_PASSWORD in out and "started and closed cleanly" in out
    with sqlite3.connect(data_dir / "showroom.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM opportunity").fetchone()[0] > 100
        # Every change of the load is the demo administrator's, none nobody's.
        assert conn.execute(
            "SELECT count(*) FROM opportunity WHERE changed_by IS NULL"
        ).fetchone() == (0,)
