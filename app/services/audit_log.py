"""The audit log read in the program: the administrator's view filtered by record, user and
date (paged and filtered in SQL), and one record's entries as its History shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from app.db import audit as db
from app.db import models as m
from app.domain import reading
from app.domain.fields import KEYS, label
from app.domain.rights import Right
from app.domain.standard_names import display_name
from app.i18n import N_, _, current, pgettext
from app.services import access, wording
from app.services.audit import parse_changes

# The kinds of record the log names, as a user reads them.
ENTITY_NAMES: dict[str, str] = {
    "opportunity": N_("Opportunity"),
    "account": N_("Customer"),
    "contact": N_("Contact"),
    "lead": N_("Lead"),
    "activity": N_("Activity"),
    "quote": N_("Quote"),
    "order_form": N_("Order form"),
    "order": N_("Order"),
    "stage": N_("Stage"),
    "opportunity_kind": N_("Sales process"),
    "setting": N_("Setting"),
    "team": N_("Team"),
    "user": N_("User"),
    "demand_line": N_("Primary demand"),
    "marketing_consent": N_("Marketing consent"),
}
ACTION_NAMES: dict[str, str] = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "export": N_("exported"),
    "anonymise": N_("anonymised"),
    "purge": N_("purged"),
    "merge": N_("merged"),
    "sign_in": N_("signed in"),
    "sign_in_failed": N_("sign-in refused"),
    "locked": N_("locked"),
    "unlocked": N_("unlocked"),
    "password_set": N_("password set"),
    "password_reset": N_("one-time code given"),
}


@dataclass(frozen=True, eq=False)
class _Link:
    """A table whose rows a field holds the id of, and the columns that name a row: joined
    by spaces, or (`keyed`: a key and a stored name) as the screen's language names a
    shipped stage or sales process (standard_names.display_name)."""

    model: Any
    columns: tuple[Any, ...]
    keyed: bool = False

    def name(self, values: tuple[Any, ...]) -> str:
        if self.keyed:
            return display_name(values[0], values[1] or "")
        return " ".join(str(v) for v in values if v)


_USER = _Link(m.User, (m.User.full_name,))
_CONTACT = _Link(m.Contact, (m.Contact.first_name, m.Contact.last_name))
# Fields that hold another record's id, shown by its name (the field without its "_id").
_LINKS: dict[str, _Link] = {
    **dict.fromkeys(("owner", "leader", "user"), _USER),
    "team": _Link(m.Team, (m.Team.name,)),
    **dict.fromkeys(("facility", "home_facility"), _Link(m.Facility, (m.Facility.name,))),
    **dict.fromkeys(("business", "home_business"), _Link(m.Business, (m.Business.name,))),
    "stage": _Link(m.Stage, (m.Stage.key, m.Stage.name), keyed=True),
    "kind": _Link(m.OpportunityKind, (m.OpportunityKind.key, m.OpportunityKind.name), keyed=True),
    "account": _Link(m.Account, (m.Account.name,)),
    **dict.fromkeys(("primary_contact", "contact", "converted_contact"), _CONTACT),
    "vehicle": _Link(m.Vehicle, (m.Vehicle.vin,)),
}


def _link(name: str) -> _Link | None:
    return _LINKS.get(name.removesuffix("_id"))


@dataclass(frozen=True, slots=True)
class AuditFilter:
    entity: str = ""  # "" any kind of record
    entity_id: int | None = None
    user_id: int | None = None
    since: date | None = None  # from this day
    until: date | None = None  # to this day, inclusive


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry as a user reads it."""

    id: int
    at: datetime
    user: str
    entity: str  # the code ("opportunity")
    record: str  # "Opportunity #12"
    entity_id: int
    action: str  # "changed"
    changes: str  # "Owner: — → Anna Rossi; Team: New cars → New cars"


def entity_name(entity: str) -> str:
    return _(ENTITY_NAMES[entity]) if entity in ENTITY_NAMES else entity


def _field_label(entity: str, name: str) -> str:
    # (An amount is kept in cents, "est_revenue_minor"; its field is "est_revenue".)
    for key in (
        f"{entity}.{name}",
        f"{entity}.{name}_id",
        f"{entity}.{name.removesuffix('_id')}",
        f"{entity}.{name.removesuffix('_minor')}",
    ):
        if key in KEYS:
            return label(key)
    return name.replace("_", " ")


def _value_text(entity: str, name: str, value: Any) -> str:
    """A value as the log keeps it (JSON: a date as ISO text, a decimal as text), as the
    screen's language writes it: its dates, numbers, amounts and yes or no."""
    kind = db.field_kind(entity, name)
    t = current()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    try:
        if kind == "moment" and isinstance(value, str):
            return reading.format_moment(datetime.fromisoformat(value))
        if kind == "day" and isinstance(value, str):
            return wording.day(date.fromisoformat(value))
        if isinstance(value, int) and name.endswith("_minor"):
            return t.format_decimal(Decimal(value).scaleb(-2), 2)
        if kind == "decimal" and isinstance(value, str | int | float):
            number = Decimal(str(value))
            return t.format_decimal(number, max(0, -int(number.as_tuple().exponent)))
        if isinstance(value, int):
            return wording.number(value)
    except (ValueError, ArithmeticError):
        pass  # kept as it was written
    return str(value)


def _names(link: _Link, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    model = link.model
    query = model.select(model.id, *link.columns).where(model.id.in_(sorted(ids)))
    return {row[0]: link.name(row[1:]) for row in query.tuples()}


def _lines(rows: list[m.AuditEntry]) -> list[AuditLine]:
    parsed = [parse_changes(r.changes) for r in rows]
    wanted: dict[_Link, set[int]] = {}
    for changes in parsed:
        for name, pair in changes.items():
            link = _link(name)
            if link is not None:
                wanted.setdefault(link, set()).update(v for v in pair if isinstance(v, int))
    names = {link: _names(link, ids) for link, ids in wanted.items()}

    def shown(entity: str, name: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        link = _link(name)
        if isinstance(value, int) and link is not None:
            return names.get(link, {}).get(value, f"#{value}")
        text = _value_text(entity, name, value)
        return text if len(text) <= 60 else text[:59] + "…"

    lines = []
    for row, changes in zip(rows, parsed, strict=True):
        told = "; ".join(
            _("{field}: {old} → {new}").format(
                field=_field_label(row.entity, name),
                old=shown(row.entity, name, old),
                new=shown(row.entity, name, new),
            )
            for name, (old, new) in changes.items()
        )
        lines.append(
            AuditLine(
                row.id,
                row.at,
                row.user_name or pgettext("audit", "(nobody)"),
                row.entity,
                _("{kind} #{number}").format(kind=entity_name(row.entity), number=row.entity_id),
                row.entity_id,
                _(ACTION_NAMES[row.action]) if row.action in ACTION_NAMES else row.action,
                told,
            )
        )
    return lines


def _bounds(flt: AuditFilter) -> dict[str, Any]:
    return {
        "entity": flt.entity or None,
        "entity_id": flt.entity_id,
        "user_id": flt.user_id,
        "since": datetime.combine(flt.since, time()) if flt.since else None,
        "until": datetime.combine(flt.until + timedelta(days=1), time()) if flt.until else None,
    }


def count(flt: AuditFilter) -> int:
    """How many entries match (for the administrator's view)."""
    access.require(Right.READ_AUDIT)
    return db.log_count(**_bounds(flt))


def page(flt: AuditFilter, offset: int, limit: int) -> list[AuditLine]:
    """One page of the matching entries, newest first."""
    access.require(Right.READ_AUDIT)
    return _lines(db.log_page(offset, limit, **_bounds(flt)))


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The kinds of record and the users the log names: what its filters offer."""
    access.require(Right.READ_AUDIT)
    kinds = [(e, entity_name(e)) for e in db.log_entities()]
    return kinds, db.log_users()


def record_history(entity: str, entity_id: int) -> list[AuditLine]:
    """One record's entries, newest first, as its History shows them (anyone who may see
    the sales reads a sale's own history)."""
    access.require(Right.READ_SALES)
    rows = db.audit_entries(entity, [entity_id])
    return _lines(list(reversed(rows)))
