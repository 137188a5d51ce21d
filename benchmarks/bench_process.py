"""A busy opportunity's timeline at 10,000, 100,000 and 300,000 opportunities (the agenda:
bench_agenda).

    PYTHONPATH=. python -m benchmarks.bench_process [--sizes 10000 100000 300000]

Targets (issues "The sales process" and 22): it opens in under 100 ms (p95) with 100,000
opportunities in the database and 1,000 activities on the opportunity, and grows no faster
than the data (measure.Targets.growth). Timed interleaved with a baseline written from the
schema: the opportunity's activities, stage moves and close-date changes read with plain
SQL sent straight to sqlite3. Exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from app import demo
from app.db import bulk
from app.services import activities, sign_in, workspace
from benchmarks import synthetic
from benchmarks.measure import Figures, Targets, interleaved

ROOT = Path(__file__).resolve().parent.parent


def bench(opportunities: int, activity_count: int, repeat: int) -> tuple[Figures, Figures]:
    """The timeline at one size: the program's figures and the baseline's."""
    path = synthetic.build(
        ROOT / "bench-data" / f"large-{opportunities}" / "showroom.sqlite3",
        opportunities,
        opportunities // 2,
    )
    workspace.open_database(path)
    raw = sqlite3.connect(path)
    # The busiest salesperson, and one of their open opportunities.
    owner_id, _open_count = raw.execute(
        "SELECT owner_id, count(*) FROM opportunity WHERE status = 'open' GROUP BY owner_id "
        "ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    opportunity_id, account_id = raw.execute(
        "SELECT id, account_id FROM opportunity WHERE owner_id = ? AND status = 'open' LIMIT 1",
        (owner_id,),
    ).fetchone()
    user = raw.execute('SELECT username FROM "user" WHERE id = ?', (owner_id,)).fetchone()[0]
    sign_in.sign_in(user, demo.DEMO_PASSWORD)
    have = raw.execute(
        "SELECT count(*) FROM activity WHERE opportunity_id = ?", (opportunity_id,)
    ).fetchone()[0]
    if have < activity_count:
        now = datetime.now().replace(microsecond=0)
        kinds = ["call", "email", "note", "task", "appointment"]
        bulk.insert_rows(
            "activity",
            (
                "kind",
                "subject",
                "description",
                "starts_at",
                "ends_at",
                "done",
                "owner_id",
                "opportunity_id",
                "account_id",
                "direction",
                "note_reason",
            ),
            [
                (
                    kinds[i % 5],
                    f"Contact #{i}",
                    "",
                    now - timedelta(hours=i),
                    None,
                    i % 3 != 0,
                    owner_id,
                    opportunity_id,
                    account_id,
                    "out" if i % 5 == 0 else "",
                    "",
                )
                for i in range(activity_count - have)
            ],
        )
    total = raw.execute("SELECT count(*) FROM opportunity").fetchone()[0]

    def plain() -> None:
        raw.execute(
            'SELECT a.*, u.full_name FROM activity a LEFT JOIN "user" u ON u.id = a.owner_id '
            "WHERE a.opportunity_id = ? ORDER BY a.starts_at DESC LIMIT 2000",
            (opportunity_id,),
        ).fetchall()
        raw.execute(
            "SELECT * FROM stage_change WHERE opportunity_id = ? ORDER BY created_at",
            (opportunity_id,),
        ).fetchall()
        raw.execute(
            "SELECT * FROM audit_entry WHERE entity = 'opportunity' AND entity_id = ? ORDER BY at",
            (opportunity_id,),
        ).fetchall()

    times = interleaved(
        {"app": lambda: activities.timeline(opportunity_id), "plain": plain}, repeat
    )
    app, base = times["app"], times["plain"]
    print(
        f"{opportunities:,} opportunities, timeline: {len(activities.timeline(opportunity_id))} entries of opportunity "
        f"#{opportunity_id} among {total:,}: {app}; plain SQL of its activities, moves and "
        f"history {base}; ratio of medians {app.median / base.median:.1f}"
    )
    raw.close()
    workspace.close_database()
    return app, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--activities", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    targets = Targets()
    results = {size: bench(size, args.activities, args.repeat) for size in args.sizes}
    if 100_000 in results:
        targets.below("timeline p95 at 100,000 opportunities", results[100_000][0].p95, 100)
    for small, large in itertools.pairwise(sorted(results)):
        targets.growth(
            "timeline",
            (small, large),
            (results[small][0].median, results[large][0].median),
            (results[small][1].median, results[large][1].median),
        )
    targets.exit()


if __name__ == "__main__":
    main()
