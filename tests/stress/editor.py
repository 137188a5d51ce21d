"""One of the two workstations of the concurrency test: edits the same records as the other,
as a user would (open, think, save), and reports what it saved and what it was refused.

    python -m tests.stress.editor DATABASE NAME EDITS START_FILE KIND ID [ID ...]

KIND is "opportunity" or "quote". Each edit opens a record, waits a moment and saves it
with a token of its own: appended to an opportunity's description, or as a new line of a
draft quote (its description the token). A save refused with ConflictError is counted,
and the edit is made again on a fresh read, as the conflict dialog's reload does. Prints
JSON: {"saved": {"ID": [tokens...]}, "conflicts": N}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from app.db.connection import open_sqlite
from app.services import opportunities, quotes, workspace
from app.services.errors import ConflictError


def _edit_opportunity(opportunity_id: int, token: str, rng: random.Random) -> None:
    opened = opportunities.get(opportunity_id)
    time.sleep(rng.uniform(0, 0.004))  # the user reads, types
    opened.description += token
    opportunities.update(opportunity_id, opened, opened.version)


def _edit_quote(quote_id: int, token: str, rng: random.Random) -> None:
    opened = quotes.get(quote_id)
    time.sleep(rng.uniform(0, 0.004))
    line = quotes.LineInput("accessory", token, Decimal(1), Decimal("10.00"), Decimal(19))
    data = quotes.QuoteInput(
        valid_until=opened.valid_until,
        payment_method=opened.payment_method,
        vehicle_id=opened.vehicle_id,
        remarks=opened.remarks,
        lines=[*opened.lines, line],
    )
    quotes.save(quote_id, data, opened.version)


EDITS = {"opportunity": _edit_opportunity, "quote": _edit_quote}


def main(argv: list[str]) -> int:
    database, name, edits, start = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    edit = EDITS[argv[4]]
    ids = [int(a) for a in argv[5:]]
    open_sqlite(database)
    workspace.sign_in(name)
    rng = random.Random(name)
    saved: dict[str, list[str]] = {str(i): [] for i in ids}
    conflicts = 0
    while not start.exists():  # both workstations begin together
        time.sleep(0.002)
    for n in range(edits):
        record_id = rng.choice(ids)
        token = f"{name}{n};"
        while True:
            try:
                edit(record_id, token, rng)
            except ConflictError:
                conflicts += 1
                continue
            saved[str(record_id)].append(token)
            break
    workspace.close_database()
    print(json.dumps({"saved": saved, "conflicts": conflicts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
