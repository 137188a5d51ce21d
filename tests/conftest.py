"""Shared fixtures: every test gets its own SQLite file in tmp_path and a signed-in user."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The program speaks the system's language: the tests read English whatever the machine's
# locale is (a test of another language sets its own, or starts a process with its own).
os.environ["LANGUAGE"] = "en"

import pytest

from app import paths
from app.services import sign_in, workspace
from tests import people  # (turns the switch to cheap password hashes for the tests)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    paths.set_data_dir(tmp_path)
    yield tmp_path
    paths.set_data_dir(None)
    sign_in.sign_out()  # nobody is signed in at the next test's start
    # A signed-in window keeps its user's screen settings open; the next test starts afresh.
    screen_settings = sys.modules.get("ui.common.user_settings")
    if screen_settings is not None:
        screen_settings._current = None  # type: ignore[attr-defined]


@pytest.fixture
def db(data_dir: Path) -> Iterator[Path]:
    """An empty, fully migrated database with 'anna' (administrator) signed in, with her
    password, through the sign-in service."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    people.sign_in_as("anna", "administrator")
    yield path
    workspace.close_database()


@pytest.fixture
def user(db: Path) -> workspace.UserInfo:
    return people.sign_in_as("anna")


@pytest.fixture(autouse=True)
def no_credentials_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-in variables of whoever runs the tests do not reach them; a test that signs
    in a command sets them itself (signed_in_commands)."""
    monkeypatch.delenv("SHOWROOM_USER", raising=False)
    monkeypatch.delenv("SHOWROOM_PASSWORD", raising=False)


@pytest.fixture
def signed_in_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless commands and smoke runs sign in as 'anna', as a scheduled task would."""
    monkeypatch.setenv("SHOWROOM_USER", "anna")
    monkeypatch.setenv("SHOWROOM_PASSWORD", people.TEST_PASSWORD)


@pytest.fixture(autouse=True)
def no_unexpected_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box nobody patched would wait for a click forever; fail the test instead,
    naming the box. Tests that expect one patch it themselves."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:
        return

    def unexpected(kind: str):  # type: ignore[no-untyped-def]
        def show(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError(f"unexpected {kind} message box: {title!r}: {text!r}")

        return staticmethod(show)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))

    # The question about a customer's open opportunity waits for a click as well.
    from ui.common.second_sale_dialog import SecondSaleDialog

    def unexpected_second_sale(self):  # type: ignore[no-untyped-def]
        raise AssertionError(f"unexpected question: {self.windowTitle()!r}")

    monkeypatch.setattr(SecondSaleDialog, "exec", unexpected_second_sale)
    # So does the sign-in window.
    from ui.shell.sign_in_window import SignInDialog

    monkeypatch.setattr(SignInDialog, "exec", unexpected_second_sale)
