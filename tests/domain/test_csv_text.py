"""Numbers and dates as other programs write them: read in the file's format, and refused
when the file does not say and they read two ways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain import csv_text as ct


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("31.490,00", ",", Decimal("31490.00")),
        ("31,490.00", ".", Decimal("31490.00")),
        ("31.490,00", "", Decimal("31490.00")),
        ("31,490.00", "", Decimal("31490.00")),
        ("1.234.567", "", Decimal("1234567")),
        ("1,5", "", Decimal("1.5")),
        ("45.000", ",", Decimal("45000")),
        ("45.000", ".", Decimal("45.000")),
        ("€ 31.490,00", ",", Decimal("31490.00")),
        ("12000", "", Decimal("12000")),
    ],
)
def test_numbers_read_in_the_files_format(text: str, decimal: str, value: Decimal) -> None:
    assert ct.parse_number(text, decimal) == value


@pytest.mark.parametrize(("text", "decimal"), [("1.234", ""), ("45,000", ""), ("31,490.00", ",")])
def test_a_number_that_reads_two_ways_or_against_the_format_is_refused(text, decimal) -> None:
    with pytest.raises(ValueError, match=text.replace(".", r"\.")):
        ct.parse_number(text, decimal)


def test_the_format_is_told_only_by_numbers_that_prove_it() -> None:
    assert ct.detect_decimal(["31.490,00", "12000", "1.234"]) == ","
    assert ct.detect_decimal(["1.234", "45.000"]) == ""
    assert ct.detect_decimal(["31.490,00", "31,490.00"]) == ""


def test_dates() -> None:
    assert ct.parse_date("03.2021", "") == date(2021, 3, 1)
    assert ct.parse_date("15.03.2021", "") == date(2021, 3, 15)
    assert ct.parse_date("03/15/2021", "") == date(2021, 3, 15)
    assert ct.parse_date("03/04/2021", ct.MONTH_DAY_YEAR) == date(2021, 3, 4)
    assert ct.parse_date("03/04/2021", ct.DAY_MONTH_YEAR) == date(2021, 4, 3)
    with pytest.raises(ValueError, match="could be the 2021-04-03 or the 2021-03-04"):
        ct.parse_date("03/04/2021", "")
    with pytest.raises(ValueError, match="is not a date"):
        ct.parse_date("31.02.2021", "")
    assert ct.detect_dates(["25/03/2021", "03/04/2021"]) == ct.DAY_MONTH_YEAR
    assert ct.detect_dates(["03/25/2021", "25/03/2021"]) == ""
