"""Administration > Users: who may sign in and with which roles, how to reach them, where they
sell; deactivate (never delete: their name stays on their sales), unlock, reset a password
(a one-time code to hand over), and the idle time after which the program locks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import fields
from app.domain.choices import UserRole
from app.domain.validation import ValidationError
from app.i18n import N_, _
from app.services import reference, users
from app.services.conflicts import Conflict
from app.services.errors import ConflictError, NotFound
from app.services.users import UserRecord, UserRow
from ui.common import user_settings
from ui.common.changes import IDLE_LOCK, USER, record_changes
from ui.common.record_dialog import RecordDialog
from ui.common.table_model import Column, RowTableModel
from ui.common.texts import FieldLabel
from ui.common.widgets import ERROR_COLOUR, FieldBox, OptionCombo, show_field_messages


class UserTableModel(RowTableModel[UserRow]):
    columns = (
        Column(FieldLabel("user.full_name"), lambda r: r.full_name),
        Column(FieldLabel("user.username"), lambda r: r.username),
        Column(FieldLabel("user.roles"), lambda r: r.roles_label),
        Column(FieldLabel("user.email"), lambda r: r.email),
        Column(FieldLabel("user.phone"), lambda r: r.phone),
        Column(N_("Sign-in"), lambda r: r.state_label),
    )


class UsersDialog(QDialog):
    """The users' list with its search and actions, and the idle lock setting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Users"))
        self.search = QLineEdit()
        self.search.setObjectName("user-search")
        self.search.setMaxLength(200)
        self.search.setPlaceholderText(_("Find a user by name, login, e-mail or phone"))
        self.search.setClearButtonEnabled(True)
        self.model = UserTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_button = QPushButton(_("&Add…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.active_button = QPushButton(_("&Deactivate"))
        self.unlock_button = QPushButton(_("&Unlock"))
        self.reset_button = QPushButton(_("&Reset password…"))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.active_button,
            self.unlock_button,
            self.reset_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)

        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("idle-minutes")
        self.idle_minutes.setRange(0, users.MAX_IDLE_MINUTES)
        self.idle_minutes.setSpecialValueText(_("never"))
        self.idle_minutes.setSuffix(_(" min"))
        self.idle_save = QPushButton(_("&Save the idle time"))
        self.idle_box = FieldBox(self.idle_minutes, self.idle_save, stretch=True)
        idle = QGroupBox(_("Idle lock"))
        idle_form = QFormLayout(idle)
        idle_form.addRow(
            QLabel(
                _(
                    "After this long without a key or a click, the window locks: whoever "
                    "is signed in unlocks it with their password, or another user signs in."
                )
            )
        )
        idle_form.itemAt(0).widget().setWordWrap(True)  # type: ignore[attr-defined]
        idle_form.addRow(fields.label("user.idle_lock_minutes"), self.idle_box)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(idle)
        layout.addWidget(close)
        self.resize(900, 560)

        self.search.textChanged.connect(lambda _t: self.refresh())
        self.table.doubleClicked.connect(lambda _i: self.edit_user())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.add_button.clicked.connect(lambda: self.edit_user(new=True))
        self.edit_button.clicked.connect(lambda: self.edit_user())
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button.clicked.connect(self.reset_password)
        self.idle_save.clicked.connect(self.save_idle_minutes)
        record_changes().changed.connect(self._on_changed)
        self._load_idle()
        self.refresh()
        user_settings.restore_geometry(self, "dialogs/UsersDialog")

    # --- the list ---------------------------------------------------------------------------

    def refresh(self, select: int | None = None) -> None:
        current = select if select is not None else self._current_id()
        self.model.set_rows(users.list_users(self.search.text()))
        for row, item in enumerate(self.model.rows):
            if item.id == current:
                self.table.selectRow(row)
                break
        self.table.resizeColumnsToContents()
        self._enable()

    def current(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _current_id(self) -> int | None:
        row = self.current()
        return row.id if row else None

    def select_user(self, username: str) -> None:
        for row, item in enumerate(self.model.rows):
            if item.username == username:
                self.table.selectRow(row)
                return

    def _enable(self) -> None:
        row = self.current()
        for button in (self.edit_button, self.active_button, self.unlock_button, self.reset_button):
            button.setEnabled(row is not None)
        if row is not None:
            self.active_button.setText(_("&Deactivate") if row.active else _("Ac&tivate"))
            self.unlock_button.setEnabled(row.locked_until is not None)

    def _on_changed(self, kind: str, _record_id: int) -> None:
        if kind == USER:
            self.refresh()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)

    # --- the actions ------------------------------------------------------------------------

    def edit_user(self, new: bool = False) -> UserDialog | None:
        row = None if new else self.current()
        if not new and row is None:
            return None
        dialog = UserDialog(row.id if row else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def toggle_active(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            users.set_active(row.id, not row.active)
        except (ValidationError, ConflictError, NotFound) as exc:
            self._say(str(exc), error=True)
            return
        self._say(
            _("{name} can no longer sign in; what they own stays theirs.").format(
                name=row.full_name
            )
            if row.active
            else _("{name} can sign in again.").format(name=row.full_name)
        )
        record_changes().announce(USER, row.id)

    def unlock(self) -> None:
        row = self.current()
        if row is None:
            return
        users.unlock(row.id)
        self._say(_("{name} can sign in again.").format(name=row.full_name))
        record_changes().announce(USER, row.id)

    def reset_password(self) -> str | None:
        row = self.current()
        if row is None:
            return None
        answer = QMessageBox.question(
            self,
            _("Reset password"),
            _(
                "Reset the password of {name}? Their password stops working at once; you "
                "get a one-time code to hand them, with which they choose a new one."
            ).format(name=row.full_name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        code = users.reset_password(row.id)
        record_changes().announce(USER, row.id)
        self._say(
            _(
                "One-time code for {login}: {code}. Hand it over in person; it is good for "
                "{hours} hours and is shown only now."
            ).format(login=row.username, code=code, hours=72)
        )
        return code

    def _load_idle(self) -> None:
        self._idle_version = users.idle_lock_version()
        self.idle_minutes.setValue(users.idle_lock_minutes())
        self.idle_box.clear_message()

    def save_idle_minutes(self) -> None:
        try:
            users.set_idle_lock_minutes(self.idle_minutes.value(), self._idle_version)
        except ValidationError as exc:
            show_field_messages({"idle_lock_minutes": self.idle_box}, exc.errors)
            return
        except ConflictError as exc:
            theirs = users.idle_lock_minutes()
            self._load_idle()
            self.idle_box.show_warning(
                _("{reason} It is now {minutes} minutes; set yours again to keep it.").format(
                    reason=str(exc), minutes=theirs
                )
            )
            return
        self._idle_version = users.idle_lock_version()
        self.idle_box.clear_message()
        self._say(_("The idle time is saved."))
        record_changes().announce(IDLE_LOCK, 0)  # the idle lock reads it again

    # Qt overrides

    def done(self, result: int) -> None:
        user_settings.save_geometry(self, "dialogs/UsersDialog")
        record_changes().changed.disconnect(self._on_changed)
        super().done(result)


class UserDialog(RecordDialog):
    """One user: name, login, e-mail, phone, home business and facility, roles, active."""

    record = "user"

    def __init__(self, user_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opened = users.load_user(user_id) if user_id is not None else UserRecord(None, "", "")
        self.setWindowTitle(
            _("New user")
            if user_id is None
            else _("User {name}").format(name=self.opened.full_name)
        )
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        for edit in (self.full_name, self.username, self.email, self.phone):
            edit.setMaxLength(200)
        self.business = OptionCombo()
        self.business.set_options(reference.businesses(), none_label=_("(none)"))
        self.facility = OptionCombo()
        self.facility.set_options(reference.facilities(), none_label=_("(none)"))
        self.role_boxes: dict[str, QCheckBox] = {}
        roles = QWidget()
        roles_layout = QVBoxLayout(roles)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        for role in UserRole:
            check = QCheckBox(role.label)
            check.setObjectName(f"role-{role.value}")
            self.role_boxes[role.value] = check
            roles_layout.addWidget(check)
        self.active = QCheckBox(_("May sign in"))
        self.boxes = {
            "full_name": FieldBox(self.full_name),
            "username": FieldBox(self.username),
            "email": FieldBox(self.email),
            "phone": FieldBox(self.phone),
            "home_business_id": FieldBox(self.business),
            "home_facility_id": FieldBox(self.facility),
            "roles": FieldBox(roles),
            "active": FieldBox(self.active),
        }
        form = QFormLayout()
        for name, box in self.boxes.items():
            form.addRow(fields.label(f"user.{name}"), box)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save_and_close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.load(self.opened)

    def load(self, record: UserRecord) -> None:
        self.opened = record
        self.full_name.setText(record.full_name)
        self.username.setText(record.username)
        self.email.setText(record.email)
        self.phone.setText(record.phone)
        self.business.set_current_id(record.home_business_id)
        self.facility.set_current_id(record.home_facility_id)
        for code, box in self.role_boxes.items():
            box.setChecked(code in record.roles)
        self.active.setChecked(record.active)
        self.take_baseline()

    def current_record(self) -> UserRecord:
        return replace(
            self.opened,
            full_name=self.full_name.text(),
            username=self.username.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            home_business_id=self.business.current_id(),
            home_facility_id=self.facility.current_id(),
            roles=tuple(sorted(c for c, box in self.role_boxes.items() if box.isChecked())),
            active=self.active.isChecked(),
        )

    def state(self) -> tuple[Any, ...]:
        return (self.current_record(),)

    def write(self) -> UserRecord:
        return users.save_user(self.current_record())

    def show_saved(self, record: UserRecord) -> None:
        self.load(record)
        self.setWindowTitle(_("User {name}").format(name=record.full_name))
        self.say(_("Saved."))
        assert record.id is not None
        record_changes().announce(USER, record.id)

    def compare(self) -> Conflict:
        return users.conflict(self.opened, self.current_record())

    def write_over(self, conflict: Conflict) -> UserRecord:
        return users.save_user_over(self.opened, self.current_record(), conflict.version)

    def reload(self) -> None:
        assert self.opened.id is not None
        self.load(users.load_user(self.opened.id))
