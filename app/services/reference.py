"""The lists the forms pick from: users, the site's businesses, facilities and operations,
kinds of opportunity and their stages, currencies and channels."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.domain.choices import ProcessKind
from app.domain.stages import StageInfo


@dataclass(frozen=True, slots=True)
class Option:
    """One entry of a picker: the id stored, the text shown."""

    id: int
    label: str


def users(active_only: bool = True) -> list[Option]:
    query = m.User.select(m.User.id, m.User.full_name).order_by(m.User.full_name)
    if active_only:
        query = query.where(m.User.active)
    return [Option(r[0], r[1]) for r in query.tuples()]


def businesses() -> list[Option]:
    query = m.Business.select(m.Business.id, m.Business.name).order_by(m.Business.name)
    return [Option(r[0], r[1]) for r in query.tuples()]


def facilities(business_id: int | None = None) -> list[Option]:
    query = m.Facility.select(m.Facility.id, m.Facility.name).order_by(m.Facility.name)
    if business_id is not None:
        query = query.where(m.Facility.business == business_id)
    return [Option(r[0], r[1]) for r in query.tuples()]


def operations(facility_id: int) -> list[Option]:
    query = (
        m.Operation.select(m.Operation.id, m.Operation.name)
        .where(m.Operation.facility == facility_id)
        .order_by(m.Operation.name)
    )
    return [Option(r[0], r[1]) for r in query.tuples()]


def facility_business(facility_id: int) -> int | None:
    row = m.Facility.get_or_none(m.Facility.id == facility_id)
    return row.business_id if row else None


def opportunity_kinds() -> list[Option]:
    query = m.OpportunityKind.select(m.OpportunityKind.id, m.OpportunityKind.name).order_by(
        m.OpportunityKind.id
    )
    return [Option(r[0], r[1]) for r in query.tuples()]


def fixed_sequence(kind_id: int) -> bool:
    """Whether the kind's stages must be taken in order (the standard process)."""
    row = m.OpportunityKind.get_or_none(m.OpportunityKind.id == kind_id)
    return row is not None and row.process == ProcessKind.STANDARD.value


def stage_infos(kind_id: int) -> list[StageInfo]:
    query = m.Stage.select().where(m.Stage.kind == kind_id).order_by(m.Stage.sequence)
    return [
        StageInfo(
            s.id, s.name, s.sequence, s.default_probability, s.is_won, s.is_lost, s.only_from_lead
        )
        for s in query
    ]


def stage_names() -> list[str]:
    """Distinct stage names across all kinds, in process order (for the list's filter)."""
    query = (
        m.Stage.select(m.Stage.name, m.Stage.sequence)
        .order_by(m.Stage.sequence, m.Stage.name)
        .tuples()
    )
    seen: dict[str, None] = {}
    for name, _ in query:
        seen.setdefault(name, None)
    return list(seen)
