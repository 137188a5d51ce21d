"""Start-up on the site's server with no password this workstation can use: it is asked in
a dialog (remembered in the credential store when the user says so), a wrong one is said
and asked again, Cancel offers this computer's own database or quitting. Against the
tests' real server, with an in-memory credential store (or none at all)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.db.connection import is_postgres, is_sqlite
from app.services import site_server, workspace
from tests import pg_server
from tests.pg_server import MemoryKeyring
from ui.shell import server_password
from ui.shell.server_password import LocalOrQuitBox, Opened, ServerPasswordDialog


@pytest.fixture
def url(pg: pg_server.TestServer, pg_url: str, no_password_around: Path) -> str:
    return pg.without_password(pg_url)


def _typing(*passwords: str, remember: bool = True) -> tuple[Callable, list[str]]:  # type: ignore[type-arg]
    """A user at the dialog: types each password in turn and presses Connect; once out of
    passwords, Cancel. Returns the stand-in for exec and what the dialog said each time."""
    said: list[str] = []
    queue = list(passwords)

    def exec_(dialog: ServerPasswordDialog) -> int:
        while queue:
            dialog.password_edit.setText(queue.pop(0))
            dialog.remember.setChecked(remember)
            dialog.accept()
            said.append(dialog.message.text())
            if dialog.result() == ServerPasswordDialog.DialogCode.Accepted:
                return int(dialog.result())
            assert dialog.password_edit.text()  # what was typed stays, selected
        return int(ServerPasswordDialog.DialogCode.Rejected)

    return exec_, said


def test_the_password_is_asked_a_wrong_one_said_and_the_right_one_remembered(
    qtbot,
    url: str,
    credentials: MemoryKeyring,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    exec_, said = _typing("wrong password", pg_server.PASSWORD)
    monkeypatch.setattr(ServerPasswordDialog, "exec", exec_)
    assert server_password.open_server_asking(url) is Opened.SERVER
    assert said[0] == "The server refused this password. Type it again."
    assert is_postgres()
    assert site_server.stored_password(url) == pg_server.PASSWORD
    workspace.close_database()
    # The next start finds it and asks nothing.
    monkeypatch.setattr(ServerPasswordDialog, "exec", lambda self: pytest.fail("asked again"))
    assert server_password.open_server_asking(url) is Opened.SERVER


def test_a_password_kept_that_the_server_refuses_is_asked_again(
    qtbot,
    url: str,
    credentials: MemoryKeyring,
    monkeypatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    site_server.store_password(url, "changed on the server since")
    shown: list[ServerPasswordDialog] = []
    exec_, _said = _typing(pg_server.PASSWORD, remember=False)

    def recorded(dialog: ServerPasswordDialog) -> int:
        shown.append(dialog)
        dialog.show()
        dialog.grab().save(str(tmp_path / "server-password.png"))
        return exec_(dialog)

    monkeypatch.setattr(ServerPasswordDialog, "exec", recorded)
    assert server_password.open_server_asking(url) is Opened.SERVER
    assert (
        "refused the password this workstation keeps"
        in shown[0].findChildren(type(shown[0].message))[0].text()
    )
    assert site_server.stored_password(url) == "changed on the server since"  # not asked to


def test_cancel_offers_the_local_database_or_quitting(
    qtbot,
    url: str,
    credentials: MemoryKeyring,
    monkeypatch,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    exec_, _said = _typing()
    monkeypatch.setattr(ServerPasswordDialog, "exec", exec_)
    answers = iter(["back", "quit"])

    def choose(box: LocalOrQuitBox) -> int:
        button = {"back": box.back_button, "quit": box.quit_button, "local": box.local_button}
        button[next(answers)].click()
        return 0

    monkeypatch.setattr(LocalOrQuitBox, "exec", choose)
    assert server_password.open_server_asking(url) is Opened.QUIT
    answers = iter(["local"])
    assert server_password.open_server_asking(url) is Opened.LOCAL
    assert is_sqlite() and (data_dir / "showroom.sqlite3").exists()
    workspace.close_database()


def test_without_a_credential_store_it_says_so_and_asks_at_each_start(
    qtbot,
    url: str,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialogs: list[ServerPasswordDialog] = []
        exec_, _said = _typing(pg_server.PASSWORD)

        def recorded(dialog: ServerPasswordDialog) -> int:
            dialogs.append(dialog)
            return exec_(dialog)

        monkeypatch.setattr(ServerPasswordDialog, "exec", recorded)
        assert server_password.open_server_asking(url) is Opened.SERVER
        dialog = dialogs[0]
        assert not dialog.remember.isVisibleTo(dialog)
        assert ".pgpass" in dialog.store_note.text()
    finally:
        keyring.set_keyring(before)
