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


def opportunity_kind_names() -> list[tuple[int, str, str | None]]:
    """(id, name, key) of the kinds of opportunity, in the order they were made."""
    query = m.OpportunityKind.select(
        m.OpportunityKind.id, m.OpportunityKind.name, m.OpportunityKind.key
    ).order_by(m.OpportunityKind.id)
    return list(query.tuples())


def kind_stages(kind_id: int) -> list[StageInfo]:
    """The kind's stages in process order."""
    query = m.Stage.select().where(m.Stage.kind == kind_id).order_by(m.Stage.sequence)
    return [
        StageInfo(
            s.id,
            s.name,
            s.sequence,
            s.default_probability,
            s.is_won,
            s.is_lost,
            s.only_from_lead,
            s.key,
            s.moves_on,
        )
        for s in query
    ]


def stage_names_in_order() -> list[tuple[str, int, str | None]]:
    """(name, sequence, key) of every stage of every kind, in process order."""
    query = m.Stage.select(m.Stage.name, m.Stage.sequence, m.Stage.key).order_by(
        m.Stage.sequence, m.Stage.name
    )
    return list(query.tuples())


def active_reasons(kind: str) -> list[str]:
    """The active reasons of a catalogue (lost, disqualify, note), in their order."""
    query = m.Reason.select(m.Reason.name).where((m.Reason.kind == kind) & m.Reason.active)
    return [r[0] for r in query.order_by(m.Reason.sequence).tuples()]


def active_reason_keys(kind: str) -> list[tuple[str | None, str]]:
    """(key, name) of the active reasons of a catalogue, in their order: the key of a
    shipped reason (None for one an administrator added) and the name as stored."""
    query = m.Reason.select(m.Reason.key, m.Reason.name).where(
        (m.Reason.kind == kind) & m.Reason.active
    )
    return list(query.order_by(m.Reason.sequence).tuples())


def opportunity_kinds() -> list[m.OpportunityKind]:
    return list(m.OpportunityKind.select().order_by(m.OpportunityKind.id))


def kind_stage_rows(kind_id: int) -> list[m.Stage]:
    """The kind's stages with all their settings, in process order."""
    return list(m.Stage.select().where(m.Stage.kind == kind_id).order_by(m.Stage.sequence))


def count_opportunities_of_kind(kind_id: int) -> int:
    return int(m.Opportunity.select().where(m.Opportunity.kind == kind_id).count())


def kind_name_taken(name: str) -> bool:
    return bool(m.OpportunityKind.select().where(m.OpportunityKind.name == name).exists())


def first_kind_of_process(process: str) -> int | None:
    """The id of the first kind that follows the process, if any."""
    kind = (
        m.OpportunityKind.select()
        .where(m.OpportunityKind.process == process)
        .order_by(m.OpportunityKind.id)
        .first()
    )
    return int(kind.id) if kind is not None else None


def follow_stage_probability(stage_id: int, probability: int) -> None:
    """The open opportunities in the stage whose probability follows it take the new one
    (audited, each a new version)."""
    m.update_rows(
        m.Opportunity,
        (m.Opportunity.stage == stage_id)
        & ~m.Opportunity.probability_by_hand
        & (m.Opportunity.status == "open"),
        probability=probability,
    )


def has_users() -> bool:
    return bool(m.User.select().exists())


def active_users() -> list[m.User]:
    return list(m.User.select().where(m.User.active).order_by(m.User.full_name))


def user_roles(user_id: int) -> frozenset[str]:
    """The role codes of a user (none for an inactive or unknown one)."""
    query = (
        m.UserRoleGrant.select(m.UserRoleGrant.role)
        .join(m.User)
        .where((m.UserRoleGrant.user == user_id) & m.User.active)
    )
    return frozenset(role for (role,) in query.tuples())


def has_opportunities() -> bool:
    return bool(m.Opportunity.select().exists())


def first_business() -> m.Business | None:
    """The business entered first: the seller when a sale names none."""
    return m.Business.select().order_by(m.Business.id).first()


def coded_entries(kind: str) -> list[tuple[str, str, str | None, bool, str]]:
    """(code, name, key, active, payment kind) of a coded list's entries (channels,
    payment interests, activity outcomes), in their order, the inactive ones too."""
    r = m.Reason
    query = (
        r.select(r.code, r.name, r.key, r.active, r.payment_kind)
        .where((r.kind == kind) & r.code.is_null(False))
        .order_by(r.sequence, r.id)
    )
    return [(c, n, k, bool(a), p) for c, n, k, a, p in query.tuples()]


def coded_entries_of(kinds: tuple[str, ...]) -> list[tuple[str, str, str, str | None, bool, str]]:
    """(list, code, name, key, active, payment kind) of several coded lists' entries, in
    their order, in one query."""
    r = m.Reason
    query = (
        r.select(r.kind, r.code, r.name, r.key, r.active, r.payment_kind)
        .where(r.kind.in_(list(kinds)) & r.code.is_null(False))
        .order_by(r.kind, r.sequence, r.id)
    )
    return [(k, c, n, key, bool(a), p) for k, c, n, key, a, p in query.tuples()]
