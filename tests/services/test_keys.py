"""The shipped names' stable keys (schema 8): seeded, filled by the upgrade, shown translated."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths
from app.db import migrations
from app.db.connection import database, is_sqlite
from app.db.steps import v8_to_v13
from app.domain import standard_names
from app.domain.standard_names import display_name
from app.services import workspace

FIXTURES = Path(__file__).parent.parent / "fixtures"

STAGE_KEYS = ["qualify", "interest", "quotation", "contract", "delivery", "won", "lost"]


def _keys(path: Path, sql: str) -> list[tuple[object, ...]]:
    if not is_sqlite():  # the database the test opened, on the server
        return [tuple(r) for r in database.execute_sql(sql).fetchall()]
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_new_database_seeds_its_names_with_their_keys(db: Path) -> None:
    stages = _keys(db, 'SELECT "key", name FROM stage ORDER BY sequence')
    assert stages == [(k, standard_names.english(k)) for k in STAGE_KEYS]
    kinds = _keys(db, 'SELECT "key", name FROM opportunity_kind ORDER BY id')
    assert kinds == [("standard", "Standard"), ("without_stages", "Without stages")]
    reasons = _keys(db, 'SELECT kind, "key", name FROM reason ORDER BY kind, sequence')
    expected = [
        (kind, key, name)
        for kind, names in sorted({**standard_names.REASONS, **standard_names.CODED_LISTS}.items())
        for key, (_context, name) in names.items()
    ]
    assert reasons == expected
    # The coded lists' entries are kept by their keys; a payment interest pays as it says.
    coded = _keys(db, 'SELECT kind, "key", code, payment_kind FROM reason WHERE code IS NOT NULL')
    assert {(kind, key) for kind, key, _c, _p in coded} == {
        (kind, key) for kind, names in standard_names.CODED_LISTS.items() for key in names
    }
    assert all(key == code for _k, key, code, _p in coded)
    assert {key: paid for kind, key, _c, paid in coded if kind == "interest"} == {
        "cash": "cash",
        "finance": "finance",
        "lease": "lease",
    }


def _upgraded_copy(data_dir: Path, version: int, before: list[str]) -> Path:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / f"schema-v{version}.sqlite3").read_bytes())
    with sqlite3.connect(copy) as conn:
        for statement in before:
            conn.execute(statement)
    workspace.open_database(copy)
    workspace.close_database()
    return copy


def test_the_upgrade_from_7_keys_the_shipped_rows_and_not_the_added_or_renamed_ones(
    data_dir: Path,
) -> None:
    copy = _upgraded_copy(
        data_dir,
        7,
        [
            "INSERT INTO reason (created_at, updated_at, version, kind, name, sequence, active) "
            "VALUES ('2026-01-01', '2026-01-01', 1, 'lost', 'Moved abroad', 9, 1)",
            "UPDATE reason SET name = 'Too expensive' WHERE kind = 'lost' AND name = 'Price'",
        ],
    )
    stages = _keys(copy, 'SELECT "key", name FROM stage ORDER BY kind_id, sequence')
    assert [k for k, _ in stages[:7]] == STAGE_KEYS
    assert all(key == standard_names.english(key).lower() for key, _ in stages[:7])
    lost = dict(_keys(copy, "SELECT name, \"key\" FROM reason WHERE kind = 'lost'"))
    assert lost["Moved abroad"] is None
    assert lost["Too expensive"] is None  # renamed before the upgrade: no longer the shipped one
    assert lost["Bought elsewhere"] == "bought_elsewhere"
    notes = dict(_keys(copy, "SELECT name, \"key\" FROM reason WHERE kind = 'note'"))
    assert notes["Trade-in"] == "trade_in"
    kinds = _keys(copy, 'SELECT name, "key" FROM opportunity_kind ORDER BY id')
    assert kinds[:2] == [("Standard", "standard"), ("Without stages", "without_stages")]


def test_the_stages_of_a_custom_process_get_the_keys_of_the_ones_they_copy(
    data_dir: Path,
) -> None:
    copy = _upgraded_copy(
        data_dir,
        7,
        [
            "INSERT INTO opportunity_kind (created_at, updated_at, version, name, process) "
            "VALUES ('2026-01-01', '2026-01-01', 1, 'Fleet', 'custom')",
            "INSERT INTO stage (created_at, updated_at, version, kind_id, name, sequence, "
            "default_probability, is_won, is_lost, in_funnel, only_from_lead) "
            "SELECT created_at, updated_at, 1, (SELECT id FROM opportunity_kind "
            "WHERE name = 'Fleet'), name, sequence, default_probability, is_won, is_lost, "
            "in_funnel, only_from_lead FROM stage WHERE name IN ('Quotation', 'Won', 'Lost')",
        ],
    )
    fleet = _keys(
        copy,
        'SELECT s."key" FROM stage s JOIN opportunity_kind k ON k.id = s.kind_id '
        "WHERE k.name = 'Fleet' ORDER BY s.sequence",
    )
    assert fleet == [("quotation",), ("won",), ("lost",)]
    assert _keys(copy, "SELECT \"key\" FROM opportunity_kind WHERE name = 'Fleet'") == [(None,)]


def test_the_keys_step_runs_again_without_harm(data_dir: Path) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v7.sqlite3").read_bytes())
    workspace.open_database(copy)
    try:
        before = database.execute_sql('SELECT id, "key" FROM stage ORDER BY id').fetchall()
        with database.atomic():
            migrations.STEPS[6](database.obj)
        after = database.execute_sql('SELECT id, "key" FROM stage ORDER BY id').fetchall()
        assert before == after
    finally:
        workspace.close_database()


# --- shown translated unless renamed ------------------------------------------------------


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog = Catalog(locale="de", domain=i18n.DOMAIN)
    catalog.add("Lost", "Verloren", context="stage")
    catalog.add("Price", "Preis", context="lost reason")
    target = tmp_path / "translations" / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: tmp_path / "translations")
    i18n.translator.cache_clear()
    yield
    i18n.set_language("en")
    i18n.translator.cache_clear()


def test_a_shipped_name_shows_translated_until_it_is_renamed(german: None) -> None:
    assert display_name("lost", "Lost") == "Lost"
    de = i18n.translator("de")
    assert display_name("lost", "Lost", de) == "Verloren"
    assert display_name("price", "Price", de) == "Preis"
    assert display_name("lost", "Gone", de) == "Gone"  # renamed by an administrator
    assert display_name(None, "Moved abroad", de) == "Moved abroad"  # added by one
    assert display_name("no_such_key", "Whatever", de) == "Whatever"
    i18n.set_language("de")
    assert display_name("lost", "Lost") == "Verloren"


def test_the_keys_are_unique_across_stages_kinds_and_reasons() -> None:
    keys = [
        *standard_names.STAGES,
        *standard_names.KINDS,
        *(k for names in standard_names.REASONS.values() for k in names),
        *(k for names in standard_names.CODED_LISTS.values() for k in names),
    ]
    assert len(keys) == len(set(keys))
    assert set(standard_names.PROCESS_ORDER) < set(standard_names.STAGES)


def test_the_upgrade_step_knows_the_same_names_as_the_domain() -> None:
    """The step's frozen copy and the domain's names agree today (they may part later)."""
    assert {v: k for k, v in v8_to_v13._V8_STAGE_KEYS.items()} == {
        k: name for k, (_c, name) in standard_names.STAGES.items()
    }
    for kind, names in standard_names.REASONS.items():
        shipped = {k: name for k, (_c, name) in names.items()}
        if kind == "won":  # shipped by schema 12
            assert shipped == v8_to_v13._V12_WON_REASONS
            continue
        assert {v: k for k, v in v8_to_v13._V8_REASON_KEYS[kind].items()} == shipped
