"""VAT IDs, IBANs and BICs: compacted as typed, refused when their shape or checksum is wrong."""

from __future__ import annotations

import pytest

from app.domain import identifiers
from app.domain.validation import Validator


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("GB82 WEST 1234 5698 7654 32", True),
        ("AT61 1904 3002 3457 3201", True),
        ("DE89 3704 0044 0532 0130 01", False),  # one digit off
        ("DE98 3704 0044 0532 0130 00", False),  # check digits swapped
        ("DE89", False),
        ("1234567890123456", False),
    ],
)
def test_an_iban_is_checked_by_its_mod_97_checksum(iban: str, valid: bool) -> None:
    assert identifiers.iban_is_valid(identifiers.compact(iban)) is valid


def test_validated_values_are_kept_as_they_print() -> None:
    v = Validator()
    assert v.iban("iban", "de89370400440532013000") == "DE89 3704 0044 0532 0130 00"
    assert v.bic("bic", "cobadeff") == "COBADEFF"
    assert v.vat_id("vat", "el 123.456.789") == "EL123456789"
    assert not v.errors
    v.bic("bic", "COBA-DE")
    v.vat_id("vat", "GR123456789")  # Greece's VAT prefix is EL
    assert set(v.errors) == {"bic", "vat"}
