"""The writer the crash test kills: one process that loads the program once and forks a
writer on request, so a hundred kills cost a hundred forks, not a hundred start-ups.

    python -m tests.stress.crash_writer DATABASE

reads commands on stdin, one a line, and answers each on stdout:

    fork SEED   start a writer (a child process) and answer its pid
    reap PID    wait for that writer to be gone and answer "reaped"
    quit        end

A writer loops forever, each round one transaction: a customer with their contact, an
opportunity (with its first stage change and close date) and K activities, the topic
saying K; every third round also a small lead import (5 rows, one transaction) tagged with
its batch, and a change to an older opportunity. It never stops by itself: it is killed.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app.db import models as m
from app.db.connection import open_sqlite, transaction
from app.services import accounts, activities, leads, opportunities, workspace

LEAD_BATCH = 5


def prepare(database: Path) -> None:
    workspace.open_database(database)
    workspace.sign_in("writer")
    workspace.close_database()


def _round(seed: int, n: int, rng: random.Random, user_id: int) -> None:
    k = 1 + rng.randrange(6)
    with transaction():
        account = accounts.create(
            accounts.AccountInput(first_name=f"W{seed}", last_name=f"Round {n}"),
            confirmed_new=True,
        )
        data = opportunities.new_input(user_id)
        data.account_id = account.id
        data.topic = f"crash {seed}-{n} k={k}"
        data.est_revenue = Decimal(rng.randrange(10_000, 60_000))
        data.description = "x" * rng.randrange(0, 3000)
        created = opportunities.create(data)
        for i in range(k):
            activities.create(
                activities.ActivityInput(
                    kind="call",
                    subject=f"call {i + 1} of {k}",
                    starts_at=datetime(2026, 12, 1, 9) + timedelta(minutes=i),
                    opportunity_id=created.id,
                    owner_id=user_id,
                    direction="out",
                )
            )
    if n % 3 == 0:
        rows = "\n".join(
            f"Lead{i},B{seed}x{n},b{seed}x{n}.{i}@example.com,batch {seed}-{n}"
            for i in range(LEAD_BATCH)
        )
        leads.import_csv(f"first_name,last_name,email,source\n{rows}\n".encode())
        older = m.Opportunity.select().order_by(m.Opportunity.id).first()
        if older is not None and older.status == "open":
            detail = opportunities.get(older.id)
            detail.source = f"touched {seed}-{n}"
            opportunities.update(older.id, detail, detail.version)


def write_forever(database: Path, seed: int) -> None:
    open_sqlite(database)
    user = workspace.sign_in("writer")
    rng = random.Random(seed)
    n = 0
    while True:
        _round(seed, n, rng, user.id)
        n += 1


def serve(database: Path) -> int:
    prepare(database)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "fork":
            pid = os.fork()
            if pid == 0:
                try:
                    write_forever(database, int(argument))
                finally:
                    os._exit(1)
            print(pid, flush=True)
        elif command == "reap":
            os.waitpid(int(argument), 0)
            print("reaped", flush=True)
        elif command == "quit":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
