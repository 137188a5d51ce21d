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

# The site's PostgreSQL server, told in words.
_SERVER_UNREACHABLE = Problem(
    N_("The site's server does not answer"),
    N_(
        "Showroom could not reach the site's database server: it is switched off, the network "
        "is down, or the address in File > Connect to the site server… is wrong. Nothing was "
        "saved from this change; what you typed is still in the form. Check the network, then "
        "try again; if it keeps happening, tell whoever looks after the server."
    ),
    "server_unreachable",
)
_SERVER_AUTHENTICATION = Problem(
    N_("The site's server refused the sign-in"),
    N_(
        "The database server did not accept this workstation's user name or password. Enter "
        "them again under File > Connect to the site server…, or ask whoever looks after the "
        "server whether the account was changed."
    ),
    "server_authentication",
)
_SERVER_RESTARTING = Problem(
    N_("The site's server is restarting"),
    N_(
        "The database server is starting up or shutting down, or it ended this connection. "
        "Nothing was saved from this change; what you typed is still in the form. Wait a "
        "moment and save again: Showroom connects anew by itself."
    ),
    "server_restarting",
)
_SERVER_DISK_FULL = Problem(
    N_("The server's disk is full"),
    N_(
        "The database server could not save because its disk is full. Nothing was saved from "
        "this change. Tell whoever looks after the server; once it has space, save again."
    ),
    "server_disk_full",
)
_SERVER_NO_DATABASE = Problem(
    N_("The database is not on the server"),
    N_(
        "The site's server has no database of the name this workstation connects to. Check "
        "the name under File > Connect to the site server…, or ask whoever looks after the "
        "server to create it."
    ),
    "server_no_database",
)
_SAVED_ELSEWHERE = Problem(
    N_("Saved elsewhere meanwhile"),
    N_(
        "Another workstation saved the same record at the same moment, so this change was not "
        "saved. Open the record again to see theirs, then make your change once more."
    ),
    "saved_elsewhere",
)

# PostgreSQL's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_BY_SQLSTATE = {
    "28P01": _SERVER_AUTHENTICATION,  # invalid_password
    "28000": _SERVER_AUTHENTICATION,  # invalid_authorization_specification
    "57P01": _SERVER_RESTARTING,  # admin_shutdown
    "57P02": _SERVER_RESTARTING,  # crash_shutdown
    "57P03": _SERVER_RESTARTING,  # cannot_connect_now (starting up)
    "53100": _SERVER_DISK_FULL,  # disk_full
    "3D000": _SERVER_NO_DATABASE,  # invalid_catalog_name
    "08006": _SERVER_UNREACHABLE,  # connection_failure
    "08001": _SERVER_UNREACHABLE,  # sqlclient_unable_to_establish_sqlconnection
    "40001": _SAVED_ELSEWHERE,  # serialization_failure (retried first: app.db.retrying)
    "40P01": _SAVED_ELSEWHERE,  # deadlock_detected (likewise)
}

# libpq's messages where it gives no SQLSTATE (the connection never came about, or broke):
# the server's English, matched, never shown.
_BY_SERVER_MESSAGE = [
    ("password authentication failed", _SERVER_AUTHENTICATION),  # i18n: ignore
    ("no password supplied", _SERVER_AUTHENTICATION),  # i18n: ignore
    ("no pg_hba.conf entry", _SERVER_AUTHENTICATION),  # i18n: ignore
    ("the database system is starting up", _SERVER_RESTARTING),  # i18n: ignore
    ("the database system is shutting down", _SERVER_RESTARTING),  # i18n: ignore
    ("terminating connection due to administrator command", _SERVER_RESTARTING),  # i18n: ignore
    ("server closed the connection unexpectedly", _SERVER_RESTARTING),  # i18n: ignore
    ("connection already closed", _SERVER_RESTARTING),  # i18n: ignore
    ("does not exist", _SERVER_NO_DATABASE),  # i18n: ignore
    ("could not connect to server", _SERVER_UNREACHABLE),  # i18n: ignore
    ("could not translate host name", _SERVER_UNREACHABLE),  # i18n: ignore
    ("timeout expired", _SERVER_UNREACHABLE),  # i18n: ignore
    ("connection refused", _SERVER_UNREACHABLE),  # i18n: ignore
    ("no space left on device", _SERVER_DISK_FULL),  # i18n: ignore
    ("connection to server at", _SERVER_UNREACHABLE),  # and nothing above said why  # i18n: ignore
]

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
        if type(cause).__name__ == "StaleRecord":
            return _SAVED_ELSEWHERE.translated()
        sqlstate = getattr(cause, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate in _BY_SQLSTATE:
            return _BY_SQLSTATE[sqlstate].translated()
        if type(cause).__module__.startswith("psycopg2") or type(cause).__name__ in {
            "InterfaceError",
            "OperationalError",
        }:
            text = str(cause).lower()
            for needle, problem in _BY_SERVER_MESSAGE:
                if needle in text and (needle != "does not exist" or "database" in text):
                    return problem.translated()
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
