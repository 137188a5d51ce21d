"""The reads behind the pickers and catalogues of reasons: users, businesses, facilities,
operations, kinds of opportunity, their stages, and the active reasons of each kind."""

from __future__ import annotations

from app.db import models as m
from app.domain.stages import StageInfo


def user_names(active_only: bool) -> list[tuple[int, str]]:
    """(id, full name) of the users, by name."""
    query = m.User.select(m.User.id, m.User.full_name).order_by(m.User.full_name)
    if active_only:
        query = query.where(m.User.active)
    return list(query.tuples())


def business_names() -> list[tuple[int, str]]:
    query = m.Business.select(m.Business.id, m.Business.name).order_by(m.Business.name)
    return list(query.tuples())


def facility_names(business_id: int | None) -> list[tuple[int, str]]:
    """(id, name) of the facilities (of the business), by name."""
    query = m.Facility.select(m.Facility.id, m.Facility.name).order_by(m.Facility.name)
    if business_id is not None:
        query = query.where(m.Facility.business == business_id)
    return list(query.tuples())


def operation_names(facility_id: int) -> list[tuple[int, str]]:
    query = (
        m.Operation.select(m.Operation.id, m.Operation.name)
        .where(m.Operation.facility == facility_id)
        .order_by(m.Operation.name)
    )
    return list(query.tuples())


def opportunity_kind_names() -> list[tuple[int, str]]:
    query = m.OpportunityKind.select(m.OpportunityKind.id, m.OpportunityKind.name).order_by(
        m.OpportunityKind.id
    )
    return list(query.tuples())


def kind_stages(kind_id: int) -> list[StageInfo]:
    """The kind's stages in process order."""
    query = m.Stage.select().where(m.Stage.kind == kind_id).order_by(m.Stage.sequence)
    return [
        StageInfo(
            s.id, s.name, s.sequence, s.default_probability, s.is_won, s.is_lost, s.only_from_lead
        )
        for s in query
    ]


def stage_names_in_order() -> list[tuple[str, int]]:
    """(name, sequence) of every stage of every kind, in process order."""
    query = m.Stage.select(m.Stage.name, m.Stage.sequence).order_by(m.Stage.sequence, m.Stage.name)
    return list(query.tuples())


def active_reasons(kind: str) -> list[str]:
    """The active reasons of a catalogue (lost, disqualify, note), in their order."""
    query = m.Reason.select(m.Reason.name).where((m.Reason.kind == kind) & m.Reason.active)
    return [r[0] for r in query.order_by(m.Reason.sequence).tuples()]
