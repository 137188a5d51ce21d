"""Primary demand: what the customer asked for, as lines (a vehicle, accessories, services,
financing, each with the price they expect and a comment), on a lead or an opportunity."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from app.db import sales_desk as desk
from app.db.connection import transaction
from app.db.retrying import retried
from app.domain import money
from app.domain.choices import DemandKind
from app.domain.fields import label
from app.domain.rights import Right
from app.domain.validation import Validator
from app.i18n import _
from app.services import access, record_rights
from app.services.conflicts import EMPTY, Conflict, user_name
from app.services.errors import ConflictError, FieldChange


@dataclass
class DemandLine:
    kind: str = DemandKind.VEHICLE.value
    description: str = ""
    expected_price: Decimal | None = None
    currency: str = money.DEFAULT_CURRENCY
    comment: str = ""
    # The stored line (None for one typed now) and the version it was read at.
    id: int | None = None
    version: int = 0

    @property
    def values(self) -> tuple[object, ...]:
        """What the user edits, to tell a changed line from one left as it was."""
        return (self.kind, self.description, self.expected_price, self.currency, self.comment)

    @property
    def summary(self) -> str:
        """The line in a few words, as the conflict dialog shows it."""
        price = _(" — hopes for {price}").format(price=self.price_text) if self.price_text else ""
        comment = f" ({self.comment})" if self.comment else ""
        return f"{self.kind_label}: {self.description}{price}{comment}"

    @property
    def kind_label(self) -> str:
        try:
            return DemandKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def price_text(self) -> str:
        if self.expected_price is None:
            return ""
        return money.format_money(self.expected_price, self.currency)


def from_rows(rows: list[desk.DemandRow]) -> list[DemandLine]:
    return [
        DemandLine(
            r.kind,
            r.description,
            money.from_minor(r.expected_price_minor, r.currency)
            if r.expected_price_minor is not None
            else None,
            r.currency,
            r.comment,
            r.id,
            r.version,
        )
        for r in rows
    ]


def of_opportunity(opportunity_id: int) -> list[DemandLine]:
    access.require(Right.READ_SALES)
    return from_rows(desk.demand_lines(opportunity_id=opportunity_id))


def of_lead(lead_id: int) -> list[DemandLine]:
    access.require(Right.READ_SALES)
    return from_rows(desk.demand_lines(lead_id=lead_id))


def _checked(lines: list[DemandLine]) -> list[desk.DemandRow]:
    v = Validator()
    rows = []
    for n, line in enumerate(lines):
        kind = v.choice(f"demand.{n}.kind", line.kind, DemandKind, label("demand_line.kind"))
        text = v.optional(
            f"demand.{n}.description", line.description, label("demand_line.description"), 200
        )
        comment = v.optional(
            f"demand.{n}.comment", line.comment, label("demand_line.comment"), 2000
        )
        price = line.expected_price
        if price is not None:
            price = v.amount(
                f"demand.{n}.expected_price", price, label("demand_line.expected_price")
            )
            if not money.fits(price, line.currency):
                v.error(
                    f"demand.{n}.expected_price",
                    _("{field} {amount} has more decimals than {currency} has.").format(
                        field=label("demand_line.expected_price"),
                        amount=price,
                        currency=line.currency,
                    ),
                )
        if not (text or comment or price is not None):
            continue  # an empty line is no demand
        rows.append(
            desk.DemandRow(
                kind,
                text,
                money.to_minor(price, line.currency) if price is not None else None,
                line.currency,
                comment,
                line.id,
                line.version,
            )
        )
    v.raise_if_any()
    return rows


def _what(opportunity_id: int | None, lead_id: int | None) -> str:
    if opportunity_id is not None:
        return _("The primary demand of opportunity #{id}").format(id=opportunity_id)
    return _("The primary demand of lead #{id}").format(id=lead_id)


def _save(
    lines: list[DemandLine],
    opened: list[DemandLine],
    *,
    opportunity_id: int | None = None,
    lead_id: int | None = None,
) -> list[DemandLine]:
    """Put `lines` in place of the record's lines, in one transaction, if the lines are still
    those `opened` (the same lines at the same versions); else ConflictError, nothing saved."""
    rows = _checked(lines)
    with transaction():
        stored, changed_by = desk.demand_versions(opportunity_id=opportunity_id, lead_id=lead_id)
        if stored != {line.id: line.version for line in opened if line.id is not None}:
            raise ConflictError(_what(opportunity_id, lead_id), user_name(changed_by))
        desk.replace_demand_lines(rows, opportunity_id=opportunity_id, lead_id=lead_id)
        saved = desk.demand_lines(opportunity_id=opportunity_id, lead_id=lead_id)
    return from_rows(saved)


@retried
def save_for_opportunity(
    opportunity_id: int, lines: list[DemandLine], opened: list[DemandLine]
) -> list[DemandLine]:
    """Put these lines in place of the opportunity's, in one transaction; `opened` are the
    lines as read when the editor opened them (ConflictError if they changed since)."""
    record_rights.require_opportunity(opportunity_id)
    return _save(lines, opened, opportunity_id=opportunity_id)


@retried
def save_for_lead(
    lead_id: int, lines: list[DemandLine], opened: list[DemandLine]
) -> list[DemandLine]:
    """Put these lines in place of the lead's, in one transaction (see save_for_opportunity)."""
    record_rights.require_lead(lead_id)
    return _save(lines, opened, lead_id=lead_id)


def conflict(
    opened: list[DemandLine],
    theirs: list[DemandLine],
    yours: list[DemandLine],
    changed_by: str | None,
    what: str,
) -> Conflict:
    """The lines saved elsewhere since they were opened, line by line: when opened, theirs
    (as saved now) and yours (as typed)."""
    count = max(len(opened), len(theirs), len(yours))

    def at(lines: list[DemandLine], n: int) -> str:
        return lines[n].summary if n < len(lines) else EMPTY

    changes = []
    for n in range(count):
        values = [at(lines, n) for lines in (opened, theirs, yours)]
        if len(set(values)) > 1:
            changes.append(
                FieldChange(f"line_{n + 1}", _("Line {number}").format(number=n + 1), *values)
            )
    return Conflict(str(ConflictError(what, changed_by)), changed_by, 0, changes)


_EDITED = ("kind", "description", "expected_price", "currency", "comment")


def merged(
    opened: list[DemandLine], theirs: list[DemandLine], yours: list[DemandLine]
) -> list[DemandLine]:
    """Their lines with the user's changes on top: a line the user removed goes, a line the
    user changed takes the fields the user changed (kept as a new line if they removed it), a line
    the user added is added; their other changes stay."""
    before = {line.id: line for line in opened if line.id is not None}
    mine = {line.id: line for line in yours if line.id is not None}
    result: list[DemandLine] = []
    for line in theirs:
        if line.id in before and line.id not in mine:
            continue  # removed here
        own = mine.get(line.id) if line.id is not None else None
        if own is None or line.id not in before:
            result.append(line)
            continue
        was = before[own.id]  # type: ignore[index]
        # Field by field, as for every record: the user's changed fields win.
        result.append(
            replace(
                line,
                **{n: getattr(own, n) for n in _EDITED if getattr(own, n) != getattr(was, n)},
            )
        )
    stored = {line.id for line in theirs}
    for line in yours:
        if line.id is None:
            result.append(line)
        elif line.id not in stored and line.values != before.get(line.id, line).values:
            result.append(replace(line, id=None, version=0))  # changed here, removed there
    return result
