"""Backups on the site's server: pg_dump's custom format into the backup folder, restored
with pg_restore into the same database after the current one is dumped aside; without the
client tools, a message that says how the administrator backs up instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.db import server_backups
from app.services import backups, opportunities, workspace
from app.services.backups import BackupError
from app.services.workspace import UserInfo
from tests import factories, people

pytestmark = pytest.mark.postgresql_only


def test_a_server_backup_is_a_dump_that_restores_into_the_same_database(
    user: UserInfo, db: Path, pg_url: str, data_dir: Path
) -> None:
    kept = factories.opportunity(user.id, topic="In the dump")
    copy = backups.take_backup()
    assert copy.path.suffix == ".dump" and copy.path.read_bytes()[:5] == b"PGDMP"
    factories.opportunity(user.id, topic="After the dump")
    assert opportunities.count(opportunities.OpportunityFilter()) == 2

    aside = backups.restore_server(copy.path)
    assert aside.name.startswith("set-aside-") and aside.read_bytes()[:5] == b"PGDMP"
    workspace.open_server(pg_url)
    people.sign_in_as("anna")
    rows = opportunities.page(opportunities.OpportunityFilter(), "id", False, 0, 10)
    assert [r.topic for r in rows] == ["In the dump"] and rows[0].id == kept.id
    # The search and the ids go on as before the restore.
    assert opportunities.count(opportunities.OpportunityFilter(text="dump")) == 1
    assert factories.opportunity(user.id, topic="Next").id > kept.id


def test_without_the_client_tools_it_says_how_to_back_up_instead(
    user: UserInfo, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_backups, "tool", lambda _name: None)
    with pytest.raises(BackupError, match="pg_dump --format=custom"):
        backups.take_backup()


def test_main_backs_up_and_restores_the_server_from_the_command_line(
    user: UserInfo,
    db: Path,
    pg_url: str,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    signed_in_commands: None,
) -> None:
    import main

    factories.opportunity(user.id, topic="Kept")
    workspace.close_database()
    common = ["--data-dir", str(data_dir), "--database", pg_url]
    assert main.main([*common, "backup"]) == 0
    said = capsys.readouterr().out
    assert "backed up postgresql://postgres@" in said and "showroom_test" in said
    assert "showroom-test" not in said  # the password is never printed
    [dump] = list((data_dir / "backups").glob("showroom-*.dump"))
    assert main.main([*common, "restore", dump.name]) == 0
    assert "the database as it was is in" in capsys.readouterr().out
