"""Read queries that must be fast on large tables: the opportunity list, reservations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from peewee import JOIN

from app.db import models as m
from app.db.connection import database, is_sqlite
from app.domain import money


@dataclass(frozen=True, slots=True)
class OpportunityFilter:
    """What the list shows. Empty fields do not filter."""

    text: str = ""
    stage_name: str | None = None
    owner_id: int | None = None
    facility_id: int | None = None
    status: str | None = None
    close_from: date | None = None
    close_to: date | None = None
    closing_within_days: int | None = None  # open and closing from today to today + N
    overdue: bool = False  # open and past its est. close date


@dataclass(frozen=True, slots=True)
class OpportunityRow:
    id: int
    topic: str
    customer: str
    stage: str
    probability: int
    est_revenue: Decimal
    currency: str
    est_close_date: date | None
    owner: str
    brand: str
    model: str
    facility: str
    status: str
    vin: str


_SELECT = """
SELECT o.id, o.topic, a.name, s.name, o.probability, o.est_revenue_minor, o.currency,
       o.est_close_date, u.full_name, o.brand, o.model, f.name, o.status, v.vin
FROM opportunity o
JOIN account a ON a.id = o.account_id
LEFT JOIN stage s ON s.id = o.stage_id
LEFT JOIN "user" u ON u.id = o.owner_id
LEFT JOIN facility f ON f.id = o.facility_id
LEFT JOIN vehicle v ON v.id = o.vehicle_id
"""

_COUNT = """
SELECT count(*) FROM opportunity o
"""

# Sort key -> SQL. The id breaks ties so paging is stable.
SORT_COLUMNS: dict[str, str] = {
    "topic": "o.topic",
    "customer": "a.sort_name",
    "stage": "s.sequence",
    "probability": "o.probability",
    "est_revenue": "o.est_revenue_minor",
    "est_close_date": "o.est_close_date",
    "owner": "u.full_name",
    "brand_model": "o.brand {dir}, o.model",
    "facility": "f.name",
    "status": "o.status",
    "id": "o.id",
}


def _iso(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _text_terms(text: str) -> list[str]:
    return [t for t in text.split() if t]


def _where(flt: OpportunityFilter, today: date) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for term in _text_terms(flt.text):
        if is_sqlite():
            if len(term) >= 3:
                # A quoted FTS5 phrase: with the trigram tokenizer it is a substring match.
                clauses.append("o.id IN (SELECT rowid FROM opportunity_search WHERE body MATCH ?)")
                params.append('"' + term.replace('"', '""') + '"')
            else:
                clauses.append(
                    "o.id IN (SELECT rowid FROM opportunity_search WHERE body LIKE ? ESCAPE '\\')"
                )
                params.append("%" + _escape_like(term) + "%")
        else:
            clauses.append(
                "(o.topic ILIKE ? OR o.brand ILIKE ? OR o.model ILIKE ? OR "
                "EXISTS (SELECT 1 FROM account a2 WHERE a2.id = o.account_id AND a2.name ILIKE ?) OR "
                "EXISTS (SELECT 1 FROM vehicle v2 WHERE v2.id = o.vehicle_id AND "
                "(v2.vin ILIKE ? OR v2.stock_number ILIKE ?)))"
            )
            params.extend(["%" + _escape_like(term) + "%"] * 6)
    if flt.stage_name:
        clauses.append("o.stage_id IN (SELECT id FROM stage WHERE name = ?)")
        params.append(flt.stage_name)
    if flt.owner_id is not None:
        clauses.append("o.owner_id = ?")
        params.append(flt.owner_id)
    if flt.facility_id is not None:
        clauses.append("o.facility_id = ?")
        params.append(flt.facility_id)
    if flt.status:
        clauses.append("o.status = ?")
        params.append(flt.status)
    if flt.close_from is not None:
        clauses.append("o.est_close_date >= ?")
        params.append(flt.close_from.isoformat())
    if flt.close_to is not None:
        clauses.append("o.est_close_date <= ?")
        params.append(flt.close_to.isoformat())
    if flt.closing_within_days is not None:
        clauses.append("o.status = 'open' AND o.est_close_date BETWEEN ? AND ?")
        params.extend(
            [today.isoformat(), (today + timedelta(days=flt.closing_within_days)).isoformat()]
        )
    if flt.overdue:
        clauses.append("o.status = 'open' AND o.est_close_date < ?")
        params.append(today.isoformat())
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sql(text: str) -> str:
    param = database.param
    return text if param == "?" else text.replace("?", param)


def count_opportunities(flt: OpportunityFilter, today: date) -> int:
    where, params = _where(flt, today)
    return int(database.execute_sql(_sql(_COUNT + where), params).fetchone()[0])


def opportunity_page(
    flt: OpportunityFilter, today: date, sort: str, descending: bool, offset: int, limit: int
) -> list[OpportunityRow]:
    where, params = _where(flt, today)
    direction = "DESC" if descending else "ASC"
    key = SORT_COLUMNS.get(sort, SORT_COLUMNS["est_close_date"]).format(dir=direction)
    sql = f"{_SELECT}{where} ORDER BY {key} {direction}, o.id {direction} LIMIT ? OFFSET ?"
    cursor = database.execute_sql(_sql(sql), [*params, limit, offset])
    return [
        OpportunityRow(
            id=r[0],
            topic=r[1],
            customer=r[2],
            stage=r[3] or "",
            probability=r[4],
            est_revenue=money.from_minor(r[5], r[6]),
            currency=r[6],
            est_close_date=_iso(r[7]),
            owner=r[8] or "",
            brand=r[9],
            model=r[10],
            facility=r[11] or "",
            status=r[12],
            vin=r[13] or "",
        )
        for r in cursor.fetchall()
    ]


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    topic: str
    owner: str


def reservation_holder(vehicle_id: int, other_than: int | None) -> Reservation | None:
    """The open opportunity (other than `other_than`) that holds this vehicle, if any."""
    query = (
        m.Opportunity.select(m.Opportunity.id, m.Opportunity.topic, m.User.full_name)
        .join(m.User, join_type=JOIN.LEFT_OUTER, on=(m.Opportunity.owner == m.User.id))
        .where((m.Opportunity.vehicle == vehicle_id) & (m.Opportunity.status == "open"))
    )
    if other_than is not None:
        query = query.where(m.Opportunity.id != other_than)
    row = query.tuples().first()
    return Reservation(row[0], row[1], row[2] or "") if row else None


def vehicle_label(vehicle: m.Vehicle) -> str:
    parts = [vehicle.brand, vehicle.model, vehicle.variant]
    return f"{' '.join(p for p in parts if p)} · {vehicle.vin} · stock {vehicle.stock_number}"
