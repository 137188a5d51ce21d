"""Teams: a name, a facility, members and a leader; administered by who holds the right to
manage users and teams. A user is in one team at a time (their desk), so membership is the
user's `team`: a sale their team holds untaken is theirs to take."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import models as m
from app.db import teams as db
from app.db.connection import transaction
from app.db.retrying import retried
from app.domain.fields import label
from app.domain.rights import Right
from app.domain.text import fold
from app.domain.validation import Validator
from app.i18n import _
from app.services import access, conflicts
from app.services.errors import ConflictError, NotFound
from app.services.reference import Option

TeamRow = db.TeamRow


@dataclass
class TeamInput:
    name: str = ""
    facility_id: int | None = None
    leader_id: int | None = None
    members: list[int] = field(default_factory=list)
    active: bool = True


@dataclass
class TeamDetail(TeamInput):
    id: int = 0
    version: int = 1


def teams(search: str = "", include_inactive: bool = True) -> list[TeamRow]:
    """The teams for their administration, by name; `search` matches the name, the facility
    or the leader (each word, without case or accents)."""
    access.require(Right.MANAGE_USERS)
    rows = db.team_rows(include_inactive)
    words = fold(search).split()
    if not words:
        return rows
    return [r for r in rows if all(w in fold(f"{r.name} {r.facility} {r.leader}") for w in words)]


def team_choices(active_only: bool = True) -> list[Option]:
    """The teams a picker offers (the list filter, the opportunity form), by name."""
    access.require(Right.READ_SALES)
    return [Option(i, n) for i, n in db.team_names(active_only)]


def get(team_id: int) -> TeamDetail:
    access.require(Right.MANAGE_USERS)
    row = db.team_row(team_id)
    if row is None:
        raise NotFound(_("The team no longer exists."))
    return TeamDetail(
        name=row.name,
        facility_id=row.facility_id,
        leader_id=row.leader_id,
        members=db.member_ids(team_id),
        active=bool(row.active),
        id=row.id,
        version=row.version,
    )


@retried
def save(team_id: int | None, data: TeamInput, expected_version: int = 0) -> TeamDetail:
    """Create (`team_id` None) or change a team and its members in one transaction. The
    leader is one of its members (added when missing). Refused: an empty or taken name."""
    access.require(Right.MANAGE_USERS)
    v = Validator()
    name = v.require("name", data.name, label("team.name"), 80)
    with transaction():
        clash = m.Team.get_or_none(m.Team.name == name)
        if clash is not None and clash.id != team_id:
            v.error("name", _("There is a team “{name}” already.").format(name=name))
        v.raise_if_any()
        if team_id is None:
            row = m.Team(name=name)
        else:
            found = db.team_row(team_id)
            if found is None:
                raise NotFound(_("The team no longer exists."))
            if found.version != expected_version:
                raise ConflictError(
                    _("Team {name}").format(name=found.name),
                    conflicts.user_name(found.changed_by),
                    found.version,
                )
            row = found
        row.name = name
        row.facility = data.facility_id
        row.leader_id = data.leader_id
        row.active = data.active
        row.save()
        members = list(data.members)
        if data.leader_id is not None and data.leader_id not in members:
            members.append(data.leader_id)
        db.set_members(row.id, members)
        saved_id = row.id
    return get(saved_id)


@retried
def set_active(team_id: int, active: bool) -> None:
    """Deactivate a team (it leaves the pickers; what it holds stays with it) or bring it
    back. Audited as any change of the team."""
    access.require(Right.MANAGE_USERS)
    with transaction():
        row = db.team_row(team_id)
        if row is None:
            raise NotFound(_("The team no longer exists."))
        row.active = active
        row.save()


def team_of(user_id: int) -> int | None:
    """The team a user sells in (None: none)."""
    access.require(Right.READ_SALES)
    return db.user_team(user_id)
