"""Primary-demand lines carry a version like every record a user edits: a save over lines
changed elsewhere since they were opened is refused, the user's changes can go on top of
theirs, every create, change and delete is audited, and the comments are in the customer's
personal-data export and anonymised with them."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.db import models as m
from app.services import audit, demand, leads, personal_data, process
from app.services.errors import ConflictError
from app.services.workspace import UserInfo
from tests import factories


def _lines() -> list[demand.DemandLine]:
    return [
        demand.DemandLine("vehicle", "Golf GTI", Decimal("38000"), "EUR", "black"),
        demand.DemandLine("accessories", "Tow bar", None, "EUR", ""),
    ]


def test_every_create_change_and_delete_of_a_line_is_audited(user: UserInfo) -> None:
    sale = factories.opportunity(user.id).id
    saved = demand.save_for_opportunity(sale, _lines(), [])
    golf, bar = saved
    assert [e.action for e in audit.history("demand_line", golf.id)] == ["create"]
    changed = demand.save_for_opportunity(sale, [replace(golf, comment="white")], saved)
    assert [line.id for line in changed] == [golf.id]
    assert changed[0].version == golf.version + 1
    [_create, update] = audit.history("demand_line", golf.id)
    assert update.action == "update" and update.changes == {"comment": ("black", "white")}
    assert [e.action for e in audit.history("demand_line", bar.id)] == ["create", "delete"]
    # Saving the same lines again makes no version and no entry.
    again = demand.save_for_opportunity(sale, changed, changed)
    assert again[0].version == changed[0].version
    assert len(audit.history("demand_line", golf.id)) == 2


def test_a_stale_save_is_refused_and_mine_goes_on_top_of_theirs(user: UserInfo) -> None:
    sale = factories.opportunity(user.id).id
    opened = demand.save_for_opportunity(sale, _lines(), [])
    # Elsewhere: the golf's price changes and a service line is added.
    theirs = demand.save_for_opportunity(
        sale,
        [
            replace(opened[0], expected_price=Decimal("36000")),
            opened[1],
            demand.DemandLine("services", "Winter tyres"),
        ],
        opened,
    )
    mine = [replace(opened[0], comment="white"), demand.DemandLine("financing", "36 months")]
    with pytest.raises(ConflictError):
        demand.save_for_opportunity(sale, mine, opened)
    assert demand.of_opportunity(sale) == theirs  # nothing of the refused save went in
    conflict = demand.conflict(opened, theirs, mine, "Ben", "The primary demand")
    assert [c.label for c in conflict.changes] == ["Line 1", "Line 2", "Line 3"]
    saved = demand.save_for_opportunity(sale, demand.merged(opened, theirs, mine), theirs)
    assert [(s.description, s.expected_price, s.comment) for s in saved] == [
        ("Golf GTI", Decimal("36000"), "white"),  # their price, my comment
        ("Winter tyres", None, ""),  # their new line
        ("36 months", None, ""),  # my new line; the tow bar I removed is gone
    ]


def test_a_line_deleted_elsewhere_is_a_conflict(user: UserInfo) -> None:
    lead = leads.create(leads.LeadInput(last_name="Kowalski", email="k@example.pl")).id
    opened = demand.save_for_lead(lead, _lines(), [])
    demand.save_for_lead(lead, opened[:1], opened)
    with pytest.raises(ConflictError):
        demand.save_for_lead(lead, [replace(opened[1], comment="chrome")], opened)
    assert len(demand.of_lead(lead)) == 1


def test_the_lines_are_in_the_personal_data_export_and_anonymised(
    user: UserInfo, tmp_path: Path
) -> None:
    account = factories.customer("Rossi", "Maria", email="maria.rossi@example.it")
    sale = factories.opportunity(user.id, account_id=account).id
    lead = leads.create(
        leads.LeadInput(last_name="Rossi", first_name="Maria", email="maria.rossi@example.it")
    ).id
    opened = demand.save_for_opportunity(
        sale, [demand.DemandLine("vehicle", "Golf", None, "EUR", "Maria Rossi pays cash")], []
    )
    demand.save_for_opportunity(sale, [replace(opened[0], comment="Rossi pays by card")], opened)
    demand.save_for_lead(lead, [demand.DemandLine("services", "Rossi's tyres")], [])
    data = personal_data.collect(account)
    [exported] = data["opportunities"][0]["primary_demand"]
    assert exported["comment"] == "Rossi pays by card"
    assert data["leads"][0]["primary_demand"][0]["description"] == "Rossi's tyres"
    assert any(a["record"].startswith("demand_line") for a in data["audit_log"])
    assert personal_data.collect_lead(lead)["primary_demand"][0]["description"] == "Rossi's tyres"

    process.close_won(sale)
    personal_data.anonymise(account)
    everything = json.dumps(personal_data.collect(account), ensure_ascii=False).lower()
    assert "rossi" not in everything
    assert m.DemandLine.get(m.DemandLine.opportunity == sale).comment == "[removed] pays by card"
