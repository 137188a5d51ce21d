"""The language a user chooses in the preferences: kept in their own settings, taken at
their next start (before the first window), Qt's own texts with it; without a choice, the
system's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n, paths
from app.services.workspace import UserInfo
from tests.ui.shipped_catalogue import compile_shipped
from ui.common import user_settings
from ui.shell import language
from ui.shell.main_window import MainWindow
from ui.shell.preferences_dialog import PreferencesDialog


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """German and French shipped, the screen in English (the tests' system language)."""
    folder = tmp_path / "translations"
    compile_shipped(folder, "de")
    compile_shipped(folder, "fr")
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    yield
    language.set_language(i18n.SOURCE_LANGUAGE)
    i18n.translator.cache_clear()


def _close_text(qtbot) -> str:  # type: ignore[no-untyped-def]
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(box)
    return box.buttons()[0].text()


def _choices(dialog: PreferencesDialog) -> list[tuple[str, str]]:
    box = dialog.language_box
    return [(box.itemText(i), box.itemData(i)) for i in range(box.count())]


def test_the_choice_is_kept_and_taken_at_the_next_start(
    qtbot, data_dir: Path, shipped: None
) -> None:  # type: ignore[no-untyped-def]
    # No choice yet: the system's language (English here), and no settings file is made.
    assert language.start_language("anna") == "en"
    assert not paths.user_settings_path("anna").exists()

    user_settings.use_settings_of("anna")
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert _choices(dialog) == [
        ("The system's language (English)", ""),
        ("Deutsch", "de"),
        ("English", "en"),
        ("Français", "fr"),
    ]
    assert dialog.language_box.currentIndex() == 0
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("de"))
    dialog.accept()
    assert i18n.language() == "en"  # the window shown keeps its language until the next start

    # The next start, as main() does it before the first window.
    user_settings._current = None  # type: ignore[attr-defined]
    assert language.start_language("anna") == "de"
    assert i18n._("&File") == "&Datei"
    assert _close_text(qtbot) == "Schließen"  # Qt's own, from Qt's catalogue
    # Another user who chose nothing follows the system, with Qt's texts back in English.
    assert language.start_language("bea") == "en"
    assert _close_text(qtbot) == "Close"

    # Back to the system's language: the choice is cleared.
    user_settings.use_settings_of("anna")
    again = PreferencesDialog()
    qtbot.addWidget(again)
    assert again.chosen_language() == "de"
    again.language_box.setCurrentIndex(0)
    again.accept()
    assert language.start_language("anna") == "en"


def test_a_choice_the_installation_no_longer_ships_follows_the_system(
    data_dir: Path, shipped: None
) -> None:
    settings = user_settings.use_settings_of("anna")
    settings.setValue(language.PREFERENCE_KEY, "pt")
    settings.sync()
    assert language.start_language("anna") == "en"


def test_cancel_keeps_the_choice(qtbot, data_dir: Path, shipped: None) -> None:  # type: ignore[no-untyped-def]
    user_settings.use_settings_of("anna")
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("fr"))
    dialog.reject()
    assert language.preferred_language(user_settings.settings()) == ""


def test_the_main_window_opens_the_preferences(
    qtbot, user: UserInfo, db: Path, shipped: None
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    assert window.preferences_action.isEnabled()
    dialog = window.open_preferences()
    assert isinstance(dialog, PreferencesDialog)
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("fr"))
    dialog.accept()
    assert language.preferred_language(user_settings.settings()) == "fr"


def test_the_system_language_is_qts_when_it_names_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QLocale

    class German(QLocale):
        def uiLanguages(self) -> list[str]:
            return ["de-DE", "en-US"]

    monkeypatch.setattr(language.QLocale, "system", staticmethod(lambda: German("de_DE")))
    monkeypatch.setattr(i18n, "available_languages", lambda: ["de", "en"])
    assert language.system_language() == "de"
