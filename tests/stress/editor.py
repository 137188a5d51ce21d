"""One of the two workstations of the concurrency test: edits the same opportunities as the
other, as a user would (open, think, save), and reports what it saved and what it was refused.

    python -m tests.stress.editor DATABASE NAME EDITS START_FILE ID [ID ...]

Each edit opens an opportunity, waits a moment and saves it with a token of its own
appended to the description. A save refused with ConflictError is counted, and the edit
is made again on a fresh read, as the conflict dialog's reload does. Prints JSON:
{"saved": {"ID": [tokens...]}, "conflicts": N}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from app.db.connection import open_sqlite
from app.services import opportunities, workspace
from app.services.errors import ConflictError


def main(argv: list[str]) -> int:
    database, name, edits, start = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    ids = [int(a) for a in argv[4:]]
    open_sqlite(database)
    workspace.sign_in(name)
    rng = random.Random(name)
    saved: dict[str, list[str]] = {str(i): [] for i in ids}
    conflicts = 0
    while not start.exists():  # both workstations begin together
        time.sleep(0.002)
    for n in range(edits):
        opportunity_id = rng.choice(ids)
        token = f"{name}{n};"
        while True:
            opened = opportunities.get(opportunity_id)
            time.sleep(rng.uniform(0, 0.004))  # the user reads, types
            opened.description += token
            try:
                opportunities.update(opportunity_id, opened, opened.version)
            except ConflictError:
                conflicts += 1
                continue
            saved[str(opportunity_id)].append(token)
            break
    workspace.close_database()
    print(json.dumps({"saved": saved, "conflicts": conflicts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
