"""Dates, stages and field validation."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain import dates, validation
from app.domain.choices import Channel
from app.domain.stages import StageInfo, allowed_moves, first_stage


def test_default_close_date_is_a_month_ahead_and_clamps_month_ends() -> None:
    assert dates.default_close_date(date(2026, 11, 23)) == date(2026, 12, 23)
    assert dates.default_close_date(date(2026, 1, 31)) == date(2026, 2, 28)
    assert dates.default_close_date(date(2026, 12, 15)) == date(2027, 1, 15)


STAGES = [
    StageInfo(1, "Qualify", 10, 10, False, False, True),
    StageInfo(2, "Interest", 20, 20, False, False, False),
    StageInfo(3, "Quotation", 30, 40, False, False, False),
    StageInfo(4, "Contract", 40, 75, False, False, False),
    StageInfo(5, "Won", 60, 100, True, False, False),
]


def test_first_stage_skips_qualify_unless_from_a_lead() -> None:
    assert first_stage(STAGES).name == "Interest"
    assert first_stage(STAGES, from_lead=True).name == "Qualify"


def test_a_fixed_sequence_allows_the_next_stage_and_going_back_but_no_skip() -> None:
    names = [s.name for s in allowed_moves(STAGES, STAGES[2], fixed_sequence=True)]
    assert names == ["Qualify", "Interest", "Quotation", "Contract"]
    names = [s.name for s in allowed_moves(STAGES, STAGES[1], fixed_sequence=True)]
    assert "Contract" not in names and "Won" not in names
    assert len(allowed_moves(STAGES, STAGES[1], fixed_sequence=False)) == 4


@pytest.mark.parametrize(
    ("value", "message"),
    [(Decimal(-1), "cannot be negative"), (Decimal("1e9"), "more than any sale")],
)
def test_amounts_refused_with_a_reason(value: Decimal, message: str) -> None:
    v = validation.Validator()
    v.amount("est_revenue", value, "Est. revenue")
    assert message in v.errors["est_revenue"]


def test_required_text_and_email() -> None:
    v = validation.Validator()
    v.require("topic", "   ", "Topic")
    v.email("email", "maria.rossi@")
    v.probability("probability", 140)
    with pytest.raises(validation.ValidationError) as caught:
        v.raise_if_any()
    assert set(caught.value.errors) == {"topic", "email", "probability"}


def test_choices_parse_codes_and_labels() -> None:
    assert Channel.parse("Walk-in") is Channel.WALK_IN
    assert Channel.parse("web_form") is Channel.WEB_FORM
    with pytest.raises(ValueError):
        Channel.parse("carrier pigeon")
