"""One of the two workstations of the master-data concurrency test: opens a record of one
kind, waits a moment, saves it with its counter one up; a save refused over the other's is
counted and made again on a fresh read, as the form's Reload does.

    python -m tests.stress.master_editor DATABASE NAME EDITS START_FILE KIND ID

Prints JSON: {"saved": N, "conflicts": N}."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from app.db.connection import open_sqlite
from app.services import master_data, workspace
from app.services.errors import ConflictError
from tests.master_records import KINDS, record_type


def main(argv: list[str]) -> int:
    database, name, edits, start = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    kind, record_id = KINDS[argv[4]], int(argv[5])
    open_sqlite(database)
    workspace.sign_in(name)
    rng = random.Random(name)
    start.with_name(f"{start.name}.{name}.ready").touch()
    while not start.exists():
        time.sleep(0.002)
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
