"""A PostgreSQL server of the tests' own: a cluster made with initdb in a temporary folder,
serving only 127.0.0.1 on a free port, started once per test session and stopped at its end.

Why a cluster of our own rather than the machine's: the tests restart the server under a
running client and set it up for speed (no fsync), neither of which a developer's or a
site's server should see, and it works the same on a laptop and in CI. The server refuses to
run as root, so as root (CI) it runs as the `postgres` user, as Debian's package creates it.

`SHOWROOM_TEST_POSTGRES=postgresql://user:password@host:port/postgres` uses that server
instead (a user that may create databases), `SHOWROOM_TEST_POSTGRES=off` none (the SQLite
half only, said loudly at the end; a failure in CI). Without
PostgreSQL's programs and without that variable, `available()` says why not.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
from keyring.backend import KeyringBackend
from psycopg2 import sql

SUPERUSER = "postgres"
PASSWORD = "showroom-test"  # only ever on 127.0.0.1, for the tests' own cluster
ENV_URL = "SHOWROOM_TEST_POSTGRES"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestServer:
    """One running server; `url(name)` is a database's address on it."""

    __test__ = False  # not a test class, though pytest would collect the name

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.port = 0
        self.own = False
        self.admin_url = os.environ.get(ENV_URL, "")
        self._run_as: list[str] = []
        self._counter = 0

    # --- the cluster ----------------------------------------------------------------------

    def start(self) -> None:
        if self.admin_url:
            return
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's programs (initdb, pg_ctl) are not installed")
        self.own = True
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="showroom-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._run_as = ["runuser", "-u", "postgres", "--"]
        os.chmod(self.folder, 0o700)
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._run_as:
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        self._call(
            "initdb",
            "-D",
            str(self.folder / "data"),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        pwfile.unlink()
        self.port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        self._options = options
        self._pg_ctl("start", "-w", "-t", "60", "-o", options, "-l", str(self.folder / "log"))
        self.admin_url = self.url("postgres")

    def _call(self, program: str, *args: str) -> None:
        command = [*self._run_as, str(self.bin / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, cwd="/")
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def _pg_ctl(self, *args: str) -> None:
        assert self.folder is not None
        self._call("pg_ctl", "-D", str(self.folder / "data"), *args)

    def stop(self) -> None:
        if self.own and self.folder is not None:
            with contextlib.suppress(RuntimeError):
                self._pg_ctl("stop", "-m", "immediate", "-w")
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def restart(self, down_for: float = 0.0) -> None:
        """Stop the server (fast: every client is disconnected), wait, start it again."""
        if not self.own:
            raise RuntimeError("only the tests' own server can be restarted")
        self._pg_ctl("stop", "-m", "fast", "-w")
        time.sleep(down_for)
        self._pg_ctl("start", "-w", "-t", "60", "-o", self._options, "-l", str(self.folder / "log"))  # type: ignore[operator]

    def stop_server(self) -> None:
        self._pg_ctl("stop", "-m", "fast", "-w")

    def start_server(self) -> None:
        assert self.folder is not None
        self._pg_ctl("start", "-w", "-t", "60", "-o", self._options, "-l", str(self.folder / "log"))

    # --- databases ------------------------------------------------------------------------

    def url(self, name: str, user: str = SUPERUSER, password: str | None = PASSWORD) -> str:
        if self.own:
            auth = user if password is None else f"{user}:{quote(password, safe='')}"
            return f"postgresql://{auth}@127.0.0.1:{self.port}/{name}"
        base, _slash, _old = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    def without_password(self, url: str) -> str:
        """The database at `url` as a workstation names it: without the password."""
        return self.url(url.rsplit("/", 1)[1], password=None)

    def admin(self):  # type: ignore[no-untyped-def]
        conn = psycopg2.connect(self.admin_url)
        conn.autocommit = True
        return conn

    def create_database(self, name: str | None = None, template: str = "template0") -> str:
        """A new, empty database (UTF8 from template0, C.UTF-8), or a copy of `template`;
        returns its name."""
        if name is None:
            self._counter += 1
            name = f"showroom_test_{os.getpid()}_{self._counter}"
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                if template == "template0":
                    cur.execute(
                        sql.SQL(
                            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                        ).format(sql.Identifier(name))
                    )
                else:
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(name), sql.Identifier(template)
                        )
                    )
        finally:
            conn.close()
        return name

    def drop_database(self, name: str) -> None:
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        finally:
            conn.close()

    def execute(self, statement: str) -> None:
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
        finally:
            conn.close()


def available() -> str:
    """Empty when a server can be had; else why not, in words."""
    if os.environ.get(ENV_URL) == "off":
        return "SHOWROOM_TEST_POSTGRES=off asks for the SQLite half only"
    if os.environ.get(ENV_URL):
        return ""
    if binaries() is None:
        return (
            "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under "
            "/usr/lib/postgresql), and SHOWROOM_TEST_POSTGRES is not set"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run the server as"
    return ""


class Copies:
    """Copies of a template database made ahead, on a thread of their own: copying one
    takes the server a third of a second or more, which it spends while the test before
    runs rather than in front of the next. `take()` answers a copy's name (made now, in
    this thread, when none is ready: the server was being restarted, say); `drop()` has a
    test's copy dropped there too; `close()` stops the thread and drops what is left."""

    def __init__(self, server: TestServer, template: str, ahead: int = 2) -> None:
        self.server = server
        self.template = template
        self._ready: queue.Queue[str] = queue.Queue(maxsize=ahead)
        self._done: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._counter = itertools.count(1)
        self._thread = threading.Thread(target=self._fill, name="test databases", daemon=True)
        self._thread.start()

    def _name(self) -> str:
        return f"showroom_test_{os.getpid()}_copy{next(self._counter)}"

    def _drop_done(self) -> None:
        while True:
            try:
                name = self._done.get_nowait()
            except queue.Empty:
                return
            try:
                self.server.drop_database(name)
            except psycopg2.Error:
                self._done.put(name)  # (the server is away: dropped once it is back)
                return

    def _fill(self) -> None:
        while not self._stop.is_set():
            self._drop_done()
            try:
                name = self.server.create_database(self._name(), template=self.template)
            except (psycopg2.Error, RuntimeError):
                time.sleep(0.2)  # (the server is away for a moment: take() makes its own)
                continue
            while not self._stop.is_set():
                try:
                    self._ready.put(name, timeout=0.2)
                    break
                except queue.Full:
                    self._drop_done()
            else:
                self.server.drop_database(name)

    def take(self) -> str:
        try:
            return self._ready.get(timeout=10)
        except queue.Empty:
            return self.server.create_database(self._name(), template=self.template)

    def drop(self, name: str) -> None:
        self._done.put(name)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        for waiting in (self._done, self._ready):
            while not waiting.empty():
                with contextlib.suppress(psycopg2.Error):
                    self.server.drop_database(waiting.get_nowait())


@contextlib.contextmanager
def one_version_back(url: str, step: Callable[[Any], None], *undo: str) -> Iterator[None]:
    """A server database as it was before a schema step: opens the database at `url` for
    the test to fill (the body of the `with`), then runs `undo` (statements dropping what the
    step made), sets the schema version to the step's place (STEPS[n] brings version n + 1
    to n + 2, so the step's own index + 1, whatever the newest version is) and closes it. The
    next open upgrades it by that step and every one after."""
    # Imported here: the benchmarks use this module for the server alone.
    from app.db.connection import database
    from app.db.steps import STEPS
    from app.services import workspace

    workspace.open_server(url)
    try:
        yield
        for statement in undo:
            database.execute_sql(statement)
        database.execute_sql("UPDATE schema_version SET version = %s", (STEPS.index(step) + 1,))
    finally:
        workspace.close_database()


class MemoryKeyring(KeyringBackend):
    """A credential store that lives as long as the test: where a workstation keeps the
    server's password (the `credentials` fixture puts it in place)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)
