"""The program's files on disk: owner-only on POSIX, and a data folder it may not write
told in words (never a traceback), with the log on the terminal when its folder is shut."""

from __future__ import annotations

import errno
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import logs
from app.services import personal_data, workspace
from tests import factories, unprivileged

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")

ROOT = Path(__file__).resolve().parent.parent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _drop_log_handlers() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "showroom_log", False)]:
        root.removeHandler(handler)
        handler.close()


# The commands sign in as the administrator create-admin makes (_new_database).
SIGNED_IN = {"SHOWROOM_USER": "chef", "SHOWROOM_PASSWORD": "the files are kept owner-only"}


def _main(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        env={**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **SIGNED_IN},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_database_backups_and_log_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # the usual umask, which would give 0644 files
    try:
        assert _main(["--data-dir", str(data), "create-admin", "chef"], tmp_path).returncode == 0
        assert _main(["--data-dir", str(data), "--smoke"], tmp_path).returncode == 0
        assert _main(["--data-dir", str(data), "backup"], tmp_path).returncode == 0
    finally:
        os.umask(old)
    backup = next((data / "backups").glob("showroom-*.sqlite3"))
    for folder in (data, data / "backups", data / "logs"):
        assert _mode(folder) == 0o700, folder
    for file in (data / "showroom.sqlite3", backup, data / "logs" / "showroom.log"):
        assert _mode(file) == 0o600, file


def test_issued_pdfs_and_personal_data_exports_are_owner_only(
    db: Path, user: workspace.UserInfo, tmp_path: Path
) -> None:
    from app import paths
    from app.services import documents

    old = os.umask(0o022)
    try:
        account = factories.customer("Rossi", "Maria")
        export = personal_data.export(account, tmp_path / "exports" / "maria.json")
        temporary = documents.write_archive("Q-00001", b"%PDF-1.4 test")
        published = documents.publish(temporary)
    finally:
        os.umask(old)
    assert _mode(export) == 0o600
    assert _mode(published) == 0o600
    assert _mode(paths.documents_dir()) == 0o700


def test_a_log_that_cannot_be_written_prints_no_logging_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import paths

    paths.set_data_dir(tmp_path)
    try:
        logs.configure()
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "showroom_log", False))

        class FullDisk:
            def write(self, text: str) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            def flush(self) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

        handler.stream.close()  # type: ignore[attr-defined]
        handler.stream = FullDisk()  # type: ignore[attr-defined]
        logging.getLogger("showroom").error("backup failed: database or disk is full")
        logging.getLogger("showroom").warning("and again")
        handler.stream = None  # type: ignore[attr-defined]
    finally:
        paths.set_data_dir(None)
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err


# Listing the backups signs in, and a sign-in is written to the audit log: on a read-only
# database that is refused, in words, as every other write is.
@pytest.mark.parametrize(
    ("command", "code"), [("check", 1), ("backup", 1), ("backups", 1), ("--smoke", 1)]
)
def test_a_read_only_data_folder_is_told_in_words(tmp_path: Path, command: str, code: int) -> None:
    data = tmp_path / "data"
    # A sound database made by someone who could write there, no log folder yet.
    assert _main(["--data-dir", str(data), "create-admin", "chef"], tmp_path).returncode == 0
    assert _main(["--data-dir", str(data), "--smoke"], tmp_path).returncode == 0
    for leftover in (data / "logs").iterdir():
        leftover.unlink()
    (data / "logs").rmdir()
    unprivileged.read_only(data)
    try:
        result = unprivileged.run(
            ["main.py", "--data-dir", str(data), command], tmp_path, extra_env=SIGNED_IN
        )
    finally:
        unprivileged.writable(data)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    if code:
        assert "The database cannot be written" in result.stderr or (
            "cannot be opened" in result.stderr
        )
        assert "damaged" not in result.stderr
    # The log, which could not go to its folder, went to the terminal.
    assert "logging to the terminal instead" in result.stderr
    assert not (data / "logs").exists()
