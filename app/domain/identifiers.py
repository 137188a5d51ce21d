"""VAT IDs, IBANs and BICs as they print on documents: normalised, their shape and checksum."""

from __future__ import annotations

import re

# The EU's VAT ID prefixes (Greece is EL; XI is Northern Ireland), and countries a dealer's
# business customers often come from outside the EU with a VAT ID of the same shape.
VAT_PREFIXES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
     "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI", "CH", "GB",
     "NO"}
)  # fmt: skip
_VAT = re.compile(r"^(?P<country>[A-Z]{2})(?P<number>[0-9A-Z+*]{8,14})$")
# ISO 13616: the country, two check digits, up to 30 letters and digits.
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}$")
# ISO 9362: bank (4 letters), country (2 letters), location (2), optional branch (3).
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[0-9A-Z]{2}([0-9A-Z]{3})?$")
_SEPARATORS = re.compile(r"[\s.\-/]")


def compact(value: str) -> str:
    """Without spaces, dots, hyphens or slashes, in capitals: "de 123.456.789" -> "DE123456789"."""
    return _SEPARATORS.sub("", value or "").upper()


def vat_id_problem(value: str) -> str:
    """What is wrong with the shape of a compacted VAT ID ("" when nothing): an EU VAT ID is
    its country's two letters and 8 to 14 letters or digits."""
    match = _VAT.match(value)
    if match is None:
        return "shape"
    if match["country"] not in VAT_PREFIXES:
        return "country"
    return ""


def iban_is_valid(value: str) -> bool:
    """The shape and the ISO 7064 mod 97 checksum of a compacted IBAN."""
    if not _IBAN.match(value):
        return False
    moved = value[4:] + value[:4]
    digits = "".join(str(int(char, 36)) for char in moved)
    return int(digits) % 97 == 1


def format_iban(value: str) -> str:
    """In groups of four, as it prints: "DE89 3704 0044 0532 0130 00"."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def bic_is_valid(value: str) -> bool:
    return bool(_BIC.match(value))
