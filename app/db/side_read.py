"""A read sent beside the caller's own: on a second connection to the same database, in a
thread of its own, so that two long reads of one refresh take the time of the longer.

The dashboard through a filter the maintained aggregates do not serve reads the filter's
opportunities twice: the one grouped pass (app.db.dashboard_once) and the funnel's figures
kept per opportunity and stage (app.db.dashboard.stage_sums). Each is one statement the
database runs on one core, and neither needs the other; with SQLite in WAL mode and on
PostgreSQL two connections read at once. The side thread keeps its connection open between
refreshes (its page cache stays warm) and closes it when the program's database is closed
or another is bound (app.db.connection's close hooks).

A refresh's statements never agreed on one snapshot (they are not one transaction), so a
read beside them sees what they see. Where a second connection would not (a transaction
under way, whose writes are not committed; an in-memory database, which a second
connection would open empty), the read runs in the caller's thread when its result is
asked for."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from peewee import Database

from app.db import connection
from app.db.connection import database

T = TypeVar("T")

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
# The database object the side thread has a connection to (None: no connection).
_connected: Database | None = None


def _shareable() -> bool:
    obj = database.obj
    if obj is None or database.in_transaction():
        return False
    return not (connection.is_sqlite() and obj.database in ("", ":memory:"))


def _run(bound: Database, read: Callable[[], T]) -> T:
    """In the side thread: `read` on its connection to `bound` (the one it had to another
    database closed first)."""
    global _connected
    if _connected is not None and _connected is not bound:
        _close_here()
    _connected = bound
    return read()


def _close_here() -> None:
    """In the side thread: its connection closed."""
    global _connected
    if _connected is not None and not _connected.is_closed():
        _connected.close()
    _connected = None


def beside(read: Callable[[], T]) -> Callable[[], T]:
    """`read` started on the side connection; returns what waits for its result (and
    raises its error). Where a second connection would not see what this one does, the
    read runs when its result is asked for."""
    if not _shareable():
        return read
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="side-read")
        future: Future[T] = _pool.submit(_run, database.obj, read)
    return future.result


def close() -> None:
    """The side thread's connection closed (the program's database is being closed or
    replaced); waits for a read under way."""
    with _lock:
        if _pool is not None and _connected is not None:
            _pool.submit(_close_here).result()


connection.CLOSE_HOOKS.append(close)
