"""The settings every new quote and order form is issued with: validity, VAT, terms and logo,
and the legal details each dealership's documents print in their footer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import reading
from app.domain.fields import label
from app.domain.languages import CORRESPONDENCE_LANGUAGES, language_name
from app.domain.quotes import format_rate
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import access, documents
from app.services.documents import DEALER_FIELDS, DealerDetails, DocumentSettings, Logo
from app.services.errors import ConflictError, NotAllowed
from ui.common import conflict_dialog
from ui.common.conflict_dialog import ConflictChoice
from ui.common.qt import CANCEL, SAVE
from ui.common.widgets import FieldBox, ask_to_save
from ui.quotes.logo_picker import LogoPicker


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
        self.logo = LogoPicker()
        self.boxes = {
            "valid_days": FieldBox(self.valid_days, stretch=True),
            "vat_rate": FieldBox(self.vat_rate, QLabel("%"), stretch=True),
            "terms": FieldBox(self.terms),
            "logo": FieldBox(self.logo),
        }
        self.logo.refused.connect(
            lambda words: (
                self.boxes["logo"].show_error(words)
                if words
                else self.boxes["logo"].clear_message()
            )
        )
        form = QFormLayout()
        for name, box in self.boxes.items():
            form.addRow(label(f"document_settings.{name}", form=True), box)
        self.dealer = QComboBox()
        for option in documents.dealerships():
            self.dealer.addItem(option.label, option.id)
        self.dealer.activated.connect(self._switch_dealer)
        self.dealer_edits: dict[str, QLineEdit] = {}
        legal = QFormLayout()
        legal.addRow(label("business.id", form=True), self.dealer)
        for name in DEALER_FIELDS:
            edit = QLineEdit()
            self.dealer_edits[name] = edit
            self.boxes[name] = FieldBox(edit)
            legal.addRow(label(f"business.{name}", form=True), self.boxes[name])
        self.dealer_edits["iban"].setPlaceholderText("DE89 3704 0044 0532 0130 00")  # i18n: ignore
        self.dealer_edits["bic"].setPlaceholderText("COBADEFFXXX")  # i18n: ignore
        self.dealer_edits["vat_number"].setPlaceholderText("DE123456789")  # i18n: ignore
        legal_note = QLabel(
            _(
                "Printed at the foot of every page of the dealership's quotes and order forms, "
                "as the law asks of a company's business letters."
            )
        )
        legal_note.setWordWrap(True)
        for box in self.boxes.values():
            for layout_ in (form, legal):
                caption = layout_.labelForField(box)
                if isinstance(caption, QLabel):
                    caption.setBuddy(box.field)
        caption = form.labelForField(self.boxes["logo"])
        if isinstance(caption, QLabel):
            caption.setBuddy(self.logo.choose_button)
        caption = legal.labelForField(self.dealer)
        if isinstance(caption, QLabel):
            caption.setBuddy(self.dealer)
        # The dealership's language and the terms in each customer's language.
        self.language = QComboBox()
        for code in CORRESPONDENCE_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.boxes["language"] = FieldBox(self.language, stretch=True)
        self.translated_terms: dict[str, QPlainTextEdit] = {}
        languages_form = QFormLayout()
        languages_form.addRow(
            label("document_settings.language", form=True), self.boxes["language"]
        )
        for code in CORRESPONDENCE_LANGUAGES:
            terms_edit = QPlainTextEdit()
            terms_edit.setTabChangesFocus(True)
            terms_edit.setPlaceholderText(_("none: the terms on the first tab are printed"))
            self.translated_terms[code] = terms_edit
            name = f"terms_{code}"
            self.boxes[name] = FieldBox(terms_edit)
            languages_form.addRow(label(f"document_settings.{name}", form=True), self.boxes[name])
        for box in self.boxes.values():
            caption = languages_form.labelForField(box)
            if isinstance(caption, QLabel):
                caption.setBuddy(box.field)
        languages_note = QLabel(
            _(
                "A customer's quotes and order forms are written in the customer's language "
                "(set in the customer's form), with its words, figures and dates, and the terms "
                "set here for that language."
            )
        )
        languages_note.setWordWrap(True)
        languages_page = QWidget()
        languages_layout = QVBoxLayout(languages_page)
        languages_layout.addWidget(languages_note)
        languages_layout.addLayout(languages_form, 1)
        general = QWidget()
        general_layout = QVBoxLayout(general)
        general_layout.addLayout(form, 1)
        legal_page = QWidget()
        legal_layout = QVBoxLayout(legal_page)
        legal_layout.addWidget(legal_note)
        legal_layout.addLayout(legal)
        legal_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(general, _("Quotes and order &forms"))
        self.tabs.addTab(legal_page, _("Dealer's le&gal details"))
        self.tabs.addTab(languages_page, _("Customers' la&nguages"))
        self.read_only = not access.has_right(Right.SETUP)
        note = QLabel(
            access.missing_right_message(Right.SETUP)
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
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self._load(documents.document_settings())
        if self.read_only:
            for widget in (self.vat_rate, *self.dealer_edits.values()):
                widget.setReadOnly(True)
            self.terms.setReadOnly(True)
            for edit_ in self.translated_terms.values():
                edit_.setReadOnly(True)
            self.language.setEnabled(False)
            self.valid_days.setReadOnly(True)
            self.logo.set_read_only(True)
            self.save_button.hide()

    def _load(self, settings: DocumentSettings) -> None:
        self.opened = settings  # what a conflict compares with theirs and yours
        self.valid_days.setValue(settings.valid_days)
        self.vat_rate.setText(format_rate(settings.vat_rate))
        self.terms.setPlainText(settings.terms)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        for code, edit in self.translated_terms.items():
            edit.setPlainText(getattr(settings, f"terms_{code}"))
        self.logo.set_logo(Logo(settings.logo, settings.logo_data), settings.logo_problem)
        self._load_dealer(settings.dealer)
        self._baseline = self.state()

    def _load_dealer(self, dealer: DealerDetails | None) -> None:
        self._dealer = dealer
        if dealer is not None:
            self.dealer.setCurrentIndex(self.dealer.findData(dealer.business_id))
        for name, edit in self.dealer_edits.items():
            edit.setText(getattr(dealer, name) if dealer is not None else "")
            edit.setEnabled(dealer is not None)

    def _switch_dealer(self, _index: int) -> None:
        """Another dealership's details; the ones typed are saved first when the user says so."""
        business_id = self.dealer.currentData()
        if self._dealer is None or business_id == self._dealer.business_id:
            return
        if not self.read_only and self.state() != self._baseline:
            answer = ask_to_save(self, _("The document settings have changes that are not saved."))
            if answer == CANCEL or (answer == SAVE and not self.save()):
                self.dealer.setCurrentIndex(self.dealer.findData(self._dealer.business_id))
                return
        self._load(documents.document_settings(business_id))

    def _dealer_input(self) -> DealerDetails | None:
        if self._dealer is None:
            return None
        return DealerDetails(
            business_id=self._dealer.business_id,
            name=self._dealer.name,
            **{name: edit.text() for name, edit in self.dealer_edits.items()},
        )

    def _show_days(self, days: int) -> None:
        # The unit after the number, singular or plural as the number needs.
        self.valid_days.setSuffix(ngettext(" day", " days", days))

    def state(self) -> tuple[object, ...]:
        return (
            self.valid_days.value(),
            self.vat_rate.text(),
            self.terms.toPlainText(),
            self.logo.logo().sha256,
            self.language.currentData(),
            *(edit.toPlainText() for edit in self.translated_terms.values()),
            *(edit.text() for edit in self.dealer_edits.values()),
        )

    def save(self) -> bool:
        for box in self.boxes.values():
            box.clear_message()
        try:
            rate = reading.read_percent(self.vat_rate.text())
        except reading.ReadError as exc:
            # As typed, with the reading it would have had: "did you mean 7,7?"
            self.boxes["vat_rate"].show_error(str(exc))
            self.tabs.setCurrentIndex(0)
            return False
        data = DocumentSettings(
            valid_days=self.valid_days.value(),
            vat_rate=rate,
            terms=self.terms.toPlainText(),
            logo=self.logo.logo().sha256,
            logo_data=self.logo.logo().data,
            dealer=self._dealer_input(),
            language=str(self.language.currentData()),
            **{f"terms_{code}": e.toPlainText() for code, e in self.translated_terms.items()},
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
            # The first refused field's tab comes forward.
            first = next(name for name in self.boxes if name in exc.errors)
            on_languages = first == "language" or first.startswith("terms_")
            self.tabs.setCurrentIndex(1 if first in DEALER_FIELDS else 2 if on_languages else 0)
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
