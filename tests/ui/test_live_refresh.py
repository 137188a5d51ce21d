"""Another workstation saves: the list and the open dashboard of this one read again within
two seconds, without Refresh; on SQLite through the file's data version, on the server
through LISTEN/NOTIFY."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import psycopg2
import pytest

from app.db.connection import register_search_function
from app.services.workspace import UserInfo
from tests import factories
from ui.shell.main_window import MainWindow

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


def _save_elsewhere(backend: str, db: Path, request: pytest.FixtureRequest, sql: str) -> None:
    """Another workstation's save, on its own connection."""
    if backend == "sqlite":
        with sqlite3.connect(db) as other:
            register_search_function(other)
            other.execute(sql)
        other.close()
    else:
        with psycopg2.connect(request.getfixturevalue("pg_url")) as other, other.cursor() as c:
            c.execute(sql)
        other.close()


def _topics(window: MainWindow) -> list[str]:
    model = window.opportunities.model
    return [model.row_at(r).topic for r in range(model.rowCount())]


@BOTH
def test_the_list_shows_another_workstations_save_within_two_seconds(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    db: Path,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    created = factories.opportunity(user.id, topic="Golf as it was")
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: _topics(window) == ["Golf as it was"], timeout=2000)
    _save_elsewhere(
        backend,
        db,
        request,
        f"UPDATE opportunity SET topic = 'Golf from ws2' WHERE id = {created.id}",
    )
    started = time.monotonic()
    qtbot.waitUntil(lambda: _topics(window) == ["Golf from ws2"], timeout=2000)
    assert time.monotonic() - started < 2.0


@BOTH
def test_the_open_dashboard_reads_again_when_another_workstation_saves(
    qtbot,  # type: ignore[no-untyped-def]
    user: UserInfo,
    db: Path,
    backend: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = factories.opportunity(user.id, topic="Counted")
    window = MainWindow(user, db)
    qtbot.addWidget(window)
    window.show()
    window.show_dashboard()
    dashboard = window._dashboard
    assert dashboard is not None
    reloads: list[float] = []
    real = dashboard.reload
    monkeypatch.setattr(dashboard, "reload", lambda: (reloads.append(time.monotonic()), real()))
    qtbot.wait(800)
    reloads.clear()  # (nothing changed elsewhere yet: no reading again)
    qtbot.wait(800)
    assert reloads == []
    _save_elsewhere(
        backend, db, request, f"UPDATE opportunity SET status = 'lost' WHERE id = {created.id}"
    )
    started = time.monotonic()
    qtbot.waitUntil(lambda: bool(reloads), timeout=2000)
    assert reloads[0] - started < 2.0
