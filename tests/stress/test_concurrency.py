"""Two processes editing the same opportunities, or the same draft quotes: every save over
the other's change is refused, and no saved change is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.db import models as m
from app.domain import money
from app.services import accounts, opportunities, quotes, workspace
from tests import factories, people
from tests.people import add_user

ROOT = Path(__file__).resolve().parents[2]
EDITS = 150
QUOTE_EDITS = 150


def _workstations(
    database: Path | str, data_dir: Path, kind: str, edits: int, ids: list[int]
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
    # Only once both are ready: an editor still importing when the other has finished would
    # leave nothing to contend for.
    ready = [start.with_name(f"{start.name}.{name}.ready") for name in ("ws1", "ws2")]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        if any(e.poll() is not None for e in editors):
            break  # one ended early: its error is reported below
        time.sleep(0.01)
    start.touch()
    reports = []
    for editor in editors:
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0, err
        reports.append(json.loads(out))
    return reports


@pytest.fixture
def location(data_dir: Path, backend: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the workstations' database is: a SQLite file, or a database on the server."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return data_dir / "showroom.sqlite3"


def _reopen(location: Path | str) -> Path | str:
    if isinstance(location, str):
        return workspace.open_server(location)
    return workspace.open_database(location)


def _open(location: Path | str) -> tuple[Path | str, workspace.UserInfo]:
    database = _reopen(location)
    user = people.sign_in_as("anna")
    for name, full_name in (("ws1", "Workstation One"), ("ws2", "Workstation Two")):
        add_user(name, "salesperson", full_name=full_name)
    return database, user


def _shared(opportunity_id: int) -> int:
    """Anna's sale with both workstations' salespeople beside her: theirs to change too."""
    from app.services import record_rights

    beside = [u.id for u in m.User.select().where(m.User.username.in_(["ws1", "ws2"]))]
    record_rights.reassign("opportunity", opportunity_id, m.acting_user(), None, beside)
    return opportunity_id


@pytest.mark.slow
def test_two_workstations_never_overwrite_each_other(data_dir: Path, location: Path | str) -> None:
    database, user = _open(location)
    ids = [_shared(factories.opportunity(user.id, topic=f"Shared {n}").id) for n in range(3)]
    versions = {i: opportunities.get(i).version for i in ids}
    workspace.close_database()

    reports = _workstations(database, data_dir, "opportunity", EDITS, ids)

    _reopen(database)
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
def test_two_workstations_saving_the_same_draft_quote_lose_no_line(
    data_dir: Path, location: Path | str
) -> None:
    database, user = _open(location)
    drafts = [
        quotes.create(_shared(factories.opportunity(user.id, topic=f"Quoted {n}").id))
        for n in range(3)
    ]
    ids = [q.id for q in drafts]
    first_lines = {q.id: [line.description for line in q.lines] for q in drafts}
    versions = {q.id: q.version for q in drafts}
    workspace.close_database()

    reports = _workstations(database, data_dir, "quote", QUOTE_EDITS, ids)

    _reopen(database)
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


# --- every other record a user edits: a counter one field holds -----------------------------

COUNTED_EDITS = 40


def _counted_records(kind: str, user: workspace.UserInfo) -> list[int]:
    """Records of `kind` whose counting field starts at 0; [0] for the settings."""
    from datetime import datetime

    from app.services import activities, documents, leads, stage_setup

    if kind == "account":
        return [factories.customer(f"Shared{n}", street="0") for n in range(2)]
    if kind == "contact":
        return [accounts.get(factories.customer(f"Shared{n}")).contacts[0].id for n in range(2)]
    if kind == "activity":
        sale = factories.opportunity(user.id)
        return [
            activities.create(
                activities.ActivityInput(
                    kind="task",
                    subject=f"Shared {n}",
                    description="0",
                    starts_at=datetime(2030, 1, 2, 10, 0),
                    owner_id=user.id,
                    opportunity_id=sale.id,
                )
            ).id
            for n in range(2)
        ]
    if kind == "lead":
        return [
            leads.create(
                leads.LeadInput(last_name=f"Shared{n}", email=f"s{n}@example.com", notes="0")
            ).id
            for n in range(2)
        ]
    if kind == "demand":
        from app.services import demand

        sales = [factories.opportunity(user.id).id for _n in range(2)]
        for sale in sales:
            demand.save_for_opportunity(
                sale, [demand.DemandLine(description="Golf", comment="0")], []
            )
        return sales
    if kind == "stage":
        stages = [s for s in stage_setup.kinds()[0].stages if not (s.is_won or s.is_lost)][:2]
        for s in stages:
            stage_setup.update_stage(
                s.id, s.default_probability, 1, s.in_funnel, expected_version=s.version
            )
        return [s.id for s in stages]
    if kind == "team":
        from app.services import teams

        return [teams.save(None, teams.TeamInput(name=f"Team {n} 0")).id for n in range(2)]
    settings = documents.document_settings()
    documents.save_document_settings(replace(settings, terms="0"))
    return [0]


def _counted(kind: str, record_id: int) -> tuple[int, int]:
    """(the counter, the version) as saved now."""
    from app.services import activities, documents, leads, stage_setup

    if kind == "account":
        detail = accounts.get(record_id)
        return int(detail.street), detail.version
    if kind == "contact":
        contact = accounts.contact(record_id)
        return int(contact.job_title or 0), contact.version
    if kind == "activity":
        activity = activities.get(record_id)
        return int(activity.description), activity.version
    if kind == "lead":
        lead = leads.get(record_id)
        return int(lead.notes), lead.version
    if kind == "demand":
        from app.services import demand

        [line] = demand.of_opportunity(record_id)
        return int(line.comment), line.version
    if kind == "stage":
        stage = stage_setup.stage(record_id)
        return int(stage.days_allowed or 0), stage.version
    if kind == "team":
        from app.services import teams

        team = teams.get(record_id)
        return int(team.name.rpartition(" ")[2]), team.version
    settings = documents.document_settings()
    return int(settings.terms), int(settings.version or 0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind", ["account", "contact", "activity", "lead", "demand", "stage", "settings", "team"]
)
def test_two_workstations_lose_no_update_of_any_record(
    data_dir: Path, kind: str, location: Path | str
) -> None:
    database = _reopen(location)
    user = people.sign_in_as("anna")
    # Managers change the sales; the stages, the settings and the teams are the
    # administrators' (Right.SETUP, Right.MANAGE_USERS).
    role = "administrator" if kind in ("stage", "settings", "team") else "sales_manager"
    for name, full_name in (("ws1", "Workstation One"), ("ws2", "Workstation Two")):
        add_user(name, role, full_name=full_name)
    ids = _counted_records(kind, user)
    before = {i: _counted(kind, i) for i in ids}
    workspace.close_database()

    reports = _workstations(database, data_dir, kind, COUNTED_EDITS, ids)

    _reopen(database)
    for record_id in ids:
        saves = sum(len(r["saved"][str(record_id)]) for r in reports)
        counter, version = _counted(kind, record_id)
        # Every save counted once: none was lost over the other's.
        assert counter == before[record_id][0] + saves
        assert version == before[record_id][1] + saves
    conflicts = sum(r["conflicts"] for r in reports)
    assert sum(len(r["saved"][str(i)]) for r in reports for i in ids) == 2 * COUNTED_EDITS
    assert conflicts > 0
    print(f"\n{kind}: {2 * COUNTED_EDITS} saves by two processes; {conflicts} refused")
