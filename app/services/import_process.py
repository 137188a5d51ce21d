"""Running an import in a process of its own: the window's process only waits on a pipe,
so the import's Python never holds the window back, however busy the workstation is.
Progress and the outcome come back over a queue; Cancel sets an event the import looks at
after each batch, and the import's transaction rolls back."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import i18n
from app.db import models as m
from app.db import stock_import as db
from app.domain.csv_text import FileFormat, FileRefused
from app.domain.rights import Right
from app.i18n import _
from app.services import access, errors, vehicle_imports, workspace
from app.services.vehicle_imports import ImportCancelled, ImportResult

# A child started afresh, never forked: the window's process has threads (Qt's) that a fork
# would copy in whatever state they were.
_CONTEXT = multiprocessing.get_context("spawn")


def run_import(
    path: Path,
    kind: str,
    mapping: dict[str, int],
    fmt: FileFormat,
    dry_run: bool,
    add_models: bool,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> ImportResult:
    """vehicle_imports.run_import on the file at `path`, in a child process on the same
    database as the same user; in this process when the database is not a file (a
    server). Raises what run_import raises: ImportCancelled, FileRefused, NotAllowed."""
    access.require(Right.IMPORT_DATA)
    database = db.database_file()
    if database is None:
        imported = vehicle_imports.read_file(path, kind, fmt.encoding, fmt.separator)
        return vehicle_imports.run_import(
            imported, mapping, fmt, dry_run, add_models, progress, cancelled
        )
    messages: Any = _CONTEXT.Queue()
    stop = _CONTEXT.Event()
    child = _CONTEXT.Process(
        target=_child,
        args=(
            database,
            m.acting_user(),
            i18n.language(),
            str(path),
            kind,
            mapping,
            fmt,
            dry_run,
            add_models,
            messages,
            stop,
        ),
        name="showroom import",
        daemon=True,
    )
    child.start()
    try:
        while True:
            if cancelled():
                stop.set()
            try:
                message = messages.get(timeout=0.1)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        _("The import stopped unexpectedly (exit code {code}).").format(
                            code=child.exitcode
                        )
                    ) from None
                continue
            what = message[0]
            if what == "progress":
                progress(message[1], message[2])
            elif what == "done":
                return message[1]  # type: ignore[no-any-return]
            elif what == "cancelled":
                raise ImportCancelled
            elif what == "refused":
                raise FileRefused(message[1])
            else:
                raise RuntimeError(message[1])
    finally:
        stop.set()
        child.join(30)
        if child.is_alive():
            child.kill()
            child.join()


def _child(
    database: str,
    user_id: int | None,
    language: str,
    path: str,
    kind: str,
    mapping: dict[str, int],
    fmt: FileFormat,
    dry_run: bool,
    add_models: bool,
    messages: Any,
    stop: Any,
) -> None:
    i18n.set_language(language)
    try:
        workspace.open_database(Path(database))
        m.set_acting_user(user_id)
        imported = vehicle_imports.read_file(Path(path), kind, fmt.encoding, fmt.separator)
        result = vehicle_imports.run_import(
            imported,
            mapping,
            fmt,
            dry_run,
            add_models,
            lambda done, total: messages.put(("progress", done, total)),
            stop.is_set,
        )
    except ImportCancelled:
        messages.put(("cancelled",))
    except (FileRefused, LookupError) as exc:
        messages.put(("refused", str(exc)))
    except Exception as exc:
        problem = errors.user_problem(exc)
        messages.put(("failed", f"{problem.title}: {problem.message}" if problem else str(exc)))
    else:
        messages.put(("done", result))
    finally:
        workspace.close_database()
