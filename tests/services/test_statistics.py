"""SQLite's planner statistics: a database filled by use gains them as the program closes
it (PRAGMA optimize), so a file made new reads its lists as an analysed one does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db.connection import database
from app.services import opportunities, workspace
from app.services.opportunities import OpportunityFilter
from app.services.workspace import UserInfo
from tests import factories

pytestmark = pytest.mark.sqlite_only


def _analysed(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {r[0] for r in conn.execute("SELECT tbl FROM sqlite_stat1")}


def test_a_new_database_gains_the_statistics_of_the_tables_it_read_as_it_closes(
    user: UserInfo, db: Path
) -> None:
    for n in range(30):
        factories.opportunity(user.id, topic=f"Golf {n}")
    assert "opportunity" not in _analysed(db)
    rows = opportunities.page(OpportunityFilter(status="open"), "topic", False, 0, 10)
    assert len(rows) == 10
    workspace.close_database()
    assert "opportunity" in _analysed(db)


def test_a_close_on_a_file_busy_elsewhere_still_closes(user: UserInfo, db: Path) -> None:
    factories.opportunity(user.id)
    opportunities.page(OpportunityFilter(), "topic", False, 0, 10)
    other = sqlite3.connect(db, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another connection holds the write lock
    try:
        database.execute_sql("PRAGMA busy_timeout = 0")
        workspace.close_database()
        assert database.is_closed()
    finally:
        other.rollback()
        other.close()
    assert "opportunity" not in _analysed(db)  # not analysed: the file was busy
