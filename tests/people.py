"""Users for tests: one place that knows how a user, their roles and their password are stored,
and signs in through the real sign-in service (no back door: the same password check).

Passwords in the tests are hashed with cheap Argon2id parameters (conftest turns the one
switch, passwords.use_parameters), so thousands of sign-ins cost nothing."""

from __future__ import annotations

from typing import Any

from app.db import models as m
from app.db import users as users_db
from app.db.connection import transaction
from app.services import passwords, sign_in
from app.services.workspace import UserInfo

# The one switch: cheap Argon2id for the tests' thousands of sign-ins, in this process and in
# the child processes that import this module (the program never turns it;
# tests/services/test_passwords.py holds the real parameters to OWASP's minimum).
passwords.use_parameters(passwords.CHEAP)

# Long enough for the policy, and on no list.
TEST_PASSWORD = "correct horse battery staple 42"


def add_user(
    username: str,
    *roles: str,
    full_name: str = "",
    password: str | None = TEST_PASSWORD,
    **fields: Any,
) -> m.User:
    """Create an active user with these roles (codes; a salesperson when none is given) and
    a password (None: none, as a user of a database from before passwords)."""
    roles = roles or ("salesperson",)
    with transaction():
        user = users_db.create_user(username, full_name or username.capitalize(), roles, **fields)
        if password is not None:
            users_db.save_credential(user.id, password_hash=passwords.hash_secret(password))
    return user


def sign_in_as(username: str, *roles: str, password: str = TEST_PASSWORD) -> UserInfo:
    """Sign in through the sign-in service as `username`, creating them first when they are
    not on file (an administrator unless roles are given). A user without a password (one
    of an upgraded database, say) is given `password` first, as set-password would."""
    user = users_db.user_by_login(username)
    if user is None:
        add_user(username, *(roles or ("administrator",)), password=password)
    elif not users_db.credential(user.id).password_hash:
        with transaction():
            users_db.save_credential(user.id, password_hash=passwords.hash_secret(password))
    return sign_in.sign_in(username, password)
