"""The stage rule: which stages an opportunity may be put in next, from a lead or not."""

from app.domain.stages import StageInfo, move_refusal, next_stages, stage_choices

QUALIFY = StageInfo(1, "Qualify", 10, 10, False, False, True)
INTEREST = StageInfo(2, "Interest", 20, 20, False, False, False)
QUOTATION = StageInfo(3, "Quotation", 30, 40, False, False, False)
CONTRACT = StageInfo(4, "Contract", 40, 75, False, False, False)
WON = StageInfo(5, "Won", 60, 100, True, False, False)
STAGES = [QUALIFY, INTEREST, QUOTATION, CONTRACT, WON]


def names(stages: list[StageInfo]) -> list[str]:
    return [s.name for s in stages]


def test_qualify_is_only_offered_to_opportunities_from_a_lead() -> None:
    assert names(next_stages(STAGES, INTEREST, True, from_lead=True)) == [
        "Qualify",
        "Interest",
        "Quotation",
    ]
    assert names(next_stages(STAGES, INTEREST, True, from_lead=False)) == [
        "Interest",
        "Quotation",
    ]
    assert names(next_stages(STAGES, None, False, from_lead=False)) == [
        "Interest",
        "Quotation",
        "Contract",
    ]


def test_a_refused_move_says_why() -> None:
    assert move_refusal(STAGES, INTEREST, QUOTATION.id, True, from_lead=False) == ""
    assert "only for opportunities that came from a lead" in move_refusal(
        STAGES, INTEREST, QUALIFY.id, True, from_lead=False
    )
    refusal = move_refusal(STAGES, INTEREST, CONTRACT.id, True, from_lead=False)
    assert refusal == "From here the sale can move to: Interest, Quotation (no skipping a stage)."


def test_the_picker_keeps_the_current_stage_in_its_place_and_a_closed_one_last() -> None:
    # Data from before the rule: a sale not from a lead sitting in Qualify.
    assert names(stage_choices(STAGES, QUALIFY, True, False, is_new=False)) == [
        "Qualify",
        "Interest",
    ]
    assert names(stage_choices(STAGES, WON, False, False, is_new=False)) == [
        "Interest",
        "Quotation",
        "Contract",
        "Won",
    ]
    assert names(stage_choices(STAGES, INTEREST, True, True, is_new=True)) == [
        "Qualify",
        "Interest",
        "Quotation",
        "Contract",
    ]
