"""The preview of an issued document: its pages on screen, printing, saving and its folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize, QUrl
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.services import documents
from app.services.errors import NotFound
from ui.common.qt import ACCEPTED, KEEP_ASPECT

# QtPdf's members stay here rather than in ui.common.qt: only the preview loads QtPdf.
MULTI_PAGE = QPdfView.PageMode.MultiPage
FIT_WIDTH = QPdfView.ZoomMode.FitToWidth
READY = QPdfDocument.Status.Ready
PRINT_DPI = 300


class DocumentPreviewDialog(QDialog):
    """One issued document (a quote revision or an order form), rendered from its snapshot."""

    def __init__(
        self, reference: str, parent: QWidget | None = None, draft: bytes | None = None
    ) -> None:
        """`draft`: the PDF of a quote not yet issued (marked DRAFT), shown instead of the
        issued document; it has no archived copy and no folder to open."""
        super().__init__(parent)
        self.reference = reference
        self.is_draft = draft is not None
        self.setWindowTitle(
            (
                _("{reference} — draft preview") if self.is_draft else _("{reference} — preview")
            ).format(reference=reference)
        )
        self.resize(860, 980)
        self.data = draft if draft is not None else documents.render(reference)
        self._bytes = QByteArray(self.data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(MULTI_PAGE)
        self.view.setZoomMode(FIT_WIDTH)

        self.info = QLabel(self._describe())
        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton(
            _("&Print…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button = self.buttons.addButton(
            _("&Save as PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.folder_button = self.buttons.addButton(
            _("Open &folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.folder_button.clicked.connect(self.open_folder)
        self.buttons.rejected.connect(self.reject)
        if self.is_draft:
            self.save_button.hide()
            self.folder_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def _describe(self) -> str:
        pages = self.document.pageCount()
        if self.is_draft:
            text = ngettext(
                "{reference} · {n} page · draft, not issued",
                "{reference} · {n} pages · draft, not issued",
                pages,
            )
        else:
            text = ngettext(
                "{reference} · {n} page · as issued", "{reference} · {n} pages · as issued", pages
            )
        return text.format(reference=self.reference, n=pages)

    def page_count(self) -> int:
        return self.document.pageCount() if self.document.status() == READY else 0

    # Printing

    def print_document(self) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.reference)
        printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print {reference}").format(reference=self.reference))
        if dialog.exec() != ACCEPTED:
            return False
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Each page as an image at the printer's resolution, scaled into its page."""
        first, last = printer.fromPage(), printer.toPage()
        if first == 0:  # the dialog's "all pages"
            first, last = 1, self.page_count()
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, _("Print"), _("The printer could not be started."))
            return False
        try:
            for number in range(first, last + 1):
                if number > first:
                    printer.newPage()
                size = self.document.pagePointSize(number - 1)
                pixels = QSize(
                    round(size.width() / 72 * PRINT_DPI), round(size.height() / 72 * PRINT_DPI)
                )
                image = self.document.render(number - 1, pixels)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), KEEP_ASPECT)
                painter.drawImage(QRect(QPoint(0, 0), scaled), image)
        finally:
            painter.end()
        return True

    # Saving

    def save_as(self) -> Path | None:
        suggested = str(Path.home() / f"{self.reference}.pdf")
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), suggested, _("PDF (*.pdf)")
        )
        if not chosen:
            return None
        return self.save_to(Path(chosen))

    def save_to(self, path: Path) -> Path | None:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            saved = documents.save_pdf(self.reference, path)
        except (documents.DocumentFolderError, NotFound) as exc:
            QMessageBox.warning(self, _("Save as PDF"), str(exc))
            return None
        self.info.setText(
            _("Saved {reference} to {path}").format(reference=self.reference, path=saved)
        )
        return saved

    def open_folder(self) -> Path | None:
        try:
            path = documents.archived_pdf(self.reference)
        except OSError as exc:
            QMessageBox.warning(
                self,
                _("Open folder"),
                _("The documents folder cannot be used: {reason}").format(reason=exc),
            )
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        return path.parent
