"""Killed at any moment, the program leaves a sound database with every sale whole or absent."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stress.crash_writer import LEAD_BATCH

ROOT = Path(__file__).resolve().parents[2]
KILLS = 120


def _check(path: Path) -> tuple[int, int]:
    """Integrity, foreign keys, and every opportunity whole; returns (opportunities,
    activities) in the file."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = conn.execute(
            """SELECT o.id, o.topic,
                      (SELECT count(*) FROM activity a WHERE a.opportunity_id = o.id),
                      (SELECT count(*) FROM stage_change s WHERE s.opportunity_id = o.id),
                      (SELECT count(*) FROM close_date_change c WHERE c.opportunity_id = o.id),
                      (SELECT count(*) FROM contact c WHERE c.account_id = o.account_id)
               FROM opportunity o"""
        ).fetchall()
        for opportunity_id, topic, acts, stages, closes, contacts in rows:
            match = re.fullmatch(r"crash \d+-\d+ k=(\d)", topic)
            assert match, topic
            whole = (acts, stages >= 1, closes >= 1, contacts >= 1)
            assert whole == (int(match[1]), True, True, True), (opportunity_id, topic, whole)
        # Customers come only with their opportunity, in the same transaction.
        assert conn.execute(
            "SELECT count(*) FROM account WHERE id NOT IN (SELECT account_id FROM opportunity)"
        ).fetchone() == (0,)
        batches = conn.execute("SELECT count(*) FROM lead GROUP BY source").fetchall()
        assert all(count == (LEAD_BATCH,) for count in batches), batches
        hits = conn.execute(
            "SELECT count(*) FROM opportunity_search WHERE opportunity_search MATCH 'crash'"
        ).fetchone()[0]
        assert hits == len(rows)
        activities = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
        return len(rows), activities
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer is forked (POSIX only)")
def test_a_writer_killed_at_random_moments_leaves_a_sound_database(tmp_path: Path) -> None:
    database = tmp_path / "showroom.sqlite3"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.stress.crash_writer", str(database)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert server.stdin is not None and server.stdout is not None
    rng = random.Random(20261201)
    started = time.monotonic()
    grew = 0
    seen = (0, 0)
    try:
        for kill in range(KILLS):
            server.stdin.write(f"fork {kill}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            time.sleep(rng.uniform(0.01, 0.12))
            os.kill(pid, signal.SIGKILL)
            server.stdin.write(f"reap {pid}\n")
            server.stdin.flush()
            assert server.stdout.readline().strip() == "reaped"
            counts = _check(database)
            grew += counts[0] > seen[0]
            seen = counts
        server.stdin.write("quit\n")
        server.stdin.flush()
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdin.close()
        server.stdout.close()
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s; {seen[0]} opportunities with {seen[1]} "
        f"activities survived whole; the writer got further before {grew} of the kills"
    )
    # The kills hit a writer at work, not one still starting up.
    assert seen[0] > KILLS // 2 and grew > KILLS // 4
    assert elapsed < 60
