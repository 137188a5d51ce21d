"""A schema step's upgrade test on SQLite: an older database's copy upgraded, and the step
run once more as after an interruption before its commit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.db.connection import database
from app.services import workspace


def upgraded_copy(fixture: Path, data_dir: Path, step: Callable[[Any], None]) -> Path:
    """`fixture` (a database of an older schema) copied into the test's data folder and
    opened, which upgrades it by every step since its version; then `step` run once more
    (it must change nothing) and the copy closed. Returns the copy, for the test to read
    with sqlite3 beside the fixture."""
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(fixture.read_bytes())
    workspace.open_database(copy)
    try:
        with database.atomic():
            step(database.obj)
    finally:
        workspace.close_database()
    return copy
