"""Backups of the site's database: taken once a day and on request, listed, and restored."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import paths
from app.db import backups, migrations, server_backups
from app.db.backups import BackupError, BackupKind
from app.db.connection import close, database, is_sqlite
from app.domain import reading
from app.domain.rights import Right
from app.i18n import N_, _, current
from app.services import access, wording, workspace

log = logging.getLogger(__name__)

# A regular backup is taken at start-up when the newest good one is older than this.
BACKUP_INTERVAL = timedelta(days=1)

__all__ = ["BackupError", "BackupInfo", "RestoreResult"]


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    kind: str  # "regular backup", "before an upgrade", ... in the screen's language
    taken_at: datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    @property
    def label(self) -> str:
        return f"{reading.format_moment(self.taken_at)} ({self.kind}, {self.size_label})"


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored: BackupInfo
    set_aside: Path | None
    database: Path

    @property
    def message(self) -> str:
        values = {
            "taken_at": reading.format_moment(self.restored.taken_at),
            "file": self.restored.name,
            "database": self.database,
            "set_aside": self.set_aside,
        }
        if self.set_aside is None:
            return _("Restored the backup of {taken_at} ({file}) into {database}.").format(**values)
        return _(
            "Restored the backup of {taken_at} ({file}) into {database}. The database as it "
            "was before is kept as {set_aside}."
        ).format(**values)


def size_label(size: int) -> str:
    if size < 1024 * 1024:
        return _("{size} KB").format(size=wording.number(max(1, round(size / 1024))))
    return _("{size} MB").format(size=current().format_decimal(size / (1024 * 1024), 1))


def _info(copy: backups.BackupFile) -> BackupInfo:
    kind = copy.kind.label
    if copy.kind is BackupKind.BEFORE_UPGRADE and copy.from_schema is not None:
        kind = _("before the upgrade from schema {version}").format(version=copy.from_schema)
    return BackupInfo(copy.path, kind, copy.taken_at, copy.size)


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """Every backup in the backup folder, newest first."""
    return [_info(c) for c in backups.list_backups(folder or paths.backup_dir())]


def _sound(copy: backups.BackupFile) -> bool:
    return copy.kind is not BackupKind.SET_ASIDE


def newest_good_backup(folder: Path | None = None) -> BackupInfo | None:
    """The newest backup (not a set-aside copy) that passes SQLite's integrity check and
    that this program can open."""
    for copy in backups.list_backups(folder or paths.backup_dir()):
        if not _sound(copy) or backups.check_file(copy.path):
            continue
        try:
            if migrations.file_version(copy.path) > migrations.SCHEMA_VERSION:
                continue
        except Exception:
            continue
        return _info(copy)
    return None


def take_backup(folder: Path | None = None, now: datetime | None = None) -> BackupInfo:
    """A regular backup of the open database now, then the older ones thinned."""
    if not is_sqlite():
        return _server_backup(folder or paths.backup_dir(), now)
    folder = folder or paths.backup_dir()
    copy = backups.copy_database(database.connection(), folder, when=now)
    removed = backups.thin(folder)
    log.info("backed up the database to %s; removed %d older backups", copy.path, len(removed))
    return _info(copy)


_NO_TOOLS = N_(
    "PostgreSQL's client tools (pg_dump, pg_restore) are not installed on this workstation, "
    "so it cannot back up the site's server. Install them (Debian/Ubuntu: apt-get install "
    "postgresql-client; Windows: the PostgreSQL installer's command line tools), or have the "
    "site's administrator back up on the server: pg_dump --format=custom showroom > "
    "showroom.dump, daily."
)


def _server_backup(folder: Path, now: datetime | None) -> BackupInfo:
    """pg_dump of the site's server database, custom format, into the backup folder."""
    try:
        path = server_backups.dump(folder, when=now)
    except server_backups.ToolsMissing as exc:
        raise BackupError(_(_NO_TOOLS)) from exc
    except server_backups.ToolFailed as exc:
        raise BackupError(_("pg_dump failed: {error}").format(error=exc)) from exc
    log.info("backed up the server's database to %s", path)
    return BackupInfo(path, _("server dump (pg_dump)"), now or datetime.now(), path.stat().st_size)


def restore_server(file: Path, folder: Path | None = None) -> Path:
    """Restore a pg_dump into the site's server database, the current one dumped aside
    first; returns where it was set aside. The connection is closed: open it again."""
    access.require(Right.RESTORE)
    try:
        return server_backups.restore(file, folder or paths.backup_dir())
    except server_backups.ToolsMissing as exc:
        raise BackupError(_(_NO_TOOLS)) from exc
    except server_backups.ToolFailed as exc:
        raise BackupError(_("pg_restore failed: {error}").format(error=exc)) from exc


def backup_due(folder: Path | None = None, now: datetime | None = None) -> bool:
    now = now or datetime.now()
    newest = next(
        (c for c in backups.list_backups(folder or paths.backup_dir()) if _sound(c)), None
    )
    return newest is None or now - newest.taken_at >= BACKUP_INTERVAL


def backup_if_due(folder: Path | None = None, now: datetime | None = None) -> BackupInfo | None:
    """At start-up: a backup when the newest is a day old or more (or there is none)."""
    if not is_sqlite() or not backup_due(folder, now):
        return None
    return take_backup(folder, now)


def resolve(name_or_path: Path | str, folder: Path | None = None) -> Path:
    """A backup named as a path, or by its file name in the backup folder."""
    path = Path(name_or_path).expanduser()
    if not path.exists():
        in_folder = (folder or paths.backup_dir()) / path.name
        if in_folder.exists():
            return in_folder
        raise BackupError(_("There is no backup {file}.").format(file=name_or_path))
    return path


def restore(
    backup: Path | str, database_path: Path | None = None, folder: Path | None = None
) -> RestoreResult:
    """Replace the database with a backup. The backup is checked first (sound, and not
    from a newer program); the current database is set aside in the backup folder; after
    the restore the database is opened again, upgraded if the backup is older. If the
    database was open it is open afterwards; if not, it is closed again."""
    folder = folder or paths.backup_dir()
    source = resolve(backup, folder)
    problems = backups.check_file(source)
    if problems:
        raise BackupError(
            _(
                "{file} fails SQLite's integrity check and was not restored; the database "
                "was left as it was. SQLite reports: {problems}"
            ).format(file=source.name, problems="; ".join(problems[:3]))
        )
    found = migrations.file_version(source)
    if found > migrations.SCHEMA_VERSION:
        raise migrations.DatabaseTooNew(found)
    if found == 0:
        raise BackupError(
            _("{file} holds no Showroom data; the database was left as it was.").format(
                file=source.name
            )
        )
    was_open = database.obj is not None and not database.is_closed()
    target = database_path or (Path(database.database) if was_open else paths.database_path())
    parsed = backups.parse_name(source)
    restored = (
        _info(parsed)
        if parsed is not None
        else BackupInfo(
            source,
            _("a copy"),
            datetime.fromtimestamp(source.stat().st_mtime),
            source.stat().st_size,
        )
    )
    if was_open:
        close()
    aside = backups.set_aside(target, folder)
    try:
        backups.restore_into(source, target)
    except Exception:
        if was_open:
            try:
                workspace.open_database(target)  # go on with the database as it was
            except Exception:
                log.exception("could not open %s again after a failed restore", target)
        raise
    # Opened (and upgraded, for an older backup) before saying it worked.
    workspace.open_database(target)
    if not was_open:
        workspace.close_database()
    log.info("restored %s into %s; the previous database is kept as %s", source, target, aside)
    return RestoreResult(restored, aside, target)


def back_up_now() -> BackupInfo:
    """File > Back up now: take_backup for a user who holds the right to back up. (The
    daily backup at start-up protects the data whoever signs in, and is not asked for.)"""
    access.require(Right.BACKUP)
    return take_backup()


def restore_chosen(backup: Path | str, database_path: Path | None = None) -> RestoreResult:
    """File > Restore from a backup: restore for a user who holds the right to restore.
    (Restoring a database that fails its check at start-up, or from the command line by
    whoever holds the file, goes through restore itself: there may be nobody to ask.)"""
    access.require(Right.RESTORE)
    return restore(backup, database_path)
