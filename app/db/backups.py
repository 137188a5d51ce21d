"""Copies of the SQLite database: taken with SQLite's online backup API, checked, thinned.

A copy is never a byte copy of the live file (a write in progress, or the -wal beside it,
would make it useless): SQLite's backup API reads a consistent snapshot under a read lock.
The source is checked before (`PRAGMA integrity_check`), the copy after; a copy that fails
is deleted, so a bad copy never takes the place of a good one. Copies are self-contained
files (rollback journal, not WAL) named by kind and time, e.g. showroom-20261201-071500.sqlite3.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from app.i18n import N_, _

STAMP_FORMAT = "%Y%m%d-%H%M%S"
SUFFIX = ".sqlite3"
BUSY_TIMEOUT_S = 10.0


class BackupKind(Enum):
    # The regular copies: at start-up once a day, and on request.
    REGULAR = "showroom"
    # Taken by the migration runner before it changes the schema.
    BEFORE_UPGRADE = "before-upgrade"
    # The database as it was just before a restore replaced it (possibly damaged).
    SET_ASIDE = "set-aside"

    @property
    def label(self) -> str:
        """The kind in words, in the screen's language."""
        return _(_KIND_LABELS[self])


_KIND_LABELS = {
    BackupKind.REGULAR: N_("regular backup"),
    BackupKind.BEFORE_UPGRADE: N_("before an upgrade"),
    BackupKind.SET_ASIDE: N_("set aside before a restore"),
}

_NAME = re.compile(
    r"^(?P<kind>showroom|before-upgrade-v(?P<schema>\d+)|set-aside)"
    r"-(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.sqlite3$"
)


class BackupError(RuntimeError):
    """A backup or a restore was refused; the message says why and what was left as it was."""


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    kind: BackupKind
    taken_at: datetime
    size: int
    # For copies before an upgrade: the schema the database had.
    from_schema: int | None = None


def parse_name(path: Path) -> BackupFile | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    raw_kind = match["kind"]
    kind = (
        BackupKind.BEFORE_UPGRADE if raw_kind.startswith("before-upgrade") else BackupKind(raw_kind)
    )
    try:
        taken_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    schema = int(match["schema"]) if match["schema"] else None
    return BackupFile(path, kind, taken_at, size, schema)


def list_backups(folder: Path) -> list[BackupFile]:
    """The copies in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [b for p in folder.iterdir() if p.is_file() and (b := parse_name(p)) is not None]
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


# SQLite's primary result codes that mean the file itself is damaged: SQLITE_CORRUPT and
# SQLITE_NOTADB. Every other error (locked, busy, full, read-only, I/O, cannot open) says
# nothing about the file's content and is raised for the caller to tell as what it is.
_DAMAGE_CODES = frozenset({11, 26})


def is_damage(exc: BaseException) -> bool:
    """Whether a SQLite error says the database file is damaged (corrupt, not a database)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def integrity_problems(conn: sqlite3.Connection, quick: bool = False) -> list[str]:
    """What SQLite's own check finds wrong; empty when the database is sound. An error
    that is not damage (a lock held elsewhere, a read-only or full disk) is raised."""
    try:
        rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        return [str(exc)]
    messages = [str(r[0]) for r in rows]
    return [] if messages == ["ok"] else messages


def _reported(problems: list[str], most: int = 5) -> str:
    """The first problems SQLite reports, as it words them (in English)."""
    return "; ".join(problems[:most])


def check_file(path: Path, quick: bool = False) -> list[str]:
    """Check a database file, reading only; a file that is missing or not a database is a
    problem too. Errors that are not damage (locked, read-only, I/O) are raised."""
    if not path.is_file():
        return [_("{file} does not exist.").format(file=path)]
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as exc:
        if not is_damage(exc):
            raise
        return [str(exc)]
    try:
        return integrity_problems(conn, quick)
    finally:
        conn.close()


def _target_name(folder: Path, prefix: str, when: datetime) -> Path:
    base = f"{prefix}-{when.strftime(STAMP_FORMAT)}"
    candidate = folder / f"{base}{SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}{SUFFIX}"
        n += 1
    return candidate


def _private_file(path: Path) -> None:
    """Create `path` empty and owner-only (a copy names customers), for SQLite to fill:
    SQLite gives a file it creates the default mode, and its journal takes the file's."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _write_copy(source: sqlite3.Connection, destination: Path) -> list[str]:
    """Copy through the backup API into `destination`; return what its check finds."""
    _private_file(destination)
    target = sqlite3.connect(str(destination))
    try:
        source.backup(target)
        # The copy carries the source's WAL flag; a lone file is what a backup should be.
        target.execute("PRAGMA journal_mode=delete")
        return integrity_problems(target)
    finally:
        target.close()


def copy_database(
    source: sqlite3.Connection,
    folder: Path,
    prefix: str = BackupKind.REGULAR.value,
    when: datetime | None = None,
) -> BackupFile:
    """Check the source, copy it, check the copy, and only then give it its name."""
    problems = integrity_problems(source)
    if problems:
        raise BackupError(
            _(
                "The database fails SQLite's integrity check, so no backup was taken and the "
                "existing backups were left as they are. SQLite reports: {problems}"
            ).format(problems=_reported(problems))
        )
    _private_folder(folder)
    destination = _target_name(folder, prefix, when or datetime.now())
    partial = destination.with_name(destination.name + ".partial")
    try:
        problems = _write_copy(source, partial)
        if problems:
            raise BackupError(
                _(
                    "The backup just written fails SQLite's integrity check and was deleted. "
                    "SQLite reports: {problems}"
                ).format(problems=_reported(problems))
            )
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    copy = parse_name(destination)
    assert copy is not None
    return copy


def set_aside(database: Path, folder: Path, when: datetime | None = None) -> Path | None:
    """Keep the database as it is before a restore overwrites it, sound or not; None when
    there is no database to keep."""
    if not database.exists():
        return None
    _private_folder(folder)
    destination = _target_name(folder, BackupKind.SET_ASIDE.value, when or datetime.now())
    try:
        source = sqlite3.connect(str(database), timeout=BUSY_TIMEOUT_S)
        try:
            _write_copy(source, destination)
        finally:
            source.close()
    except sqlite3.DatabaseError:
        # SQLite cannot read it (it is not a database any more): the bytes are all there is
        # to keep, the main file and its write-ahead log.
        _private_file(destination)
        shutil.copyfile(database, destination)
        wal = database.with_name(database.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, destination.with_name(destination.name + "-wal"))
    return destination


def restore_into(backup: Path, database: Path) -> None:
    """Write the backup's content into the database file through the backup API, so other
    connections (a second workstation) see the change under SQLite's locks."""
    problems = check_file(backup)
    if problems:
        raise BackupError(
            _(
                "{file} fails SQLite's integrity check and was not restored; the database "
                "was left as it was. SQLite reports: {problems}"
            ).format(file=backup.name, problems=_reported(problems))
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            problems = _backup_into(source, database)
        except sqlite3.DatabaseError:
            # The database is too damaged for SQLite to write into (its header is gone).
            # It has been set aside; the file itself is replaced, with its -wal and -shm.
            for suffix in ("-wal", "-shm"):
                database.with_name(database.name + suffix).unlink(missing_ok=True)
            database.unlink(missing_ok=True)
            problems = _backup_into(source, database)
    finally:
        source.close()
    if problems:
        raise BackupError(
            _(
                "After restoring {file} the database fails SQLite's integrity check: {problems}"
            ).format(file=backup.name, problems=_reported(problems))
        )


def _backup_into(source: sqlite3.Connection, database: Path) -> list[str]:
    target = sqlite3.connect(str(database), timeout=BUSY_TIMEOUT_S)
    try:
        source.backup(target)
        return integrity_problems(target)
    finally:
        target.close()


def _newest_per_period(
    copies: Iterable[BackupFile], count: int, period: Callable[[datetime], Hashable]
) -> set[Path]:
    """The newest copy of each of the `count` most recent periods that have one."""
    kept: set[Path] = set()
    last: Hashable = None
    for copy in copies:  # newest first
        if len(kept) >= count:
            break
        key = period(copy.taken_at)
        if key != last:
            kept.add(copy.path)
            last = key
    return kept


def thin(
    folder: Path, daily: int = 7, weekly: int = 4, monthly: int = 12, others: int = 5
) -> list[Path]:
    """Delete the regular copies outside the last `daily` days, `weekly` weeks and `monthly`
    months (the newest of each), and all but the newest `others` of each other kind.
    Return what was deleted."""
    copies = list_backups(folder)
    regular = [c for c in copies if c.kind is BackupKind.REGULAR]
    keep = (
        _newest_per_period(regular, daily, lambda t: t.date())
        | _newest_per_period(regular, weekly, lambda t: t.isocalendar()[:2])
        | _newest_per_period(regular, monthly, lambda t: (t.year, t.month))
    )
    for kind in BackupKind:
        if kind is not BackupKind.REGULAR:
            keep |= {c.path for c in [c for c in copies if c.kind is kind][:others]}
    removed = []
    for copy in copies:
        if copy.path not in keep:
            copy.path.unlink(missing_ok=True)
            removed.append(copy.path)
    return removed
