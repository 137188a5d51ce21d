"""The lists the forms pick from: users, the site's businesses, facilities and operations,
kinds of opportunity and their stages, currencies and channels."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db import reference as db
from app.domain.choices import ProcessKind
from app.domain.stages import StageInfo


@dataclass(frozen=True, slots=True)
class Option:
    """One entry of a picker: the id stored, the text shown."""

    id: int
    label: str


def users(active_only: bool = True) -> list[Option]:
    return [Option(i, name) for i, name in db.user_names(active_only)]


def businesses() -> list[Option]:
    return [Option(i, name) for i, name in db.business_names()]


def facilities(business_id: int | None = None) -> list[Option]:
    return [Option(i, name) for i, name in db.facility_names(business_id)]


def operations(facility_id: int) -> list[Option]:
    return [Option(i, name) for i, name in db.operation_names(facility_id)]


def facility_business(facility_id: int) -> int | None:
    row = m.Facility.get_or_none(m.Facility.id == facility_id)
    return row.business_id if row else None


def opportunity_kinds() -> list[Option]:
    return [Option(i, name) for i, name in db.opportunity_kind_names()]


def fixed_sequence(kind_id: int) -> bool:
    """Whether the kind's stages must be taken in order (the standard process)."""
    row = m.OpportunityKind.get_or_none(m.OpportunityKind.id == kind_id)
    return row is not None and row.process == ProcessKind.STANDARD.value


def stage_infos(kind_id: int) -> list[StageInfo]:
    return db.kind_stages(kind_id)


def stage_names() -> list[str]:
    """Distinct stage names across all kinds, in process order (for the list's filter)."""
    seen: dict[str, None] = {}
    for name, _ in db.stage_names_in_order():
        seen.setdefault(name, None)
    return list(seen)
