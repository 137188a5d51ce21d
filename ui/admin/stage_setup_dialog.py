"""Setting up the sales processes: each kind of opportunity with its stages, and new kinds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.choices import ProcessKind
from app.domain.fields import label
from app.domain.reading import format_clock
from app.domain.validation import ValidationError
from app.i18n import N_, _, ngettext
from app.services import stage_setup
from app.services.errors import ConflictError, NotFound
from app.services.stage_setup import KindInfo, NotAllowed, StageSettings
from ui.common import conflict_dialog
from ui.common.conflict_dialog import ConflictChoice
from ui.common.qt import (
    ACCEPT_ROLE,
    ALIGN_CENTER,
    ALIGN_RIGHT,
    CANCEL,
    CANCEL_BUTTON,
    CLOSE_BUTTON,
    ENABLED,
    FIXED_SECTION,
    NO_BUTTONS,
    NO_EDIT,
    NO_SELECTION,
    PLAIN_TEXT,
    SAVE,
    STRETCH,
    TO_CONTENTS,
    UP_DOWN_ARROWS,
)
from ui.common.roles import ID_ROLE
from ui.common.widgets import (
    ERROR_COLOUR,
    FieldBox,
    FieldErrorLabel,
    ask_to_save,
    show_field_messages,
)

COL_STAGE, COL_PROBABILITY, COL_DAYS, COL_FUNNEL = range(4)
# The fields whose labels head the table's columns.
HEADER_FIELDS = ("stage.name", "stage.default_probability", "stage.days_allowed", "stage.in_funnel")
FIXED_TIP = N_("Won and lost are fixed at 100 % and 0 %, with no time limit.")
MUTED_COLOUR = "#6b6b6b"

PROCESS_TEXT = {
    ProcessKind.STANDARD.value: N_("Stages taken in order: a sale can go back, never skip ahead."),
    ProcessKind.CUSTOM.value: N_("Its own stages, taken in any order."),
    ProcessKind.WITHOUT_STAGES.value: N_(
        "No stages: these opportunities have no stage bar and stay out of the funnel."
    ),
}
FOLLOW_TEXT = N_(
    "A new default probability applies to the open opportunities in the stage, except "
    "those whose probability was set by hand."
)


def may_change_process() -> bool:
    """Whether the signed-in user may change the sales process. The service answers: it is
    asked for a new kind with no name, which it refuses (after the permission check, before
    anything is written)."""
    try:
        stage_setup.create_kind("", ProcessKind.STANDARD.value)
    except NotAllowed:
        return False
    except (ValidationError, NotFound):
        return True
    return True


class StageRow:
    """The editors of one stage's settings in the table."""

    def __init__(self, stage: StageSettings) -> None:
        self.stage = stage
        self.fixed = stage.is_won or stage.is_lost
        self.probability = QSpinBox()
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.probability.setAlignment(ALIGN_RIGHT)
        self.days = QSpinBox()
        self.days.setRange(0, 3650)
        self.days.setSpecialValueText(_("No limit"))  # shown for 0
        # TRANSLATORS: after the number of days in a spin box.
        self.days.setSuffix(_(" days"))
        self.days.setAlignment(ALIGN_RIGHT)
        self.in_funnel = QCheckBox()
        self.in_funnel.setAccessibleName(_("{stage} shown in funnel").format(stage=stage.name))
        self.probability.setAccessibleName(
            _("{stage} default probability").format(stage=stage.name)
        )
        self.days.setAccessibleName(_("{stage} days allowed").format(stage=stage.name))
        self.load(stage)

    def load(self, stage: StageSettings) -> None:
        self.stage = stage
        self.probability.setValue(stage.default_probability)
        self.days.setValue(stage.days_allowed or 0)
        self.in_funnel.setChecked(stage.in_funnel)

    def values(self) -> tuple[int, int | None, bool]:
        days = self.days.value()
        return self.probability.value(), days or None, self.in_funnel.isChecked()

    def is_changed(self) -> bool:
        s = self.stage
        return not self.fixed and self.values() != (
            s.default_probability,
            s.days_allowed,
            s.in_funnel,
        )

    def yours(self) -> StageSettings:
        """The stage as the row shows it now."""
        probability, days, in_funnel = self.values()
        return replace(
            self.stage, default_probability=probability, days_allowed=days, in_funnel=in_funnel
        )

    def mark_saved(self) -> None:
        """The stage as saved now, with its new version."""
        self.load(stage_setup.stage(self.stage.id))

    def set_read_only(self, read_only: bool) -> None:
        # Read-only rather than disabled: the values stay as legible as in the editable table.
        for spin in (self.probability, self.days):
            spin.setReadOnly(read_only)
            spin.setButtonSymbols(NO_BUTTONS if read_only else UP_DOWN_ARROWS)
        self.in_funnel.setEnabled(not read_only)


class KindPage(QWidget):
    """One kind of opportunity: what its process is, how much it is used, its stages."""

    changed = Signal()

    def __init__(self, kind: KindInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.rows: dict[int, StageRow] = {}
        title = QLabel(kind.name)
        title.setTextFormat(PLAIN_TEXT)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        process = PROCESS_TEXT.get(kind.process)
        about = QLabel(_(process) if process else "")
        about.setWordWrap(True)
        used = QLabel(
            ngettext(
                "{n} opportunity follows it.", "{n} opportunities follow it.", kind.in_use
            ).format(n=i18n.current().format_number(kind.in_use))
            if kind.in_use
            else _("No opportunity follows it yet.")
        )
        used.setStyleSheet(f"color: {MUTED_COLOUR};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(about)
        layout.addWidget(used)
        self.table: QTableWidget | None = None
        if kind.stages:
            self.table = self._make_table(kind.stages)
            layout.addWidget(self.table)
            hint = QLabel(_(FOLLOW_TEXT))
            hint.setWordWrap(True)
            hint.setStyleSheet(f"color: {MUTED_COLOUR};")
            layout.addWidget(hint)
        layout.addStretch(1)

    def _make_table(self, stages: list[StageSettings]) -> QTableWidget:
        table = QTableWidget(len(stages), len(HEADER_FIELDS))
        table.setHorizontalHeaderLabels([label(key) for key in HEADER_FIELDS])
        table.verticalHeader().setVisible(False)
        table.setSelectionMode(NO_SELECTION)
        table.setEditTriggers(NO_EDIT)
        # Tab goes from editor to editor, not from cell to cell.
        table.setTabKeyNavigation(False)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = table.horizontalHeader()
        header.setSectionResizeMode(COL_STAGE, STRETCH)
        for column in (COL_PROBABILITY, COL_DAYS, COL_FUNNEL):
            header.setSectionResizeMode(column, TO_CONTENTS)
        for index, stage in enumerate(stages):
            name = QTableWidgetItem(stage.name)
            name.setFlags(ENABLED)
            table.setItem(index, COL_STAGE, name)
            row = StageRow(stage)
            if row.fixed:
                for column, text in (
                    (COL_PROBABILITY, f"{stage.default_probability} %"),
                    (COL_DAYS, "—"),
                    (COL_FUNNEL, "—"),
                ):
                    item = QTableWidgetItem(text)
                    item.setFlags(ENABLED)
                    item.setTextAlignment(ALIGN_CENTER if column == COL_FUNNEL else ALIGN_RIGHT)
                    item.setForeground(table.palette().placeholderText())
                    table.setItem(index, column, item)
                name.setToolTip(_(FIXED_TIP))
                name.setForeground(table.palette().placeholderText())
                continue
            self.rows[stage.id] = row
            table.setCellWidget(index, COL_PROBABILITY, row.probability)
            table.setCellWidget(index, COL_DAYS, row.days)
            table.setCellWidget(index, COL_FUNNEL, _centred(row.in_funnel))
            row.probability.valueChanged.connect(self.changed)
            row.days.valueChanged.connect(self.changed)
            row.in_funnel.toggled.connect(self.changed)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(FIXED_SECTION)
        rows.setDefaultSectionSize(StageRow(stages[0]).probability.sizeHint().height() + 4)
        # As tall as its rows, so the note about probabilities sits right under them.
        table.setFixedHeight(
            table.horizontalHeader().sizeHint().height()
            + rows.defaultSectionSize() * len(stages)
            + 2 * table.frameWidth()
        )
        return table

    def changed_rows(self) -> list[StageRow]:
        return [row for row in self.rows.values() if row.is_changed()]

    def set_read_only(self, read_only: bool) -> None:
        for row in self.rows.values():
            row.set_read_only(read_only)


def _centred(widget: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget, 0, ALIGN_CENTER)
    return holder


def _kind_caption(kind: KindInfo) -> str:
    """The kind's name, and under it how many stages it has and how many sales follow it."""
    stages = sum(1 for s in kind.stages if not (s.is_won or s.is_lost))
    in_use = i18n.current().format_number(kind.in_use)
    shape = (
        ngettext("{n} stage · {used} in use", "{n} stages · {used} in use", stages).format(
            n=stages, used=in_use
        )
        if stages
        else _("no stages · {used} in use").format(used=in_use)
    )
    return f"{kind.name}\n{shape}"


class StageSetupDialog(QDialog):
    """The kinds of opportunity, each with its stages: default probability, days allowed
    in the stage and whether the funnel shows it can be changed for the open stages; Save
    applies them. "New kind…" adds a kind with the standard process, some of its stages,
    or none. For sales managers and administrators; anyone else sees it read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sales process"))
        self.resize(820, 520)
        self.read_only = False
        self.pages: dict[int, KindPage] = {}
        self.new_kind_dialog: NewKindDialog | None = None

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setMargin(8)
        self.banner.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.banner.hide()
        self.kind_list = QListWidget()
        self.kind_list.setFixedWidth(220)
        self.kind_list.setSpacing(2)
        self.new_kind_button = QPushButton(_("&New kind…"))
        self.stack = QStackedWidget()
        left = QVBoxLayout()
        kinds_label = QLabel(_("&Kinds of opportunity"))
        kinds_label.setBuddy(self.kind_list)
        left.addWidget(kinds_label)
        left.addWidget(self.kind_list, 1)
        left.addWidget(self.new_kind_button)
        middle = QHBoxLayout()
        middle.addLayout(left)
        middle.addWidget(self.stack, 1)

        self.message = FieldErrorLabel()
        self.saved_label = QLabel()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("&Save"), ACCEPT_ROLE)
        self.close_button = self.buttons.addButton(CLOSE_BUTTON)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        self.kind_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.new_kind_button.clicked.connect(self.new_kind)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)

        self.load()
        if not may_change_process():
            self._refuse_changes(
                _("Only a sales manager or an administrator can change the sales process.")
            )
        self._update_buttons()
        self.kind_list.setFocus()

    def load(self, select_kind_id: int | None = None) -> None:
        """Show the kinds as saved, dropping unsaved edits."""
        keep = select_kind_id if select_kind_id is not None else self.current_kind_id()
        self.kind_list.clear()
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages = {}
        for kind in stage_setup.kinds():
            page = KindPage(kind)
            page.set_read_only(self.read_only)
            page.changed.connect(self._update_buttons)
            self.pages[kind.id] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(_kind_caption(kind))
            item.setData(ID_ROLE, kind.id)
            self.kind_list.addItem(item)
        ids = list(self.pages)
        self.kind_list.setCurrentRow(ids.index(keep) if keep in ids else 0)
        self._update_buttons()

    def current_kind_id(self) -> int | None:
        item = self.kind_list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else None

    def select_kind(self, kind_id: int) -> None:
        self.kind_list.setCurrentRow(list(self.pages).index(kind_id))

    def changed_rows(self) -> list[StageRow]:
        return [row for page in self.pages.values() for row in page.changed_rows()]

    def is_modified(self) -> bool:
        return not self.read_only and bool(self.changed_rows())

    def save(self) -> bool:
        """Save every changed stage; True when all were saved. A refused stage is shown
        with its kind, and the rest stay as typed."""
        self.message.clear_message()
        saved = 0
        for kind_id, page in self.pages.items():
            for row in page.changed_rows():
                try:
                    stage_setup.update_stage(
                        row.stage.id, *row.values(), expected_version=row.stage.version
                    )
                except ConflictError:
                    self.select_kind(kind_id)
                    if not self._resolve_conflict(row):
                        return False
                except NotAllowed as exc:
                    self._refuse_changes(str(exc))
                    return False
                except ValidationError as exc:
                    self.select_kind(kind_id)
                    self.message.show_error(f"{row.stage.name}: {exc}")
                    row.probability.setFocus()
                    return False
                except NotFound as exc:
                    self.message.show_error(f"{row.stage.name}: {exc}")
                    return False
                row.mark_saved()
                saved += 1
        if saved:
            self.saved_label.setText(
                ngettext("Saved {n} stage at {time}.", "Saved {n} stages at {time}.", saved).format(
                    n=saved, time=format_clock(datetime.now())
                )
            )
        self._update_buttons()
        return True

    def _resolve_conflict(self, row: StageRow) -> bool:
        """The stage was saved elsewhere since the setup opened: the record dialogs' conflict
        path (what changed on each side; take theirs, save yours over it, or go back to
        editing). True when the user's values were saved after all."""
        while True:
            try:
                conflict = stage_setup.stage_conflict(row.stage.id, row.stage, row.yours())
            except NotFound as exc:
                self.message.show_error(f"{row.stage.name}: {exc}")
                return False
            choice = conflict_dialog.ask(conflict, self, record="stage")
            if choice is ConflictChoice.RELOAD:
                row.load(stage_setup.stage(row.stage.id))
                self.message.show_warning(_("Reloaded: this is the version saved elsewhere."))
                self._update_buttons()
                return False
            if choice is ConflictChoice.KEEP_EDITING:
                self.message.show_error(_("Not saved: {reason}").format(reason=conflict.message))
                return False
            try:
                row.load(
                    stage_setup.save_stage_over(
                        row.stage.id, row.stage, row.yours(), conflict.version
                    )
                )
            except ConflictError:
                continue  # changed yet again meanwhile
            except (ValidationError, NotFound) as exc:
                self.message.show_error(f"{row.stage.name}: {exc}")
                return False
            return True

    def new_kind(self) -> None:
        standard = next((k for k in self.kinds() if k.process == ProcessKind.STANDARD.value), None)
        stages = standard.stages if standard else []
        ticks = {s.key: s.name for s in stages if s.key and not (s.is_won or s.is_lost)}
        self.new_kind_dialog = NewKindDialog(ticks, self)
        self.new_kind_dialog.created.connect(self._on_kind_created)
        self.new_kind_dialog.open()

    def kinds(self) -> list[KindInfo]:
        return [page.kind for page in self.pages.values()]

    def _on_kind_created(self, kind: KindInfo) -> None:
        # Unsaved edits of the other kinds survive: saved first, or the reload drops them.
        if self.is_modified() and not self.save():
            return
        self.load(select_kind_id=kind.id)
        self.saved_label.setText(_("Created “{name}”.").format(name=kind.name))

    def _refuse_changes(self, reason: str) -> None:
        self.read_only = True
        self.banner.setText(
            _("{reason} You can look at the stages here; ask one of them to change them.").format(
                reason=reason
            )
        )
        self.banner.show()
        for page in self.pages.values():
            page.set_read_only(True)
        self.new_kind_button.setEnabled(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setVisible(not self.read_only)
        self.save_button.setEnabled(self.is_modified())
        if self.is_modified():
            self.saved_label.setText(_("Unsaved changes."))

    # --- Qt overrides -------------------------------------------------------------------
    def reject(self) -> None:
        if self.is_modified():
            answer = ask_to_save(self, _("Save the changes to the stages before closing?"))
            if answer == CANCEL or (answer == SAVE and not self.save()):
                return
        super().reject()


class NewKindDialog(QDialog):
    """A new kind of opportunity: its name, and which process it follows; a custom process
    takes the stages ticked, in the standard order. Emits `created` with the new kind."""

    created = Signal(object)  # KindInfo

    def __init__(self, stage_names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New kind of opportunity"))
        self.setMinimumWidth(460)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setPlaceholderText(_("e.g. Fleet, Used vehicles, Service loan"))
        self.process_buttons: dict[str, QRadioButton] = {
            ProcessKind.STANDARD.value: QRadioButton(_("&Standard: all stages, in order")),
            ProcessKind.CUSTOM.value: QRadioButton(_("&Custom: the stages ticked below")),
            ProcessKind.WITHOUT_STAGES.value: QRadioButton(_("&Without stages")),
        }
        self.process_group = QButtonGroup(self)
        process_column = QWidget()
        process_layout = QVBoxLayout(process_column)
        process_layout.setContentsMargins(0, 0, 0, 0)
        for button in self.process_buttons.values():
            self.process_group.addButton(button)
            process_layout.addWidget(button)
        self.process_buttons[ProcessKind.STANDARD.value].setChecked(True)

        self.stage_boxes: dict[str, QCheckBox] = {}
        self.stages_group = QGroupBox(_("Stages of the custom process"))
        stages_layout = QVBoxLayout(self.stages_group)
        for key, name in stage_names.items():  # a stage's key -> its name
            box = QCheckBox(name)
            box.setChecked(True)
            self.stage_boxes[key] = box
            stages_layout.addWidget(box)
        note = QLabel(_("Won and Lost are added to every process with stages."))
        note.setStyleSheet(f"color: {MUTED_COLOUR};")
        stages_layout.addWidget(note)
        if not stage_names:
            self.process_buttons[ProcessKind.CUSTOM.value].setEnabled(False)

        self.boxes = {
            "name": FieldBox(self.name),
            "process": FieldBox(process_column),
            "stages": FieldBox(self.stages_group),
        }
        form = QFormLayout()
        form.addRow(label("opportunity_kind.name", form=True), self.boxes["name"])
        caption = form.labelForField(self.boxes["name"])
        if isinstance(caption, QLabel):
            caption.setBuddy(self.name)
        form.addRow(label("opportunity_kind.process"), self.boxes["process"])
        form.addRow("", self.boxes["stages"])
        self.general_message = FieldErrorLabel()
        self.buttons = QDialogButtonBox()
        self.create_button = self.buttons.addButton(_("C&reate"), ACCEPT_ROLE)
        self.create_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(CANCEL_BUTTON)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_message)
        layout.addWidget(self.buttons)

        self.process_group.buttonToggled.connect(self._on_process_changed)
        self.name.textEdited.connect(self.boxes["name"].clear_message)
        for box in self.stage_boxes.values():
            box.toggled.connect(self.boxes["stages"].clear_message)
        self.create_button.clicked.connect(self.create_kind)
        self.cancel_button.clicked.connect(self.reject)
        self._on_process_changed()
        self.name.setFocus()

    def process(self) -> str:
        return next(code for code, button in self.process_buttons.items() if button.isChecked())

    def set_process(self, code: str) -> None:
        self.process_buttons[code].setChecked(True)

    def stages_ticked(self) -> list[str]:
        return [key for key, box in self.stage_boxes.items() if box.isChecked()]

    def create_kind(self) -> bool:
        self._show_errors({})
        custom = self.process() == ProcessKind.CUSTOM.value
        try:
            kind = stage_setup.create_kind(
                self.name.text(), self.process(), self.stages_ticked() if custom else None
            )
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return False
        except (NotAllowed, NotFound) as exc:
            self._show_errors({"": str(exc)})
            return False
        self.created.emit(kind)
        self.accept()
        return True

    def _on_process_changed(self, *_args: object) -> None:
        self.stages_group.setEnabled(self.process() == ProcessKind.CUSTOM.value)
        self.boxes["stages"].clear_message()

    def _show_errors(self, errors: dict[str, str]) -> None:
        rest = list(show_field_messages(self.boxes, errors).values())
        first = next((box.field for name, box in self.boxes.items() if name in errors), None)
        if rest:
            self.general_message.show_error(" ".join(rest))
        else:
            self.general_message.clear_message()
        if first is self.name:
            self.name.setFocus()
            self.name.selectAll()
