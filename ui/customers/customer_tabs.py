"""The customer form's later tabs: the documents the customer was given across its sales."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.documents import DocumentKind
from app.domain.reading import format_day
from app.i18n import _
from app.services import deals
from app.services.documents import DocumentInfo
from app.services.errors import NotFound
from ui.common.qt import DELETE_ON_CLOSE, ENTER_KEYS, KEY_PRESS
from ui.common.table_model import Column, RowTableModel, summary_table
from ui.common.texts import FieldLabel
from ui.common.widgets import ERROR_COLOUR


class DocumentTableModel(RowTableModel[DocumentInfo]):
    columns = (
        Column(FieldLabel("document.number"), lambda d: d.number),
        Column(FieldLabel("document.kind"), lambda d: DocumentKind(d.kind).label),
        Column(FieldLabel("document.issued_on"), lambda d: format_day(d.issued_on)),
        Column(FieldLabel("document.status"), lambda d: d.status),
        Column(FieldLabel("document.amount_due"), lambda d: d.amount_due, figure=True),
        Column(FieldLabel("document.opportunity_id"), lambda d: f"#{d.opportunity_id} {d.topic}"),
    )


class AccountDocumentsTab(QWidget):
    """The issued quotes and order forms of the customer's opportunities, newest first;
    Preview (Enter, a double click) opens one as it was issued. Emits `count_changed`
    with the number listed, for the tab's title."""

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_id: int | None = None
        self.model = DocumentTableModel(self)
        self.table = summary_table(self.model)
        self.table.setWordWrap(False)  # one line a document; a long topic is elided
        self.table.installEventFilter(self)
        self.preview_button = QPushButton(_("Pre&view…"))
        self.preview_button.setAutoDefault(False)
        self.preview_button.setToolTip(_("Show the selected document as it was issued, to print"))
        self.empty = QLabel(_("No quote or order form has been issued to this customer yet."))
        self.empty.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.table.doubleClicked.connect(self._preview_index)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.preview_button.clicked.connect(self.preview_current)
        self._enable()

    def set_account(self, account_id: int | None) -> None:
        self.account_id = account_id
        self.refresh()

    def refresh(self) -> None:
        rows = deals.documents_for_account(self.account_id) if self.account_id is not None else []
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self._say("")
        self._enable()
        self.count_changed.emit(len(rows))

    def current_document(self) -> DocumentInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def preview_current(self) -> QDialog | None:
        document = self.current_document()
        return self.preview(document.reference) if document is not None else None

    def preview(self, reference: str) -> QDialog | None:
        # QtPdf is loaded with the first preview, not with the customer form.
        from ui.quotes.document_preview import DocumentPreviewDialog

        try:
            dialog = DocumentPreviewDialog(reference, self)
        except (NotFound, ValueError) as exc:
            self._say(str(exc))
            return None
        dialog.setAttribute(DELETE_ON_CLOSE)
        dialog.open()
        return dialog

    def _preview_index(self, index: QModelIndex) -> None:
        document = self.model.row_at(index.row()) if index.isValid() else None
        if document is not None:
            self.preview(document.reference)

    def _enable(self) -> None:
        self.preview_button.setEnabled(self.current_document() is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- Qt overrides -------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the table previews, as a double click does.
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == KEY_PRESS
            and event.key() in ENTER_KEYS
        ):
            self.preview_current()
            return True
        return super().eventFilter(watched, event)
