"""Vehicle identification numbers (ISO 3779): alphabet, length and the check digit."""

from __future__ import annotations

import re

from app.i18n import _, ngettext

VIN_LENGTH = 17
# The VIN alphabet: digits and capital letters without I, O and Q.
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise(vin: str) -> str:
    return re.sub(r"[\s-]", "", vin or "").upper()


def format_error(vin: str) -> str | None:
    """Why this VIN cannot be one, or None when its form is right."""
    vin = normalise(vin)
    if len(vin) != VIN_LENGTH:
        return ngettext(
            "A VIN has 17 characters; this one has {n}.",
            "A VIN has 17 characters; this one has {n}.",
            len(vin),
        ).format(n=len(vin))
    bad = sorted({c for c in vin if c in "IOQ"})
    if bad:
        return _never_contains(bad)
    if not _VIN_RE.match(vin):
        return _("A VIN has only the letters A-Z (without I, O, Q) and the digits 0-9.")
    return None


def _never_contains(letters: list[str]) -> str:
    """Why a VIN with I, O or Q cannot be one, naming the letters found."""
    if len(letters) == 1:
        message = _(
            "A VIN never contains {first}: the letters I, O and Q are left out because "
            "they look like 1 and 0. Check it on the registration document."
        )
    elif len(letters) == 2:
        message = _(
            "A VIN never contains {first} or {second}: the letters I, O and Q are left out "
            "because they look like 1 and 0. Check it on the registration document."
        )
    else:
        message = _(
            "A VIN never contains {first} or {second} or {third}: the letters I, O and Q are "
            "left out because they look like 1 and 0. Check it on the registration document."
        )
    return message.format(**dict(zip(("first", "second", "third"), letters, strict=False)))


def check_digit(vin: str) -> str:
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(normalise(vin), _WEIGHTS, strict=False))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


def check_digit_matches(vin: str) -> bool:
    """Position 9 carries a check digit in North America; European VINs often do not."""
    vin = normalise(vin)
    return format_error(vin) is None and vin[8] == check_digit(vin)


def is_north_american(vin: str) -> bool:
    """Built for North America (the USA, Canada, Mexico: world manufacturer identifiers
    starting 1 to 5), where the check digit is mandatory."""
    return normalise(vin)[:1] in ("1", "2", "3", "4", "5")


def with_check_digit(vin: str) -> str:
    vin = normalise(vin)
    return vin[:8] + check_digit(vin) + vin[9:]
