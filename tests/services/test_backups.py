"""Backups: taken with the online backup API, checked before and after, thinned, restored."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import backups as db_backups
from app.db import migrations
from app.db.backups import BackupError
from app.db.connection import database
from app.services import backups, workspace
from tests import factories

pytestmark = (
    pytest.mark.sqlite_only
)  # SQLite's backup API and file checks; the server's are pg_dump's


def _count(path: Path, table: str = "opportunity") -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        for offset in range(4096 * 3, size - 4096, 4096 * 5):
            file.seek(offset + 100)
            file.write(b"\xde\xad\xbe\xef" * 200)


def test_a_backup_is_a_checked_self_contained_copy(user: workspace.UserInfo, db: Path) -> None:
    factories.opportunity(user.id, topic="In the backup")
    copy = backups.take_backup()
    assert copy.path.parent == db.parent / "backups"
    assert copy.path.name.startswith("showroom-") and copy.kind == "regular backup"
    assert copy.size == copy.path.stat().st_size > 0
    assert not copy.path.with_name(copy.path.name + "-wal").exists()
    with sqlite3.connect(copy.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT topic FROM opportunity").fetchone()[0] == "In the backup"
    assert not list(copy.path.parent.glob("*.partial"))


def test_a_backup_sees_what_the_write_ahead_log_holds(user: workspace.UserInfo, db: Path) -> None:
    # The last writes may still be in showroom.sqlite3-wal: a file copy would miss them.
    for n in range(5):
        factories.opportunity(user.id, topic=f"Recent {n}")
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    copy = backups.take_backup()
    assert _count(copy.path) == 5


def test_no_backup_is_taken_of_a_database_that_fails_the_check(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sqlite3.connect(":memory:")
    source.execute("CREATE TABLE t (x)")
    folder = data_dir / "backups"
    good = db_backups.copy_database(source, folder, when=datetime(2026, 11, 1))
    monkeypatch.setattr(
        db_backups, "integrity_problems", lambda conn, quick=False: ["row 3 missing from index x"]
    )
    with pytest.raises(BackupError, match="no backup was taken"):
        db_backups.copy_database(source, folder)
    assert [b.path for b in db_backups.list_backups(folder)] == [good.path]


def test_a_copy_that_fails_its_check_is_deleted(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sqlite3.connect(":memory:")
    source.execute("CREATE TABLE t (x)")
    monkeypatch.setattr(db_backups, "_write_copy", lambda src, dest: ["page 7: btree corrupt"])
    folder = data_dir / "backups"
    with pytest.raises(BackupError, match="fails SQLite's integrity check and was deleted"):
        db_backups.copy_database(source, folder)
    assert list(folder.iterdir()) == []


def _stamp(folder: Path, when: datetime, prefix: str = "showroom") -> Path:
    path = folder / f"{prefix}-{when:%Y%m%d-%H%M%S}.sqlite3"
    path.write_bytes(b"")
    return path


def test_thinning_keeps_7_daily_4_weekly_and_12_monthly(tmp_path: Path) -> None:
    newest = datetime(2026, 12, 1, 8, 0)  # a Tuesday
    for n in range(400):
        _stamp(tmp_path, newest - timedelta(days=n))
    # Two more today, earlier: the daily rule keeps the newest of the day only.
    _stamp(tmp_path, newest.replace(hour=7))
    _stamp(tmp_path, newest.replace(hour=6))
    removed = db_backups.thin(tmp_path)
    kept = {b.taken_at.date() for b in db_backups.list_backups(tmp_path)}
    daily = {date(2026, 12, 1) - timedelta(days=n) for n in range(7)}
    weekly = {date(2026, 11, 22), date(2026, 11, 15)}  # Sundays; 29 Nov is daily already
    month_ends = [(10, 31), (9, 30), (8, 31), (7, 31), (6, 30), (5, 31), (4, 30), (3, 31)]
    monthly = {date(2026, m, d) for m, d in [*month_ends, (2, 28), (1, 31)]}
    assert kept == daily | weekly | monthly
    assert len(db_backups.list_backups(tmp_path)) == 19
    assert len(removed) == 402 - 19
    times = {b.taken_at for b in db_backups.list_backups(tmp_path)}
    assert newest in times and newest.replace(hour=7) not in times


def test_thinning_keeps_the_newest_copies_of_the_other_kinds(tmp_path: Path) -> None:
    start = datetime(2026, 1, 1)
    for n in range(8):
        _stamp(tmp_path, start + timedelta(days=n), "before-upgrade-v1")
        _stamp(tmp_path, start + timedelta(days=n), "set-aside")
    (tmp_path / "notes.txt").write_text("not a backup")
    db_backups.thin(tmp_path, others=3)
    left = db_backups.list_backups(tmp_path)
    assert sorted((b.kind.value, b.taken_at.day) for b in left) == sorted(
        [("before-upgrade", d) for d in (6, 7, 8)] + [("set-aside", d) for d in (6, 7, 8)]
    )
    assert (tmp_path / "notes.txt").exists()


def test_a_backup_is_due_once_a_day(user: workspace.UserInfo, db: Path) -> None:
    now = datetime(2026, 12, 1, 9, 0)
    assert backups.backup_due(now=now)
    first = backups.backup_if_due(now=now)
    assert first is not None
    assert backups.backup_if_due(now=now + timedelta(hours=23)) is None
    second = backups.backup_if_due(now=now + timedelta(days=1, minutes=1))
    assert second is not None and second.path != first.path
    assert [b.path for b in backups.list_backups()] == [second.path, first.path]


def test_restore_sets_the_current_database_aside_and_says_what_it_restored(
    user: workspace.UserInfo, db: Path
) -> None:
    factories.opportunity(user.id, topic="Before the backup")
    copy = backups.take_backup(now=datetime(2026, 11, 30, 18, 0))
    factories.opportunity(user.id, topic="After the backup")
    result = backups.restore(copy.path)
    assert "Nov 30, 2026, 6:00\u202fPM" in result.message and copy.name in result.message
    assert result.set_aside is not None and str(result.set_aside) in result.message
    # The program goes on with the restored data, on the same file.
    assert Path(database.database) == db
    topics = [r[0] for r in database.execute_sql("SELECT topic FROM opportunity").fetchall()]
    assert topics == ["Before the backup"]
    assert _count(result.set_aside) == 2
    assert result.set_aside.name.startswith("set-aside-")


def test_restore_headless_leaves_the_database_closed(user: workspace.UserInfo, db: Path) -> None:
    factories.opportunity(user.id)
    copy = backups.take_backup()
    factories.opportunity(user.id)
    workspace.close_database()
    result = backups.restore(copy.name)  # a file name in the backup folder is enough
    assert database.is_closed()
    assert _count(db) == 1 and result.set_aside is not None and _count(result.set_aside) == 2


def test_a_damaged_backup_is_not_restored(user: workspace.UserInfo, db: Path) -> None:
    factories.opportunity(user.id)
    for n in range(30):
        factories.opportunity(user.id, topic=f"Filler {n}", description="x" * 2000)
    copy = backups.take_backup()
    _damage(copy.path)
    before = _count(db)
    with pytest.raises(BackupError, match="integrity check"):
        backups.restore(copy.path)
    assert _count(db) == before
    assert not [b for b in backups.list_backups() if b.kind.startswith("set aside")]


def test_a_backup_from_a_newer_program_is_not_restored(user: workspace.UserInfo, db: Path) -> None:
    copy = backups.take_backup()
    with sqlite3.connect(copy.path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(migrations.DatabaseTooNew, match="newer version"):
        backups.restore(copy.path)


def test_restoring_an_older_backup_upgrades_it(data_dir: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "schema-v1.sqlite3"
    folder = data_dir / "backups"
    folder.mkdir()
    old = folder / "showroom-20260115-120000.sqlite3"
    old.write_bytes(fixture.read_bytes())
    result = backups.restore(old, data_dir / "showroom.sqlite3")
    assert result.set_aside is None  # there was no database yet
    assert migrations.file_version(data_dir / "showroom.sqlite3") == migrations.SCHEMA_VERSION
    assert _count(data_dir / "showroom.sqlite3") == 30


def test_the_newest_good_backup_skips_damaged_ones_and_set_aside_copies(
    user: workspace.UserInfo, db: Path
) -> None:
    for n in range(30):
        factories.opportunity(user.id, topic=f"Filler {n}", description="x" * 2000)
    good = backups.take_backup(now=datetime(2026, 11, 28, 9))
    bad = backups.take_backup(now=datetime(2026, 11, 29, 9))
    _damage(bad.path)
    db_backups.set_aside(db, db.parent / "backups", when=datetime(2026, 11, 30, 9))
    newest = backups.newest_good_backup()
    assert newest is not None and newest.path == good.path


def test_the_quick_check_finds_a_damaged_database(user: workspace.UserInfo, db: Path) -> None:
    for n in range(30):
        factories.opportunity(user.id, topic=f"Filler {n}", description="x" * 2000)
    workspace.close_database()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert workspace.quick_check(db) == []
    _damage(db)
    assert workspace.quick_check(db)
    assert workspace.quick_check(db.with_name("not-yet.sqlite3")) == []


def test_a_backup_s_size_is_written_as_the_screen_s_language_writes_numbers() -> None:
    from app import i18n

    assert backups.size_label(1536 * 1024) == "1.5 MB"
    assert backups.size_label(2000 * 1024) == "2.0 MB"
    i18n.set_language("de")
    try:
        assert backups.size_label(1536 * 1024) == "1,5 MB"
        assert backups.size_label(900 * 1024) == "900 KB"
    finally:
        i18n.set_language("en")
