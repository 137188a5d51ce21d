"""Money: parsing what people type, minor units, rounding, formatting."""

from decimal import Decimal

import pytest

from app.domain import money


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12500", "12500"),
        ("12,500.50", "12500.50"),
        ("12.500,50", "12500.50"),
        ("12 500", "12500"),
        ("12'500.5", "12500.5"),
        ("12,50", "12.50"),
        ("", "0"),
    ],
)
def test_parse_amount_reads_what_people_type(typed: str, expected: str) -> None:
    assert money.parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["abc", "1.2.3x", "NaN", "inf", "12,5,0.0.1", "1e3", "9e999999", "1,2.3,4"]
)
def test_parse_amount_refuses_non_numbers(typed: str) -> None:
    with pytest.raises(money.MoneyError):
        money.parse_amount(typed)


@pytest.mark.parametrize(
    ("typed", "readings"), [("12.500", "12,500 or 12.5"), ("1,000", "1,000 or 1")]
)
def test_parse_amount_refuses_a_grouping_it_cannot_tell_and_shows_both_readings(
    typed: str, readings: str
) -> None:
    with pytest.raises(money.MoneyError, match=readings.replace(".", r"\.")):
        money.parse_amount(typed)


def test_parse_amount_reads_a_leading_zero_as_decimals_and_groups_of_three_as_thousands() -> None:
    assert money.parse_amount("0,001") == Decimal("0.001")
    assert money.parse_amount("1.234.567") == Decimal("1234567")
    assert money.parse_amount("1,234,567.5") == Decimal("1234567.5")


def test_minor_units_round_half_up_once() -> None:
    assert money.to_minor(Decimal("10.005"), "EUR") == 1001
    assert money.to_minor(Decimal("10.004"), "EUR") == 1000
    assert money.to_minor(Decimal("1234"), "JPY") == 1234
    assert money.from_minor(1001, "EUR") == Decimal("10.01")
    assert money.Money.from_minor(31550050, "EUR").amount == Decimal("315500.50")


def test_format_money_groups_and_names_the_currency() -> None:
    assert money.format_money(Decimal("31500.5"), "EUR") == "31,500.50 EUR"
    assert money.format_money(Decimal("1500000"), "JPY") == "1,500,000 JPY"


@pytest.mark.parametrize("code", ["EU", "EURO", "€", "12A", ""])
def test_check_currency_refuses_non_codes(code: str) -> None:
    with pytest.raises(money.MoneyError):
        money.check_currency(code)
    assert money.check_currency(" chf ") == "CHF"
