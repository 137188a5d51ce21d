"""The signed-in user's screen settings: window sizes, splitters, list columns (widths,
order, hidden ones, sort), the last tab and saved views, kept per user in an INI file in
the data folder (app.paths.user_settings_path) and restored when they sign in again."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from app import paths

_current: QSettings | None = None


def use_settings_of(login: str) -> QSettings:
    """Open (creating if need be) the settings of the user who signs in."""
    global _current
    path = paths.user_settings_path(login)
    path.parent.mkdir(parents=True, exist_ok=True)
    _current = QSettings(str(path), QSettings.Format.IniFormat)
    return _current


def settings() -> QSettings | None:
    """The signed-in user's settings; None before anyone signs in (nothing is kept)."""
    return _current


def load_bytes(key: str) -> QByteArray | None:
    store = settings()
    if store is None:
        return None
    value = store.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(key: str, value: QByteArray) -> None:
    store = settings()
    if store is not None:
        store.setValue(key, value)


def load_json(key: str, default: Any) -> Any:
    store = settings()
    if store is None:
        return default
    raw = store.value(key)
    if not isinstance(raw, str):
        return default
    try:
        return json.loads(raw)
    except ValueError:
        # A file edited by hand or cut short: the default, not a crash at sign-in.
        return default


def save_json(key: str, value: Any) -> None:
    store = settings()
    if store is not None:
        store.setValue(key, json.dumps(value))
        store.sync()


def keep_splitter(splitter: QSplitter, key: str) -> None:
    """Restore where the user left the splitter, and keep it as they move it."""
    state = load_bytes(f"splitters/{key}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda *_: save_bytes(f"splitters/{key}", splitter.saveState()))


def restore_geometry(widget: QWidget, key: str) -> bool:
    """Give a window or dialog the size and place the user last left it at."""
    state = load_bytes(f"windows/{key}")
    return state is not None and widget.restoreGeometry(state)


def save_geometry(widget: QWidget, key: str) -> None:
    save_bytes(f"windows/{key}", widget.saveGeometry())


# The workstation's own settings (not a user's): who signed in last, to pre-fill the login.
# In a folder of their own, so no user's settings file is named like it.
def _workstation() -> QSettings:
    path = paths.data_dir() / "settings" / "workstation" / "sign-in.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def remember_login(login: str) -> None:
    store = _workstation()
    store.setValue("last_login", login)
    store.sync()


def last_login() -> str:
    value = _workstation().value("last_login")
    return value if isinstance(value, str) else ""
