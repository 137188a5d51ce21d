"""Opening the site's data, and the signed-in user: what the program does before its first
window (signing in itself is app/services/sign_in.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.db import backups, migrations
from app.db import models as m
from app.db import reference as db
from app.db import users as users_db
from app.db.connection import (
    close,
    connect_postgres,
    is_postgres,
    open_postgres,
    open_sqlite,
    transaction,
)
from app.db.settings import put_setting, setting_changed_by, setting_value, setting_versions
from app.domain.choices import UserRole
from app.domain.rights import Right
from app.services import access, conflicts
from app.services.errors import ConflictError

DatabaseTooNew = migrations.DatabaseTooNew
NotShowroomDatabase = migrations.NotShowroomDatabase
SCHEMA_VERSION = migrations.SCHEMA_VERSION


# The roles from the most to the least senior: the one a window names beside the user.
_SENIORITY = (
    UserRole.ADMINISTRATOR.value,
    UserRole.SALES_MANAGER.value,
    UserRole.SALESPERSON.value,
    UserRole.READ_ONLY.value,
    UserRole.SCHEDULER.value,
)


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    roles: tuple[str, ...]

    @property
    def role(self) -> str:
        """The most senior of the user's roles ("" for a user without one)."""
        return next((r for r in _SENIORITY if r in self.roles), self.roles[0] if self.roles else "")


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


def open_server(url: str, password: str | None = None) -> str:
    """Connect to the site's PostgreSQL server (a postgresql:// URL; the password apart,
    from the workstation's credential store) and bring the schema up to date: a new, empty
    database gets the whole schema. Returns the URL."""
    db = open_postgres(url, password)
    try:
        migrations.upgrade(db)
    except Exception:
        close()
        raise
    return url


@dataclass(frozen=True, slots=True)
class ServerCheck:
    server: str  # what the server says it is: "PostgreSQL 15.8 ..."
    schema: int  # the database's schema version (0: an empty database)


def check_server(url: str, password: str | None = None) -> ServerCheck:
    """Connect to the server's database and read its schema version, changing nothing (no
    upgrade, nothing created); raises what connecting raised (errors.user_problem tells it)."""
    db = connect_postgres(url, password)
    try:
        server = str(db.execute_sql("SELECT version()").fetchone()[0])
        return ServerCheck(server.split(",")[0], migrations.current_version(db))
    finally:
        db.close()


def on_server() -> bool:
    """Whether the database open is the site's server (else this workstation's file)."""
    return is_postgres()


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


def user_info(row: m.User) -> UserInfo:
    return UserInfo(row.id, row.username, row.full_name, tuple(users_db.roles_of(row.id)))


def signed_in_user_id() -> int | None:
    """The id of the user signed in at this workstation, None before anyone is."""
    return m.acting_user()


def users() -> list[UserInfo]:
    return [user_info(r) for r in db.active_users()]


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
