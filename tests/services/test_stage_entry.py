"""Each sale keeps the time of its latest stage move (schema step stage_entry,
`opportunity.stage_entered_at`): whoever writes the stage history (the services' moves,
closes and reopenings, plain SQL inserting, deleting and changing moves, a sale deleted
with its history), the column equals what the history says, on both backends; the step
fills it from the history of a filled schema-24 file and of a server database one version
back, and runs again harmlessly; a move to the server keeps it and its triggers."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from peewee import fn

from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.opportunity_queries import as_datetime
from app.db.steps import STEPS
from app.db.steps.stage_entry import AGENDA_INDEX, TRIGGER_NAMES, stage_entry
from app.services import deals, opportunities, process, workspace
from app.services.move_to_server import move_to_server
from app.services.opportunities import OpportunityInput
from app.services.workspace import UserInfo
from tests import factories, people, pg_server

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v24.sqlite3"
REPLACED_INDEX = "opportunity_owner_id_status_est_close_date_stage_id"
NOW = datetime.now().replace(microsecond=0)


def _from_history() -> dict[int, datetime | None]:
    """Every sale's latest move, read from the history here, not by the program's SQL."""
    latest: dict[int, datetime | None] = {
        oid: None for (oid,) in m.Opportunity.select(m.Opportunity.id).tuples()
    }
    for oid, at in m.StageChange.select(
        m.StageChange.opportunity, m.StageChange.created_at
    ).tuples():
        if latest[oid] is None or at > latest[oid]:
            latest[oid] = at
    return latest


def _kept() -> dict[int, datetime | None]:
    """Every sale's column (not a field of the model: read as the agenda's SQL reads it)."""
    rows = database.execute_sql("SELECT id, stage_entered_at FROM opportunity").fetchall()
    return {oid: as_datetime(at) for oid, at in rows}


def test_every_writer_of_the_history_leaves_the_latest_move_on_the_sale(
    user: UserInfo,
) -> None:
    rng = random.Random(22)
    for n in range(6):
        factories.opportunity(user.id, topic=f"Sale {n}")
    assert _kept() == _from_history()
    assert all(at is not None for at in _kept().values())  # a new sale's first move
    stage_ids = [s for (s,) in m.Stage.select(m.Stage.id).tuples()]
    done: set[str] = set()
    for _step in range(80):
        alive = [oid for (oid,) in m.Opportunity.select(m.Opportunity.id).tuples()]
        moves = [mid for (mid,) in m.StageChange.select(m.StageChange.id).tuples()]
        oid = rng.choice(alive)
        status = m.Opportunity.get_by_id(oid).status
        what = rng.choice(
            ["advance", "close", "reopen", "insert old", "insert new", "delete", "retime", "rehome"]
            + (["delete sale"] if len(alive) > 3 else [])
        )
        if what == "advance" and status == "open":
            process.advance(oid, rng.choice(["interest", "quotation", "contract", "delivery"]))
        elif what == "close" and status == "open":
            if rng.random() < 0.5:
                process.close_won(oid)
            else:
                deals.close_lost([oid], process.lost_reasons()[0])
        elif what == "reopen" and status != "open":
            process.reopen(oid, new_close_date=factories.days(30))
        elif what in ("insert old", "insert new"):
            # A bulk load's plain insert, before or after what the sale holds.
            days = rng.randint(1, 60) * (-1 if what == "insert old" else 1)
            m.StageChange.insert(
                opportunity=oid,
                from_stage=None,
                to_stage=rng.choice(stage_ids),
                created_at=NOW + timedelta(days=days, seconds=rng.randint(0, 999)),
                updated_at=NOW,
            ).execute()
        elif what == "delete" and moves:
            m.StageChange.delete().where(m.StageChange.id == rng.choice(moves)).execute()
        elif what == "retime" and moves:
            m.StageChange.update(created_at=NOW - timedelta(hours=rng.randint(0, 2000))).where(
                m.StageChange.id == rng.choice(moves)
            ).execute()
        elif what == "rehome" and moves:
            m.StageChange.update(opportunity=oid).where(
                m.StageChange.id == rng.choice(moves)
            ).execute()
        elif what == "delete sale":
            m.Opportunity.delete().where(m.Opportunity.id == oid).execute()  # history with it
        else:
            continue
        done.add(what)
        assert _kept() == _from_history(), what
    assert len(done) >= 9, done  # every kind of write happened


@pytest.mark.sqlite_only  # the committed fixture is a SQLite file
def test_a_schema_24_file_gains_each_sale_s_latest_move_from_its_history(
    data_dir: Path,
) -> None:
    assert stage_entry in STEPS
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT version FROM schema_version").fetchone()[0] == 24
        history = dict(
            old.execute(
                "SELECT o.id, (SELECT max(created_at) FROM stage_change WHERE opportunity_id = "
                "o.id) FROM opportunity o ORDER BY o.id"
            ).fetchall()
        )
        moves = old.execute(
            "SELECT count(*) FROM stage_change GROUP BY opportunity_id ORDER BY 1 DESC"
        ).fetchone()[0]
    assert len(history) >= 5 and moves >= 3  # sales with several moves
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        kept = "SELECT id, stage_entered_at FROM opportunity ORDER BY id"
        assert dict(database.execute_sql(kept).fetchall()) == history
        # Again, as after an interruption before its commit: the same values.
        with database.atomic():
            stage_entry(database.obj)
        assert dict(database.execute_sql(kept).fetchall()) == history
        # And kept from then on.
        user = people.sign_in_as("anna")
        sale = factories.opportunity(user.id, topic="After the upgrade").id
        process.advance(sale, "quotation")
        assert _kept() == _from_history()
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as new:
        indexes = {r[1] for r in new.execute('PRAGMA index_list("opportunity")')}
        assert AGENDA_INDEX in indexes and REPLACED_INDEX not in indexes
        triggers = {
            r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert set(TRIGGER_NAMES) <= triggers


@pytest.mark.postgresql_only
def test_a_server_database_one_version_back_gains_each_sale_s_latest_move(
    pg_url: str, data_dir: Path, backend: str
) -> None:
    # The schema as it was: no column, no triggers, the owner's index of schema 20.
    undo = (
        *(f"DROP TRIGGER {name} ON stage_change" for name in TRIGGER_NAMES),
        "DROP FUNCTION stage_entry_move()",
        "ALTER TABLE opportunity DROP COLUMN stage_entered_at",
        f'CREATE INDEX "{REPLACED_INDEX}" '
        'ON "opportunity" ("owner_id", "status", "est_close_date", "stage_id")',
    )
    with pg_server.one_version_back(pg_url, stage_entry, *undo):
        user = people.sign_in_as("anna")
        for n in range(4):
            sale = factories.opportunity(user.id, topic=f"Sale {n}").id
            for key in ("interest", "quotation", "contract")[:n]:
                process.advance(sale, key)
        every_other = [i for (i,) in m.StageChange.select(m.StageChange.id).tuples()][::2]
        m.StageChange.update(created_at=NOW - timedelta(days=9)).where(
            m.StageChange.id.in_(every_other)
        ).execute()
        factories.opportunity(user.id, topic="Without a move")
        m.StageChange.delete().where(
            m.StageChange.opportunity == m.Opportunity.select(fn.MAX(m.Opportunity.id)).scalar()
        ).execute()
        history = _from_history()
        assert None in history.values()
    workspace.open_server(pg_url)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        assert _kept() == history
        with database.atomic():
            stage_entry(database.obj)
        assert _kept() == history
        indexes = {
            r[0]
            for r in database.execute_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'opportunity'"
            ).fetchall()
        }
        assert AGENDA_INDEX in indexes and REPLACED_INDEX not in indexes
        people.sign_in_as("anna")
        process.advance(next(iter(history)), "delivery")
        assert _kept() == _from_history()
    finally:
        workspace.close_database()


@pytest.mark.postgresql_only
def test_a_file_moved_to_the_server_keeps_the_latest_moves_and_their_triggers(
    data_dir: Path, pg: pg_server.TestServer, backend: str
) -> None:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    user = people.sign_in_as("anna")
    sales = [factories.opportunity(user.id, topic=f"Sale {n}").id for n in range(3)]
    process.advance(sales[1], "quotation")
    m.StageChange.update(created_at=NOW - timedelta(days=40)).where(
        m.StageChange.opportunity == sales[2]
    ).execute()
    history = _from_history()
    workspace.close_database()
    url = pg.url(pg.create_database())
    move_to_server(url, source=path)
    workspace.open_server(url)
    try:
        assert _kept() == history
        people.sign_in_as("anna")
        process.advance(sales[2], "contract")
        assert _kept() == _from_history() != history
    finally:
        workspace.close_database()


def test_the_stage_bar_and_a_save_count_the_days_from_the_sale_s_latest_move(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale = factories.opportunity(user.id, topic="Golf").id
    process.advance(sale, "quotation")
    moves = [i for (i,) in m.StageChange.select(m.StageChange.id).tuples()]
    assert len(moves) >= 2
    for days, move in zip(range(20, 0, -1), moves, strict=False):
        m.StageChange.update(created_at=NOW - timedelta(days=days)).where(
            m.StageChange.id == move
        ).execute()
    latest = _from_history()[sale]
    assert latest is not None and latest < NOW - timedelta(days=1)
    read: list[str] = []
    real = database.obj.execute_sql

    def watched(sql: str, *args: object, **kwargs: object) -> object:
        read.append(sql)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", watched)
    # The stage bar: the days since the latest move, read from the sale, not its history.
    shown = process.overview(sale, now=NOW)
    assert shown.days_in_stage == (NOW - latest).total_seconds() / 86_400
    assert not [s for s in read if "stage_change" in s], read
    # A save that leaves the stage: the bar it answers with counts from the same move.
    detail = opportunities.get(sale)
    data = OpportunityInput(**{f.name: getattr(detail, f.name) for f in fields(OpportunityInput)})
    data.topic = "Golf GTI"
    read.clear()
    answer = opportunities.save(sale, data, detail.version)
    assert answer.overview is not None
    assert (
        abs(answer.overview.days_in_stage - (datetime.now() - latest).total_seconds() / 86_400)
        < 0.01
    )
    assert not [
        s for s in read if "stage_change" in s.lower() and s.lstrip().upper().startswith("SELECT")
    ], read
