"""The body of a document, top to bottom: the story the page templates flow, the notes beside
the totals, the terms and the signatures."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.documents import DocumentSnapshot
from app.i18n import Translator
from reports import fonts
from reports.style import (
    CONTENT_WIDTH,
    INK,
    NOTES_BESIDE_TOTALS,
    PAGE_HEIGHT,
    SIGNATURE_SPACE,
    TOTALS_COLUMNS,
    format_date,
    para,
    paragraph,
    text,
    title,
)
from reports.tables import (
    address_and_details,
    line_table,
    margin_notice,
    order_statement,
    totals_table,
    vehicle_block,
)

# --- the story --------------------------------------------------------------------------------


def story(snapshot: DocumentSnapshot, t: Translator) -> list[Flowable]:
    story: list[Flowable] = [NextPageTemplate("Later")]
    story.append(address_and_details(snapshot, t))
    story.append(Spacer(0, 6 * mm))
    heading = t._("{title} {number}").format(title=title(snapshot, t), number=snapshot.number)
    story.append(para(heading, "Title", bold=True))
    if not snapshot.is_quote:
        story.append(Spacer(0, 1 * mm))
        story.append(paragraph(order_statement(snapshot, t), "Body"))
    if not snapshot.vehicle.is_empty:
        story.append(vehicle_block(snapshot, t))
    story.append(Spacer(0, 5 * mm))
    story.append(line_table(snapshot, t))
    story.append(Spacer(0, 4 * mm))
    beside, below = notes(snapshot, t)
    story.append(totals_table(snapshot, t, beside))
    story += below
    if snapshot.format < 2:
        # As format 1 documents were issued: signed beside the figures, the terms after.
        if not snapshot.is_quote:
            story.append(KeepTogether(_signatures(snapshot, t)))
        if snapshot.terms.strip():
            story += _terms(snapshot.terms, t)
        return story
    terms = _terms(snapshot.terms, t) if snapshot.terms.strip() else []
    if snapshot.is_quote:
        return story + terms
    # The terms come before the signatures, and the signatures never stand on a page
    # without the terms they sign: they keep to the last paragraph of the terms.
    signatures = _signatures(snapshot, t)
    if not terms:
        return [*story, KeepTogether(signatures)]
    *lead, last = terms
    kept = list(last._content) if isinstance(last, KeepTogether) else [last]
    return [*story, *lead, KeepTogether([*kept, *signatures])]


def notes(snapshot: DocumentSnapshot, t: Translator) -> tuple[list[Flowable], list[Flowable]]:
    """The notes beside the totals, and what flows on below them: remarks too long to sit
    beside the totals (a table cell cannot run over a page) flow below, where they split."""
    beside = _short_notes(snapshot, t)
    remarks = snapshot.remarks.strip()
    if snapshot.margin_scheme:
        beside += [Spacer(0, 2 * mm), para(margin_notice(t), "Small")]
    if not remarks:
        return beside, []
    paragraphs = [para(part, "Body") for part in remarks.split("\n")]
    with_remarks = [*beside[:1], Spacer(0, 2 * mm), *paragraphs, *beside[1:]]
    width = CONTENT_WIDTH - sum(TOTALS_COLUMNS) - 6 * mm
    height = sum(f.wrap(width, PAGE_HEIGHT)[1] for f in with_remarks)
    if height <= NOTES_BESIDE_TOTALS:
        return with_remarks, []
    return beside, [Spacer(0, 4 * mm), *paragraphs]


def _short_notes(snapshot: DocumentSnapshot, t: Translator) -> list[Flowable]:
    currency = text(t._("All amounts are in {currency}.")).format(currency=text(snapshot.currency))
    if snapshot.is_quote:
        valid = format_date(snapshot.valid_until, t)
        sentence = (
            text(t._("This quote is valid until {date}.")).format(
                date=f"<b>{text(valid, bold=True)}</b>"
            )
            + " "
            if valid
            else ""
        )
        notes = [paragraph(sentence + currency, "Body")]
        if snapshot.salesperson:
            notes += [
                Spacer(0, 4 * mm),
                para(t._("Kind regards,"), "Body"),
                paragraph(f"<b>{text(snapshot.salesperson, bold=True)}</b>", "Body"),
                para(snapshot.seller.name, "Small"),
            ]
        return notes
    delivery = format_date(snapshot.delivery_date, t)
    sentence = (
        text(t._("Scheduled delivery: {date}.")).format(date=f"<b>{text(delivery, bold=True)}</b>")
        if delivery
        else text(t._("The delivery date will be agreed with the customer."))
    ) + " "
    return [paragraph(sentence + currency, "Body")]


def _terms(terms: str, t: Translator) -> list[Flowable]:
    """The small print, one paragraph after another. The heading keeps to the first of them:
    it never stays behind at the foot of a page on its own."""
    paragraphs = [part.strip() for part in terms.replace("\r\n", "\n").split("\n\n")]
    body = [para(part, "Terms") for part in paragraphs if part]
    if not body:
        return []
    heading = para(t._("Terms and conditions"), "Section")
    return [KeepTogether([heading, body[0]]), *body[1:]]


def _signatures(snapshot: DocumentSnapshot, t: Translator) -> list[Flowable]:
    """The binding sentence and the two signature lines, to be kept together by the caller
    (a KeepTogether inside another always breaks the frame: its height reads as unknown)."""
    customer = (
        text(t._("Place, date and signature of the customer"))
        + f"<br/><b>{text(snapshot.customer.name, bold=True)}</b>"
    )
    dealer = text(t._("Signature and stamp of the dealer")) + "<br/>"
    if snapshot.salesperson:
        dealer += text(t._("{salesperson}, for {seller}")).format(
            salesperson=f"<b>{text(snapshot.salesperson, bold=True)}</b>",
            seller=text(snapshot.seller.name),
        )
    else:
        dealer += f"<b>{text(snapshot.seller.name, bold=True)}</b>"
    gap = 12 * mm
    width = (CONTENT_WIDTH - gap) / 2
    table = Table(
        [["", "", ""], [paragraph(customer, "Small"), "", paragraph(dealer, "Small")]],
        colWidths=(width, gap, width),
        rowHeights=[SIGNATURE_SPACE if snapshot.format < 2 else 13 * mm, None],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("LINEBELOW", (0, 0), (0, 0), 0.8, INK),
                ("LINEBELOW", (2, 0), (2, 0), 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 1.5 * mm),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    if snapshot.format < 2:
        # As format 1 documents were issued: signed beside the figures, the terms after.
        binding = t._(
            "By signing, the customer places a binding order for the vehicle and "
            "items above at the prices stated, on the terms and conditions below."
        )
    else:
        binding = t._(
            "By signing, the customer places a binding order for the vehicle and "
            "items above at the prices stated, on the terms and conditions above."
        )
    # Format 2 sets the signatures a little closer, so a short order form keeps to one page.
    space_above = 7 * mm if snapshot.format < 2 else 4 * mm
    return [Spacer(0, space_above), paragraph(text(binding), "Small"), Spacer(0, 4 * mm), table]
