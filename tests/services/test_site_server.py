"""Connecting a workstation to the site's server: its password in the workstation's
credential store (an in-memory one here), never in the URL the settings keep; none where
there is no credential store; a connection test that says what answered."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from app.services import errors, site_server, workspace
from tests import people, pg_server
from tests.pg_server import MemoryKeyring

URL = "postgresql://anna:secret@db.autohaus.local:5432/showroom?sslmode=verify-full"


def test_the_address_is_shown_and_kept_without_the_password() -> None:
    shown = site_server.display_url(URL)
    assert shown == "postgresql://anna@db.autohaus.local:5432/showroom?sslmode=verify-full"
    assert "secret" not in shown


def test_the_password_is_kept_in_the_credential_store_per_server(
    credentials: MemoryKeyring,
) -> None:
    site_server.store_password(URL, "secret")
    assert site_server.stored_password(URL) == "secret"
    assert site_server.stored_password("postgresql://anna@other/showroom") is None
    assert list(credentials.kept.values()) == ["secret"]
    assert all("secret" not in user for _service, user in credentials.kept)
    site_server.store_password(URL, "")
    assert site_server.stored_password(URL) is None


def test_without_a_credential_store_it_says_to_use_pgpass() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not site_server.credential_store_available()
        assert site_server.stored_password(URL) is None
        with pytest.raises(site_server.NoCredentialStore, match=r"\.pgpass"):
            site_server.store_password(URL, "secret")
    finally:
        keyring.set_keyring(before)


def test_the_connection_test_says_what_answered_or_why_not(
    pg: pg_server.TestServer, credentials: MemoryKeyring
) -> None:
    url = pg.url("postgres", password=None)
    site_server.store_password(url, pg_server.PASSWORD)
    version = site_server.try_connection(url, site_server.stored_password(url))
    assert version.startswith("PostgreSQL ")
    with pytest.raises(Exception) as raised:
        site_server.try_connection(url, "wrong")
    problem = errors.user_problem(raised.value)
    assert problem is not None and problem.kind == "server_authentication"


def test_the_server_opens_with_the_password_from_the_store(
    pg: pg_server.TestServer, pg_url: str, credentials: MemoryKeyring
) -> None:
    url = pg.without_password(pg_url)
    site_server.store_password(url, pg_server.PASSWORD)
    workspace.open_server(url, site_server.stored_password(url))
    try:
        assert people.sign_in_as("anna").username == "anna"
    finally:
        workspace.close_database()
