"""What the program still needs before it can do what was asked (a dealership to issue a
quote as the seller, say): the message that says so, with a button that goes where it is
added. The screen that refuses does not know the Administration: it asks for the step, and
the main window, which listens, opens it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _

# The steps a refusal may send the user to (app.services.setup.STEPS and the lists).
DEALERSHIP = "dealership"


class SetupRequests(QObject):
    """Emits `requested(step)` when the user asks to go and add what is missing."""

    requested = Signal(str)


_requests: SetupRequests | None = None


def setup_requests() -> SetupRequests:
    """The program's one SetupRequests (made on first use, once a QApplication exists)."""
    global _requests
    if _requests is None:
        _requests = SetupRequests()
    return _requests


def offer_setup(parent: QWidget, message: str, step: str) -> QMessageBox:
    """Say what is missing, with a button that goes to the step that adds it. Not modal to
    the application: the form stays as it is, to be tried again once it is added."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Something is missing"))
    box.setText(message)
    go = box.addButton(_("&Go there"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Not now"), QMessageBox.ButtonRole.RejectRole)
    box.buttonClicked.connect(
        lambda button: setup_requests().requested.emit(step) if button is go else None
    )
    box.open()
    return box
