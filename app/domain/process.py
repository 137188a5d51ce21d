"""Rules of the sales process that need no storage: where an automatic move goes, and how
long a stage was held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.stages import StageInfo, open_stages
from app.domain.standard_names import PROCESS_ORDER


def automatic_target(
    stages: list[StageInfo], current: StageInfo | None, at_least: str
) -> StageInfo | None:
    """The stage an automatic move goes to, or None when the opportunity is already there
    or beyond. `at_least` is a stage's key ("quotation"), and the stages are matched by
    their keys, so a renamed stage is still the one it was. A custom process without the
    stage goes to its next stage that comes later in the default order. Automatic moves
    only go forward."""
    if at_least not in PROCESS_ORDER:
        raise ValueError(at_least)
    wanted = PROCESS_ORDER.index(at_least)
    candidates = [
        s
        for s in open_stages(stages)
        if s.milestone in PROCESS_ORDER and PROCESS_ORDER.index(s.milestone) >= wanted
    ]
    if not candidates:
        return None
    target = candidates[0]
    if current is not None and current.sequence >= target.sequence:
        return None
    return target


@dataclass(frozen=True, slots=True)
class StageVisit:
    """A stretch of time an opportunity spent in one stage."""

    stage: str
    entered_at: datetime
    left_at: datetime | None  # None: still there
    by: str
    automatic: bool
    reason: str

    def days(self, now: datetime) -> float:
        return ((self.left_at or now) - self.entered_at).total_seconds() / 86_400


def is_stale(entered_at: datetime, days_allowed: int | None, now: datetime) -> bool:
    return days_allowed is not None and (now - entered_at).total_seconds() > days_allowed * 86_400
