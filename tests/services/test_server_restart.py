"""The site's server restarts (or the network drops) under a running client: the client
connects anew by itself, a save made while the server is away says so in words and changes
nothing, and the same input saves once the server is back; nothing typed is lost."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from app.services import errors, opportunities
from app.services.workspace import UserInfo
from tests import factories, pg_server

pytestmark = pytest.mark.postgresql_only


def test_a_running_client_carries_on_after_the_server_restarts(
    user: UserInfo, pg: pg_server.TestServer
) -> None:
    created = factories.opportunity(user.id, topic="Before the restart")
    opened = opportunities.get(created.id)
    pg.restart(down_for=0.5)
    # The list reads again on a new connection, and the form's save goes through.
    assert opportunities.count(opportunities.OpportunityFilter()) == 1
    saved = opportunities.update(created.id, replace(opened, topic="After"), opened.version)
    assert saved.topic == "After" and saved.version == opened.version + 1


def test_a_save_while_the_server_is_away_says_so_and_saves_once_it_is_back(
    user: UserInfo, pg: pg_server.TestServer
) -> None:
    created = factories.opportunity(user.id, topic="Typed before")
    opened = opportunities.get(created.id)
    typed = replace(opened, topic="Typed while the server was away")
    pg.stop_server()
    try:
        with pytest.raises(Exception) as raised:
            opportunities.update(created.id, typed, opened.version)
        problem = errors.user_problem(raised.value)
        assert problem is not None
        assert problem.kind in {"server_unreachable", "server_restarting"}, problem
    finally:
        pg.start_server()
    # What the form holds (`typed`) is saved as it was, on the first try once it is back.
    saved = opportunities.update(created.id, typed, opened.version)
    assert saved.topic == "Typed while the server was away"


def test_a_save_during_a_restart_waits_for_the_server_and_goes_through(
    user: UserInfo, pg: pg_server.TestServer
) -> None:
    created = factories.opportunity(user.id, topic="During")
    opened = opportunities.get(created.id)
    pg.stop_server()
    back = threading.Timer(1.0, pg.start_server)
    back.start()
    try:
        saved = opportunities.update(
            created.id, replace(opened, topic="Saved across the restart"), opened.version
        )
    finally:
        back.join()
    assert saved.topic == "Saved across the restart"
