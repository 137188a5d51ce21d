"""Saving over a change made elsewhere: detected for opportunities, customers and leads,
shown field by field, and saved over only with the other side's other changes kept."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest

from app.services import accounts, leads, opportunities, opportunity_conflicts
from app.services.errors import ConflictError
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user
from tests.people import sign_in_as as sign_in


def test_an_opportunity_changed_elsewhere_is_refused_with_who_and_the_version(
    user: UserInfo,
) -> None:
    created = factories.opportunity(user.id)
    opened = opportunities.get(created.id)
    # The sales manager at the other workstation: a salesperson could not change Anna's.
    add_user("luca", "sales_manager", full_name="Luca Bianchi")
    other = sign_in("luca")
    theirs = replace(opened, est_revenue=Decimal("29900"))
    saved = opportunities.update(created.id, theirs, opened.version)
    mine = replace(opened, topic="Golf GTI for Rossi")
    sign_in("anna")
    with pytest.raises(ConflictError) as caught:
        opportunities.update(created.id, mine, opened.version)
    assert caught.value.current_version == saved.version
    assert other.full_name in str(caught.value)
    conflict = opportunity_conflicts.conflict(created.id, opened, mine)
    changes = {c.name: c for c in conflict.changes}
    assert set(changes) == {"topic", "est_revenue"}
    assert (changes["est_revenue"].opened, changes["est_revenue"].theirs) == (
        "31,500.00",
        "29,900.00",
    )
    assert changes["topic"].changed_by_you and not changes["topic"].changed_by_them
    assert not conflict.clashes
    merged = opportunity_conflicts.save_over(created.id, opened, mine, conflict.version)
    assert merged.topic == "Golf GTI for Rossi" and merged.est_revenue == Decimal("29900")


def test_links_are_shown_by_name(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    opened = opportunities.get(created.id)
    other_customer = factories.customer("Bauer", "Jonas")
    opportunities.update(created.id, replace(opened, account_id=other_customer), opened.version)
    conflict = opportunity_conflicts.conflict(created.id, opened, opened)
    [change] = conflict.changes
    assert (change.label, change.opened, change.theirs) == (
        "Customer",
        "Rossi, Maria",
        "Bauer, Jonas",
    )


def test_save_over_refuses_again_when_it_changed_once_more(user: UserInfo) -> None:
    created = factories.opportunity(user.id)
    opened = opportunities.get(created.id)
    first = opportunities.update(created.id, replace(opened, source="Fair"), opened.version)
    conflict = opportunity_conflicts.conflict(created.id, opened, replace(opened, topic="Mine"))
    opportunities.update(created.id, replace(first, source="Web"), first.version)
    with pytest.raises(ConflictError):
        opportunity_conflicts.save_over(
            created.id, opened, replace(opened, topic="Mine"), conflict.version
        )


def test_a_customer_changed_elsewhere(user: UserInfo) -> None:
    account_id = factories.customer(city="Milano")
    opened = accounts.get(account_id)
    accounts.update(
        account_id, replace(opened, city="Torino", phone="+39 011 123456"), opened.version
    )
    mine = replace(opened, city="Roma")
    with pytest.raises(ConflictError):
        accounts.update(account_id, mine, opened.version)
    conflict = accounts.conflict(account_id, opened, mine)
    assert [c.name for c in conflict.clashes] == ["city"]
    saved = accounts.save_over(account_id, opened, mine, conflict.version)
    assert (saved.city, saved.phone) == ("Roma", "+39 011 123456")


def test_a_lead_changed_elsewhere(user: UserInfo) -> None:
    lead = leads.create(leads.LeadInput(last_name="Weiß", email="w@example.de", model="Golf"))
    opened = leads.get(lead.id)
    leads.update(lead.id, replace(opened, model="Tiguan"), opened.version)
    mine = replace(opened, notes="Call after six")
    with pytest.raises(ConflictError, match="Lead #"):
        leads.update(lead.id, mine, opened.version)
    conflict = leads.conflict(lead.id, opened, mine)
    assert {c.name for c in conflict.changes} == {"model", "notes"}
    saved = leads.save_over(lead.id, opened, mine, conflict.version)
    assert (saved.model, saved.notes) == ("Tiguan", "Call after six")


def test_a_write_waits_for_the_other_workstation_instead_of_failing(
    user: UserInfo, db: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    import sqlite3
    import threading
    import time

    created = factories.opportunity(user.id)
    if backend == "sqlite":
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # the other workstation is writing
    else:  # the other workstation holds the row (and is writing it)
        other = psycopg2.connect(request.getfixturevalue("pg_url"))
        other.cursor().execute("SELECT 1 FROM opportunity WHERE id = %s FOR UPDATE", (created.id,))
    released = threading.Event()

    def release() -> None:
        time.sleep(0.4)
        released.set()  # before the commit: the waiting write may go on the moment it ends
        other.commit() if backend != "sqlite" else other.execute("COMMIT")

    threading.Thread(target=release).start()
    opened = opportunities.get(created.id)
    started = time.monotonic()
    saved = opportunities.update(created.id, replace(opened, source="Waited"), opened.version)
    assert released.is_set() and time.monotonic() - started >= 0.3
    assert saved.source == "Waited"
    other.close()
