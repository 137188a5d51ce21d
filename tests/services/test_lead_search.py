"""The leads' search reads the folded text from an index (schema step lead_search): the same
leads as folding every lead's text while reading, kept up to date as leads change, and a
database of the version before gains it filled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import leads as lead_queries
from app.db import migrations
from app.db.connection import database
from app.db.server_schema import LEAD_COLUMNS
from app.db.steps import STEPS
from app.db.steps.lead_search import lead_search
from app.domain.text import SUBSTRING_MIN_LENGTH, fold, search_words, searchable, words_of
from app.services import leads, workspace
from app.services.leads import LeadFilter, LeadInput
from app.services.workspace import UserInfo
from tests import people

# The version just before the step.
FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / f"schema-v{STEPS.index(lead_search) + 1}.sqlite3"
)

PEOPLE = [
    LeadInput(first_name="Jürgen", last_name="Müller", email="jm@example.de", brand="Škoda"),
    LeadInput(
        first_name="Anna",
        last_name="Straße",
        email="a@example.com",
        company_name="Weiß & Söhne GmbH",
    ),
    LeadInput(
        first_name="Seán", last_name="O'Brien", email="sean@example.ie", source="50% spring_deal"
    ),
    LeadInput(
        first_name="Ελένη", last_name="Παπαδοπούλου", email="e@example.gr", model="Q3", brand="Audi"
    ),
    LeadInput(first_name="Max", last_name="Mueller", phone="+49 89 1234567", model="Golf"),
    LeadInput(
        first_name="Ab", last_name="Cd", email="ab@example.com", company_name='"Quoted" Cars'
    ),
]

TYPED = [
    "muller", "MÜLLER", "mueller", "ü", "u", "ss", "strasse", "weiss söhne", "o'b", "50%",
    "g_d", "_", "%", "ελένη", "q3", "q", "golf müller", "\"quoted\"", "\"", "sko", "nobody",
    "89 123", "example.de", "q golf", "max ü",
]  # fmt: skip


def _holds(body: str, term: str) -> bool:
    """Whether a folded text holds a folded term as the list looks for it: three characters
    or more anywhere, one or two at the start of a word (each word of the term where
    punctuation parts it), punctuation alone anywhere."""
    parts = words_of(term) if len(term) < SUBSTRING_MIN_LENGTH else []
    if not parts:
        return term in body
    words = words_of(body)
    return all(any(w.startswith(p) for w in words) for p in parts)


def _by_reading_every_lead(typed: str) -> set[int]:
    """What folding every lead's text finds, read lead by lead without an index."""
    found = set()
    for row in database.execute_sql(f"SELECT id, {', '.join(LEAD_COLUMNS)} FROM lead"):
        body = searchable(" ".join(str(v) for v in row[1:]))
        if all(_holds(body, fold(t)) for t in search_words(typed)):
            found.add(row[0])
    return found


def _found(typed: str, **narrowed: object) -> set[int]:
    flt = LeadFilter(text=typed, **narrowed)  # type: ignore[arg-type]
    rows = leads.page(flt, "name", False, 0, 100)
    assert leads.count(flt) == len(rows)
    return {r.id for r in rows}


def test_the_search_finds_what_reading_every_lead_finds(user: UserInfo) -> None:
    for data in PEOPLE:
        leads.create(data)
    for typed in TYPED:
        if typed == "89 123":
            continue  # also read as a phone number: checked below
        assert _found(typed) == _by_reading_every_lead(typed), typed
    assert _found("muller") and _found("mü") and _found("50%")
    # One or two letters find the start of a word only ("ll" is inside "Müller").
    assert _found("ll") == set() and _found("lle") >= _found("muller")
    # Narrowed by another filter, each lead is looked up in the kept text instead.
    contacted = leads.set_status(_by_reading_every_lead("muller").pop(), "contacted").id
    for typed in TYPED:
        if typed == "89 123":
            continue
        every = _by_reading_every_lead(typed)
        assert _found(typed, status="contacted") == every & {contacted}, typed
        assert _found(typed, open_only=True) == every, typed
    phone = {leads.create(LeadInput(first_name="Eva", phone="089 1234 567")).id}
    assert phone <= _found("089 1234567")


def test_a_changed_lead_is_found_by_its_new_text_only(user: UserInfo) -> None:
    lead = leads.create(LeadInput(first_name="Jürgen", last_name="Müller", email="j@x.de"))
    leads.update(
        lead.id, LeadInput(first_name="Jürgen", last_name="Schäfer", email="j@x.de"), lead.version
    )
    assert _found("muller") == set()
    assert _found("schafer") == {lead.id}
    assert _found("jurgen schafer") == {lead.id}
    # The words' starts (one or two letters) follow the change as well.
    assert _found("mü") == _found("m") == set()
    assert _found("sc") == _found("s") == _found("ju sch") == {lead.id}
    database.execute_sql(
        "DELETE FROM lead WHERE id = ?".replace("?", database.obj.param), (lead.id,)
    )
    assert _found("schafer") == _found("sc") == _found("j") == set()


@pytest.mark.sqlite_only
def test_a_search_reads_the_index_not_every_lead(user: UserInfo) -> None:
    for data in PEOPLE:
        leads.create(data)
    flt = LeadFilter(text="müller golf")
    matches, params = lead_queries._matches(flt, lead_queries._terms(flt))
    plan = database.execute_sql(
        f"EXPLAIN QUERY PLAN SELECT count(*) FROM ({matches})", params
    ).fetchall()
    details = [str(r[-1]) for r in plan]
    assert any("lead_search VIRTUAL TABLE INDEX" in d for d in details), details
    # The leads are read by id, those found only; none is folded as it is read.
    assert not any(d.split()[:2] == ["SCAN", "l"] for d in details), details
    assert "search_text" not in matches


@pytest.mark.sqlite_only
def test_a_database_of_the_version_before_gains_the_index_filled(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes(FIXTURE.read_bytes())
    with sqlite3.connect(copy) as conn:
        names = conn.execute("SELECT id, last_name FROM lead ORDER BY id").fetchall()
    assert len(names) > 10
    workspace.open_database(copy)
    try:
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        people.sign_in_as("anna")
        indexed = database.execute_sql("SELECT count(*) FROM lead_search").fetchone()[0]
        assert indexed == len(names)
        for lead_id, last_name in names:
            if len(fold(last_name)) >= 3:
                assert lead_id in _found(last_name), last_name
        # Run again (interrupted before its commit): the same index, not twice the rows.
        with database.atomic():
            lead_search(database.obj)
        assert database.execute_sql("SELECT count(*) FROM lead_search").fetchone()[0] == len(names)
    finally:
        workspace.close_database()


def test_a_brands_short_form_finds_its_leads(user: UserInfo) -> None:
    for data in PEOPLE:
        leads.create(data)
    golf = leads.create(
        LeadInput(first_name="Luca", last_name="Verdi", email="l@example.it", brand="Volkswagen")
    ).id
    leads.create(LeadInput(first_name="Vwala", last_name="Ng", email="v@example.sg"))
    # "vw" is read as Volkswagen, not as the start of a word.
    assert _found("vw") == _found("VW") == _found("volkswagen") == {golf}
    assert _found("vw verdi") == {golf} and _found("vw müller") == set()
