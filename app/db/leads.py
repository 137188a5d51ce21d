"""The lead list's queries: the filter, its count and a sorted page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.db import models as m
from app.db import server_schema
from app.db.connection import database, is_sqlite, nulls_as_sqlite
from app.db.consent import consenting_clause
from app.db.queries import escape_like, fetch_all
from app.db.steps.lead_search import LEAD_SEARCH_TEXT
from app.domain.text import SUBSTRING_MIN_LENGTH, fold, search_words


@dataclass(frozen=True, slots=True)
class LeadFilter:
    text: str = ""
    status: str | None = None
    owner_id: int | None = None
    channel: str | None = None
    open_only: bool = False  # new, contacted or qualified
    consent: str | None = None  # a channel: the leads whose latest statement gives consent
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


_KEYS_AT_ONCE = 500  # below SQLite's limit on a statement's variables


def _lead_where(flt: LeadFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    # Folded as the customer and opportunity searches fold ("muller" finds "Müller"); a
    # phone number in any notation finds the lead's normalised number.
    terms: list[str] = []
    if flt.text and not is_sqlite():
        server_schema.fold_pending(database.obj, "lead_search")
    # Another filter (open leads, a status, an owner, a channel, consent) narrows the leads
    # to some thousands: each of those is then looked up in the kept text, which beats
    # collecting every lead a common term finds ("example": all of them) from the index.
    narrowed = _narrowed(flt)
    for term in search_words(flt.text):
        folded = fold(term)
        if is_sqlite() and narrowed:
            terms.append(
                f"EXISTS (SELECT 1 FROM {LEAD_SEARCH_TEXT} c "
                "WHERE c.id = l.id AND c.c0 LIKE ? ESCAPE '\\')"
            )
            params.append(f"%{escape_like(folded)}%")
        elif is_sqlite() and len(folded) >= SUBSTRING_MIN_LENGTH:
            # The trigram index of the folded text (schema step lead_search): a quoted FTS5
            # phrase is a substring match there, as the LIKE below.
            terms.append("l.id IN (SELECT rowid FROM lead_search WHERE body MATCH ?)")
            params.append('"' + folded.replace('"', '""') + '"')
        elif is_sqlite():  # too short for the trigram index: the kept text, without folding
            terms.append(f"l.id IN (SELECT id FROM {LEAD_SEARCH_TEXT} WHERE c0 LIKE ? ESCAPE '\\')")
            params.append(f"%{escape_like(folded)}%")
        else:  # the same folded text, kept in the server's search table
            terms.append("l.id IN (SELECT id FROM lead_search WHERE body LIKE ? ESCAPE '\\')")
            params.append(f"%{escape_like(folded)}%")
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
    if flt.consent:
        clauses.append(consenting_clause("l", "lead_id"))
        params.append(flt.consent)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _narrowed(flt: LeadFilter) -> bool:
    """Whether a filter besides the search narrows the leads."""
    return any((flt.status, flt.owner_id is not None, flt.channel, flt.open_only, flt.consent))


def _count_in_index(flt: LeadFilter) -> int | None:
    """The count of a search alone on SQLite, from the search index without reading a lead
    (it holds one row per lead: schema step lead_search); None for any other filter."""
    words = [fold(t) for t in search_words(flt.text)]
    if not is_sqlite() or not words or flt.phones or _narrowed(flt):
        return None
    if all(len(w) >= SUBSTRING_MIN_LENGTH for w in words):
        phrases = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        sql = "SELECT count(*) FROM lead_search WHERE lead_search MATCH ?"
        return int(fetch_all(sql, [phrases])[0][0])
    likes = " AND ".join(["c0 LIKE ? ESCAPE '\\'"] * len(words))
    sql = f"SELECT count(*) FROM {LEAD_SEARCH_TEXT} WHERE {likes}"
    return int(fetch_all(sql, [f"%{escape_like(w)}%" for w in words])[0][0])


def count_leads(flt: LeadFilter) -> int:
    counted = _count_in_index(flt)
    if counted is not None:
        return counted
    where, params = _lead_where(flt)
    return int(fetch_all(f"SELECT count(*) FROM lead l{where}", params)[0][0])


def lead_page(
    flt: LeadFilter, sort: str, descending: bool, offset: int, limit: int
) -> list[LeadListRow]:
    where, params = _lead_where(flt)
    direction = "DESC" if descending else "ASC"
    key = LEAD_SORT_COLUMNS.get(sort, LEAD_SORT_COLUMNS["created_at"]).format(dir=direction)
    # A lead nobody owns sorts as SQLite sorts it on either backend.
    nulls = nulls_as_sqlite(descending) if sort == "owner" else ""
    sql = (
        "SELECT l.id, l.first_name, l.last_name, l.company_name, l.email, l.phone, l.brand, "
        "l.model, l.channel, l.source, u.full_name, l.status, l.created_at FROM lead l "
        f'LEFT JOIN "user" u ON u.id = l.owner_id{where} '
        f"ORDER BY {key} {direction}{nulls}, l.id {direction} LIMIT ? OFFSET ?"
    )
    return fetch_all(sql, [*params, limit, offset])  # type: ignore[return-value]


def import_keys_among(keys: Sequence[str]) -> set[str]:
    """Those of the import keys that a lead already has: a row imported again is skipped."""
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_AT_ONCE):
        batch = keys[start : start + _KEYS_AT_ONCE]
        # Plain SQL: peewee builds an IN of 500 values slower than SQLite answers it.
        marks = ", ".join(["?"] * len(batch))
        rows = fetch_all(f"SELECT import_key FROM lead WHERE import_key IN ({marks})", list(batch))
        found.update(r[0] for r in rows)
    return found


def opportunity_of_lead(lead_id: int) -> int | None:
    """The id of the opportunity the lead was converted into, if any."""
    row = m.Opportunity.select(m.Opportunity.id).where(m.Opportunity.lead == lead_id).first()
    return int(row.id) if row is not None else None


def lead_channel_and_interest(lead_id: int) -> tuple[str, str] | None:
    """The channel and payment interest a lead holds (what its opportunity carries on)."""
    found = m.Lead.select(m.Lead.channel, m.Lead.interest).where(m.Lead.id == lead_id).tuples()
    row = found.first()
    return (row[0], row[1]) if row else None
