"""The users, their roles and their credentials: the reads and writes behind sign-in and the
users' administration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from peewee import fn

from app.db import models as m
from app.domain.choices import UserRole

_ADMINISTRATOR = UserRole.ADMINISTRATOR.value


def user_by_login(login: str) -> m.User | None:
    """The user with this login, matched without regard to case ("Anna" is "anna")."""
    return m.User.get_or_none(fn.LOWER(m.User.username) == login.strip().lower())


def user_by_id(user_id: int) -> m.User | None:
    return m.User.get_or_none(m.User.id == user_id)


def roles_of(user_id: int) -> list[str]:
    """The user's role codes (also of an inactive user), in a steady order."""
    query = m.UserRoleGrant.select(m.UserRoleGrant.role).where(m.UserRoleGrant.user == user_id)
    return sorted(role for (role,) in query.tuples())


def set_roles(user_id: int, roles: Iterable[str]) -> None:
    wanted = set(roles)
    held = set(roles_of(user_id))
    if held - wanted:
        m.UserRoleGrant.delete().where(
            (m.UserRoleGrant.user == user_id) & m.UserRoleGrant.role.in_(sorted(held - wanted))
        ).execute()
    for role in sorted(wanted - held):
        m.UserRoleGrant.insert(user=user_id, role=role).execute()


def credential(user_id: int) -> m.UserCredential:
    """The user's credential row; a user who never had one gets an empty one (unsaved)."""
    row = m.UserCredential.get_or_none(m.UserCredential.user == user_id)
    return row if row is not None else m.UserCredential(user=user_id)


def save_credential(user_id: int, **values: Any) -> None:
    """Change the user's credential row, creating it when the user has none yet."""
    updated = m.UserCredential.update(**values).where(m.UserCredential.user == user_id).execute()
    if not updated:
        m.UserCredential.insert(user=user_id, **values).execute()


def create_user(username: str, full_name: str, roles: Iterable[str], **fields: Any) -> m.User:
    row = m.User.create(username=username, full_name=full_name, **fields)
    set_roles(row.id, roles)
    return row


def has_users() -> bool:
    return bool(m.User.select().exists())


def has_administrator() -> bool:
    """Whether any user (active or not) holds the administrator role."""
    return bool(m.UserRoleGrant.select().where(m.UserRoleGrant.role == _ADMINISTRATOR).exists())


def administrator_with_password_exists() -> bool:
    """Whether an active administrator can sign in with a password of their own."""
    query = (
        m.UserRoleGrant.select()
        .join(m.User)
        .join(m.UserCredential, on=(m.UserCredential.user == m.User.id))
        .where(
            (m.UserRoleGrant.role == _ADMINISTRATOR)
            & m.User.active
            & (m.UserCredential.password_hash != "")
        )
    )
    return bool(query.exists())


def user_rows() -> list[tuple[m.User, list[str], m.UserCredential | None]]:
    """Every user, by name, with their role codes and their credential row (None when they
    never had one). Users are few: three queries, whatever their number."""
    users = list(m.User.select().order_by(fn.LOWER(m.User.full_name), m.User.id))
    roles: dict[int, list[str]] = {}
    for user_id, role in m.UserRoleGrant.select(
        m.UserRoleGrant.user, m.UserRoleGrant.role
    ).tuples():
        roles.setdefault(user_id, []).append(role)
    credentials = {c.user_id: c for c in m.UserCredential.select()}
    return [(u, sorted(roles.get(u.id, [])), credentials.get(u.id)) for u in users]
