"""The sales processes of a dealership's own: pick a kind of opportunity (or start a new
one), name its stages, put them in order, give each its probability, its days allowed and
which automatic move lands in it, or make it a kind without stages. A kind in use is
changed only in ways that keep its open opportunities valid: what blocks a change is said
before it is saved."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import ProcessKind
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import access, processes
from app.services.errors import ConflictError, NotAllowed, NotFound
from app.services.processes import MOVES, KindEdit, StageEdit
from ui.common.qt import CLOSE_BUTTON, EDITABLE
from ui.common.roles import ID_ROLE
from ui.common.widgets import ERROR_COLOUR, ChoiceCombo, FieldBox, show_field_messages

COLUMNS = (
    N_("Stage"),
    N_("Probability"),
    N_("Days allowed"),
    N_("Moved here by"),
    N_("Only from leads"),
    N_("In the funnel"),
    N_("Open now"),
)
COL_NAME, COL_PROBABILITY, COL_DAYS, COL_MOVES, COL_LEAD, COL_FUNNEL, COL_OPEN = range(7)


class ProcessEditorDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sales processes of our own"))
        self.resize(1080, 560)
        self.edit = KindEdit()
        self.kinds = QListWidget()
        self.kinds.setFixedWidth(220)
        self.new_button = QPushButton(_("&New kind…"))
        self.name = QLineEdit()
        self.process = ChoiceCombo(ProcessKind, none_label=None)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.boxes = {
            "name": FieldBox(self.name),
            "process": FieldBox(self.process, stretch=True),
            "stages": FieldBox(self.table),
        }
        self.add_button = QPushButton(_("&Add a stage"))
        self.remove_button = QPushButton(_("&Remove the stage"))
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move do&wn"))
        self.blocks = QLabel()
        self.blocks.setWordWrap(True)
        self.blocks.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(CLOSE_BUTTON)
        self.save_button = self.buttons.addButton(_("&Save"), QDialogButtonBox.ButtonRole.ApplyRole)

        left = QVBoxLayout()
        left.addWidget(self.kinds, 1)
        left.addWidget(self.new_button)
        form = QFormLayout()
        form.addRow(_("&Name"), self.boxes["name"])
        form.addRow(_("&Process"), self.boxes["process"])
        stage_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            stage_buttons.addWidget(button)
        stage_buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.boxes["stages"], 1)
        right.addLayout(stage_buttons)
        right.addWidget(self.blocks)
        middle = QHBoxLayout()
        middle.addLayout(left)
        middle.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(middle, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.kinds.currentRowChanged.connect(self._on_kind)
        self.new_button.clicked.connect(self.new_kind)
        self.add_button.clicked.connect(lambda: self.add_stage())
        self.remove_button.clicked.connect(self.remove_stage)
        self.up_button.clicked.connect(lambda: self.move_stage(-1))
        self.down_button.clicked.connect(lambda: self.move_stage(1))
        self.process.currentIndexChanged.connect(lambda _i: self.show_blocks())
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.may_change = access.has_right(Right.SETUP)
        self.load_kinds()
        if not self.may_change:
            refusal = _("Only a sales manager or an administrator can change the sales process.")
            for widget in (
                self.new_button,
                self.save_button,
                self.add_button,
                self.remove_button,
                self.up_button,
                self.down_button,
                self.name,
                self.process,
                self.table,
            ):
                widget.setEnabled(False)
                widget.setToolTip(refusal)
            self.say(refusal)

    # Loading

    def load_kinds(self, select_id: int | None = None) -> None:
        self.kinds.blockSignals(True)
        self.kinds.clear()
        for kind in processes.kinds():
            item = QListWidgetItem(kind.name)
            item.setData(ID_ROLE, kind.id)
            self.kinds.addItem(item)
        self.kinds.blockSignals(False)
        ids = [self.kinds.item(i).data(ID_ROLE) for i in range(self.kinds.count())]
        self.kinds.setCurrentRow(ids.index(select_id) if select_id in ids else 0)

    def _on_kind(self, row: int) -> None:
        item = self.kinds.item(row)
        if item is not None:
            self.load(processes.kind(int(item.data(ID_ROLE))))

    def new_kind(self) -> None:
        """A new kind, starting from the standard stages as stages of its own."""
        self.kinds.clearSelection()
        self.load(KindEdit(process=ProcessKind.CUSTOM.value, stages=processes.standard_template()))
        self.name.setFocus()

    def load(self, edit: KindEdit) -> None:
        self.edit = edit
        self.name.setText(edit.name)
        self.process.set_current_code(edit.process)
        self.process.setEnabled(self.may_change and edit.key is None)
        self.table.setRowCount(0)
        for stage in edit.stages:
            self.add_stage(stage)
        show_field_messages(self.boxes, {})
        self.say("")
        self.show_blocks()

    # The stages

    def add_stage(self, stage: StageEdit | None = None) -> None:
        stage = stage or StageEdit(name="", default_probability=50)
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(stage.name)
        name.setData(ID_ROLE, stage)
        self.table.setItem(row, COL_NAME, name)
        probability = QSpinBox()
        probability.setRange(0, 100)
        probability.setSuffix(" %")
        probability.setValue(stage.default_probability)
        self.table.setCellWidget(row, COL_PROBABILITY, probability)
        days = QSpinBox()
        days.setRange(0, 3650)
        days.setSpecialValueText(_("no limit"))
        days.setValue(stage.days_allowed or 0)
        self.table.setCellWidget(row, COL_DAYS, days)
        moves = QComboBox()
        moves.addItem("—", "")
        for key in MOVES:
            moves.addItem(processes.move_label(key), key)
        milestone = stage.key if stage.key in MOVES else stage.moves_on
        moves.setCurrentIndex(max(moves.findData(milestone or ""), 0))
        moves.setEnabled(stage.key is None)  # a shipped stage stands for itself
        self.table.setCellWidget(row, COL_MOVES, moves)
        for column, value in ((COL_LEAD, stage.only_from_lead), (COL_FUNNEL, stage.in_funnel)):
            box = QCheckBox()
            box.setChecked(value)
            self.table.setCellWidget(row, column, box)
        held = QTableWidgetItem(str(stage.open_opportunities))
        held.setFlags(held.flags() & ~EDITABLE)
        self.table.setItem(row, COL_OPEN, held)
        self.table.selectRow(row)
        self.show_blocks()

    def remove_stage(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.show_blocks()

    def move_stage(self, steps: int) -> None:
        row = self.table.currentRow()
        other = row + steps
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        stages = self.stages()
        stages[row], stages[other] = stages[other], stages[row]
        self.table.setRowCount(0)
        for stage in stages:
            self.add_stage(stage)
        self.table.selectRow(other)

    def stages(self) -> list[StageEdit]:
        """The stages as the table holds them, in its order."""
        found = []
        for row in range(self.table.rowCount()):
            name = self.table.item(row, COL_NAME)
            opened: StageEdit = name.data(ID_ROLE)
            probability = self.table.cellWidget(row, COL_PROBABILITY)
            days = self.table.cellWidget(row, COL_DAYS)
            moves = self.table.cellWidget(row, COL_MOVES)
            lead = self.table.cellWidget(row, COL_LEAD)
            funnel = self.table.cellWidget(row, COL_FUNNEL)
            assert isinstance(probability, QSpinBox) and isinstance(days, QSpinBox)
            assert isinstance(moves, QComboBox)
            assert isinstance(lead, QCheckBox) and isinstance(funnel, QCheckBox)
            found.append(
                replace(
                    opened,
                    name=name.text(),
                    default_probability=probability.value(),
                    days_allowed=days.value() or None,
                    moves_on="" if opened.key else str(moves.currentData()),
                    only_from_lead=lead.isChecked(),
                    in_funnel=funnel.isChecked(),
                )
            )
        return found

    def yours(self) -> KindEdit:
        return replace(
            self.edit,
            name=self.name.text(),
            process=self.process.current_code(),
            stages=tuple(self.stages()),
        )

    # Saving

    def show_blocks(self) -> list[str]:
        """Say what keeps the change from being saved, as it is made."""
        if not hasattr(self, "process"):
            return []
        try:
            found = processes.blocks(self.yours())
        except NotFound:
            found = []
        self.blocks.setText("\n".join(found))
        self.blocks.setVisible(bool(found))
        return found

    def save(self) -> bool:
        try:
            saved = processes.save_kind(self.yours())
        except ValidationError as exc:
            errors = dict(exc.errors)
            stage_errors = [m for k, m in errors.items() if k.startswith("stages.")]
            if stage_errors:
                errors["stages"] = " ".join(stage_errors)
            rest = show_field_messages(self.boxes, errors)
            other = [m for k, m in rest.items() if not k.startswith("stages.")]
            self.say(
                _("Not saved: {reason}").format(reason=" ".join(other) or _("see above.")), True
            )
            return False
        except ConflictError as exc:
            self.say(
                _("Not saved: {reason} Its saved version is shown; make the change again.").format(
                    reason=exc
                ),
                True,
            )
            self.load_kinds(self.edit.id)
            return False
        except (NotAllowed, NotFound) as exc:
            self.say(_("Not saved: {reason}").format(reason=exc), True)
            return False
        self.load_kinds(saved.id)
        self.load(saved)
        self.say(_("Saved “{name}”.").format(name=saved.name))
        return True

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)
