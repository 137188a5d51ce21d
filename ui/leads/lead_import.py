"""Importing leads from a web form's CSV export, with the rows refused listed by line."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import Channel
from app.i18n import N_, _
from app.services import leads
from app.services.leads import ImportRefused, ImportReport
from ui.common.qt import (
    ACCEPT_ROLE,
    ALIGN_LEFT,
    CLOSE_BUTTON,
    PLAIN_TEXT,
    SELECT_ROWS,
    STRETCH,
    TO_CONTENTS,
    WAIT_CURSOR,
)
from ui.common.table_model import Column, RowTableModel
from ui.common.widgets import ChoiceCombo, FieldBox, OptionCombo
from ui.leads.lead_sections import fill_owners

# A web-form export within the import's row limit is a few tens of megabytes; a file far
# larger is the wrong file, and reading it whole would stall the workstation.
MAX_FILE_BYTES = 256 * 1024 * 1024


def path_problem(text: str) -> str:
    """What keeps the file at `text` from being read, in words for the user, or ""."""
    if not text.strip():
        return _("Choose the CSV file to import.")
    path = Path(text.strip()).expanduser()
    if not path.exists():
        return _("There is no file at {path}; check the name and the folder.").format(path=path)
    if path.is_dir():
        return _("{path} is a folder; choose the CSV file inside it.").format(path=path)
    if not path.is_file():
        return _("{path} is not a file that can be imported.").format(path=path)
    if not os.access(path, os.R_OK):
        return _("{path} cannot be opened: you have no permission to read it.").format(path=path)
    if path.stat().st_size > MAX_FILE_BYTES:
        size = path.stat().st_size // (1024 * 1024)
        return _(
            "{path} is {size} MB, far more than a web-form export; is it the right file?"
        ).format(path=path, size=f"{size:,}")
    return ""


def file_filter() -> str:
    """The file dialog's filter, in the screen's language."""
    return _("CSV files (*.csv *.txt);;All files (*)")


class RefusedRowsModel(RowTableModel[tuple[int, str]]):
    """The rows of the file that were not imported: the line number and what is wrong."""

    COL_LINE, COL_PROBLEM = range(2)
    columns = (
        Column(N_("Line"), lambda r: str(r[0]), figure=True),
        Column(N_("What is wrong"), lambda r: r[1]),
    )


class LeadImportDialog(QDialog):
    """Pick a web form's CSV export, say which channel rows without one came by and who
    owns the new leads, and import. The summary and the refused rows stay on show, so the
    file can be corrected and imported again (rows already in are skipped). Emits
    `imported` after an import that added at least one lead."""

    imported = Signal()

    def __init__(self, current_user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import leads"))
        self.setMinimumWidth(640)
        self.report: ImportReport | None = None

        intro = QLabel(
            _(
                "A CSV file exported from the web form: a header row naming the columns (a "
                "name or company, and an e-mail or phone column at least), UTF-8, separated "
                "by commas or semicolons. Rows imported before are recognised and skipped."
            )
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("The CSV file to import"))
        self.browse_button = QPushButton(_("&Browse…"))
        self.browse_button.setAutoDefault(False)
        self.file_box = FieldBox(self.path_edit, self.browse_button)
        self.channel = ChoiceCombo(Channel, none_label=None)
        self.channel.set_current_code(Channel.WEB_FORM.value)
        self.channel.setToolTip(_("For rows whose file has no channel column, or leaves it empty"))
        self.owner = OptionCombo()
        fill_owners(self.owner, current_user_id)
        form = QFormLayout()
        form.addRow(_("&File"), self.file_box)
        form.addRow(_("&Channel of rows without one"), self.channel)
        form.addRow(_("&Owner of the new leads"), self.owner)
        for field in (self.file_box, self.channel, self.owner):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(self.path_edit if field is self.file_box else field)

        self.summary = QLabel()
        self.summary.setTextFormat(PLAIN_TEXT)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.hide()
        self.refused_note = QLabel(
            _(
                "These lines were not imported: correct them in the file and import it again "
                "(the rows already in are skipped)."
            )
        )
        self.refused_note.setWordWrap(True)
        self.refused_model = RefusedRowsModel(self)
        self.refused_table = QTableView()
        self.refused_table.setModel(self.refused_model)
        self.refused_table.setSelectionBehavior(SELECT_ROWS)
        self.refused_table.verticalHeader().setVisible(False)
        self.refused_table.setWordWrap(False)
        self.refused_table.verticalHeader().setDefaultSectionSize(
            self.refused_table.fontMetrics().height() + 6
        )
        header = self.refused_table.horizontalHeader()
        header.setDefaultAlignment(ALIGN_LEFT)
        header.setSectionResizeMode(RefusedRowsModel.COL_LINE, TO_CONTENTS)
        header.setSectionResizeMode(RefusedRowsModel.COL_PROBLEM, STRETCH)
        self.refused = QWidget()
        refused_layout = QVBoxLayout(self.refused)
        refused_layout.setContentsMargins(0, 0, 0, 0)
        refused_layout.addWidget(self.refused_note)
        refused_layout.addWidget(self.refused_table, 1)
        self.refused.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(_("&Import"), ACCEPT_ROLE)
        self.import_button.setDefault(True)
        self.close_button = self.buttons.addButton(CLOSE_BUTTON)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.refused, 1)
        layout.addStretch(0)
        layout.addWidget(self.buttons)

        self.browse_button.clicked.connect(self.browse)
        self.import_button.clicked.connect(self.run_import)
        self.close_button.clicked.connect(self.reject)
        self.path_edit.textEdited.connect(self.file_box.clear_message)
        self.path_edit.setFocus()

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the leads file"), start, file_filter()
        )
        if chosen:
            self.path_edit.setText(chosen)
            self.file_box.clear_message()

    def run_import(self) -> ImportReport | None:
        """Import the file; the report, or None when nothing could be imported (the
        reason is shown under the file field)."""
        text = self.path_edit.text()
        problem = path_problem(text)
        if problem:
            self._refuse(problem)
            return None
        path = Path(text.strip()).expanduser()
        self.file_box.clear_message()
        self.import_button.setEnabled(False)
        # Ten thousand rows take about a second: a wait cursor says enough.
        QApplication.setOverrideCursor(WAIT_CURSOR)
        try:
            report = leads.import_csv(
                path, self.channel.current_code() or Channel.WEB_FORM.value, self.owner.current_id()
            )
        except ImportRefused as exc:
            self._refuse(str(exc))
            return None
        except OSError as exc:
            self._refuse(
                _("{path} cannot be read ({reason}); nothing was imported.").format(
                    path=path, reason=exc.strerror or exc
                )
            )
            return None
        finally:
            QApplication.restoreOverrideCursor()
            self.import_button.setEnabled(True)
        self._show_report(path, report)
        if report.imported:
            self.imported.emit()
        return report

    def _refuse(self, message: str) -> None:
        self.report = None
        self.summary.hide()
        self.refused.hide()
        self.file_box.show_error(message)
        self.path_edit.setFocus()

    def _show_report(self, path: Path, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(_("{file}: {summary}.").format(file=path.name, summary=report.summary))
        self.summary.show()
        self.refused_model.set_rows(report.errors)
        self.refused.setVisible(bool(report.errors))
        if report.errors:
            # A little taller for the list, never past what the screen has room for.
            screen = self.screen()
            room = screen.availableGeometry().height() - 80 if screen is not None else 700
            self.resize(max(self.width(), 760), min(max(self.height(), 520), room))
