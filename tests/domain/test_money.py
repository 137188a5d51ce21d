"""Money: parsing what people type, minor units, rounding, formatting."""

from decimal import Decimal

import pytest

from app import i18n
from app.domain import money
from app.i18n import translator


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "12500", "12500"),
        ("en", "12,500.50", "12500.50"),
        ("de", "12.500,50", "12500.50"),
        ("de", "12.500", "12500"),
        ("fr", "12 500", "12500"),
        ("de_CH", "12'500.5", "12500.5"),
        ("de", "12,50", "12.50"),
        ("en", "12.500", "12.5"),
        ("en", "", "0"),
    ],
)
def test_parse_amount_reads_the_users_locale(language: str, typed: str, expected: str) -> None:
    assert money.parse_amount(typed, translator(language)) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["abc", "1.2.3x", "NaN", "inf", "12,5,0.0.1", "1e3", "9e999999", "1,2.3,4"]
)
def test_parse_amount_refuses_non_numbers(typed: str) -> None:
    with pytest.raises(money.MoneyError):
        money.parse_amount(typed)


@pytest.mark.parametrize(
    ("language", "typed", "reading"),
    [("de", "12.50", "12,50"), ("en", "1,5", "1.5"), ("en", "12.500,00", "12,500.00")],
)
def test_parse_amount_refuses_the_other_way_of_writing_and_shows_its_reading(
    language: str, typed: str, reading: str
) -> None:
    with pytest.raises(money.MoneyError, match=f"did you mean {reading}"):
        money.parse_amount(typed, translator(language))


def test_parse_amount_reads_in_the_screens_language() -> None:
    i18n.set_language("de")
    try:
        assert money.parse_amount("1.234.567") == Decimal("1234567")
    finally:
        i18n.set_language("en")
    assert money.parse_amount("1,234,567.5") == Decimal("1234567.5")


def test_minor_units_round_half_up_once() -> None:
    assert money.to_minor(Decimal("10.005"), "EUR") == 1001
    assert money.to_minor(Decimal("10.004"), "EUR") == 1000
    assert money.to_minor(Decimal("1234"), "JPY") == 1234
    assert money.from_minor(1001, "EUR") == Decimal("10.01")
    assert money.Money.from_minor(31550050, "EUR").amount == Decimal("315500.50")


def test_format_money_writes_it_as_cldr_does_in_each_locale() -> None:
    assert money.format_money(Decimal("31500.5"), "EUR") == "€31,500.50"
    assert money.format_money(Decimal("1500000"), "JPY") == "¥1,500,000"
    assert money.format_money(Decimal("12500"), "EUR", translator("de")) == "12.500,00\u00a0€"
    assert money.format_money(Decimal("12500"), "EUR", translator("it")) == "12.500,00\u00a0€"
    assert money.format_money(Decimal("12500"), "EUR", translator("fr")) == (
        "12\u202f500,00\u00a0€"
    )
    assert money.format_amount(Decimal("12500"), "EUR", translator("de")) == "12.500,00"
    # A negative total with a true minus, as the quote's lines write theirs.
    assert money.format_money(Decimal("-13400"), "EUR") == "\u2212€13,400.00"
    assert money.format_money(Decimal("-13400"), "EUR", translator("de")) == (
        "\u221213.400,00\u00a0€"
    )
    # A line's figure (a trade-in's allowance) signed the same way, without its currency.
    assert money.format_signed(Decimal("-22000"), "EUR", translator("de")) == "\u221222.000,00"
    assert money.format_signed(Decimal("22000"), "EUR") == "22,000.00"
    i18n.set_language("fr")
    try:
        assert money.format_money(Decimal("12500"), "EUR") == "12\u202f500,00\u00a0€"
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("code", ["EU", "EURO", "€", "12A", ""])
def test_check_currency_refuses_non_codes(code: str) -> None:
    with pytest.raises(money.MoneyError):
        money.check_currency(code)
    assert money.check_currency(" chf ") == "CHF"
