"""Every record a user edits carries a version, and a save over a version saved elsewhere
since it was opened is refused (ConflictError), whatever the record; and every change to a
record's fields, whoever makes it, is in the audit log and makes a new version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from app.db import models as m
from app.services import (
    accounts,
    activities,
    audit,
    demand,
    documents,
    leads,
    opportunities,
    process,
    quotes,
    retention,
    stage_setup,
    teams,
    workspace,
)
from app.services.errors import ConflictError
from tests import factories


@dataclass(frozen=True)
class Editable:
    """How a test opens one kind of record and saves it with the version it opened."""

    make: Callable[[workspace.UserInfo], int]
    opened: Callable[[int], Any]  # what a form opens: the values and the version
    save: Callable[[int, Any, str], None]  # save `opened` with one field changed to text
    read: Callable[[int], str]  # that field as saved


def _activity(user: workspace.UserInfo) -> int:
    sale = factories.opportunity(user.id)
    data = activities.ActivityInput(
        kind="task",
        subject="Call back",
        starts_at=datetime(2030, 1, 2, 10, 0),
        owner_id=user.id,
        opportunity_id=sale.id,
    )
    return activities.create(data).id


def _demand(user: workspace.UserInfo) -> int:
    sale = factories.opportunity(user.id).id
    demand.save_for_opportunity(sale, [demand.DemandLine(description="Golf GTI")], [])
    return sale


def _as_input(cls: type, detail: Any, **changes: Any) -> Any:
    return cls(**{**{f.name: getattr(detail, f.name) for f in fields(cls)}, **changes})


def _stage_id(user: workspace.UserInfo) -> int:
    return next(s.id for s in stage_setup.kinds()[0].stages if s.key == "interest")


EDITABLE: dict[str, Editable] = {
    "opportunity": Editable(
        lambda user: factories.opportunity(user.id).id,
        opportunities.get,
        lambda i, o, text: opportunities.update(i, replace(o, description=text), o.version),
        lambda i: opportunities.get(i).description,
    ),
    "account": Editable(
        lambda user: factories.customer("Rossi", "Maria"),
        accounts.get,
        lambda i, o, text: accounts.update(
            i, _as_input(accounts.AccountInput, o, city=text), o.version
        ),
        lambda i: accounts.get(i).city,
    ),
    "contact": Editable(
        lambda user: accounts.get(factories.customer("Rossi", "Maria")).contacts[0].id,
        accounts.contact,
        lambda i, o, text: accounts.update_contact(
            i, _as_input(accounts.ContactInput, o, job_title=text), o.version
        ),
        lambda i: accounts.contact(i).job_title,
    ),
    "activity": Editable(
        _activity,
        activities.get,
        lambda i, o, text: activities.update(
            i, _as_input(activities.ActivityInput, o, description=text), o.version
        ),
        lambda i: activities.get(i).description,
    ),
    "lead": Editable(
        lambda user: leads.create(leads.LeadInput(last_name="Kowalski", email="k@example.pl")).id,
        leads.get,
        lambda i, o, text: leads.update(i, _as_input(leads.LeadInput, o, notes=text), o.version),
        lambda i: leads.get(i).notes,
    ),
    "quote": Editable(
        lambda user: quotes.create(factories.opportunity(user.id).id).id,
        quotes.get,
        lambda i, o, text: quotes.save(
            i,
            quotes.QuoteInput(
                valid_until=o.valid_until,
                payment_method=o.payment_method,
                vehicle_id=o.vehicle_id,
                remarks=text,
                lines=list(o.lines),
            ),
            o.version,
        ),
        lambda i: quotes.get(i).remarks,
    ),
    "demand_line": Editable(
        _demand,
        demand.of_opportunity,
        lambda i, o, text: demand.save_for_opportunity(i, [replace(o[0], comment=text)], o),
        lambda i: demand.of_opportunity(i)[0].comment,
    ),
    "stage": Editable(
        _stage_id,
        stage_setup.stage,
        lambda i, o, text: stage_setup.update_stage(
            i, o.default_probability, int(text), o.in_funnel, expected_version=o.version
        ),
        lambda i: str(stage_setup.stage(i).days_allowed),
    ),
    "team": Editable(
        lambda user: teams.save(None, teams.TeamInput(name="New cars")).id,
        teams.get,
        lambda i, o, text: teams.save(i, replace(o, name=text), o.version),
        lambda i: teams.get(i).name,
    ),
    "document settings": Editable(
        lambda user: 0,
        lambda _i: documents.document_settings(),
        lambda _i, o, text: documents.save_document_settings(replace(o, terms=text)),
        lambda _i: documents.document_settings().terms,
    ),
    "retention period": Editable(
        lambda user: 0,
        lambda _i: retention.retention_version(),
        lambda _i, version, text: retention.set_retention_months(int(text), version),
        lambda _i: str(retention.retention_months()),
    ),
}

# The tables whose rows change only through actions that read and write in one transaction
# (issuing, signing, delivering, cancelling, creating a kind), never through a form opened
# earlier, and marketing consent, a history each statement is added to and never edited:
# nothing of theirs can be saved over a version seen before.
CHANGED_BY_ACTIONS_ONLY = {"order_form", "order", "opportunity_kind", "marketing_consent"}


def test_every_audited_table_is_an_editable_record_or_changed_by_actions_only() -> None:
    audited = {
        model.audit_entity
        for model in m.TABLES
        if isinstance(model, type) and getattr(model, "audit_entity", None)
    }
    assert audited == (set(EDITABLE) - {"document settings", "retention period"}) | (
        CHANGED_BY_ACTIONS_ONLY
    )


@pytest.mark.parametrize("kind", list(EDITABLE))
def test_a_stale_save_is_refused_for_every_editable_record(
    user: workspace.UserInfo, kind: str
) -> None:
    case = EDITABLE[kind]
    record_id = case.make(user)
    if kind == "retention period":
        retention.set_retention_months(60)
    mine = case.opened(record_id)
    theirs = case.opened(record_id)
    case.save(record_id, theirs, "24" if kind in {"stage", "retention period"} else "Theirs")
    with pytest.raises(ConflictError):
        case.save(record_id, mine, "36" if kind in {"stage", "retention period"} else "Mine")
    # Theirs stands; nothing of the refused save went in.
    assert case.read(record_id) == ("24" if kind in {"stage", "retention period"} else "Theirs")
    # Opened again, the same save goes through.
    case.save(
        record_id, case.opened(record_id), "48" if kind in {"stage", "retention period"} else "Mine"
    )
    assert case.read(record_id) == ("48" if kind in {"stage", "retention period"} else "Mine")


# --- every change is audited and makes a new version --------------------------------------


def _updates(entity: str, record_id: int) -> list[dict[str, Any]]:
    return [r.changes for r in audit.history(entity, record_id) if r.action == "update"]


def test_a_quote_that_changes_the_est_revenue_is_audited_on_the_opportunity(
    user: workspace.UserInfo,
) -> None:
    sale = factories.opportunity(user.id, est_revenue=Decimal("10000"))
    before = opportunities.get(sale.id).version
    quotes.create(sale.id)  # a quote with no priced lines: the revenue follows it, to 0.00
    after = opportunities.get(sale.id)
    assert after.est_revenue != Decimal("10000")
    assert after.version > before
    changes = _updates("opportunity", sale.id)
    assert any("est_revenue_minor" in c for c in changes)
    [change] = [c["est_revenue_minor"] for c in changes if "est_revenue_minor" in c]
    assert change[0] == 1_000_000


def test_a_stage_setting_followed_by_opportunities_is_audited_on_each(
    user: workspace.UserInfo,
) -> None:
    sale = factories.opportunity(user.id)
    process.advance(sale.id, "interest")
    before = opportunities.get(sale.id).version
    interest = stage_setup.stage(_stage_id(user))
    stage_setup.update_stage(interest.id, 33, 10, True, expected_version=interest.version)
    assert opportunities.get(sale.id).version == before + 1
    assert {"probability": (20, 33)} in _updates("opportunity", sale.id)
    assert any(c.get("default_probability") == (20, 33) for c in _updates("stage", interest.id))


def test_a_merge_audits_and_versions_what_it_moves(user: workspace.UserInfo) -> None:
    keep = factories.customer("Rossi", "Maria")
    drop = factories.customer("Rossi", "M.")
    moved = factories.opportunity(user.id, account_id=drop)
    contact = accounts.get(drop).contacts[0]
    before = opportunities.get(moved.id).version
    accounts.merge(keep, drop)
    assert opportunities.get(moved.id).version == before + 1
    assert {"account": (drop, keep)} in _updates("opportunity", moved.id)
    assert accounts.contact(contact.id).version == contact.version + 1
    assert {"account": (drop, keep)} in _updates("contact", contact.id)


def test_contact_activity_and_setting_edits_are_audited_old_to_new(
    user: workspace.UserInfo,
) -> None:
    contact = accounts.get(factories.customer("Rossi", "Maria")).contacts[0]
    accounts.update_contact(
        contact.id, _as_input(accounts.ContactInput, contact, job_title="CFO"), contact.version
    )
    assert {"job_title": ("", "CFO")} in _updates("contact", contact.id)
    activity = activities.get(_activity(user))
    activities.update(
        activity.id,
        _as_input(activities.ActivityInput, activity, subject="Call back at noon"),
        activity.version,
    )
    assert {"subject": ("Call back", "Call back at noon")} in _updates("activity", activity.id)
    retention.set_retention_months(24)
    retention.set_retention_months(36)
    assert {"retention_months": ("24", "36")} in _updates("setting", 0)


def test_a_save_that_changes_nothing_makes_no_version(user: workspace.UserInfo) -> None:
    contact = accounts.get(factories.customer("Rossi", "Maria")).contacts[0]
    same = accounts.update_contact(
        contact.id, _as_input(accounts.ContactInput, contact), contact.version
    )
    assert same.version == contact.version


def test_the_document_settings_version_takes_in_the_dealership_s_details(
    user: workspace.UserInfo,
) -> None:
    m.Business.create(name="Autohaus Brenner GmbH", kind="dealer")
    mine = documents.document_settings()
    theirs = documents.document_settings()
    assert mine.dealer is not None and theirs.dealer is not None
    # Another workstation changes only the dealership's bank.
    documents.save_document_settings(
        replace(theirs, dealer=replace(theirs.dealer, bank_name="Sparkasse Ulm"))
    )
    yours = replace(mine, terms="Payable on delivery.")
    with pytest.raises(ConflictError):
        documents.save_document_settings(yours)
    conflict = documents.settings_conflict(mine, yours)
    assert [c.name for c in conflict.changes] == ["terms", "bank_name"]
    saved = documents.save_settings_over(mine, yours, conflict.version)
    assert saved.terms == "Payable on delivery."
    assert saved.dealer is not None and saved.dealer.bank_name == "Sparkasse Ulm"
