"""The agenda reads less and finds the same: a salesperson's overdue and stale opportunities
equal what a plain query written from the schema finds, on both backends; the owner's index
holds what the agenda tests (no table read per opportunity) and today's appointments are
read by their day; the schema step that makes the indexes upgrades a filled schema-19
database and runs again harmlessly."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db import migrations, queries
from app.db import models as m
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.agenda_index import ACTIVITY_INDEX, agenda_indexes
from app.db.steps.stage_entry import AGENDA_INDEX
from app.services import workspace
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v19.sqlite3"
NOW = datetime.now().replace(microsecond=0)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global NOW
    NOW = datetime.now().replace(microsecond=0)


def _plain(owner_id: int, today: date, now: datetime) -> list[tuple[int, date, datetime | None]]:
    """The owner's open opportunities past their close date or longer in their stage than it
    allows, from the tables as they are: (id, close date, last move)."""
    allowed = dict(
        m.Stage.select(m.Stage.id, m.Stage.days_allowed)
        .where(m.Stage.days_allowed.is_null(False))
        .tuples()
    )
    last: dict[int, datetime] = {}
    for opportunity_id, at in m.StageChange.select(
        m.StageChange.opportunity, m.StageChange.created_at
    ).tuples():
        if opportunity_id not in last or at > last[opportunity_id]:
            last[opportunity_id] = at
    found = []
    for oid, close, stage_id in (
        m.Opportunity.select(m.Opportunity.id, m.Opportunity.est_close_date, m.Opportunity.stage)
        .where((m.Opportunity.owner == owner_id) & (m.Opportunity.status == "open"))
        .tuples()
    ):
        entered = last.get(oid)
        stale = (
            stage_id in allowed
            and entered is not None
            and entered < now - timedelta(days=allowed[stage_id])
        )
        if close < today or stale:
            found.append((oid, close, entered))
    return sorted(found, key=lambda r: (r[1], r[0]))


def test_the_agenda_flags_what_a_plain_query_flags(user: UserInfo) -> None:
    rng = random.Random(4)
    other = add_user("bert", "salesperson")
    today = date.today()
    ids = []
    for n in range(60):
        owner = user.id if n % 4 else other.id
        sale = factories.opportunity(owner, topic=f"Sale {n}")
        ids.append(sale.id)
        m.Opportunity.update(est_close_date=today + timedelta(days=rng.randint(-20, 40))).where(
            m.Opportunity.id == sale.id
        ).execute()
        # A history of moves at various ages; some sales moved again later.
        m.StageChange.update(created_at=NOW - timedelta(days=rng.randint(0, 90))).where(
            m.StageChange.opportunity == sale.id
        ).execute()
        if rng.random() < 0.4:
            m.StageChange.create(
                opportunity=sale.id,
                from_stage=None,
                to_stage=sale.stage_id,
                created_at=NOW - timedelta(days=rng.randint(0, 10)),
            )
    m.Opportunity.update(status="won").where(m.Opportunity.id.in_(ids[:5])).execute()
    rows = queries.agenda_opportunities(user.id, today, NOW)
    found = [(r[0], r[5], r[7]) for r in rows]
    assert found == _plain(user.id, today, NOW)
    assert 5 < len(found) < 45  # some flagged, some not
    assert [r[1] for r in rows] == [f"Sale {ids.index(r[0])}" for r in rows]


@pytest.mark.sqlite_only
def test_the_agenda_reads_the_owners_index_alone_and_todays_appointments_by_day(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import activities

    factories.opportunity(user.id)
    plans: list[str] = []
    real = database.obj.execute_sql

    def explained(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        if (sql.lstrip().upper().startswith(("SELECT", "WITH")) and "activity" in sql.lower()) or (
            "WITH mine" in sql
        ):
            plans.extend(str(r[-1]) for r in real("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", explained)
    activities.agenda(user.id)
    assert any(f"COVERING INDEX {AGENDA_INDEX}" in p for p in plans), plans
    # The latest move is on the sale (steps/stage_entry.py): no probe of the history.
    assert not any("stage_change" in p for p in plans), plans
    assert any(
        f"INDEX {ACTIVITY_INDEX} (owner_id=? AND starts_at>? AND starts_at<?)" in p for p in plans
    ), plans


@pytest.mark.sqlite_only
def test_a_schema_19_database_gains_the_agenda_indexes(data_dir: Path) -> None:
    assert agenda_indexes in STEPS[18:]  # after schema 19's own step
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(FIXTURE) as old:
        before = old.execute("SELECT id, owner_id, status FROM opportunity ORDER BY id").fetchall()
    workspace.open_database(copy)
    try:
        with database.atomic():
            agenda_indexes(database.obj)  # again, as after an interruption: no change
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert (
            new.execute("SELECT id, owner_id, status FROM opportunity ORDER BY id").fetchall()
            == before
        )
        opportunity_indexes = {r[1] for r in new.execute('PRAGMA index_list("opportunity")')}
        # Widened since by steps/stage_entry.py, under a name of its own.
        assert AGENDA_INDEX in opportunity_indexes
        assert "opportunity_owner_id_status_est_close_date" not in opportunity_indexes
        assert ACTIVITY_INDEX in {r[1] for r in new.execute('PRAGMA index_list("activity")')}
