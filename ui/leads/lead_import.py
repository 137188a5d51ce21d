"""Importing leads from a web form's CSV export, with the rows refused listed by line.

The import runs beside the window (a thread of its own, with its own database connection),
so a large file never freezes it: a progress bar shows how far it has come and Cancel
stops it with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services import lead_import, reference
from app.services.lead_import import ImportCancelled, ImportRefused, ImportReport
from ui.common.code_combo import CodeCombo
from ui.common.import_worker import (
    PROGRESS_STEPS,
    CsvFileBox,
    ImportWorker,
    RefusedRowsModel,
    path_problem,
)
from ui.common.qt import (
    ACCEPT_ROLE,
    ALIGN_LEFT,
    CLOSE_BUTTON,
    PLAIN_TEXT,
    REJECT_ROLE,
    SELECT_ROWS,
    STRETCH,
    TO_CONTENTS,
)
from ui.common.widgets import OptionCombo
from ui.leads.lead_sections import fill_owners


class LeadImportWorker(ImportWorker):
    """One lead import, run in a thread of its own (see ImportWorker)."""

    def __init__(
        self, path: Path, channel: str, owner_id: int | None, parent: QObject | None = None
    ) -> None:
        def job(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> object:
            return lead_import.import_csv(path, channel, owner_id, progress, stop)

        super().__init__(job, path, (ImportCancelled,), (ImportRefused,), parent)


class LeadImportDialog(QDialog):
    """Pick a web form's CSV export, say which channel rows without one came by and who
    owns the new leads, and import. The summary and the refused rows stay on show, so the
    file can be corrected and imported again (rows already in are skipped). Emits
    `imported` after an import that added at least one lead, and `import_finished` when an
    import has ended, whatever its outcome."""

    imported = Signal()
    import_finished = Signal()

    def __init__(self, current_user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import leads"))
        self.setMinimumWidth(640)
        self.report: ImportReport | None = None
        self.worker: LeadImportWorker | None = None
        self._path: Path | None = None

        intro = QLabel(
            _(
                "A CSV file exported from the web form: a header row naming the columns (a "
                "name or company, and an e-mail or phone column at least), UTF-8, separated "
                "by commas or semicolons. Rows imported before are recognised and skipped."
            )
        )
        intro.setWordWrap(True)
        self.file_box = CsvFileBox(_("Choose the leads file"))
        self.path_edit, self.browse_button = self.file_box.path_edit, self.file_box.browse_button
        self.channel = CodeCombo("channel", none_label=None)
        # The web form's channel while it is in use, else the list's first.
        self.channel.set_current_code(reference.first_active("channel", "web_form"))
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

        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setFormat(_("Importing… %p%"))
        self.progress.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(_("&Import"), ACCEPT_ROLE)
        self.import_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(_("Cancel the import"), REJECT_ROLE)
        self.cancel_button.hide()
        self.close_button = self.buttons.addButton(CLOSE_BUTTON)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.refused, 1)
        layout.addStretch(0)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.import_button.clicked.connect(self.run_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.close_button.clicked.connect(self.reject)
        self.path_edit.setFocus()

    @property
    def importing(self) -> bool:
        return self.worker is not None

    def run_import(self) -> None:
        """Start importing the file beside the window; a file that cannot be read is
        refused under the file field at once."""
        if self.importing:
            return
        text = self.path_edit.text()
        problem = path_problem(text)
        if problem:
            self._refuse(problem)
            self.import_finished.emit()
            return
        path = self._path = Path(text.strip()).expanduser()
        self.file_box.clear_message()
        self.summary.hide()
        self.refused.hide()
        worker = self.worker = LeadImportWorker(
            path,
            self.channel.current_code() or reference.first_active("channel", "web_form"),
            self.owner.current_id(),
            self,
        )
        worker.progressed.connect(self.progress.setValue)
        worker.done.connect(self._done)
        worker.refused.connect(self._refuse)
        worker.cancelled.connect(self._cancelled)
        worker.finished.connect(self._ended)
        self._set_running(True)
        worker.start()

    def cancel_import(self) -> None:
        if self.worker is not None:
            self.cancel_button.setEnabled(False)
            self.progress.setFormat(_("Cancelling…"))
            self.worker.cancel()

    def _set_running(self, running: bool) -> None:
        self.progress.setValue(0)
        self.progress.setFormat(_("Importing… %p%"))
        self.progress.setVisible(running)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(running)
        self.import_button.setEnabled(not running)
        for widget in (self.path_edit, self.browse_button, self.channel, self.owner):
            widget.setEnabled(not running)

    def _done(self, report: ImportReport) -> None:
        assert self._path is not None
        self._show_report(self._path, report)
        if report.imported:
            self.imported.emit()

    def _cancelled(self) -> None:
        self.report = None
        self.summary.setText(_("The import was cancelled; nothing was imported."))
        self.summary.show()

    def _ended(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self._set_running(False)
        self.import_finished.emit()

    def reject(self) -> None:
        # Closing while importing cancels the import (nothing is written) and waits for it.
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
        super().reject()

    def _refuse(self, message: str) -> None:
        self.report = None
        self.summary.hide()
        self.refused.hide()
        self.file_box.show_error(message)
        self.path_edit.setEnabled(True)
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
