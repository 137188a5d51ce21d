"""A file import run beside the window: a thread of its own, with its own database
connection, so a large file never freezes the window; its progress and its end reach the
window's thread as signals, and Cancel stops it with nothing written."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton, QWidget

from app import i18n
from app.i18n import N_, _
from app.services import errors, workspace
from ui.common.table_model import Column, RowTableModel
from ui.common.widgets import FieldBox

log = logging.getLogger(__name__)

# The progress bar's steps: a tenth of a percent.
PROGRESS_STEPS = 1_000
# An export within an import's row limit is a few tens of megabytes; a file far larger is
# the wrong file, and reading it whole would stall the workstation.
MAX_FILE_BYTES = 256 * 1024 * 1024

# What an import job is handed: progress(done, total) and cancelled().
Job = Callable[[Callable[[int, int], None], Callable[[], bool]], object]


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


class CsvFileBox(FieldBox):
    """An import's file field: the path, typed or chosen with Browse…, and underneath it
    what keeps the file from being read. `chosen` after a file was picked in the dialog."""

    chosen = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("The CSV file to import"))
        self.browse_button = QPushButton(_("&Browse…"))
        self.browse_button.setAutoDefault(False)
        super().__init__(self.path_edit, self.browse_button, parent=parent)
        self.title = title
        self.browse_button.clicked.connect(self.browse)
        self.path_edit.textEdited.connect(self.clear_message)

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(self, self.title, start, file_filter())
        if chosen:
            self.path_edit.setText(chosen)
            self.clear_message()
            self.chosen.emit()


class ImportWorker(QObject):
    """One import job, run in a thread of its own. Its signals reach the window's thread
    queued: `progressed` (steps of PROGRESS_STEPS), then one of `done` (the job's result),
    `refused` (why nothing was imported) or `cancelled`, and last `finished`. The job's
    `cancelled_by` exceptions mean it was cancelled, its `refused_by` ones carry the reason
    in words."""

    progressed = Signal(int)
    done = Signal(object)
    refused = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        job: Job,
        path: Path,
        cancelled_by: tuple[type[BaseException], ...],
        refused_by: tuple[type[BaseException], ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.job, self.path = job, path
        self.cancelled_by, self.refused_by = cancelled_by, refused_by
        self._stop = threading.Event()
        self._step = -1
        self._thread = threading.Thread(target=self._run, name="import", daemon=True)

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
        # Only a step the bar has not shown yet: the file is read in buffered blocks, so
        # several batches of rows can end at the same place in it.
        step = PROGRESS_STEPS * done // total if total else PROGRESS_STEPS
        if step != self._step:
            self._step = step
            self.progressed.emit(step)

    def _run(self) -> None:
        try:
            result = self.job(self._progress, self._stop.is_set)
        except self.cancelled_by:
            self.cancelled.emit()
        except self.refused_by as exc:
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
                log.exception("the import failed")
            self.refused.emit(
                _("The import failed: {problem} Nothing was imported.").format(
                    problem=problem.message if problem else exc
                )
            )
        else:
            self.done.emit(result)
        finally:
            # This thread's own connection (peewee keeps one per thread).
            workspace.close_database()
            self.finished.emit()


class RefusedRowsModel(RowTableModel[tuple[int, str]]):
    """The rows of the file that were not imported: the line number and what is wrong."""

    COL_LINE, COL_PROBLEM = range(2)
    columns = (
        Column(N_("Line"), lambda r: str(r[0]) if r[0] else "", figure=True),
        Column(N_("What is wrong"), lambda r: r[1]),
    )
