"""Showroom: start the program on the site's database, or run one of its headless commands."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__, logs, paths
from app.i18n import _, ngettext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.shell.main_window import MainWindow

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
        help=_("open the main window, process events, close and exit 0 (a start-up check)"),
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=_("sign in as this user (default: the computer's login name)"),
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
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    return args


def render_document(number: str, out: Path) -> int:
    """The headless `render` command: no window, the database opened and closed again."""
    from app.services import documents, workspace
    from app.services.errors import NotFound

    try:
        workspace.open_database()
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


def _backup_command() -> int:
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
        copy = backups.take_backup()
    finally:
        workspace.close_database()
    _say(
        _("backed up {database} to {backup} ({size})").format(
            database=paths.database_path(), backup=copy.path, size=copy.size_label
        )
    )
    return 0


def _backups_command() -> int:
    from app.services import backups

    found = backups.list_backups()
    if not found:
        _say(_("no backups in {folder}").format(folder=paths.backup_dir()))
        return 0
    for copy in found:
        print(f"{copy.taken_at:%Y-%m-%d %H:%M}  {copy.size_label:>9}  {copy.kind:<28}  {copy.path}")
    return 0


def _restore_command(file: Path) -> int:
    from app.services import backups

    result = backups.restore(file)
    _say(result.message)
    return 0


def _check_command() -> int:
    """Check the database without changing it: no upgrade, no journal mode, read only."""
    from app.services import storage, workspace

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


def _rebuild_aggregates_command() -> int:
    from app.services import dashboard, workspace

    if not paths.database_path().exists():
        _complain(_("there is no database at {path} yet").format(path=paths.database_path()))
        return 1
    workspace.open_database()
    try:
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


def run_command(args: argparse.Namespace, log_file: Path) -> int:
    """The headless commands: no window, messages on stdout and stderr, exit 1 on failure."""
    from app.services import errors, workspace
    from app.services.backups import BackupError

    try:
        if args.command == "render":
            return render_document(args.number, args.out)
        if args.command == "backup":
            return _backup_command()
        if args.command == "backups":
            return _backups_command()
        if args.command == "restore":
            return _restore_command(args.file)
        if args.command == "rebuild-aggregates":
            return _rebuild_aggregates_command()
        return _check_command()
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


def _open(args: argparse.Namespace, log_file: Path, window: MainWindow) -> int | None:
    """Open the database, sign in and fill the shown window; on a damaged file, offer the
    newest good backup. Returns None when the window is ready, else the exit code."""
    from PySide6.QtWidgets import QApplication

    from app.services import errors, workspace

    if workspace.upgrade_due():
        window.say_opening(
            _(
                "Upgrading the database {path} to this version of Showroom "
                "(a copy of it is kept first) …"
            ).format(path=paths.database_path())
        )
        QApplication.processEvents()
    for attempt in (1, 2):
        if not window.isVisible():
            return 0  # closed while it waited
        try:
            workspace.open_database()
            user = workspace.sign_in(args.user)
            if args.demo and not workspace.has_opportunities():
                from app import demo

                window.say_opening(_("Loading the demo dealership …"))
                QApplication.processEvents()
                if not window.isVisible():
                    return 0
                demo.load_demo()
            from app.services import documents, quotes

            quotes.expire_due()  # quotes past their valid-until date, since the last start
            documents.clean_leftovers()  # half-written PDFs of a render that was killed
            window.sign_in(user)
            return None
        except (workspace.DatabaseTooNew, workspace.NotShowroomDatabase) as exc:
            return _fail(str(exc), args.smoke, window)
        except LookupError as exc:
            return _fail(str(exc), args.smoke, window)
        except Exception as exc:
            problem = errors.user_problem(exc)
            if problem is None:
                log.exception("start-up failed")
                return _fail(
                    _(
                        "The database could not be opened: {error}\n\nDetails are in {log_file}."
                    ).format(error=exc, log_file=log_file),
                    args.smoke,
                    window,
                )
            log.warning("start-up failed: %s", exc)
            if problem.kind == "damaged" and attempt == 1 and not args.smoke:
                from ui.shell.startup import offer_restore

                workspace.close_database()
                if offer_restore(paths.database_path(), [str(exc)], window):
                    continue  # open the restored database
                return 1
            return _fail(f"{problem.title}.\n\n{problem.message}", args.smoke, window)
    return 1


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
    if args.command:
        return run_command(args, log_file)

    # Nearly all that start-up allocates (modules, classes, Qt's enums, the window) lives as
    # long as the program: the cyclic garbage collector waits until the window is filled,
    # then leaves those objects out of its passes (and out of the one at exit). The few
    # hundred cyclic leftovers of start-up are kept rather than collected for 8 ms.
    gc.disable()
    from PySide6.QtWidgets import QApplication

    from ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Showroom")
    app.setOrganizationName("Showroom")
    app.setApplicationVersion(__version__)
    from ui.shell.language import start_language

    # Before the first window: the language the user who starts the program chose, else
    # the system's (and Qt's own texts with it).
    start_language(args.user or getpass.getuser())

    # The window's frame is shown first and the database opened after it: the program
    # answers at once, and what goes wrong in opening is said over its window.
    window = MainWindow(None, paths.database_path())
    window.show()
    _paint_now(window)
    shown = time.perf_counter()
    if not args.smoke:
        from ui.shell import error_dialog

        error_dialog.install_excepthook(log_file)
    _network_check(args.smoke, window)
    code = _open(args, log_file, window)
    from app.services import workspace

    if code is not None:
        window.close()
        workspace.close_database()
        return code
    app.processEvents()  # the first screen of the list
    filled = time.perf_counter()
    if not window.isVisible():
        # Closed while the database was opened: the event loop has not started, so
        # closing the last window did not end the program.
        workspace.close_database()
        return 0
    gc.freeze()
    gc.enable()

    if args.smoke:
        window.close()
        app.processEvents()
        workspace.close_database()
        _say(_("started and closed cleanly on {path}").format(path=window.database_path))
        # For the start-up benchmark: when the window was shown and its list filled, on
        # the clock that perf_counter reads, which other processes read too. Read by a
        # program (benchmarks/bench_ui.py), so in the same words in every language.
        print(f"{PROG}: window shown at {shown:.6f}, list at {filled:.6f}")  # i18n: ignore
        return 0
    # The quick check and the daily backup read the whole file: beside the window, not
    # before it (a smoke run is no session, and `main.py check` does the check).
    window.start_checks()
    code = app.exec()
    workspace.close_database()
    return code


if __name__ == "__main__":
    sys.exit(main())
