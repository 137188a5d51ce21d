"""Passwords: Argon2id hashes (argon2-cffi) and the policy a new password must meet.

The hash is Argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes), above
OWASP's minimum (19 MiB, 2 passes, 1 lane); a hash made with other parameters is made again
at the next sign-in. The policy is NIST SP 800-63B-4's for a password that is the only
factor: at least 15 characters, no rules of composition, and not one of the commonest or
breached passwords (resources/passwords/common-passwords.txt), nor the login or the
program's name dressed up. Passwords are never stored, logged or shown."""

from __future__ import annotations

import contextlib
import re
import secrets
from functools import cache

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app import paths
from app.i18n import _

MIN_LENGTH = 15
# Long pass phrases are welcome (NIST: at least 64); a pasted book is not.
MAX_LENGTH = 256

PRODUCTION = profiles.RFC_9106_LOW_MEMORY
# The floor the tests hold PRODUCTION to (OWASP's Password Storage Cheat Sheet).
OWASP_MINIMUM = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=2,
    memory_cost=19 * 1024,
    parallelism=1,
)
# For the tests alone (use_parameters): thousands of sign-ins in a test run.
CHEAP = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1, memory_cost=8, parallelism=1
)

_hasher = PasswordHasher.from_parameters(PRODUCTION)


def use_parameters(parameters: Parameters) -> None:
    """The one switch the tests turn to hash cheaply; the program never calls it."""
    global _hasher, _dummy
    _hasher = PasswordHasher.from_parameters(parameters)
    _dummy = None


def parameters() -> Parameters:
    return _hasher._parameters


def hash_secret(secret: str) -> str:
    """The Argon2id hash of a password or one-time code (its own random salt inside)."""
    return _hasher.hash(secret)


def verify(stored_hash: str, secret: str) -> bool:
    """Whether `secret` is what `stored_hash` was made from (False for no hash at all)."""
    if not stored_hash:
        _waste_time(secret)
        return False
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


_dummy: str | None = None


def _waste_time(secret: str) -> None:
    """Take as long as checking a real hash, so an unknown login answers no faster than a
    known one (its answer would tell which logins exist)."""
    global _dummy
    if _dummy is None:
        _dummy = _hasher.hash(secrets.token_hex(8))
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        _hasher.verify(_dummy, secret)


# --- one-time codes -----------------------------------------------------------------------

# Letters and digits nobody misreads on a slip of paper (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_one_time_code() -> str:
    """A code an administrator hands over: 12 characters in three groups, ~59 bits."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(typed: str) -> str:
    """A code as typed ("abcd efgh-jkmn") in the form it was hashed in."""
    raw = re.sub(r"[^0-9A-Za-z]", "", typed).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else typed.strip()


# --- the policy -----------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """The commonest and breached passwords, lowercased (the list shipped in resources/)."""
    path = paths.resources_dir() / "passwords" / "common-passwords.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
PROGRAM_NAME = "showroom"


def _smallest_repeat(text: str) -> str:
    """'abcabcabc' -> 'abc'; a text that is no repeat is itself."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _is_common(text: str) -> bool:
    listed = common_passwords()
    folded = text.casefold()
    core = _EDGES.sub("", folded)
    candidates = {folded, core, _smallest_repeat(folded), _smallest_repeat(core)}
    return any(c and c in listed for c in candidates)


def _only_names(password: str, login: str) -> bool:
    """Whether the password's letters are nothing but the login and the program's name."""
    letters = _NOT_LETTERS.sub("", password.casefold())
    names = [n for n in (_NOT_LETTERS.sub("", login.casefold()), PROGRAM_NAME) if len(n) >= 3]
    for name in names:
        letters = letters.replace(name, "")
    return not letters


def password_problem(password: str, login: str) -> str | None:
    """What is wrong with a new password, in words for the field; None when it will do."""
    if len(password) < MIN_LENGTH:
        return _(
            "The password must be at least {minimum} characters long (it has {count}). "
            "A few words in a row make a good one, e.g. a short sentence."
        ).format(minimum=MIN_LENGTH, count=len(password))
    if len(password) > MAX_LENGTH:
        return _("The password may be at most {maximum} characters long.").format(
            maximum=MAX_LENGTH
        )
    if _only_names(password, login):
        return _(
            "The password must be more than the login name or the program's name with "
            "digits or signs added: anyone could guess it."
        )
    if len(_smallest_repeat(password.casefold())) <= 4:
        return _("The password only repeats a few characters: anyone could guess it.")
    if _is_common(password):
        return _(
            "This password is among the commonest ones, known from stolen password lists: "
            "choose another."
        )
    return None


def mismatch_message() -> str:
    return _("The two passwords are not the same.")
