"""The sign-in window: a login and a password; on a new database, the first administrator; on
a database from before passwords, what its holder must do first; after a one-time code, the
user's own password. Every refusal is said in words at its field.

It is the first window the program shows, before the database is open: at module level it
loads Qt's widgets and the texts only. The sign-in service (the models, Argon2) and the
pages a new or old database calls for are loaded when the database is open and asks for
them (tests/ui/test_startup_imports.py holds it to that)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import fields
from app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from app.services import sign_in
    from app.services.workspace import UserInfo
    from ui.common.widgets import FieldBox

PROGRAM = "Showroom"


def _line(name: str, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(300)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


# A label of running text that the user can select (to copy a refusal into a message to
# the administrator): SignInDialog makes it so once it has been painted.
_SELECTABLE = "selectable_text"


def _text(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty(_SELECTABLE, True)
    return label


def _make_selectable(root: QWidget) -> None:
    """Every label of running text under `root` made selectable with the mouse. (Qt's
    namespace of flags takes some 25 ms to load, a fifth of what showing a bare window
    takes: the first window loads it once it has been painted.)"""
    from PySide6.QtCore import Qt

    for label in root.findChildren(QLabel):
        if label.property(_SELECTABLE):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def _error_text() -> QLabel:
    from ui.common.widgets import ERROR_COLOUR

    label = _text("")
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    return label


class SignInDialog(QDialog):
    """Who is at the keyboard. `accept()`ed with `user` set once someone has signed in (their
    password checked by app.services.sign_in); rejected when they quit instead.

    `login` pre-fills the login (--user, the last one on this workstation, the locked
    user's). With `opening` ("Opening the database … "), the window is shown while the
    program opens the database, saying so: the login and password can be typed, the Sign in
    button waits, and the program calls `show_start()` once the database is open."""

    def __init__(self, parent: QWidget | None = None, login: str = "", opening: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign in to {program}").format(program=PROGRAM))
        self.user: UserInfo | None = None
        self.made_first_administrator = False  # this window made the database's first one
        self._code = ""  # the one-time code, between its check and the new password
        self._code_login = ""
        self.refusal = ""  # why the last attempt was refused, as the window said it
        self._painted = False  # the first paint done: its labels made selectable
        self.pages = QStackedWidget()
        self.sign_in_page = self._build_sign_in(login)
        self.pages.addWidget(self.sign_in_page)
        # Built when the database calls for them (show_start, a one-time code).
        self.first_page: QWidget | None = None
        self.waiting_page: QWidget | None = None
        self.new_password_page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(520, 360)
        self._wait_timer = QTimer(self)
        self._wait_timer.setSingleShot(True)
        self._wait_timer.timeout.connect(lambda: self.sign_in_button.setEnabled(True))
        if opening:
            self.sign_in_button.setEnabled(False)
            self.sign_in_intro.setText(opening)
            (self.password if self.login.text() else self.login).setFocus()
        else:
            self.show_start()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, lambda: _make_selectable(self))

    def _add_page(self, page: QWidget) -> None:
        self.pages.addWidget(page)
        if self._painted:
            _make_selectable(page)

    # --- the pages --------------------------------------------------------------------------

    def _buttons(self, action: str, slot: object) -> tuple[QDialogButtonBox, QPushButton]:
        box = QDialogButtonBox()
        button = box.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        button.setDefault(True)
        button.clicked.connect(slot)
        box.rejected.connect(self.reject)
        return box, button

    def _build_sign_in(self, login: str) -> QWidget:
        page = QWidget()
        self.login = _line("login")
        self.login.setText(login)
        self.password = _line("password", secret=True)
        self.message = _text("")
        self.message.setObjectName("sign-in-message")
        form = QFormLayout()
        form.addRow(fields.label("user.username"), self.login)
        form.addRow(fields.label("user.password"), self.password)
        self.sign_in_intro = _text(_("Sign in with your login and your password."))
        buttons, self.sign_in_button = self._buttons(_("Sign in"), self._sign_in)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(PROGRAM))
        layout.addWidget(self.sign_in_intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.password.returnPressed.connect(self._sign_in)
        return page

    def _field_boxes(self, edits: dict[str, QLineEdit]) -> tuple[dict[str, FieldBox], QFormLayout]:
        from ui.common.widgets import FieldBox

        boxes = {name: FieldBox(edit) for name, edit in edits.items()}
        form = QFormLayout()
        for name, box in boxes.items():
            form.addRow(fields.label(f"user.{name}"), box)
        return boxes, form

    def _first_administrator_page(self) -> QWidget:
        if self.first_page is not None:
            return self.first_page
        page = QWidget()
        self.first_login = _line("first-login")
        self.first_name = _line("first-name")
        self.first_password = _line("first-password", secret=True)
        self.first_repeat = _line("first-repeat", secret=True)
        self.first_boxes, form = self._field_boxes(
            {
                "username": self.first_login,
                "full_name": self.first_name,
                "password": self.first_password,
                "password_repeat": self.first_repeat,
            }
        )
        self.first_message = _error_text()
        buttons, self.create_button = self._buttons(
            _("Create the administrator and sign in"), self._create_first
        )
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("Welcome to {program}").format(program=PROGRAM)))
        layout.addWidget(
            _text(
                _(
                    "This database has no administrator yet. The administrator adds the "
                    "other users and sets the program up. Choose a password of at least "
                    "15 characters: a few words in a row are easy to remember."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.first_message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._add_page(page)
        self.first_page = page
        return page

    def _no_password_yet_page(self) -> QWidget:
        from app.services import sign_in

        if self.waiting_page is not None:
            return self.waiting_page
        page = QWidget()
        self.waiting_text = _text(sign_in.no_password_yet_message())
        self.waiting_text.setObjectName("no-password-yet")
        box = QDialogButtonBox()
        again = box.addButton(_("Try again"), QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        again.clicked.connect(self.show_start)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("No administrator can sign in yet")))
        layout.addWidget(self.waiting_text)
        layout.addStretch(1)
        layout.addWidget(box)
        self._add_page(page)
        self.waiting_page = page
        return page

    def _new_password_page(self) -> QWidget:
        if self.new_password_page is not None:
            return self.new_password_page
        page = QWidget()
        self.new_password = _line("new-password", secret=True)
        self.new_repeat = _line("new-repeat", secret=True)
        self.new_boxes, form = self._field_boxes(
            {"password": self.new_password, "password_repeat": self.new_repeat}
        )
        self.new_message = _error_text()
        buttons, self.new_button = self._buttons(_("Save and sign in"), self._set_own_password)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading(_("Choose your password")))
        layout.addWidget(
            _text(
                _(
                    "You signed in with a one-time code. Choose your own password now: at "
                    "least 15 characters; a few words in a row are easy to remember."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.new_message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._add_page(page)
        self.new_password_page = page
        return page

    # --- what happens -----------------------------------------------------------------------

    def show_start(self) -> None:
        """The page the database calls for: the first administrator, the holder's step, or
        signing in."""
        from app.services import sign_in
        from ui.common.widgets import ERROR_COLOUR

        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.sign_in_intro.setText(_("Sign in with your login and your password."))
        if not self._wait_timer.isActive():
            self.sign_in_button.setEnabled(True)
        start = sign_in.start()
        if start is sign_in.Start.FIRST_ADMINISTRATOR:
            self.pages.setCurrentWidget(self._first_administrator_page())
            self.first_login.setFocus()
        elif start is sign_in.Start.NO_PASSWORD_YET:
            self.pages.setCurrentWidget(self._no_password_yet_page())
        else:
            self.pages.setCurrentWidget(self.sign_in_page)
            (self.password if self.login.text() else self.login).setFocus()

    def _say(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setAccessibleDescription(text)

    def submit(self, login: str, password: str) -> None:
        """Type the login and the password and press Sign in (a smoke run's credentials)."""
        self.login.setText(login)
        self.password.setText(password)
        self._sign_in()

    def _sign_in(self) -> None:
        from app.services import sign_in

        if not self.sign_in_button.isEnabled():
            return
        login, secret = self.login.text().strip(), self.password.text()
        if not login:
            self._say(self.message, _("Enter your login."))
            self.login.setFocus()
            return
        # The password's check takes a moment (Argon2id, on purpose): say so meanwhile.
        self.sign_in_intro.setText(_("Signing in …"))
        self.sign_in_intro.repaint()
        try:
            user = sign_in.sign_in(login, secret)
        except sign_in.NewPasswordRequired as exc:
            self.refusal = str(exc)
            self.sign_in_intro.setText(_("Sign in with your login and your password."))
            self._code, self._code_login = secret, login
            self.password.clear()
            self._say(self.message, "")
            self.pages.setCurrentWidget(self._new_password_page())
            self.new_password.setFocus()
            return
        except sign_in.SignInRefused as exc:
            self._refused(exc)
            return
        self._signed_in(user)

    def _refused(self, exc: sign_in.SignInRefused) -> None:
        self.sign_in_intro.setText(_("Sign in with your login and your password."))
        self.refusal = str(exc)
        self._say(self.message, str(exc))
        self.password.selectAll()
        self.password.setFocus()
        if exc.wait_seconds:
            # The service refuses an attempt before the wait is over; the button says so.
            self.sign_in_button.setEnabled(False)
            self._wait_timer.start(exc.wait_seconds * 1000)

    def _create_first(self) -> None:
        from app.domain.validation import ValidationError
        from app.services import sign_in
        from ui.common.widgets import show_field_messages

        try:
            user = sign_in.create_first_administrator(
                self.first_login.text(),
                self.first_name.text(),
                self.first_password.text(),
                self.first_repeat.text(),
            )
        except ValidationError as exc:
            show_field_messages(self.first_boxes, exc.errors)
            self._say(self.first_message, "")
            first = next(n for n in self.first_boxes if n in exc.errors)
            self.first_boxes[first].field.setFocus()
            return
        except sign_in.SignInRefused as exc:
            self._say(self.first_message, str(exc))
            return
        self.made_first_administrator = True
        self._signed_in(user)

    def _set_own_password(self) -> None:
        from app.domain.validation import ValidationError
        from app.services import sign_in
        from ui.common.widgets import show_field_messages

        try:
            user = sign_in.set_own_password(
                self._code_login, self._code, self.new_password.text(), self.new_repeat.text()
            )
        except ValidationError as exc:
            show_field_messages(self.new_boxes, exc.errors)
            first = next(n for n in self.new_boxes if n in exc.errors)
            self.new_boxes[first].field.setFocus()
            return
        except sign_in.SignInRefused as exc:
            self.pages.setCurrentWidget(self.sign_in_page)
            self._refused(exc)
            return
        self._code = ""
        self._signed_in(user)

    def _signed_in(self, user: UserInfo) -> None:
        self.user = user
        for edit in self.findChildren(QLineEdit):
            if edit.echoMode() == QLineEdit.EchoMode.Password:
                edit.clear()
        self.accept()


def first_start(parent: QWidget | None = None, login: str = "") -> UserInfo | None:
    """The sign-in at the program's start (main.py): on an empty database it asks for the
    first administrator, else for a login and password. None when the user quit. A first-run
    setup assistant begins here: after the first administrator is made (the dialog's
    `made_first_administrator`), before the main window fills."""
    dialog = SignInDialog(parent, login)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.user if accepted else None
