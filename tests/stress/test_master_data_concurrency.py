"""Two workstations (two processes) editing the same master-data record at once: every save
over the other's is refused, and no saved change is lost, for each kind of master data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db import models as m
from app.services import master_data, workspace
from tests.master_records import KINDS, record_type
from tests.people import add_user, sign_in_as

ROOT = Path(__file__).resolve().parents[2]
EDITS = 40


def _workstations(
    database: Path, data_dir: Path, kind: str, rest: list[str]
) -> list[dict[str, int]]:
    """Run the two editors together; their reports."""
    start = data_dir / "start"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    editors = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.stress.master_editor",
                str(database),
                name,
                str(EDITS),
                str(start),
                kind,
                *rest,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ws1", "ws2")
    ]
    ready = [start.with_name(f"{start.name}.{name}.ready") for name in ("ws1", "ws2")]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        if any(e.poll() is not None for e in editors):
            break
        time.sleep(0.01)
    start.touch()
    reports = []
    for editor in editors:
        out, err = editor.communicate(timeout=180)
        assert editor.returncode == 0, err
        reports.append(json.loads(out))

    return reports


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_two_workstations_lose_no_change_to_the_master_data(data_dir: Path, kind: str) -> None:
    database = workspace.open_database(data_dir / "showroom.sqlite3")
    sign_in_as("anna")
    for name in ("ws1", "ws2"):
        add_user(name, "administrator", full_name=name.upper())
    spec = KINDS[kind]
    record = spec.make()
    before = (spec.counter(record), record.version)
    workspace.close_database()

    reports = _workstations(database, data_dir, kind, [str(record.id)])

    workspace.open_database(database)
    sign_in_as("anna")
    saved = master_data.get(record_type(kind), record.id)
    saves = sum(r["saved"] for r in reports)
    assert saves == 2 * EDITS
    # Every save counted once: none was lost over the other's.
    assert spec.counter(saved) == before[0] + saves
    assert saved.version == before[1] + saves
    conflicts = sum(r["conflicts"] for r in reports)
    assert conflicts > 0
    print(f"\n{kind}: {saves} saves by two processes; {conflicts} refused")


@pytest.mark.slow
def test_two_workstations_entering_the_same_vehicles_save_each_once(data_dir: Path) -> None:
    database = workspace.open_database(data_dir / "showroom.sqlite3")
    sign_in_as("anna")
    for name in ("ws1", "ws2"):
        add_user(name, "administrator", full_name=name.upper())
    workspace.close_database()
    reports = _workstations(database, data_dir, "new_vehicle", [])
    assert sum(r["saved"] for r in reports) == EDITS
    assert sum(r["conflicts"] for r in reports) == EDITS  # refused at the VIN, no crash
    workspace.open_database(database)
    assert m.Vehicle.select().count() == EDITS
