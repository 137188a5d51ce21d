"""One of the two workstations of the master-data concurrency test: opens a record of one
kind, waits a moment, saves it with its counter one up; a save refused over the other's is
counted and made again on a fresh read, as the form's Reload does.

    python -m tests.stress.master_editor DATABASE NAME EDITS START_FILE KIND ID
    python -m tests.stress.master_editor DATABASE NAME EDITS START_FILE new_vehicle

(the second: both enter the same new vehicles). Prints JSON: {"saved": N, "conflicts": N}."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from app.db.connection import open_sqlite
from app.domain import vin
from app.domain.validation import ValidationError
from app.services import master_data, workspace
from app.services.errors import ConflictError
from app.services.master_data import VehicleRecord
from tests import people
from tests.master_records import KINDS, record_type


def _add_vehicles(edits: int, name: str) -> dict[str, int]:
    """Both workstations enter the same vehicles (the same VINs) at once: each is saved by
    one, and refused to the other at its VIN, never by the database."""
    saved = refused = 0
    for n in range(edits):
        code = vin.with_check_digit(f"WVWZZZCDZPW{n:06d}")
        try:
            master_data.save(
                VehicleRecord(vin=code, stock_number=f"{name}-{n}", brand="VW", model="Golf")
            )
        except ValidationError as exc:
            assert "vin" in exc.errors, exc.errors
            refused += 1
            continue
        saved += 1
    return {"saved": saved, "conflicts": refused}


def main(argv: list[str]) -> int:
    database, name, edits, start = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    open_sqlite(database)
    people.sign_in_as(name)
    rng = random.Random(name)
    start.with_name(f"{start.name}.{name}.ready").touch()
    while not start.exists():
        time.sleep(0.002)
    if argv[4] == "new_vehicle":
        report = _add_vehicles(edits, name)
        workspace.close_database()
        print(json.dumps(report))
        return 0
    kind, record_id = KINDS[argv[4]], int(argv[5])
    saved = conflicts = 0
    for _n in range(edits):
        while True:
            opened = master_data.get(record_type(kind.name), record_id)
            time.sleep(rng.uniform(0, 0.004))  # the user reads, types
            try:
                master_data.save(kind.bump(opened))
            except ConflictError:
                conflicts += 1
                continue
            saved += 1
            break
    workspace.close_database()
    print(json.dumps({"saved": saved, "conflicts": conflicts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
