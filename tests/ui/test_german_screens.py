"""The program in German from the shipped catalogue: the main window's menus and tabs, the
opportunity form, Qt's own message-box buttons; every menu's accelerators distinct."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QWidget,
)

from app.services.workspace import UserInfo
from tests.ui.shipped_catalogue import use_shipped
from ui.leads.lead_form import LeadDialog
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.opportunities.walk_in_dialog import WalkInDialog
from ui.shell.main_window import MainWindow


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from use_shipped(tmp_path, monkeypatch, "de")


def accelerator(text: str) -> str | None:
    """The letter after a single '&' ("Verkaufs&chancen" -> "c"); None without one."""
    index = text.replace("&&", "\0\0").find("&")
    return text[index + 1].lower() if 0 <= index < len(text) - 1 else None


def duplicates(texts: list[str]) -> dict[str, list[str]]:
    letters = Counter(a for a in map(accelerator, texts) if a)
    return {
        letter: [t for t in texts if accelerator(t) == letter]
        for letter, count in letters.items()
        if count > 1
    }


def texts_of(widget: QWidget) -> set[str]:
    found = {widget.windowTitle()}
    for label in widget.findChildren(QLabel):
        found.add(label.text())
    for button in widget.findChildren(QAbstractButton):
        found.add(button.text())
    for box in widget.findChildren(QGroupBox):
        found.add(box.title())
    for tabs in widget.findChildren(QTabWidget):
        found.update(tabs.tabText(i) for i in range(tabs.count()))
    return found


def test_the_main_window_speaks_german(qtbot, user: UserInfo, db: Path, german: None) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    menus = [action.text() for action in window.menuBar().actions()]
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert menus == ["&Datei", "&Verkauf", "Ver&waltung"]
    assert tabs == ["Verkaufs&chancen", "&Termine", "&Interessenten", "&Kunden", "Ü&bersicht"]
    assert window.new_action.text() == "&Neue Verkaufschance…"
    assert window.walk_in_action.text() == "&Laufkunde…"
    assert window.preferences_action.text() == "&Einstellungen…"
    assert window.document_settings_action.toolTip().startswith(
        "Womit neue Angebote und verbindliche Bestellungen ausgestellt werden"
    )
    # Alt+letter reaches one thing: in the menu bar with the tabs, and in each menu.
    assert duplicates(menus + tabs) == {}
    for action in window.menuBar().actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        items = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert duplicates(items) == {}, (action.text(), items)


def test_the_opportunity_form_speaks_german(qtbot, user: UserInfo, german: None) -> None:  # type: ignore[no-untyped-def]
    dialog = OpportunityDialog(None, user.id)
    qtbot.addWidget(dialog)
    shown = texts_of(dialog)
    for german_text in (
        "Neue Verkaufschance",
        "&Thema",
        "K&unde",
        "Fahrzeugwunsch",
        "Fahrzeugdetails",
        "Zuordnung",
        "&Speichern",
    ):
        assert german_text in shown, german_text
    for english in ("New opportunity", "&Topic", "Branding", "Assignment", "&Save"):
        assert english not in shown, english


def accelerated_texts(top: QWidget) -> list[str]:
    """The texts of what Alt+letter reaches in a window: buttons, labels of a field,
    group boxes, tabs; only what is shown (a hidden page's letters do not count)."""
    found = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            if widget.buddy().isVisibleTo(top):
                found.append(widget.text())
        elif isinstance(widget, QAbstractButton) and not isinstance(widget.parent(), QTabBar):
            found.append(widget.text())
        elif isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, QTabBar):
            found += [widget.tabText(i) for i in range(widget.count())]
    return found


def test_the_forms_accelerators_are_distinct_in_german(qtbot, user: UserInfo, german: None) -> None:  # type: ignore[no-untyped-def]
    # (The opportunity form's letters depend on the screen's size; its laptop layout is
    # checked on the screenshots.)
    for form in (LeadDialog(None, user.id), WalkInDialog(user.id)):
        qtbot.addWidget(form)
        texts = accelerated_texts(form)
        assert len(texts) > 8
        assert duplicates(texts) == {}, type(form).__name__


def test_qts_message_box_buttons_speak_german(qtbot, german: None) -> None:  # type: ignore[no-untyped-def]
    box = QMessageBox()
    qtbot.addWidget(box)
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(
        buttons.Yes | buttons.No | buttons.Save | buttons.Discard | buttons.Cancel
    )
    texts = {box.standardButton(button): button.text() for button in box.buttons()}
    assert texts == {
        buttons.Yes: "&Ja",
        buttons.No: "&Nein",
        buttons.Save: "Speichern",
        buttons.Discard: "Verwerfen",
        buttons.Cancel: "Abbrechen",
    }


def test_the_lists_columns_are_as_wide_as_their_german_headers(
    qtbot, user: UserInfo, db: Path, german: None
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    header = window.table.horizontalHeader()
    model = window.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Vorauss. Abschluss" in titles  # wider than the 90 pixels "Est. close" is given
    for column in range(model.columnCount()):
        if not header.isSectionHidden(column):
            assert header.sectionSize(column) >= header.sectionSizeFromContents(column).width()
