"""Administration > Move this workstation's data to the site server…: the server asked for
as File > Connect to the site server… asks (with its connection test), this workstation's
SQLite database copied into the server's empty database beside the window, each table's
rows and checksum shown as compared on both sides, the file left as it was, what to do
next, and this workstation connected to the server from its next start if the user says so."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import paths
from app.i18n import _, ngettext
from app.services import errors, move_to_server, site_server, wording
from app.services.move_to_server import MoveError, TableCopy
from ui.common.widgets import ERROR_COLOUR
from ui.common.workstation import chosen_server
from ui.shell.site_server_dialog import ServerFields, keep_choice


class MoveWorker(QThread):
    """The move, beside the window: the file is read, the server written."""

    progressed = Signal(int, int, str)  # steps done, steps in all, a table or a step
    moved = Signal(list)  # list[TableCopy]
    refused = Signal(str)  # why not, in words

    def __init__(self, url: str, password: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.password = password

    def run(self) -> None:
        try:
            copies = move_to_server.move_this_workstation(
                self.url, self.password, self.progressed.emit
            )
        except MoveError as exc:
            self.refused.emit(str(exc))
            return
        except Exception as exc:
            problem = errors.user_problem(exc)
            if problem is None:
                self.refused.emit(
                    _("The move failed: {error}. The file is as it was.").format(error=exc)
                )
                return
            self.refused.emit(f"{problem.title}. {problem.message}")
            return
        self.moved.emit(copies)


class MoveToServerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, on_server: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Move this workstation's data to the site server"))
        self.resize(720, 560)
        self.path = paths.database_path()
        self.worker: MoveWorker | None = None
        self.copies: list[TableCopy] = []
        intro = QLabel(
            _(
                "Copies this workstation's database {path} into an empty database on the "
                "site's server, then compares every table's rows and checksum on both sides. "
                "The file is only read: it stays as it is."
            ).format(path=self.path)
        )
        intro.setWordWrap(True)
        self.fields = ServerFields(chosen_server())
        self.move_button = QPushButton(_("&Move to the server"))
        self.move_button.setDefault(True)
        self.move_button.clicked.connect(self.start_move)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.tables = QTreeWidget()
        self.tables.setRootIsDecorated(False)
        self.tables.setHeaderLabels([_("Table"), _("Rows"), _("Checksum (SHA-256)")])
        self.tables.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tables.hide()
        self.next_steps = QLabel()
        self.next_steps.setWordWrap(True)
        self.next_steps.hide()
        self.connect_button = QPushButton(_("&Connect this workstation to the server now"))
        self.connect_button.clicked.connect(self.connect_now)
        self.connect_button.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        row = QDialogButtonBox()
        row.addButton(self.fields.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        row.addButton(self.move_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(row)
        layout.addWidget(self.fields.result_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.tables, 1)
        layout.addWidget(self.next_steps)
        layout.addWidget(self.connect_button)
        layout.addStretch(0)
        layout.addWidget(self.buttons)
        if on_server:
            # This workstation works on the server already: there is no file of its own to move.
            self.fields.setEnabled(False)
            self.move_button.setEnabled(False)
            self.fields.test_button.setEnabled(False)
            self._say(
                _(
                    "This workstation works on the site's server already; the move is made "
                    "from the workstation whose own database holds the data."
                ),
                error=True,
            )

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}" if error else "")
        self.message.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        for widget in (self.fields, self.move_button, self.fields.test_button):
            widget.setEnabled(not busy)
        self.buttons.setEnabled(not busy)

    def start_move(self) -> None:
        if self.worker is not None or not self.fields.check_url():
            return
        self._say("")
        self.tables.clear()
        self.tables.hide()
        self.next_steps.hide()
        self.connect_button.hide()
        self.progress.setRange(0, 0)  # until the first table is copied
        self.progress.setFormat(_("Connecting …"))
        self.progress.show()
        self._busy(True)
        self.worker = MoveWorker(self.fields.url(), self.fields.password(), self)
        self.worker.progressed.connect(self._progressed)
        self.worker.moved.connect(self._moved)
        self.worker.refused.connect(self._refused)
        self.worker.finished.connect(self._finished)
        self.worker.start()

    def _progressed(self, done: int, total: int, step: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        finishing = move_to_server.step_text(step)
        if finishing:
            self.progress.setFormat(finishing)
            return
        self.progress.setFormat(
            _("{table}: {done} of {total} tables copied").format(
                table=step, done=done, total=move_to_server.table_count()
            )
        )

    def _refused(self, text: str) -> None:
        self.progress.hide()
        self._say(text, error=True)

    def _moved(self, copies: list[TableCopy]) -> None:
        self.copies = copies
        self.progress.hide()
        for copy in copies:
            item = QTreeWidgetItem(
                [copy.table, wording.number(copy.rows), copy.checksum[:16] + "…"]
            )
            item.setToolTip(2, copy.checksum)
            self.tables.addTopLevelItem(item)
        self.tables.show()
        rows = sum(copy.rows for copy in copies)
        self._say(
            ngettext(
                "Moved: {rows} row in {tables} tables, each table's row count and checksum "
                "the same on the server as in the file.",
                "Moved: {rows} rows in {tables} tables, each table's row count and checksum "
                "the same on the server as in the file.",
                rows,
            ).format(rows=wording.number(rows), tables=len(copies))
        )
        self.next_steps.setText(
            _(
                "The file {path} is as it was: keep it as the last copy from before the "
                "move, and stop saving into it. Next: connect every workstation to the "
                "server (File > Connect to the site server…, or start Showroom with "
                "--database {url}); each one opens the server from its next start."
            ).format(path=self.path, url=site_server.display_url(self.fields.url()))
        )
        self.next_steps.show()
        self.connect_button.show()

    def _finished(self) -> None:
        self.worker = None
        self._busy(False)

    def connect_now(self) -> None:
        problem = keep_choice(
            self.fields.url(),
            self.fields.password_edit.text(),
            self.fields.keep_password.isChecked(),
        )
        if problem:
            self._say(problem, error=True)
            return
        self.connect_button.setEnabled(False)
        self._say(
            _(
                "This workstation opens the server {url} from its next start: close "
                "Showroom and start it again."
            ).format(url=site_server.display_url(self.fields.url()))
        )

    def reject(self) -> None:
        if self.worker is not None:
            return  # the move finishes (or is undone) first: it is one transaction
        super().reject()
