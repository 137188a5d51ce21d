"""The statements the app sends for one call, recorded, and sent again on a raw connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from app.db.connection import database

Statement = tuple[str, list[Any]]


def record_statements(call: Callable[[], object]) -> list[Statement]:
    """The statements (SQL and parameters) the app sends for one call."""
    recorded: list[Statement] = []
    target = database.obj
    original = target.execute_sql

    def spy(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        recorded.append((sql, list(params or [])))
        return original(sql, params, *args, **kwargs)

    target.execute_sql = spy
    try:
        call()
    finally:
        del target.execute_sql
    return recorded


def run_statements(raw: sqlite3.Connection, statements: list[Statement]) -> None:
    for sql, params in statements:
        raw.execute(sql, params).fetchall()
