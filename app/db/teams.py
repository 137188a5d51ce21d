"""The reads and writes of teams: the list with its search, one team with its members, and
the pickers' team names."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from app.db import models as m


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    name: str
    facility_id: int | None
    facility: str
    leader_id: int | None
    leader: str
    members: int
    active: bool
    version: int


def team_names(active_only: bool = True) -> list[tuple[int, str]]:
    """(id, name) of the teams, by name."""
    query = m.Team.select(m.Team.id, m.Team.name).order_by(m.Team.name)
    if active_only:
        query = query.where(m.Team.active)
    return list(query.tuples())


def team_rows(include_inactive: bool = True) -> list[TeamRow]:
    """The teams with their facility, leader and member count, by name: one statement."""
    leader = m.User.alias("leader")
    member = m.User.alias("member")
    members = member.select(fn.COUNT(member.id)).where(member.team == m.Team.id)
    query = (
        m.Team.select(
            m.Team.id,
            m.Team.name,
            m.Team.facility,
            m.Facility.name,
            m.Team.leader_id,
            leader.full_name,
            members,
            m.Team.active,
            m.Team.version,
        )
        .join(m.Facility, JOIN.LEFT_OUTER, on=m.Facility.id == m.Team.facility)
        .switch(m.Team)
        .join(leader, JOIN.LEFT_OUTER, on=leader.id == m.Team.leader_id)
        .order_by(m.Team.name)
    )
    if not include_inactive:
        query = query.where(m.Team.active)
    return [
        TeamRow(i, n, f, fac or "", lid, ln or "", int(c or 0), bool(a), v)
        for i, n, f, fac, lid, ln, c, a, v in query.tuples()
    ]


def team_row(team_id: int) -> m.Team | None:
    return m.Team.get_or_none(m.Team.id == team_id)


def member_ids(team_id: int) -> list[int]:
    query = m.User.select(m.User.id).where(m.User.team == team_id).order_by(m.User.full_name)
    return [r[0] for r in query.tuples()]


def set_members(team_id: int, user_ids: list[int]) -> tuple[list[int], list[int]]:
    """Make exactly these users the team's members (a user is in one team: joining this one
    leaves their other); (before, after), sorted. Each moved user is audited."""
    before = sorted(member_ids(team_id))
    after = sorted(set(user_ids))
    for user in m.User.select().where(m.User.id.in_(sorted(set(before) ^ set(after)))):
        old = user.team_id
        user.team = team_id if user.id in after else None
        user.save()
        m.write_audit("user", user.id, "update", {"team_id": (old, user.team_id)})
    return before, after


def user_team(user_id: int) -> int | None:
    return m.User.select(m.User.team).where(m.User.id == user_id).scalar()
