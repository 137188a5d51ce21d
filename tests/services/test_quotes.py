"""Quotes, order forms, orders and delivery through the services, on a real SQLite file."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import paths
from app.db import models as m
from app.db.connection import database
from app.domain.quotes import MAX_DESCRIPTION_LENGTH, LineKind, TradeInVehicle
from app.domain.validation import ValidationError
from app.services import audit, deals, documents, numbering, opportunities, orders, process, quotes
from app.services.errors import ConflictError, NotFound
from app.services.quotes import LineInput, QuoteInput
from app.services.workspace import UserInfo
from tests import factories

TODAY = date.today()


def read_the_clock() -> None:
    """Read again as each test of this module starts (tests/conftest.py): read once at
    import, it would still be the day before for a test reached after midnight."""
    global TODAY
    TODAY = date.today()


def _business() -> m.Business:
    return m.Business.create(
        name="J&C Motors <Süd>",
        kind="dealer",
        street="Landsberger Straße 112",
        postcode="80339",
        city="München",
        country="Germany",
        vat_number="DE129273398",
    )


def _vehicle(vin: str = "WVWZZZCDZSW123456", stock: str = "N-1", price: int = 2_985_000) -> int:
    return m.Vehicle.create(
        vin=vin,
        stock_number=stock,
        condition="new",
        brand="Volkswagen",
        model="Golf",
        variant="Life 1.5 eTSI",
        colour="Kings Red",
        list_price_minor=price,
        currency="EUR",
    ).id


def _stage(opportunity_id: int) -> str:
    return opportunities.get(opportunity_id).stage_name


def _input(detail: quotes.QuoteDetail, **changes: object) -> QuoteInput:
    data = QuoteInput(
        valid_until=detail.valid_until,
        payment_method=detail.payment_method,
        vehicle_id=detail.vehicle_id,
        remarks=detail.remarks,
        lines=list(detail.lines),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def _line(
    kind: LineKind, description: str, price: str, vat: str = "19", qty: str = "1"
) -> LineInput:
    return LineInput(kind.value, description, Decimal(qty), Decimal(price), Decimal(vat))


# The car traded in, as the editor asks for it before a quote with an allowance is presented.
CAR = TradeInVehicle("Opel", "Astra", "W0L0AHL4858512345", date(2017, 4, 3), 98_400)


def _present(quote_id: int, today: date | None = None) -> quotes.QuoteDetail:
    """Present the quote, the car of its trade-in allowance identified first."""
    detail = quotes.get(quote_id)
    if detail.status == "draft" and any(
        line.kind == LineKind.TRADE_IN and line.trade_in is None for line in detail.lines
    ):
        lines = [
            replace(line, trade_in=CAR) if line.kind == LineKind.TRADE_IN else line
            for line in detail.lines
        ]
        quotes.save(quote_id, _input(detail, lines=lines), detail.version, today=today)
    return quotes.present(quote_id, today)


@pytest.fixture
def sale(user: UserInfo) -> int:
    """An open opportunity in Interest with a reserved stock vehicle and a trade-in estimate."""
    _business()
    account = factories.customer("O'Brien", "Siobhán", email="siobhan@example.ie")
    detail = factories.opportunity(
        user.id,
        account_id=account,
        vehicle_id=_vehicle(),
        interest="finance",
        est_trade_in=Decimal("6800"),
    )
    process.advance(detail.id, "interest")
    return detail.id


def test_a_new_quote_is_numbered_prefilled_and_moves_the_sale_to_quotation(sale: int) -> None:
    quote = quotes.create(sale)
    assert quote.number == "Q-00001" and quote.revision == 1 and quote.status == "draft"
    assert quote.valid_until == TODAY + timedelta(days=14)
    assert quote.payment_method == "finance"
    kinds = [(line.kind, line.unit_price) for line in quote.lines]
    assert kinds == [("vehicle", Decimal("29850.00")), ("trade_in", Decimal("6800.00"))]
    assert quote.lines[0].description == "Volkswagen Golf Life 1.5 eTSI, new"
    assert _stage(sale) == "Quotation"
    assert quotes.create(sale).number == "Q-00002"


def test_the_valid_days_setting_sets_the_default_date(sale: int) -> None:
    m.Setting.create(key=documents.VALID_DAYS_SETTING, value="30")
    assert quotes.create(sale).valid_until == TODAY + timedelta(days=30)


def test_numbers_have_no_gap_when_a_creation_fails(sale: int, user: UserInfo) -> None:
    quotes.create(sale)
    process.close_won(sale)
    with pytest.raises(ValidationError, match="closed"):
        quotes.create(sale)
    other = factories.opportunity(user.id)
    assert quotes.create(other.id).number == "Q-00002"
    assert numbering.draw("order_form") == "OF-00001"


def test_saving_a_draft_keeps_the_lines_and_the_totals(sale: int) -> None:
    quote = quotes.create(sale)
    lines = [
        quote.lines[0],
        _line(LineKind.OPTION, "Metallic paint", "720"),
        _line(LineKind.ACCESSORY, "Floor mats", "54.90", qty="2"),
        _line(LineKind.FINANCIAL_PRODUCT, "GAP insurance", "420", vat="0"),
        _line(LineKind.DISCOUNT, "Showroom discount", "1500"),
        quote.lines[1],
    ]
    saved = quotes.save(
        quote.id, _input(quote, lines=lines, remarks="Winter tyres included"), quote.version
    )
    assert [line.description for line in saved.lines][1:3] == ["Metallic paint", "Floor mats"]
    assert saved.remarks == "Winter tyres included"
    totals = saved.totals
    assert totals.net == Decimal("29599.80")  # 29850 + 720 + 109.80 + 420 - 1500
    assert totals.vat_total == Decimal("5544.16")  # 19 % of 29179.80, rounded once
    assert totals.amount_due == Decimal("28343.96")
    # The opportunity's figures follow the open quote: accessories apart, trade-in beside.
    detail = opportunities.get(sale)
    assert detail.est_revenue == Decimal("29490.00")
    assert detail.est_revenue_accessories == Decimal("109.80")
    assert detail.est_trade_in == Decimal("6800.00")
    assert detail.revenue_from == "Q-00001"


def test_a_refused_draft_save_changes_nothing(sale: int) -> None:
    quote = quotes.create(sale)
    bad = [*quote.lines, _line(LineKind.ACCESSORY, "", "-5")]
    with pytest.raises(ValidationError) as refused:
        quotes.save(quote.id, _input(quote, lines=bad), quote.version)
    assert "lines.2.description" in refused.value.errors
    assert "lines.2.unit_price" in refused.value.errors
    assert len(quotes.get(quote.id).lines) == 2


def test_a_description_of_the_longest_length_taken_is_saved_on_both_backends(
    sale: int,
) -> None:
    """The form takes up to MAX_DESCRIPTION_LENGTH characters; the server's column held 255
    and refused a longer one with a database error instead of saving it."""
    quote = quotes.create(sale)
    longest = "Equipment: " + "heated seats, " * 40
    longest = longest[:MAX_DESCRIPTION_LENGTH]
    lines = [*quote.lines, _line(LineKind.OPTION, longest, "1990")]
    saved = quotes.save(quote.id, _input(quote, lines=lines), quote.version)
    assert quotes.get(quote.id).lines[-1].description == longest == saved.lines[-1].description
    too_long = [*quote.lines, _line(LineKind.OPTION, longest + "x", "1990")]
    with pytest.raises(ValidationError) as refused:
        quotes.save(quote.id, _input(saved, lines=too_long), saved.version)
    assert "lines.2.description" in refused.value.errors
    assert quotes.get(quote.id).lines[-1].description == longest


def test_a_100_percent_discount_and_a_zero_vat_rate_are_fine(sale: int) -> None:
    quote = quotes.create(sale)
    lines = [
        _line(LineKind.ACCESSORY, "Roof bars", "249", vat="0"),
        _line(LineKind.DISCOUNT, "Free roof bars", "249", vat="0"),
    ]
    saved = quotes.save(quote.id, _input(quote, lines=lines), quote.version)
    assert saved.totals.amount_due == Decimal("0.00")


def test_amounts_up_to_ten_million_are_taken(sale: int) -> None:
    quote = quotes.create(sale)
    lines = [_line(LineKind.VEHICLE, "Fleet of 100 buses", "100000", qty="100")]
    saved = quotes.save(quote.id, _input(quote, lines=lines), quote.version)
    assert saved.totals.net == Decimal("10000000")
    too_much = [_line(LineKind.VEHICLE, "Typo", "100000.01", qty="100")]
    with pytest.raises(ValidationError, match="more than"):
        quotes.save(quote.id, _input(saved, lines=too_much), saved.version)


def test_saving_over_someone_elses_change_is_refused(sale: int) -> None:
    quote = quotes.create(sale)
    quotes.save(quote.id, _input(quote, remarks="first"), quote.version)
    with pytest.raises(ConflictError):
        quotes.save(quote.id, _input(quote, remarks="second"), quote.version)


def test_a_quote_with_no_lines_cannot_be_presented(sale: int) -> None:
    quote = quotes.create(sale)
    empty = quotes.save(quote.id, _input(quote, lines=[]), quote.version)
    with pytest.raises(ValidationError, match="no lines"):
        _present(empty.id)
    assert quotes.get(quote.id).status == "draft"


def test_presenting_freezes_the_quote_and_archives_its_pdf(sale: int) -> None:
    quote = quotes.create(sale)
    quote = quotes.save(quote.id, _input(quote, remarks="Winter tyres included"), quote.version)
    presented = _present(quote.id)
    assert presented.status == "presented" and not presented.editable
    archived = paths.documents_dir() / "Q-00001.pdf"
    text = "".join(page.extract_text() for page in PdfReader(archived).pages)
    assert "Q-00001" in text and "Siobhán O'Brien" in text and "WVWZZZCDZSW123456" in text
    assert "J&C Motors <Süd>" in text and "Winter tyres included" in text
    with pytest.raises(ValidationError, match="frozen"):
        quotes.save(quote.id, _input(presented, remarks="changed"), presented.version)
    # The reprint is the issued document, whatever changed on file since.
    m.Account.update(last_name="Murphy", name="Murphy, Siobhán").execute()
    assert documents.render("Q-00001") == archived.read_bytes()
    assert documents.snapshot("Q-00001").customer.name == "Siobhán O'Brien"


def test_an_unwritable_documents_folder_issues_nothing(sale: int, data_dir: Path) -> None:
    quote = quotes.create(sale)
    folder = paths.documents_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the folder should be")
    with pytest.raises(documents.DocumentFolderError, match="Nothing was issued"):
        _present(quote.id)
    after = quotes.get(quote.id)
    assert after.status == "draft"
    assert m.Quote.get_by_id(quote.id).snapshot is None
    folder.unlink()
    assert _present(quote.id).status == "presented"


# The child: present the quote into the read-only documents folder, where permission bits
# bind (tests/unprivileged.py: as root in CI too).
_PRESENT_INTO_READ_ONLY = """
import sys
from pathlib import Path
from app import paths
from app.services import documents, quotes, workspace
paths.set_data_dir(Path(sys.argv[1]))
workspace.open_database()
from tests import people
people.sign_in_as("anna")
try:
    quotes.present(int(sys.argv[2]))
except documents.DocumentFolderError as exc:
    print("refused:", exc)
print("status:", quotes.get(int(sys.argv[2])).status)
workspace.close_database()
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.sqlite_only  # a second process opens the test's database file
def test_a_read_only_documents_folder_issues_nothing(sale: int, data_dir: Path) -> None:
    from tests import unprivileged

    quote = quotes.create(sale)
    detail = quotes.get(quote.id)  # the car of its trade-in allowance identified first
    lines = [
        replace(line, trade_in=CAR) if line.kind == LineKind.TRADE_IN else line
        for line in detail.lines
    ]
    quotes.save(quote.id, _input(detail, lines=lines), detail.version)
    folder = paths.documents_dir()
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        result = unprivileged.run(
            ["-c", _PRESENT_INTO_READ_ONLY, str(data_dir), str(quote.id)], data_dir
        )
    finally:
        folder.chmod(0o700)
    assert result.returncode == 0, result.stderr
    assert "refused: The document could not be written" in result.stdout
    assert "status: draft" in result.stdout
    assert quotes.get(quote.id).status == "draft"
    assert list(folder.iterdir()) == []


def test_a_revision_supersedes_the_presented_quote(sale: int) -> None:
    quote = quotes.create(sale)
    _present(quote.id)
    revised = quotes.revise(quote.id)
    assert (revised.number, revised.revision, revised.status) == ("Q-00001", 2, "draft")
    assert quotes.get(quote.id).status == "revised"
    assert [line.description for line in revised.lines] == [
        line.description for line in quote.lines
    ]
    _present(revised.id)
    assert (paths.documents_dir() / "Q-00001-r2.pdf").exists()
    labels = [(q.label, q.status) for q in quotes.for_opportunity(sale)]
    assert labels == [("Q-00001 rev. 2", "presented"), ("Q-00001", "revised")]
    assert documents.snapshot("Q-00001").revision == 2
    assert documents.snapshot("Q-00001-r1").revision == 1
    with pytest.raises(ValidationError):
        quotes.revise(quote.id)


def test_quotes_past_their_date_expire_and_the_revenue_falls_back(sale: int) -> None:
    older = quotes.create(sale)
    quotes.save(
        older.id,
        _input(older, lines=[_line(LineKind.VEHICLE, "Golf", "30000")]),
        older.version,
    )
    newer = quotes.create(sale)
    quotes.save(
        newer.id,
        _input(newer, lines=[_line(LineKind.VEHICLE, "Golf GTI", "42000")], valid_until=TODAY),
        newer.version,
    )
    assert opportunities.get(sale).est_revenue == Decimal("42000")
    assert quotes.expire_due(TODAY + timedelta(days=1)) == 1
    assert quotes.get(newer.id).status == "expired"
    assert opportunities.get(sale).est_revenue == Decimal("30000")
    with pytest.raises(ValidationError):
        _present(newer.id)


def test_accepting_issues_the_order_form_and_settles_the_other_quotes(sale: int) -> None:
    first = quotes.create(sale)
    _present(first.id)
    second = quotes.create(sale)
    second = quotes.save(
        second.id,
        _input(second, lines=[*second.lines[:1], _line(LineKind.DISCOUNT, "Discount", "850")]),
        second.version,
    )
    _present(second.id)
    number = deals.accept_quote(second.id, delivery_date=TODAY + timedelta(days=20))
    assert number == "OF-00001"
    statuses = {q.label: q.status for q in quotes.for_opportunity(sale)}
    assert statuses == {"Q-00001": "abandoned", "Q-00002": "accepted"}
    detail = opportunities.get(sale)
    assert detail.stage_name == "Contract"
    assert detail.est_revenue == Decimal("29000.00")
    assert detail.est_trade_in == Decimal("0")
    assert detail.scheduled_delivery == TODAY + timedelta(days=20)
    form = documents.snapshot("OF-00001")
    assert form.kind == "order_form" and form.quote_reference == "Q-00002"
    assert form.vehicle.vin == "WVWZZZCDZSW123456" and form.payment_method == "finance"
    text = "".join(
        p.extract_text() for p in PdfReader(paths.documents_dir() / "OF-00001.pdf").pages
    )
    assert "OF-00001" in text and "Signature" in text
    with pytest.raises(ValidationError):
        deals.accept_quote(first.id)


def test_a_draft_must_be_presented_before_it_is_accepted(sale: int) -> None:
    quote = quotes.create(sale)
    with pytest.raises(ValidationError, match="Present it"):
        deals.accept_quote(quote.id)
    assert not m.OrderForm.select().exists()


def test_an_order_form_for_a_vehicle_reserved_elsewhere_is_refused(
    sale: int, user: UserInfo
) -> None:
    quote = quotes.create(sale)
    _present(quote.id)
    vehicle_id = quote.vehicle_id
    # The salesperson frees the vehicle and a colleague reserves it for another customer.
    detail = opportunities.get(sale)
    detail.vehicle_id = None
    opportunities.update(sale, detail, detail.version)
    other = factories.opportunity(user.id, topic="Golf for Bauer", vehicle_id=vehicle_id)
    with pytest.raises(ValidationError, match=f"#{other.id}") as refused:
        deals.accept_quote(quote.id)
    assert "reserved" in refused.value.errors["vehicle_id"]
    assert quotes.get(quote.id).status == "presented"
    assert not m.OrderForm.select().exists()
    assert numbering.draw("order_form") == "OF-00001"


def test_the_whole_contract_from_order_form_to_delivery(sale: int) -> None:
    quote = quotes.create(sale)
    _present(quote.id)
    deals.accept_quote(quote.id)
    (form,) = orders.for_opportunity(sale)
    assert form.stage == "awaiting the customer's signature"
    with pytest.raises(ValidationError, match="not signed"):
        orders.confirm_order(form.id)
    with pytest.raises(ValidationError, match="future"):
        orders.record_signature(form.id, TODAY + timedelta(days=1))
    orders.record_signature(form.id, TODAY)
    assert orders.confirm_order(form.id) == "O-00001"
    assert _stage(sale) == "Delivery"
    (form,) = orders.for_opportunity(sale)
    with pytest.raises(ValidationError, match="mileage"):
        orders.record_delivery(form.order_id, TODAY, -1)  # type: ignore[arg-type]
    orders.record_delivery(form.order_id, TODAY, 12, "Handed over with two keys")  # type: ignore[arg-type]
    detail = opportunities.get(sale)
    assert detail.status == "won" and detail.stage_name == "Won"
    assert m.Vehicle.get_by_id(quote.vehicle_id).mileage_km == 12
    (form,) = orders.for_opportunity(sale)
    assert form.delivered_on == TODAY and form.stage.startswith("delivered")
    with pytest.raises(ValidationError, match="closed"):
        quotes.create(sale)


def test_closing_as_lost_abandons_the_open_quotes(sale: int) -> None:
    draft = quotes.create(sale)
    presented = quotes.create(sale)
    _present(presented.id)
    deals.close_lost([sale], process.lost_reasons()[0])
    assert {q.status for q in quotes.for_opportunity(sale)} == {"abandoned"}
    assert quotes.get(draft.id).status == "abandoned"
    with pytest.raises(ValidationError, match="closed"):
        _present(draft.id)


def test_the_form_cannot_overwrite_the_revenue_a_quote_sets(sale: int) -> None:
    quote = quotes.create(sale)
    detail = opportunities.get(sale)
    detail.est_revenue = Decimal("1")
    opportunities.update(sale, detail, detail.version)
    assert opportunities.get(sale).est_revenue == Decimal("29850.00")
    detail = opportunities.get(sale)
    detail.currency = "CHF"
    with pytest.raises(ValidationError, match="currency"):
        opportunities.update(sale, detail, detail.version)
    quotes.abandon(quote.id)
    assert opportunities.get(sale).revenue_from == ""


def test_a_two_hundred_line_quote_is_several_pages(sale: int) -> None:
    quote = quotes.create(sale)
    lines = [_line(LineKind.ACCESSORY, f"Accessory number {n}", "10.00") for n in range(200)]
    quotes.save(quote.id, _input(quote, lines=lines), quote.version)
    _present(quote.id)
    reader = PdfReader(paths.documents_dir() / "Q-00001.pdf")
    assert len(reader.pages) >= 4
    last = reader.pages[-1].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last
    assert "2,380.00" in last  # 200 x 10 net + 19 % VAT


def test_unknown_document_numbers_are_named(db: Path) -> None:
    with pytest.raises(NotFound, match="Q-00009"):
        documents.snapshot("Q-00009")
    with pytest.raises(NotFound, match="not a document number"):
        documents.snapshot("hello")


def test_the_snapshot_is_stored_as_plain_json(sale: int, db: Path) -> None:
    quote = quotes.create(sale)
    _present(quote.id)
    (stored,) = database.execute_sql("SELECT snapshot FROM quote").fetchone()
    data = json.loads(stored)
    assert (
        data["number"] == "Q-00001" and data["totals"]["amount_due"] == "28721.50"
    )  # 29850 + 19 % - 6800


def test_the_document_settings_apply_to_the_next_quote(sale: int, tmp_path: Path) -> None:
    settings = documents.DocumentSettings(
        valid_days=30, vat_rate=Decimal("7.7"), terms="Payable on delivery.", logo=""
    )
    saved = documents.save_document_settings(settings)
    assert replace(saved, dealer=None) == settings
    quote = quotes.create(sale)
    assert quote.valid_until == TODAY + timedelta(days=30)
    assert quote.lines[0].vat_rate == Decimal("7.7")
    _present(quote.id)
    assert documents.snapshot("Q-00001").terms == "Payable on delivery."


def test_the_document_settings_refuse_what_cannot_be(sale: int, tmp_path: Path) -> None:
    bad = documents.DocumentSettings(0, Decimal("120"), "x" * 20_000, "/nowhere/logo.gif")
    with pytest.raises(ValidationError) as refused:
        documents.save_document_settings(bad)
    assert set(refused.value.errors) == {"valid_days", "vat_rate", "terms", "logo"}
    assert documents.document_settings().valid_days == 14
    # A logo whose image is not in the database (nor came with the save) is refused.
    gone = replace(documents.document_settings(), logo="ab" * 32)
    with pytest.raises(ValidationError, match="choose the file again"):
        documents.save_document_settings(gone)
    # A file that is no image, or is not there, is refused at the field, in words.
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"not really a png")
    for path, words in ((fake, "not a PNG or JPEG"), (tmp_path / "no.png", "There is no file")):
        with pytest.raises(ValidationError, match=words) as refused:
            documents.read_logo(path)
        assert set(refused.value.errors) == {"logo"}


def test_only_managers_change_the_document_settings(sale: int) -> None:
    from app.services.errors import NotAllowed

    m.UserRoleGrant.update(role="salesperson").execute()
    with pytest.raises(NotAllowed):
        documents.save_document_settings(documents.document_settings())


def test_a_delivered_vehicle_is_sold_and_no_longer_in_stock(sale: int, user: UserInfo) -> None:
    from app.services import catalogue

    quote = quotes.create(sale)
    _present(quote.id)
    deals.accept_quote(quote.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_signature(form.id, TODAY)
    orders.confirm_order(form.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_delivery(form.order_id, TODAY, 10)  # type: ignore[arg-type]
    vehicle_id = quote.vehicle_id
    assert vehicle_id is not None
    assert all(v.id != vehicle_id for v in catalogue.find_vehicles("WVWZZZ"))
    with pytest.raises(ValidationError, match="Sold with opportunity") as refused:
        factories.opportunity(user.id, vehicle_id=vehicle_id)
    assert f"#{sale}" in refused.value.errors["vehicle_id"]
    assert "sold with" in (catalogue.vehicle(vehicle_id).reserved_by or "")  # type: ignore[union-attr]


def test_an_order_form_needs_the_vehicle(user: UserInfo) -> None:
    _business()
    detail = factories.opportunity(user.id, brand="Volkswagen", model="Golf")
    quote = quotes.create(detail.id)
    _present(quote.id)
    with pytest.raises(ValidationError, match="reserve the stock vehicle"):
        deals.accept_quote(quote.id)
    assert quotes.get(quote.id).status == "presented"
    detail.vehicle_id = _vehicle()
    opportunities.update(detail.id, detail, opportunities.get(detail.id).version)
    assert deals.accept_quote(quote.id) == "OF-00001"
    assert documents.snapshot("OF-00001").vehicle.vin == "WVWZZZCDZSW123456"


def test_losing_a_contracted_sale_cancels_its_order_form_and_order(sale: int) -> None:
    quote = quotes.create(sale)
    _present(quote.id)
    deals.accept_quote(quote.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_signature(form.id, TODAY)
    orders.confirm_order(form.id)
    assert orders.live_contracts([sale]) == {sale: "order form OF-00001 (signed) and order O-00001"}
    deals.close_lost([sale], "Cancelled", "Customer withdrew")
    (form,) = orders.for_opportunity(sale)
    assert form.cancelled_on == TODAY and not form.live and form.stage.startswith("cancelled")
    assert orders.live_contracts([sale]) == {}
    process.reopen(sale)
    with pytest.raises(ValidationError, match="cancelled"):
        orders.record_delivery(form.order_id, TODAY, 5)  # type: ignore[arg-type]
    assert documents.snapshot("OF-00001").number == "OF-00001"  # kept as issued


def test_a_used_car_without_a_stock_vehicle_is_quoted_at_its_estimate(user: UserInfo) -> None:
    m.CatalogueEntry.create(
        brand="Volkswagen", vehicle_class="SUV", model="Tiguan", model_code="CT1",
        variant="Life", list_price_minor=3_949_500,
    )  # fmt: skip
    used = factories.opportunity(
        user.id, brand="Volkswagen", model="Tiguan", variant="Life", condition="used",
        est_revenue=Decimal("21790"),
    )  # fmt: skip
    new = factories.opportunity(
        user.id, brand="Volkswagen", model="Tiguan", variant="Life", condition="new"
    )
    assert quotes.create(used.id).lines[0].unit_price == Decimal("21790.00")
    assert quotes.create(new.id).lines[0].unit_price == Decimal("39495.00")


# --- an issue cut short (what the crash test meets at random, here on purpose) ------------


class _Killed(BaseException):
    """The program ending where it stands: no handler of the services catches it."""


def test_a_pdf_not_yet_in_place_when_the_program_died_is_written_again_from_the_snapshot(
    sale: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote = quotes.create(sale)

    def killed(temporary: Path) -> Path:
        raise _Killed

    # The issue has committed; the program dies before the PDF takes its name.
    monkeypatch.setattr(documents, "publish", killed)
    with pytest.raises(_Killed):
        _present(quote.id)
    monkeypatch.undo()
    folder = paths.documents_dir()
    assert quotes.get(quote.id).status == "presented"
    assert sorted(p.name for p in folder.iterdir()) == ["Q-00001.pdf.part"]
    archived = documents.archived_pdf("Q-00001")
    assert archived == folder / "Q-00001.pdf"
    assert archived.read_bytes() == documents.render("Q-00001")
    assert len(PdfReader(archived, strict=True).pages) >= 1
    assert sorted(p.name for p in folder.iterdir()) == ["Q-00001.pdf"]


def test_a_half_issued_order_form_left_behind_is_not_the_one_issued_under_its_number(
    sale: int, user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _present(quotes.create(sale).id)
    other = factories.opportunity(
        user.id, vehicle_id=_vehicle("WVWZZZCDZSW654321", "N-2"), topic="Second Golf"
    )
    second = _present(quotes.create(other.id).id)

    def killed(opportunity_id: int, stage: str) -> None:
        raise _Killed

    # The program dies inside the accepting transaction, after the order form's file was
    # written: the transaction is rolled back, the file stays (no clean-up runs on a kill).
    monkeypatch.setattr(documents, "discard", lambda temporary: None)
    monkeypatch.setattr(process, "advance", killed)
    with pytest.raises(_Killed):
        deals.accept_quote(first.id)
    monkeypatch.undo()
    folder = paths.documents_dir()
    assert (folder / "OF-00001.pdf.part").exists() and not (folder / "OF-00001.pdf").exists()
    assert quotes.get(first.id).status == "presented"
    # The number was never used: the next order form takes it, with its own content.
    assert deals.accept_quote(second.id) == "OF-00001"
    assert documents.snapshot("OF-00001").quote_reference == "Q-00002"
    issued = (folder / "OF-00001.pdf").read_bytes()
    assert issued == documents.render("OF-00001")
    assert "Q-00002" in "".join(
        page.extract_text() for page in PdfReader(folder / "OF-00001.pdf").pages
    )
    assert not (folder / "OF-00001.pdf.part").exists()


# --- the audit log ---------------------------------------------------------------------------


def _log(entity: str, entity_id: int) -> list[tuple[str, dict[str, tuple[object, object]]]]:
    return [(r.action, r.changes) for r in audit.history(entity, entity_id)]


def test_a_quote_s_save_presentation_and_acceptance_are_logged_field_by_field(
    sale: int,
) -> None:
    other = quotes.create(sale)
    quote = quotes.create(sale)
    saved = quotes.save(
        quote.id,
        _input(
            quote,
            remarks="Winter tyres included",
            lines=[quote.lines[0], _line(LineKind.ACCESSORY, "Floor mats", "54.90", qty="2")],
        ),
        quote.version,
    )
    _present(saved.id)
    _present(other.id)
    deals.accept_quote(saved.id)

    (created, filled, edited, presented, accepted) = _log("quote", quote.id)
    assert created == ("create", {})
    # Created with the vehicle and the trade-in estimate as its lines, and their totals.
    assert filled[1]["net_minor"] == (0, 2985000) and filled[1]["trade_in_minor"] == (0, 680000)
    assert edited[0] == "update"
    assert edited[1]["remarks"] == ("", "Winter tyres included")
    assert edited[1]["accessories_minor"] == (0, 10980)
    assert edited[1]["net_minor"] == (2985000, 2995980)
    assert edited[1]["trade_in_minor"] == (680000, 0)  # the trade-in line was taken out
    assert presented[0] == "update" and presented[1]["status"] == ("draft", "presented")
    assert presented[1]["presented_at"][0] is None and presented[1]["presented_at"][1]
    # The snapshot stays on the quote; the log does not copy the customer's details.
    assert "snapshot" not in presented[1]
    assert accepted[1]["status"] == ("presented", "accepted") and "decided_at" in accepted[1]
    # The quote the customer did not take is abandoned, and that is logged too.
    assert _log("quote", other.id)[-1][1]["status"] == ("presented", "abandoned")
    assert all(r.user_name == "Anna" for r in audit.history("quote", quote.id))


def test_an_order_form_and_its_order_are_logged_from_issue_to_cancellation(sale: int) -> None:
    quote = _present(quotes.create(sale).id)
    deals.accept_quote(quote.id)
    (form,) = orders.for_opportunity(sale)
    orders.record_signature(form.id, TODAY)
    orders.confirm_order(form.id)
    (form,) = orders.for_opportunity(sale)
    assert form.order_id is not None
    deals.close_lost([sale], process.lost_reasons()[0])

    (issued, signed, cancelled) = _log("order_form", form.id)
    assert issued == ("create", {})
    assert signed == ("update", {"signed_on": (None, TODAY.isoformat())})
    assert cancelled == ("update", {"cancelled_on": (None, TODAY.isoformat())})
    assert _log("order", form.order_id) == [
        ("create", {}),
        ("update", {"cancelled_on": (None, TODAY.isoformat())}),
    ]
    assert m.OrderForm.get_by_id(form.id).version == 3  # a change on file is a new version


def test_a_delivery_is_logged_on_its_order(sale: int) -> None:
    deals.accept_quote(_present(quotes.create(sale).id).id)
    (form,) = orders.for_opportunity(sale)
    orders.record_signature(form.id, TODAY)
    orders.confirm_order(form.id)
    (form,) = orders.for_opportunity(sale)
    assert form.order_id is not None
    orders.record_delivery(form.order_id, TODAY, 12, "Two keys")
    action, changes = _log("order", form.order_id)[-1]
    assert action == "update"
    assert changes == {
        "delivered_on": (None, TODAY.isoformat()),
        "delivery_mileage_km": (None, 12),
        "delivery_note": ("", "Two keys"),
    }


def test_quotes_that_expire_are_logged(sale: int) -> None:
    quote = quotes.create(sale)
    assert quotes.expire_due(quote.valid_until + timedelta(days=1)) == 1
    action, changes = _log("quote", quote.id)[-1]
    assert action == "update" and changes["status"] == ("draft", "expired")
    assert quotes.get(quote.id).version == quote.version + 1


def _png(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_logo_is_frozen_with_the_document_once_per_image(sale: int, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png((31, 58, 95)))
    chosen = documents.read_logo(logo)
    settings = replace(documents.document_settings(), logo=chosen.sha256, logo_data=chosen.data)
    documents.save_document_settings(settings)
    first = _present(quotes.create(sale).id)
    second = _present(quotes.create(sale).id)
    archived = documents.archive_path(first.reference).read_bytes()
    assert m.DocumentImage.select().count() == 1  # two documents, one image
    logo.unlink()  # replacing or deleting the file changes no reprint
    assert documents.render(first.reference) == archived
    assert len(PdfReader(documents.archive_path(second.reference)).pages[0].images) == 1


def test_half_written_pdfs_left_by_a_killed_render_are_cleaned(data_dir: Path) -> None:
    folder = paths.documents_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "Q-00001.pdf.part"
    old.write_bytes(b"%PDF-1.4 half")
    fresh = folder / "Q-00002.pdf.part"  # another window may be writing it right now
    fresh.write_bytes(b"%PDF-1.4 half")
    kept = folder / "Q-00003.pdf"
    kept.write_bytes(b"%PDF-1.4 whole")
    os.utime(old, (0, 0))
    assert documents.clean_leftovers() == 1
    assert not old.exists() and fresh.exists() and kept.exists()


def test_a_margin_scheme_vehicle_shows_no_vat_and_the_notice(sale: int) -> None:
    vehicle_id = _vehicle(vin="WVWZZZAUZGW000019", stock="U-9")
    m.Vehicle.update(vat_treatment="margin", condition="used").where(
        m.Vehicle.id == vehicle_id
    ).execute()
    m.Opportunity.update(vehicle=vehicle_id).where(m.Opportunity.id == sale).execute()
    quote = quotes.create(sale)
    assert quote.lines[0].margin_scheme
    totals = quote.totals
    assert totals.margin == quote.lines[0].unit_price and totals.vat_total == 0
    detail = _present(quote.id)
    text = "".join(
        p.extract_text() for p in PdfReader(documents.archive_path(detail.reference)).pages
    )
    assert "Margin scheme" in text and "§ 25a UStG" in text
    assert "VAT 19%" not in text


def test_a_zero_total_or_a_vat_rate_above_thirty_percent_is_confirmed_first(sale: int) -> None:
    quote = quotes.create(sale)
    data = _input(quote)
    data.lines = [LineInput(LineKind.ACCESSORY.value, "Mats", Decimal(1), Decimal(0), Decimal(31))]
    quotes.save(quote.id, data, quote.version)
    concerns = quotes.concerns(quote.id)
    assert any("total is zero" in c for c in concerns)
    assert any("31%" in c for c in concerns)


def test_the_dealers_legal_details_are_checked_saved_together_and_audited(sale: int) -> None:
    dealer = documents.document_settings().dealer
    assert dealer is not None
    current = documents.document_settings()
    wrong = replace(
        dealer,
        iban="DE89 3704 0044 0532 0130 01",  # one digit off: the checksum fails
        bic="COBA DE",
        vat_number="123",
        registered_name="Autohaus Brenner Rosenheim GmbH",
    )
    with pytest.raises(ValidationError) as refused:
        documents.save_document_settings(replace(current, valid_days=20, dealer=wrong))
    assert set(refused.value.errors) == {"iban", "bic", "vat_number"}
    assert "IBAN" in refused.value.errors["iban"]
    # Nothing of a refused save is kept, the settings neither.
    assert documents.document_settings().valid_days == current.valid_days
    assert documents.dealer_details(dealer.business_id) == dealer

    right = replace(
        wrong, iban="de89370400440532013000", bic="cobadeffxxx", vat_number="DE 123 456 789"
    )
    saved = documents.save_document_settings(replace(current, valid_days=20, dealer=right))
    assert saved.valid_days == 20 and saved.dealer is not None
    assert saved.dealer.iban == "DE89 3704 0044 0532 0130 00"
    assert (saved.dealer.bic, saved.dealer.vat_number) == ("COBADEFFXXX", "DE123456789")
    (change,) = audit.history("business", dealer.business_id)
    assert change.changes["iban"] == (dealer.iban, "DE89 3704 0044 0532 0130 00")
    # The next document prints them.
    quote = quotes.create(sale)
    _present(quote.id)
    legal = documents.snapshot("Q-00001").seller.legal
    assert (legal.registered_name, legal.bic) == ("Autohaus Brenner Rosenheim GmbH", "COBADEFFXXX")


def test_a_trade_in_is_presented_only_with_its_car_identified(sale: int) -> None:
    quote = quotes.create(sale)
    allowance = _line(LineKind.TRADE_IN, "Trade-in allowance", "6800", vat="0")
    lines = [quote.lines[0], allowance]
    saved = quotes.save(quote.id, _input(quote, lines=lines), quote.version)
    with pytest.raises(ValidationError) as refused:
        quotes.present(saved.id)
    assert "identify the car traded in" in refused.value.errors["lines.1.trade_in"]
    # A VIN that cannot be one is refused when the quote is saved.
    bad = replace(allowance, trade_in=TradeInVehicle("Opel", "Astra", "W0L0AHL48585O2345"))
    with pytest.raises(ValidationError) as refused:
        quotes.save(saved.id, _input(saved, lines=[lines[0], bad]), saved.version)
    assert "lines.1.trade_in" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        quotes.check_trade_in(TradeInVehicle("Opel", "Astra", "", date(2099, 1, 1), -5))
    assert set(refused.value.errors) == {"first_registration", "mileage_km"}
    car = TradeInVehicle("Opel", "Astra", "w0l0ahl4858512345", date(2017, 4, 3), 98_400)
    saved = quotes.save(
        saved.id, _input(saved, lines=[lines[0], replace(allowance, trade_in=car)]), saved.version
    )
    assert saved.lines[1].trade_in is not None
    assert saved.lines[1].trade_in.vin == "W0L0AHL4858512345"
    quotes.present(saved.id)
    printed = documents.snapshot("Q-00001").lines[1].trade_in
    assert printed is not None and printed.mileage_km == 98_400
