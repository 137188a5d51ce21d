"""A database on a network share is noticed; database and file errors are sorted into the
ones a user can act on and the rest."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import peewee
import pytest

from app.services import errors, storage

MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
/dev/nvme0n1p3 /home ext4 rw,relatime 0 0
//nas/sales /mnt/sales cifs rw,vers=3.0 0 0
nas:/export/showroom /srv/showroom nfs4 rw,hard 0 0
/dev/sdb1 /mnt/sales/local\\040disk ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/anna/.local/share/Showroom/showroom.sqlite3", None),
        ("/mnt/sales/showroom.sqlite3", "cifs at /mnt/sales"),
        ("/srv/showroom/data/showroom.sqlite3", "nfs4 at /srv/showroom"),
        ("/mnt/sales/local disk/showroom.sqlite3", None),  # the longer, local mount wins
        ("/mnt/salesroom/showroom.sqlite3", None),  # a prefix of the name is not inside it
    ],
)
def test_network_mounts_are_recognised_from_proc_mounts(path: str, expected: str | None) -> None:
    assert storage.network_location(Path(path), MOUNTS, "linux") == expected


@pytest.mark.parametrize(
    "path", [r"\\server\share\Showroom\showroom.sqlite3", "//server/share/showroom.sqlite3"]
)
def test_unc_paths_are_network_shares(path: str) -> None:
    assert storage.network_location(Path(path), "", "win32") == "\\\\server\\share"


def test_the_warning_explains_the_risk_and_names_the_server_option() -> None:
    text = storage.network_warning(Path("/mnt/sales/showroom.sqlite3"), MOUNTS, "linux")
    assert text is not None
    assert "locking" in text and "PostgreSQL" in text and "/mnt/sales" in text
    assert storage.network_warning(Path("/home/a/showroom.sqlite3"), MOUNTS, "linux") is None


def test_the_local_disk_of_this_machine_is_not_a_share(tmp_path: Path) -> None:
    assert storage.network_warning(tmp_path / "showroom.sqlite3") is None


def _peewee(message: str) -> peewee.OperationalError:
    return peewee.OperationalError(sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (_peewee("database or disk is full"), "disk_full"),
        (_peewee("attempt to write a readonly database"), "read_only"),
        (_peewee("database is locked"), "locked"),
        (sqlite3.OperationalError("database table is locked"), "locked"),
        (_peewee("unable to open database file"), "cannot_open"),
        (
            peewee.DatabaseError(sqlite3.DatabaseError("database disk image is malformed")),
            "damaged",
        ),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (_peewee("disk I/O error"), "io"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (PermissionError(errno.EACCES, "Permission denied"), "read_only"),
        (OSError(errno.EROFS, "Read-only file system"), "read_only"),
    ],
)
def test_errors_the_user_can_act_on_are_put_in_words(exc: BaseException, kind: str) -> None:
    problem = errors.user_problem(exc)
    assert problem is not None and problem.kind == kind
    assert len(problem.message) > 60 and problem.title


def test_a_problem_is_found_behind_the_exception_that_wraps_it() -> None:
    try:
        try:
            raise _peewee("database is locked")
        except peewee.OperationalError as inner:
            raise RuntimeError("saving the opportunity failed") from inner
    except RuntimeError as outer:
        problem = errors.user_problem(outer)
    assert problem is not None and problem.kind == "locked"


def test_a_real_full_disk_is_recognised_by_its_sqlite_code(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "small.sqlite3")
    conn.execute("CREATE TABLE t (x)")
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {page_count + 1}")
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    problem = errors.user_problem(caught.value)
    assert problem is not None and problem.kind == "disk_full"


def test_a_real_read_only_database_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    problem = errors.user_problem(caught.value)
    assert problem is not None and problem.kind == "read_only"


@pytest.mark.parametrize(
    "exc",
    [
        _peewee("no such column: opportunity.paint"),
        peewee.IntegrityError(sqlite3.IntegrityError("UNIQUE constraint failed: vehicle.vin")),
        KeyError("topic"),
        ZeroDivisionError("division by zero"),
        OSError(errno.ENOENT, "No such file"),
    ],
)
def test_everything_else_is_a_bug_to_log(exc: BaseException) -> None:
    assert errors.user_problem(exc) is None


def test_a_real_lock_held_too_long_is_put_as_the_database_being_busy(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0.05)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("INSERT INTO t VALUES (1)")
    holder.execute("ROLLBACK")
    problem = errors.user_problem(caught.value)
    assert problem is not None and problem.kind == "locked"
    assert "Wait a moment" in problem.message
