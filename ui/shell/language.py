"""The screen's language for the whole program: our texts (app.i18n) and Qt's own (the
standard buttons' Save, Cancel and Close, Yes and No, the file and print dialogs, the names
of keys, a text field's menu), switched together, so that a window built again shows one
language throughout.

Which language: the one the user chose in the preferences (kept in their own settings),
else the system's (QLocale.system(), as the environment or the desktop session names it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from app import i18n, languages, paths
from ui.common import user_settings

# Where the user's choice is kept in their settings; "" (or none): the system's language.
PREFERENCE_KEY = "preferences/language"

# Qt's catalogue installed for the language now shown, if any.
_qt_catalogue: QTranslator | None = None


def qt_translation_folders() -> list[Path]:
    """Where Qt's own catalogues (qtbase_<lang>.qm) are looked for: Qt's installation, then
    the copies installer.spec puts beside ours (a bundle's Qt may have none of its own)."""
    return [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        paths.translations_dir() / "qt",
    ]


def set_language(language: str) -> i18n.Translator:
    """Switch the screen's language from now on: app.i18n's, and Qt's catalogue of its own
    texts (shipped with Qt) when the application runs. Windows built after it show it; Qt
    relabels its standard buttons at once. A language without a catalogue reads English."""
    global _qt_catalogue
    translator = i18n.set_language(language)
    app = QCoreApplication.instance()
    if app is None:
        return translator
    if _qt_catalogue is not None:
        app.removeTranslator(_qt_catalogue)
        _qt_catalogue.deleteLater()
        _qt_catalogue = None
    # Only with a catalogue of ours: a language without one reads English throughout.
    if translator.has_catalogue:
        catalogue = QTranslator(app)
        for folder in qt_translation_folders():
            if catalogue.load(QLocale(translator.language), "qtbase", "_", str(folder)):
                app.installTranslator(catalogue)
                _qt_catalogue = catalogue
                break
        else:
            catalogue.deleteLater()
    return translator


def system_language() -> str:
    """The system's language, if the program speaks it (else English): the desktop's UI
    languages as Qt reads them, else the locale environment."""
    wanted = [name for name in QLocale.system().uiLanguages() if name]
    return languages.pick(wanted or languages.system_languages(), i18n.available_languages())


def choices() -> list[str]:
    """The languages a user may choose: English and each with a catalogue."""
    return i18n.available_languages()


def preferred_language(settings: QSettings | None) -> str:
    """What the user chose in the preferences ("" for the system's language, or a choice
    this installation no longer has)."""
    if settings is None:
        return ""
    value = settings.value(PREFERENCE_KEY, "")
    return value if isinstance(value, str) and value in choices() else ""


def settings_of(login: str) -> QSettings | None:
    """A user's settings to read from before they sign in; None when they have none yet
    (nothing is created by looking)."""
    path = paths.user_settings_path(login)
    return QSettings(str(path), QSettings.Format.IniFormat) if path.is_file() else None


def start_language(login: str) -> str:
    """At start-up, before the first window: the language `login` chose, else the
    system's. Returns it."""
    language = preferred_language(settings_of(login)) or system_language()
    set_language(language)
    return language


def keep_preference(language: str) -> None:
    """Keep the signed-in user's choice ("" for the system's language) for their next start."""
    store = user_settings.settings()
    if store is None:
        return
    store.setValue(PREFERENCE_KEY, language)
    store.sync()


__all__ = [
    "PREFERENCE_KEY",
    "choices",
    "keep_preference",
    "preferred_language",
    "qt_translation_folders",
    "set_language",
    "settings_of",
    "start_language",
    "system_language",
]
