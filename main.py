"""Showroom: start the program on the site's database, or run one of its headless commands."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__, logs, paths
from app.i18n import _, ngettext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.domain.rights import Right
    from app.services.workspace import UserInfo
    from ui.shell.main_window import MainWindow
    from ui.shell.sign_in_window import SignInDialog

log = logging.getLogger("showroom")

# What the terminal messages start with, as Unix commands do: the program's name, not a word.
PROG = "showroom"


def parse_args(argv: list[str]) -> argparse.Namespace:
    # The options work before and after a command ("--data-dir X restore F" and
    # "restore F --data-dir X"); SUPPRESS keeps a command's defaults from hiding them.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("keep the database and documents in DIR instead of the per-user folder"),
    )
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=_(
            "open the site's PostgreSQL server instead of the local SQLite file, e.g. "
            "postgresql://anna@server.example:5432/showroom?sslmode=verify-full"
        ),
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_(
            "Showroom: leads, opportunities, quotes and deliveries for dealership sales staff."
        ),
        parents=[common],
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("fill an empty database with the demo dealership before opening it"),
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=_(
            "a start-up check: show the sign-in window, close it and exit 0; with "
            "SHOWROOM_USER and SHOWROOM_PASSWORD set, sign in and show the main window"
        ),
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=_("the login the sign-in window starts with (the password is still asked)"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Showroom {__version__}",
        help=_("show program's version number and exit"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    render = commands.add_parser(
        "render",
        parents=[common],
        help=_("render an issued quote or order form from its snapshot to a PDF file"),
        description=_(
            "Render an issued document (Q-00001, Q-00001-r2 for a revision, OF-00001) "
            "from the snapshot frozen when it was issued."
        ),
    )
    render.add_argument("number", help=_("the document number, e.g. Q-00001 or OF-00001"))
    render.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help=_("the PDF to write")
    )
    commands.add_parser(
        "backup",
        parents=[common],
        help=_("back up the database now (and thin the older backups)"),
    )
    commands.add_parser("backups", parents=[common], help=_("list the backups, newest first"))
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help=_("replace the database with a backup; the current one is kept aside first"),
    )
    restore.add_argument(
        "file", type=Path, metavar="FILE", help=_("the backup (path or file name)")
    )
    commands.add_parser(
        "check", parents=[common], help=_("check the database (integrity, schema) and exit")
    )
    commands.add_parser(
        "rebuild-aggregates",
        parents=[common],
        help=_("rebuild the dashboard's totals from the opportunities and exit"),
    )
    create_admin = commands.add_parser(
        "create-admin",
        parents=[common],
        help=_("create the first administrator of a new database"),
        description=_(
            "Create the first administrator of a database that has none. The password comes "
            "from SHOWROOM_PASSWORD, else it is asked twice on the terminal."
        ),
    )
    create_admin.add_argument("login", metavar="LOGIN", help=_("the administrator's login"))
    create_admin.add_argument(
        "--name", metavar="NAME", default="", help=_("the administrator's full name")
    )
    set_password = commands.add_parser(
        "set-password",
        parents=[common],
        help=_("set an administrator's password on a database from before passwords"),
        description=_(
            "For whoever holds the database: set the password of an administrator while no "
            "administrator has one (a database upgraded from before passwords). The password "
            "comes from SHOWROOM_PASSWORD, else it is asked twice on the terminal."
        ),
    )
    set_password.add_argument("login", metavar="LOGIN", help=_("the administrator's login"))
    move = commands.add_parser(
        "move-to-server",
        parents=[common],
        help=_("copy this workstation's database into an empty database on the site's server"),
    )
    move.add_argument("url", metavar="URL", help=_("the server's database, postgresql://…"))
    _import_parsers(commands, common)
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    if not hasattr(args, "database"):
        args.database = None
    elif not args.database.lower().startswith(("postgresql://", "postgres://")):
        parser.error(
            _("--database takes a postgresql:// URL (a local file is opened with --data-dir)")
        )
    return args


def render_document(number: str, out: Path, database: str | None = None) -> int:
    """The headless `render` command: no window, the database (the file, or the site's
    server with `database`) opened and closed again."""
    from app.domain.rights import Right
    from app.services import documents, workspace
    from app.services.errors import NotFound

    try:
        _open_for_command(database)
        refused = _authorise(Right.PRINT_DOCUMENTS)
        if refused is not None:
            return refused
        path = documents.save_pdf(number, out)
    except (
        NotFound,
        documents.DocumentFolderError,
        workspace.DatabaseTooNew,
        workspace.NotShowroomDatabase,
    ) as exc:
        _complain(str(exc))
        return 1
    finally:
        workspace.close_database()
    _say(_("wrote {number} to {path}").format(number=number, path=path))
    return 0


def _fail(message: str, smoke: bool, parent: QWidget | None = None) -> int:
    """Tell the user what went wrong: in a dialog, or on stderr for headless runs."""
    gc.enable()
    log.error(message)
    if smoke:
        _complain(message)
        return 1
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, _("Showroom cannot start"), message)
    return 1


# --- headless commands ------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"{PROG}: {message}")


def _complain(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# Refused: no credentials, a wrong password, a locked account, a missing right.
REFUSED = 2


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
        _complain(
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
        _complain(
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
        _complain(_("connecting to {url} with {source}").format(url=shown, source=source))
    else:
        _complain(
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


def _open_for_command(database: str | None) -> None:
    """Open the database a headless command works on: the site's server (a postgresql://
    URL, from --database or this workstation's choice), else the SQLite file."""
    from app.services import workspace

    if database:
        workspace.open_server(database, _server_password(database))
    else:
        workspace.open_database()


def _authorise(right: Right) -> int | None:
    """Sign in on the open database and check the right; None when allowed, else the exit
    code, the refusal said in words."""
    from app.services import access, sign_in

    given = _credentials()
    if given is None:
        return REFUSED
    try:
        user = sign_in.sign_in(*given)
    except sign_in.SignInRefused as exc:
        _complain(str(exc))
        return REFUSED
    except sign_in.NewPasswordRequired:
        _complain(
            _(
                "{login} signs in with a one-time code: start the program to choose a password "
                "first"
            ).format(login=given[0])
        )
        return REFUSED
    if not access.has_right(right):
        _complain(
            _("{user} may not do this: {reason}").format(
                user=user.username, reason=access.missing_right_message(right)
            )
        )
        return REFUSED
    return None


def _authorise_on_database(right: Right, database: str | None = None) -> int | None:
    """_authorise for a command that does not keep the database open."""
    from app.services import workspace

    if not database and not paths.database_path().exists():
        return None  # nothing to protect (and nobody to check against) yet
    _open_for_command(database)
    try:
        return _authorise(right)
    finally:
        workspace.close_database()


def _authorise_on_backup(backup: Path, right: Right) -> int | None:
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
                return _authorise(right)
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
        _complain(_("set SHOWROOM_PASSWORD, or run this command in a terminal"))
        return None
    if _ask(_("The same password again: "), secret=True) != first:
        _complain(_("the two passwords are not the same; nothing was changed"))
        return None
    return first


def _create_admin_command(login: str, name: str, database: str | None = None) -> int:
    from app.domain.validation import ValidationError
    from app.services import sign_in, workspace

    _open_for_command(database)
    try:
        if sign_in.administrator_exists():
            _complain(_("this database has an administrator already; nothing was changed"))
            return REFUSED
        password = _new_password(login)
        if password is None:
            return REFUSED
        try:
            user = sign_in.create_first_administrator(
                login, name or login.capitalize(), password, password, holder=True
            )
        except ValidationError as exc:
            _complain(str(exc))
            return REFUSED
        except sign_in.SignInRefused as exc:
            _complain(str(exc))
            return REFUSED
    finally:
        workspace.close_database()
    _say(
        _("created the administrator {login} ({name})").format(
            login=user.username, name=user.full_name
        )
    )
    return 0


def _set_password_command(login: str, database: str | None = None) -> int:
    from app.domain.validation import ValidationError
    from app.services import sign_in, workspace

    if not database and not paths.database_path().exists():
        _complain(_("there is no database at {path} yet").format(path=paths.database_path()))
        return 1
    _open_for_command(database)
    try:
        password = _new_password(login)
        if password is None:
            return REFUSED
        try:
            sign_in.set_password_as_holder(login, password)
        except (sign_in.HolderRefused, ValidationError) as exc:
            _complain(str(exc))
            return REFUSED
    finally:
        workspace.close_database()
    _say(_("set the password of {login}; they can sign in now").format(login=login))
    return 0


def _server_backup_command(url: str, restore_file: Path | None = None) -> int:
    """pg_dump of the site's server database (or pg_restore of one, the current database
    dumped aside first), for a user with the right to back up (or restore)."""
    from app.domain.rights import Right
    from app.services import backups, site_server, workspace

    workspace.open_server(url, _server_password(url))
    try:
        refused = _authorise(Right.RESTORE if restore_file is not None else Right.BACKUP)
        if refused is not None:
            return refused
        if restore_file is not None:
            aside = backups.restore_server(backups.resolve(restore_file))
            _say(
                _("restored {backup} into {url}; the database as it was is in {aside}").format(
                    backup=restore_file, url=site_server.display_url(url), aside=aside
                )
            )
            return 0
        copy = backups.take_backup()
    finally:
        workspace.close_database()
    _say(
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
    from app.services.move_to_server import MoveError, move_to_server

    path = paths.database_path()
    # Checked on a copy: the sign-in writes its audit line there, and the file being moved
    # stays byte for byte as it was.
    refused = _authorise_on_backup(path, Right.SETUP) if path.exists() else None
    if refused is not None:
        return refused
    try:
        copies = move_to_server(url, _server_password(url), path)
    except MoveError as exc:
        _complain(str(exc))
        return 1
    for copy in copies:
        _say(
            _("{table}: {rows} rows, checksum {checksum} on both sides").format(
                table=copy.table, rows=copy.rows, checksum=copy.checksum[:16]
            )
        )
    _say(
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

    if not paths.database_path().exists():
        _complain(_("there is no database at {path} yet").format(path=paths.database_path()))
        return 1
    problems = workspace.quick_check()
    if problems:
        _complain(
            _("the database fails SQLite's check; no backup was taken: {problems}").format(
                problems="; ".join(problems[:3])
            )
        )
        return 1
    workspace.open_database()
    try:
        refused = _authorise(Right.BACKUP)
        if refused is not None:
            return refused
        copy = backups.take_backup()
    finally:
        workspace.close_database()
    _say(
        _("backed up {database} to {backup} ({size})").format(
            database=paths.database_path(), backup=copy.path, size=copy.size_label
        )
    )
    return 0


def _backups_command(database: str | None = None) -> int:
    from app.domain.rights import Right
    from app.services import backups

    refused = _authorise_on_database(Right.BACKUP, database)
    if refused is not None:
        return refused
    found = backups.list_backups()
    if not found:
        _say(_("no backups in {folder}").format(folder=paths.backup_dir()))
        return 0
    for copy in found:
        print(f"{copy.taken_at:%Y-%m-%d %H:%M}  {copy.size_label:>9}  {copy.kind:<28}  {copy.path}")
    return 0


def _restore_command(file: Path) -> int:
    from app.domain.rights import Right
    from app.services import backups

    try:
        refused = _authorise_on_database(Right.RESTORE)
    except Exception as exc:
        from app.services import errors

        if errors.user_problem(exc) is None:
            raise
        # The database cannot be opened (damaged, say): the backup that takes its place
        # holds the users and passwords that decide.
        log.warning("restore: the database cannot be opened (%s); signing in on the backup", exc)
        refused = _authorise_on_backup(backups.resolve(file), Right.RESTORE)
    if refused is not None:
        return refused
    result = backups.restore(file)
    _say(result.message)
    return 0


def _check_server_command(url: str) -> int:
    """Check the server's database without changing it: it answers, and its schema."""
    from app.services import site_server, workspace

    shown = site_server.display_url(url)
    found = workspace.check_server(url, _server_password(url))
    if found.schema > workspace.SCHEMA_VERSION:
        _complain(
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
        _say(
            _(
                "{url} ({server}) answers; its database is empty, and the first start of "
                "Showroom on it creates the schema"
            ).format(url=shown, server=found.server)
        )
    elif found.schema < workspace.SCHEMA_VERSION:
        _say(
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
        _say(
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
    path = paths.database_path()
    if not path.exists():
        _complain(_("there is no database at {path} yet").format(path=path))
        return 1
    warning = storage.network_warning(path)
    if warning:
        _complain(_("warning: {warning}").format(warning=warning))
    found = workspace.schema_version(path)
    problems = workspace.quick_check()
    if problems:
        _complain(_("the database is damaged: {problems}").format(problems="; ".join(problems[:5])))
        return 1
    if found < workspace.SCHEMA_VERSION:
        _say(
            _(
                "{path} is sound; it has schema {found}, which this version of Showroom "
                "upgrades to {current} when it opens it (a copy is kept first)"
            ).format(path=path, found=found, current=workspace.SCHEMA_VERSION)
        )
        return 0
    _say(_("{path} is sound and up to date").format(path=path))
    return 0


def _rebuild_aggregates_command(database: str | None) -> int:
    """Rebuild the dashboard's maintained totals from the opportunities, as an administrator."""
    from app.domain.rights import Right
    from app.services import dashboard, workspace

    if not database and not paths.database_path().exists():
        _complain(_("there is no database at {path} yet").format(path=paths.database_path()))
        return 1
    _open_for_command(database)
    try:
        refused = _authorise(Right.SETUP)
        if refused is not None:
            return refused
        counted = dashboard.rebuild_aggregates()
    finally:
        workspace.close_database()
    _say(
        ngettext(
            "rebuilt the dashboard's totals: {count} open opportunity",
            "rebuilt the dashboard's totals: {count} open opportunities",
            counted,
        ).format(count=counted)
    )
    return 0


def _import_parsers(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    for name, what in (
        ("import-stock", _("import a DMS's stock export (CSV) into the stock")),
        ("import-catalogue", _("import a manufacturer's price list (CSV) into the catalogue")),
    ):
        command = commands.add_parser(name, parents=[common], help=what, description=what)
        command.add_argument("file", type=Path, metavar="FILE", help=_("the CSV file"))
        command.add_argument(
            "--mapping", metavar="NAME", default="", help=_("the saved column mapping to use")
        )
        command.add_argument(
            "--dry-run", action="store_true", help=_("say what an import would do; write nothing")
        )
        if name == "import-stock":
            command.add_argument(
                "--add-models",
                action="store_true",
                help=_("add the models the catalogue lacks, instead of refusing their rows"),
            )


def _import_command(args: argparse.Namespace) -> int:
    """Import a stock export or a price list: the summary and each refused row on stdout,
    exit 1 when any row was refused (the good rows are imported)."""
    from app.domain.rights import Right
    from app.services import vehicle_imports, workspace

    kind = vehicle_imports.STOCK if args.command == "import-stock" else vehicle_imports.CATALOGUE
    _open_for_command(args.database)
    try:
        refused = _authorise(Right.IMPORT_DATA)
        if refused is not None:
            return refused
        result = vehicle_imports.import_path(
            args.file,
            kind,
            args.mapping,
            dry_run=args.dry_run,
            add_models=getattr(args, "add_models", False),
        )
    except (vehicle_imports.FileRefused, LookupError) as exc:
        _complain(str(exc))
        return 1
    finally:
        workspace.close_database()
    for line in vehicle_imports.report_lines(result):
        _say(line)
    return 1 if result.refused else 0


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
        return _check_command(args.database)
    except (BackupError, workspace.DatabaseTooNew, workspace.NotShowroomDatabase) as exc:
        log.error("%s failed: %s", args.command, exc)
        _complain(str(exc))
        return 1
    except Exception as exc:
        problem = errors.user_problem(exc)
        if problem is not None:
            log.warning("%s failed: %s", args.command, exc)
            _complain(f"{problem.title}: {problem.message}")
            return 1
        log.exception("%s failed", args.command)
        _complain(
            _("{command} failed: {error}. Details are in {log_file}.").format(
                command=args.command, error=exc, log_file=log_file
            )
        )
        return 1


# --- the program ------------------------------------------------------------------------------


def _network_check(smoke: bool, parent: QWidget) -> None:
    """Warn when the database is on a network share, where SQLite's locking fails."""
    from app.services import storage

    warning = storage.network_warning(paths.database_path())
    if not warning:
        return
    log.warning(warning)
    if smoke:
        _complain(_("warning: {warning}").format(warning=warning))
    else:
        from ui.shell.startup import show_network_warning

        show_network_warning(warning, parent)


def _open(
    args: argparse.Namespace, log_file: Path, window: MainWindow, dialog: SignInDialog
) -> int | None:
    """Open the database behind the shown sign-in window, sign in and fill the window; on
    a damaged file, offer the newest good backup. Returns None when the window is ready,
    else the exit code."""
    from PySide6.QtWidgets import QApplication

    from app.services import errors, workspace

    if workspace.upgrade_due():
        upgrading = _(
            "Upgrading the database {path} to this version of Showroom "
            "(a copy of it is kept first) …"
        ).format(path=paths.database_path())
        dialog.sign_in_intro.setText(upgrading)
        QApplication.processEvents()
    for attempt in (1, 2):
        if not dialog.isVisible():
            return 0  # quit at the sign-in while it waited
        try:
            server = getattr(args, "database", None)
            if server and args.smoke:
                from app.services import site_server

                workspace.open_server(server, site_server.stored_password(server))
            elif server:
                # Without a password this workstation can use, it is asked for.
                from ui.shell.server_password import Opened, open_server_asking

                opened = open_server_asking(server, dialog)
                if opened is Opened.QUIT:
                    return 0
                if opened is Opened.LOCAL:
                    args.database = None
                    window.database_name = str(paths.database_path())
                    window.where_label.setText(window.database_name)
            else:
                workspace.open_database()
            if args.demo and not workspace.has_opportunities():
                from app import demo

                dialog.sign_in_intro.setText(_("Loading the demo dealership …"))
                QApplication.processEvents()
                if not dialog.isVisible():
                    return 0
                demo.load_demo()
                _say(demo_sign_in_text())
                if not dialog.login.text():
                    dialog.login.setText(demo.DEMO_ADMINISTRATOR[0])
            if not dialog.isVisible():
                return 0  # quit at the sign-in while it waited
            user = _sign_in(args, dialog)
            if user is None:
                return 0  # quit at the sign-in, or a smoke run that only showed it
            from app.services import documents, quotes

            quotes.expire_due()  # quotes past their valid-until date, since the last start
            documents.clean_leftovers()  # half-written PDFs of a render that was killed
            window.sign_in(user)
            window.show()
            if not args.smoke:
                window.offer_first_run()  # on a database without a dealership
            return None
        except (workspace.DatabaseTooNew, workspace.NotShowroomDatabase) as exc:
            return _fail(str(exc), args.smoke, dialog)
        except SmokeRefused as exc:
            _complain(str(exc))
            return REFUSED
        except Exception as exc:
            problem = errors.user_problem(exc)
            if problem is None:
                log.exception("start-up failed")
                return _fail(
                    _(
                        "The database could not be opened: {error}\n\nDetails are in {log_file}."
                    ).format(error=exc, log_file=log_file),
                    args.smoke,
                    dialog,
                )
            log.warning("start-up failed: %s", exc)
            if problem.kind == "damaged" and attempt == 1 and not args.smoke:
                from ui.shell.startup import offer_restore

                workspace.close_database()
                if offer_restore(paths.database_path(), [str(exc)], dialog):
                    dialog.show()  # (hidden if it had signed someone in)
                    continue  # open the restored database
                return 1
            return _fail(f"{problem.title}.\n\n{problem.message}", args.smoke, dialog)
    return 1


def demo_sign_in_text() -> str:
    from app import demo

    return _(
        "the demo users sign in with the password {password}; the administrator's login is {login}"
    ).format(password=demo.DEMO_PASSWORD, login=demo.DEMO_ADMINISTRATOR[0])


class SmokeRefused(Exception):
    """A smoke run's sign-in from SHOWROOM_USER and SHOWROOM_PASSWORD was refused."""


def _sign_in(args: argparse.Namespace, dialog: SignInDialog) -> UserInfo | None:
    """Who uses the window: the sign-in window, shown while the database opened, now asks
    for what the database calls for. While the user types, the modules of the window's
    first screen are loaded, so that once the password is accepted only the list is left to
    read. A smoke run types SHOWROOM_USER and SHOWROOM_PASSWORD into it when they are set,
    else shows it and closes it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from ui.common import user_settings
    from ui.shell.main_window import load_first_screen

    dialog.show_start()
    env_login, env_password = os.environ.get("SHOWROOM_USER"), os.environ.get("SHOWROOM_PASSWORD")
    if args.smoke and not (env_login and env_password):
        QApplication.processEvents()
        dialog.close()
        _say(_("showed the sign-in window and closed it"))
        return None
    if args.smoke:
        assert env_login and env_password
        # As for a user, whose typing takes longer than loading the first screen's modules.
        load_first_screen()
        dialog.submit(env_login, env_password)
        if dialog.user is None:
            raise SmokeRefused(dialog.refusal)
    else:
        QTimer.singleShot(0, load_first_screen)  # while the user types
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return None
    _stamps["signed in"] = time.perf_counter()
    user = dialog.user
    if user is not None and not args.smoke:
        user_settings.remember_login(user.username)
    return user


# When start-up reached its steps, on perf_counter's clock: the smoke run prints them for
# the start-up benchmark (benchmarks/bench_ui.py).
_stamps: dict[str, float] = {}


def _paint_now(window: QWidget) -> None:
    """Have the shown window painted before the work that follows holds the event loop up.
    A window manager maps a new window after a round trip, and only a mapped (exposed)
    window is painted: wait for that, a fifth of a second at most."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    handle = window.windowHandle()
    deadline = time.perf_counter() + 0.2
    while handle is not None and not handle.isExposed() and time.perf_counter() < deadline:
        time.sleep(0.005)
        QApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    from app import argparse_texts, i18n, languages

    # The terminal speaks the system's language (--help, argparse's own words, the
    # commands' messages); the window, the user's choice (start_language below).
    i18n.set_language(languages.system_language())
    argparse_texts.translate_argparse()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    paths.keep_files_private()
    if args.data_dir is not None:
        paths.set_data_dir(args.data_dir)
    log_file = logs.configure()
    if args.database is None and args.data_dir is None:
        # The site's server this workstation was told to connect to (File > Connect to the
        # site server…); --data-dir keeps meaning the local file.
        from ui.shell.site_server_dialog import chosen_server

        args.database = chosen_server() or None
    if args.command:
        return run_command(args, log_file)

    # Nearly all that start-up allocates (modules, classes, Qt's enums, the window) lives as
    # long as the program: the cyclic garbage collector waits until the window is filled,
    # then leaves those objects out of its passes (and out of the one at exit). The few
    # hundred cyclic leftovers of start-up are kept rather than collected for 8 ms.
    gc.disable()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Showroom")
    app.setOrganizationName("Showroom")
    app.setApplicationVersion(__version__)
    from ui.shell.language import start_language

    # Before the first window: the language the user who starts the program chose, else
    # the system's (and Qt's own texts with it).
    start_language(args.user or getpass.getuser())

    # The sign-in window is shown first, saying which database it opens, and the database
    # opened behind it: the program answers at once, the login and password can be typed
    # meanwhile, and what goes wrong in opening is said over it. The main window is built
    # hidden and shown once someone has signed in, with its list.
    server = None
    if args.database:
        from app.services import site_server

        server = site_server.display_url(args.database)
    from ui.common import user_settings
    from ui.shell.sign_in_window import SignInDialog

    login = args.user or os.environ.get("SHOWROOM_USER") or user_settings.last_login()
    database_name = (
        _("site server {url}").format(url=server) if server else str(paths.database_path())
    )
    dialog = SignInDialog(
        None, login, opening=_("Opening the database {path} …").format(path=database_name)
    )
    dialog.show()
    _paint_now(dialog)
    _stamps["sign-in shown"] = time.perf_counter()
    if not args.smoke:
        from ui.shell import error_dialog

        error_dialog.install_excepthook(log_file)
    if not args.database:
        _network_check(args.smoke, dialog)
    from ui.shell.main_window import MainWindow

    window = MainWindow(None, paths.database_path(), server)
    code = _open(args, log_file, window, dialog)
    from app.services import workspace

    if code is not None:
        dialog.close()
        window.close()
        workspace.close_database()
        return code
    _paint_now(window)  # the first screen of the list
    _stamps["list"] = time.perf_counter()
    gc.freeze()
    gc.enable()

    if args.smoke:
        window.close()
        app.processEvents()
        workspace.close_database()
        _say(_("started and closed cleanly on {path}").format(path=window.database_path))
        # For the start-up benchmark: when the window and the sign-in window were shown,
        # the password accepted and the list filled, on the clock that perf_counter reads,
        # which other processes read too. Read by a program (benchmarks/bench_ui.py), so in
        # the same words in every language.
        print(  # i18n: ignore
            f"{PROG}: " + ", ".join(f"{step} at {at:.6f}" for step, at in _stamps.items())
        )
        return 0
    # The quick check and the daily backup read the whole file: beside the window, not
    # before it (a smoke run is no session, and `main.py check` does the check).
    window.start_checks()
    code = app.exec()
    workspace.close_database()
    return code


if __name__ == "__main__":
    # The imports run in a child process (app/services/import_process.py); in the bundled
    # program that child starts this executable, which must hand it over at once. (Imported
    # here: the sign-in window is shown before anything else is loaded.)
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
