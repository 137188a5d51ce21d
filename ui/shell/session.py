"""Who is at the keyboard: the idle lock, the lock screen over the main window, and switching
users on one desk computer without losing anyone's unsaved typing.

Locking hides the window's open forms (kept as they are, unsaved typing and all), disables
every action and covers the window with the lock screen, which names who is signed in. The
same user unlocks with their password and finds their forms as they left them. When someone
else signs in instead, the first user's window is put aside (hidden, with its forms) if it
holds any open form, else closed, and the other user gets a window of their own; when the
first user signs in again, their window and forms come back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.i18n import _
from app.services import sign_in, users
from app.services.workspace import UserInfo
from ui.common import user_settings
from ui.common.changes import IDLE_LOCK, record_changes
from ui.common.widgets import ERROR_COLOUR

# The main window, named loosely: ui.shell.main_window imports this module (lazily), and no
# circle of imports is allowed, not even one for the type checker.
MainWindow = Any

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """Locks the signed-in window after the idle time an administrator set (no key, click
    or mouse move in the program for that long); 0 minutes: never."""

    def __init__(self) -> None:
        super().__init__()
        self.window: MainWindow | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._idle)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        record_changes().changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, kind: str, _record_id: int) -> None:
        if kind == IDLE_LOCK:
            self.reload()

    def reload(self) -> None:
        """Read the idle time again (an administrator changed it)."""
        minutes = users.idle_lock_minutes()
        self.timer.stop()
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()

    def watch(self, window: MainWindow) -> None:
        self.window = window
        self.reload()

    def _idle(self) -> None:
        window = self.window
        if window is not None and window.isVisible() and not is_locked(window):
            lock(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and self.window is not None and self.timer.isActive():
            self.timer.start()  # from the beginning again
        return False


_watcher: IdleWatcher | None = None
# Windows of users who handed the desk over with forms open, by user id.
_parked: dict[int, MainWindow] = {}
_switching = False  # a window closes because its user hands over, not to quit


def watcher() -> IdleWatcher:
    global _watcher
    if _watcher is None:
        _watcher = IdleWatcher()
    return _watcher


def attach(window: MainWindow) -> None:
    """A window just signed in: the idle lock watches over it."""
    watcher().watch(window)


def parked_windows() -> list[MainWindow]:
    return list(_parked.values())


def forget(window: MainWindow) -> None:
    for user_id, parked in list(_parked.items()):
        if parked is window:
            del _parked[user_id]
    if _watcher is not None and _watcher.window is window:
        _watcher.window = None


class LockScreen(QFrame):
    """Covers the locked window: who is signed in, their password to unlock, or another
    user's sign-in."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("lock-screen")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        user = window.user
        heading = QLabel(_("Showroom is locked"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.who = QLabel(
            _("Signed in: {name} ({login})").format(name=user.full_name, login=user.username)
        )
        self.who.setObjectName("lock-who")
        self.password = QLineEdit()
        self.password.setObjectName("lock-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password of {login}").format(login=user.username))
        self.password.setMinimumWidth(280)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.message = QLabel("")
        self.message.setObjectName("lock-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.other_button = QPushButton(_("Sign in as someone else…"))
        kept = QLabel(
            _(
                "Forms left open stay as they are, unsaved typing included, until {name} "
                "unlocks again."
            ).format(name=user.full_name)
        )
        kept.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.password)
        row.addWidget(self.unlock_button)
        column = QVBoxLayout()
        column.addWidget(heading)
        column.addWidget(self.who)
        column.addSpacing(12)
        column.addLayout(row)
        column.addWidget(self.message)
        column.addSpacing(12)
        column.addWidget(kept)
        column.addWidget(self.other_button, 0, Qt.AlignmentFlag.AlignLeft)
        box = QFrame()
        box.setObjectName("lock-box")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        # A fixed width, so the wrapped lines get the height they need.
        box.setFixedWidth(540)
        box.setLayout(column)
        column.setContentsMargins(24, 20, 24, 20)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.password.returnPressed.connect(self.unlock)
        self.unlock_button.clicked.connect(self.unlock)
        self.other_button.clicked.connect(self.sign_in_other)
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(lambda: self.unlock_button.setEnabled(True))
        window.installEventFilter(self)
        self.setGeometry(window.rect())

    def unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        try:
            user = sign_in.confirm_password(self.window_.user.username, self.password.text())
        except sign_in.SignInRefused as exc:
            self.message.setText(str(exc))
            self.password.selectAll()
            if exc.wait_seconds:
                self.unlock_button.setEnabled(False)
                self._wait.start(exc.wait_seconds * 1000)
            return
        except sign_in.NewPasswordRequired:
            self.message.setText(_("The password is wrong."))
            return
        self.password.clear()
        self.window_.user = user  # (a restored database may number its users otherwise)
        unlock(self.window_)

    def sign_in_other(self) -> None:
        from ui.shell.sign_in_window import SignInDialog

        dialog = SignInDialog(self.window_, "")
        dialog.setWindowTitle(_("Sign in as someone else"))
        # Until someone signs in there, the locked user stays the one on file.
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None:
            switch_to(self.window_, dialog.user)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False


def is_locked(window: MainWindow) -> bool:
    screen = getattr(window, "lock_screen", None)
    return screen is not None and screen.isVisible()


def lock(window: MainWindow) -> LockScreen:
    """Lock the window: its open forms hidden and kept, every action off, the lock screen
    over it."""
    if is_locked(window):
        assert isinstance(window.lock_screen, LockScreen)
        return window.lock_screen
    window.kept_dialogs = [
        d for d in window.findChildren(QDialog) if d.isVisible() and d.isWindow()
    ]
    for dialog in window.kept_dialogs:
        dialog.hide()
    window.disabled_by_lock = [
        a for a in window.findChildren(QAction) if a.isEnabled() and a.parent() is window
    ]
    for action in window.disabled_by_lock:
        action.setEnabled(False)
    window.menuBar().setEnabled(False)
    screen = LockScreen(window)
    window.lock_screen = screen
    screen.show()
    screen.raise_()
    screen.password.setFocus()
    return screen


def unlock(window: MainWindow) -> None:
    """The window's own user is back: the lock screen goes, their forms come back."""
    screen = getattr(window, "lock_screen", None)
    if screen is not None:
        screen.hide()
        screen.deleteLater()
        window.lock_screen = None
    window.menuBar().setEnabled(True)
    for action in getattr(window, "disabled_by_lock", []):
        action.setEnabled(True)
    window.disabled_by_lock = []
    for dialog in getattr(window, "kept_dialogs", []):
        dialog.show()
        dialog.raise_()
    window.kept_dialogs = []
    if window.refresh_on_unlock:
        window.refresh_on_unlock = False
        window.refresh()
    watcher().watch(window)


def switch_to(window: MainWindow, user: UserInfo) -> MainWindow:
    """`user` signed in on `window`'s lock screen: theirs is the window from now on. The
    window they leave is put aside with its forms (or closed when it has none open); a window
    put aside for `user` earlier comes back with theirs."""
    if user.id == window.user.id:
        unlock(window)
        return window
    global _switching
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    _switching = True
    try:
        back = _parked.pop(user.id, None)
        if window.kept_dialogs:
            _parked[window.user.id] = window
            user_settings.save_geometry(window, "main")
            window.hide()
        else:
            window.close()  # saves its geometry in its user's settings
            forget(window)
        if back is not None:
            user_settings.use_settings_of(user.username)
            back.show()
            unlock(back)
            return back
        fresh = type(window)(user, window.database_path)
        fresh.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fresh.show()
        return fresh
    finally:
        _switching = False
        app.setQuitOnLastWindowClosed(quits)


def refuse_to_close(window: MainWindow) -> bool:
    """Closing the program while another user's forms are kept would lose their typing:
    say whose, lock instead (so they can sign in and save) and return True."""
    others = [w for w in _parked.values() if w is not window]
    if _switching or not others:
        return False
    names = ", ".join(w.user.full_name for w in others)
    QMessageBox.warning(
        window,
        _("Forms of other users are open"),
        _(
            "{names} left forms open when the desk was handed over. So that nothing typed "
            "in them is lost, the program stays open: the window is locked now, and they "
            "can sign in to save or close their forms."
        ).format(names=names),
    )
    lock(window)
    return True
