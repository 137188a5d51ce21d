"""Shared fixtures: every test gets its own database and a signed-in user: a SQLite file in
tmp_path, and for the services' and the stress tests also a database of its own on a real
PostgreSQL server (tests/pg_server.py), the same test run on each backend.

Without PostgreSQL the PostgreSQL half is skipped, and the end of the run says so loudly; in
CI (CI=true) or with SHOWROOM_REQUIRE_POSTGRES=1 such a skip is a failure instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The program speaks the system's language: the tests read English whatever the machine's
# locale is (a test of another language sets its own, or starts a process with its own).
os.environ["LANGUAGE"] = "en"

import keyring
import pytest

from app import paths
from app.db import migrations
from app.services import sign_in, site_server, workspace
from tests import (
    people,  # (turns the switch to cheap password hashes for the tests)
    pg_server,
)

# The folders whose tests that use a database run on both backends.
BOTH_BACKENDS = ("tests/services/", "tests/stress/")
POSTGRESQL = "postgresql"
SQLITE = "sqlite"


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or bool(
        os.environ.get("SHOWROOM_REQUIRE_POSTGRES")
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker
    if marked("postgresql_only"):
        metafunc.parametrize("backend", [POSTGRESQL], indirect=True)
        return
    where = metafunc.definition.path.as_posix()
    if any(f"/{folder}" in where for folder in BOTH_BACKENDS) and not marked("sqlite_only"):
        metafunc.parametrize("backend", [SQLITE, POSTGRESQL], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: "sqlite" unless parametrised."""
    return str(getattr(request, "param", SQLITE))


@pytest.fixture(scope="session")
def pg(request: pytest.FixtureRequest) -> Iterator[pg_server.TestServer]:
    """The tests' PostgreSQL server, started once per session, with a template database at
    the current schema that each test's database is copied from."""
    why = pg_server.available()
    if why:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required here (CI): {why}")
        pytest.skip(f"PostgreSQL half skipped: {why}")
    server = pg_server.TestServer()
    server.start()
    template = server.create_database(f"showroom_template_{os.getpid()}")
    workspace.open_server(server.url(template))
    workspace.close_database()
    # Every test's database is copied from it, which the server refuses while anyone is
    # connected to it: from now on nobody may connect (a window or thread a test left
    # behind, polling whatever database is open, is refused instead of holding it).
    server.execute(f'ALTER DATABASE "{template}" WITH ALLOW_CONNECTIONS false')
    server.template = template  # type: ignore[attr-defined]
    copies = pg_server.Copies(server, template)
    server.copies = copies  # type: ignore[attr-defined]
    yield server
    copies.close()
    server.drop_database(template)
    server.stop()


@pytest.fixture
def pg_url(pg: pg_server.TestServer) -> Iterator[str]:
    """A database of the test's own on the server, at the current schema, not yet opened."""
    name = pg.copies.take()  # type: ignore[attr-defined]
    yield pg.url(name)
    workspace.close_database()
    pg.copies.drop(name)  # type: ignore[attr-defined]


@pytest.fixture
def credentials() -> Iterator[pg_server.MemoryKeyring]:
    """An empty credential store of the test's own in place of the computer's."""
    before = keyring.get_keyring()
    store = pg_server.MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(before)


@pytest.fixture
def no_password_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing of whoever runs the tests answers for the server: no .pgpass (the one
    returned does not exist yet), no variables."""
    pgpass = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv(site_server.PASSWORD_VARIABLE, raising=False)
    return pgpass


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL half skipped" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", "POSTGRESQL NOT TESTED", red=True, bold=True)
        # (The reason as the skip gave it: with several worker processes, the skips
        # happened in the workers, and only their reports reach this one.)
        reason = skipped[0].longrepr
        why = str(reason[2] if isinstance(reason, tuple) else reason)
        why = why.split("PostgreSQL half skipped: ", 1)[-1]
        terminalreporter.write_line(f"{len(skipped)} tests on PostgreSQL were skipped: {why}.")
        terminalreporter.write_line(
            "Only the SQLite half ran. Install PostgreSQL (Debian: apt-get install postgresql) "
            "or set SHOWROOM_TEST_POSTGRES to a server's URL to run both."
        )


@pytest.fixture(autouse=True)
def todays_date(request: pytest.FixtureRequest) -> None:
    """A test module that names today (TODAY, NOW, TOMORROW_10, ...) reads it again as each
    of its tests starts, through its read_the_clock(): a run that imported it before
    midnight and reaches it after would compare yesterday with the program's today."""
    # (tests/dashboard_data.py builds the dashboard tests' pipeline around its own today.)
    for module in (sys.modules.get("tests.dashboard_data"), getattr(request, "module", None)):
        read = getattr(module, "read_the_clock", None)
        if read is not None:
            read()


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    paths.set_data_dir(tmp_path)
    yield tmp_path
    paths.set_data_dir(None)
    sign_in.sign_out()  # nobody is signed in at the next test's start
    # A signed-in window keeps its user's screen settings open; the next test starts afresh.
    screen_settings = sys.modules.get("ui.common.user_settings")
    if screen_settings is not None:
        screen_settings._current = None  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def new_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database file as the program creates it (migrations.create_new, never opened
    since), made once: each test's database is a copy, a millisecond where creating the
    schema again took a tenth of a second. The tests of creating a file create their own."""
    path = tmp_path_factory.mktemp("new-database") / "showroom.sqlite3"
    migrations.create_new(path)
    return path


@pytest.fixture
def db(
    data_dir: Path, backend: str, new_sqlite_file: Path, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """An empty, fully migrated database with 'anna' (administrator) signed in, with her
    password, through the sign-in service: a SQLite
    file in the data folder, or (backend "postgresql") a database of the test's own on the
    tests' server; the path is then the data folder's database path all the same, where
    no file is."""
    path = data_dir / "showroom.sqlite3"
    if backend == POSTGRESQL:
        url = request.getfixturevalue("pg_url")
        workspace.open_server(url)
    else:
        shutil.copy(new_sqlite_file, path)  # (its mode too: 0600)
        workspace.open_database(path)
    people.sign_in_as("anna", "administrator")
    yield path
    workspace.close_database()


@pytest.fixture(scope="session")
def _demo_copies() -> Iterator[dict[tuple[str, str], Any]]:
    """The demo databases loaded so far in this run, by backend and arguments, each with
    the summary its loading returned: a SQLite file, or a server database nobody connects
    to (with its server, to drop it at the end)."""
    kept: dict[tuple[str, str], Any] = {}
    yield kept
    for backend, _arguments in list(kept):
        if backend == POSTGRESQL:
            (server, name), _summary = kept[(backend, _arguments)]
            with contextlib.suppress(Exception):
                server.drop_database(name)


def _copy_sqlite(source: Path, target: Path) -> None:
    """A closed SQLite database copied with its write-ahead log, if one is left."""
    for extra in ("", "-wal"):
        Path(f"{target}{extra}").unlink(missing_ok=True)
        if Path(f"{source}{extra}").exists():
            shutil.copy(f"{source}{extra}", f"{target}{extra}")
    Path(f"{target}-shm").unlink(missing_ok=True)


@pytest.fixture
def demo_data(
    db: Path,
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _demo_copies: dict[tuple[str, str], Any],
) -> Callable[..., Any]:
    """`load(**arguments)` does what `demo.load_demo(**arguments)` does to the test's
    database, with anna still signed in, and returns its summary; loading the demo takes
    seconds, so the first test to ask for these arguments loads it and keeps a copy, and
    the others get a copy of that copy (a file copied, or a server database made from it
    as from a template)."""
    from app import demo

    def load(**arguments: Any) -> Any:
        key = (backend, repr(sorted(arguments.items())))
        kept = _demo_copies.get(key)
        summary = demo.load_demo(**arguments) if kept is None else kept[1]
        workspace.close_database()
        if backend == POSTGRESQL:
            server = request.getfixturevalue("pg")
            url = request.getfixturevalue("pg_url")
            name = url.rsplit("/", 1)[1]
            if kept is None:
                copy = f"showroom_demo_{os.getpid()}_{len(_demo_copies) + 1}"
                server.create_database(copy, template=name)
                _demo_copies[key] = ((server, copy), summary)
            else:
                server.create_database(name, template=kept[0][1])
            workspace.open_server(url)
        else:
            if kept is None:
                copy_path = tmp_path_factory.mktemp("demo") / "showroom.sqlite3"
                _copy_sqlite(db, copy_path)
                _demo_copies[key] = (copy_path, summary)
            else:
                _copy_sqlite(kept[0], db)
            workspace.open_database(db)
        people.sign_in_as("anna", "administrator")
        return summary

    return load


@pytest.fixture
def small_demo(db: Path, demo_data: Callable[..., None]) -> Path:
    """The small demo dealership the dashboard's read tests share (loaded once a run)."""
    from app.demo.summary import DemoSize

    demo_data(
        seed=5,
        today=date.today(),
        size=DemoSize(vehicles=20, accounts=40, opportunities=120, leads=8, quoted=5, active=5),
    )
    return db


@pytest.fixture
def user(db: Path) -> workspace.UserInfo:
    return people.sign_in_as("anna")


@pytest.fixture(autouse=True)
def no_credentials_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-in variables of whoever runs the tests do not reach them; a test that signs
    in a command sets them itself (signed_in_commands)."""
    monkeypatch.delenv("SHOWROOM_USER", raising=False)
    monkeypatch.delenv("SHOWROOM_PASSWORD", raising=False)


@pytest.fixture
def signed_in_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless commands and smoke runs sign in as 'anna', as a scheduled task would."""
    monkeypatch.setenv("SHOWROOM_USER", "anna")
    monkeypatch.setenv("SHOWROOM_PASSWORD", people.TEST_PASSWORD)


@pytest.fixture(autouse=True)
def no_unexpected_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box nobody patched would wait for a click forever; fail the test instead,
    naming the box. Tests that expect one patch it themselves."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:
        return

    def unexpected(kind: str):  # type: ignore[no-untyped-def]
        def show(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise AssertionError(f"unexpected {kind} message box: {title!r}: {text!r}")

        return staticmethod(show)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))

    # The question about a customer's open opportunity waits for a click as well.
    from ui.common.second_sale_dialog import SecondSaleDialog

    def unexpected_second_sale(self):  # type: ignore[no-untyped-def]
        raise AssertionError(f"unexpected question: {self.windowTitle()!r}")

    monkeypatch.setattr(SecondSaleDialog, "exec", unexpected_second_sale)
    # So does the sign-in window.
    from ui.shell.sign_in_window import SignInDialog

    monkeypatch.setattr(SignInDialog, "exec", unexpected_second_sale)
