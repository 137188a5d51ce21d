"""VINs: the alphabet, the length and the check digit (a warning only in Europe)."""

import pytest

from app.domain import validation, vin

# A well-known valid North American VIN (check digit 8 at position 9) and a European one.
US_VIN = "1M8GDM9AXKP042788"


def test_check_digit_of_a_known_vin() -> None:
    assert vin.check_digit(US_VIN) == "X"
    assert vin.check_digit_matches(US_VIN)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("WVWZZZ1KZ8W00012", "17 characters"),
        ("WVWZZZ1KZ8W0001234", "17 characters"),
        ("WVWZZZ1KZ8W00O123", "never contains O"),
        ("WVWZZZ1KZ8W00#123", "only the letters"),
    ],
)
def test_format_errors_say_what_is_wrong(value: str, fragment: str) -> None:
    problem = vin.format_error(value)
    assert problem is not None and fragment in problem


def test_normalise_drops_spaces_and_dashes_and_uppercases() -> None:
    assert vin.normalise(" wvw-zzz 1kz8w000123 ") == "WVWZZZ1KZ8W000123"


def test_a_wrong_check_digit_only_warns() -> None:
    v = validation.Validator()
    v.vin("vin", "WVWZZZ1KZ8W000123")
    assert not v.errors
    assert "check digit" in v.warnings["vin"]
    fixed = vin.with_check_digit("WVWZZZ1KZ8W000123")
    v2 = validation.Validator()
    v2.vin("vin", fixed)
    assert not v2.errors and not v2.warnings


def test_a_malformed_vin_is_an_error() -> None:
    v = validation.Validator()
    v.vin("vin", "SHORT")
    assert "17 characters" in v.errors["vin"]
