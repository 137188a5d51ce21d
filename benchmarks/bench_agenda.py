"""The busiest salesperson's agenda, and the busiest team's (a sales manager's view), at
10,000, 100,000 and 300,000 opportunities.

    PYTHONPATH=. python -m benchmarks.bench_agenda [--sizes 10000 100000 300000] [--repeat 21]

Targets (issue 22): p95 < 100 ms at 100,000 opportunities, and no growth faster than the
data's (see measure.Targets.growth), on the agenda's own figures: not excused by a baseline
that grew as much; the same targets for the team's agenda. Timed interleaved with two baselines written from the schema, not from
the program's queries, sent straight to sqlite3: the salesperson's open opportunities with
their customer, stage and latest stage move (the sale's `stage_entered_at`), tested and
sorted in Python, and today's and the overdue activities; and the same with the latest move
read from the stage history, a probe per sale, as before schema step stage_entry. Both must
find the program's agenda: the same counts and the same first page of each list of sales
(the agenda reads the further pages as its lists are scrolled). The team's agenda is timed
interleaved with the same plain reading of the team's open sales: its members' (the users
of the team) and the ones it holds untaken (no owner), and its members' activities. Exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path

from app import demo
from app.services import activities, sign_in, workspace
from benchmarks import synthetic
from benchmarks.measure import Targets, interleaved

ROOT = Path(__file__).resolve().parent.parent

OPEN_SALES = """
    SELECT o.id, o.topic, a.name, s.name, o.est_close_date, s.days_allowed, {latest}
    FROM opportunity o
    JOIN account a ON a.id = o.account_id
    LEFT JOIN stage s ON s.id = o.stage_id
    WHERE {whose} AND o.status = 'open'
"""
# One salesperson's, or a team's: its members' and what it holds untaken.
OWNER = "o.owner_id = ?"
TEAM = (
    'o.owner_id IN (SELECT id FROM "user" WHERE team_id = ?) '
    "OR (o.owner_id IS NULL AND o.team_id = ?)"
)
MEMBERS = 'a.owner_id IN (SELECT id FROM "user" WHERE team_id = ?)'
LATEST = {
    "column": "o.stage_entered_at",
    "history": "(SELECT max(created_at) FROM stage_change WHERE opportunity_id = o.id)",
}
TODAY = """
    SELECT a.id, a.kind, a.subject, a.starts_at, c.name FROM activity a
    LEFT JOIN account c ON c.id = a.account_id
    WHERE {whose} AND a.starts_at >= ? AND a.starts_at < ?
      AND a.kind IN ('appointment', 'test_drive') ORDER BY a.starts_at
"""
OVERDUE = """
    SELECT a.id, a.kind, a.subject, a.starts_at, c.name FROM activity a
    LEFT JOIN account c ON c.id = a.account_id
    WHERE {whose} AND NOT a.done AND a.starts_at < ?
      AND a.kind NOT IN ('note', 'email') ORDER BY a.starts_at
"""


Found = tuple[int, int, int, int, list[int], list[int]]


def baseline(
    conn: sqlite3.Connection, owner_id: int, latest: str = "column", team_id: int | None = None
) -> Found:
    """The agenda from the tables: every open sale of the owner (or of the team) read and
    tested here, its latest move from the sale's column or from the history: how many
    today, overdue, past their close date and stale, and the first page of the last two, by
    close date and id."""
    now = datetime.now()
    today = date.today()
    start = datetime.combine(today, time.min)
    end = start + timedelta(days=1)
    if team_id is None:
        sales, sales_params = OWNER, [owner_id]
        activity, activity_params = "a.owner_id = ?", [owner_id]
    else:
        sales, sales_params = f"({TEAM})", [team_id, team_id]
        activity, activity_params = MEMBERS, [team_id]
    todays = conn.execute(
        TODAY.format(whose=activity), (*activity_params, str(start), str(end))
    ).fetchall()
    overdue = conn.execute(OVERDUE.format(whose=activity), (*activity_params, str(start)))
    overdue = overdue.fetchall()
    past, stale = [], []
    for oid, _topic, _customer, _stage, close, allowed, entered in conn.execute(
        OPEN_SALES.format(latest=LATEST[latest], whose=sales), sales_params
    ):
        if close < today.isoformat():
            past.append((close, oid))
        # Whole days in the stage, more than it allows.
        days = (now - datetime.fromisoformat(entered)).days if entered is not None else 0
        if allowed is not None and days > allowed:
            stale.append((close, oid))
    first = [
        [oid for _close, oid in sorted(rows)[: activities.AGENDA_PAGE]] for rows in (past, stale)
    ]
    return len(todays), len(overdue), len(past), len(stale), first[0], first[1]


Figures = tuple[float, float, float, float]


def _found(agenda: activities.Agenda) -> Found:
    return (
        len(agenda.today),
        len(agenda.overdue),
        agenda.past_close_count,
        agenda.stale_count,
        [o.id for o in agenda.past_close],
        [o.id for o in agenda.stale],
    )


def bench(opportunities: int, repeat: int) -> tuple[Figures, Figures]:
    path = synthetic.build(
        ROOT / "bench-data" / f"large-{opportunities}" / "showroom.sqlite3",
        opportunities,
        opportunities // 2,
    )
    workspace.open_database(path)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA cache_size = -32000")  # the program's page cache
    owner_id, open_count = raw.execute(
        "SELECT owner_id, count(*) FROM opportunity WHERE status = 'open' GROUP BY owner_id "
        "ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    login = raw.execute('SELECT username FROM "user" WHERE id = ?', (owner_id,)).fetchone()[0]
    sign_in.sign_in(login, demo.DEMO_PASSWORD)
    found = _found(activities.agenda(owner_id))
    # The same agenda, or the timing means nothing; from the history too, so the sales'
    # column is checked against it at this size.
    for latest in LATEST:
        plain = baseline(raw, owner_id, latest)
        assert found == plain, (latest, found, plain)
    times = interleaved(
        {
            "app": lambda: activities.agenda(owner_id),
            "plain": lambda: baseline(raw, owner_id),
            "history": lambda: baseline(raw, owner_id, "history"),
        },
        repeat,
    )
    app, base, history = times["app"], times["plain"], times["history"]
    print(
        f"{opportunities:,} opportunities, {login} with {open_count:,} open ({found[0]} today, "
        f"{found[1]} overdue, {found[2]} past close, {found[3]} stale): agenda {app}; plain "
        f"query {base}; ratio of medians {app.median / base.median:.2f}; plain query probing "
        f"the history {history}"
    )
    team = bench_team(raw, owner_id, repeat)
    raw.close()
    workspace.close_database()
    return (app.median, app.p95, base.median, history.median), team


def bench_team(raw: sqlite3.Connection, user_id: int, repeat: int) -> Figures:
    """The agenda of the team with the most open sales (its members' and its untaken
    ones), as its sales manager reads it, against the plain reading of the team."""
    team_id, open_count = raw.execute(
        """SELECT t.id, (SELECT count(*) FROM opportunity o WHERE o.status = 'open' AND
               (o.owner_id IN (SELECT id FROM "user" WHERE team_id = t.id)
                OR (o.owner_id IS NULL AND o.team_id = t.id))) AS n
           FROM team t ORDER BY n DESC LIMIT 1"""
    ).fetchone()
    members = raw.execute('SELECT count(*) FROM "user" WHERE team_id = ?', (team_id,))
    untaken = raw.execute(
        "SELECT count(*) FROM opportunity WHERE owner_id IS NULL AND team_id = ? "
        "AND status = 'open'",
        (team_id,),
    ).fetchone()[0]
    found = _found(activities.agenda(user_id, team_id=team_id))
    plain = baseline(raw, user_id, team_id=team_id)
    assert found == plain, (found, plain)
    times = interleaved(
        {
            "app": lambda: activities.agenda(user_id, team_id=team_id),
            "plain": lambda: baseline(raw, user_id, team_id=team_id),
        },
        repeat,
    )
    app, base = times["app"], times["plain"]
    print(
        f"    team {team_id} ({members.fetchone()[0]} members) with {open_count:,} open, "
        f"{untaken:,} of them untaken ({found[0]} today, {found[1]} overdue, {found[2]:,} "
        f"past close, {found[3]:,} stale): team agenda {app}; plain query {base}; ratio of "
        f"medians {app.median / base.median:.2f}"
    )
    return app.median, app.p95, base.median, base.p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    targets = Targets()
    both = {size: bench(size, args.repeat) for size in args.sizes}
    for what, which in (("agenda", 0), ("team's agenda", 1)):
        results = {size: figures[which] for size, figures in both.items()}
        if 100_000 in results:
            targets.below(f"{what} p95 at 100,000 opportunities", results[100_000][1], 100)
        for small, large in itertools.pairwise(sorted(results)):
            targets.growth(
                what,
                (small, large),
                (results[small][0], results[large][0]),
                (results[small][2], results[large][2]),
                excusable=False,
            )
            if which == 0:
                history = results[large][3] / results[small][3]
                print(f"    (the plain query probing the history: x{history:.1f})")
    targets.exit()


if __name__ == "__main__":
    main()
