"""Setting up the sales processes: the stages' probabilities and time limits, and kinds of
opportunity with their own stages. Sales managers and administrators only."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db import reference as db
from app.db.connection import transaction
from app.db.retrying import retried
from app.domain import fields
from app.domain.choices import ProcessKind
from app.domain.process import PROCESS_ORDER
from app.domain.rights import Right
from app.domain.stages import StageInfo
from app.domain.standard_names import display_name
from app.domain.validation import ValidationError, Validator
from app.i18n import _
from app.services import access, conflicts
from app.services.errors import ConflictError, NotAllowed, NotFound
from app.services.reference import stage_infos


@dataclass(frozen=True, slots=True)
class StageSettings:
    id: int
    name: str  # as a user reads it: a shipped stage translated unless renamed
    default_probability: int
    days_allowed: int | None
    in_funnel: bool
    is_won: bool
    is_lost: bool
    key: str | None = None  # a shipped stage's stable key; what create_kind picks by
    version: int = 1  # what a save of this stage expects to find


@dataclass(frozen=True, slots=True)
class KindInfo:
    id: int
    name: str  # as a user reads it: a shipped kind translated unless renamed
    process: str
    stages: list[StageSettings]
    in_use: int  # opportunities of this kind


def kinds() -> list[KindInfo]:
    access.require(Right.READ_SALES)
    result = []
    for kind in db.opportunity_kinds():
        stages = [
            StageSettings(
                s.id,
                display_name(s.key, s.name),
                s.default_probability,
                s.days_allowed,
                s.in_funnel,
                s.is_won,
                s.is_lost,
                s.key,
                s.version,
            )
            for s in db.kind_stage_rows(kind.id)
        ]
        used = db.count_opportunities_of_kind(kind.id)
        name = display_name(kind.key, kind.name)
        result.append(KindInfo(kind.id, name, kind.process, stages, used))
    return result


def _what(stage: m.Stage) -> str:
    # TRANSLATORS: fills {what} in "{what} was changed by {name} after you opened it."
    return _("The stage “{name}”").format(name=display_name(stage.key, stage.name))


@retried
def update_stage(
    stage_id: int,
    default_probability: int,
    days_allowed: int | None,
    in_funnel: bool,
    *,
    expected_version: int,
) -> None:
    """Save a stage's settings over the version the setup opened (ConflictError when it
    was saved elsewhere since); audited, a new version."""
    access.require(Right.SETUP)
    v = Validator()
    v.probability("default_probability", default_probability)
    if days_allowed is not None and not 1 <= days_allowed <= 3650:
        v.error(
            "days_allowed", _("Days allowed in a stage: from 1 to 3650, or empty for no limit.")
        )
    v.raise_if_any()
    with transaction():
        stage = m.Stage.get_or_none(m.Stage.id == stage_id)
        if stage is None:
            raise NotFound(_("This stage no longer exists."))
        if stage.version != expected_version:
            raise ConflictError(_what(stage), conflicts.user_name(stage.changed_by), stage.version)
        if stage.is_won or stage.is_lost:
            raise ValidationError(
                {"default_probability": _("Won and lost are fixed at 100 % and 0 %.")}
            )
        new = (default_probability, days_allowed, in_funnel)
        if (stage.default_probability, stage.days_allowed, stage.in_funnel) == new:
            return
        stage.default_probability = default_probability
        stage.days_allowed = days_allowed
        stage.in_funnel = in_funnel
        stage.save()
        # Opportunities that follow the stage's probability follow the new one.
        db.follow_stage_probability(stage_id, default_probability)


# The fields of a stage a save over someone else's compares, in the setup's order.
_COMPARED = ("default_probability", "days_allowed", "in_funnel")


def stage(stage_id: int) -> StageSettings:
    access.require(Right.READ_SALES)
    row = m.Stage.get_or_none(m.Stage.id == stage_id)
    if row is None:
        raise NotFound(_("This stage no longer exists."))
    return StageSettings(
        row.id,
        display_name(row.key, row.name),
        row.default_probability,
        row.days_allowed,
        row.in_funnel,
        row.is_won,
        row.is_lost,
        row.key,
        row.version,
    )


def stage_conflict(
    stage_id: int, opened: StageSettings, yours: StageSettings
) -> conflicts.Conflict:
    """What changed since the setup was opened: the value then, theirs and yours."""
    access.require(Right.READ_SALES)
    row = m.Stage.get_or_none(m.Stage.id == stage_id)
    if row is None:
        raise NotFound(_("This stage no longer exists."))
    labels = conflicts.field_labels("stage", _COMPARED)
    return conflicts.describe(_what(row), row.changed_by, opened, stage(stage_id), yours, labels)


def save_stage_over(
    stage_id: int, opened: StageSettings, yours: StageSettings, their_version: int
) -> StageSettings:
    """The user's changes over the version saved elsewhere; their other changes stay."""
    access.require(Right.SETUP)
    merged = conflicts.merged(opened, stage(stage_id), yours, _COMPARED)
    update_stage(
        stage_id,
        merged.default_probability,
        merged.days_allowed,
        merged.in_funnel,
        expected_version=their_version,
    )
    return stage(stage_id)


def create_kind(name: str, process: str, stage_keys: list[str] | None = None) -> KindInfo:
    """A new kind of opportunity. A custom process picks its stages (in the default order)
    from the standard one by their keys ("interest", "contract": StageSettings.key, however
    they are named), copying their settings and keys; a process without stages has none."""
    access.require(Right.SETUP)
    v = Validator()
    name = v.require("name", name, fields.label("opportunity_kind.name"), 80)
    process = v.choice("process", process, ProcessKind, _("kind of process"))
    if db.kind_name_taken(name):
        v.error("name", _("There is already a kind called “{name}”.").format(name=name))
    template = [s for s in stage_infos(_standard_kind_id()) if not s.is_closed]
    chosen: list[StageInfo] = []
    if process == ProcessKind.CUSTOM.value:
        picked = stage_keys or []
        unknown = [k for k in picked if k not in {s.key for s in template}]
        chosen = [s for s in template if s.key is not None and s.key in picked]
        if unknown:
            v.error(
                "stages",
                _("Not stages of the standard process: {stages}.").format(
                    stages=", ".join(unknown)
                ),
            )
        elif not chosen:
            v.error("stages", _("Pick at least one stage for a custom process."))
    elif process == ProcessKind.STANDARD.value:
        chosen = template
    v.raise_if_any()
    closing = [s for s in stage_infos(_standard_kind_id()) if s.is_closed]
    with transaction():
        kind = m.OpportunityKind.create(name=name, process=process)
        if chosen:
            for stage in [*chosen, *closing]:
                source = m.Stage.get_by_id(stage.id)
                m.Stage.create(
                    kind=kind,
                    name=source.name,
                    sequence=source.sequence,
                    default_probability=source.default_probability,
                    days_allowed=source.days_allowed,
                    is_won=source.is_won,
                    is_lost=source.is_lost,
                    in_funnel=source.in_funnel,
                    only_from_lead=source.only_from_lead,
                    key=source.key,
                )
    return next(k for k in kinds() if k.id == kind.id)


def _standard_kind_id() -> int:
    kind_id = db.first_kind_of_process(ProcessKind.STANDARD.value)
    if kind_id is None:
        raise NotFound(_("The standard sales process is missing."))
    return kind_id


__all__ = [
    "PROCESS_ORDER",
    "KindInfo",
    "NotAllowed",
    "StageSettings",
    "create_kind",
    "kinds",
    "update_stage",
]
