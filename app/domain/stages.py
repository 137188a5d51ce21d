"""Stages of a sales process and the moves between them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StageInfo:
    id: int
    name: str
    sequence: int
    default_probability: int
    is_won: bool
    is_lost: bool
    only_from_lead: bool

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
