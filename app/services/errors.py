"""Errors a service raises that the user can act on (validation lives in app.domain), and
the sorting of database and file errors into those a user can act on and the rest."""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from app.domain.validation import ValidationError
from app.i18n import N_, _


class NotFound(LookupError):
    """The record is gone (deleted, or another workstation removed it)."""


class NotAllowed(PermissionError):
    """The signed-in user may not change this. `right` is the code of the right that was
    missing (app.domain.rights.Right), when one was."""

    def __init__(self, message: str = "", right: str | None = None) -> None:
        super().__init__(message)
        self.right = right


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record saved elsewhere while it was open here: its value when it
    was opened, the value saved elsewhere (theirs) and the value in the form (yours)."""

    name: str
    label: str
    opened: str
    theirs: str
    yours: str

    @property
    def changed_by_them(self) -> bool:
        return self.theirs != self.opened

    @property
    def changed_by_you(self) -> bool:
        return self.yours != self.opened

    @property
    def clash(self) -> bool:
        """Both changed it, to different values: one of the two has to give way."""
        return self.changed_by_them and self.changed_by_you and self.theirs != self.yours


class ConflictError(RuntimeError):
    """Someone else saved this record since it was opened."""

    def __init__(self, what: str, changed_by: str | None, current_version: int = 0) -> None:
        # `what` names the record, translated by the caller: "Customer Rossi, Maria".
        if changed_by:
            message = _("{what} was changed by {name} after you opened it.").format(
                what=what, name=changed_by
            )
        else:
            message = _("{what} was changed after you opened it.").format(what=what)
        super().__init__(message)
        self.what = what
        self.changed_by = changed_by
        # The version saved now: saving over it (after the user has seen what changed)
        # passes this as the expected version.
        self.current_version = current_version


@dataclass(frozen=True, slots=True)
class Problem:
    """An error the user can do something about, in words."""

    title: str
    message: str
    kind: str = field(default="")

    def translated(self) -> Problem:
        """The problem in the screen's language (the constants below are marked only)."""
        return Problem(_(self.title), _(self.message), self.kind)


_DISK_FULL = Problem(
    N_("The disk is full"),
    N_(
        "Showroom could not save because the disk holding its database is full. Nothing was "
        "saved from this change. Free some space on that disk (empty the recycle bin, remove "
        "large files), then try again."
    ),
    "disk_full",
)
_READ_ONLY = Problem(
    N_("The database cannot be written"),
    N_(
        "Showroom may not write to its database or its folder: the file or folder is read-only, "
        "or this user has no permission to change it. Nothing was saved from this change. Ask "
        "whoever looks after this computer to give you write access to the data folder, then "
        "try again."
    ),
    "read_only",
)
_LOCKED = Problem(
    N_("The database is busy"),
    N_(
        "Another copy of Showroom, or another program (a backup or sync tool, a database "
        "viewer), is holding the database and did not let go in time. Nothing was saved from "
        "this change. Wait a moment and try again; if it keeps happening, close the other "
        "program."
    ),
    "locked",
)
_CANNOT_OPEN = Problem(
    N_("The database cannot be opened"),
    N_(
        "Showroom could not open its database file: the folder is missing, not accessible, or "
        "on a drive that is not connected. Check that the data folder exists and that this "
        "user may use it."
    ),
    "cannot_open",
)
_DAMAGED = Problem(
    N_("The database is damaged"),
    N_(
        "SQLite reports that the database file is damaged. Stop working in it, and restore the "
        "newest good backup (File > Restore from a backup…); the damaged file is kept aside."
    ),
    "damaged",
)
_IO = Problem(
    N_("The database could not be read or written"),
    N_(
        "The disk or network drive holding the database did not answer (a disk I/O error). "
        "Check that the drive is connected, then start Showroom again."
    ),
    "io",
)

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_BY_CODE = {
    5: _LOCKED,  # SQLITE_BUSY
    6: _LOCKED,  # SQLITE_LOCKED
    8: _READ_ONLY,  # SQLITE_READONLY
    10: _IO,  # SQLITE_IOERR
    11: _DAMAGED,  # SQLITE_CORRUPT
    13: _DISK_FULL,  # SQLITE_FULL
    14: _CANNOT_OPEN,  # SQLITE_CANTOPEN
    15: _LOCKED,  # SQLITE_PROTOCOL
    23: _READ_ONLY,  # SQLITE_AUTH
    26: _DAMAGED,  # SQLITE_NOTADB
}

# The same, by the message (peewee re-raises sqlite3's errors as its own, message intact).
_BY_SQLITE_ERROR = [
    ("database or disk is full", _DISK_FULL),
    ("readonly database", _READ_ONLY),
    ("read-only", _READ_ONLY),
    ("database is locked", _LOCKED),
    ("database table is locked", _LOCKED),
    ("database schema is locked", _LOCKED),
    ("unable to open database file", _CANNOT_OPEN),
    ("database disk image is malformed", _DAMAGED),
    ("file is not a database", _DAMAGED),
    ("disk i/o error", _IO),
]

_BY_ERRNO = {
    errno.ENOSPC: _DISK_FULL,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _READ_ONLY,
    errno.EPERM: _READ_ONLY,
    errno.EIO: _IO,
}
if hasattr(errno, "EDQUOT"):
    _BY_ERRNO[errno.EDQUOT] = _DISK_FULL


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        # peewee keeps the sqlite3 error it re-raises as `orig`.
        original = getattr(current, "orig", None)
        todo.extend([original, current.__cause__, current.__context__, *current.args[:1]])
    return seen


def user_problem(exc: BaseException) -> Problem | None:
    """The problem in words when `exc` is one the user can act on (disk full, read-only
    folder or file, database locked or busy, damaged, unreachable); None for the rest,
    which are bugs to log."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in _BY_ERRNO:
            return _BY_ERRNO[cause.errno].translated()
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(cause, sqlite3.Error) and isinstance(code, int) and code & 0xFF in _BY_CODE:
            return _BY_CODE[code & 0xFF].translated()
        if type(cause).__name__ in {"OperationalError", "DatabaseError"} or (
            isinstance(cause, sqlite3.Error)
        ):
            text = str(cause).lower()
            for needle, problem in _BY_SQLITE_ERROR:
                if needle in text:
                    return problem.translated()
    return None


__all__ = [
    "ConflictError",
    "FieldChange",
    "NotAllowed",
    "NotFound",
    "Problem",
    "ValidationError",
    "user_problem",
]
