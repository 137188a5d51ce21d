"""Whatever is typed into the forms, the services either refuse it with a ValidationError
or save it so that it reads back as typed (trimmed; a choice by its code); nothing else
ever comes out. Quote lines either are refused or make consistent totals, and a draft saved
with them reads back as saved."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from app.domain import money, quotes
from app.domain.choices import AccountKind, Channel, Choice, Condition, Interest
from app.domain.printable import is_printable
from app.domain.validation import ValidationError
from app.services import accounts, lead_import, leads, opportunities
from app.services import quotes as quote_service
from app.services.workspace import UserInfo
from tests import factories

T = TypeVar("T")
# Derandomized: the same inputs on every run, so the counts _both_seen asks for never flake.
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# On the server the same services run the same Python checks over the same inputs; what
# differs is the database's reading back (text types, collation, triggers), which fewer
# examples reach as well: half the run, half its time (enough for both ways to be taken ten
# times, which _both_seen asks).
SERVER_EXAMPLES = 40


def fuzz(backend: str) -> settings:
    return FUZZ if backend == "sqlite" else settings(FUZZ, max_examples=SERVER_EXAMPLES)


# What people paste into forms: names with accents, quotes, markup, control characters,
# emoji, right-to-left text, very long strings and whitespace all round.
def mostly(valid: SearchStrategy[T], wild: SearchStrategy[T]) -> SearchStrategy[T]:
    """Nine draws in ten from `valid`: a form has a dozen fields, and for the saving path
    to be taken often enough most of them must be fine at once."""
    return st.sampled_from([True] * 9 + [False]).flatmap(lambda ok: valid if ok else wild)


# Characters a document prints (emoji and scripts without a font are refused at the field).
_printable = st.characters(codec="utf-8").filter(is_printable)
_short = st.text(alphabet=_printable, max_size=40)
texts = mostly(
    st.one_of(
        _short,
        _short.map(lambda t: f"  {t}\t"),
        st.text(alphabet=_printable, max_size=60),
        st.sampled_from(["J&C Motors <b>", "O'Brien; DROP TABLE account;--", ""]),
    ),
    st.one_of(
        st.text(min_size=195, max_size=205),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
        st.sampled_from(["Müller\x00", "\u202eabc", "Anna 🚗"]),
        st.text(min_size=1, max_size=8).map(lambda t: (t.strip() or "x") * 10_050),
        st.sampled_from(["   ", "\n\t"]),
    ),
)
# A field that must not be empty: mostly some letters.
names = mostly(
    st.text(alphabet=_printable, min_size=1, max_size=30).map(lambda t: f"A{t}"),
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


def test_opportunity_input_is_refused_or_reads_back_as_typed(user: UserInfo, backend: str) -> None:
    customer = factories.customer()
    outcomes: Counter[str] = Counter()

    @fuzz(backend)
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


def test_customer_input_is_refused_or_reads_back_as_typed(user: UserInfo, backend: str) -> None:
    outcomes: Counter[str] = Counter()

    @fuzz(backend)
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


def test_lead_input_is_refused_or_reads_back_as_typed(user: UserInfo, backend: str) -> None:
    outcomes: Counter[str] = Counter()

    @fuzz(backend)
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


# What a salesperson types into a quote line's cells: the editor reads each number cell as
# a Decimal, whatever it says ("1e5000", "0,0000001", "-3"), and sends the line as typed.
line_texts = mostly(
    st.one_of(
        st.sampled_from(
            [
                "Golf Life 1.5 eTSI",
                "Fußmatten «Premium»",
                "<b>Dachbox</b> 🚗",
                "  Tyres\t",
                "Ünal & Söhne",
            ]
        ),
        st.text(min_size=1, max_size=40).map(lambda t: f"A{t}"),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60),
        st.sampled_from(["Service\x00", "\u202eeciovni", "Paint\r\nred", "Mats\x1b[31m"]),
    ),
    st.one_of(
        st.sampled_from(["", "   ", "\n\t"]),
        st.text(min_size=495, max_size=505),
    ),
)
wild_numbers = st.one_of(
    st.sampled_from(
        [
            Decimal(d)
            for d in ("-1", "-0", "0", "1E+5000", "9E+4400", "1E-5000", "1E+30", "0.0000001")
        ]
    ),
    st.decimals(allow_nan=True, allow_infinity=True),
)
_kinds = st.sampled_from([k.value for k in quotes.LineKind if k != quotes.LineKind.DISCOUNT])
_quantities = st.integers(1, 4).map(Decimal)
_prices = st.one_of(
    st.decimals(min_value=0, max_value=50_000, places=0),
    st.decimals(min_value=0, max_value=1_000, places=2),
    st.sampled_from([Decimal(0), Decimal("0.01")]),
)
_rates = st.sampled_from([Decimal(r) for r in ("0", "5.5", "7.7", "19", "22", "100", "19.00")])


def _lines(
    kind: SearchStrategy[str],
    quantity: SearchStrategy[Decimal],
    unit_price: SearchStrategy[Decimal],
    vat_rate: SearchStrategy[Decimal],
) -> SearchStrategy[quote_service.LineInput]:
    return st.builds(
        quote_service.LineInput,
        kind=kind,
        description=line_texts,
        quantity=quantity,
        unit_price=unit_price,
        vat_rate=vat_rate,
    )


# Most lines as meant; some with a cell typed oddly or wrong; some free (a price of 0, which no
# amount check bounds), whatever their quantity says.
quote_lines = st.sampled_from(["meant"] * 10 + ["mistyped", "mistyped", "free"]).flatmap(
    lambda how: {
        "meant": _lines(_kinds, _quantities, _prices, _rates),
        "mistyped": _lines(
            _kinds | st.sampled_from(["discount", "VEHICLE", "robot", ""]),
            _quantities
            | wild_numbers
            | st.sampled_from([Decimal(q) for q in ("2.50", "0.5", "1.125", "10000.5")]),
            _prices
            | wild_numbers
            | st.decimals(min_value=-100, max_value=100, places=4)
            | st.sampled_from([Decimal("10000000"), Decimal("10000000.01")]),
            _rates | wild_numbers | st.sampled_from([Decimal("100.01"), Decimal("7.775")]),
        ),
        "free": _lines(
            st.sampled_from(["accessory", "service"]),
            wild_numbers | st.sampled_from([Decimal("10000"), Decimal("10000.001")]),
            st.just(Decimal(0)),
            _rates | wild_numbers,
        ),
    }[how]
)


def test_quote_lines_are_refused_or_read_back_as_saved(user: UserInfo, backend: str) -> None:
    """One draft, saved over and over: each save replaces its lines, so each example starts
    from whatever the last one left, as the editor's next save does."""
    draft = quote_service.create(factories.opportunity(user.id, topic="Fuzzed quote").id)
    outcomes: Counter[str] = Counter()

    @fuzz(backend)
    @given(
        lines=st.lists(quote_lines, max_size=5),
        valid_in=mostly(
            st.integers(0, quote_service.MAX_VALID_DAYS),
            st.one_of(st.none(), st.integers(-400, -1), st.integers(367, 4000)),
        ),
    )
    def run(lines: list[quote_service.LineInput], valid_in: int | None) -> None:
        opened = quote_service.get(draft.id)
        valid_until = None if valid_in is None else date.today() + timedelta(days=valid_in)
        sent = [replace(line) for line in lines]
        data = quote_service.QuoteInput(
            valid_until=valid_until,
            payment_method=opened.payment_method,
            vehicle_id=opened.vehicle_id,
            remarks=opened.remarks,
            lines=lines,
        )
        try:
            quote_service.save(draft.id, data, opened.version)
        except ValidationError as exc:
            _refused(exc, outcomes)
            assert quote_service.get(draft.id).version == opened.version  # nothing written
            return
        outcomes["saved"] += 1
        back = quote_service.get(draft.id)
        assert back.version == opened.version + 1 and back.valid_until == valid_until
        assert len(back.lines) == len(sent)
        for read, typed in zip(back.lines, sent, strict=True):
            assert read.kind == typed.kind
            assert read.description == typed.description.strip()
            assert read.quantity == typed.quantity
            assert read.unit_price == typed.unit_price
            assert read.vat_rate == typed.vat_rate
            # What reads back can be shown: the editor and the PDF print it so.
            assert quotes.format_quantity(read.quantity) and quotes.format_rate(read.vat_rate)
        totals = back.totals
        assert totals.amount_due >= 0 and totals.gross == totals.net + totals.vat_total
        summary = quote_service.for_opportunity(back.opportunity_id)[0]
        assert (summary.net, summary.amount_due) == (totals.net, totals.amount_due)

    run()
    _both_seen(outcomes)


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


def test_a_free_item_of_ten_thousand_digits_is_refused_not_saved(user: UserInfo) -> None:
    # Saved, it could not be shown again: the editor and the PDF print the quantity in full.
    draft = quote_service.create(factories.opportunity(user.id).id)
    line = quote_service.LineInput("accessory", "Floor mats", Decimal("1E+5000"), Decimal(0))
    data = quote_service.QuoteInput(valid_until=draft.valid_until, lines=[line])
    try:
        quote_service.save(draft.id, data, draft.version)
    except ValidationError as exc:
        assert "check the digits" in exc.errors["lines.0.quantity"]
    else:
        raise AssertionError("a quantity of 1E+5000 was saved")


# What an import file may hold: the header a web form writes, then rows of anything: NULs,
# lone surrogates (which cannot be UTF-8: the file is refused), quotes left open, the
# other separator, line breaks of every kind.
_cells = st.one_of(
    texts,
    st.sampled_from(
        ['"', 'a"b', '"open', "\x00", "Ros\x00si", "\ud800", "x;y", "\r", "\r\n", "=1+1"]
    ),
)


def test_any_import_file_is_imported_row_by_row_or_refused_whole(
    user: UserInfo, backend: str
) -> None:
    outcomes: Counter[str] = Counter()

    @fuzz(backend)
    @given(
        rows=st.lists(st.lists(_cells, min_size=0, max_size=6), max_size=8),
        separator=st.sampled_from([",", ";"]),
        ending=st.sampled_from(["\n", "\r\n", "\r"]),
    )
    def run(rows: list[list[str]], separator: str, ending: str) -> None:
        header = separator.join(["id", "last_name", "email", "phone", "submitted", "message"])
        text = ending.join([header, *(separator.join(r) for r in rows)]) + ending
        raw = text.encode("utf-8", errors="surrogatepass")
        before = leads.count(leads.LeadFilter())
        try:
            report = lead_import.import_csv(raw)
        except lead_import.ImportRefused as exc:
            assert str(exc)
            assert leads.count(leads.LeadFilter()) == before
            outcomes["refused"] += 1
            return
        assert leads.count(leads.LeadFilter()) == before + report.imported
        assert all(line >= 2 and problem for line, problem in report.errors)
        outcomes["read"] += 1

    run()
    assert outcomes["read"] >= 10 and outcomes["refused"] >= 1, outcomes
