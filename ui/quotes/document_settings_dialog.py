"""The settings every new quote and order form is issued with: validity, VAT, terms and logo."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import documents, workspace
from app.services.documents import DocumentSettings
from app.services.errors import ConflictError, NotAllowed
from ui.common import conflict_dialog
from ui.common.conflict_dialog import ConflictChoice
from ui.common.qt import CANCEL, SAVE
from ui.common.widgets import FieldBox, ask_to_save


class DocumentSettingsDialog(QDialog):
    """Read-only for salespeople; a sales manager or an administrator changes it. Issued
    documents keep what they printed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Quotes and documents"))
        self.resize(720, 620)
        self.valid_days = QSpinBox()
        self.valid_days.setRange(1, 366)
        self.valid_days.valueChanged.connect(self._show_days)
        self._show_days(self.valid_days.value())
        self.vat_rate = QLineEdit()
        self.vat_rate.setMaximumWidth(90)
        self.terms = QPlainTextEdit()
        self.terms.setTabChangesFocus(True)
        self.logo = QLineEdit()
        self.logo.setPlaceholderText(_("none: the dealer's name is printed instead"))
        self.browse = QPushButton(_("&Choose…"))
        self.browse.clicked.connect(self.choose_logo)
        self.boxes = {
            "valid_days": FieldBox(self.valid_days, stretch=True),
            "vat_rate": FieldBox(self.vat_rate, QLabel("%"), stretch=True),
            "terms": FieldBox(self.terms),
            "logo_path": FieldBox(self.logo, self.browse),
        }
        form = QFormLayout()
        for name, box in self.boxes.items():
            form.addRow(label(f"document_settings.{name}", form=True), box)
        for box in self.boxes.values():
            caption = form.labelForField(box)
            if isinstance(caption, QLabel):
                caption.setBuddy(box.field)
        self.read_only = not workspace.is_manager()
        note = QLabel(
            _("Only a sales manager or an administrator can change these.")
            if self.read_only
            else _(
                "New quotes and order forms print these; issued documents keep what they printed."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form, 1)
        layout.addWidget(self.buttons)
        self._load(documents.document_settings())
        if self.read_only:
            for widget in (self.vat_rate, self.logo):
                widget.setReadOnly(True)
            self.terms.setReadOnly(True)
            self.valid_days.setReadOnly(True)
            self.browse.setEnabled(False)
            self.save_button.hide()

    def _load(self, settings: DocumentSettings) -> None:
        self.opened = settings  # what a conflict compares with theirs and yours
        self.valid_days.setValue(settings.valid_days)
        self.vat_rate.setText(f"{settings.vat_rate.normalize():f}")
        self.terms.setPlainText(settings.terms)
        self.logo.setText(settings.logo_path)
        self._baseline = self.state()

    def _show_days(self, days: int) -> None:
        # The unit after the number, singular or plural as the number needs.
        self.valid_days.setSuffix(ngettext(" day", " days", days))

    def state(self) -> tuple[object, ...]:
        return (
            self.valid_days.value(),
            self.vat_rate.text(),
            self.terms.toPlainText(),
            self.logo.text(),
        )

    def choose_logo(self) -> None:
        start = str(Path(self.logo.text()).parent) if self.logo.text() else str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), start, _("Images (*.png *.jpg *.jpeg)")
        )
        if chosen:
            self.logo.setText(chosen)

    def save(self) -> bool:
        for box in self.boxes.values():
            box.clear_message()
        try:
            rate = Decimal(self.vat_rate.text().strip().replace(",", "."))
        except InvalidOperation:
            self.boxes["vat_rate"].show_error(_("Type the rate as a number, e.g. 19 or 7.7."))
            return False
        data = DocumentSettings(
            valid_days=self.valid_days.value(),
            vat_rate=rate,
            terms=self.terms.toPlainText(),
            logo_path=self.logo.text(),
            version=self.opened.version,
        )
        try:
            saved = documents.save_document_settings(data)
        except ConflictError:
            resolved = self._resolve_conflict(data)
            if resolved is None:
                return False
            saved = resolved
        except ValidationError as exc:
            for name, message in exc.errors.items():
                if name in self.boxes:
                    self.boxes[name].show_error(message)
            return False
        except NotAllowed as exc:
            QMessageBox.warning(self, _("Quotes and documents"), str(exc))
            return False
        self._load(saved)
        return True

    def _resolve_conflict(self, yours: DocumentSettings) -> DocumentSettings | None:
        """Saved elsewhere since this opened: the record dialogs' conflict path (what changed
        on each side; take theirs, save yours over it, or go back to editing). The settings
        saved, or None when nothing was."""
        while True:
            conflict = documents.settings_conflict(self.opened, yours)
            choice = conflict_dialog.ask(conflict, self, record="document_settings")
            if choice is ConflictChoice.RELOAD:
                self._load(documents.document_settings())
                return None
            if choice is ConflictChoice.KEEP_EDITING:
                return None
            try:
                return documents.save_settings_over(self.opened, yours, conflict.version)
            except ConflictError:
                continue  # changed yet again meanwhile

    def reject(self) -> None:
        if not self.read_only and self.state() != self._baseline:
            answer = ask_to_save(self, _("The document settings have changes that are not saved."))
            if answer == CANCEL or (answer == SAVE and not self.save()):
                return
        super().reject()
