"""The signed-in user's preferences: the language Showroom speaks to them, kept in their
own settings and taken at their next start."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app import languages
from app.i18n import _
from ui.common import user_settings
from ui.shell import language


class PreferencesDialog(QDialog):
    """Choose the language: the system's (the default) or one the program speaks, each by
    its own name ("Deutsch", "Français"), so a user finds theirs whatever is shown now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preferences"))
        self.setMinimumWidth(440)  # the note in three lines at most, in every language
        self.language_box = QComboBox()
        system = language.system_language()
        self.language_box.addItem(
            _("The system's language ({language})").format(language=languages.native_name(system)),
            "",
        )
        for code in sorted(language.choices(), key=languages.native_name):
            self.language_box.addItem(languages.native_name(code), code)
        chosen = language.preferred_language(user_settings.settings())
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(chosen)))

        form = QFormLayout()
        form.addRow(_("&Language"), self.language_box)  # (the label's buddy: Alt+L)
        self.note = QLabel(
            _(
                "Showroom speaks the language chosen here from its next start, for this "
                "user at this workstation."
            )
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def chosen_language(self) -> str:
        """The choice in the box: a language code, or "" for the system's."""
        return str(self.language_box.currentData() or "")

    def accept(self) -> None:
        language.keep_preference(self.chosen_language())
        super().accept()


__all__ = ["PreferencesDialog"]
