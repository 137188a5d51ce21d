"""The screen's language for the whole program: our texts (app.i18n) and Qt's own (the
standard buttons' Save, Cancel and Close, Yes and No, the names of keys, a text field's
menu), switched together, so that a window built again shows one language throughout."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import i18n

# Qt's catalogue installed for the language now shown, if any.
_qt_catalogue: QTranslator | None = None


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
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if catalogue.load(QLocale(translator.language), "qtbase", "_", folder):
            app.installTranslator(catalogue)
            _qt_catalogue = catalogue
        else:
            catalogue.deleteLater()
    return translator


__all__ = ["set_language"]
