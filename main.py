"""Showroom: start the program on the site's database, or run one of its headless commands."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from app import __version__, logs, paths

log = logging.getLogger("showroom")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="showroom",
        description="Showroom: leads, opportunities, quotes and deliveries for dealership sales staff.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep the database and documents in DIR instead of the per-user folder",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="fill an empty database with the demo dealership before opening it",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window, process events, close and exit 0 (a start-up check)",
    )
    parser.add_argument(
        "--user", metavar="NAME", help="sign in as this user (default: the computer's login name)"
    )
    parser.add_argument("--version", action="version", version=f"Showroom {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    render = commands.add_parser(
        "render",
        help="render an issued quote or order form from its snapshot to a PDF file",
        description="Render an issued document (Q-00001, Q-00001-r2 for a revision, OF-00001) "
        "from the snapshot frozen when it was issued.",
    )
    render.add_argument("number", help="the document number, e.g. Q-00001 or OF-00001")
    render.add_argument("--out", type=Path, required=True, metavar="FILE", help="the PDF to write")
    return parser.parse_args(argv)


def render_document(number: str, out: Path) -> int:
    """The headless `render` command: no window, the database opened and closed again."""
    from app.services import documents, workspace
    from app.services.errors import NotFound

    try:
        workspace.open_database()
        path = documents.save_pdf(number, out)
    except (NotFound, documents.DocumentFolderError, workspace.DatabaseTooNew) as exc:
        print(f"showroom: {exc}", file=sys.stderr)
        return 1
    finally:
        workspace.close_database()
    print(f"showroom: wrote {number} to {path}")
    return 0


def _fail(message: str, smoke: bool) -> int:
    """Tell the user what went wrong: in a dialog, or on stderr for headless runs."""
    gc.enable()
    log.error(message)
    if smoke:
        print(f"showroom: {message}", file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "Showroom cannot start", message)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.data_dir is not None:
        paths.set_data_dir(args.data_dir)
    log_file = logs.configure()
    if args.command == "render":
        return render_document(args.number, args.out)

    # Nearly all that start-up allocates (modules, classes, Qt's enums, the window) lives as
    # long as the program: the cyclic garbage collector waits until the window is shown,
    # then leaves those objects out of its passes (and out of the one at exit). The few
    # hundred cyclic leftovers of start-up are kept rather than collected for 8 ms.
    gc.disable()
    from PySide6.QtWidgets import QApplication

    from app.services import workspace

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Showroom")
    app.setOrganizationName("Showroom")
    app.setApplicationVersion(__version__)

    try:
        database_path = workspace.open_database()
        user = workspace.sign_in(args.user)
        if args.demo and not workspace.has_opportunities():
            from app.services import demo

            demo.load_demo()
        from app.services import quotes

        quotes.expire_due()  # quotes past their valid-until date, since the last start
    except workspace.DatabaseTooNew as exc:
        return _fail(str(exc), args.smoke)
    except LookupError as exc:
        return _fail(str(exc), args.smoke)
    except Exception as exc:
        log.exception("start-up failed")
        return _fail(
            f"The database could not be opened: {exc}\n\nDetails are in {log_file}.", args.smoke
        )

    from ui.main_window import MainWindow

    window = MainWindow(user, database_path)
    window.show()
    gc.freeze()
    gc.enable()
    # Start-up checks that need not hold up the first screen (an integrity check, a backup
    # when the last is a day old) belong here, once the window is shown, e.g. queued with
    # QTimer.singleShot(0, ...) so the first paint comes first.
    if args.smoke:
        app.processEvents()
        window.close()
        app.processEvents()
        workspace.close_database()
        print(f"showroom: started and closed cleanly on {database_path}")
        return 0
    code = app.exec()
    workspace.close_database()
    return code


if __name__ == "__main__":
    sys.exit(main())
