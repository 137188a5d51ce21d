"""Two processes editing the same opportunities: every save over the other's change is
refused, and no saved change is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import models as m
from app.services import opportunities, workspace
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
EDITS = 150


@pytest.mark.slow
def test_two_workstations_never_overwrite_each_other(data_dir: Path) -> None:
    database = workspace.open_database(data_dir / "showroom.sqlite3")
    user = workspace.sign_in("anna")
    for name, full_name in (("ws1", "Workstation One"), ("ws2", "Workstation Two")):
        m.User.create(username=name, full_name=full_name, role="salesperson")
    ids = [factories.opportunity(user.id, topic=f"Shared {n}").id for n in range(3)]
    versions = {i: opportunities.get(i).version for i in ids}
    workspace.close_database()

    start = data_dir / "start"
    command = [sys.executable, "-m", "tests.stress.editor", str(database)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    editors = [
        subprocess.Popen(
            [*command, name, str(EDITS), str(start), *map(str, ids)],
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
