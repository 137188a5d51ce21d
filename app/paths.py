"""Where Showroom keeps its files: the only module that asks appdirs."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import appdirs

APP_NAME = "Showroom"
APP_AUTHOR = "Showroom"

_data_dir_override: Path | None = None


# Owner-only on POSIX: the database, its backups, the issued documents, the log and the
# personal-data exports name customers. On Windows the per-user profile's folders carry an
# ACL that gives only the user (and the system and administrators) access, and what is made
# inside them inherits it; the modes below do nothing there.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def keep_files_private() -> None:
    """Have every file and folder the program creates from now on owner-only (POSIX)."""
    if sys.platform != "win32":
        os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create the folder and any missing parents owner-only; an existing folder is left as
    it is (someone chose its permissions)."""
    missing = []
    current = Path(path)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, creating it owner-only (an existing file keeps its mode)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


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
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources"


def translations_dir() -> Path:
    """The compiled catalogues: <lang>/LC_MESSAGES/showroom.mo, and the template showroom.pot."""
    return resources_dir() / "translations"
