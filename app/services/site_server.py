"""The site's server as this workstation knows it: its address (a postgresql:// URL, kept by
the window's settings per workstation) and the password, kept in this workstation's credential
store (Windows Credential Manager, macOS Keychain, the Secret Service on Linux) through
keyring, never in a settings file. Where no credential store exists (a headless Linux box:
keyring's fail backend) the password comes from the user's `.pgpass` file (libpq reads it by
itself) or is asked for at each start."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import keyring
import keyring.errors
from keyring.backends import fail

from app.db import connection
from app.domain.server_address import display_url
from app.i18n import _

log = logging.getLogger(__name__)

# The credential store's service name; the user name is the URL without a password.
SERVICE = "Showroom site server"

is_server_url = connection.is_server_url


class NoCredentialStore(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This computer has no credential store to keep the password in. Put it in "
                "the .pgpass file of this user instead (one line: "
                "host:port:database:user:password, readable only by the user), or enter it "
                "at each start."
            )
        )


def credential_store_available() -> bool:
    return not isinstance(keyring.get_keyring(), fail.Keyring)


def _key(url: str) -> str:
    return display_url(url)


def stored_password(url: str) -> str | None:
    """The password kept for the server, or None (then libpq looks in .pgpass)."""
    if not credential_store_available():
        return None
    try:
        return keyring.get_password(SERVICE, _key(url))
    except keyring.errors.KeyringError as exc:
        log.warning("the credential store could not be read: %s", exc)
        return None


def store_password(url: str, password: str) -> None:
    """Keep the password in this workstation's credential store (NoCredentialStore where
    there is none). An empty password removes the one kept."""
    if not credential_store_available():
        raise NoCredentialStore()
    if password:
        keyring.set_password(SERVICE, _key(url), password)
    else:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, _key(url))


def try_connection(url: str, password: str | None) -> str:
    """Connect once, apart from the program's database, and say what answered (the
    server's version); raises what connecting raised (errors.user_problem tells it)."""
    return connection.probe_server(url, password)


# Where a headless command (`main.py render --database URL`) finds the password when the
# credential store has none: a scheduled task's variable.
PASSWORD_VARIABLE = "SHOWROOM_DATABASE_PASSWORD"


def pgpass_file() -> Path:
    """The file libpq reads passwords from: PGPASSFILE, else the user's .pgpass
    (%APPDATA%\\postgresql\\pgpass.conf on Windows)."""
    named = os.environ.get("PGPASSFILE")
    if named:
        return Path(named)
    if os.name == "nt":
        return Path(os.environ.get("APPDATA", "")) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def password_source(url: str) -> tuple[str | None, str]:
    """The password for the server without asking anyone, and where it came from, in
    words: the credential store, the SHOWROOM_DATABASE_PASSWORD variable, the URL itself,
    or the .pgpass file (None: libpq reads it there). (None, "") when there is none."""
    kept = stored_password(url)
    if kept is not None:
        return kept, _("the password kept in this computer's credential store")
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given, _("the password in {variable}").format(variable=PASSWORD_VARIABLE)
    in_url = urlsplit(url).password
    if in_url:
        return None, _("the password in the address")
    pgpass = pgpass_file()
    if pgpass.is_file():
        return None, _("the password in {file}, if it has a line for this server").format(
            file=pgpass
        )
    return None, ""
