"""One of the two workstations of the concurrency test: edits the same records as the other,
as a user would (open, think, save), and reports what it saved and what it was refused.

    python -m tests.stress.editor DATABASE NAME EDITS START_FILE KIND ID [ID ...]

KIND is "opportunity" or "quote", or one of the COUNTED kinds (account, contact, activity,
lead, demand, stage, settings, team). Each edit opens a record, waits a moment and saves it with a token
of its own: appended to an opportunity's description, or as a new line of a draft quote
(its description the token); the counted kinds add one to a counter kept in one of the
record's fields (a contact's job title, a primary-demand line's comment, a stage's days allowed, the
document terms, a team's name...), so
a lost update shows as a count short of the saves. A save refused with ConflictError is
counted, and the edit is made again on a fresh read, as the conflict dialog's reload does.
Prints JSON: {"saved": {"ID": [tokens...]}, "conflicts": N}.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

from app.db.connection import is_server_url, open_postgres, open_sqlite
from app.services import (
    accounts,
    activities,
    demand,
    documents,
    leads,
    opportunities,
    quotes,
    stage_setup,
    teams,
    workspace,
)
from app.services.errors import ConflictError
from tests import people


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


def _plus_one(value: object) -> str:
    return str(int(str(value or "0")) + 1)


def _edit_account(account_id: int, token: str, rng: random.Random) -> None:
    opened = accounts.get(account_id)
    time.sleep(rng.uniform(0, 0.004))
    data = accounts.AccountInput(
        **{f.name: getattr(opened, f.name) for f in fields(accounts.AccountInput)}
    )
    data.street = _plus_one(opened.street)
    accounts.update(account_id, data, opened.version)


def _edit_contact(contact_id: int, token: str, rng: random.Random) -> None:
    opened = accounts.contact(contact_id)
    time.sleep(rng.uniform(0, 0.004))
    data = accounts.ContactInput(
        opened.first_name, opened.last_name, opened.email, opened.phone, _plus_one(opened.job_title)
    )
    accounts.update_contact(contact_id, data, opened.version)


def _edit_activity(activity_id: int, token: str, rng: random.Random) -> None:
    opened = activities.get(activity_id)
    time.sleep(rng.uniform(0, 0.004))
    data = activities.ActivityInput(
        **{f.name: getattr(opened, f.name) for f in fields(activities.ActivityInput)}
    )
    data.description = _plus_one(opened.description)
    activities.update(activity_id, data, opened.version)


def _edit_lead(lead_id: int, token: str, rng: random.Random) -> None:
    opened = leads.get(lead_id)
    time.sleep(rng.uniform(0, 0.004))
    data = leads.LeadInput(**{f.name: getattr(opened, f.name) for f in fields(leads.LeadInput)})
    data.notes = _plus_one(opened.notes)
    leads.update(lead_id, data, opened.version)


def _edit_demand(opportunity_id: int, token: str, rng: random.Random) -> None:
    opened = demand.of_opportunity(opportunity_id)
    time.sleep(rng.uniform(0, 0.004))
    line = replace(opened[0], comment=_plus_one(opened[0].comment))
    demand.save_for_opportunity(opportunity_id, [line, *opened[1:]], opened)


def _edit_stage(stage_id: int, token: str, rng: random.Random) -> None:
    opened = stage_setup.stage(stage_id)
    time.sleep(rng.uniform(0, 0.004))
    stage_setup.update_stage(
        stage_id,
        opened.default_probability,
        (opened.days_allowed or 0) + 1,
        opened.in_funnel,
        expected_version=opened.version,
    )


def _edit_team(team_id: int, token: str, rng: random.Random) -> None:
    opened = teams.get(team_id)
    time.sleep(rng.uniform(0, 0.004))
    prefix, _space, count = opened.name.rpartition(" ")
    teams.save(team_id, replace(opened, name=f"{prefix} {_plus_one(count)}"), opened.version)


def _edit_settings(_id: int, token: str, rng: random.Random) -> None:
    opened = documents.document_settings()
    time.sleep(rng.uniform(0, 0.004))
    documents.save_document_settings(replace(opened, terms=_plus_one(opened.terms)))


EDITS = {
    "opportunity": _edit_opportunity,
    "quote": _edit_quote,
    "account": _edit_account,
    "contact": _edit_contact,
    "activity": _edit_activity,
    "lead": _edit_lead,
    "demand": _edit_demand,
    "stage": _edit_stage,
    "settings": _edit_settings,
    "team": _edit_team,
}


def main(argv: list[str]) -> int:
    database, name, edits, start = argv[0], argv[1], int(argv[2]), Path(argv[3])
    edit = EDITS[argv[4]]
    ids = [int(a) for a in argv[5:]]
    if is_server_url(database):
        open_postgres(database)
    else:
        open_sqlite(Path(database))
    people.sign_in_as(name)
    rng = random.Random(name)
    saved: dict[str, list[str]] = {str(i): [] for i in ids}
    conflicts = 0
    # Both workstations begin together: each says it is ready (its imports and its database
    # open, which take longer than its edits), then waits for the word to start.
    start.with_name(f"{start.name}.{name}.ready").touch()
    while not start.exists():
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
