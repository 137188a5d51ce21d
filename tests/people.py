"""Users for tests: one place that knows how a user and their roles are stored."""

from __future__ import annotations

from typing import Any

from app.db import models as m
from app.db.connection import transaction


def add_user(username: str, *roles: str, full_name: str = "", **fields: Any) -> m.User:
    """Create an active user with these roles (codes; a salesperson when none is given)."""
    roles = roles or ("salesperson",)
    with transaction():
        return m.User.create(
            username=username,
            full_name=full_name or username.capitalize(),
            role=roles[0],
            **fields,
        )
