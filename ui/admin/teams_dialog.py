"""Teams administration: the list with its search; a team's name, facility, leader and
members in a form; deactivating a team (it leaves the pickers, what it holds stays)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.fields import label
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import reference, teams
from app.services.errors import ConflictError, NotAllowed, NotFound
from app.services.teams import TeamDetail, TeamInput, TeamRow
from ui.common.list_filters import SearchBox
from ui.common.qt import (
    CANCEL_BUTTON,
    CHECKED,
    CLOSE_BUTTON,
    ITEM_CHECKABLE,
    SAVE_BUTTON,
    UNCHECKED,
)
from ui.common.roles import VALUE_ROLE
from ui.common.table_model import Column, RowTableModel, summary_table
from ui.common.texts import FieldLabel
from ui.common.widgets import FieldBox, OptionCombo, show_field_messages


class TeamTableModel(RowTableModel[TeamRow]):
    columns = (
        Column(FieldLabel("team.name"), lambda r: r.name),
        Column(FieldLabel("team.facility_id"), lambda r: r.facility),
        Column(FieldLabel("team.leader_id"), lambda r: r.leader),
        Column(FieldLabel("team.members"), lambda r: str(r.members), lambda r: r.members, True),
        Column(
            FieldLabel("team.active"),
            lambda r: _(N_("yes")) if r.active else _(N_("no, deactivated")),
        ),
    )


class TeamsDialog(QDialog):
    """The teams, searched as typed; Add, Edit and Deactivate (or Activate) the one chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Teams"))
        self.search = SearchBox(_("Search a team, its facility or its leader…"))
        self.model = TeamTableModel(self)
        self.table = summary_table(self.model)
        self.add_button = QPushButton(_("&Add…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.active_button = QPushButton(_("&Deactivate"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.active_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(CLOSE_BUTTON)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.search.search_changed.connect(lambda _text: self.refresh())
        self.add_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(lambda: self.edit(self.current_id()))
        self.active_button.clicked.connect(self.toggle_active)
        self.table.doubleClicked.connect(lambda _index: self.edit(self.current_id()))
        self.table.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self.resize(760, 420)
        self.refresh()

    def refresh(self) -> None:
        keep = self.current_id()
        self.model.set_rows(teams.teams(self.search.text()))
        for row in range(self.model.rowCount()):
            found = self.model.row_at(row)
            if found is not None and found.id == keep:
                self.table.selectRow(row)
        self._enable()

    def current_row(self) -> TeamRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def current_id(self) -> int | None:
        row = self.current_row()
        return row.id if row is not None else None

    def _enable(self) -> None:
        row = self.current_row()
        self.edit_button.setEnabled(row is not None)
        self.active_button.setEnabled(row is not None)
        self.active_button.setText(
            _("&Activate") if row is not None and not row.active else _("&Deactivate")
        )

    def edit(self, team_id: int | None) -> TeamFormDialog | None:
        try:
            form = TeamFormDialog(team_id, self)
        except (NotFound, NotAllowed) as exc:
            self.message.setText(str(exc))
            self.refresh()
            return None
        form.saved.connect(lambda _id: self.refresh())
        form.open()
        return form

    def toggle_active(self) -> None:
        row = self.current_row()
        if row is None:
            return
        try:
            teams.set_active(row.id, not row.active)
        except (NotFound, NotAllowed) as exc:
            self.message.setText(str(exc))
        else:
            self.message.setText(
                (
                    _("{team} is active again.") if not row.active else _("{team} is deactivated.")
                ).format(team=row.name)
            )
        self.refresh()


class TeamFormDialog(QDialog):
    """One team: name, facility, leader, members (each user is in one team: ticking them
    here moves them from their other team), active."""

    saved = Signal(int)

    def __init__(self, team_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.team_id = team_id
        detail = teams.get(team_id) if team_id is not None else TeamDetail()
        self.version = detail.version
        self.setWindowTitle(
            _("Team {name}").format(name=detail.name) if team_id is not None else _("New team")
        )
        self.name = QLineEdit(detail.name)
        self.name.setMaxLength(80)
        self.facility = OptionCombo()
        self.facility.set_options(reference.facilities(), "—")
        self.facility.set_current_id(detail.facility_id)
        self.leader = OptionCombo()
        users = reference.users()
        self.leader.set_options(users, "—")
        self.leader.set_current_id(detail.leader_id)
        self.members = QListWidget()
        for user in users:
            item = QListWidgetItem(user.label)
            item.setData(VALUE_ROLE, user.id)
            item.setFlags(item.flags() | ITEM_CHECKABLE)
            item.setCheckState(CHECKED if user.id in detail.members else UNCHECKED)
            self.members.addItem(item)
        self.active = QCheckBox(label("team.active"))
        self.active.setChecked(detail.active)
        self.boxes = {
            "name": FieldBox(self.name),
            "facility_id": FieldBox(self.facility),
            "leader_id": FieldBox(self.leader),
            "members": FieldBox(self.members),
        }
        form = QFormLayout()
        for name, box in self.boxes.items():
            form.addRow(label(f"team.{name}"), box)
        form.addRow("", self.active)
        note = QLabel(_("A user is in one team: ticking them here takes them from their other."))
        note.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(SAVE_BUTTON | CANCEL_BUTTON)
        buttons.accepted.connect(self.save_and_close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def member_ids(self) -> list[int]:
        return [
            int(self.members.item(i).data(VALUE_ROLE))
            for i in range(self.members.count())
            if self.members.item(i).checkState() == CHECKED
        ]

    def input(self) -> TeamInput:
        return TeamInput(
            name=self.name.text(),
            facility_id=self.facility.current_id(),
            leader_id=self.leader.current_id(),
            members=self.member_ids(),
            active=self.active.isChecked(),
        )

    def save(self) -> bool:
        """Save; a refusal shows at its field and keeps what was typed."""
        try:
            saved = teams.save(self.team_id, self.input(), self.version)
        except ValidationError as exc:
            rest = show_field_messages(self.boxes, exc.errors)
            self.message.setText(" ".join(rest.values()))
            return False
        except (ConflictError, NotFound, NotAllowed) as exc:
            self.message.setText(str(exc))
            return False
        self.team_id, self.version = saved.id, saved.version
        show_field_messages(self.boxes, {})
        self.saved.emit(saved.id)
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()
