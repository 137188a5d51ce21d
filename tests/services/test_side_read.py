"""A read beside the caller's (app.db.side_read): the dashboard's funnel read on a
connection of its own while the one pass reads the opportunities, with the same figures;
never where a second connection would not see what the first one does; its connection
closed with the program's database. Both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.db import connection, side_read
from app.db import models as m
from app.db.connection import database
from app.services import dashboard
from app.services.dashboard import DashboardFilter
from tests import factories
from tests.dashboard_data import shown

TODAY = date.today()


def read_the_clock() -> None:
    global TODAY
    TODAY = date.today()


@pytest.fixture
def threads_of_statements() -> Iterator[list[tuple[str, str]]]:
    """(thread name, SQL) of every statement sent while the test runs, from any thread."""
    sent: list[tuple[str, str]] = []
    target = database.obj
    original = target.execute_sql

    def spy(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        sent.append((threading.current_thread().name, sql))
        return original(sql, params, *args, **kwargs)

    target.execute_sql = spy
    yield sent
    del target.execute_sql


def _count() -> int:
    return int(database.execute_sql("SELECT count(*) FROM opportunity").fetchone()[0])


def _pair() -> DashboardFilter:
    """Two filters together: what the aggregates do not serve."""
    first = m.Opportunity.select().where(m.Opportunity.owner.is_null(False)).first()
    return DashboardFilter(
        date_from=TODAY - timedelta(days=365), date_to=TODAY + timedelta(days=365),
        brand=first.brand,
    )  # fmt: skip


def test_the_funnel_is_read_beside_the_pass_with_the_same_figures(
    small_demo: Path, threads_of_statements: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now()
    flt = _pair()
    beside = dashboard.load(flt, "owner", TODAY, now)
    here = threading.current_thread().name
    funnel = [name for name, sql in threads_of_statements if "opportunity_stage_visit" in sql]
    passes = [name for name, sql in threads_of_statements if "GROUP BY 1, 2, 3, 4, 5, 6, 7" in sql]
    assert funnel and all(name.startswith("side-read") for name in funnel), funnel
    assert passes and all(name == here for name in passes), passes
    assert beside.funnel.stages and any(s.reached for s in beside.funnel.stages)
    # The same figures read one after the other in this thread.
    monkeypatch.setattr(side_read, "beside", lambda read: read)
    threads_of_statements.clear()
    assert shown(dashboard.load(flt, "owner", TODAY, now)) == shown(beside)
    assert {name for name, _sql in threads_of_statements} == {here}


def test_a_read_inside_a_transaction_runs_in_it_and_sees_its_writes(db: Path) -> None:
    before = m.Account.select().count()
    with database.atomic() as transaction:
        factories.customer("Unseen")  # a write of the transaction's own
        ran_in: list[str] = []

        def read() -> int:
            ran_in.append(threading.current_thread().name)
            return int(database.execute_sql("SELECT count(*) FROM account").fetchone()[0])

        found = side_read.beside(read)()
        assert ran_in == [threading.current_thread().name]
        assert found == before + 1
        transaction.rollback()
    assert m.Account.select().count() == before


def test_a_read_outside_a_transaction_runs_on_the_side_connection(db: Path) -> None:
    ran_in: list[str] = []

    def read() -> int:
        ran_in.append(threading.current_thread().name)
        return _count()

    assert side_read.beside(read)() == _count()
    assert ran_in and ran_in[0].startswith("side-read")
    # Its connection is not this thread's: this one's state says nothing of it.
    assert side_read._connected is database.obj


def test_closing_the_database_closes_the_side_connection(db: Path, backend: str) -> None:
    assert side_read.beside(_count)() == _count()
    bound = database.obj
    assert side_read._connected is bound
    side_thread_closed: list[bool] = []
    connection.close()
    assert side_read._connected is None
    # The side thread's own state of that database says it is closed.
    side_read._pool.submit(lambda: side_thread_closed.append(bound.is_closed())).result()  # type: ignore[union-attr]
    assert side_thread_closed == [True]
    # Read again once the database is open again: a new connection of its own.
    database.connect(reuse_if_open=True)
    assert side_read.beside(_count)() == _count()


@pytest.mark.sqlite_only
def test_another_file_bound_is_read_not_the_one_before(db: Path, tmp_path: Path) -> None:
    factories.customer("First")
    first = side_read.beside(lambda: m.Account.select().count())()
    assert first == m.Account.select().count() >= 1
    other = tmp_path / "other.sqlite3"
    first_file = database.obj
    connection.open_sqlite(other)
    first_file.close()
    database.execute_sql("CREATE TABLE account (id INTEGER PRIMARY KEY)")
    assert side_read._connected is None  # closed as the other file was bound
    assert side_read.beside(lambda: database.execute_sql(
        "SELECT count(*) FROM account").fetchone()[0])() == 0  # fmt: skip
