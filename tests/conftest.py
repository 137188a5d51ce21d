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
from app.services import workspace


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    paths.set_data_dir(tmp_path)
    yield tmp_path
    paths.set_data_dir(None)
    # A signed-in window keeps its user's screen settings open; the next test starts afresh.
    screen_settings = sys.modules.get("ui.common.user_settings")
    if screen_settings is not None:
        screen_settings._current = None  # type: ignore[attr-defined]


@pytest.fixture
def db(data_dir: Path) -> Iterator[Path]:
    """An empty, fully migrated database with 'anna' (administrator) signed in."""
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    workspace.sign_in("anna")
    yield path
    workspace.close_database()


@pytest.fixture
def user(db: Path) -> workspace.UserInfo:
    return workspace.sign_in("anna")


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
