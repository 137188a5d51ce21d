"""Sales processes of a dealership's own: stages with their own names, order and
probabilities, each saying which automatic move lands in it; a kind without stages; a kind
in use changed only in ways that keep its open opportunities valid, saying what blocks it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.steps.setup import setup_master_data
from app.domain.validation import ValidationError
from app.services import opportunities, process, processes, quotes
from app.services.errors import ConflictError, NotAllowed
from app.services.processes import KindEdit, StageEdit
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user

FLEET = (
    StageEdit(name="Needs analysis", default_probability=10, moves_on="interest"),
    StageEdit(name="Sales quotation generation", default_probability=30, moves_on="quotation"),
    StageEdit(name="Harmonization of terms", default_probability=60),
    StageEdit(name="Liability fulfilment", default_probability=90, moves_on="delivery"),
)


def _fleet() -> KindEdit:
    return processes.save_kind(KindEdit(name="Fleet sales", process="custom", stages=FLEET))


def _sale(user: UserInfo, kind: KindEdit, stage: int = 0) -> int:
    return factories.opportunity(user.id, kind_id=kind.id, stage_id=kind.stages[stage].id).id


def test_a_kind_of_its_own_has_its_stages_in_order_with_won_and_lost_last(db: Path) -> None:
    fleet = _fleet()
    assert [s.name for s in fleet.stages] == [s.name for s in FLEET]
    assert [s.default_probability for s in fleet.stages] == [10, 30, 60, 90]
    rows = list(m.Stage.select().where(m.Stage.kind == fleet.id).order_by(m.Stage.sequence))
    assert [r.key for r in rows[-2:]] == ["won", "lost"]
    assert all(r.key is None for r in rows[:-2])
    assert len({r.sequence for r in rows}) == len(rows)


def test_automatic_moves_land_in_the_stage_that_stands_for_them(db: Path, user: UserInfo) -> None:
    sale = _sale(user, _fleet())
    quotes.create(sale)  # a quote: into the stage standing for the quotation
    assert opportunities.get(sale).stage_name == "Sales quotation generation"
    assert m.Opportunity.get_by_id(sale).probability == 30
    process.advance(sale, "contract")  # an accepted quote: no stage stands for it; the next
    assert opportunities.get(sale).stage_name == "Liability fulfilment"
    process.advance(sale, "interest")  # never backwards
    assert opportunities.get(sale).stage_name == "Liability fulfilment"


def test_stages_are_renamed_reordered_and_repriced_and_audited(db: Path) -> None:
    fleet = _fleet()
    first, second, third, fourth = fleet.stages
    changed = processes.save_kind(
        replace(
            fleet,
            name="Fleet",
            stages=(
                first,
                third,
                replace(second, name="Quotation", default_probability=35),
                fourth,
            ),
        )
    )
    assert [s.name for s in changed.stages] == [
        "Needs analysis",
        "Harmonization of terms",
        "Quotation",
        "Liability fulfilment",
    ]
    assert changed.name == "Fleet" and changed.version > fleet.version
    updates = m.AuditEntry.select().where(
        (m.AuditEntry.entity == "stage") & (m.AuditEntry.action == "update")
    )
    assert updates.count() >= 4


def test_a_stage_holding_open_opportunities_is_not_removed_and_the_block_is_said(
    db: Path, user: UserInfo
) -> None:
    fleet = _fleet()
    _sale(user, fleet, stage=2)
    without = replace(fleet, stages=fleet.stages[:2] + fleet.stages[3:])
    assert processes.blocks(without) == [
        "“Harmonization of terms” holds 1 open opportunity: move it to another stage first."
    ]
    with pytest.raises(ValidationError) as refused:
        processes.save_kind(without)
    assert "Harmonization of terms" in refused.value.errors["blocks"]
    assert len(processes.kind(fleet.id).stages) == 4
    # An empty stage goes; a stage added is placed where it was put.
    fleet = processes.kind(fleet.id)
    added = StageEdit(name="Credit check", default_probability=50)
    after = processes.save_kind(replace(fleet, stages=(*fleet.stages[1:3], added, fleet.stages[3])))
    assert [s.name for s in after.stages] == [
        "Sales quotation generation",
        "Harmonization of terms",
        "Credit check",
        "Liability fulfilment",
    ]


def test_a_stage_in_the_history_is_kept_for_the_funnel(db: Path, user: UserInfo) -> None:
    fleet = _fleet()
    sale = _sale(user, fleet, stage=0)
    process.move_to_stage(sale, fleet.stages[1].id)
    process.move_to_stage(sale, fleet.stages[2].id)
    fleet = processes.kind(fleet.id)
    first, _passed, now, last = fleet.stages
    [block] = processes.blocks(replace(fleet, stages=(first, now, last)))
    assert block.startswith("“Sales quotation generation” is in the history of 1 move")


def test_a_kind_without_stages_and_what_blocks_dropping_the_stages_of_one_in_use(
    db: Path, user: UserInfo
) -> None:
    plain = processes.save_kind(KindEdit(name="Trade sales", process="without_stages"))
    assert plain.stages == () and not m.Stage.select().where(m.Stage.kind == plain.id).exists()
    with pytest.raises(ValidationError) as refused:
        processes.save_kind(KindEdit(name="Odd", process="without_stages", stages=FLEET[:1]))
    assert "stages" in refused.value.errors
    fleet = _fleet()
    _sale(user, fleet)
    found = processes.blocks(replace(fleet, process="without_stages", stages=()))
    assert any("1 open opportunity is in a stage of this kind" in b for b in found)
    standard = processes.kind(1)
    assert processes.blocks(replace(standard, process="custom")) == [
        "A kind shipped with the program keeps its process."
    ]


def test_a_stage_list_is_checked_stage_by_stage(db: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        processes.save_kind(
            KindEdit(
                name="Standard",
                process="custom",
                stages=(
                    StageEdit(name="A", default_probability=120, moves_on="quotation"),
                    StageEdit(name="a", default_probability=10, moves_on="quotation"),
                    StageEdit(name="", default_probability=10),
                ),
            )
        )
    errors = refused.value.errors
    assert set(errors) == {"name", "stages.0", "stages.1", "stages.2"}
    assert (
        "moves a sale into one stage only" in errors["stages.1"]
        or "Two stages" in errors["stages.1"]
    )


def test_two_editors_of_one_process_do_not_overwrite_each_other(db: Path) -> None:
    fleet = _fleet()
    processes.save_kind(replace(fleet, name="Fleet (mine)"))
    with pytest.raises(ConflictError):
        processes.save_kind(replace(fleet, name="Fleet (theirs)"))
    assert processes.kind(fleet.id).name == "Fleet (mine)"


def test_only_managers_and_administrators_change_the_processes(db: Path) -> None:
    m.set_acting_user(add_user("sam", "salesperson").id)
    with pytest.raises(NotAllowed):
        processes.save_kind(KindEdit(name="Fleet sales", process="custom", stages=FLEET))
    assert not m.OpportunityKind.select().where(m.OpportunityKind.name == "Fleet sales").exists()


def test_a_new_kind_starts_from_the_standard_stages_as_its_own(db: Path) -> None:
    template = processes.standard_template()
    assert [s.moves_on for s in template] == ["", "interest", "quotation", "contract", "delivery"]
    assert all(s.id is None and s.key is None for s in template)
    copy = processes.save_kind(KindEdit(name="Used cars", process="standard", stages=template))
    assert [s.name for s in copy.stages][:2] == ["Qualify", "Interest"]


def test_the_setup_step_gives_the_stages_what_moves_a_sale_into_them(db: Path) -> None:
    assert migrations.STEPS.count(setup_master_data) == 1
    # Again, as after an interruption: nothing changes.
    with database.atomic():
        setup_master_data(database.obj)
    assert "moves_on" in {c.name for c in database.get_columns("stage")}
