"""A record saved elsewhere while it was open here: what changed, field by field (when it
was opened, theirs, yours), and the choice between their version and saving yours over it."""

from __future__ import annotations

from enum import Enum

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import fields
from app.i18n import _, ngettext
from app.services.conflicts import Conflict
from app.services.errors import FieldChange

CLASH_BRUSH = QBrush(QColor("#fde7e4"))


class ConflictChoice(Enum):
    RELOAD = "reload"  # take theirs: the form shows the saved version, the typing goes
    OVERWRITE = "overwrite"  # save yours over theirs: your changed fields win
    KEEP_EDITING = "keep_editing"  # nothing saved, nothing reloaded


def field_name(change: FieldChange, record: str = "") -> str:
    """The field's label from the one catalogue of labels ("account" + "email": "E-mail"),
    or the service's where the catalogue has no such field."""
    key = f"{record}.{change.name}"
    return fields.label(key) if record and key in fields.KEYS else change.label


class ConflictDialog(QDialog):
    """Shows the changes and asks; `choice` holds the answer after exec(). `record` is the
    record's key in app.domain.fields ("account"), which names the fields."""

    COL_FIELD, COL_OPENED, COL_THEIRS, COL_YOURS = range(4)

    def __init__(
        self, conflict: Conflict, parent: QWidget | None = None, *, record: str = ""
    ) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.choice = ConflictChoice.KEEP_EDITING
        self.setWindowTitle(_("Changed elsewhere"))
        clashes = len(conflict.clashes)
        sentences = [conflict.message, _("These fields differ.")]
        if clashes:
            sentences.append(
                ngettext(
                    "{n} field was changed on both sides (marked).",
                    "{n} fields were changed on both sides (marked).",
                    clashes,
                ).format(n=clashes)
            )
        sentences.append(
            _(
                "Take theirs to see the saved version (what you typed here is dropped), or "
                "save yours over it: the fields you changed get your values, the others keep "
                "theirs."
            )
        )
        intro = QLabel(" ".join(sentences))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(conflict.changes), 4)
        self.table.setHorizontalHeaderLabels(
            [_("Field"), _("When you opened it"), _("Theirs"), _("Yours")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        bold = QFont()
        bold.setBold(True)
        for row, change in enumerate(conflict.changes):
            cells = [field_name(change, record), change.opened, change.theirs, change.yours]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if change.clash:
                    item.setBackground(CLASH_BRUSH)
                if (column == self.COL_THEIRS and change.changed_by_them) or (
                    column == self.COL_YOURS and change.changed_by_you
                ):
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        for column in (self.COL_OPENED, self.COL_THEIRS, self.COL_YOURS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

        self.buttons = QDialogButtonBox()
        self.reload_button: QPushButton = self.buttons.addButton(
            _("&Take theirs (reload)"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.overwrite_button: QPushButton = self.buttons.addButton(
            _("&Save mine over theirs"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.keep_button: QPushButton = self.buttons.addButton(
            _("&Keep editing"), QDialogButtonBox.ButtonRole.RejectRole
        )
        for button in (self.reload_button, self.overwrite_button, self.keep_button):
            button.setAutoDefault(False)
        self.keep_button.setDefault(True)
        self.reload_button.clicked.connect(lambda: self._choose(ConflictChoice.RELOAD))
        self.overwrite_button.clicked.connect(lambda: self._choose(ConflictChoice.OVERWRITE))
        self.keep_button.clicked.connect(lambda: self._choose(ConflictChoice.KEEP_EDITING))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(820, 360)

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        if choice is ConflictChoice.KEEP_EDITING:
            self.reject()
        else:
            self.accept()


def ask(conflict: Conflict, parent: QWidget | None = None, *, record: str = "") -> ConflictChoice:
    dialog = ConflictDialog(conflict, parent, record=record)
    dialog.exec()
    choice = dialog.choice
    dialog.deleteLater()
    return choice
