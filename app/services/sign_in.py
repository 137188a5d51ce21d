"""Signing in with a login and a password: failed attempts slowed down and, after several, the
account locked for some minutes; the one-time code an administrator hands over; the first
administrator of a new database, and the password of an upgraded database's administrator.

Nobody is signed in by being first at the keyboard, nor by the name they give: every way in
checks a password (or the one-time code) against its Argon2id hash."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from app.db import models as m
from app.db import users as db
from app.db.connection import transaction
from app.domain import reading
from app.domain.choices import UserRole
from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import passwords
from app.services.workspace import UserInfo, user_info

log = logging.getLogger(__name__)

# After this many failed attempts in a row the account is locked for LOCK_MINUTES.
MAX_FAILURES = 5
LOCK_MINUTES = 15
# A one-time code is good for this long after the administrator made it.
CODE_HOURS = 72

# The clock (the tests move it on).
clock: Callable[[], datetime] = lambda: datetime.now().replace(microsecond=0)  # noqa: E731


class Start(Enum):
    """What the sign-in window asks for when it opens."""

    FIRST_ADMINISTRATOR = "first_administrator"  # an empty database: who administers it
    NO_PASSWORD_YET = "no_password_yet"  # upgraded: no administrator has a password yet
    SIGN_IN = "sign_in"


class SignInRefused(Exception):
    """A sign-in refused, in words. `wait_seconds`: how long before the next attempt is
    taken; `locked_until`: when a locked account opens again by itself."""

    def __init__(
        self, message: str, wait_seconds: int = 0, locked_until: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds
        self.locked_until = locked_until


class NewPasswordRequired(Exception):
    """The one-time code was right: the user now chooses their own password
    (set_own_password, with the same code)."""

    def __init__(self, login: str) -> None:
        super().__init__(_("Choose your own password now."))
        self.login = login


def start() -> Start:
    if not db.has_users():
        return Start.FIRST_ADMINISTRATOR
    if not db.administrator_with_password_exists():
        return Start.NO_PASSWORD_YET
    return Start.SIGN_IN


def no_password_yet_message() -> str:
    return _(
        "This database comes from an earlier version of Showroom, in which nobody had a "
        "password. Whoever looks after the database file sets an administrator's password "
        "first, in a terminal:\n\n    main.py set-password LOGIN\n\n"
        "(LOGIN being an administrator's login). Then the administrator signs in here and "
        "hands each user a one-time code to choose their own password with. (A database "
        "without any administrator gets one with: main.py create-admin LOGIN)"
    )


def administrator_exists() -> bool:
    return db.has_administrator()


def _wrong() -> SignInRefused:
    # The same words for an unknown login and a wrong password: the answer does not tell
    # which logins exist.
    return SignInRefused(_("The login or the password is wrong."))


def _delay(failures: int) -> int:
    """Seconds to wait after this many failures in a row: 1, 2, 4, 8."""
    return 0 if failures <= 0 else min(2 ** (failures - 1), 8)


def locked_message(until: datetime) -> str:
    return _(
        "This account is locked after {count} failed sign-ins, until {time}, or until an "
        "administrator unlocks it."
    ).format(count=MAX_FAILURES, time=_time(until))


def _time(moment: datetime) -> str:
    today = clock().date()
    if moment.date() == today:
        return reading.format_clock(moment)
    return reading.format_moment(moment)


def _check_not_held(credential: m.UserCredential, now: datetime) -> None:
    """Refuse before the password is even looked at: a locked account, or an attempt that
    comes before the delay after the last failure has passed."""
    if credential.locked_until is not None and credential.locked_until > now:
        raise SignInRefused(
            locked_message(credential.locked_until), locked_until=credential.locked_until
        )
    if credential.failed_attempts and credential.last_failed_at is not None:
        ready = credential.last_failed_at + timedelta(seconds=_delay(credential.failed_attempts))
        if ready > now:
            wait = max(1, int((ready - now).total_seconds() + 0.999))
            raise SignInRefused(
                ngettext(
                    "Wait {n} second before trying again.",
                    "Wait {n} seconds before trying again.",
                    wait,
                ).format(n=wait),
                wait_seconds=wait,
            )


def _fail(user: m.User, credential: m.UserCredential, now: datetime) -> SignInRefused:
    """Count a failed attempt (one transaction) and say what follows from it."""
    failures = credential.failed_attempts or 0
    if credential.locked_until is not None and credential.locked_until <= now:
        failures = 0  # the lock has run out: a fresh count
    failures += 1
    locked_until = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
    with transaction():
        db.save_credential(
            user.id, failed_attempts=failures, last_failed_at=now, locked_until=locked_until
        )
        m.write_audit("user", user.id, "sign_in_failed", {"failed_attempts": (None, failures)})
        if locked_until is not None:
            m.write_audit("user", user.id, "locked", {"locked_until": (None, locked_until)})
    if locked_until is not None:
        log.warning("user #%d locked after %d failed sign-ins", user.id, failures)
        return SignInRefused(locked_message(locked_until), locked_until=locked_until)
    left = MAX_FAILURES - failures
    return SignInRefused(
        ngettext(
            "The login or the password is wrong. After {n} more failed attempt the account "
            "is locked for {minutes} minutes.",
            "The login or the password is wrong. After {n} more failed attempts the account "
            "is locked for {minutes} minutes.",
            left,
        ).format(n=left, minutes=LOCK_MINUTES),
        wait_seconds=_delay(failures),
    )


def _succeed(user: m.User, credential: m.UserCredential, secret: str, now: datetime) -> UserInfo:
    with transaction():
        values: dict[str, object] = {
            "failed_attempts": 0,
            "last_failed_at": None,
            "locked_until": None,
        }
        if passwords.needs_rehash(credential.password_hash):
            values["password_hash"] = passwords.hash_secret(secret)
        db.save_credential(user.id, **values)
        m.set_acting_user(user.id)
        m.write_audit("user", user.id, "sign_in")
    return user_info(user)


def sign_in(login: str, secret: str) -> UserInfo:
    """Sign in with a login and a password (or the one-time code an administrator handed
    over: NewPasswordRequired then asks for the user's own password). On success the user
    is the one whose changes are saved (models.acting_user). Raises SignInRefused."""
    now = clock()
    user = db.user_by_login(login) if login.strip() else None
    if user is None:
        passwords.verify("", secret)  # as long as a real check
        raise _wrong()
    credential = db.credential(user.id)
    _check_not_held(credential, now)
    if credential.password_hash and passwords.verify(credential.password_hash, secret):
        if not user.active:
            raise SignInRefused(
                _(
                    "The user {login} is deactivated; an administrator can activate it again."
                ).format(login=user.username)
            )
        return _succeed(user, credential, secret, now)
    if credential.code_hash and passwords.verify(
        credential.code_hash, passwords.normalise_code(secret)
    ):
        if credential.code_expires_at is not None and credential.code_expires_at < now:
            raise SignInRefused(
                _(
                    "This one-time code ran out on {time}. Ask an administrator for a new one."
                ).format(time=_time(credential.code_expires_at))
            )
        raise NewPasswordRequired(user.username)
    if not credential.password_hash and not credential.code_hash:
        passwords.verify("", secret)
        if user.active:
            # Nothing to guess against: saying so does no harm and tells what to do.
            raise SignInRefused(
                _(
                    "{login} has no password yet. An administrator can give you a one-time "
                    "code to choose your own with."
                ).format(login=user.username)
            )
    raise _fail(user, credential, now)


def set_own_password(login: str, code: str, password: str, repeat: str) -> UserInfo:
    """After a one-time code: the user's own password, by the policy; signs them in.
    Raises ValidationError (at "password" or "password_repeat") or SignInRefused."""
    now = clock()
    user = db.user_by_login(login)
    if user is None:
        raise _wrong()
    credential = db.credential(user.id)
    _check_not_held(credential, now)
    if not (
        credential.code_hash
        and passwords.verify(credential.code_hash, passwords.normalise_code(code))
        and (credential.code_expires_at is None or credential.code_expires_at >= now)
    ):
        raise _fail(user, credential, now)
    _check_new_password(user.username, password, repeat)
    with transaction():
        db.save_credential(
            user.id,
            password_hash=passwords.hash_secret(password),
            password_set_at=now,
            code_hash="",
            code_expires_at=None,
            must_set_password=False,
            failed_attempts=0,
            last_failed_at=None,
            locked_until=None,
        )
        m.set_acting_user(user.id)
        m.write_audit("user", user.id, "password_set")
        m.write_audit("user", user.id, "sign_in")
    return user_info(user)


def _check_new_password(login: str, password: str, repeat: str) -> None:
    errors: dict[str, str] = {}
    problem = passwords.password_problem(password, login)
    if problem:
        errors["password"] = problem
    elif password != repeat:
        errors["password_repeat"] = passwords.mismatch_message()
    if errors:
        raise ValidationError(errors)


def _check_login(login: str, errors: dict[str, str]) -> str:
    text = login.strip()
    if not text:
        errors["username"] = _("Enter a login.")
    elif len(text) > 64 or any(c.isspace() for c in text):
        errors["username"] = _("A login is one word of at most 64 characters, without spaces.")
    elif db.user_by_login(text) is not None:
        errors["username"] = _("There is a user with the login “{login}” already.").format(
            login=text
        )
    return text


def create_first_administrator(
    login: str, full_name: str, password: str, repeat: str, holder: bool = False
) -> UserInfo:
    """The first administrator of a new database (the first start's window), or, for whoever
    holds the database (`holder`: main.py create-admin), of one whose users include no
    administrator. Created and signed in. Refused (SignInRefused) once an administrator
    exists, and at the keyboard once there are users; ValidationError at the fields."""
    with transaction():
        if db.has_administrator():
            raise SignInRefused(
                _("This database has an administrator already; ask them to add you.")
            )
        if db.has_users() and not holder:
            raise SignInRefused(
                _(
                    "This database has users already: whoever holds it makes an "
                    "administrator with main.py create-admin LOGIN."
                )
            )
        errors: dict[str, str] = {}
        text = _check_login(login, errors)
        name = full_name.strip()
        if not name:
            errors["full_name"] = _("Enter the administrator's name.")
        problem = passwords.password_problem(password, text)
        if problem:
            errors["password"] = problem
        elif password != repeat:
            errors["password_repeat"] = passwords.mismatch_message()
        if errors:
            raise ValidationError(errors)
        user = db.create_user(text, name, [UserRole.ADMINISTRATOR.value])
        db.save_credential(
            user.id, password_hash=passwords.hash_secret(password), password_set_at=clock()
        )
        m.set_acting_user(user.id)
        m.write_audit("user", user.id, "create", {"roles": (None, UserRole.ADMINISTRATOR.value)})
        m.write_audit("user", user.id, "password_set")
    return user_info(user)


class HolderRefused(Exception):
    """set-password refused, in words."""


def set_password_as_holder(login: str, password: str) -> None:
    """`main.py set-password LOGIN`, run by whoever holds the database: the password of an
    administrator while no active administrator has one (a database from before passwords).
    Refused for anyone else, and once an administrator has a password (then administrators
    hand out one-time codes in the program). ValidationError at "password" for a weak one."""
    with transaction():
        user = db.user_by_login(login)
        if user is None:
            raise HolderRefused(_("There is no user “{login}”.").format(login=login))
        if db.administrator_with_password_exists():
            raise HolderRefused(
                _(
                    "An administrator with a password exists already: an administrator "
                    "resets passwords in the program (Administration > Users), which gives "
                    "a one-time code."
                )
            )
        if UserRole.ADMINISTRATOR.value not in db.roles_of(user.id) or not user.active:
            raise HolderRefused(
                _(
                    "{login} is not an active administrator. Set an administrator's password "
                    "first; the administrator then gives the other users one-time codes."
                ).format(login=user.username)
            )
        problem = passwords.password_problem(password, user.username)
        if problem:
            raise ValidationError({"password": problem})
        db.save_credential(
            user.id,
            password_hash=passwords.hash_secret(password),
            password_set_at=clock(),
            code_hash="",
            code_expires_at=None,
            must_set_password=False,
            failed_attempts=0,
            last_failed_at=None,
            locked_until=None,
        )
        m.write_audit("user", user.id, "password_set", {"by": (None, "set-password")})


def confirm_password(login: str, password: str) -> UserInfo:
    """The signed-in user unlocks the locked window with their password: a sign-in like any
    other (a failure counts, and a locked account stays locked)."""
    return sign_in(login, password)


def sign_out() -> None:
    """Nobody is signed in at this workstation (the window locked for someone else)."""
    m.set_acting_user(None)
