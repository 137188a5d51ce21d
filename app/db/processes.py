"""The queries behind the sales processes of a dealership's own: a kind's stages with what
holds each (open opportunities in it, any that passed through it), and writing them."""

from __future__ import annotations

from typing import Any

from peewee import fn

from app.db import models as m


def kind_row(kind_id: int) -> m.OpportunityKind | None:
    return m.OpportunityKind.get_or_none(m.OpportunityKind.id == kind_id)


def stage_rows(kind_id: int) -> list[m.Stage]:
    return list(m.Stage.select().where(m.Stage.kind == kind_id).order_by(m.Stage.sequence))


def open_in_stages(kind_id: int) -> dict[int, int]:
    """How many open opportunities are in each stage of the kind, by stage id."""
    query = (
        m.Opportunity.select(m.Opportunity.stage, fn.count(m.Opportunity.id))
        .where((m.Opportunity.kind == kind_id) & (m.Opportunity.status == "open"))
        .group_by(m.Opportunity.stage)
    )
    return {stage: int(n) for stage, n in query.tuples() if stage is not None}


def open_without_stage(kind_id: int) -> int:
    return int(
        m.Opportunity.select()
        .where(
            (m.Opportunity.kind == kind_id)
            & (m.Opportunity.status == "open")
            & m.Opportunity.stage.is_null()
        )
        .count()
    )


def visited_stages(kind_id: int) -> dict[int, int]:
    """How many moves the history has into each stage of the kind, by stage id."""
    query = (
        m.StageChange.select(m.StageChange.to_stage, fn.count(m.StageChange.id))
        .join(m.Stage, on=(m.StageChange.to_stage == m.Stage.id))
        .where(m.Stage.kind == kind_id)
        .group_by(m.StageChange.to_stage)
    )
    return {stage: int(n) for stage, n in query.tuples()}


def kind_name_taken(name: str, other_than: int | None) -> bool:
    query = m.OpportunityKind.select().where(fn.lower(m.OpportunityKind.name) == name.lower())
    if other_than is not None:
        query = query.where(m.OpportunityKind.id != other_than)
    return bool(query.exists())


def create_kind(name: str, process: str) -> m.OpportunityKind:
    return m.OpportunityKind.create(name=name, process=process)


def top_sequence(kind_id: int) -> int:
    """The highest sequence of the kind's stages (0 with none): new places start above it,
    so that renumbering never meets a place still taken (the sequence is unique per kind)."""
    top = m.Stage.select(fn.max(m.Stage.sequence)).where(m.Stage.kind == kind_id).scalar()
    return int(top or 0)


def write_stage(stage_id: int | None, kind_id: int, values: dict[str, Any]) -> m.Stage:
    """Create or update one stage (audited, a new version when it changes)."""
    if stage_id is None:
        return m.Stage.create(kind=kind_id, **values)
    row = m.Stage.get_by_id(stage_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def delete_stage(stage_id: int) -> None:
    m.Stage.get_by_id(stage_id).delete_instance()


def set_process(kind: m.OpportunityKind, name: str, process: str) -> None:
    """The kind's name and process (audited, a new version when either changes)."""
    kind.name = name
    kind.process = process
    kind.save()


def touch_kind(kind_id: int) -> None:
    """A new version of the kind: its stages changed (what a second editor compares)."""
    m.OpportunityKind.update(
        version=m.OpportunityKind.version + 1, updated_at=m.now(), changed_by=m.acting_user()
    ).where(m.OpportunityKind.id == kind_id).execute()


def open_opportunities(kind_id: int) -> int:
    return int(
        m.Opportunity.select()
        .where((m.Opportunity.kind == kind_id) & (m.Opportunity.status == "open"))
        .count()
    )
