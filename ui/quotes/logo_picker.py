"""The logo new documents print, as the settings show it: a preview of the image kept in the
database, with Choose… (a PNG or JPEG file, read and then kept with the save) and Remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.validation import ValidationError
from app.i18n import _
from app.services import documents
from app.services.documents import Logo

PREVIEW = QSize(240, 80)


class LogoPicker(QWidget):
    """`changed` when a logo is chosen or removed; `refused` with the words when a chosen
    file is none ("" when a later choice was taken), for the field's message."""

    changed = Signal()
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._logo: Logo | None = None
        self.touched = False  # a logo was chosen or removed since set_logo
        self._folder = str(Path.home())
        self.preview = QLabel()
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setFixedSize(PREVIEW + QSize(12, 12))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.choose_button = QPushButton(_("&Choose…"))
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton(_("Re&move"))
        self.remove_button.clicked.connect(self.remove)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(buttons)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._show()

    def logo(self) -> Logo:
        """The logo shown (Logo("") for none)."""
        return self._logo if self._logo is not None else Logo("")

    def set_logo(self, logo: Logo | None, problem: str = "") -> None:
        """The logo kept (None: none), and what keeps an older one from showing, if anything."""
        self._logo = logo if logo is not None and logo.sha256 else None
        self.touched = False
        self.note.setText(problem)
        self.note.setVisible(bool(problem))
        self._show()

    def set_read_only(self, read_only: bool) -> None:
        self.choose_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)

    def choose(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), self._folder, _("Images (*.png *.jpg *.jpeg)")
        )
        if chosen:
            self.take_file(chosen)

    def take_file(self, path: str | Path) -> bool:
        """Show the image of the file as the logo (kept in the database when the settings
        are saved); a file that is none is refused in words and the logo shown stays."""
        self._folder = str(Path(path).parent)
        try:
            logo = documents.read_logo(path)
        except ValidationError as exc:
            self.refused.emit(exc.errors.get("logo", str(exc)))
            return False
        self.refused.emit("")
        self.set_logo(logo)
        self.touched = True
        self.changed.emit()
        return True

    def remove(self) -> None:
        self.refused.emit("")
        self.set_logo(None)
        self.touched = True
        self.changed.emit()

    def _show(self) -> None:
        self.remove_button.setEnabled(self._logo is not None)
        pixmap = QPixmap()
        if self._logo is not None and pixmap.loadFromData(self._logo.data):
            self.preview.setPixmap(
                pixmap.scaled(
                    PREVIEW,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.preview.setToolTip(_("Kept in the database: every workstation prints this logo."))
            return
        self.preview.setPixmap(QPixmap())
        self.preview.setText(_("No logo: the dealer's name is printed instead"))
        self.preview.setToolTip("")
