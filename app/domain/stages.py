"""Stages of a sales process and the moves between them."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.standard_names import display_name
from app.i18n import _


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One stage of a process. `stored_name` is the name as the database keeps it; `key`
    the stable key of a shipped stage (None for one an administrator added), which the
    program compares; `name` what a user reads."""

    id: int
    stored_name: str
    sequence: int
    default_probability: int
    is_won: bool
    is_lost: bool
    only_from_lead: bool
    key: str | None = None
    # A stage of its own naming: the standard stage's key it stands for in automatic moves.
    moves_on: str = ""

    @property
    def milestone(self) -> str | None:
        """The standard stage whose automatic moves land here: its own key, else what it
        stands for (a stage "Sales quotation generation" standing for "quotation")."""
        return self.key or self.moves_on or None

    @property
    def name(self) -> str:
        """The name in the screen's language: a shipped stage translated unless renamed."""
        return display_name(self.key, self.stored_name)

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


def open_stages(stages: list[StageInfo]) -> list[StageInfo]:
    return sorted((s for s in stages if not s.is_closed), key=lambda s: s.sequence)


def first_stage(stages: list[StageInfo], from_lead: bool = False) -> StageInfo | None:
    """Where a new opportunity starts: Qualify when it came from a lead, else the next stage."""
    for stage in open_stages(stages):
        if from_lead or not stage.only_from_lead:
            return stage
    return None


def allowed_moves(
    stages: list[StageInfo], current: StageInfo | None, fixed_sequence: bool
) -> list[StageInfo]:
    """The open stages a user may pick. A fixed sequence allows the next stage and any
    earlier one, never a skip ahead; a custom process allows any of its stages."""
    ordered = open_stages(stages)
    if current is None or not fixed_sequence:
        return ordered
    position = next((i for i, s in enumerate(ordered) if s.id == current.id), None)
    if position is None:
        return ordered
    return ordered[: position + 2]


def next_stages(
    stages: list[StageInfo],
    current: StageInfo | None,
    fixed_sequence: bool,
    from_lead: bool,
) -> list[StageInfo]:
    """The stage rule: the open stages an opportunity in `current` (None: a new one, which
    may start at any stage) may be put in. A fixed sequence allows the next stage and any
    earlier one; a stage only for opportunities from a lead (Qualify) is left out unless
    the opportunity came from a lead."""
    return [
        s
        for s in allowed_moves(stages, current, fixed_sequence)
        if from_lead or not s.only_from_lead
    ]


def move_refusal(
    stages: list[StageInfo],
    current: StageInfo | None,
    target_id: int,
    fixed_sequence: bool,
    from_lead: bool,
) -> str:
    """Why the opportunity may not be put in stage `target_id` by hand ('' when it may),
    by the stage rule of `next_stages`."""
    target = next((s for s in stages if s.id == target_id), None)
    if target is not None and target.only_from_lead and not from_lead:
        return _("{stage} is only for opportunities that came from a lead.").format(
            stage=target.name
        )
    allowed = next_stages(stages, current, fixed_sequence, from_lead)
    if all(s.id != target_id for s in allowed):
        return _("From here the sale can move to: {stages} (no skipping a stage).").format(
            stages=", ".join(s.name for s in allowed)
        )
    return ""


def stage_choices(
    stages: list[StageInfo],
    current: StageInfo | None,
    fixed_sequence: bool,
    from_lead: bool,
    is_new: bool,
) -> list[StageInfo]:
    """What a stage picker offers: the stages of `next_stages` (any stage for a new
    opportunity), with the current one kept where it is, or last when it is a closed one."""
    offered = next_stages(stages, None if is_new else current, fixed_sequence, from_lead)
    if current is not None and current not in offered:
        if current.is_closed:
            offered.append(current)
        else:
            offered = sorted([*offered, current], key=lambda s: s.sequence)
    return offered
