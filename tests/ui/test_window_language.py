"""The main window in another language: after set_language, a window built again shows its
menus, tabs, lists and counts in that language, with no restart of the interpreter; and the
demo data's summary says each count with its own plural."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import i18n
from app.demo.summary import DemoSummary
from app.services import leads
from app.services.leads import LeadInput
from app.services.workspace import UserInfo
from tests.ui.catalogues import Entry, use_catalogue
from ui.leads.lead_import import LeadImportDialog
from ui.leads.lead_list import COL_EMAIL, COL_OWNER
from ui.shell.language import set_language
from ui.shell.main_window import MainWindow
from ui.shell.upkeep import demo_summary_text

GERMAN: list[Entry] = [
    ("&File", "&Datei", None),
    ("&Sales", "&Verkauf", None),
    ("Ad&ministration", "Ver&waltung", None),
    ("&Opportunities", "&Verkaufschancen", None),
    ("&Agenda", "&Termine", None),
    ("&Leads", "&Interessenten", None),
    ("C&ustomers", "&Kunden", None),
    ("&Dashboard", "&Übersicht", None),
    ("&New opportunity…", "&Neue Verkaufschance…", None),
    ("Today", "Heute", None),
    ("E-mail", "E-Mail", "lead.email"),
    ("Owner", "Zuständig", "lead.owner_id"),
    ("Subject", "Betreff", "activity.subject"),
    (("{n} lead", "{n} leads"), ("{n} Interessent", "{n} Interessenten"), None),
    (("{n} today", "{n} today"), ("{n} heute", "{n} heute"), None),
    (("{n} overdue", "{n} overdue"), ("{n} überfällig", "{n} überfällig"), None),
]


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A small German catalogue in place of the shipped ones; Qt's own texts switch too."""
    yield from use_catalogue(tmp_path, monkeypatch, "de", GERMAN)
    set_language(i18n.SOURCE_LANGUAGE)


def _window(qtbot, user: UserInfo, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    return window


def _menus(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def _tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def _header(model, column: int) -> str:  # type: ignore[no-untyped-def]
    return model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)


def test_the_main_window_is_built_again_in_another_language(
    qtbot, user: UserInfo, db: Path, german: None
) -> None:
    leads.create(LeadInput(first_name="Zoë", last_name="Brandt", email="zoe@example.com"))
    english = _window(qtbot, user, db)
    assert _menus(english) == ["&File", "&Sales", "Ad&ministration"]
    assert _tabs(english)[0] == "&Opportunities"

    set_language("de")
    window = _window(qtbot, user, db)
    assert _menus(window) == ["&Datei", "&Verkauf", "Ver&waltung"]
    assert _tabs(window) == [
        "&Verkaufschancen",
        "&Termine",
        "&Interessenten",
        "&Kunden",
        "&Übersicht",
    ]
    assert window.new_action.text() == "&Neue Verkaufschance…"
    # The lead list: its headers are the fields' labels, and the status bar counts.
    window.tabs.setCurrentWidget(window.leads_tab)
    model = window.leads.model
    assert (_header(model, COL_EMAIL), _header(model, COL_OWNER)) == ("E-Mail", "Zuständig")
    assert window.count_label.text() == "1 Interessent"
    # The agenda: its sections, their headers and its count in the status bar.
    window.tabs.setCurrentWidget(window.agenda_tab)
    assert window.agenda.today.title() == "Heute (0)"
    assert _header(window.agenda.today.model, 2) == "Betreff"
    assert window.count_label.text() == "0 heute, 0 überfällig"
    # Qt's own texts (a standard button) follow, from the catalogue Qt ships.
    dialog = LeadImportDialog(user.id, window)
    assert dialog.close_button.text() == "Schließen"

    # A window shown before keeps its texts; the language switches back just as well.
    assert _menus(english) == ["&File", "&Sales", "Ad&ministration"]
    set_language("en")
    # A list's headers are translated each time they are drawn: they follow at once.
    assert _header(window.leads.model, COL_EMAIL) == "E-mail"
    again = _window(qtbot, user, db)
    assert _menus(again) == ["&File", "&Sales", "Ad&ministration"]
    assert _header(again.leads.model, COL_EMAIL) == "E-mail"


def test_the_demo_datas_summary_says_each_count_with_its_plural() -> None:
    one = DemoSummary(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert demo_summary_text(one) == (
        "Loaded the demo dealership: 1 business, 1 facility, 1 user, 1 catalogue variant, "
        "1 vehicle, 1 customer with 1 contact, 1 lead, 1 opportunity, 1 quote, 1 order form, "
        "1 order, 1 activity."
    )
    two = DemoSummary(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    assert demo_summary_text(two) == (
        "Loaded the demo dealership: 2 businesses, 3 facilities, 4 users, 5 catalogue "
        "variants, 6 vehicles, 7 customers with 8 contacts, 9 leads, 10 opportunities, "
        "12 quotes, 13 order forms, 14 orders, 15 activities."
    )


def test_qts_own_texts_follow_only_a_language_with_a_catalogue(qtbot, german: None) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    def close_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        qtbot.addWidget(box)
        return box.buttons()[0].text()

    set_language("it")  # no catalogue of ours: English throughout, Qt's texts too
    assert close_text() == "Close"
    set_language("de")
    assert close_text() == "Schließen"
    set_language("en")
    assert close_text() == "Close"
