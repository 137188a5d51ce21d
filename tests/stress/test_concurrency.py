"""Two processes editing the same opportunities, or the same draft quotes: every save over
the other's change is refused, and no saved change is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.db import models as m
from app.domain import money
from app.services import opportunities, quotes, workspace
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
EDITS = 150
QUOTE_EDITS = 150


def _workstations(
    database: Path, data_dir: Path, kind: str, edits: int, ids: list[int]
) -> list[dict[str, Any]]:
    """Run the two editors together; their reports."""
    start = data_dir / "start"
    command = [sys.executable, "-m", "tests.stress.editor", str(database)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    editors = [
        subprocess.Popen(
            [*command, name, str(edits), str(start), kind, *map(str, ids)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ws1", "ws2")
    ]
    start.touch()
    reports = []
    for editor in editors:
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0, err
        reports.append(json.loads(out))
    return reports


def _open(data_dir: Path) -> tuple[Path, workspace.UserInfo]:
    database = workspace.open_database(data_dir / "showroom.sqlite3")
    user = workspace.sign_in("anna")
    for name, full_name in (("ws1", "Workstation One"), ("ws2", "Workstation Two")):
        m.User.create(username=name, full_name=full_name, role="salesperson")
    return database, user


@pytest.mark.slow
def test_two_workstations_never_overwrite_each_other(data_dir: Path) -> None:
    database, user = _open(data_dir)
    ids = [factories.opportunity(user.id, topic=f"Shared {n}").id for n in range(3)]
    versions = {i: opportunities.get(i).version for i in ids}
    workspace.close_database()

    reports = _workstations(database, data_dir, "opportunity", EDITS, ids)

    workspace.open_database(database)
    conflicts = sum(r["conflicts"] for r in reports)
    for opportunity_id in ids:
        saved = [t for r in reports for t in r["saved"][str(opportunity_id)]]
        final = opportunities.get(opportunity_id)
        in_description = [t + ";" for t in final.description.split(";") if t]
        # Every save that went through is there, once, and nothing else is.
        assert sorted(in_description) == sorted(saved)
        # Each of them made exactly one new version.
        assert final.version == versions[opportunity_id] + len(saved)
    assert sum(len(r["saved"][str(i)]) for r in reports for i in ids) == 2 * EDITS
    # The two really did collide, and each collision was caught.
    assert conflicts > 0
    print(f"\n{2 * EDITS} saves by two processes on {len(ids)} opportunities; {conflicts} refused")


@pytest.mark.slow
def test_two_workstations_saving_the_same_draft_quote_lose_no_line(data_dir: Path) -> None:
    database, user = _open(data_dir)
    drafts = [
        quotes.create(factories.opportunity(user.id, topic=f"Quoted {n}").id) for n in range(3)
    ]
    ids = [q.id for q in drafts]
    first_lines = {q.id: [line.description for line in q.lines] for q in drafts}
    versions = {q.id: q.version for q in drafts}
    workspace.close_database()

    reports = _workstations(database, data_dir, "quote", QUOTE_EDITS, ids)

    workspace.open_database(database)
    conflicts = sum(r["conflicts"] for r in reports)
    for quote_id in ids:
        saved = [t for r in reports for t in r["saved"][str(quote_id)]]
        final = quotes.get(quote_id)
        added = [line.description for line in final.lines][len(first_lines[quote_id]) :]
        # The lines it was made with, then one per save that went through, once each, in
        # the order the saves committed: each save was made on the one before.
        assert [line.description for line in final.lines][: len(first_lines[quote_id])] == (
            first_lines[quote_id]
        )
        assert sorted(added) == sorted(saved)
        for report in reports:
            mine = [t for t in added if t in report["saved"][str(quote_id)]]
            assert mine == report["saved"][str(quote_id)]  # each workstation's in its order
        assert final.version == versions[quote_id] + len(saved)
        # The totals kept on the quote, and the opportunity's figures, are the last save's.
        row = m.Quote.get_by_id(quote_id)
        assert row.net_minor == money.to_minor(final.totals.net, final.currency)
        assert row.amount_due_minor == money.to_minor(final.totals.amount_due, final.currency)
        detail = opportunities.get(final.opportunity_id)
        assert detail.est_revenue_accessories == money.from_minor(
            row.accessories_minor, final.currency
        )
    assert sum(len(r["saved"][str(i)]) for r in reports for i in ids) == 2 * QUOTE_EDITS
    assert conflicts > 0
    print(f"\n{2 * QUOTE_EDITS} saves by two processes on {len(ids)} quotes; {conflicts} refused")
