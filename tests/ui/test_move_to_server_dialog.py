"""Administration > Move this workstation's data to the site server…: for administrators only
(disabled with the missing right otherwise); against the tests' real server it moves the
open workstation's database beside the window with progress, shows each table's rows and
checksum, leaves the file as it was, says what next and connects the workstation on request;
a wrong password and a server database that is not empty are refused in words, the typing
kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings

from app.db import models as m
from app.services import opportunities, site_server, workspace
from tests import factories, people, pg_server
from tests.pg_server import MemoryKeyring
from ui.common import workstation
from ui.shell.main_window import MainWindow
from ui.shell.move_to_server_dialog import MoveToServerDialog


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _move(qtbot, dialog: MoveToServerDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.move_button.click()
    assert dialog.worker is not None and not dialog.move_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)


def test_an_administrator_moves_the_open_database_and_connects_the_workstation(
    qtbot,  # type: ignore[no-untyped-def]
    db: Path,
    pg: pg_server.TestServer,
    workstation_settings: QSettings,
    credentials: MemoryKeyring,
    tmp_path: Path,
) -> None:
    anna = people.sign_in_as("anna", "administrator")
    account = factories.customer("Müller", "Jörg")
    factories.opportunity(anna.id, account_id=account, topic="Golf for Jörg")
    before = _sha(db)
    target = pg.create_database()
    url = pg.url(target, password=None)

    dialog = MoveToServerDialog()
    qtbot.addWidget(dialog)
    dialog.fields.url_edit.setText(url)
    dialog.fields.password_edit.setText("wrong")
    _move(qtbot, dialog)
    assert "refused the sign-in" in dialog.message.text()
    assert dialog.fields.url_edit.text() == url and dialog.fields.password_edit.text() == "wrong"

    dialog.fields.password_edit.setText(pg_server.PASSWORD)
    seen: list[tuple[int, int]] = []
    texts: list[str] = []
    dialog.progress.valueChanged.connect(
        lambda value: seen.append((value, dialog.progress.maximum()))
    )
    shown_format = dialog.progress.setFormat

    def said(text: str) -> None:
        texts.append(text)
        shown_format(text)

    dialog.progress.setFormat = said  # type: ignore[method-assign]
    _move(qtbot, dialog)
    assert dialog.message.text().startswith("Moved: "), dialog.message.text()
    tables = {
        dialog.tables.topLevelItem(i).text(0): dialog.tables.topLevelItem(i).text(1)
        for i in range(dialog.tables.topLevelItemCount())
    }
    assert tables["opportunity"] == "1" and tables["account"] == "1"
    # Each table, then what the move does after the rows, each said as it starts.
    assert seen and seen[-1][0] == seen[-1][1] == len(m.TABLES) + 3
    opportunity = [model._meta.table_name for model in m.TABLES].index("opportunity") + 1
    assert f"opportunity: {opportunity} of {len(m.TABLES)} tables copied" in texts
    assert texts[-3:] == [
        "Making the search indexes on the server …",
        "Counting the dashboard's figures …",
        "Gathering the server's statistics …",
    ]
    assert _sha(db) == before  # the file is as it was
    assert "keep it as the last copy" in dialog.next_steps.text()
    dialog.show()
    dialog.grab().save(str(tmp_path / "move-to-server.png"))

    # The window's own database is still the file: the move bound nothing.
    assert not workspace.on_server()
    assert opportunities.count(opportunities.OpportunityFilter()) == 1

    dialog.connect_button.click()
    assert workstation_settings.value(workstation.SETTINGS_KEY) == url
    assert site_server.stored_password(url) == pg_server.PASSWORD
    assert "next start" in dialog.message.text()

    # Once more into the same database: refused, nothing overwritten, the typing kept.
    _move(qtbot, dialog)
    assert "not empty" in dialog.message.text()
    assert dialog.fields.url_edit.text() == url
    workspace.close_database()
    workspace.open_server(url, pg_server.PASSWORD)
    try:
        people.sign_in_as("anna")
        assert [
            o.topic
            for o in opportunities.page(opportunities.OpportunityFilter(), "id", False, 0, 10)
        ] == ["Golf for Jörg"]
    finally:
        workspace.close_database()
        pg.drop_database(target)


def test_the_menu_entry_is_for_administrators_only(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    admin = people.sign_in_as("anna", "administrator")
    window = MainWindow(admin, db)
    qtbot.addWidget(window)
    assert window.move_action.isEnabled()
    assert window.move_action in window.admin_menu.actions()
    window.close()
    seller = people.sign_in_as("sam", "salesperson")
    other = MainWindow(seller, db)
    qtbot.addWidget(other)
    assert not other.move_action.isEnabled()
    assert "Set up the dealership" in other.move_action.toolTip()
    other.close()
