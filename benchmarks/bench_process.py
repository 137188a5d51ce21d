"""The salesperson's agenda and a busy opportunity's timeline on a large database.

    PYTHONPATH=. python -m benchmarks.bench_process

Target (issue "The sales process"): both open in under 100 ms with 100,000 opportunities in
the database and 1,000 activities on the opportunity. Printed with the ratio to the raw
SQL that reads the same activity rows, measured in the same run.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from app import demo
from app.db import bulk
from app.services import activities, sign_in, workspace
from benchmarks import synthetic
from benchmarks.timing import median_ms

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(work: Callable[[], object], repeat: int = 15) -> tuple[float, float]:
    return median_ms(work, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=1_000)
    args = parser.parse_args()
    path = synthetic.build(
        ROOT / "bench-data" / f"large-{args.opportunities}" / "showroom.sqlite3",
        args.opportunities,
        args.accounts,
    )
    workspace.open_database(path)
    raw = sqlite3.connect(path)
    # The busiest salesperson, and one of their open opportunities.
    owner_id, open_count = raw.execute(
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
    if have < args.activities:
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
                for i in range(args.activities - have)
            ],
        )
    total = raw.execute("SELECT count(*) FROM opportunity").fetchone()[0]

    timeline_ms, timeline_max = _median_ms(lambda: activities.timeline(opportunity_id))
    raw_ms, _ = _median_ms(
        lambda: raw.execute(
            "SELECT * FROM activity WHERE opportunity_id = ? ORDER BY starts_at DESC",
            (opportunity_id,),
        ).fetchall()
    )
    agenda_ms, agenda_max = _median_ms(lambda: activities.agenda(owner_id))
    print(
        f"timeline: {len(activities.timeline(opportunity_id))} entries of opportunity "
        f"#{opportunity_id} among {total:,}: median {timeline_ms:.1f} ms, worst {timeline_max:.1f} ms "
        f"(target < 100); raw SQL of its activities {raw_ms:.1f} ms, ratio {timeline_ms / raw_ms:.1f}"
    )
    agenda = activities.agenda(owner_id)
    print(
        f"agenda: {user} with {open_count:,} open opportunities: median {agenda_ms:.1f} ms, worst "
        f"{agenda_max:.1f} ms (target < 100); {len(agenda.today)} today, {len(agenda.overdue)} "
        f"overdue, {len(agenda.past_close)} past close, {len(agenda.stale)} stale"
    )
    raw.close()
    workspace.close_database()


if __name__ == "__main__":
    main()
