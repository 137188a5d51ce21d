"""Whatever is typed into the forms, the services either refuse it with a ValidationError
or save it so that it reads back as typed (trimmed; a choice by its code); nothing else
ever comes out. Quote lines either are refused or make consistent totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from app.domain import money, quotes
from app.domain.choices import AccountKind, Channel, Choice, Condition, Interest
from app.domain.validation import ValidationError
from app.services import accounts, leads, opportunities
from app.services.workspace import UserInfo
from tests import factories

T = TypeVar("T")
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# What people paste into forms: names with accents, quotes, markup, control characters,
# emoji, right-to-left text, very long strings and whitespace all round.
def mostly(valid: SearchStrategy[T], wild: SearchStrategy[T]) -> SearchStrategy[T]:
    """Nine draws in ten from `valid`: a form has a dozen fields, and for the saving path
    to be taken often enough most of them must be fine at once."""
    return st.sampled_from([True] * 9 + [False]).flatmap(lambda ok: valid if ok else wild)


_short = st.text(max_size=40)
texts = mostly(
    st.one_of(
        _short,
        _short.map(lambda t: f"  {t}\t"),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
        st.sampled_from(
            ["J&C Motors <b>", "O'Brien; DROP TABLE account;--", "Müller\x00", "\u202eabc", ""]
        ),
    ),
    st.one_of(
        st.text(min_size=195, max_size=205),
        st.text(min_size=1, max_size=8).map(lambda t: (t.strip() or "x") * 10_050),
        st.sampled_from(["   ", "\n\t"]),
    ),
)
# A field that must not be empty: mostly some letters.
names = mostly(
    st.text(min_size=1, max_size=30).map(lambda t: f"A{t}"),
    texts,
)


def choice_texts(choices: type[Choice]) -> SearchStrategy[str]:
    return mostly(
        st.one_of(
            st.sampled_from([c.value for c in choices] + [c.label for c in choices] + [""]),
            st.sampled_from([c.label.upper() for c in choices]).map(lambda t: f"  {t} "),
        ),
        st.text(max_size=12),
    )


amounts = mostly(
    st.one_of(
        st.decimals(min_value=0, max_value=100_000, places=2),
        st.sampled_from([Decimal("-0"), Decimal("99999999.99"), Decimal("0.5"), Decimal(7)]),
    ),
    st.one_of(
        st.decimals(min_value=0, max_value=200_000_000, places=2),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.decimals(min_value=-10, max_value=10, places=4),
        st.sampled_from([Decimal("1E+8"), Decimal("0.005"), Decimal("-0.01")]),
    ),
)


def expected_text(value: str) -> str:
    return value.strip()


def expected_choice(value: str, choices: type[Choice]) -> str:
    return choices.parse(value).value if value.strip() else ""


def _refused(exc: ValidationError, outcomes: Counter[str]) -> None:
    assert exc.errors and all(isinstance(v, str) and v for v in exc.errors.values())
    outcomes["refused"] += 1


def _both_seen(outcomes: Counter[str]) -> None:
    # Both ways were taken often enough for the test to mean something.
    assert outcomes["saved"] >= 10 and outcomes["refused"] >= 10, outcomes


def test_opportunity_input_is_refused_or_reads_back_as_typed(user: UserInfo) -> None:
    customer = factories.customer()
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(
        topic=names,
        source=texts,
        description=texts,
        brand=texts,
        model=texts,
        variant=texts,
        est_revenue=amounts,
        est_trade_in=amounts,
        probability=mostly(st.none() | st.integers(0, 100), st.integers(-50, 150)),
        channel=choice_texts(Channel),
        interest=choice_texts(Interest),
        condition=choice_texts(Condition),
        currency=mostly(
            st.sampled_from(["EUR", "chf", " GBP ", "JPY", "CZK"]),
            st.sampled_from(["E", "EURO", "€", "", "12€"]),
        ),
        close_in=mostly(st.integers(0, 4000), st.integers(-400, -1)),
        update=st.booleans(),
    )
    def run(update: bool, close_in: int, **typed: object) -> None:
        data = opportunities.new_input(user.id)
        data.account_id = customer
        data.est_close_date = date.today() + timedelta(days=close_in)
        for name, value in typed.items():
            setattr(data, name, value)
        sent = {f.name: getattr(data, f.name) for f in fields(data)}
        try:
            if update:
                base = factories.opportunity(user.id, customer)
                saved = opportunities.update(base.id, data, base.version)
            else:
                saved = opportunities.create(data)
        except ValidationError as exc:
            _refused(exc, outcomes)
            return
        outcomes["saved"] += 1
        back = opportunities.get(saved.id)
        for name in ("topic", "source", "description", "brand", "model", "variant"):
            assert getattr(back, name) == expected_text(str(sent[name])), name
        assert back.channel == expected_choice(str(sent["channel"]), Channel)
        assert back.interest == expected_choice(str(sent["interest"]), Interest)
        assert back.condition == expected_choice(str(sent["condition"]), Condition)
        assert back.currency == str(sent["currency"]).strip().upper()
        assert back.est_revenue == sent["est_revenue"]
        assert back.est_trade_in == sent["est_trade_in"]
        assert back.probability == sent["probability"]
        assert back.est_close_date == sent["est_close_date"]

    run()
    _both_seen(outcomes)


phones = mostly(
    st.sampled_from(
        ["+39 02 1234 5678", "0039 02-12345678", "089 1234567", "+1 (555) 010-9999", ""]
    ),
    st.one_of(st.text(alphabet="0123456789 +-()/", max_size=25), texts),
)
emails = mostly(st.emails() | st.just(""), texts)


def test_customer_input_is_refused_or_reads_back_as_typed(user: UserInfo) -> None:
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(
        kind=mostly(
            st.sampled_from([k.value for k in AccountKind]), st.sampled_from(["robot", ""])
        ),
        first_name=texts,
        last_name=names,
        company_name=names,
        email=emails,
        phone=phones,
        street=texts,
        postcode=texts,
        city=texts,
        country=texts,
        update=st.booleans(),
    )
    def run(update: bool, **typed: str) -> None:
        data = accounts.AccountInput(**typed)
        try:
            if update:
                account_id = factories.customer()
                saved = accounts.update(account_id, data, accounts.get(account_id).version)
                assert saved.version == 2
            else:
                account_id = accounts.create(data, confirmed_new=True).id
        except ValidationError as exc:
            _refused(exc, outcomes)
            return
        outcomes["saved"] += 1
        back = accounts.get(account_id)
        for name, value in typed.items():
            expected = value if name == "kind" else expected_text(value)
            assert getattr(back, name) == expected, name
        assert back.name == accounts.display_name(back)

    run()
    _both_seen(outcomes)


def test_lead_input_is_refused_or_reads_back_as_typed(user: UserInfo) -> None:
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(
        first_name=texts,
        last_name=names,
        company_name=texts,
        email=emails,
        phone=phones,
        city=texts,
        brand=texts,
        model=texts,
        notes=texts,
        channel=choice_texts(Channel),
        interest=choice_texts(Interest),
        update=st.booleans(),
    )
    def run(update: bool, **typed: str) -> None:
        data = leads.LeadInput(**typed, owner_id=user.id)
        try:
            if update:
                base = leads.create(leads.LeadInput(last_name="Base", email="base@example.com"))
                lead_id = leads.update(base.id, data, base.version).id
            else:
                lead_id = leads.create(data).id
        except ValidationError as exc:
            _refused(exc, outcomes)
            return
        outcomes["saved"] += 1
        back = leads.get(lead_id)
        for name, value in typed.items():
            if name == "channel":
                assert back.channel == expected_choice(value, Channel)
            elif name == "interest":
                assert back.interest == expected_choice(value, Interest)
            else:
                assert getattr(back, name) == expected_text(value), name
        assert back.owner_id == user.id

    run()
    _both_seen(outcomes)


lines = st.builds(
    quotes.QuoteLine,
    kind=st.sampled_from(list(quotes.LineKind)),
    description=texts,
    quantity=st.one_of(
        st.decimals(min_value=0, max_value=100, places=3), st.decimals(allow_nan=True)
    ),
    unit_price=st.one_of(
        st.decimals(min_value=0, max_value=20_000_000, places=2),
        st.decimals(min_value=-100, max_value=100, places=4),
        st.decimals(allow_nan=True, allow_infinity=True),
    ),
    vat_rate=st.one_of(
        st.sampled_from([Decimal(r) for r in ("0", "5.5", "19", "22", "100", "101", "-1")]),
        st.decimals(allow_nan=True, allow_infinity=True),
    ),
)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(lines, max_size=8), currency=st.sampled_from(["EUR", "JPY", "CHF"]))
def test_quote_lines_are_refused_or_make_consistent_totals(
    lines: list[quotes.QuoteLine], currency: str
) -> None:
    try:
        quotes.validate_lines(lines, currency).raise_if_any()
    except ValidationError as exc:
        assert exc.errors and all(k.startswith("lines.") for k in exc.errors)
        return
    totals = quotes.compute_totals(lines, currency)
    assert totals.gross == totals.net + totals.vat_total
    assert totals.amount_due == totals.gross - totals.trade_in >= 0
    assert totals.net == money.quantize(totals.net, currency)
    assert len(totals.line_nets) == len(lines)


# What the fuzzing found, kept as plain examples.


def test_an_amount_finer_than_its_currency_is_refused_not_rounded(user: UserInfo) -> None:
    data = opportunities.new_input(user.id)
    data.account_id = factories.customer()
    data.topic, data.currency, data.est_revenue = "Yaris", "JPY", Decimal("0.01")
    try:
        opportunities.create(data)
    except ValidationError as exc:
        assert "more decimals than JPY" in exc.errors["est_revenue"]
    else:
        raise AssertionError("0.01 JPY was accepted")


def test_a_company_keeps_its_person_names_trimmed(user: UserInfo) -> None:
    created = accounts.create(
        accounts.AccountInput(kind="company", company_name="J&C Motors", last_name="  Cole "),
        confirmed_new=True,
    )
    assert accounts.get(created.id).last_name == "Cole"


def test_a_line_too_large_to_round_is_refused_in_words() -> None:
    line = quotes.QuoteLine(
        quotes.LineKind.VEHICLE, "Golf", Decimal("75.5"), Decimal("1E+25"), Decimal(19)
    )
    v = quotes.validate_lines([line], "EUR")
    assert "check the digits" in v.errors["lines.0.unit_price"]
