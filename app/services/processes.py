"""Sales processes of a dealership's own: kinds of opportunity with stages of their own
names, order and probabilities, each saying which automatic move (an appointment or test
drive, a quote, an accepted quote, an order) lands in it; a kind without stages. A kind in
use is changed only in ways that keep its open opportunities valid, and a refused change
says what blocks it. Sales managers and administrators only."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import processes as db
from app.db.connection import transaction
from app.db.models import Stage
from app.db.reference import opportunity_kind_names
from app.domain import fields
from app.domain.choices import ProcessKind
from app.domain.rights import Right
from app.domain.standard_names import PROCESS_ORDER, display_name, english
from app.domain.validation import ValidationError, Validator
from app.i18n import NP_, _, ngettext, pgettext
from app.services import access, conflicts
from app.services.errors import ConflictError, NotFound

# What moves a sale into a stage automatically, by the standard stage's key it stands for.
MOVES: dict[str, tuple[str, str]] = {
    "interest": NP_("automatic move", "An appointment or a test drive"),
    "quotation": NP_("automatic move", "A quote"),
    "contract": NP_("automatic move", "An accepted quote (the order form)"),
    "delivery": NP_("automatic move", "An order"),
}


def move_label(key: str) -> str:
    """What moves a sale into a stage standing for `key`, in the screen's language."""
    context, text = MOVES[key]
    return pgettext(context, text)


@dataclass(frozen=True, slots=True)
class StageEdit:
    """An open stage of a kind as its editor holds it (a new one has no id)."""

    id: int | None = None
    name: str = ""
    default_probability: int = 0
    days_allowed: int | None = None
    moves_on: str = ""  # a key of MOVES, or ""
    only_from_lead: bool = False
    in_funnel: bool = True
    key: str | None = None  # a shipped stage's: automatic moves find it by it
    version: int = 0
    open_opportunities: int = 0  # in this stage now


@dataclass(frozen=True, slots=True)
class KindEdit:
    """A kind of opportunity with its open stages in order (won and lost are kept by the
    program, last)."""

    id: int | None = None
    name: str = ""
    process: str = ProcessKind.CUSTOM.value
    stages: tuple[StageEdit, ...] = ()
    key: str | None = None
    version: int = 0
    open_opportunities: int = 0
    without_stage: int = 0  # open ones in no stage (a kind without stages)
    visits: dict[int, int] = field(default_factory=dict, compare=False)


def _require() -> None:
    access.require(Right.SETUP)


def kind(kind_id: int) -> KindEdit:
    access.require(Right.READ_SALES)
    row = db.kind_row(kind_id)
    if row is None:
        raise NotFound(_("This kind of opportunity no longer exists."))
    holding = db.open_in_stages(kind_id)
    stages = tuple(
        StageEdit(
            s.id,
            display_name(s.key, s.name),
            s.default_probability,
            s.days_allowed,
            s.moves_on,
            s.only_from_lead,
            s.in_funnel,
            s.key,
            s.version,
            holding.get(s.id, 0),
        )
        for s in db.stage_rows(kind_id)
        if not (s.is_won or s.is_lost)
    )
    return KindEdit(
        row.id,
        display_name(row.key, row.name),
        row.process,
        stages,
        row.key,
        row.version,
        db.open_opportunities(kind_id),
        db.open_without_stage(kind_id),
        db.visited_stages(kind_id),
    )


def _check(edit: KindEdit) -> tuple[str, str]:
    v = Validator()
    name = v.require("name", edit.name, fields.label("opportunity_kind.name"), 80)
    process = v.choice("process", edit.process, ProcessKind, _("kind of process"))
    if name and db.kind_name_taken(name, edit.id):
        v.error("name", _("There is already a kind called “{name}”.").format(name=name))
    if process == ProcessKind.WITHOUT_STAGES.value:
        if edit.stages:
            v.error("stages", _("A kind without stages has none; remove them, or pick a process."))
    elif process and not edit.stages:
        v.error("stages", _("Give the process at least one stage."))
    seen: dict[str, int] = {}
    moves: dict[str, int] = {}
    for n, stage in enumerate(edit.stages):
        where = f"stages.{n}"
        text = stage.name.strip()
        if not text:
            v.error(where, _("Stage {n} has no name.").format(n=n + 1))
        elif len(text) > 80:
            v.error(where, _("Stage {n}'s name is longer than 80 characters.").format(n=n + 1))
        elif text.lower() in seen:
            v.error(where, _("Two stages are called “{name}”.").format(name=text))
        seen[text.lower()] = n
        if not 0 <= stage.default_probability <= 100:
            v.error(where, _("Probability is a percentage from 0 to 100."))
        if stage.days_allowed is not None and not 1 <= stage.days_allowed <= 3650:
            v.error(where, _("Days allowed in a stage: from 1 to 3650, or empty for no limit."))
        if stage.moves_on and stage.moves_on not in MOVES:
            v.error(where, _("Pick what moves a sale into “{name}”.").format(name=text))
        milestone = stage.key if stage.key in MOVES else stage.moves_on
        if milestone:
            if milestone in moves:
                v.error(
                    where,
                    _("“{move}” moves a sale into one stage only.").format(
                        move=move_label(milestone)
                    ),
                )
            moves[milestone] = n
    v.raise_if_any()
    return name, process


def blocks(edit: KindEdit) -> list[str]:
    """What keeps the change from being made to a kind in use: each a sentence; empty when
    its open opportunities stay valid."""
    access.require(Right.READ_SALES)
    if edit.id is None:
        return []
    now = kind(edit.id)
    found: list[str] = []
    kept = {s.id for s in edit.stages if s.id is not None}
    for stage in now.stages:
        if stage.id in kept:
            continue
        assert stage.id is not None
        if stage.open_opportunities:
            found.append(
                ngettext(
                    "“{stage}” holds {n} open opportunity: move it to another stage first.",
                    "“{stage}” holds {n} open opportunities: move them to another stage first.",
                    stage.open_opportunities,
                ).format(stage=stage.name, n=stage.open_opportunities)
            )
        elif now.visits.get(stage.id):
            visits = now.visits[stage.id]
            found.append(
                ngettext(
                    "“{stage}” is in the history of {n} move, which the funnel counts: rename "
                    "it or take it out of the funnel instead.",
                    "“{stage}” is in the history of {n} moves, which the funnel counts: rename "
                    "it or take it out of the funnel instead.",
                    visits,
                ).format(stage=stage.name, n=visits)
            )
    if now.key is not None and edit.process != now.process:
        found.append(_("A kind shipped with the program keeps its process."))
    if edit.process == ProcessKind.WITHOUT_STAGES.value and now.open_opportunities:
        held = now.open_opportunities - now.without_stage
        if held:
            found.append(
                ngettext(
                    "{n} open opportunity is in a stage of this kind: close it or move it to "
                    "another kind before its stages go.",
                    "{n} open opportunities are in stages of this kind: close them or move "
                    "them to another kind before its stages go.",
                    held,
                ).format(n=held)
            )
    if now.process == ProcessKind.WITHOUT_STAGES.value and edit.stages and now.without_stage:
        found.append(
            ngettext(
                "{n} open opportunity of this kind has no stage: a process with stages would "
                "leave it in none.",
                "{n} open opportunities of this kind have no stage: a process with stages "
                "would leave them in none.",
                now.without_stage,
            ).format(n=now.without_stage)
        )
    return found


def save_kind(edit: KindEdit) -> KindEdit:
    """Create or change a kind and its stages, in one transaction: refused field by field
    (ValidationError, "stages.N" for the Nth stage), with what blocks it (on "blocks"), or
    over a change saved elsewhere since it was opened (ConflictError)."""
    _require()
    name, process = _check(edit)
    with transaction():
        old: dict[int, Stage] = {}
        if edit.id is None:
            row = db.create_kind(name, process)
        else:
            found_row = db.kind_row(edit.id)
            if found_row is None:
                raise NotFound(_("This kind of opportunity no longer exists."))
            row = found_row
            what = _("The sales process “{name}”").format(name=display_name(row.key, row.name))
            if row.version != edit.version:
                raise ConflictError(what, conflicts.user_name(row.changed_by), row.version)
            found = blocks(edit)
            if found:
                raise ValidationError({"blocks": " ".join(found)})
            old = {s.id: s for s in db.stage_rows(row.id)}
            for stage in edit.stages:
                current = old.get(stage.id) if stage.id is not None else None
                if stage.id is not None and (current is None or current.version != stage.version):
                    raise ConflictError(what, conflicts.user_name(row.changed_by), row.version)
            # A shipped kind keeps its name as shipped unless it was renamed.
            shipped = row.key is not None and name == display_name(row.key, row.name)
            db.set_process(row, row.name if shipped else name, process)
        base = db.top_sequence(row.id) + 10
        kept: set[int] = set()
        for n, stage in enumerate(edit.stages):
            values = {
                "name": _stored_stage_name(stage, old),
                "sequence": base + 10 * n,
                "default_probability": stage.default_probability,
                "days_allowed": stage.days_allowed,
                "moves_on": "" if stage.key else stage.moves_on,
                "only_from_lead": stage.only_from_lead,
                "in_funnel": stage.in_funnel,
            }
            kept.add(db.write_stage(stage.id, row.id, values).id)
        after = base + 10 * len(edit.stages)
        closing = [s for s in old.values() if s.is_won or s.is_lost]
        for stage_id, stage_row in old.items():
            if stage_id not in kept and (
                process == ProcessKind.WITHOUT_STAGES.value or stage_row not in closing
            ):
                db.delete_stage(stage_id)
        if process != ProcessKind.WITHOUT_STAGES.value:
            if closing:
                for n, closed in enumerate(sorted(closing, key=lambda s: s.sequence)):
                    db.write_stage(closed.id, row.id, {"sequence": after + 10 * n})
            else:
                for n, values in enumerate(_closing_stages()):
                    db.write_stage(None, row.id, {**values, "sequence": after + 10 * n})
        if edit.id is not None:
            db.touch_kind(row.id)
    return kind(row.id)


def _stored_stage_name(stage: StageEdit, old: dict[int, Stage]) -> str:
    """The name to keep: a shipped stage shown translated and not renamed keeps its English
    name (so it goes on showing in each user's language)."""
    text = stage.name.strip()
    row = old.get(stage.id) if stage.id is not None else None
    if row is not None and stage.key and text == display_name(stage.key, row.name):
        return str(row.name)
    return text


def _closing_stages() -> list[dict[str, object]]:
    """Won and lost, as a new kind with stages gets them."""
    return [
        {
            "name": english("won"),
            "default_probability": 100,
            "is_won": True,
            "key": "won",
            "in_funnel": True,
        },
        {
            "name": english("lost"),
            "default_probability": 0,
            "is_lost": True,
            "key": "lost",
            "in_funnel": False,
        },
    ]


def standard_template() -> tuple[StageEdit, ...]:
    """The standard process's open stages as a new kind starts from them: own stages (no
    keys), each standing for the standard stage it was."""
    standard = next((k for k in kinds() if k.key == "standard"), None)
    if standard is None:
        return ()
    return tuple(
        StageEdit(
            name=s.name,
            default_probability=s.default_probability,
            days_allowed=s.days_allowed,
            moves_on=s.key if s.key in MOVES else "",
            only_from_lead=s.only_from_lead,
            in_funnel=s.in_funnel,
        )
        for s in standard.stages
    )


def kinds() -> list[KindEdit]:
    """Every kind of opportunity, in the order they were made."""
    access.require(Right.READ_SALES)
    return [kind(i) for i, _name, _key in opportunity_kind_names()]


__all__ = ["MOVES", "PROCESS_ORDER", "KindEdit", "StageEdit", "blocks", "kind", "save_kind"]
