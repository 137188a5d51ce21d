"""Opening the site's data and signing in: what the program does before its first window."""

from __future__ import annotations

import getpass
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.db import backups, migrations
from app.db import models as m
from app.db import reference as db
from app.db.connection import close, open_sqlite, transaction
from app.db.settings import put_setting, setting_changed_by, setting_value, setting_versions
from app.domain.choices import UserRole
from app.domain.rights import Right
from app.i18n import _
from app.services import access, conflicts
from app.services.errors import ConflictError

DatabaseTooNew = migrations.DatabaseTooNew
NotShowroomDatabase = migrations.NotShowroomDatabase
SCHEMA_VERSION = migrations.SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: str


def open_database(path: Path | None = None) -> Path:
    """Open the SQLite database (the per-user one unless told otherwise) and bring its
    schema up to date, copying it aside first when an upgrade is due."""
    path = path or paths.database_path()
    # Read-only first: an empty, foreign or newer file is refused before any pragma (the
    # journal mode writes the header) or table touches it.
    if migrations.identify(path) == 0:
        paths.private_dir(path.parent)
        migrations.create_new(path)
    db = open_sqlite(path)
    try:
        migrations.upgrade(db, backup_dir=paths.backup_dir())
    except Exception:
        close()
        raise
    return path


def schema_version(path: Path | None = None) -> int:
    """The schema version of the database file, read without changing it (0: no file).
    Raises NotShowroomDatabase or DatabaseTooNew for a file the program refuses."""
    return migrations.identify(path or paths.database_path())


def upgrade_due(path: Path | None = None) -> bool:
    """Whether opening the database will upgrade it (a copy is taken first): a file of an
    older schema. A file that cannot be read is left for open_database to report."""
    path = path or paths.database_path()
    if not path.exists():
        return False
    try:
        return 0 < migrations.file_version(path) < migrations.SCHEMA_VERSION
    except (sqlite3.Error, OSError):
        return False


def quick_check(path: Path | None = None) -> list[str]:
    """SQLite's quick check of the database file before it is opened: what it finds
    wrong, or nothing (also for a database not created yet)."""
    path = path or paths.database_path()
    if not path.exists():
        return []
    return backups.check_file(path, quick=True)


def close_database() -> None:
    close()


def has_opportunities() -> bool:
    return db.has_opportunities()


def _info(row: m.User) -> UserInfo:
    return UserInfo(row.id, row.username, row.full_name, row.role)


def sign_in(username: str | None = None) -> UserInfo:
    """Sign in as `username`, else as the computer's login. On a new database the first
    person to start the program becomes its administrator; otherwise an unknown login is
    signed in as the first active administrator or sales manager."""
    login = (username or getpass.getuser() or "admin").strip()
    row = m.User.get_or_none(m.User.username == login)
    if row is None:
        if not db.has_users():
            with transaction():
                row = m.User.create(
                    username=login, full_name=login.capitalize(), role=UserRole.ADMINISTRATOR.value
                )
        else:
            row = db.stand_in_user()
            if username and row is not None and row.username != username:
                raise LookupError(
                    _("There is no user “{name}” in this database.").format(name=username)
                )
    m.set_acting_user(row.id)
    return _info(row)


def signed_in_user_id() -> int | None:
    """The id of the user signed in at this workstation, None before anyone is."""
    return m.acting_user()


def users() -> list[UserInfo]:
    return [_info(r) for r in db.active_users()]


def setting(key: str, default: str = "") -> str:
    value = setting_value(key)
    return value if value is not None else default


def set_setting(key: str, value: str) -> None:
    access.require(Right.SETUP)
    with transaction():
        put_setting(key, value)


def settings_version(keys: tuple[str, ...]) -> int:
    """The version of a group of settings a form edits together (the document settings,
    the retention period): it grows with every change to any of them, as each setting's
    own version does."""
    return sum(setting_versions(keys).values())


def check_settings_version(keys: tuple[str, ...], expected: int, what: str) -> None:
    """Refuse (ConflictError) a save of settings changed elsewhere since the form opened
    them. Call inside the saving transaction. `what` names them, translated."""
    current = settings_version(keys)
    if current != expected:
        raise ConflictError(what, conflicts.user_name(setting_changed_by(keys)), current)
