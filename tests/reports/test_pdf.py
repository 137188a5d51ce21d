"""Quote and order-form PDFs, read back as text: what the customer takes home says what it should."""

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from app.domain.documents import Customer, DocumentSnapshot
from reports import pdf
from reports.specimen import QUOTE_LINES, specimen_order_form, specimen_quote


def pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Page text with line breaks and runs of spaces as one space, for phrases that wrap."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def quote_pdf() -> bytes:
    return pdf.render_quote(specimen_quote())


def test_a_quote_shows_its_number_customer_vehicle_and_totals(quote_pdf: bytes) -> None:
    assert quote_pdf.startswith(b"%PDF-")
    text = "\n".join(pages(quote_pdf))
    for expected in (
        "Quote Q-00042",
        "Revision",
        "Valid until",
        "Dec 7, 2026",
        "Maria Rossi",
        "Via Giuseppe Verdi 14",
        "Autohaus Brenner GmbH",
        "VAT no. DE 129 273 398",
        "WVWZZZCDZSW123456",
        "Volkswagen Golf Life 1.5 eTSI 110 kW DSG",
        "Amount (EUR)",
        "29,850.00",
        "\u22121,500.00",  # the discount, with a real minus sign
        "Net total",
        "32,648.80",
        "VAT 19% on 32,228.80",
        "6,123.47",
        "VAT 0% on 420.00",
        "38,772.27",
        "Less trade-in allowance",
        "\u22126,800.00",
        "Amount due (EUR)",
        "31,972.27",
        "This quote is valid until Dec 7, 2026.",
        "Terms and conditions",
        "Anna Bauer",
        "Page 1 of 2",
    ):
        assert expected in text, expected
    # The trade-in is settled in the totals, not listed among the items the customer buys.
    assert text.count("Opel Astra 1.4 Turbo") == 1


def test_an_order_form_has_delivery_reference_and_signature_lines() -> None:
    snapshot = specimen_order_form()
    texts = pages(pdf.render_order_form(snapshot))
    text = flat(" ".join(texts))
    for expected in (
        "Order form OF-00007",
        "Lindqvist Logistik GmbH",
        "Attn. Jonas Lindqvist",
        "VAT no. DE 811 569 869",
        "Based on quote",
        "Q-00039 rev. 1",
        "Scheduled delivery: Dec 4, 2026.",
        "TMBJJ7NX5MY045821",
        "First registration",
        "Mar 12, 2021",
        "48,350 km",
        "Total amount due (EUR)",
        "27,340.01",
        "Place, date and signature of the customer",
        "Signature and stamp of the dealer",
        "binding order",
    ):
        assert expected in text, expected
    assert "Valid until" not in text
    assert [f"Page {n} of {len(texts)}" in page for n, page in enumerate(texts, 1)] == [True] * len(
        texts
    )


def test_a_short_order_form_keeps_its_terms_and_signatures_on_one_page() -> None:
    # Two short paragraphs of terms, the dealer's legal details in the footer: it fits, so
    # it stays on one page, the terms before the signatures that sign them. (A KeepTogether
    # nested in another used to push the signatures onto a second page every time.)
    snapshot = specimen_order_form()
    assert snapshot.format >= 2 and not snapshot.seller.legal.is_empty
    short = replace(
        snapshot,
        lines=snapshot.lines[:2],
        terms="Prices include VAT.\n\nDelivery dates are binding once confirmed.",
    )
    texts = pages(pdf.render_order_form(short))
    assert len(texts) == 1
    text = flat(texts[0])
    assert text.index("Delivery dates are binding") < text.index("binding order for the vehicle")
    assert "on the terms and conditions above" in text
    assert text.index("binding order") < text.index("Place, date and signature of the customer")


def test_two_hundred_lines_run_over_pages_with_the_header_on_each() -> None:
    snapshot = specimen_quote(200 - len(QUOTE_LINES))
    assert len(snapshot.lines) == 200
    texts = pages(pdf.render_quote(snapshot))
    count = len(texts)
    assert count >= 4
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {count}" in text
        if "(set " in text:  # a page carrying item rows
            for heading in ("Pos.", "Description", "Qty", "Unit price", "VAT", "Amount (EUR)"):
                assert heading in text, (number, heading)
    # Later pages carry the running header instead of the letterhead.
    assert "Tel. +49 89 5432 100" in texts[0] and "Tel. +49 89 5432 100" not in texts[1]
    assert "Quote Q-00042 rev. 2" in texts[1]
    everything = "\n".join(texts)
    positions = [int(n) for n in re.findall(r"^(\d{1,3})\s*$", everything, re.MULTILINE)]
    assert set(range(1, 200)) <= set(positions)  # 199 items; the trade-in is in the totals
    # The totals follow the last item; the terms close the document.
    assert everything.index("Amount due (EUR)") > everything.rindex("(set ")
    assert "Terms and conditions" in "\n".join(texts[-2:])
    assert snapshot.totals.amount_due == snapshot.totals.gross - snapshot.totals.trade_in


@pytest.mark.parametrize(
    "typed",
    [
        "J&C Motors <b>GmbH</b>",
        "O'Brien",
        "Иван Петров",
        "Ελένη Παπαδοπούλου",
        'Müller & Söhne "Автомобили" <i>',
        "<b",
        "&amp; stays &amp;",
    ],
)
def test_user_text_prints_exactly_as_typed(typed: str) -> None:
    snapshot = specimen_quote()
    snapshot = replace(
        snapshot,
        seller=replace(snapshot.seller, name=typed),
        customer=replace(snapshot.customer, name=typed, contact_person=typed),
        lines=(replace(snapshot.lines[0], description=typed), *snapshot.lines[1:]),
        terms=f"{typed}\n\n{typed}",
        salesperson=typed,
    )
    text = pages(pdf.render_quote(snapshot))[0]
    # Letterhead, customer, contact, item, salesperson, terms (twice), footer.
    assert text.count(typed) >= 7, text


def test_characters_the_font_lacks_print_a_plain_stand_in() -> None:
    snapshot = specimen_quote()
    snapshot = replace(
        snapshot,
        customer=Customer("Anna 🚗 Weiß", ("🏁 Zielstraße 1\x00", "東京")),
        lines=(replace(snapshot.lines[0], description="Golf 👨‍👩‍👧 ❤️"), *snapshot.lines[1:]),
    )
    text = pages(pdf.render_quote(snapshot))[0]
    assert "Anna ? Weiß" in text
    assert "? Zielstraße 1" in text
    assert "東京" in text  # printed in the CJK font, not as "??"


def test_the_same_snapshot_gives_the_same_bytes(quote_pdf: bytes) -> None:
    assert pdf.render_quote(specimen_quote()) == quote_pdf
    order_form = specimen_order_form()
    assert pdf.render_order_form(order_form) == pdf.render_order_form(order_form)


def test_a_stored_snapshot_reprints_the_same_bytes(quote_pdf: bytes) -> None:
    stored = json.dumps(specimen_quote().to_dict())
    assert pdf.render_quote(DocumentSnapshot.from_dict(json.loads(stored))) == quote_pdf


def test_the_font_is_embedded(quote_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(quote_pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("DejaVuSans-Bold" in name for name in names)
    assert any(name.endswith("DejaVuSans") for name in names)
    assert reader.metadata is not None and reader.metadata.title == "Quote Q-00042 rev. 2"


def test_a_logo_is_drawn_from_the_bytes_frozen_with_the_document(
    tmp_path: Path, quote_pdf: bytes
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (31, 58, 95)).save(buffer, format="PNG")
    snapshot = specimen_quote()
    seller = replace(snapshot.seller, logo_sha256="abc", logo=buffer.getvalue())
    with_logo = pdf.render_quote(replace(snapshot, seller=seller))
    page = pypdf.PdfReader(io.BytesIO(with_logo)).pages[0]
    assert len(page.images) == 1
    assert "Autohaus Brenner GmbH" in page.extract_text()

    broken = replace(snapshot.seller, logo_sha256="abc", logo=b"not an image")
    assert pdf.render_quote(replace(snapshot, seller=broken)) == quote_pdf
    # A new document never reads a file: a path left in it changes nothing.
    logo = tmp_path / "logo.png"
    logo.write_bytes(buffer.getvalue())
    named = replace(snapshot.seller, logo_path=str(logo))
    assert pdf.render_quote(replace(snapshot, seller=named)) == quote_pdf


def test_a_format_1_document_still_prints_the_logo_file_it_named(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (31, 58, 95)).save(logo)
    old = replace(specimen_quote(), format=1)
    with_logo = pdf.render_quote(replace(old, seller=replace(old.seller, logo_path=str(logo))))
    assert len(pypdf.PdfReader(io.BytesIO(with_logo)).pages[0].images) == 1


def test_a_long_letterhead_and_address_still_render() -> None:
    snapshot = specimen_quote()
    seller = replace(
        snapshot.seller,
        name="Autohaus " + "Brenner " * 20,
        address_lines=("Line 1", "Line 2", "Line 3", "Line 4", "Line 5"),
        email="a-very-long-mailbox-name@a-very-long-domain-name-for-a-dealer.example",
    )
    text = pages(pdf.render_quote(replace(snapshot, seller=seller)))[0]
    assert "Autohaus Brenner" in text and "…" in text


def test_each_renderer_takes_only_its_own_kind() -> None:
    with pytest.raises(ValueError, match="not an order form"):
        pdf.render_order_form(specimen_quote())
    with pytest.raises(ValueError, match="not a quote"):
        pdf.render_quote(specimen_order_form())


def test_a_bare_order_form_leaves_out_what_it_does_not_have() -> None:
    snapshot = replace(
        specimen_order_form(),
        vehicle=replace(specimen_order_form().vehicle, brand="", model="", variant="", vin=""),
        delivery_date=None,
        quote_reference="",
        salesperson="",
        terms="",
    )
    snapshot = replace(snapshot, vehicle=replace(snapshot.vehicle, model_code=""))
    text = flat(pages(pdf.render_order_form(snapshot))[0])
    assert "VEHICLE" not in text and "Terms and conditions" not in text
    assert "Delivery to be agreed" in text
    assert "The delivery date will be agreed with the customer." in text
    assert "Signature and stamp of the dealer Autohaus Brenner GmbH" in text
    assert "Page 1 of 1" in text
