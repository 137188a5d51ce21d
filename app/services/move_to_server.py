"""Moving a workstation's data to the site's server: its SQLite database copied into an
empty database on the server, checked table by table, the file left as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app import paths
from app.db import move
from app.db.connection import connect_postgres
from app.db.move import DASHBOARD_STEP, SEARCH_STEP, STATISTICS_STEP, TableCopy, table_count
from app.domain.rights import Right
from app.i18n import _
from app.services import access

__all__ = [
    "DASHBOARD_STEP",
    "SEARCH_STEP",
    "STATISTICS_STEP",
    "MoveError",
    "TableCopy",
    "move_this_workstation",
    "move_to_server",
    "step_text",
    "table_count",
]


class MoveError(RuntimeError):
    pass


def move_to_server(
    url: str,
    password: str | None = None,
    source: Path | None = None,
    progress: Callable[[str], None] = lambda _table: None,
) -> list[TableCopy]:
    """Copy the SQLite database (this workstation's unless told) into the empty database
    at `url`; returns each table's row count and checksum, the same on both sides. The
    program's own database (the file, open in a window) stays bound as it was."""
    path = source or paths.database_path()
    if not path.exists():
        raise MoveError(_("There is no database at {path} to move.").format(path=path))
    target = connect_postgres(url, password)
    try:
        return move.copy_into(path, target, progress)
    except move.NotCurrent as exc:
        raise MoveError(
            _(
                "{path} has schema {found}; open it once with this version of Showroom "
                "(which upgrades it), then move it."
            ).format(path=path, found=str(exc))
        ) from exc
    except move.NotEmpty as exc:
        raise MoveError(
            _(
                "The database on the server is not empty: Showroom moves a workstation's data "
                "only into an empty database, so nothing there is overwritten. Create a new "
                "one (README: setting up the server) and move into that."
            )
        ) from exc
    except move.Mismatch as exc:
        raise MoveError(
            _(
                "The copy of the table {table} on the server does not match the file, so the "
                "move was undone; the server's database is empty again and the file as it was."
            ).format(table=str(exc))
        ) from exc
    finally:
        target.close()


def step_text(step: str) -> str:
    """What a move does after the tables' rows, in words, as the step starts ("" for a
    table's name)."""
    if step == SEARCH_STEP:
        return _("Making the search indexes on the server …")
    if step == DASHBOARD_STEP:
        return _("Counting the dashboard's figures …")
    if step == STATISTICS_STEP:
        return _("Gathering the server's statistics …")
    return ""


def move_this_workstation(
    url: str,
    password: str | None,
    progress: Callable[[int, int, str], None] = lambda _done, _total, _table: None,
) -> list[TableCopy]:
    """The administrator's move of this workstation's database (the file open now) to the
    server, from the window: `progress` hears each table copied and each finishing step
    as it starts (a table's name or a step's: how many of how many).
    Runs beside the window (a worker thread): the file is only read."""
    access.require(Right.SETUP)
    total = move.step_count()
    done = 0

    def copied(step: str) -> None:
        nonlocal done
        done += 1
        progress(done, total, step)

    return move_to_server(url, password, paths.database_path(), copied)
