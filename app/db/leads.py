"""The lead list's queries: the filter, its count and a sorted page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db import models as m
from app.db.connection import SEARCH_FUNCTION, is_sqlite
from app.db.queries import escape_like, fetch_all
from app.domain.text import fold


@dataclass(frozen=True, slots=True)
class LeadFilter:
    text: str = ""
    status: str | None = None
    owner_id: int | None = None
    channel: str | None = None
    open_only: bool = False  # new, contacted or qualified
    # The search read as a phone number (app.services.accounts.phone_parts), if it is one.
    phones: tuple[str, ...] = ()


# Sort key -> the ORDER BY terms ({dir} is the direction of all but the last). SQL, not
# texts: the text check is told so where it takes two columns for words.
LEAD_SORT_COLUMNS = {
    "name": "l.last_name {dir}, l.company_name",  # i18n: ignore
    "email": "l.email",
    "phone": "l.phone",
    "interest": "l.brand {dir}, l.model",  # i18n: ignore
    "channel": "l.channel",
    "source": "l.source",
    "owner": "u.full_name",
    "status": "l.status",
    "created_at": "l.created_at",
}

# (id, first name, last name, company, e-mail, phone, brand, model, channel, source,
#  owner's full name or None, status, created at)
LeadListRow = tuple[int, str, str, str, str, str, str, str, str, str, str | None, str, datetime]


def _lead_where(flt: LeadFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    # Folded as the customer and opportunity searches fold ("muller" finds "Müller"); a
    # phone number in any notation finds the lead's normalised number.
    text = (
        f"{SEARCH_FUNCTION}(l.first_name || ' ' || l.last_name || ' ' || l.company_name || ' ' "
        "|| l.email || ' ' || l.phone || ' ' || l.brand || ' ' || l.model || ' ' || l.source)"
    )
    terms: list[str] = []
    for term in flt.text.split():
        if is_sqlite():
            terms.append(f"{text} LIKE ? ESCAPE '\\'")
            params.append(f"%{escape_like(fold(term))}%")
        else:
            terms.append(
                "(l.first_name ILIKE ? OR l.last_name ILIKE ? OR l.company_name ILIKE ? "
                "OR l.email ILIKE ? OR l.phone ILIKE ? OR l.brand ILIKE ? OR l.model ILIKE ? "
                "OR l.source ILIKE ?)"
            )
            params.extend([f"%{escape_like(term)}%"] * 8)
    if terms and flt.phones:
        phone = " OR ".join(["l.phone_key LIKE ?"] * len(flt.phones))
        clauses.append(f"(({' AND '.join(terms)}) OR {phone})")
        params.extend(f"%{p}%" for p in flt.phones)
    else:
        clauses.extend(terms)
    for column, value in (
        ("l.status", flt.status),
        ("l.owner_id", flt.owner_id),
        ("l.channel", flt.channel),
    ):
        if value is not None and value != "":
            clauses.append(f"{column} = ?")
            params.append(value)
    if flt.open_only:
        clauses.append("l.status IN ('new', 'contacted', 'qualified')")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_leads(flt: LeadFilter) -> int:
    where, params = _lead_where(flt)
    return int(fetch_all(f"SELECT count(*) FROM lead l{where}", params)[0][0])


def lead_page(
    flt: LeadFilter, sort: str, descending: bool, offset: int, limit: int
) -> list[LeadListRow]:
    where, params = _lead_where(flt)
    direction = "DESC" if descending else "ASC"
    key = LEAD_SORT_COLUMNS.get(sort, LEAD_SORT_COLUMNS["created_at"]).format(dir=direction)
    sql = (
        "SELECT l.id, l.first_name, l.last_name, l.company_name, l.email, l.phone, l.brand, "
        "l.model, l.channel, l.source, u.full_name, l.status, l.created_at FROM lead l "
        f'LEFT JOIN "user" u ON u.id = l.owner_id{where} '
        f"ORDER BY {key} {direction}, l.id {direction} LIMIT ? OFFSET ?"
    )
    return fetch_all(sql, [*params, limit, offset])  # type: ignore[return-value]


def known_import_keys() -> set[str]:
    """The import keys of the leads imported so far: a row imported again is skipped."""
    query = m.Lead.select(m.Lead.import_key).where(m.Lead.import_key.is_null(False))
    return {r[0] for r in query.tuples()}


def opportunity_of_lead(lead_id: int) -> int | None:
    """The id of the opportunity the lead was converted into, if any."""
    row = m.Opportunity.select(m.Opportunity.id).where(m.Opportunity.lead == lead_id).first()
    return int(row.id) if row is not None else None
