"""Which files the program takes for its database, and that it never changes one it refuses;
and that only damage is called damage (a lock, a read-only folder are told as what they are)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

import main
from app.db import backups as db_backups
from app.db import connection, migrations
from app.db.connection import APPLICATION_ID
from app.services import errors, workspace
from tests import factories, people

pytestmark = pytest.mark.sqlite_only  # what marks a SQLite file and how one is refused

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _application_id(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def _filled(data_dir: Path) -> Path:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    user = people.sign_in_as("anna")
    factories.opportunity(user.id, topic="Kept")
    workspace.close_database()
    return path


def _foreign(path: Path) -> None:
    """Another program's SQLite file, under Showroom's file name."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipe (name) VALUES ('Tiramisu')")
    conn.commit()
    conn.close()


def test_a_new_database_carries_showroom_s_application_id(data_dir: Path) -> None:
    path = _filled(data_dir)
    assert _application_id(path) == APPLICATION_ID
    assert workspace.schema_version(path) == migrations.SCHEMA_VERSION


def test_another_program_s_sqlite_file_is_refused_byte_for_byte_untouched(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "showroom.sqlite3"
    _foreign(path)
    before = _digest(path)
    with pytest.raises(workspace.NotShowroomDatabase, match="not a Showroom database"):
        workspace.open_database(path)
    assert main.main(["--data-dir", str(data_dir), "check"]) == 1
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 1
    assert "not a Showroom database" in capsys.readouterr().err
    assert _digest(path) == before
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"recipe"}


def test_a_file_with_another_application_id_is_refused(data_dir: Path) -> None:
    path = data_dir / "showroom.sqlite3"
    _foreign(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (3)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(workspace.NotShowroomDatabase):
        workspace.open_database(path)
    assert _digest(path) == before


def test_a_newer_database_is_refused_without_its_header_changing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _filled(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    # As another program might leave it: a rollback journal, not WAL.
    conn.execute("PRAGMA journal_mode = delete")
    conn.close()
    before = _digest(path)
    with pytest.raises(workspace.DatabaseTooNew, match="has not been touched"):
        workspace.open_database(path)
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 1
    assert main.main(["--data-dir", str(data_dir), "check"]) == 1
    assert "newer version of Showroom" in capsys.readouterr().err
    assert _digest(path) == before


def test_check_reads_an_old_database_and_does_not_upgrade_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v1.sqlite3", path)
    before = _digest(path)
    assert main.main(["--data-dir", str(data_dir), "check"]) == 0
    out = capsys.readouterr().out
    assert "is sound; it has schema 1" in out
    assert _digest(path) == before
    assert migrations.file_version(path) == 1
    assert not (data_dir / "backups").exists()


@pytest.mark.parametrize("version", [1, 9, 10])
def test_an_old_database_without_the_id_is_accepted_and_stamped_on_upgrade(
    data_dir: Path, version: int
) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(FIXTURES / f"schema-v{version}.sqlite3", path)
    assert _application_id(path) == 0
    workspace.open_database(path)
    workspace.close_database()
    assert _application_id(path) == APPLICATION_ID
    assert migrations.file_version(path) == migrations.SCHEMA_VERSION


def test_a_zero_byte_file_is_refused_with_a_message_and_left_as_it_is(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data_dir / "showroom.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(workspace.NotShowroomDatabase, match="empty"):
        workspace.open_database(path)
    assert main.main(["--data-dir", str(data_dir), "--smoke"]) == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err
    assert path.read_bytes() == b""


def test_a_database_is_created_under_a_temporary_name(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data_dir / "showroom.sqlite3"
    seen: list[bool] = []
    real = migrations.create_fresh

    def interrupted(db):  # type: ignore[no-untyped-def]
        seen.append(path.exists())
        real(db)
        raise KeyboardInterrupt  # the program killed halfway through creating the file

    monkeypatch.setattr(migrations, "create_fresh", interrupted)
    with pytest.raises(KeyboardInterrupt):
        workspace.open_database(path)
    workspace.close_database()
    assert seen == [False]
    assert not path.exists()
    assert [p.name for p in data_dir.iterdir() if "showroom" in p.name] == []
    monkeypatch.undo()
    workspace.open_database(path)
    workspace.close_database()
    assert migrations.file_version(path) == migrations.SCHEMA_VERSION


# --- damage is only damage -------------------------------------------------------------------


def _held(path: Path) -> sqlite3.Connection:
    """Another program holding the database with an exclusive lock."""
    other = sqlite3.connect(path, timeout=0.1)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_locked_database_is_busy_not_damaged(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _filled(data_dir)
    monkeypatch.setattr(db_backups, "BUSY_TIMEOUT_S", 0.1)
    # (The command's first look at the file waits as long for it: the same refusal.)
    monkeypatch.setattr(connection, "READ_TIMEOUT_S", 0.1)
    other = _held(path)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            workspace.quick_check(path)
        problem = errors.user_problem(caught.value)
        assert problem is not None and problem.kind == "locked"
        assert main.main(["--data-dir", str(data_dir), "check"]) == 1
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert "The database is busy" in err
    assert "damaged" not in err


def test_a_corrupt_file_is_still_damage(data_dir: Path) -> None:
    path = _filled(data_dir)
    data = bytearray(path.read_bytes())
    data[0:16] = b"not a database!!"
    path.write_bytes(bytes(data))
    assert workspace.quick_check(path)  # reported as damage, not raised
    with pytest.raises(sqlite3.DatabaseError) as caught:
        workspace.open_database(path)
    workspace.close_database()
    problem = errors.user_problem(caught.value)
    assert problem is not None and problem.kind == "damaged"
