"""Moving a workstation's data to the site's server: its SQLite database copied into an
empty database on the server, checked table by table, the file left as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app import paths
from app.db import move
from app.db.connection import close, open_postgres
from app.db.move import TableCopy
from app.i18n import _

__all__ = ["MoveError", "TableCopy", "move_to_server"]


class MoveError(RuntimeError):
    pass


def move_to_server(
    url: str,
    password: str | None = None,
    source: Path | None = None,
    progress: Callable[[str], None] = lambda _table: None,
) -> list[TableCopy]:
    """Copy the SQLite database (this workstation's unless told) into the empty database
    at `url`; returns each table's row count and checksum, the same on both sides."""
    path = source or paths.database_path()
    if not path.exists():
        raise MoveError(_("There is no database at {path} to move.").format(path=path))
    target = open_postgres(url, password)
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
        close()
