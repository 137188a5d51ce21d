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
from app.commands import PROG, REFUSED, complain, run_command, say
from app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.workspace import UserInfo
    from ui.shell.main_window import MainWindow
    from ui.shell.sign_in_window import SignInDialog

log = logging.getLogger("showroom")


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
    what = _("import a web form's leads export (CSV) into the leads")
    leads = commands.add_parser("import-leads", parents=[common], help=what, description=what)
    leads.add_argument("file", type=Path, metavar="FILE", help=_("the CSV file"))


def _fail(message: str, smoke: bool, parent: QWidget | None = None) -> int:
    """Tell the user what went wrong: in a dialog, or on stderr for headless runs."""
    gc.enable()
    log.error(message)
    if smoke:
        complain(message)
        return 1
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, _("Showroom cannot start"), message)
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
        complain(_("warning: {warning}").format(warning=warning))
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
                say(demo_sign_in_text())
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
            complain(str(exc))
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
        say(_("showed the sign-in window and closed it"))
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
        from ui.common.workstation import chosen_server

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
    # (Named by the address alone: what connects to a server loads behind the window.)
    server = None
    if args.database:
        from app.domain.server_address import display_url

        server = display_url(args.database)
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
        # Collecting again: a caller in the same process (the tests) goes on after this.
        gc.enable()
        return code
    _paint_now(window)  # the first screen of the list
    _stamps["list"] = time.perf_counter()
    gc.freeze()
    gc.enable()

    if args.smoke:
        window.close()
        app.processEvents()
        workspace.close_database()
        say(_("started and closed cleanly on {path}").format(path=window.database_path))
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
