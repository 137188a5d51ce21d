"""The channels, payment interests and activity outcomes as editable lists: records keep an
entry by its code, so an administrator renames, reorders and deactivates entries without
touching the records that hold them; the entries the program relies on are kept; a payment
interest of the dealership's own pays by its kind; a done activity records its outcome;
the schema step brings the channels and interests of a filled database into the lists."""

from __future__ import annotations

import sqlite3
from dataclasses import fields, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import i18n
from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.lists import _V19_ENTRIES, channels_interests_and_outcomes
from app.domain import standard_names
from app.domain.validation import ValidationError
from app.services import (
    activities,
    lead_import,
    leads,
    master_data,
    opportunities,
    quotes,
    reference,
    workspace,
)
from app.services.activities import ActivityInput
from app.services.dashboard.labels import Names
from app.services.errors import ConflictError, NotAllowed
from app.services.master_data import ListEntry
from app.services.opportunity_form import OpportunityInput
from tests import factories, people
from tests.people import add_user

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-v18.sqlite3"


def _entry(kind: str, code: str) -> ListEntry:
    return next(e for e in master_data.list_entries(kind) if e.code == code)


def _input(detail: opportunities.OpportunityDetail) -> OpportunityInput:
    return OpportunityInput(**{f.name: getattr(detail, f.name) for f in fields(OpportunityInput)})


# --- the channels ---------------------------------------------------------------------------


def test_an_own_channel_is_added_renamed_and_its_records_keep_it(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    social = master_data.save(ListEntry(kind="channel", name="Social media"))
    assert social.code == "social_media"
    assert [c.code for c in reference.code_choices("channel")][-1] == "social_media"
    sale = factories.opportunity(user.id, channel="Social media")  # typed as its name
    assert sale.channel == "social_media"
    # Renamed while a sale holds it: the sale keeps it, shown by its new name.
    renamed = master_data.save(replace(social, name="Instagram"))
    assert renamed.code == "social_media" and renamed.used == 1
    assert opportunities.get(sale.id).channel == "social_media"
    assert reference.code_label("channel", "social_media") == "Instagram"
    # Used: not deleted, saying what holds it.
    with pytest.raises(ValidationError) as refused:
        master_data.delete(renamed)
    assert "1 opportunity" in refused.value.errors["delete"]
    assert m.Reason.get_by_id(social.id).name == "Instagram"


def test_a_deactivated_channel_stays_on_its_records_and_is_offered_to_no_new_one(
    db: Path,
    user,  # type: ignore[no-untyped-def]
) -> None:
    sale = factories.opportunity(user.id, channel="trade_show")
    master_data.set_active(_entry("channel", "trade_show"), False)
    assert "trade_show" not in [c.code for c in reference.code_choices("channel")]
    # The sale that holds it shows it and is saved with it.
    assert "trade_show" in [c.code for c in reference.code_choices("channel", "trade_show")]
    again = opportunities.update(sale.id, replace(_input(sale), topic="Golf GTI"), sale.version)
    assert again.channel == "trade_show" and again.topic == "Golf GTI"
    # A new sale may not pick it, nor may another sale switch to it.
    with pytest.raises(ValidationError) as refused:
        factories.opportunity(user.id, channel="trade_show")
    assert "no longer in use" in refused.value.errors["channel"]
    other = factories.opportunity(user.id, channel="phone")
    with pytest.raises(ValidationError):
        opportunities.update(other.id, replace(_input(other), channel="trade_show"), 1)


def test_the_walk_in_channel_is_kept_active_and_a_shipped_one_is_not_deleted(db: Path) -> None:
    walk_in = _entry("channel", "walk_in")
    with pytest.raises(ValidationError) as refused:
        master_data.set_active(walk_in, False)
    assert "walk-in desk" in refused.value.errors["active"]
    assert _entry("channel", "walk_in").active
    # Renamed, it still is the walk-in desk's channel.
    renamed = master_data.save(replace(walk_in, name="Showroom visit"))
    assert renamed.code == "walk_in" and renamed.shown == "Showroom visit"
    with pytest.raises(ValidationError, match="shipped with the program"):
        master_data.delete(_entry("channel", "referral"))


def test_a_shipped_entry_reads_in_the_screen_s_language_until_renamed(db: Path) -> None:
    german = i18n.translator("de")
    assert reference.code_labels("channel", german)["walk_in"] == "Laufkunde"
    master_data.save(replace(_entry("channel", "walk_in"), name="Showroom visit"))
    assert reference.code_labels("channel", german)["walk_in"] == "Showroom visit"
    # Back to the shipped name, it is translated again.
    master_data.save(replace(_entry("channel", "walk_in"), name="Walk-in"))
    assert reference.code_labels("channel", german)["walk_in"] == "Laufkunde"


def test_the_dashboard_groups_by_the_channels_as_the_list_names_them(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    master_data.save(ListEntry(kind="channel", name="Social media"))
    master_data.save(replace(_entry("channel", "walk_in"), name="Showroom visit"))
    names = Names()
    assert names.label("channel", "social_media") == "Social media"
    assert names.label("channel", "walk_in") == "Showroom visit"
    assert Names(i18n.translator("de")).label("channel", "phone") == "Telefon"


def test_the_lead_import_reads_own_channels_and_defaults_to_an_active_one(db: Path) -> None:
    master_data.save(ListEntry(kind="channel", name="Social media"))
    master_data.set_active(_entry("channel", "web_form"), False)
    master_data.set_active(_entry("channel", "phone"), False)
    csv = (
        b"last_name,email,channel\n"
        b"Rossi,maria@example.com,Social media\n"
        b"Bauer,anna@example.com,\n"
        b"Weiss,jan@example.com,phone\n"
    )
    report = lead_import.import_csv(csv)
    assert report.imported == 2
    [(line, reason)] = report.errors
    assert line == 4 and "no longer in use" in reason
    channels = dict(m.Lead.select(m.Lead.last_name, m.Lead.channel).tuples())
    # The web form's channel is off: a row without a channel takes the first active one.
    assert channels == {"Rossi": "social_media", "Bauer": "walk_in"}


def test_the_channel_lists_are_put_in_order(db: Path) -> None:
    before = [e.code for e in master_data.list_entries("channel")]
    assert before[:3] == ["web_form", "phone", "walk_in"]
    after = master_data.move(_entry("channel", "walk_in"), -1)
    assert [e.code for e in after][:3] == ["web_form", "walk_in", "phone"]
    after = master_data.move(_entry("channel", "walk_in"), -1)
    assert [e.code for e in after][:3] == ["walk_in", "web_form", "phone"]
    assert [c.code for c in reference.code_choices("channel")] == [e.code for e in after]


# --- the payment interests -------------------------------------------------------------------


def test_an_own_payment_interest_pays_by_its_kind_in_the_quote(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    balloon = master_data.save(
        ListEntry(kind="interest", name="Balloon finance", payment_kind="finance")
    )
    private = master_data.save(
        ListEntry(kind="interest", name="Private lease", payment_kind="lease")
    )
    assert (balloon.code, private.code) == ("balloon_finance", "private_lease")
    sale = factories.opportunity(user.id, interest="balloon_finance")
    assert sale.interest == "balloon_finance"
    assert quotes.create(sale.id).payment_method == "finance"
    leased = factories.opportunity(user.id, interest="Private lease")
    assert quotes.create(leased.id).payment_method == "lease"
    assert reference.payment_kind("cash") == "cash"


def test_a_payment_interest_says_its_kind_and_a_shipped_one_keeps_it(db: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        master_data.save(ListEntry(kind="interest", name="Balloon finance"))
    assert "payment_kind" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        master_data.save(ListEntry(kind="interest", name="Barter", payment_kind="barter"))
    assert "payment_kind" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        master_data.save(replace(_entry("interest", "cash"), payment_kind="lease"))
    assert "shipped as" in refused.value.errors["payment_kind"]
    # An own entry may change its kind.
    own = master_data.save(ListEntry(kind="interest", name="Fleet plan", payment_kind="lease"))
    assert master_data.save(replace(own, payment_kind="finance")).payment_kind == "finance"


def test_a_lead_keeps_a_deactivated_interest_and_is_saved_with_it(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    lead = leads.create(
        leads.LeadInput(last_name="Rossi", email="maria@example.com", interest="lease")
    )
    master_data.set_active(_entry("interest", "lease"), False)
    data = leads.LeadInput(**{f.name: getattr(lead, f.name) for f in fields(leads.LeadInput)})
    data.city = "Mainz"
    saved = leads.update(lead.id, data, lead.version)
    assert (saved.interest, saved.city) == ("lease", "Mainz")
    with pytest.raises(ValidationError):
        leads.create(leads.LeadInput(last_name="Bauer", email="a@example.com", interest="lease"))


def test_a_lead_with_a_retired_channel_is_converted_with_it(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    lead = leads.create(
        leads.LeadInput(
            last_name="Rossi", email="maria@example.com", channel="trade_show", interest="lease"
        )
    )
    master_data.set_active(_entry("channel", "trade_show"), False)
    master_data.set_active(_entry("interest", "lease"), False)
    done = leads.convert(lead.id, confirmed_new=True)
    sale = opportunities.get(done.opportunity_id)
    assert (sale.channel, sale.interest) == ("trade_show", "lease")


# --- the lists in the master data: each kind -------------------------------------------------


@pytest.mark.parametrize("kind", ["channel", "interest", "outcome"])
def test_each_coded_list_is_conflict_checked_and_changed_only_by_administrators(
    db: Path, kind: str
) -> None:
    opened = master_data.save(ListEntry(kind=kind, name="Own entry", payment_kind="finance"))
    theirs = master_data.save(replace(opened, name="Own entry (theirs)"))
    yours = replace(opened, name="Own entry (yours)")
    with pytest.raises(ConflictError):
        master_data.save(yours)
    conflict = master_data.conflict(opened, yours)
    assert [c.name for c in conflict.changes] == ["name"]
    saved = master_data.save_over(opened, yours, theirs.version)
    assert saved.name == "Own entry (yours)" and saved.code == opened.code
    with pytest.raises(ConflictError):
        master_data.set_active(opened, False)  # opened before the others' saves
    m.set_acting_user(add_user("sam", "salesperson").id)
    with pytest.raises(NotAllowed):
        master_data.save(replace(saved, name="Mine"))
    with pytest.raises(NotAllowed):
        master_data.set_active(saved, False)
    with pytest.raises(NotAllowed):
        master_data.delete(saved)
    with pytest.raises(NotAllowed):
        master_data.move(saved, -1)
    # They read it.
    assert "Own entry (yours)" in [e.name for e in master_data.list_entries(kind)]


@pytest.mark.parametrize("kind", ["channel", "interest", "outcome"])
def test_an_unused_own_entry_is_deleted(db: Path, kind: str) -> None:
    own = master_data.save(ListEntry(kind=kind, name="Short-lived", payment_kind="cash"))
    master_data.delete(own)
    assert "Short-lived" not in [e.name for e in master_data.list_entries(kind)]


# --- the activity outcomes -------------------------------------------------------------------


def _call(opportunity_id: int, owner_id: int, **values: object) -> activities.ActivityDetail:
    data = ActivityInput(
        kind="call",
        subject="Price of the Golf",
        starts_at=datetime.now().replace(microsecond=0) - timedelta(hours=1),
        owner_id=owner_id,
        opportunity_id=opportunity_id,
        direction="out",
    )
    for name, value in values.items():
        setattr(data, name, value)
    return activities.create(data)


def _as_input(detail: activities.ActivityDetail) -> ActivityInput:
    return ActivityInput(**{f.name: getattr(detail, f.name) for f in fields(ActivityInput)})


def test_a_done_activity_records_its_outcome_shown_on_the_timeline(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    call = _call(sale.id, user.id, done=True, outcome="appointment_made")
    assert activities.get(call.id).outcome == "appointment_made"
    [entry] = [e for e in activities.timeline(sale.id) if e.activity_id == call.id]
    assert entry.title == "Call out: Price of the Golf — Appointment made"
    # Renamed by the administrator: the timeline says it so.
    made = _entry("outcome", "appointment_made")
    master_data.save(replace(made, name="Visit booked"))
    [entry] = [e for e in activities.timeline(sale.id) if e.activity_id == call.id]
    assert entry.title.endswith("— Visit booked")
    with pytest.raises(ValidationError) as refused:
        master_data.delete(_entry("outcome", "appointment_made"))
    assert "1 activity" in refused.value.errors["delete"]


def test_an_outcome_waits_for_the_activity_to_be_done(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    with pytest.raises(ValidationError) as refused:
        _call(sale.id, user.id, done=False, outcome="reached")
    assert "once the activity is done" in refused.value.errors["outcome"]
    with pytest.raises(ValidationError) as refused:
        _call(sale.id, user.id, done=True, outcome="bribed")
    assert "not a known" in refused.value.errors["outcome"]
    call = _call(sale.id, user.id, done=True, outcome="reached")
    undone = activities.set_done(call.id, False)
    assert (undone.done, undone.outcome) == (False, "")


def test_a_retired_outcome_stays_on_its_activity(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    call = _call(sale.id, user.id, done=True, outcome="call_back")
    master_data.set_active(_entry("outcome", "call_back"), False)
    assert "call_back" not in [c.code for c in activities.outcome_choices()]
    assert "call_back" in [c.code for c in activities.outcome_choices("call_back")]
    data = replace(_as_input(call), subject="Price of the Golf GTI")
    again = activities.update(call.id, data, call.version)
    assert again.outcome == "call_back"
    with pytest.raises(ValidationError):
        _call(sale.id, user.id, done=True, outcome="call_back")


def test_an_outcome_saved_elsewhere_is_a_conflict_named_by_its_field(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    opened = _call(sale.id, user.id, done=True)
    activities.update(opened.id, replace(_as_input(opened), outcome="not_reached"), 1)
    yours = replace(_as_input(opened), outcome="reached")
    with pytest.raises(ConflictError):
        activities.update(opened.id, yours, opened.version)
    conflict = activities.conflict(opened.id, _as_input(opened), yours)
    [change] = conflict.changes
    assert change.name == "outcome"
    assert (change.theirs, change.yours) == ("Not reached", "Reached")
    saved = activities.save_over(opened.id, _as_input(opened), yours, conflict.version)
    assert saved.outcome == "reached"


def test_a_read_only_user_records_no_outcome(db: Path, user) -> None:  # type: ignore[no-untyped-def]
    sale = factories.opportunity(user.id)
    call = _call(sale.id, user.id, done=True)
    people.sign_in_as("rita", "read_only")
    with pytest.raises(NotAllowed):
        activities.update(call.id, replace(_as_input(call), outcome="reached"), call.version)


# --- the schema step -------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_filled_schema_18_database_keeps_its_channels_and_interests(data_dir: Path) -> None:
    assert channels_interests_and_outcomes in STEPS
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(copy) as old:
        # A value written before the lists were checked keeps an entry of its own.
        old.execute("UPDATE lead SET channel = 'fax' WHERE id = (SELECT min(id) FROM lead)")
        held = {
            table: old.execute(f"SELECT id, channel, interest FROM {table} ORDER BY id").fetchall()
            for table in ("opportunity", "lead")
        }
        reasons = old.execute("SELECT id, kind, name, key FROM reason ORDER BY id").fetchall()
        activities_before = old.execute("SELECT count(*) FROM activity").fetchone()[0]
    assert any(row[1] for rows in held.values() for row in rows)
    workspace.open_database(copy)
    try:
        # Run again, as after an interruption before its commit: nothing changes.
        with database.atomic():
            channels_interests_and_outcomes(database.obj)
        people.sign_in_as("anna")
        channels = {c.code: c for c in reference.code_entries("channel")}
        interests = {c.code: c for c in reference.code_entries("interest")}
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as new:
        assert new.execute("SELECT max(version) FROM schema_version").fetchone()[0] == (
            migrations.SCHEMA_VERSION
        )
        for table, rows in held.items():
            assert (
                new.execute(f"SELECT id, channel, interest FROM {table} ORDER BY id").fetchall()
                == rows
            )
        assert (
            new.execute("SELECT id, kind, name, key FROM reason WHERE code IS NULL").fetchall()
            == reasons
        )
        assert new.execute("SELECT count(*) FROM activity WHERE outcome = ''").fetchone()[0] == (
            activities_before
        )
        assert new.execute("SELECT count(*) FROM reason WHERE kind = 'outcome'").fetchone()[
            0
        ] == len(_V19_ENTRIES["outcome"])
    # Every channel and interest on file is in its list; the shipped ones are active.
    for rows in held.values():
        for _id, channel, interest in rows:
            assert not channel or channel in channels
            assert not interest or interest in interests
    assert list(channels)[:8] == [key for key, _n, _p in _V19_ENTRIES["channel"]]
    assert all(channels[key].active for key, _n, _p in _V19_ENTRIES["channel"])
    assert channels["fax"].label == "fax" and not channels["fax"].active
    assert {code: c.payment_kind for code, c in interests.items()} == {
        "cash": "cash",
        "finance": "finance",
        "lease": "lease",
    }


def test_the_step_s_frozen_entries_are_the_shipped_ones() -> None:
    """The step's frozen copy and the domain's names agree today (they may part later)."""
    for kind, entries in _V19_ENTRIES.items():
        shipped = {k: name for k, (_c, name) in standard_names.CODED_LISTS[kind].items()}
        assert {key: name for key, name, _p in entries} == shipped
    paid = {key: p for key, _n, p in _V19_ENTRIES["interest"]}
    assert paid == standard_names.PAYMENT_KINDS
