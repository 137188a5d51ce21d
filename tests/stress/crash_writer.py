"""The writer the crash test kills: one process that loads the program once and forks a
writer on request, so a hundred kills cost a hundred forks, not a hundred start-ups.

    python -m tests.stress.crash_writer DATABASE

reads commands on stdin, one a line, and answers each on stdout:

    fork SEED   start a writer (a child process) and answer its pid
    reap PID    wait for that writer to be gone and answer "reaped"
    quit        end

A writer loops forever. Each round is first one transaction: a customer with their contact,
a stock vehicle, an opportunity reserving it (with its first stage change and close date)
and K activities, the topic saying K. Then, as a salesperson would, one step at a time: a
new quote (numbered, the vehicle its first line), saved with L lines, the remarks saying
L; most quotes are presented (frozen, their PDF archived in the documents folder beside
the database), some of those accepted (the order form issued, its PDF archived) and some
revised (a new draft revision). Then the records the other forms edit, each saved with the
version it was opened at, one transaction each: the customer's contact, one of the sale's
activities, a lead, a stage's days allowed and the document terms. Every third round also
a small lead import (5 rows, one transaction) tagged with its batch, and a change to an
older opportunity. Every other round the sale is handed to the team (owner none, a
colleague beside it: one transaction) and taken back (another), and the team renamed with
its version. It never stops by itself: it is killed.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app import paths
from app.db import models as m
from app.db.connection import is_server_url, open_postgres, open_sqlite, transaction
from app.domain.quotes import LineKind
from app.services import (
    accounts,
    activities,
    deals,
    documents,
    lead_import,
    leads,
    opportunities,
    quotes,
    record_rights,
    stage_setup,
    teams,
    workspace,
)
from tests import people

LEAD_BATCH = 5
# What the salesperson adds after the vehicle: (kind, description, unit price, VAT rate).
EXTRAS = [
    (LineKind.OPTION, "Metallic paint «Kings Red»", "720.00", "19"),
    (LineKind.ACCESSORY, "Fußmatten & Kofferraumwanne <Premium>", "54.90", "19"),
    (LineKind.ACCESSORY, "Dachbox 🚗 Thule 460 L", "489.00", "5.5"),
    (LineKind.SERVICE, "Überführung, Zulassung", "890.00", "19"),
    (LineKind.FINANCIAL_PRODUCT, "GAP-Versicherung (36 Monate)", "420.00", "0"),
    (LineKind.DISCOUNT, "Hauspreis-Rabatt", "1500.00", "19"),
]


def remarks(line_count: int) -> str:
    """What a saved quote's remarks say, so the checker knows how many lines it must have."""
    return f"lines={line_count}"


def prepare(database: Path | str) -> None:
    if isinstance(database, str):
        workspace.open_server(database)
    else:
        workspace.open_database(database)
    writer = people.sign_in_as("writer")
    # The seller printed on the documents.
    m.Business.get_or_create(name="Autohaus Brenner GmbH", defaults={"kind": "dealer"})
    # The team the sales are handed to, and the colleague who sells beside the writer.
    colleague = people.add_user("colleague", "salesperson", full_name="Colleague")
    teams.save(None, teams.TeamInput(name="Team 0", leader_id=writer.id, members=[colleague.id]))
    workspace.close_database()
    # Load the PDF renderer (and its fonts) once, here, rather than in every forked writer.
    from reports import pdf, specimen

    pdf.render(specimen.specimen_quote())


def _quote(opportunity_id: int, rng: random.Random) -> None:
    """A quote as the editor makes one: created, then saved with its lines, then perhaps
    presented, then perhaps accepted or revised; each step its own transaction."""
    created = quotes.create(opportunity_id)
    extras = [
        quotes.LineInput(
            kind.value, description, Decimal(1 + rng.randrange(2)), Decimal(price), Decimal(vat)
        )
        for kind, description, price, vat in rng.sample(EXTRAS, rng.randrange(1, len(EXTRAS)))
    ]
    lines = [created.lines[0], *extras]
    data = quotes.QuoteInput(
        valid_until=created.valid_until,
        payment_method="cash",
        vehicle_id=created.vehicle_id,
        remarks=remarks(len(lines)),
        lines=lines,
    )
    saved = quotes.save(created.id, data, created.version)
    if rng.random() < 0.15:
        return
    quotes.present(saved.id)
    step = rng.random()
    if step < 0.6:
        deals.accept_quote(saved.id)
    elif step < 0.85:
        quotes.revise(saved.id)


def _edit_versioned(seed: int, n: int, account_id: int, opportunity_id: int) -> None:
    """Each of the other editable records opened, changed and saved with the version it
    was opened at, as its form does: each save its own transaction."""
    tag = f"{seed}-{n}"
    contact = accounts.get(account_id).contacts[0]
    accounts.update_contact(
        contact.id,
        accounts.ContactInput(
            contact.first_name, contact.last_name, contact.email, contact.phone, f"role {tag}"
        ),
        contact.version,
    )
    activity_row = m.Activity.select().where(m.Activity.opportunity == opportunity_id).first()
    activity = activities.get(activity_row.id)
    activity.description = f"edited {tag}"
    activities.update(activity.id, activity, activity.version)
    lead_row = m.Lead.select().order_by(m.Lead.id.desc()).first()
    if lead_row is not None:
        lead = leads.get(lead_row.id)
        lead.notes = f"edited {tag}"
        leads.update(lead.id, lead, lead.version)
    stage = next(s for s in stage_setup.kinds()[0].stages if s.key == "interest")
    stage_setup.update_stage(
        stage.id,
        stage.default_probability,
        1 + (seed * 1000 + n) % 3000,
        stage.in_funnel,
        expected_version=stage.version,
    )
    settings = documents.document_settings()
    documents.save_document_settings(replace(settings, terms=f"terms {tag}"))


def _hand_over(seed: int, n: int, opportunity_id: int, user_id: int) -> None:
    """The sale to the team, a colleague beside it (one transaction); the writer takes it
    back (another); the team renamed over its version (a third)."""
    team = m.Team.get()
    colleague = m.User.get(m.User.username == "colleague")
    record_rights.reassign("opportunity", opportunity_id, None, team.id, [colleague.id])
    record_rights.take("opportunity", opportunity_id)
    opened = teams.get(team.id)
    teams.save(team.id, replace(opened, name=f"Team {seed}-{n}"), opened.version)
    assert opportunities.get(opportunity_id).owner_id == user_id


def _round(seed: int, n: int, rng: random.Random, user_id: int) -> None:
    k = 1 + rng.randrange(6)
    with transaction():
        account = accounts.create(
            accounts.AccountInput(first_name=f"W{seed}", last_name=f"Round {n}"),
            confirmed_new=True,
        )
        vehicle = m.Vehicle.create(
            vin=f"WVWZZZ{seed:04d}{n:07d}",
            stock_number=f"C-{seed}-{n}",
            condition="new",
            brand="Volkswagen",
            model="Golf",
            variant="Life 1.5 eTSI",
            list_price_minor=rng.randrange(2_500_000, 4_000_000),
            currency="EUR",
        )
        data = opportunities.new_input(user_id)
        data.account_id = account.id
        data.vehicle_id = vehicle.id
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
    _quote(created.id, rng)
    _edit_versioned(seed, n, account.id, created.id)
    if n % 2 == 0:
        _hand_over(seed, n, created.id, user_id)
    if n % 3 == 0:
        rows = "\n".join(
            f"Lead{i},B{seed}x{n},b{seed}x{n}.{i}@example.com,batch {seed}-{n}"
            for i in range(LEAD_BATCH)
        )
        lead_import.import_csv(f"first_name,last_name,email,source\n{rows}\n".encode())
        older = m.Opportunity.select().order_by(m.Opportunity.id).first()
        if older is not None and older.status == "open":
            detail = opportunities.get(older.id)
            detail.source = f"touched {seed}-{n}"
            opportunities.update(older.id, detail, detail.version)


def write_forever(database: Path | str, seed: int) -> None:
    if isinstance(database, str):
        open_postgres(database)
    else:
        open_sqlite(database)
    user = people.sign_in_as("writer")
    rng = random.Random(seed)
    n = 0
    while True:
        _round(seed, n, rng, user.id)
        n += 1


def serve(database: Path | str, data_dir: Path) -> int:
    paths.set_data_dir(data_dir)  # the documents folder beside the database
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
    # A SQLite file (its folder holds the documents), or a server's URL and a data folder.
    where = sys.argv[1]
    if is_server_url(where):
        sys.exit(serve(where, Path(sys.argv[2])))
    sys.exit(serve(Path(where), Path(where).parent))
