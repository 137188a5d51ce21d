"""At start-up on the site's server without a password this workstation can use (none in the
credential store, no .pgpass line, or no credential store at all): the password asked in a
dialog, tried on the server, kept on this workstation when the user says so. A wrong one
is said and asked again; Cancel offers this computer's own database or quitting."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services import errors, site_server, workspace
from ui.common.widgets import ERROR_COLOUR

SERVER_AUTHENTICATION = "server_authentication"


class Opened(Enum):
    SERVER = "server"  # the site's server is open
    LOCAL = "local"  # this computer's own database is open instead
    QUIT = "quit"  # nothing is open: the user chose to quit


def refused_sign_in(exc: BaseException) -> bool:
    """Whether the server refused the password (or that none was given)."""
    problem = errors.user_problem(exc)
    return problem is not None and problem.kind == SERVER_AUTHENTICATION


class ServerPasswordDialog(QDialog):
    """The password for the server; OK opens the server with it (the dialog stays, saying
    why, when it cannot)."""

    def __init__(self, url: str, refused: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.setWindowTitle(_("Password for the site server"))
        intro = QLabel(
            _(
                "Showroom opens the site's server {server} as {user}. The server refused the "
                "password this workstation keeps for it: type the password."
            ).format(server=site_server.display_url(url), user=_user(url))
            if refused
            else _(
                "Showroom opens the site's server {server} as {user}. This workstation has "
                "no password kept for it: type the password."
            ).format(server=site_server.display_url(url), user=_user(url))
        )
        intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMinimumWidth(320)
        store = self.can_remember = site_server.credential_store_available()
        self.remember = QCheckBox(_("&Remember it on this workstation"))
        self.remember.setChecked(store)
        self.remember.setVisible(store)
        self.store_note = QLabel(
            ""
            if store
            else _(
                "This computer has no credential store to keep the password in: it is asked "
                "at each start, unless the user's .pgpass file holds it."
            )
        )
        self.store_note.setWordWrap(True)
        self.store_note.setVisible(not store)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.message.hide()
        form = QFormLayout()
        form.addRow(_("&Password:"), self.password_edit)
        form.addRow("", self.remember)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Connect"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.store_note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def accept(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.say(_("Type the password of the server's account."))
            return
        try:
            workspace.open_server(self.url, password)
        except Exception as exc:
            if refused_sign_in(exc):
                self.say(_("The server refused this password. Type it again."))
                self.password_edit.selectAll()
                self.password_edit.setFocus()
                return
            problem = errors.user_problem(exc)
            if problem is None:
                raise
            self.say(f"{problem.title}. {problem.message}")
            return
        if self.can_remember and self.remember.isChecked():
            try:
                site_server.store_password(self.url, password)
            except Exception as exc:  # the store refused: the server is open all the same
                self.say(str(exc))
        super().accept()


def _user(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).username or _("this computer's user")


class LocalOrQuitBox(QMessageBox):
    """After Cancel: this computer's own database, quitting, or back to the password."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(_("Password for the site server"))
        self.setText(_("Showroom cannot open the site's server without its password."))
        self.setInformativeText(
            _(
                "Open this computer's own database instead (it holds only what was saved on "
                "this computer, not the site's data), or quit."
            )
        )
        self.local_button = self.addButton(
            _("Open this computer's &own database"), QMessageBox.ButtonRole.AcceptRole
        )
        self.quit_button = self.addButton(_("&Quit"), QMessageBox.ButtonRole.DestructiveRole)
        self.back_button = self.addButton(
            _("&Back to the password"), QMessageBox.ButtonRole.RejectRole
        )

    def choice(self) -> Opened | None:
        """What was chosen: Opened.LOCAL, Opened.QUIT, or None (back to the password)."""
        self.exec()
        clicked = self.clickedButton()
        if clicked is self.local_button:
            return Opened.LOCAL
        if clicked is self.quit_button:
            return Opened.QUIT
        return None


def open_server_asking(url: str, parent: QWidget | None = None) -> Opened:
    """Open the site's server with the password this workstation keeps (or .pgpass);
    when there is none, or the server refuses it, ask for it. Raises what opening raised
    for any other problem (unreachable, say), for start-up to tell."""
    stored = site_server.stored_password(url)
    try:
        workspace.open_server(url, stored)
        return Opened.SERVER
    except Exception as exc:
        if not refused_sign_in(exc):
            raise
    while True:
        dialog = ServerPasswordDialog(url, refused=stored is not None, parent=parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return Opened.SERVER
        choice = LocalOrQuitBox(parent).choice()
        if choice is Opened.LOCAL:
            workspace.open_database()
            return Opened.LOCAL
        if choice is Opened.QUIT:
            return Opened.QUIT
