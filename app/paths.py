"""Where Showroom keeps its files: the only module that asks appdirs."""

from __future__ import annotations

from pathlib import Path

import appdirs

APP_NAME = "Showroom"
APP_AUTHOR = "Showroom"

_data_dir_override: Path | None = None


def set_data_dir(path: Path | None) -> None:
    """--data-dir, and tests: put the database and the documents elsewhere."""
    global _data_dir_override
    _data_dir_override = Path(path).resolve() if path is not None else None


def data_dir() -> Path:
    if _data_dir_override is not None:
        return _data_dir_override
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def database_path() -> Path:
    return data_dir() / "showroom.sqlite3"


def user_settings_path(login: str) -> Path:
    """The user's own screen settings (window sizes, columns, saved views), beside the
    database so that --data-dir and the tests keep them in their folder."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in login) or "user"
    return data_dir() / "settings" / f"{safe}.ini"


def backup_dir() -> Path:
    return data_dir() / "backups"


def documents_dir() -> Path:
    return data_dir() / "documents"


def log_dir() -> Path:
    if _data_dir_override is not None:
        return _data_dir_override / "logs"
    return Path(appdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def resources_dir() -> Path:
    """resources/ beside main.py, or inside the PyInstaller bundle."""
    import sys

    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"


def translations_dir() -> Path:
    """The compiled catalogues: <lang>/LC_MESSAGES/showroom.mo, and the template showroom.pot."""
    return resources_dir() / "translations"
