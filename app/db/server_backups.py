"""Backups of a database on the site's server: pg_dump's custom format when PostgreSQL's
client tools are installed on the workstation, pg_restore into the same database after the
current one is dumped aside. Without the tools the caller is told how the site's
administrator backs up instead."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from psycopg2.extensions import make_dsn

from app.db.connection import database

SUFFIX = ".dump"


class ToolsMissing(RuntimeError):
    """pg_dump or pg_restore is not installed on this workstation."""


class ToolFailed(RuntimeError):
    pass


def tool(name: str) -> str | None:
    """Where pg_dump or pg_restore is: on PATH, else Debian's or the Windows installer's
    folder (the newest version)."""
    found = shutil.which(name)
    if found:
        return found
    patterns = [
        f"/usr/lib/postgresql/*/bin/{name}",
        f"C:/Program Files/PostgreSQL/*/bin/{name}.exe",
    ]
    candidates = sorted((p for pattern in patterns for p in glob.glob(pattern)), reverse=True)
    return candidates[0] if candidates else None


def _conninfo() -> tuple[str, dict[str, str]]:
    """The open server database's connection string (no password in it) and the
    environment that gives the password to the tool (PGPASSWORD), not its command line."""
    db = database.obj
    params = {k: v for k, v in db.connect_params.items() if v is not None}
    password = params.pop("password", None)
    params.pop("keepalives", None)
    for key in ("keepalives_idle", "keepalives_interval", "keepalives_count"):
        params.pop(key, None)
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = str(password)
    return make_dsn(dbname=db.database, **{k: str(v) for k, v in params.items()}), env


def _run(name: str, *args: str) -> None:
    program = tool(name)
    if program is None:
        raise ToolsMissing(name)
    conninfo, env = _conninfo()
    result = subprocess.run(
        [program, *args, f"--dbname={conninfo}"], capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        raise ToolFailed(result.stderr.strip() or str(result.returncode))  # i18n: ignore


def dump(folder: Path, prefix: str = "showroom", when: datetime | None = None) -> Path:
    """pg_dump of the open server database into `folder` (custom format); the path."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{prefix}-{stamp}{SUFFIX}"
    part = path.with_name(path.name + ".part")
    _run("pg_dump", "--format=custom", "--no-owner", f"--file={part}")
    part.replace(path)
    return path


def restore(file: Path, folder: Path) -> Path:
    """Dump the current database aside, then restore `file` into it (pg_restore --clean,
    one transaction: a restore that fails leaves the database as it was). Returns the
    set-aside dump."""
    if tool("pg_restore") is None or tool("pg_dump") is None:
        raise ToolsMissing("pg_restore")
    aside = dump(folder, prefix="set-aside")
    database.close()  # the restore replaces the tables the program's connection reads
    _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(file))
    return aside
