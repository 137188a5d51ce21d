"""Showroom's headless commands (backup, restore, render, check, imports, create-admin, …):
no window, messages on stdout and stderr, exit 1 on failure, 2 when refused."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app import paths
from app.i18n import _, ngettext

if TYPE_CHECKING:
    from app.domain.rights import Right

log = logging.getLogger("showroom")

# What the terminal messages start with, as Unix commands do: the program's name, not a word.
PROG = "showroom"


def say(message: str) -> None:
    print(f"{PROG}: {message}")


def complain(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# Refused: no credentials, a wrong password, a locked account, a missing right.
REFUSED = 2


class _Refused(Exception):
    """A command refused, the reason already said on stderr: it ends with exit code 2."""


def _ask(prompt: str, secret: bool) -> str | None:
    """A line from the terminal (None when there is none: a scheduled task, a pipe)."""
    if not sys.stdin or not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(prompt) if secret else input(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def _credentials() -> tuple[str, str] | None:
    """The login and password of whoever runs a command: SHOWROOM_USER and
    SHOWROOM_PASSWORD (scheduled tasks), else asked on the terminal."""
    login = os.environ.get("SHOWROOM_USER") or _ask(_("Showroom login: "), secret=False)
    if not login:
        complain(
            _(
                "this command needs a user: set SHOWROOM_USER and SHOWROOM_PASSWORD, or run "
                "it in a terminal"
            )
        )
        return None
    password = os.environ.get("SHOWROOM_PASSWORD")
    if password is None:
        password = _ask(_("Password for {login}: ").format(login=login), secret=True)
    if not password:
        complain(
            _(
                "this command needs {login}'s password: set SHOWROOM_PASSWORD, or run it in "
                "a terminal"
            ).format(login=login)
        )
        return None
    return login.strip(), password


def _server_password(url: str) -> str | None:
    """The password a headless command opens the site's server with: the one kept in the
    credential store, else SHOWROOM_DATABASE_PASSWORD, else the user's .pgpass (libpq
    reads it), else asked on the terminal. Says on stderr which it uses."""
    from app.services import site_server

    shown = site_server.display_url(url)
    password, source = site_server.password_source(url)
    if not source:
        password = _ask(_("Password for the site server {url}: ").format(url=shown), secret=True)
        source = _("the password typed on the terminal") if password else ""
    if source:
        complain(_("connecting to {url} with {source}").format(url=shown, source=source))
    else:
        complain(
            _(
                "no password for {url}: keep one with File > Connect to the site server…, "
                "set {variable}, put a line for it in {file}, or run the command in a "
                "terminal"
            ).format(
                url=shown,
                variable=site_server.PASSWORD_VARIABLE,
                file=site_server.pgpass_file(),
            )
        )
    return password


def _no_file_yet(database: str | None) -> bool:
    """Whether the command works on the SQLite file and there is none yet (said on stderr)."""
    if database or paths.database_path().exists():
        return False
    complain(_("there is no database at {path} yet").format(path=paths.database_path()))
    return True


@contextmanager
def _opened(database: str | None) -> Iterator[None]:
    """The database a headless command works on, open for the block and closed after it:
    the site's server (a postgresql:// URL, from --database or this workstation's choice),
    else the SQLite file."""
    from app.services import workspace

    try:
        if database:
            workspace.open_server(database, _server_password(database))
        else:
            workspace.open_database()
        yield
    finally:
        workspace.close_database()


@contextmanager
def _signed_in(right: Right, database: str | None = None) -> Iterator[None]:
    """The database open for the block, with whoever runs the command signed in on it and
    holding the right; else _Refused, the refusal said in words."""
    with _opened(database):
        _authorise(right)
        yield


def _authorise(right: Right) -> None:
    """Sign in on the open database and check the right; _Refused, the refusal said in
    words, when not allowed."""
    from app.services import access, sign_in

    given = _credentials()
    if given is None:
        raise _Refused
    try:
        user = sign_in.sign_in(*given)
    except sign_in.SignInRefused as exc:
        complain(str(exc))
        raise _Refused from exc
    except sign_in.NewPasswordRequired as exc:
        complain(
            _(
                "{login} signs in with a one-time code: start the program to choose a password "
                "first"
            ).format(login=given[0])
        )
        raise _Refused from exc
    if not access.has_right(right):
        complain(
            _("{user} may not do this: {reason}").format(
                user=user.username, reason=access.missing_right_message(right)
            )
        )
        raise _Refused


def _authorise_on_database(right: Right, database: str | None = None) -> None:
    """_authorise for a command that does not keep the database open."""
    if not database and not paths.database_path().exists():
        return  # nothing to protect (and nobody to check against) yet
    with _signed_in(right, database):
        pass


def _authorise_on_backup(backup: Path, right: Right) -> None:
    """_authorise against a copy of a backup (opened, and upgraded if older, in a folder of
    its own that is removed afterwards)."""
    import shutil
    import tempfile

    from app.services import workspace

    real = paths.data_dir()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "showroom.sqlite3"
        shutil.copyfile(backup, copy)
        paths.set_data_dir(Path(folder))
        try:
            workspace.open_database(copy)
            try:
                _authorise(right)
            finally:
                workspace.close_database()
        finally:
            paths.set_data_dir(real)


def _new_password(login: str) -> str | None:
    """A new password: SHOWROOM_PASSWORD, else asked twice on the terminal."""
    password = os.environ.get("SHOWROOM_PASSWORD")
    if password is not None:
        return password
    first = _ask(_("New password for {login}: ").format(login=login), secret=True)
    if first is None:
        complain(_("set SHOWROOM_PASSWORD, or run this command in a terminal"))
        return None
    if _ask(_("The same password again: "), secret=True) != first:
        complain(_("the two passwords are not the same; nothing was changed"))
        return None
    return first


def _create_admin_command(login: str, name: str, database: str | None = None) -> int:
    from app.domain.validation import ValidationError
    from app.services import sign_in

    with _opened(database):
        if sign_in.administrator_exists():
            complain(_("this database has an administrator already; nothing was changed"))
            return REFUSED
        password = _new_password(login)
        if password is None:
            return REFUSED
        try:
            user = sign_in.create_first_administrator(
                login, name or login.capitalize(), password, password, holder=True
            )
        except (ValidationError, sign_in.SignInRefused) as exc:
            complain(str(exc))
            return REFUSED
    say(
        _("created the administrator {login} ({name})").format(
            login=user.username, name=user.full_name
        )
    )
    return 0


def _set_password_command(login: str, database: str | None = None) -> int:
    from app.domain.validation import ValidationError
    from app.services import sign_in

    if _no_file_yet(database):
        return 1
    with _opened(database):
        password = _new_password(login)
        if password is None:
            return REFUSED
        try:
            sign_in.set_password_as_holder(login, password)
        except (sign_in.HolderRefused, ValidationError) as exc:
            complain(str(exc))
            return REFUSED
    say(_("set the password of {login}; they can sign in now").format(login=login))
    return 0


def _server_backup_command(url: str, restore_file: Path | None = None) -> int:
    """pg_dump of the site's server database (or pg_restore of one, the current database
    dumped aside first), for a user with the right to back up (or restore)."""
    from app.domain.rights import Right
    from app.services import backups, site_server

    with _signed_in(Right.RESTORE if restore_file is not None else Right.BACKUP, url):
        if restore_file is not None:
            aside = backups.restore_server(backups.resolve(restore_file))
            say(
                _("restored {backup} into {url}; the database as it was is in {aside}").format(
                    backup=restore_file, url=site_server.display_url(url), aside=aside
                )
            )
            return 0
        copy = backups.take_backup()
    say(
        _("backed up {database} to {backup} ({size})").format(
            database=site_server.display_url(url), backup=copy.path, size=copy.size_label
        )
    )
    return 0


def _move_command(url: str) -> int:
    """Copy the SQLite database into an empty one on the server, checked table by table;
    for an administrator of the workstation's database."""
    from app.domain.rights import Right
    from app.services import site_server
    from app.services.move_to_server import MoveError, move_to_server, step_text

    path = paths.database_path()
    # Checked on a copy: the sign-in writes its audit line there, and the file being moved
    # stays byte for byte as it was.
    if path.exists():
        _authorise_on_backup(path, Right.SETUP)

    def progress(step: str) -> None:
        # Said as each table is copied and each later step starts: a large site's move
        # takes minutes.
        say(step_text(step) or _("{table} copied").format(table=step))

    try:
        copies = move_to_server(url, _server_password(url), path, progress)
    except MoveError as exc:
        complain(str(exc))
        return 1
    for copy in copies:
        say(
            _("{table}: {rows} rows, checksum {checksum} on both sides").format(
                table=copy.table, rows=copy.rows, checksum=copy.checksum[:16]
            )
        )
    say(
        _(
            "Moved {path} to {url}; the file is as it was. Next: start Showroom on every "
            "workstation with --database {url} (or File > Connect to the site server…), and "
            "keep the file as the last copy from before the move."
        ).format(path=path, url=site_server.display_url(url))
    )
    return 0


def _backup_command() -> int:
    from app.domain.rights import Right
    from app.services import backups, workspace

    if _no_file_yet(None):
        return 1
    problems = workspace.quick_check()
    if problems:
        complain(
            _("the database fails SQLite's check; no backup was taken: {problems}").format(
                problems="; ".join(problems[:3])
            )
        )
        return 1
    with _signed_in(Right.BACKUP):
        copy = backups.take_backup()
    say(
        _("backed up {database} to {backup} ({size})").format(
            database=paths.database_path(), backup=copy.path, size=copy.size_label
        )
    )
    return 0


def _backups_command(database: str | None = None) -> int:
    from app.domain import reading
    from app.domain.rights import Right
    from app.services import backups

    _authorise_on_database(Right.BACKUP, database)
    found = backups.list_backups()
    if not found:
        say(_("no backups in {folder}").format(folder=paths.backup_dir()))
        return 0
    # When each was taken as the screen writes a moment ("07.12.2026, 17:00" in German),
    # the columns as wide as their widest entry.
    rows = [(reading.format_moment(c.taken_at), c.size_label, c.kind, str(c.path)) for c in found]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for taken, size, kind, path in rows:
        print(f"{taken:<{widths[0]}}  {size:>{widths[1]}}  {kind:<{widths[2]}}  {path}")
    return 0


def _restore_command(file: Path) -> int:
    from app.domain.rights import Right
    from app.services import backups

    try:
        _authorise_on_database(Right.RESTORE)
    except _Refused:
        raise
    except Exception as exc:
        from app.services import errors

        if errors.user_problem(exc) is None:
            raise
        # The database cannot be opened (damaged, say): the backup that takes its place
        # holds the users and passwords that decide.
        log.warning("restore: the database cannot be opened (%s); signing in on the backup", exc)
        _authorise_on_backup(backups.resolve(file), Right.RESTORE)
    result = backups.restore(file)
    say(result.message)
    return 0


def _check_server_command(url: str) -> int:
    """Check the server's database without changing it: it answers, and its schema."""
    from app.services import site_server, workspace

    shown = site_server.display_url(url)
    found = workspace.check_server(url, _server_password(url))
    if found.schema > workspace.SCHEMA_VERSION:
        complain(
            _(
                "{url} ({server}) has schema {found}, written by a newer version of "
                "Showroom than this one (schema {current}); this version does not open it"
            ).format(
                url=shown,
                server=found.server,
                found=found.schema,
                current=workspace.SCHEMA_VERSION,
            )
        )
        return 1
    if found.schema == 0:
        say(
            _(
                "{url} ({server}) answers; its database is empty, and the first start of "
                "Showroom on it creates the schema"
            ).format(url=shown, server=found.server)
        )
    elif found.schema < workspace.SCHEMA_VERSION:
        say(
            _(
                "{url} ({server}) answers; it has schema {found}, which this version of "
                "Showroom upgrades to {current} when it opens it"
            ).format(
                url=shown,
                server=found.server,
                found=found.schema,
                current=workspace.SCHEMA_VERSION,
            )
        )
    else:
        say(
            _("{url} ({server}) answers and its database is up to date").format(
                url=shown, server=found.server
            )
        )
    return 0


def _check_command(database: str | None = None) -> int:
    """Check the database without changing it: no upgrade, no journal mode, read only."""
    from app.services import storage, workspace

    if database:
        return _check_server_command(database)
    if _no_file_yet(None):
        return 1
    path = paths.database_path()
    warning = storage.network_warning(path)
    if warning:
        complain(_("warning: {warning}").format(warning=warning))
    found = workspace.schema_version(path)
    problems = workspace.quick_check()
    if problems:
        complain(_("the database is damaged: {problems}").format(problems="; ".join(problems[:5])))
        return 1
    if found < workspace.SCHEMA_VERSION:
        say(
            _(
                "{path} is sound; it has schema {found}, which this version of Showroom "
                "upgrades to {current} when it opens it (a copy is kept first)"
            ).format(path=path, found=found, current=workspace.SCHEMA_VERSION)
        )
        return 0
    say(_("{path} is sound and up to date").format(path=path))
    return 0


def _rebuild_aggregates_command(database: str | None) -> int:
    """Rebuild the dashboard's maintained totals from the opportunities, as an administrator."""
    from app.domain.rights import Right
    from app.services import dashboard

    if _no_file_yet(database):
        return 1
    with _signed_in(Right.SETUP, database):
        counted = dashboard.rebuild_aggregates()
    say(
        ngettext(
            "rebuilt the dashboard's totals: {count} open opportunity",
            "rebuilt the dashboard's totals: {count} open opportunities",
            counted,
        ).format(count=counted)
    )
    return 0


def render_document(number: str, out: Path, database: str | None = None) -> int:
    """The headless `render` command: no window, the database (the file, or the site's
    server with `database`) opened and closed again."""
    from app.domain.rights import Right
    from app.services import documents, workspace
    from app.services.errors import NotFound

    try:
        with _signed_in(Right.PRINT_DOCUMENTS, database):
            path = documents.save_pdf(number, out)
    except _Refused:
        return REFUSED
    except (
        NotFound,
        documents.DocumentFolderError,
        workspace.DatabaseTooNew,
        workspace.NotShowroomDatabase,
    ) as exc:
        complain(str(exc))
        return 1
    say(_("wrote {number} to {path}").format(number=number, path=path))
    return 0


def _import_command(args: argparse.Namespace) -> int:
    """Import a stock export or a price list: the summary and each refused row on stdout,
    exit 1 when any row was refused (the good rows are imported)."""
    from app.domain.rights import Right
    from app.services import vehicle_imports

    kind = vehicle_imports.STOCK if args.command == "import-stock" else vehicle_imports.CATALOGUE
    with _signed_in(Right.IMPORT_DATA, args.database):
        try:
            result = vehicle_imports.import_path(
                args.file,
                kind,
                args.mapping,
                dry_run=args.dry_run,
                add_models=getattr(args, "add_models", False),
            )
        except (vehicle_imports.FileRefused, LookupError) as exc:
            complain(str(exc))
            return 1
    for line in vehicle_imports.report_lines(result):
        say(line)
    return 1 if result.refused else 0


def _lead_import_command(args: argparse.Namespace) -> int:
    """Import a web form's leads export, as the window's import does: the summary and each
    refused row on stdout, exit 1 when any row was refused (the good rows are imported)."""
    from app.domain.rights import Right
    from app.services import lead_import

    with _signed_in(Right.IMPORT_DATA, args.database):
        try:
            report = lead_import.import_csv(args.file)
        except lead_import.ImportRefused as exc:
            complain(str(exc))
            return 1
        except OSError as exc:
            complain(
                _("{path} cannot be read ({reason}); nothing was imported.").format(
                    path=args.file, reason=exc.strerror or exc
                )
            )
            return 1
    say(report.summary)
    for line, why in report.errors:
        say(_("line {line}: refused: {reason}").format(line=line, reason=why))
    return 1 if report.errors else 0


def run_command(args: argparse.Namespace, log_file: Path) -> int:
    """The headless commands: no window, messages on stdout and stderr, exit 1 on failure,
    2 when refused (no user, a wrong password, a locked account, a missing right)."""
    from app.services import errors, workspace
    from app.services.backups import BackupError

    try:
        if args.command == "render":
            return render_document(args.number, args.out, args.database)
        if args.command == "backup":
            if args.database:
                return _server_backup_command(args.database)
            return _backup_command()
        if args.command == "backups":
            return _backups_command(args.database)
        if args.command == "restore":
            if args.database:
                return _server_backup_command(args.database, args.file)
            return _restore_command(args.file)
        if args.command == "rebuild-aggregates":
            return _rebuild_aggregates_command(args.database)
        if args.command == "move-to-server":
            return _move_command(args.url)
        if args.command == "create-admin":
            return _create_admin_command(args.login, args.name, args.database)
        if args.command == "set-password":
            return _set_password_command(args.login, args.database)
        if args.command in ("import-stock", "import-catalogue"):
            return _import_command(args)
        if args.command == "import-leads":
            return _lead_import_command(args)
        return _check_command(args.database)
    except _Refused:
        return REFUSED
    except (BackupError, workspace.DatabaseTooNew, workspace.NotShowroomDatabase) as exc:
        log.error("%s failed: %s", args.command, exc)
        complain(str(exc))
        return 1
    except Exception as exc:
        problem = errors.user_problem(exc)
        if problem is not None:
            log.warning("%s failed: %s", args.command, exc)
            complain(f"{problem.title}: {problem.message}")
            return 1
        log.exception("%s failed", args.command)
        complain(
            _("{command} failed: {error}. Details are in {log_file}.").format(
                command=args.command, error=exc, log_file=log_file
            )
        )
        return 1
