"""Importing leads from a web form's CSV export, with the rows refused listed by line.

The import runs beside the window (a thread of its own, with its own database connection),
so a large file never freezes it: a progress bar shows how far it has come and Cancel
stops it with nothing written."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.choices import Channel
from app.i18n import N_, _
from app.services import errors, lead_import, workspace
from app.services.lead_import import ImportCancelled, ImportRefused, ImportReport
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
        ).format(path=path, size=i18n.current().format_number(size))
    return ""


def file_filter() -> str:
    """The file dialog's filter, in the screen's language."""
    return _("CSV files (*.csv *.txt);;All files (*)")


log = logging.getLogger(__name__)

# The progress bar's steps: a tenth of a percent.
PROGRESS_STEPS = 1_000


class LeadImportWorker(QObject):
    """One import, run in a thread of its own. Its signals reach the window's thread
    queued: `progressed` (steps of PROGRESS_STEPS), then one of `done` (the report),
    `refused` (why nothing was imported) or `cancelled`, and last `finished`."""

    progressed = Signal(int)
    done = Signal(object)
    refused = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self, path: Path, channel: str, owner_id: int | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path, self.channel, self.owner_id = path, channel, owner_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lead import", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next batch of rows; what was read is rolled back."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True when the import has ended."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(PROGRESS_STEPS * done // total if total else PROGRESS_STEPS)

    def _run(self) -> None:
        try:
            report = lead_import.import_csv(
                self.path, self.channel, self.owner_id, self._progress, self._stop.is_set
            )
        except ImportCancelled:
            self.cancelled.emit()
        except ImportRefused as exc:
            self.refused.emit(str(exc))
        except OSError as exc:
            self.refused.emit(
                _("{path} cannot be read ({reason}); nothing was imported.").format(
                    path=self.path, reason=exc.strerror or exc
                )
            )
        except Exception as exc:
            problem = errors.user_problem(exc)
            if problem is None:
                log.exception("the lead import failed")
            self.refused.emit(
                _("The import failed: {problem} Nothing was imported.").format(
                    problem=problem.message if problem else exc
                )
            )
        else:
            self.done.emit(report)
        finally:
            # This thread's own connection (peewee keeps one per thread).
            workspace.close_database()
            self.finished.emit()


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

        self.browse_button.clicked.connect(self.browse)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button.clicked.connect(self.cancel_import)
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
            self.channel.current_code() or Channel.WEB_FORM.value,
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
