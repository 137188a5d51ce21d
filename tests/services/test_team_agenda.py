"""A team's agenda (a sales manager's view) reads index ranges, not every open sale, and
finds what it found before: its members' open sales and the ones the team holds untaken,
past their close date or stale, the same counts and the same pages in the same order as a
plain reading of the tables, on both backends; on SQLite each range is read from its
index (the owner's, once per member, and the untaken sales' of schema step team_agenda);
the step upgrades a filled schema-31 database and runs again harmlessly."""

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
from app.db.steps.stage_entry import AGENDA_INDEX
from app.db.steps.team_agenda import UNTAKEN_INDEX, team_agenda
from app.services import activities
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.upgrades import upgraded_copy

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema-v31.sqlite3"

Plain = list[tuple[int, date]]


def _plain(team_id: int, today: date, now: datetime) -> tuple[Plain, Plain]:
    """The team's open sales (its members' and its untaken ones) past their close date,
    and those with more whole days in their stage than it allows, from the tables as they
    are, by close date and number."""
    allowed = dict(
        m.Stage.select(m.Stage.id, m.Stage.days_allowed)
        .where(m.Stage.days_allowed.is_null(False))
        .tuples()
    )
    members = {u.id for u in m.User.select(m.User.id).where(m.User.team == team_id)}
    last: dict[int, datetime] = {}
    for opportunity_id, at in m.StageChange.select(
        m.StageChange.opportunity, m.StageChange.created_at
    ).tuples():
        if opportunity_id not in last or at > last[opportunity_id]:
            last[opportunity_id] = at
    past, stale = [], []
    for oid, owner, team, close, stage_id in (
        m.Opportunity.select(m.Opportunity.id, m.Opportunity.owner, m.Opportunity.team,
                             m.Opportunity.est_close_date, m.Opportunity.stage)
        .where(m.Opportunity.status == "open")
        .tuples()
    ):  # fmt: skip
        if not (owner in members or (owner is None and team == team_id)):
            continue
        entered = last.get(oid)
        if close < today:
            past.append((oid, close))
        if stage_id in allowed and entered and (now - entered).days > allowed[stage_id]:
            stale.append((oid, close))
    return sorted(past, key=lambda r: (r[1], r[0])), sorted(stale, key=lambda r: (r[1], r[0]))


def _walk(which: str, user_id: int, team_id: int, today: date, now: datetime, size: int) -> Any:
    shown: list[Any] = []
    while True:
        page = activities.agenda_sales(user_id, which, shown[-1] if shown else None, today, now,
                                       team_id=team_id, limit=size)  # fmt: skip
        assert len(page) <= size
        shown += page
        if len(page) < size:
            return shown


def _teams(user: UserInfo) -> tuple[int, list[int]]:
    """Two teams of three salespeople, a salesperson of none, and 90 sales among them,
    owned and untaken, open and closed, many sharing a close date, at various ages."""
    rng = random.Random(22)
    north = m.Team.create(name="North").id
    south = m.Team.create(name="South").id
    people = [add_user(f"north{n}", team=north).id for n in range(3)]
    people += [add_user(f"south{n}", team=south).id for n in range(3)]
    people.append(add_user("loner").id)
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    days = [rng.randint(-20, 40) for _ in range(6)]
    ids = []
    for n in range(90):
        owner = rng.choice(people)
        sale = factories.opportunity(owner, topic=f"Sale {n}")
        ids.append(sale.id)
        # (The history's triggers keep the sale's time in its stage.)
        m.StageChange.update(created_at=now - timedelta(days=rng.randint(0, 90))).where(
            m.StageChange.opportunity == sale.id
        ).execute()
        change: dict[str, Any] = {"est_close_date": today + timedelta(days=rng.choice(days))}
        if n % 5 == 0:  # untaken, held by a team
            change.update(owner=None, team=rng.choice((north, south)))
        if n % 11 == 0:
            change["status"] = "won"
        m.Opportunity.update(**change).where(m.Opportunity.id == sale.id).execute()
    return north, ids


def test_a_teams_agenda_counts_and_pages_what_a_plain_reading_finds(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    north, _ids = _teams(user)
    today, now = date.today(), datetime.now().replace(microsecond=0)
    past, stale = _plain(north, today, now)
    assert 10 < len(past) < 40 and 5 < len(stale) < 40, (len(past), len(stale))
    untaken = {o.id for o in m.Opportunity.select().where(m.Opportunity.owner.is_null())}
    assert untaken & {r[0] for r in past} and untaken & {r[0] for r in stale}

    monkeypatch.setattr(activities, "AGENDA_PAGE", 4)
    agenda = activities.agenda(user.id, today, now, team_id=north)
    assert (agenda.past_close_count, agenda.stale_count) == (len(past), len(stale))
    assert [o.id for o in agenda.past_close] == [r[0] for r in past[:4]]
    assert [o.id for o in agenda.stale] == [r[0] for r in stale[:4]]
    for which, plain in ((activities.PAST_CLOSE, past), (activities.STALE, stale)):
        for size in (1, 3, 4, 100):
            shown = _walk(which, user.id, north, agenda.day, agenda.at, size)
            assert [(o.id, o.est_close_date) for o in shown] == plain, (which, size)


@pytest.mark.sqlite_only
def test_a_teams_agenda_reads_its_members_and_untaken_ranges_from_their_indexes(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    north, _ids = _teams(user)
    plans: list[str] = []
    real = database.obj.execute_sql

    def explained(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        if "WITH flagged" in sql or "count(CASE" in sql:
            plans.extend(str(r[-1]) for r in real("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", explained)
    agenda = activities.agenda(user.id, team_id=north)
    activities.agenda_sales(user.id, activities.STALE, agenda.stale[-1], agenda.day,
                            agenda.at, team_id=north)  # fmt: skip
    # The sales are chosen from the two indexes alone (then a page read by its ids):
    # three members' ranges and the untaken one, for the counts and each page.
    chosen = [p for p in plans if "SEARCH o" in p and "rowid" not in p]
    assert sum(f"COVERING INDEX {AGENDA_INDEX} (owner_id=? AND status=?" in p
               for p in chosen) == 3 * 4, plans  # fmt: skip
    assert sum(f"COVERING INDEX {UNTAKEN_INDEX} (team_id=? AND status=?" in p
               for p in chosen) == 4, plans  # fmt: skip
    assert len(chosen) == 4 * 4, plans
    # The page after another starts at its close date in each range's index.
    assert any("est_close_date>?" in p for p in chosen), plans


@pytest.mark.sqlite_only
def test_a_schema_31_database_gains_the_untaken_sales_index(data_dir: Path) -> None:
    assert team_agenda in STEPS[30:]  # after schema 31's own step
    with sqlite3.connect(FIXTURE) as old:
        assert old.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 31
        before = old.execute("SELECT * FROM opportunity ORDER BY id").fetchall()
        assert UNTAKEN_INDEX not in {r[1] for r in old.execute('PRAGMA index_list("opportunity")')}
    copy = upgraded_copy(FIXTURE, data_dir, team_agenda)
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        assert new.execute("SELECT * FROM opportunity ORDER BY id").fetchall() == before
        assert UNTAKEN_INDEX in {r[1] for r in new.execute('PRAGMA index_list("opportunity")')}
        held = new.execute(
            f'SELECT count(*) FROM opportunity INDEXED BY "{UNTAKEN_INDEX}" '
            "WHERE owner_id IS NULL AND team_id IS NOT NULL"
        ).fetchone()[0]
        assert (
            held
            == new.execute(
                "SELECT count(*) FROM opportunity WHERE owner_id IS NULL AND team_id IS NOT NULL"
            ).fetchone()[0]
        )
        assert new.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
