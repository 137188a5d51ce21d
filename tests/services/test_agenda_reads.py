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
from typing import Any

import pytest

from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.agenda_index import ACTIVITY_INDEX, agenda_indexes
from app.db.steps.stage_entry import AGENDA_INDEX
from app.services import activities
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.upgrades import upgraded_copy

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v19.sqlite3"
NOW = datetime.now().replace(microsecond=0)


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global NOW
    NOW = datetime.now().replace(microsecond=0)


def _plain(
    owner_id: int, today: date, now: datetime
) -> tuple[list[tuple[int, date, datetime | None]], list[tuple[int, date, datetime | None]]]:
    """The owner's open opportunities past their close date, and those with more whole days
    in their stage than it allows, from the tables as they are, by close date and number:
    (id, close date, last move)."""
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
    past, stale = [], []
    for oid, close, stage_id in (
        m.Opportunity.select(m.Opportunity.id, m.Opportunity.est_close_date, m.Opportunity.stage)
        .where((m.Opportunity.owner == owner_id) & (m.Opportunity.status == "open"))
        .tuples()
    ):
        entered = last.get(oid)
        if close < today:
            past.append((oid, close, entered))
        if stage_id in allowed and entered and (now - entered).days > allowed[stage_id]:
            stale.append((oid, close, entered))
    return sorted(past, key=lambda r: (r[1], r[0])), sorted(stale, key=lambda r: (r[1], r[0]))


def _walk(which: str, owner_id: int, today: date, now: datetime, size: int) -> list[Any]:
    """One list of the agenda read `size` sales at a time to its end."""
    shown: list[Any] = []
    while True:
        page = activities.agenda_sales(owner_id, which, shown[-1] if shown else None, today, now,
                                       limit=size)  # fmt: skip
        assert len(page) <= size
        shown += page
        if len(page) < size:
            return shown


def test_the_agenda_flags_counts_and_pages_what_a_plain_query_flags(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(4)
    other = add_user("bert", "salesperson")
    today = date.today()
    ids = []
    # Many sales share a close date, so a page that ends inside one day goes on by number.
    days = [rng.randint(-20, 40) for _ in range(8)]
    for n in range(60):
        owner = user.id if n % 4 else other.id
        sale = factories.opportunity(owner, topic=f"Sale {n}")
        ids.append(sale.id)
        m.Opportunity.update(est_close_date=today + timedelta(days=rng.choice(days))).where(
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
    # On either side of the stage's limit: its allowed days and a second short of one more
    # are not stale (the agenda would say "N days in ... (allowed N)"), one more day is.
    allowed = m.Stage.get_by_id(m.Opportunity.get_by_id(ids[1]).stage_id).days_allowed
    edges = {
        ids[1]: timedelta(days=allowed + 1) - timedelta(seconds=1),
        ids[2]: timedelta(days=allowed + 1),
        ids[3]: timedelta(days=allowed),
    }
    for oid, ago in edges.items():
        m.StageChange.delete().where(m.StageChange.opportunity == oid).execute()
        m.StageChange.create(opportunity=oid, from_stage=None,
                             to_stage=m.Opportunity.get_by_id(oid).stage_id, created_at=NOW - ago)  # fmt: skip
    m.Opportunity.update(status="won").where(m.Opportunity.id.in_(ids[4:9])).execute()
    past, stale = _plain(user.id, today, NOW)
    stale_ids = {r[0] for r in stale}
    assert ids[2] in stale_ids and ids[1] not in stale_ids and ids[3] not in stale_ids
    assert 5 < len(past) < 40 and 5 < len(stale) < 40  # some flagged, some not

    # The counts and the first page come with the agenda; the pages after, read a few at a
    # time, make the same lists in the same order.
    monkeypatch.setattr(activities, "AGENDA_PAGE", 4)
    agenda = activities.agenda(user.id, today, NOW)
    assert (agenda.past_close_count, agenda.stale_count) == (len(past), len(stale))
    assert [o.id for o in agenda.past_close] == [r[0] for r in past[:4]]
    assert [o.id for o in agenda.stale] == [r[0] for r in stale[:4]]
    for which, plain in ((activities.PAST_CLOSE, past), (activities.STALE, stale)):
        for size in (3, 4, 100):
            shown = _walk(which, user.id, agenda.day, agenda.at, size)
            assert [(o.id, o.est_close_date) for o in shown] == [(r[0], r[1]) for r in plain]
    shown = _walk(activities.STALE, user.id, today, NOW, 5)
    assert [o.days_in_stage for o in shown] == [(NOW - r[2]).days for r in stale]
    assert all(o.days_in_stage > 0 and f"{o.days_in_stage} day" in o.reason for o in shown)
    assert [o.topic for o in shown] == [f"Sale {ids.index(o.id)}" for o in shown]
    assert all(o.customer == "Rossi, Maria" for o in shown), {o.customer for o in shown}


@pytest.mark.sqlite_only
def test_the_agenda_reads_the_owners_index_alone_and_todays_appointments_by_day(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.opportunity(user.id)
    plans: list[str] = []
    real = database.obj.execute_sql

    def explained(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        if (sql.lstrip().upper().startswith(("SELECT", "WITH")) and "activity" in sql.lower()) or (
            "WITH flagged" in sql or "count(CASE" in sql
        ):
            plans.extend(str(r[-1]) for r in real("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", explained)
    activities.agenda(user.id)
    assert any(f"COVERING INDEX {AGENDA_INDEX}" in p for p in plans), plans
    # Each page's sales are chosen on the index, then read from the table by their ids.
    flagged = [p for p in plans if "opportunity" in p and "USING" in p and "rowid" not in p]
    assert flagged and all(AGENDA_INDEX in p for p in flagged), plans
    # The latest move is on the sale (steps/stage_entry.py): no probe of the history.
    assert not any("stage_change" in p for p in plans), plans
    assert any(
        f"INDEX {ACTIVITY_INDEX} (owner_id=? AND starts_at>? AND starts_at<?)" in p for p in plans
    ), plans


@pytest.mark.sqlite_only
def test_a_schema_19_database_gains_the_agenda_indexes(data_dir: Path) -> None:
    assert agenda_indexes in STEPS[18:]  # after schema 19's own step
    with sqlite3.connect(FIXTURE) as old:
        before = old.execute("SELECT id, owner_id, status FROM opportunity ORDER BY id").fetchall()
    copy = upgraded_copy(FIXTURE, data_dir, agenda_indexes)
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
