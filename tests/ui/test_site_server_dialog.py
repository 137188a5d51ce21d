"""File > Connect to the site server…: a wrong address keeps what was typed and says what
an address looks like; a right one is tested against the real server, kept for the
workstation without its password (which goes to the credential store); the program opens
it from the next start and the status bar names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

import main
from app.services import site_server, workspace
from tests import people, pg_server
from tests.pg_server import MemoryKeyring
from tests.ui.shipped_catalogue import use_shipped
from ui.common import workstation
from ui.shell.site_server_dialog import SiteServerDialog


def test_a_wrong_address_keeps_the_typing_and_says_what_one_looks_like(
    qtbot, workstation_settings: QSettings, credentials: MemoryKeyring
) -> None:  # type: ignore[no-untyped-def]
    dialog = SiteServerDialog()
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("db.autohaus.local/showroom")
    dialog.accept()
    assert dialog.result() == 0 and dialog.url_edit.text() == "db.autohaus.local/showroom"
    assert "postgresql://" in dialog.result_label.text()
    assert workstation_settings.value(workstation.SETTINGS_KEY) is None


def test_the_introduction_wraps_to_the_fields_width_in_german(
    qtbot,  # type: ignore[no-untyped-def]
    workstation_settings: QSettings,
    credentials: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for _ in use_shipped(tmp_path, monkeypatch, "de"):
        dialog = SiteServerDialog()
        qtbot.addWidget(dialog)
        dialog.show()
        assert "Arbeitsplatz" in dialog.intro.text()
        # The dialog is as wide as its fields, the introduction on several lines beneath.
        assert dialog.width() < dialog.fields.sizeHint().width() + 120
        assert dialog.intro.height() >= 2 * dialog.intro.fontMetrics().height()


def test_the_server_is_tested_kept_without_its_password_and_opened_next_time(
    qtbot,  # type: ignore[no-untyped-def]
    workstation_settings: QSettings,
    credentials: MemoryKeyring,
    pg: pg_server.TestServer,
    pg_url: str,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signed_in_commands: None,
) -> None:
    url = pg.without_password(pg_url)
    dialog = SiteServerDialog()
    qtbot.addWidget(dialog)
    dialog.url_edit.setText(url)
    dialog.password_edit.setText("wrong")
    assert not dialog.test_connection()
    assert "refused the sign-in" in dialog.result_label.text()
    dialog.password_edit.setText(pg_server.PASSWORD)
    assert dialog.test_connection()
    assert dialog.result_label.text().startswith("Connected: PostgreSQL")
    dialog.show()
    dialog.grab().save(str(tmp_path / "site-server-dialog.png"))
    dialog.accept()
    assert dialog.result() == 1
    assert workstation_settings.value(workstation.SETTINGS_KEY) == url
    workstation_settings.sync()
    assert pg_server.PASSWORD not in Path(workstation_settings.fileName()).read_text()
    assert site_server.stored_password(url) == pg_server.PASSWORD

    # The next start opens the server (no --data-dir: the workstation's choice holds) and
    # signs in there, as its administrator.
    workspace.open_server(pg_url)
    people.sign_in_as("anna", "administrator")
    workspace.close_database()
    monkeypatch.setattr(main.paths, "set_data_dir", lambda _d: None)
    assert main.main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "started and closed cleanly" in out
