"""The users' administration: who may sign in, with which roles, how to reach them; unlock,
password reset (a one-time code to hand over), deactivation, and the idle time after which
the program locks. Every call here needs the right to manage users, except reading the idle
time (every window needs it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.db import models as m
from app.db import users as db
from app.db.connection import transaction
from app.db.settings import put_setting, setting_value
from app.domain import fields, reading
from app.domain.choices import UserRole
from app.domain.rights import Right
from app.domain.validation import ValidationError, Validator
from app.i18n import _
from app.services import access, conflicts, passwords, sign_in, workspace
from app.services.conflicts import Conflict
from app.services.errors import ConflictError, NotFound

IDLE_LOCK_KEY = "sign_in.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
MAX_IDLE_MINUTES = 480
_ADMINISTRATOR = UserRole.ADMINISTRATOR.value
_ROLE_CODES = frozenset(r.value for r in UserRole)


@dataclass(frozen=True, slots=True)
class UserRow:
    """A line of the users' list."""

    id: int
    username: str
    full_name: str
    email: str
    phone: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    has_password: bool
    has_code: bool

    @property
    def roles_label(self) -> str:
        return ", ".join(UserRole(r).label for r in self.roles if r in _ROLE_CODES)

    @property
    def state_label(self) -> str:
        if not self.active:
            return _("deactivated")
        if self.locked_until is not None and self.locked_until > sign_in.clock():
            return _("locked until {time}").format(time=reading.format_clock(self.locked_until))
        if self.has_password:
            return _("can sign in")
        if self.has_code:
            return _("has a one-time code")
        return _("no password yet")


@dataclass(frozen=True, slots=True)
class UserRecord:
    """What the user form edits. `id` None: a new user."""

    id: int | None
    username: str
    full_name: str
    email: str = ""
    phone: str = ""
    home_business_id: int | None = None
    home_facility_id: int | None = None
    roles: tuple[str, ...] = (UserRole.SALESPERSON.value,)
    active: bool = True
    version: int = 0


_COMPARED = (
    "username",
    "full_name",
    "email",
    "phone",
    "home_business_id",
    "home_facility_id",
    "roles",
    "active",
)


def _require() -> None:
    access.require(Right.MANAGE_USERS)


def list_users(search: str = "") -> list[UserRow]:
    """Every user, by name; `search` finds a name, login, e-mail or phone (case ignored)."""
    _require()
    text = search.strip()[:200].casefold()
    rows = []
    for user, roles, credential in db.user_rows():
        haystack = " ".join((user.full_name, user.username, user.email, user.phone)).casefold()
        if text and text not in haystack:
            continue
        rows.append(
            UserRow(
                user.id,
                user.username,
                user.full_name,
                user.email,
                user.phone,
                tuple(roles),
                bool(user.active),
                credential.locked_until if credential else None,
                bool(credential and credential.password_hash),
                bool(credential and credential.code_hash),
            )
        )
    return rows


def _record(user: m.User) -> UserRecord:
    return UserRecord(
        user.id,
        user.username,
        user.full_name,
        user.email,
        user.phone,
        user.home_business_id,
        user.home_facility_id,
        tuple(db.roles_of(user.id)),
        bool(user.active),
        user.version,
    )


def _gone(user_id: int) -> NotFound:
    return NotFound(_("The user #{id} is not on file any more.").format(id=user_id))


def load_user(user_id: int) -> UserRecord:
    _require()
    user = db.user_by_id(user_id)
    if user is None:
        raise _gone(user_id)
    return _record(user)


def _what(record: UserRecord) -> str:
    return _("User {name}").format(name=record.full_name or record.username)


def validate_user(record: UserRecord) -> UserRecord:
    """The record with its login and texts tidied; ValidationError naming every field
    refused (also the first-run assistant's check, with its own fields beside these)."""
    v = Validator()
    login = record.username.strip()
    if not login:
        v.error("username", _("Enter a login."))
    elif len(login) > 64 or any(c.isspace() for c in login):
        v.error("username", _("A login is one word of at most 64 characters, without spaces."))
    else:
        other = db.user_by_login(login)
        if other is not None and other.id != record.id:
            v.error(
                "username",
                _("There is a user with the login “{login}” already.").format(login=login),
            )
    name = v.require("full_name", record.full_name, fields.label("user.full_name"))
    email = v.email("email", record.email)
    phone = v.optional("phone", record.phone, fields.label("user.phone"), max_length=40)
    roles = tuple(sorted(set(record.roles)))
    unknown = [r for r in roles if r not in _ROLE_CODES]
    if not roles or unknown:
        v.error("roles", _("Give the user at least one role."))
    v.raise_if_any()
    return replace(record, username=login, full_name=name, email=email, phone=phone, roles=roles)


def _keeps_an_administrator(record: UserRecord) -> None:
    """Refuse the save that would leave no active administrator who can sign in."""
    if record.id is None or (_ADMINISTRATOR in record.roles and record.active):
        return
    others = [
        u
        for u, roles, credential in db.user_rows()
        if u.id != record.id
        and u.active
        and _ADMINISTRATOR in roles
        and credential is not None
        and credential.password_hash
    ]
    if not others:
        raise ValidationError(
            {
                "roles": _(
                    "This is the last administrator who can sign in: give another user the "
                    "administrator role first."
                )
            }
        )


def save_user(record: UserRecord) -> UserRecord:
    """Create or change a user (one transaction); refused at the fields (ValidationError),
    or when saved elsewhere since it was opened (ConflictError)."""
    _require()
    record = validate_user(record)
    with transaction():
        if record.id is None:
            user = db.create_user(
                record.username,
                record.full_name,
                record.roles,
                email=record.email,
                phone=record.phone,
                home_business=record.home_business_id,
                home_facility=record.home_facility_id,
                active=record.active,
            )
            m.write_audit(
                "user",
                user.id,
                "create",
                {"username": (None, user.username), "roles": (None, ", ".join(record.roles))},
            )
            return _record(user)
        found = db.user_by_id(record.id)
        if found is None:
            raise _gone(record.id)
        user = found
        if user.version != record.version:
            raise ConflictError(_what(record), conflicts.user_name(user.changed_by), user.version)
        _keeps_an_administrator(record)
        before = _record(user)
        user.username = record.username
        user.full_name = record.full_name
        user.email = record.email
        user.phone = record.phone
        user.home_business = record.home_business_id
        user.home_facility = record.home_facility_id
        user.active = record.active
        user.save()
        db.set_roles(user.id, record.roles)
        changes = {
            name: (getattr(before, name), getattr(record, name))
            for name in _COMPARED
            if getattr(before, name) != getattr(record, name)
        }
        if "roles" in changes:
            old, new = changes["roles"]
            changes["roles"] = (", ".join(old), ", ".join(new))
        if changes:
            m.write_audit("user", user.id, "update", changes)
        m.forget_user_name(user.id)
        return _record(user)


def conflict(opened: UserRecord, yours: UserRecord) -> Conflict:
    """What changed on each side since the form opened the user."""
    _require()
    assert opened.id is not None
    theirs = load_user(opened.id)
    labels = {name: fields.label(f"user.{name}") for name in _COMPARED}
    labels["home_business_id"] = fields.label("user.home_business_id")
    labels["home_facility_id"] = fields.label("user.home_facility_id")
    user = db.user_by_id(opened.id)

    def show(name: str, value: object) -> str:
        if name == "roles":
            return ", ".join(UserRole(r).label for r in value) or conflicts.EMPTY  # type: ignore[attr-defined]
        return conflicts.plain(value)

    return conflicts.describe(
        _what(theirs), user.changed_by if user else None, opened, theirs, yours, labels, show
    )


def save_user_over(opened: UserRecord, yours: UserRecord, their_version: int) -> UserRecord:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    _require()
    assert opened.id is not None
    merged = conflicts.merged(opened, load_user(opened.id), yours, _COMPARED)
    return save_user(replace(merged, version=their_version))


def set_active(user_id: int, active: bool) -> UserRecord:
    """Deactivate (the user can no longer sign in; what they own stays theirs) or activate.
    Users are never deleted: their name stays on their sales and in the log."""
    _require()
    record = load_user(user_id)
    return save_user(replace(record, active=active))


def unlock(user_id: int) -> None:
    """Open an account locked after failed sign-ins."""
    _require()
    with transaction():
        if db.user_by_id(user_id) is None:
            raise _gone(user_id)
        db.save_credential(user_id, failed_attempts=0, last_failed_at=None, locked_until=None)
        m.write_audit("user", user_id, "unlocked")


def reset_password(user_id: int) -> str:
    """The user's password no longer works; returns the one-time code to hand over (shown
    once, kept only as a hash), good for CODE_HOURS, with which they choose their own."""
    _require()
    code = passwords.new_one_time_code()
    with transaction():
        if db.user_by_id(user_id) is None:
            raise _gone(user_id)
        db.save_credential(
            user_id,
            password_hash="",
            code_hash=passwords.hash_secret(code),
            code_expires_at=sign_in.clock() + timedelta(hours=sign_in.CODE_HOURS),
            must_set_password=True,
            failed_attempts=0,
            last_failed_at=None,
            locked_until=None,
        )
        m.write_audit("user", user_id, "password_reset")
    return code


# --- the idle lock --------------------------------------------------------------------------


def idle_lock_minutes() -> int:
    """Minutes without a key or a click after which the window locks (0: never)."""
    raw = setting_value(IDLE_LOCK_KEY)
    try:
        return max(0, min(MAX_IDLE_MINUTES, int(raw))) if raw is not None else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES


def idle_lock_version() -> int:
    return workspace.settings_version((IDLE_LOCK_KEY,))


def set_idle_lock_minutes(minutes: int, expected_version: int) -> None:
    _require()
    if not 0 <= minutes <= MAX_IDLE_MINUTES:
        raise ValidationError(
            {
                "idle_lock_minutes": _(
                    "Enter a number of minutes from 0 (never lock) to {maximum}."
                ).format(maximum=MAX_IDLE_MINUTES)
            }
        )
    with transaction():
        workspace.check_settings_version(
            (IDLE_LOCK_KEY,), expected_version, fields.label("user.idle_lock_minutes")
        )
        put_setting(IDLE_LOCK_KEY, str(minutes))
