"""Two workstations saving the same record: what changed on each side since it was opened,
and the save that keeps the user's changes on top of the other one's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from app.db import models as m
from app.domain import fields, reading
from app.i18n import _, current
from app.services.errors import ConflictError, FieldChange

T = TypeVar("T")
EMPTY = "—"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A save refused because the record was saved elsewhere since it was opened."""

    message: str
    changed_by: str | None
    version: int  # the version saved now; saving over it passes this
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def clashes(self) -> list[FieldChange]:
        return [c for c in self.changes if c.clash]


def plain(value: object) -> str:
    """A value as the conflict dialog shows it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = max(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 2
        return current().format_decimal(value, places)
    if isinstance(value, datetime):
        return reading.format_moment(value)
    if isinstance(value, date):
        return reading.format_day(value)
    return str(value)


def field_labels(record: str, names: Iterable[str]) -> dict[str, str]:
    """The labels of a record's fields from the catalogue of labels, in the screen's
    language, in the order given: {"email": "E-mail", ...} for ``record`` "account"."""
    return {name: fields.label(f"{record}.{name}") for name in names}


def field_changes(
    opened: object,
    theirs: object,
    yours: object,
    labels: dict[str, str],
    show: Callable[[str, Any], str] | None = None,
) -> list[FieldChange]:
    """The fields that differ between the three versions, in the order of `labels`."""
    show = show or (lambda _name, value: plain(value))
    changes = []
    for name, label in labels.items():
        values = [show(name, getattr(record, name)) for record in (opened, theirs, yours)]
        if len(set(values)) > 1:
            changes.append(FieldChange(name, label, *values))
    return changes


def merged(opened: object, theirs: T, yours: object, names: Iterable[str]) -> T:
    """`theirs` with the fields the user changed since opening set to the user's values:
    their changes to other fields stay, the user's own changes win where both changed."""
    # replace() rather than setting attributes: frozen records (a stage, the settings) too.
    mine = {n: getattr(yours, n) for n in names if getattr(yours, n) != getattr(opened, n)}
    return replace(theirs, **mine)  # type: ignore[type-var]


def user_name(user_id: int | None) -> str | None:
    """Who saved a record last, by name; None when nobody is on file."""
    user = m.User.get_or_none(m.User.id == user_id) if user_id else None
    return user.full_name if user else None


def describe(
    what: str,
    changed_by: int | None,
    opened: object,
    theirs: Any,
    yours: object,
    labels: dict[str, str],
    show: Callable[[str, Any], str] | None = None,
) -> Conflict:
    """The conflict of a record saved elsewhere: `theirs` as saved now (with its version),
    field by field against what the form opened with and what it holds now."""
    who = user_name(changed_by)
    return Conflict(
        str(ConflictError(what, who)),
        who,
        theirs.version,
        field_changes(opened, theirs, yours, labels, show),
    )
