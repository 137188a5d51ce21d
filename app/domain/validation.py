"""Field validation: every refusal names the field and says what to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from app.domain import identifiers, money, printable, reading, vin
from app.domain.choices import Choice
from app.i18n import _, current, ngettext

# RFC 5322's dot-atom, as email-validator reads an unquoted ASCII local part.
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"  # i18n: ignore
_DOT_ATOM = re.compile(f"[{_ATEXT}]+(?:\\.[{_ATEXT}]+)*\\Z")
_MAX_ADDRESS = 254  # RFC 5321, in bytes
_MAX_LOCAL = 64  # RFC 5321; email-validator checks it only when strict, so beyond it: the slow path


@lru_cache(maxsize=256)
def _domain_is_valid(domain: str) -> bool:
    return _library_says_valid("a@" + domain)


def _library_says_valid(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_email(text: str) -> bool:
    """Whether email-validator takes the address (no look-up on the network).

    A plain ASCII local part is valid whatever it spells, so such an address is as valid as
    its domain, and a domain is checked once: an import of 100,000 addresses on a dozen
    domains would otherwise spend most of its time in the library. Anything else (quotes,
    non-ASCII, IDNA domains, lengths near the limits) goes to the library whole."""
    local, at, domain = text.rpartition("@")
    if (
        at
        and text.isascii()
        and len(text) <= _MAX_ADDRESS
        and len(local) <= _MAX_LOCAL
        and "xn--" not in domain.lower()
        and _DOT_ATOM.match(local)
    ):
        return _domain_is_valid(domain)
    return _library_says_valid(text)


@dataclass
class ValidationError(Exception):
    """One or more fields refused; `errors` maps a field name to its message."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(self.errors.values())


class Validator:
    """Collects refusals and warnings over one record, then raises once. A `label` names
    the field in the messages, in the screen's language (`app.domain.fields.label(key)`)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.warnings: dict[str, str] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def warn(self, name: str, message: str) -> None:
        self.warnings.setdefault(name, message)

    def require(self, name: str, value: str | None, label: str, max_length: int = 200) -> str:
        text = (value or "").strip()
        if not text:
            self.error(name, _("{label} cannot be empty.").format(label=label))
        elif len(text) > max_length:
            self.error(name, _too_long(label, len(text), max_length))
        self.printable(name, text)
        return text

    def optional(
        self,
        name: str,
        value: str | None,
        label: str,
        max_length: int = 200,
        printable: bool = True,
    ) -> str:
        """`printable`: False where the caller knows the text is printable (all printable
        ASCII), so it is not looked at again."""
        text = (value or "").strip()
        if len(text) > max_length:
            self.error(name, _too_long(label, len(text), max_length))
        if printable:
            self.printable(name, text)
        return text

    def printable(self, name: str, text: str) -> None:
        """Refuse what no document can print (emoji, scripts without a shipped font): it
        would print as a gap on the paper the customer takes home."""
        missing = printable.unprintable(text)
        if missing:
            self.error(
                name,
                _(
                    "“{characters}” cannot be printed on a document (no emoji or symbols the "
                    "document fonts lack); remove it."
                ).format(characters="".join(missing[:5])),
            )

    def amount(self, name: str, value: Decimal | None, label: str) -> Decimal:
        if value is None:
            return Decimal(0)
        if not value.is_finite():
            self.error(name, _("{label} is not a number.").format(label=label))
        elif value < 0:
            self.error(name, _("{label} cannot be negative.").format(label=label))
        elif value >= money.MAX_AMOUNT:
            self.error(
                name,
                _("{label} of {amount} is more than any sale; check the digits.").format(
                    label=label, amount=current().format_number(value)
                ),
            )
        return value

    def probability(self, name: str, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 100:
            self.error(name, _("Probability is a percentage from 0 to 100."))
        return value

    def currency(self, name: str, value: str) -> str:
        try:
            return money.check_currency(value)
        except money.MoneyError as exc:
            self.error(name, str(exc))
            return value

    def vin(self, name: str, value: str | None) -> str:
        text = vin.normalise(value or "")
        if not text:
            return ""
        problem = vin.format_error(text)
        if problem:
            self.error(name, problem)
        elif not vin.check_digit_matches(text) and vin.is_north_american(text):
            # North American VINs always carry the check digit: a wrong one is a typo.
            self.error(
                name,
                _(
                    "The check digit (9th character) does not match; it should be {digit}. "
                    "A VIN from North America always carries one: check the VIN."
                ).format(digit=vin.check_digit(text)),
            )
        elif not vin.check_digit_matches(text):
            self.warn(
                name,
                _(
                    "The check digit (9th character) does not match; it should be {digit}. "
                    "Many European VINs carry none, so this is only a warning."
                ).format(digit=vin.check_digit(text)),
            )
        return text

    def email(self, name: str, value: str | None) -> str:
        """The syntax by email-validator's rules (RFC 5322 and the DNS's for the domain), with
        no look-up on the network."""
        text = (value or "").strip()
        if not text:
            return text
        if not is_email(text):
            self.error(
                name, _("“{text}” is not an e-mail address (name@example.com).").format(text=text)
            )
        return text

    def vat_id(self, name: str, value: str | None) -> str:
        """A VAT ID, compacted ("DE 123 456 789" is kept as DE123456789), by its shape."""
        text = identifiers.compact(value or "")
        if not text:
            return ""
        problem = identifiers.vat_id_problem(text)
        if problem == "country":
            self.error(
                name,
                _(
                    "“{prefix}” is not a country's VAT prefix: a VAT ID starts with its "
                    "country's two letters (DE, AT, IT, EL for Greece)."
                ).format(prefix=text[:2]),
            )
        elif problem:
            self.error(
                name,
                _(
                    "“{text}” is not a VAT ID: it is the country's two letters and 8 to 14 "
                    "letters or digits (DE123456789)."
                ).format(text=(value or "").strip()),
            )
        return text

    def iban(self, name: str, value: str | None) -> str:
        """An IBAN, compacted, by its shape and check digits; kept in groups of four."""
        text = identifiers.compact(value or "")
        if not text:
            return ""
        if not identifiers.iban_is_valid(text):
            self.error(
                name,
                _(
                    "“{text}” is not a valid IBAN: its check digits do not match (a typing "
                    "error?) or it is too short. Copy it from the bank's statement."
                ).format(text=(value or "").strip()),
            )
            return (value or "").strip()
        return identifiers.format_iban(text)

    def bic(self, name: str, value: str | None) -> str:
        text = identifiers.compact(value or "")
        if text and not identifiers.bic_is_valid(text):
            self.error(
                name,
                _(
                    "“{text}” is not a BIC: it has 8 or 11 letters and digits, e.g. COBADEFFXXX."
                ).format(text=(value or "").strip()),
            )
        return text

    def choice(self, name: str, value: str | None, choices: type[Choice], label: str) -> str:
        """The stored code for a value typed as its code or its label."""
        text = (value or "").strip()
        if not text:
            return ""
        try:
            return str(choices.parse(text).value)
        except ValueError:
            known = ", ".join(c.label for c in choices)
            self.error(
                name,
                _("“{text}” is not a known {label}; pick one of: {known}.").format(
                    text=text, label=label, known=known
                ),
            )
            return text

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(dict(self.errors), dict(self.warnings))


def not_in_past(v: Validator, name: str, value: date | None, today: date, label: str) -> None:
    if value is not None and value < today:
        v.error(
            name,
            _("{label} {date} is in the past; pick today or later.").format(
                label=label, date=reading.format_day(value)
            ),
        )


def _too_long(label: str, length: int, max_length: int) -> str:
    return ngettext(
        "{label} is too long ({length} character; at most {limit}).",
        "{label} is too long ({length} characters; at most {limit}).",
        length,
    ).format(label=label, length=length, limit=max_length)
