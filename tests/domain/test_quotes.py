"""Quote totals (VAT rounded once per rate), line validation and the quote status table."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import money
from app.domain.quotes import (
    MAX_LINE_AMOUNT,
    OPEN_QUOTE_STATUSES,
    QUOTE_TRANSITIONS,
    LineKind,
    QuoteLine,
    QuoteStatus,
    can_move,
    compute_totals,
    format_quantity,
    format_rate,
    has_expired,
    line_field,
    move_error,
    reachable_from,
    validate_lines,
)


def line(
    kind: LineKind, price: str, vat: str = "19", qty: str = "1", description: str = "Item"
) -> QuoteLine:
    return QuoteLine(kind, description, Decimal(qty), Decimal(price), Decimal(vat))


def vehicle(price: str, vat: str = "19") -> QuoteLine:
    return line(LineKind.VEHICLE, price, vat, description="Golf Life 1.5 eTSI")


# --- totals -----------------------------------------------------------------------------------


def test_vat_is_rounded_once_per_rate_not_per_line() -> None:
    # Each line's VAT alone ends in a half cent (0.095, 234.555, 2.255): rounding per line
    # would charge a cent more per rate than rounding the rate's sum.
    lines = [
        line(LineKind.ACCESSORY, "0.50"),
        line(LineKind.ACCESSORY, "0.50"),
        line(LineKind.ACCESSORY, "0.50"),
        line(LineKind.OPTION, "1234.50"),
        line(LineKind.OPTION, "1234.50"),
        line(LineKind.OPTION, "1234.50"),
        line(LineKind.SERVICE, "10.25", vat="22"),
        line(LineKind.SERVICE, "10.25", vat="22"),
    ]
    totals = compute_totals(lines, "EUR")

    per_line = {
        rate: sum(
            (
                money.quantize(ln.net * ln.vat_rate / 100, "EUR")
                for ln in lines
                if ln.vat_rate == rate
            ),
            Decimal(0),
        )
        for rate in (Decimal(19), Decimal(22))
    }
    by_rate = {v.rate: v for v in totals.vat}
    assert by_rate[Decimal(19)].net == Decimal("3705.00")
    assert by_rate[Decimal(19)].vat == Decimal("703.95")  # 3705.00 x 19 % = 703.95 exactly
    assert per_line[Decimal(19)] == Decimal("703.98")
    assert by_rate[Decimal(22)].net == Decimal("20.50")
    assert by_rate[Decimal(22)].vat == Decimal("4.51")  # 4.51 exactly; per line 2 x 2.26
    assert per_line[Decimal(22)] == Decimal("4.52")
    assert totals.vat_total == Decimal("708.46")
    assert totals.gross == Decimal("4433.96")


def test_a_rate_sum_ending_in_a_half_cent_rounds_up_once() -> None:
    lines = [line(LineKind.ACCESSORY, "0.50") for _ in range(3)]
    totals = compute_totals(lines, "EUR")
    # 1.50 x 19 % = 0.285 -> 0.29 (per line it would be 3 x 0.10 = 0.30)
    assert totals.vat[0].vat == Decimal("0.29")
    # Half up, not to even: 0.25 x 10 % = 0.025 -> 0.03 (banker's rounding would give 0.02)
    assert compute_totals([line(LineKind.SERVICE, "0.25", vat="10")], "EUR").vat_total == Decimal(
        "0.03"
    )


def test_rates_are_kept_apart_and_listed_highest_first() -> None:
    totals = compute_totals(
        [
            vehicle("29850.00"),
            line(LineKind.FINANCIAL_PRODUCT, "420.00", vat="0"),
            line(LineKind.ACCESSORY, "100.00", vat="7"),
            line(LineKind.OPTION, "720.00", vat="19.0"),  # 19.0 is the same rate as 19
        ],
        "EUR",
    )
    assert [(v.rate, v.net, v.vat) for v in totals.vat] == [
        (Decimal(19), Decimal("30570.00"), Decimal("5808.30")),
        (Decimal(7), Decimal("100.00"), Decimal("7.00")),
        (Decimal(0), Decimal("420.00"), Decimal("0.00")),
    ]
    assert totals.net == Decimal("31090.00")
    assert totals.gross == Decimal("36905.30")
    assert totals.amount_due == totals.gross
    assert totals.trade_in == 0


def test_line_nets_are_exact_and_discounts_negative() -> None:
    lines = [
        vehicle("29850.00"),
        line(LineKind.ACCESSORY, "54.90", qty="2"),
        line(LineKind.SERVICE, "80.00", qty="1.5"),
        line(LineKind.DISCOUNT, "1500.00"),
    ]
    totals = compute_totals(lines, "EUR")
    assert totals.line_nets == (
        Decimal("29850.00"),
        Decimal("109.80"),
        Decimal("120.000"),
        Decimal("-1500.00"),
    )
    assert totals.net == Decimal("28579.80")
    assert totals.vat_total == Decimal("5430.16")  # 28579.80 x 19 % = 5430.162
    assert totals.gross == Decimal("34009.96")


def test_trade_in_carries_no_vat_and_reduces_the_amount_due() -> None:
    lines = [
        vehicle("30000.00"),
        line(LineKind.DISCOUNT, "1000.00"),
        # A VAT rate typed on a trade-in is ignored: the dealer is buying the customer's car.
        line(LineKind.TRADE_IN, "8000.00", vat="19", description="Opel Astra 2016"),
    ]
    totals = compute_totals(lines, "EUR")
    assert totals.net == Decimal("29000.00")
    assert [(v.rate, v.vat) for v in totals.vat] == [(Decimal(19), Decimal("5510.00"))]
    assert totals.gross == Decimal("34510.00")
    assert totals.trade_in == Decimal("8000.00")
    assert totals.amount_due == Decimal("26510.00")
    assert totals.line_nets[2] == Decimal("-8000.00")


def test_a_100_percent_discount_leaves_nothing_to_pay() -> None:
    lines = [vehicle("24990.00"), line(LineKind.DISCOUNT, "24990.00")]
    totals = compute_totals(lines, "EUR")
    assert totals.net == 0
    assert totals.vat_total == 0
    assert totals.amount_due == 0
    assert validate_lines(lines, "EUR").errors == {}


def test_amounts_up_to_ten_million_stay_exact() -> None:
    lines = [
        vehicle("9999999.99", vat="22"),
        line(LineKind.OPTION, "0.01", vat="22"),
        line(LineKind.SERVICE, "10000000.00", vat="19"),
    ]
    totals = compute_totals(lines, "EUR")
    assert totals.net == Decimal("20000000.00")
    assert [v.vat for v in totals.vat] == [Decimal("2200000.00"), Decimal("1900000.00")]
    assert totals.gross == Decimal("24100000.00")
    assert money.to_minor(totals.gross, "EUR") == 2_410_000_000
    assert validate_lines(lines, "EUR").errors == {}


def test_vat_zero_adds_nothing() -> None:
    totals = compute_totals([line(LineKind.FINANCIAL_PRODUCT, "420.00", vat="0")], "EUR")
    assert totals.vat[0].vat == Decimal("0.00")
    assert totals.gross == Decimal("420.00")


def test_a_currency_without_minor_units_rounds_to_whole_units() -> None:
    totals = compute_totals([vehicle("1000005", vat="10")], "JPY")
    assert totals.vat_total == Decimal("100001")  # 100000.5, half up


def test_no_lines_total_nothing() -> None:
    totals = compute_totals([], "EUR")
    assert (totals.net, totals.gross, totals.amount_due, totals.vat) == (0, 0, 0, ())


_cents = st.integers(min_value=0, max_value=1_000_000_00).map(lambda c: Decimal(c).scaleb(-2))
_lines = st.lists(
    st.builds(
        QuoteLine,
        kind=st.sampled_from([k for k in LineKind if k != LineKind.DISCOUNT]),
        description=st.just("Item"),
        quantity=st.integers(min_value=1, max_value=20).map(Decimal),
        unit_price=_cents,
        vat_rate=st.sampled_from([Decimal(0), Decimal(7), Decimal(19), Decimal("5.5")]),
    ),
    max_size=30,
)


@given(_lines)
def test_totals_add_up_and_round_only_the_vat(lines: list[QuoteLine]) -> None:
    totals = compute_totals(lines, "EUR")
    charged = [ln for ln in lines if ln.kind != LineKind.TRADE_IN]
    assert totals.net == sum((ln.quantity * ln.unit_price for ln in charged), Decimal(0))
    for vat in totals.vat:
        rate_net = sum((ln.net for ln in charged if ln.vat_rate == vat.rate), Decimal(0))
        assert vat.net == rate_net
        assert vat.vat == money.quantize(rate_net * vat.rate / 100, "EUR")
        assert abs(vat.vat - rate_net * vat.rate / 100) <= Decimal("0.005")
    assert totals.gross == totals.net + totals.vat_total
    assert totals.amount_due == totals.gross - totals.trade_in


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            line(LineKind.ACCESSORY, "54.90", qty="-2"),
            "quantity",
            "the quantity cannot be negative",
        ),
        (
            line(LineKind.ACCESSORY, "54.90", qty="0"),
            "quantity",
            "the quantity must be more than 0",
        ),
        (line(LineKind.OPTION, "-720.00"), "unit_price", "the unit price cannot be negative"),
        (line(LineKind.OPTION, "720.005"), "unit_price", "has more decimals than EUR has (2)"),
        (line(LineKind.OPTION, "720.00", vat="101"), "vat_rate", "percentage from 0 to 100"),
        (line(LineKind.OPTION, "720.00", vat="-1"), "vat_rate", "percentage from 0 to 100"),
        (line(LineKind.OPTION, "NaN"), "unit_price", "the unit price is not a number"),
        (line(LineKind.SERVICE, "10000000.01"), "unit_price", "more than 10,000,000.00"),
        (line(LineKind.SERVICE, "6000000", qty="2"), "unit_price", "12,000,000.00 EUR is more"),
        (line(LineKind.SERVICE, "10.01", qty="2.5"), "quantity", "not a whole amount in EUR"),
        (line(LineKind.OPTION, "720.00", description="  "), "description", "cannot be empty"),
        # A free item's quantity is not checked by its amount: it needs bounds of its own.
        (line(LineKind.ACCESSORY, "0", qty="1E+5000"), "quantity", "more than 10,000 on one"),
        (line(LineKind.ACCESSORY, "0", qty="10000.5"), "quantity", "check the digits"),
        (line(LineKind.ACCESSORY, "0", qty="1E-5000"), "quantity", "more than 3 decimals"),
        (line(LineKind.SERVICE, "0", qty="0.0001"), "quantity", "more than 3 decimals"),
        (line(LineKind.OPTION, "720.00", vat="1E-5000"), "vat_rate", "more than 2 decimals"),
        (line(LineKind.OPTION, "720.00", vat="7.775"), "vat_rate", "more than 2 decimals"),
    ],
)
def test_a_bad_line_is_refused_with_a_message_naming_it(
    bad: QuoteLine, field: str, message: str
) -> None:
    errors = validate_lines([vehicle("29850.00"), bad], "EUR").errors
    assert list(errors) == [line_field(1, field)]
    assert errors[line_field(1, field)].startswith("Line 2")
    assert message in errors[line_field(1, field)]


def test_the_largest_and_finest_quantities_and_rates_allowed_can_be_shown() -> None:
    lines = [
        line(LineKind.ACCESSORY, "0", qty="10000"),
        line(LineKind.SERVICE, "8.00", qty="1.125", vat="7.75"),
    ]
    assert validate_lines([vehicle("29850.00"), *lines], "EUR").errors == {}
    assert [format_quantity(ln.quantity) for ln in lines] == ["10,000", "1.125"]
    assert format_rate(lines[1].vat_rate) == "7.75"


def test_a_line_message_quotes_the_description() -> None:
    errors = validate_lines([line(LineKind.OPTION, "-5", description="Metallic paint")], "EUR")
    assert errors.errors == {
        "lines.0.unit_price": "Line 1 (Metallic paint): the unit price cannot be negative (-5)."
    }


def test_every_bad_line_gets_its_own_message() -> None:
    v = validate_lines(
        [line(LineKind.OPTION, "-1"), vehicle("30000"), line(LineKind.ACCESSORY, "5", qty="-1")],
        "EUR",
    )
    assert set(v.errors) == {"lines.0.unit_price", "lines.2.quantity"}


def test_a_discount_larger_than_what_it_discounts_is_refused() -> None:
    errors = validate_lines(
        [vehicle("20000.00"), line(LineKind.DISCOUNT, "20000.01", description="Launch offer")],
        "EUR",
    ).errors
    assert errors == {
        "lines.1.unit_price": "Line 2 (Launch offer): the discounts at 19% VAT come to "
        "20,000.01 EUR, more than the 20,000.00 EUR they discount."
    }


def test_a_discount_only_reduces_lines_at_its_own_rate() -> None:
    # The total stays positive thanks to the 0 % line, but 19 % VAT would go negative.
    lines = [
        vehicle("1000.00"),
        line(LineKind.FINANCIAL_PRODUCT, "5000.00", vat="0"),
        line(LineKind.DISCOUNT, "2000.00"),
    ]
    assert compute_totals(lines, "EUR").amount_due > 0
    assert set(validate_lines(lines, "EUR").errors) == {"lines.2.unit_price"}


def test_a_trade_in_worth_more_than_the_purchase_is_refused() -> None:
    lines = [vehicle("5000.00"), line(LineKind.TRADE_IN, "9000.00", vat="0")]
    message = validate_lines(lines, "EUR").errors["lines.1.unit_price"]
    assert "9,000.00 EUR is more than the gross total of 5,950.00 EUR" in message
    assert "amount due cannot be below zero" in message


def test_a_trade_in_with_vat_is_only_a_warning() -> None:
    v = validate_lines([vehicle("30000"), line(LineKind.TRADE_IN, "8000", vat="19")], "EUR")
    assert v.errors == {}
    assert "carries no VAT" in v.warnings["lines.1.vat_rate"]


def test_a_good_quote_passes() -> None:
    lines = [
        vehicle("29850.00"),
        line(LineKind.SERVICE, "80.00", qty="1.5"),
        line(LineKind.DISCOUNT, "1500.00"),
        line(LineKind.TRADE_IN, "6800.00", vat="0"),
    ]
    v = validate_lines(lines, "EUR")
    assert (v.errors, v.warnings) == ({}, {})


def test_formatting_rates_and_quantities() -> None:
    assert [format_rate(Decimal(r)) for r in ("19", "19.00", "10", "5.50", "0")] == [
        "19",
        "19",
        "10",
        "5.5",
        "0",
    ]
    assert [format_quantity(Decimal(q)) for q in ("1.00", "2.50", "1500")] == ["1", "2.5", "1,500"]


def test_the_ten_million_limit_is_the_line_limit() -> None:
    assert Decimal("10000000") == MAX_LINE_AMOUNT
    assert validate_lines([vehicle("10000000.00")], "EUR").errors == {}


# --- statuses ---------------------------------------------------------------------------------


def test_the_table_names_every_status_once() -> None:
    assert set(QUOTE_TRANSITIONS) == set(QuoteStatus)
    for targets in QUOTE_TRANSITIONS.values():
        assert targets <= set(QuoteStatus)


def test_every_status_is_reachable_from_draft() -> None:
    assert reachable_from(QuoteStatus.DRAFT) == set(QuoteStatus) - {QuoteStatus.DRAFT}


@pytest.mark.parametrize(
    "final",
    [QuoteStatus.ACCEPTED, QuoteStatus.ABANDONED, QuoteStatus.EXPIRED, QuoteStatus.REVISED],
)
def test_nothing_leaves_a_final_status(final: QuoteStatus) -> None:
    assert QUOTE_TRANSITIONS[final] == frozenset()
    assert not any(can_move(final, target) for target in QuoteStatus)


@pytest.mark.parametrize("current", list(QuoteStatus))
@pytest.mark.parametrize("target", list(QuoteStatus))
def test_can_move_follows_the_table_exactly(current: QuoteStatus, target: QuoteStatus) -> None:
    assert can_move(current, target) is (target in QUOTE_TRANSITIONS[current])
    assert can_move(current.value, target.value) is can_move(current, target)


def test_the_expected_moves() -> None:
    assert can_move("draft", "presented")
    assert can_move("presented", "accepted")
    assert can_move("presented", "revised")
    assert not can_move("draft", "accepted")  # the customer accepts what was presented
    assert not can_move("draft", "draft")
    assert not can_move("accepted", "abandoned")
    assert not can_move("draft", "sent")
    assert not can_move("sent", "draft")


def test_a_quote_with_no_lines_cannot_be_presented() -> None:
    assert move_error("draft", "presented", line_count=0) == (
        "A quote with no lines cannot be presented; add the vehicle or an item first."
    )
    assert move_error("draft", "presented", line_count=1) is None
    assert move_error("accepted", "draft", line_count=3) == (
        "A quote cannot go from accepted to draft."
    )


def test_open_quotes_expire_after_their_valid_until_date() -> None:
    assert {QuoteStatus.DRAFT, QuoteStatus.PRESENTED} == OPEN_QUOTE_STATUSES
    until = date(2026, 12, 7)
    assert not has_expired("presented", until, date(2026, 12, 7))
    assert has_expired("presented", until, date(2026, 12, 8))
    assert not has_expired("accepted", until, date(2027, 1, 1))
    assert not has_expired("draft", None, date(2027, 1, 1))
