"""The sign-in window, the lock screen and switching users with real windows and dialogs: the
first administrator, a database from before passwords, a one-time code, the idle lock with
unsaved typing kept while another user signs in and back, and the users' administration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.db import models as m
from app.db import users as users_db
from app.services import sign_in, users, workspace
from tests import factories, people
from tests.people import TEST_PASSWORD, add_user
from ui.common import user_settings
from ui.shell import session
from ui.shell.main_window import MainWindow
from ui.shell.sign_in_window import SignInDialog

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_parked_windows() -> Iterator[None]:
    yield
    for window in session.parked_windows():
        session.forget(window)
        window.hide()
        window.deleteLater()


@pytest.fixture
def empty(data_dir: Path) -> Iterator[Path]:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    yield path
    workspace.close_database()


def test_the_first_start_asks_for_the_first_administrator(qtbot, empty: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(None, "")
    qtbot.addWidget(dialog)
    assert dialog.pages.currentWidget() is dialog.first_page
    dialog.first_login.setText("chef")
    dialog.first_name.setText("Clara Chef")
    dialog.first_password.setText("too short")
    dialog.first_repeat.setText("too short")
    dialog.create_button.click()
    message = dialog.first_boxes["password"].message
    assert "at least 15 characters" in message.text() and not message.isHidden()
    assert dialog.first_login.text() == "chef"  # what was typed stays
    dialog.first_password.setText("Our showroom opens at eight")
    dialog.first_repeat.setText("Our showroom opens at eight!")
    dialog.create_button.click()
    assert "not the same" in dialog.first_boxes["password_repeat"].message.text()
    dialog.first_repeat.setText("Our showroom opens at eight")
    dialog.create_button.click()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.roles == ("administrator",)
    assert dialog.made_first_administrator
    assert dialog.first_password.text() == ""  # not kept in the widget


def test_an_upgraded_database_says_how_to_set_the_first_password(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    workspace.open_database(copy)
    try:
        dialog = SignInDialog(None, "anna")
        qtbot.addWidget(dialog)
        assert dialog.pages.currentWidget() is dialog.waiting_page
        assert "main.py set-password LOGIN" in dialog.waiting_text.text()
        sign_in.set_password_as_holder("anna", TEST_PASSWORD)
        dialog.show_start()  # "Try again"
        assert dialog.pages.currentWidget() is dialog.sign_in_page
        dialog.password.setText(TEST_PASSWORD)
        dialog.sign_in_button.click()
        assert dialog.user is not None and dialog.user.username == "anna"
    finally:
        workspace.close_database()


def test_the_window_s_texts_can_be_selected_once_it_is_painted(qtbot, empty: Path) -> None:  # type: ignore[no-untyped-def]
    """A refusal can be selected and copied (into a message to the administrator): the
    window's running texts become selectable once it has been painted, and so do those of
    a page it builds later."""
    from PySide6.QtCore import Qt

    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    dialog = SignInDialog(None, "anna", opening="Opening the database …")
    qtbot.addWidget(dialog)
    assert not dialog.message.textInteractionFlags() & selectable  # not before its paint
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: bool(dialog.message.textInteractionFlags() & selectable))
    assert dialog.sign_in_intro.textInteractionFlags() & selectable
    dialog.show_start()  # a new database: the first administrator's page, built now
    assert dialog.pages.currentWidget() is dialog.first_page
    assert dialog.first_message.textInteractionFlags() & selectable


def test_wrong_passwords_are_told_and_the_lock_out_is_said(qtbot, db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta

    moment = [datetime(2026, 12, 6, 18, 0)]
    monkeypatch.setattr(sign_in, "clock", lambda: moment[0])
    add_user("bert", "salesperson")
    dialog = SignInDialog(None, "bert")
    qtbot.addWidget(dialog)
    dialog.password.setText("not bert's password, no")
    dialog.sign_in_button.click()
    assert "wrong" in dialog.message.text() and "4 more failed attempts" in dialog.message.text()
    assert not dialog.sign_in_button.isEnabled()  # slowed down
    qtbot.waitUntil(dialog.sign_in_button.isEnabled, timeout=3000)
    for _ in range(4):
        moment[0] += timedelta(seconds=30)
        dialog.sign_in_button.setEnabled(True)
        dialog.password.setText("still not bert's password")
        dialog.sign_in_button.click()
    assert "locked after 5 failed sign-ins, until 6:17\u202fPM" in dialog.message.text()
    assert "administrator unlocks it" in dialog.message.text()
    assert dialog.result() != SignInDialog.DialogCode.Accepted


def test_a_one_time_code_leads_to_choosing_a_password(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    bert = add_user("bert", "salesperson")
    code = users.reset_password(bert.id)
    dialog = SignInDialog(None, "bert")
    qtbot.addWidget(dialog)
    dialog.password.setText(code)
    dialog.sign_in_button.click()
    assert dialog.pages.currentWidget() is dialog.new_password_page
    dialog.new_password.setText("password12345678")
    dialog.new_repeat.setText("password12345678")
    dialog.new_button.click()
    assert "commonest" in dialog.new_boxes["password"].message.text()
    dialog.new_password.setText("Seven green ferries cross the lake")
    dialog.new_repeat.setText("Seven green ferries cross the lake")
    dialog.new_button.click()
    assert dialog.user is not None and dialog.user.id == bert.id


# --- the lock, switching users, unsaved work -------------------------------------------------


def _window(qtbot, user) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(user, Path("showroom.sqlite3"))
    qtbot.addWidget(window)
    window.show()
    return window


def test_idle_lock_keeps_unsaved_typing_while_another_user_signs_in_and_back(
    qtbot, db: Path
) -> None:  # type: ignore[no-untyped-def]
    anna = people.sign_in_as("anna")
    add_user("bert", "salesperson", full_name="Bert Huber")
    sale = factories.opportunity(anna.id, topic="Passat")
    window = _window(qtbot, anna)
    form = window.open_opportunity(sale.id)
    topic = form.opportunity.topic
    topic.setText("Anna's unsaved typing: a Passat for Mrs Rossi")
    assert form.isVisible() and form.is_modified()
    # The idle time runs out (shortened here from minutes to a moment).
    session.watcher().timer.setInterval(50)
    session.watcher().timer.start()
    qtbot.waitUntil(lambda: session.is_locked(window), timeout=3000)
    assert not form.isVisible() and window.kept_dialogs == [form]
    assert "Signed in: Anna (anna)" in window.lock_screen.who.text()
    assert not window.new_action.isEnabled()  # nothing to do behind the lock

    # Bert signs in on the lock screen.
    bert = sign_in.sign_in("bert", TEST_PASSWORD)
    bert_window = session.switch_to(window, bert)  # (deleted when closed)
    assert bert_window is not window and bert_window.isVisible() and not window.isVisible()
    assert m.acting_user() == bert.id
    assert user_settings.settings().fileName().endswith("bert.ini")
    assert topic.text() == "Anna's unsaved typing: a Passat for Mrs Rossi"
    assert not form.isVisible()  # out of Bert's sight

    # Bert quits while Anna's forms are kept: refused, and his window locks for her.
    said: list[str] = []
    QMessageBox.warning = staticmethod(lambda parent, title, text: said.append(text))  # type: ignore[method-assign]
    bert_window.close()
    assert bert_window.isVisible() and said and "Anna" in said[0]
    assert session.is_locked(bert_window)

    # Anna signs in on Bert's lock screen: her window and her form come back as she left them.
    anna_again = sign_in.sign_in("anna", TEST_PASSWORD)
    back = session.switch_to(bert_window, anna_again)
    assert back is window and window.isVisible() and not session.is_locked(window)
    assert form.isVisible() and topic.text() == "Anna's unsaved typing: a Passat for Mrs Rossi"
    assert form.is_modified()
    assert not bert_window.isVisible()  # Bert had no form open: his window closed
    assert m.acting_user() == anna.id
    assert user_settings.settings().fileName().endswith("anna.ini")
    form.save()
    assert m.Opportunity.get().topic == "Anna's unsaved typing: a Passat for Mrs Rossi"
    assert m.Opportunity.get().changed_by == anna.id


def test_the_same_user_unlocks_with_the_password(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    anna = people.sign_in_as("anna")
    window = _window(qtbot, anna)
    window.lock()  # File > Switch user
    screen = window.lock_screen
    screen.password.setText("a wrong password for anna")
    screen.unlock_button.click()
    assert "wrong" in screen.message.text() and session.is_locked(window)
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=3000)
    screen.password.setText(TEST_PASSWORD)
    screen.unlock_button.click()
    assert not session.is_locked(window) and window.new_action.isEnabled()


def test_switch_user_is_in_the_file_menu(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, people.sign_in_as("anna"))
    file_menu = window.menuBar().actions()[0].menu()
    assert window.switch_user_action in file_menu.actions()
    window.switch_user_action.trigger()
    assert session.is_locked(window)


# --- the users' administration -----------------------------------------------------------------


def test_users_administration_is_disabled_with_the_reason_for_others(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    add_user("sam", "salesperson")
    window = _window(qtbot, people.sign_in_as("sam"))
    assert not window.users_action.isEnabled()
    assert window.users_action.toolTip() == "You do not have the right “Manage users and teams”."


def test_an_administrator_adds_searches_resets_and_unlocks_users(
    qtbot, db: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, people.sign_in_as("anna"))
    assert window.users_action.isEnabled()
    dialog = window.open_users()
    assert [r.username for r in dialog.model.rows] == ["anna"]
    form = dialog.edit_user(new=True)
    form.full_name.setText("Bert Huber")
    form.username.setText("bert huber")
    form.email.setText("not an address")
    form.role_boxes["salesperson"].setChecked(True)
    assert not form.save()
    assert "without spaces" in form.boxes["username"].message.text()
    assert "not an e-mail address" in form.boxes["email"].message.text()
    form.username.setText("bert")
    form.email.setText("bert@example.com")
    assert form.save()
    form.close()
    assert [r.username for r in dialog.model.rows] == ["anna", "bert"]  # heard the change
    dialog.search.setText("example.com")
    assert [r.username for r in dialog.model.rows] == ["bert"]
    dialog.table.selectRow(0)
    assert dialog.current().state_label == "no password yet"
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    code = dialog.reset_password()
    assert code and code in dialog.message.text()
    assert dialog.current().state_label == "has a one-time code"
    bert_id = users_db.user_by_login("bert").id
    with pytest.raises(sign_in.NewPasswordRequired):
        sign_in.sign_in("bert", code)
    people.sign_in_as("anna")
    dialog.active_button.click()
    assert dialog.current().state_label == "deactivated"
    assert users_db.user_by_id(bert_id) is not None  # never deleted
    dialog.idle_minutes.setValue(3)
    dialog.idle_save.click()
    assert users.idle_lock_minutes() == 3
    assert session.watcher().timer.interval() == 3 * 60_000
    dialog.close()


def test_screenshots(qtbot, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Not a check: the windows as a user sees them (kept when SHOWROOM_SHOTS is set)."""
    import os

    folder = Path(os.environ.get("SHOWROOM_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    window = _window(qtbot, people.sign_in_as("anna"))
    add_user("bert", "salesperson", full_name="Bert Huber", email="bert@example.com")
    window.resize(1100, 700)
    users_dialog = window.open_users()
    users_dialog.resize(900, 520)
    QApplication.processEvents()
    assert users_dialog.grab().save(str(folder / "users.png"))
    users_dialog.close()
    window.lock()
    QApplication.processEvents()
    assert window.grab().save(str(folder / "lock-screen.png"))
    dialog = SignInDialog(None, "bert")
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong password for bert")
    dialog.sign_in_button.click()
    dialog.show()
    QApplication.processEvents()
    assert dialog.grab().save(str(folder / "sign-in.png"))
    workspace.close_database()
    workspace.open_database(folder.parent / "empty" / "showroom.sqlite3")
    first = SignInDialog(None, "")
    qtbot.addWidget(first)
    first.first_login.setText("chef")
    first.first_password.setText("short")
    first.create_button.click()
    first.show()
    QApplication.processEvents()
    assert first.grab().save(str(folder / "first-administrator.png"))
    workspace.close_database()
    upgraded = folder.parent / "upgraded" / "showroom.sqlite3"
    upgraded.parent.mkdir(exist_ok=True)
    upgraded.write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    workspace.open_database(upgraded)
    waiting = SignInDialog(None, "")
    qtbot.addWidget(waiting)
    waiting.show()
    QApplication.processEvents()
    assert waiting.grab().save(str(folder / "no-password-yet.png"))


def test_another_user_signs_in_from_the_lock_screen(qtbot, db: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add_user("bert", "salesperson", full_name="Bert Huber")
    window = _window(qtbot, people.sign_in_as("anna"))
    form = window.open_customer(None)
    window.lock()

    def bert_signs_in(dialog: SignInDialog) -> int:
        assert dialog.pages.currentWidget() is dialog.sign_in_page and dialog.login.text() == ""
        dialog.login.setText("bert")
        dialog.password.setText(TEST_PASSWORD)
        dialog.sign_in_button.click()
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", bert_signs_in)
    window.lock_screen.other_button.click()
    assert not window.isVisible() and window in session.parked_windows()
    bert_window = session.watcher().window
    # Closed after the test like the other windows: left open, its live refresh would poll
    # every database the next tests open, for the rest of the run.
    qtbot.addWidget(bert_window)
    assert bert_window is not window and bert_window.user.username == "bert"
    assert bert_window.windowTitle() == "Showroom — Bert Huber"
    assert not bert_window.users_action.isEnabled()  # his rights, not Anna's
    bert_window.hide()
    del form
    session.forget(window)  # nothing parked for the next test
