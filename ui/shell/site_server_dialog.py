"""File > Connect to the site server…: the server's address and this workstation's password,
a connection test, and the choice kept for this workstation (its address in the
workstation's settings, the password in its credential store), used from the next start."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.services import errors, site_server
from ui.common import workstation


def keep_choice(url: str, password: str, keep_password: bool) -> str:
    """Keep the server for this workstation (its address in the settings, a password in
    the credential store when asked to): opened from the next start. "" when kept, else
    why not, in words."""
    # A password typed into the address goes to the credential store, not the settings.
    password = password or urlsplit(url).password or ""
    if keep_password and password:
        try:
            site_server.store_password(url, password)
        except Exception as exc:
            return str(exc)
    workstation.workstation_settings().setValue(
        workstation.SETTINGS_KEY, site_server.display_url(url)
    )
    return ""


class ServerFields(QWidget):
    """The server's address and this workstation's password for it, with a connection
    test that says what answered or why nothing did."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText(
            "postgresql://anna@server:5432/showroom?sslmode=require"  # i18n: ignore
        )
        self.url_edit.setMinimumWidth(460)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_password = QCheckBox(_("Keep the password in this computer's credential store"))
        self.keep_password.setChecked(site_server.credential_store_available())
        self.keep_password.setEnabled(site_server.credential_store_available())
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        if not site_server.credential_store_available():
            self.result_label.setText(str(site_server.NoCredentialStore()))
        self.test_button = QPushButton(_("&Test the connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(_("Server address (URL):"), self.url_edit)
        self.form.addRow(_("Password:"), self.password_edit)
        self.form.addRow("", self.keep_password)

    def url(self) -> str:
        return self.url_edit.text().strip()

    def password(self) -> str | None:
        """The password typed, else the one kept for the server (None: .pgpass decides)."""
        return self.password_edit.text() or site_server.stored_password(self.url())

    def check_url(self) -> bool:
        """Whether the address is a server's; else says what one looks like."""
        if site_server.is_server_url(self.url()):
            return True
        self.result_label.setText(
            _("The address starts with postgresql://, e.g. {example}.").format(
                example="postgresql://anna@server/showroom"
            )
        )
        return False

    def say_problem(self, exc: BaseException) -> None:
        problem = errors.user_problem(exc)
        self.result_label.setText(
            f"{problem.title}. {problem.message}" if problem is not None else str(exc)
        )

    def test_connection(self) -> bool:
        if not self.check_url():
            return False
        try:
            version = site_server.try_connection(self.url(), self.password())
        except Exception as exc:
            self.say_problem(exc)
            return False
        self.result_label.setText(_("Connected: {server}").format(server=version.split(",")[0]))
        return True


class SiteServerDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Connect to the site server"))
        self.fields = ServerFields(workstation.chosen_server())
        self.url_edit = self.fields.url_edit
        self.password_edit = self.fields.password_edit
        self.keep_password = self.fields.keep_password
        self.result_label = self.fields.result_label
        self.test_button = self.fields.test_button
        self.test_connection = self.fields.test_connection
        self.local_box = QCheckBox(_("Use this computer's own database instead (no server)"))
        self.fields.form.addRow("", self.local_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "The address is kept for this workstation and opened from the next start; "
                "add ?sslmode=verify-full to check the server's certificate."
            )
        )
        # Wrapped to the fields' width, in every language, rather than widening the dialog.
        intro.setWordWrap(True)
        self.intro = intro
        layout.addWidget(intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.local_box.isChecked():
            workstation.workstation_settings().remove(workstation.SETTINGS_KEY)
            super().accept()
            return
        if not self.fields.check_url():
            return  # says what an address looks like; the typing stays
        problem = keep_choice(
            self.fields.url(), self.password_edit.text(), self.keep_password.isChecked()
        )
        if problem:
            self.result_label.setText(problem)
            return
        super().accept()
