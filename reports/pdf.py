"""Quotes and order forms as PDF: reportlab platypus over a frozen DocumentSnapshot.

Every word printed goes through the translator passed in, the document's language (never
the screen's): ``render(snapshot, translator=i18n.translator("de"))``. English by default.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain import money
from app.domain.choices import Choice, Condition, Interest
from app.domain.documents import DocumentKind, DocumentLine, DocumentSnapshot, LegalDetails
from app.domain.quotes import LineKind, TradeInVehicle, format_quantity, format_rate
from app.i18n import ENGLISH, NP_, Translator
from reports import fonts

# Layout, in mm from the page's edges (A4 portrait: 210 x 297).
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_BOTTOM = 24 * mm
LEGAL_MARGIN_BOTTOM = 38 * mm  # with the dealer's legal details in the footer
LEGAL_TOP = 33 * mm  # the legal details' block runs from here down to the reference line
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LETTERHEAD_TOP = 14 * mm  # first page: logo or name, and the dealer's address
LETTERHEAD_HEIGHT = 24 * mm
FIRST_FRAME_TOP = LETTERHEAD_TOP + LETTERHEAD_HEIGHT + 5 * mm
LATER_HEADER_TOP = 12 * mm  # later pages: a one-line running header
LATER_FRAME_TOP = LATER_HEADER_TOP + 12 * mm
FOOTER_RULE = 16 * mm
FOOTER_TEXT = 11.5 * mm
NAME_WIDTH = 100 * mm  # the dealer's name in the letterhead when there is no logo
NAME_MIN_SIZE = 11.0
LOGO_WIDTH = 55 * mm
LOGO_HEIGHT = 20 * mm
ADDRESS_COLUMN = 98 * mm  # customer block; the document details take the rest
LINE_COLUMNS = (9 * mm, 75 * mm, 14 * mm, 29 * mm, 12 * mm, 31 * mm)
TOTALS_COLUMNS = (70 * mm, 31 * mm)
SIGNATURE_SPACE = 15 * mm
# Remarks taller than this leave the space beside the totals and flow on below them, where
# they may run over pages.
NOTES_BESIDE_TOTALS = 70 * mm

INK = colors.HexColor("#1d2530")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5d6673")
RULE = colors.HexColor("#c9d0d8")
HEADER_FILL = colors.HexColor("#e8edf3")
DUE_FILL = colors.HexColor("#dde6f0")
STRIPE_FILL = colors.HexColor("#f6f8fa")
DRAFT_INK = colors.Color(0.75, 0.1, 0.1, alpha=0.13)

# Abbreviated month names, as the documents print dates ("23 Nov 2026").
MONTHS = (
    NP_("month", "Jan"),
    NP_("month", "Feb"),
    NP_("month", "Mar"),
    NP_("month", "Apr"),
    NP_("month", "May"),
    NP_("month", "Jun"),
    NP_("month", "Jul"),
    NP_("month", "Aug"),
    NP_("month", "Sep"),
    NP_("month", "Oct"),
    NP_("month", "Nov"),
    NP_("month", "Dec"),
)
MINUS = "\u2212"

TITLES = {
    DocumentKind.QUOTE.value: NP_("document", "Quote"),
    DocumentKind.ORDER_FORM.value: NP_("document", "Order form"),
}


def render_quote(snapshot: DocumentSnapshot, translator: Translator = ENGLISH) -> bytes:
    if snapshot.kind != DocumentKind.QUOTE:
        raise ValueError(f"{snapshot.number} is a {snapshot.kind}, not a quote")
    return render(snapshot, translator=translator)


def render_order_form(snapshot: DocumentSnapshot, translator: Translator = ENGLISH) -> bytes:
    if snapshot.kind != DocumentKind.ORDER_FORM:
        raise ValueError(f"{snapshot.number} is a {snapshot.kind}, not an order form")
    return render(snapshot, translator=translator)


def render(
    snapshot: DocumentSnapshot, draft: bool = False, translator: Translator = ENGLISH
) -> bytes:
    """The PDF of an issued document, in the translator's language. The same snapshot gives
    the same bytes: reportlab runs in invariant mode, so no timestamp or random id goes into
    the file. A `draft` (a quote not yet issued, previewed) carries DRAFT across every page,
    so it is never mistaken for the document the customer gets."""
    fonts.register()
    buffer = io.BytesIO()
    doc = _DocumentTemplate(buffer, snapshot, draft, translator)
    canvas = partial(NumberedCanvas, translator=translator, issue_date=snapshot.issue_date)
    doc.build(_story(snapshot, translator), canvasmaker=canvas)
    return buffer.getvalue()


# --- text -------------------------------------------------------------------------------------


def text(value: str, bold: bool = False) -> str:
    """User text as Paragraph markup: escaped, so "J&C <b>" prints as typed; each run of a
    script in its font, right-to-left runs in their order; line breaks kept."""
    return "<br/>".join(fonts.markup(line, bold) for line in value.split("\n"))


def format_date(value: date | None, t: Translator = ENGLISH) -> str:
    # Month names spelled out by hand: strftime's %b follows the machine's locale.
    if value is None:
        return ""
    month = t.pgettext(*MONTHS[value.month - 1])
    # TRANSLATORS: a date on a document, e.g. "23 Nov 2026".
    return t._("{day} {month} {year}").format(day=value.day, month=month, year=value.year)


def title(snapshot: DocumentSnapshot, t: Translator = ENGLISH) -> str:
    """The document's title in its language: "Quote", "Order form"."""
    return t.pgettext(*TITLES[snapshot.kind])


def format_amount(value: Decimal, currency: str) -> str:
    figure = money.format_amount(abs(value), currency)
    return f"{MINUS}{figure}" if value < 0 else figure


def _choice_label(choice: type[Choice], value: str, t: Translator) -> str:
    try:
        return choice.parse(value).translated(t)
    except ValueError:
        return value


# --- styles -----------------------------------------------------------------------------------


@cache
def stylesheet() -> StyleSheet1:
    fonts.register()
    sheet = StyleSheet1()
    base = ParagraphStyle(
        "Body", fontName=fonts.REGULAR, fontSize=9, leading=12, textColor=INK, alignment=TA_LEFT
    )
    sheet.add(base)
    sheet.add(ParagraphStyle("Small", parent=base, fontSize=8, leading=10.5))
    sheet.add(ParagraphStyle("Label", parent=base, fontSize=7, leading=9, textColor=MUTED))
    sheet.add(ParagraphStyle("Key", parent=base, fontSize=8, leading=10.5, textColor=MUTED))
    sheet.add(ParagraphStyle("Name", parent=base, fontName=fonts.BOLD, fontSize=10.5, leading=14))
    sheet.add(
        ParagraphStyle(
            "Title", parent=base, fontName=fonts.BOLD, fontSize=17, leading=21, textColor=ACCENT
        )
    )
    sheet.add(
        ParagraphStyle(
            "Section",
            parent=base,
            fontName=fonts.BOLD,
            fontSize=10,
            leading=13,
            textColor=ACCENT,
            spaceBefore=5 * mm,
            spaceAfter=1.5 * mm,
            keepWithNext=1,
        )
    )
    sheet.add(
        ParagraphStyle("VehicleName", parent=base, fontName=fonts.BOLD, fontSize=11, leading=14)
    )
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=10.5))
    sheet.add(ParagraphStyle("CellNote", parent=base, fontSize=7, leading=9, textColor=MUTED))
    sheet.add(ParagraphStyle("Terms", parent=base, fontSize=7, leading=9, spaceAfter=1.5 * mm))
    return sheet


def _p(markup: str, style: str) -> Paragraph:
    return Paragraph(markup, stylesheet()[style])


# --- page furniture ---------------------------------------------------------------------------


class NumberedCanvas(Canvas):
    """Holds every page until the end so each can say "Page X of Y"."""

    def __init__(
        self,
        *args: Any,
        translator: Translator = ENGLISH,
        issue_date: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._translator = translator
        if issue_date is not None:
            # Invariant mode would stamp 2000-01-01: the document's own date, always the same.
            stamp = f"D:{issue_date:%Y%m%d}000000"  # i18n: ignore
            self.setDateFormatter(lambda *_parts: stamp)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(fonts.REGULAR, 7.5)
            self.setFillColor(MUTED)
            page_of = self._translator._("Page {number} of {total}")
            self.drawRightString(
                PAGE_WIDTH - MARGIN_RIGHT,
                FOOTER_TEXT,
                fonts.printable(page_of.format(number=number, total=total)),
            )
            super().showPage()
        super().save()


class _DocumentTemplate(BaseDocTemplate):
    """A first page with the letterhead and later pages with a running header."""

    def __init__(
        self, buffer: io.BytesIO, snapshot: DocumentSnapshot, draft: bool, t: Translator
    ) -> None:
        name = t._("{title} {number}").format(title=title(snapshot, t), number=_number(snapshot, t))
        if draft:
            name = t._("{document} (draft)").format(document=name)
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=LATER_FRAME_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=_metadata(name),
            author=_metadata(snapshot.seller.name),
            subject=_metadata(snapshot.customer.name),
            creator="Showroom",
            invariant=1,
            pageCompression=1,
            initialFontName=fonts.REGULAR,  # no unused, unembedded Helvetica
        )
        self.snapshot = snapshot
        self.draft = draft
        self.t = t
        frame_bottom = MARGIN_BOTTOM if _legal(snapshot) is None else LEGAL_MARGIN_BOTTOM
        first = Frame(
            MARGIN_LEFT,
            frame_bottom,
            CONTENT_WIDTH,
            PAGE_HEIGHT - FIRST_FRAME_TOP - frame_bottom,
            id="first",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later = Frame(
            MARGIN_LEFT,
            frame_bottom,
            CONTENT_WIDTH,
            PAGE_HEIGHT - LATER_FRAME_TOP - frame_bottom,
            id="later",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "First", [first], onPage=self._first_page, autoNextPageTemplate="Later"
                ),
                PageTemplate("Later", [later], onPage=self._later_page),
            ]
        )

    def _first_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_letterhead(canvas, self.snapshot, self.t)
        _draw_footer(canvas, self.snapshot, self.t)
        if self.draft:
            _draw_draft_mark(canvas, self.t)

    def _later_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_running_header(canvas, self.snapshot, self.t)
        _draw_footer(canvas, self.snapshot, self.t)
        if self.draft:
            _draw_draft_mark(canvas, self.t)


def _draw_draft_mark(canvas: Canvas, t: Translator) -> None:
    """DRAFT diagonally across the page, light enough to read the page through it."""
    canvas.saveState()
    canvas.setFillColor(DRAFT_INK)
    canvas.setFont(fonts.BOLD, 96)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(52)
    canvas.drawCentredString(0, -30, fonts.printable(t._("DRAFT")))
    canvas.setFont(fonts.BOLD, 14)
    canvas.drawCentredString(
        0, -62, fonts.printable(t._("not issued: not an offer to the customer"))
    )
    canvas.restoreState()


def _metadata(value: str) -> str:
    """A text for the PDF's properties (title, author, subject): every script as typed,
    only control characters dropped."""
    return "".join(c for c in value if c.isprintable()).strip()


def _legal(snapshot: DocumentSnapshot) -> LegalDetails | None:
    """The legal details for the footer, or None (a format 1 document, or none on file)."""
    legal = snapshot.seller.legal
    return None if snapshot.format < 2 or legal.is_empty else legal


def _number(snapshot: DocumentSnapshot, t: Translator) -> str:
    if snapshot.is_quote:
        return t._("{number} rev. {revision}").format(
            number=snapshot.number, revision=snapshot.revision
        )
    return snapshot.number


def _fit(value: str, size: float, width: float, bold: bool = False) -> str:
    """One line of canvas text cut with an ellipsis to fit `width`."""
    line = fonts.printable(value).replace("\n", " ")
    if fonts.width(line, size, bold) <= width:
        return line
    while line and fonts.width(line + "…", size, bold) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw(canvas: Canvas, x: float, y: float, value: str, size: float, bold: bool = False) -> None:
    fonts.draw(canvas, x, y, value, size, bold)


def _draw_right(
    canvas: Canvas, right: float, y: float, value: str, size: float, bold: bool = False
) -> None:
    fonts.draw(canvas, right - fonts.width(value, size, bold), y, value, size, bold)


def _draw_letterhead(canvas: Canvas, snapshot: DocumentSnapshot, t: Translator) -> None:
    seller = snapshot.seller
    top = PAGE_HEIGHT - LETTERHEAD_TOP
    right = PAGE_WIDTH - MARGIN_RIGHT
    canvas.saveState()
    logo = _logo(seller.logo, seller.logo_path if snapshot.format < 2 else "")
    if logo is not None:
        width, height = logo.getSize()
        scale = min(LOGO_WIDTH / width, LOGO_HEIGHT / height)
        canvas.drawImage(
            logo, MARGIN_LEFT, top - height * scale, width * scale, height * scale, mask="auto"
        )
    else:
        canvas.setFillColor(ACCENT)
        # A long name ("Autohaus Brenner München GmbH") gets a smaller size before it is cut.
        size = 17.0
        while size > NAME_MIN_SIZE and fonts.width(seller.name, size, bold=True) > NAME_WIDTH:
            size -= 0.5
        name = _fit(seller.name, size, NAME_WIDTH, bold=True)
        _draw(canvas, MARGIN_LEFT, top - 6.5 * mm, name, size, bold=True)

    # The dealer's address column, right-aligned; its name leads when a logo stands in for it.
    rows: list[tuple[str, str, float]] = []
    if logo is not None:
        rows.append((seller.name, fonts.BOLD, 8.5))
    rows += [(line, fonts.REGULAR, 8) for line in seller.address_lines[:4]]
    if seller.phone:
        rows.append((t._("Tel. {phone}").format(phone=seller.phone), fonts.REGULAR, 8))
    if seller.email:
        rows.append((seller.email, fonts.REGULAR, 8))
    if seller.vat_number:
        rows.append((t._("VAT no. {number}").format(number=seller.vat_number), fonts.REGULAR, 8))
    # A long address closes up the lines (and shrinks them) rather than run into the rule.
    step = min(3.5 * mm, (LETTERHEAD_HEIGHT - 6 * mm) / max(len(rows) - 1, 1))
    shrink = min(1.0, step / (3.5 * mm))
    y = top - 3 * mm
    for value, font, size in rows:
        bold = font == fonts.BOLD
        canvas.setFillColor(INK if bold else MUTED)
        line = _fit(value, size * shrink, 80 * mm, bold)
        _draw_right(canvas, right, y, line, size * shrink, bold)
        y -= step
    rule = PAGE_HEIGHT - LETTERHEAD_TOP - LETTERHEAD_HEIGHT
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN_LEFT, rule, right, rule)
    canvas.restoreState()


def _logo(data: bytes, path: str = "") -> ImageReader | None:
    """The seller's logo from the bytes frozen with the document (or, for a format 1
    document, the file it named), or None when there is none or it cannot be read: a broken
    image must not stop a quote from printing."""
    if not data and path and Path(path).is_file():
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
    if not data:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception:
        return None
    return reader


def _draw_running_header(canvas: Canvas, snapshot: DocumentSnapshot, t: Translator) -> None:
    canvas.saveState()
    y = PAGE_HEIGHT - LATER_HEADER_TOP - 3 * mm
    canvas.setFillColor(ACCENT)
    _draw(canvas, MARGIN_LEFT, y, _fit(snapshot.seller.name, 9, 85 * mm, bold=True), 9, bold=True)
    canvas.setFillColor(INK)
    reference = _reference(snapshot, t) + f"  ·  {snapshot.customer.name}"
    _draw_right(canvas, PAGE_WIDTH - MARGIN_RIGHT, y, _fit(reference, 8.5, 80 * mm), 8.5)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    rule = y - 2.5 * mm
    canvas.line(MARGIN_LEFT, rule, PAGE_WIDTH - MARGIN_RIGHT, rule)
    canvas.restoreState()


def _reference(snapshot: DocumentSnapshot, t: Translator) -> str:
    """ "Quote Q-00042 rev. 2", "Order form OF-00007"."""
    return t._("{title} {number}").format(title=title(snapshot, t), number=_number(snapshot, t))


def _draw_footer(canvas: Canvas, snapshot: DocumentSnapshot, t: Translator) -> None:
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_LEFT, FOOTER_RULE, PAGE_WIDTH - MARGIN_RIGHT, FOOTER_RULE)
    canvas.setFillColor(MUTED)
    left = f"{_reference(snapshot, t)}  ·  {format_date(snapshot.issue_date, t)}"
    legal = _legal(snapshot)
    if snapshot.seller.name and legal is None:
        left += f"  ·  {snapshot.seller.name}"
    _draw(canvas, MARGIN_LEFT, FOOTER_TEXT, _fit(left, 7.5, 130 * mm), 7.5)
    if legal is not None:
        _draw_legal_details(canvas, snapshot, legal, t)
    canvas.restoreState()


def _legal_columns(
    snapshot: DocumentSnapshot, legal: LegalDetails, t: Translator
) -> list[list[str]]:
    """The footer's columns of legal details, each a list of lines of markup."""
    seller = snapshot.seller
    company = [f"<b>{text(legal.registered_name or seller.name, bold=True)}</b>"]
    company += [text(line) for line in seller.address_lines]
    register = []
    if legal.commercial_register:
        court = legal.register_court
        entry = (
            t._("{court}, {number}").format(court=court, number=legal.commercial_register)
            if court
            else legal.commercial_register
        )
        register.append(text(t._("Register: {entry}").format(entry=entry)))
    if legal.managing_directors:
        register.append(
            text(t._("Managing directors: {names}").format(names=legal.managing_directors))
        )
    tax = []
    if seller.vat_number:
        tax.append(text(t._("VAT ID: {number}").format(number=seller.vat_number)))
    if legal.tax_number:
        tax.append(text(t._("Tax number: {number}").format(number=legal.tax_number)))
    bank = []
    if legal.bank_name:
        bank.append(text(legal.bank_name))
    if legal.iban:
        bank.append(text(t._("IBAN: {iban}").format(iban=legal.iban)))
    if legal.bic:
        bank.append(text(t._("BIC: {bic}").format(bic=legal.bic)))
    return [column for column in (company, register, tax, bank) if column]


def _draw_legal_details(
    canvas: Canvas, snapshot: DocumentSnapshot, legal: LegalDetails, t: Translator
) -> None:
    """The dealer's legal details above the footer line, in columns; a long name wraps
    (and the text closes up) rather than being cut."""
    columns = _legal_columns(snapshot, legal, t)
    gap = 4 * mm
    widths = _legal_widths(len(columns), gap)
    top = LEGAL_TOP
    room = LEGAL_TOP - FOOTER_RULE - 1.5 * mm
    for size in (6.5, 6.0, 5.5, 5.0):
        style = ParagraphStyle(
            "Legal", fontName=fonts.REGULAR, fontSize=size, leading=size * 1.25, textColor=MUTED
        )
        blocks = [Paragraph("<br/>".join(lines), style) for lines in columns]
        heights = [block.wrap(w, PAGE_HEIGHT)[1] for block, w in zip(blocks, widths, strict=True)]
        if max(heights) <= room:
            break
    x = MARGIN_LEFT
    for block, w, height in zip(blocks, widths, heights, strict=True):
        block.drawOn(canvas, x, top - height)
        x += w + gap


def _legal_widths(count: int, gap: float) -> list[float]:
    # The company's name and address get the widest column.
    shares = {1: [1.0], 2: [0.5, 0.5], 3: [0.36, 0.34, 0.30], 4: [0.30, 0.27, 0.20, 0.23]}
    usable = CONTENT_WIDTH - gap * (count - 1)
    return [usable * share for share in shares[count]]


# --- the story --------------------------------------------------------------------------------


def _story(snapshot: DocumentSnapshot, t: Translator) -> list[Flowable]:
    story: list[Flowable] = [NextPageTemplate("Later")]
    story.append(_address_and_details(snapshot, t))
    story.append(Spacer(0, 6 * mm))
    heading = t._("{title} {number}").format(title=title(snapshot, t), number=snapshot.number)
    story.append(_p(text(heading, bold=True), "Title"))
    if not snapshot.is_quote:
        story.append(Spacer(0, 1 * mm))
        story.append(_p(_order_statement(snapshot, t), "Body"))
    if not snapshot.vehicle.is_empty:
        story.append(_vehicle(snapshot, t))
    story.append(Spacer(0, 5 * mm))
    story.append(_lines(snapshot, t))
    story.append(Spacer(0, 4 * mm))
    beside, below = _notes(snapshot, t)
    story.append(_totals(snapshot, t, beside))
    story += below
    if snapshot.format < 2:
        # As format 1 documents were issued: signed beside the figures, the terms after.
        if not snapshot.is_quote:
            story.append(_signatures(snapshot, t))
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
        return [*story, signatures]
    *lead, last = terms
    return [*story, *lead, KeepTogether([last, signatures])]


def _address_and_details(snapshot: DocumentSnapshot, t: Translator) -> Table:
    customer = snapshot.customer
    address: list[Flowable] = [
        _p(text(t.pgettext("document heading", "CUSTOMER")), "Label"),
        _p(text(customer.name, bold=True), "Name"),
    ]
    if customer.contact_person:
        attention = text(t._("Attn. {name}")).format(name=text(customer.contact_person))
        address.append(_p(attention, "Body"))
    address += [_p(text(line), "Body") for line in customer.address_lines]
    reach = [value for value in (customer.phone, customer.email) if value]
    if reach or customer.vat_number:
        address.append(Spacer(0, 1.5 * mm))
    address += [_p(text(value), "Small") for value in reach]
    if customer.vat_number:
        vat = text(t._("VAT no. {number}")).format(number=text(customer.vat_number))
        address.append(_p(vat, "Small"))

    label = t._("Quote no.") if snapshot.is_quote else t._("Order form no.")
    details: list[tuple[str, str]] = [(label, snapshot.number)]
    if snapshot.is_quote:
        details.append((t._("Revision"), str(snapshot.revision)))
    details.append((t._("Date"), format_date(snapshot.issue_date, t)))
    if snapshot.is_quote:
        details.append((t._("Valid until"), format_date(snapshot.valid_until, t)))
    else:
        if snapshot.quote_reference:
            details.append((t._("Based on quote"), snapshot.quote_reference))
        delivery = format_date(snapshot.delivery_date, t) or t._("to be agreed")
        details.append((t.pgettext("document detail", "Delivery"), delivery))
    details.append((t._("Payment"), _choice_label(Interest, snapshot.payment_method, t)))
    if snapshot.salesperson:
        details.append((t._("Salesperson"), snapshot.salesperson))
    details_table = Table(
        [[_p(text(k), "Key"), _p(f"<b>{text(v, bold=True)}</b>", "Small")] for k, v in details],
        colWidths=(27 * mm, CONTENT_WIDTH - ADDRESS_COLUMN - 27 * mm - 4 * mm),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
            ]
        ),
    )
    return Table(
        [[address, details_table]],
        colWidths=(ADDRESS_COLUMN, CONTENT_WIDTH - ADDRESS_COLUMN),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (1, 0), (1, 0), 3 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 3 * mm),
                ("LINEBEFORE", (1, 0), (1, 0), 0.6, RULE),
            ]
        ),
    )


def _order_statement(snapshot: DocumentSnapshot, t: Translator) -> str:
    sentence = t._(
        "The customer named above orders the following from {seller} "
        "on the terms and conditions below."
    )
    return text(sentence).format(seller=text(snapshot.seller.name))


def _vehicle(snapshot: DocumentSnapshot, t: Translator) -> Flowable:
    vehicle = snapshot.vehicle
    name = " ".join(part for part in (vehicle.brand, vehicle.model, vehicle.variant) if part)
    fields = [
        (t._("Model code"), vehicle.model_code),
        (t._("VIN"), vehicle.vin),
        (t._("Colour"), vehicle.colour),
        (t._("Condition"), _choice_label(Condition, vehicle.condition, t)),
    ]
    if vehicle.condition == Condition.USED or vehicle.first_registration:
        registration = format_date(vehicle.first_registration, t) or "—"
        fields.append((t._("First registration"), registration))
    if vehicle.condition == Condition.USED or vehicle.mileage_km is not None:
        mileage = (
            "—"
            if vehicle.mileage_km is None
            else t._("{distance} km").format(distance=t.format_number(vehicle.mileage_km))
        )
        fields.append((t._("Mileage"), mileage))
    cells = [[_p(text(key), "Key"), _p(text(value), "Small")] for key, value in fields if value]
    if snapshot.margin_scheme:
        cells.append([_p(text(t._("VAT")), "Key"), _p(text(t._("margin scheme")), "Small")])
    rows = [
        cells[index] + (cells[index + 1] if index + 1 < len(cells) else ["", ""])
        for index in range(0, len(cells), 2)
    ]
    grid = Table(
        rows,
        colWidths=(28 * mm, 57 * mm, 30 * mm, CONTENT_WIDTH - 115 * mm),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
            ]
        ),
    )
    heading: list[Flowable] = [
        Spacer(0, 5 * mm),
        _p(text(t.pgettext("document heading", "VEHICLE")), "Label"),
    ]
    if name:
        heading.append(_p(text(name, bold=True), "VehicleName"))
    return KeepTogether([*heading, Spacer(0, 1 * mm), grid])


def _lines(snapshot: DocumentSnapshot, t: Translator) -> Table:
    currency = snapshot.currency
    header = [
        t._("Pos."),
        t._("Description"),
        t._("Qty"),
        t._("Unit price"),
        t._("VAT"),
        t._("Amount ({currency})").format(currency=currency),
    ]
    rows: list[list[Any]] = [header]
    stripes: list[tuple[Any, ...]] = []
    position = 0
    for line in snapshot.lines:
        if line.is_trade_in:
            continue
        position += 1
        rows.append(_line_row(position, line, currency))
        if position % 2 == 0:
            stripes.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), STRIPE_FILL))
    return Table(
        rows,
        colWidths=LINE_COLUMNS,
        repeatRows=1,  # the column heads again on every page the items run over
        splitInRow=1,  # a description taller than a page runs on to the next
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("LEADING", (0, 0), (-1, -1), 10.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
                ("FONTSIZE", (0, 0), (-1, 0), 8),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1.1 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.1 * mm),
                *stripes,
            ]
        ),
    )


def _line_row(position: int, line: DocumentLine, currency: str) -> list[Any]:
    unit_price = -line.unit_price if line.kind == LineKind.DISCOUNT else line.unit_price
    return [
        str(position),
        _p(text(line.description), "Cell"),
        format_quantity(line.quantity),
        format_amount(unit_price, currency),
        "—" if line.margin_scheme else f"{format_rate(line.vat_rate)}%",
        format_amount(line.net, currency),
    ]


def _totals(snapshot: DocumentSnapshot, t: Translator, notes: list[Flowable]) -> Table:
    totals = snapshot.totals
    currency = snapshot.currency
    rows: list[list[Any]] = []
    if totals.vat or not totals.margin:
        rows.append([t._("Net total"), format_amount(totals.net, currency)])
    for vat in totals.vat:
        on = t._("VAT {rate}% on {amount}").format(
            rate=format_rate(vat.rate), amount=format_amount(vat.net, currency)
        )
        rows.append([on, format_amount(vat.vat, currency)])
    if totals.margin:
        label = [
            _p(text(t._("Margin scheme, no VAT shown")), "Cell"),
            _p(text(t._("final prices of the vehicles marked —")), "CellNote"),
        ]
        rows.append([label, format_amount(totals.margin, currency)])
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 11.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.1 * mm),
    ]
    trade_ins = [line for line in snapshot.lines if line.is_trade_in]
    if trade_ins or totals.trade_in:
        gross_row = len(rows)
        gross = t._("Total incl. VAT ({currency})").format(currency=currency)
        rows.append([gross, format_amount(totals.gross, currency)])
        commands += [
            ("LINEABOVE", (0, gross_row), (-1, gross_row), 0.6, INK),
            ("FONTNAME", (0, gross_row), (-1, gross_row), fonts.BOLD),
        ]
        for line in trade_ins:
            label = [
                _p(text(t._("Less trade-in allowance")), "Cell"),
                _p(text(line.description), "CellNote"),
            ]
            if line.trade_in is not None and not line.trade_in.is_empty:
                label.append(_p(text(_identify(line.trade_in, t)), "CellNote"))
            rows.append([label, format_amount(line.net, currency)])
        due_label = t._("Amount due ({currency})").format(currency=currency)
    else:
        due_label = t._("Total amount due ({currency})").format(currency=currency)
    due_row = len(rows)
    rows.append([due_label, format_amount(totals.amount_due, currency)])
    commands += [
        ("LINEABOVE", (0, due_row), (-1, due_row), 1.2, ACCENT),
        ("BACKGROUND", (0, due_row), (-1, due_row), DUE_FILL),
        ("FONTNAME", (0, due_row), (-1, due_row), fonts.BOLD),
        ("FONTSIZE", (0, due_row), (-1, due_row), 10.5),
        ("LEADING", (0, due_row), (-1, due_row), 13),
        ("TOPPADDING", (0, due_row), (-1, due_row), 2 * mm),
        ("BOTTOMPADDING", (0, due_row), (-1, due_row), 2 * mm),
    ]
    table = Table(rows, colWidths=TOTALS_COLUMNS, style=TableStyle(commands))
    # The notes sit in the free space left of the totals, so a short quote stays on one page.
    return Table(
        [[notes, table]],
        colWidths=(CONTENT_WIDTH - sum(TOTALS_COLUMNS), sum(TOTALS_COLUMNS)),
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # never Helvetica, unembedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def _identify(car: TradeInVehicle, t: Translator) -> str:
    """The trade-in vehicle as its allowance names it: make, model, VIN, first registration
    and mileage."""
    parts = [" ".join(p for p in (car.make, car.model) if p)]
    if car.vin:
        parts.append(t._("VIN {vin}").format(vin=car.vin))
    if car.first_registration is not None:
        parts.append(
            t._("first registered {date}").format(date=format_date(car.first_registration, t))
        )
    if car.mileage_km is not None:
        parts.append(t._("{distance} km").format(distance=t.format_number(car.mileage_km)))
    return ", ".join(p for p in parts if p)


def _margin_notice(t: Translator) -> str:
    return t._(
        "Margin scheme – second-hand goods (Art. 313 of Directive 2006/112/EC; § 25a UStG): "
        "the price of a vehicle marked — includes VAT, which is not shown separately and "
        "cannot be deducted."
    )


def _notes(snapshot: DocumentSnapshot, t: Translator) -> tuple[list[Flowable], list[Flowable]]:
    """The notes beside the totals, and what flows on below them: remarks too long to sit
    beside the totals (a table cell cannot run over a page) flow below, where they split."""
    beside = _short_notes(snapshot, t)
    remarks = snapshot.remarks.strip()
    if snapshot.margin_scheme:
        beside += [Spacer(0, 2 * mm), _p(text(_margin_notice(t)), "Small")]
    if not remarks:
        return beside, []
    paragraphs = [_p(text(part), "Body") for part in remarks.split("\n")]
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
        notes = [_p(sentence + currency, "Body")]
        if snapshot.salesperson:
            notes += [
                Spacer(0, 4 * mm),
                _p(text(t._("Kind regards,")), "Body"),
                _p(f"<b>{text(snapshot.salesperson, bold=True)}</b>", "Body"),
                _p(text(snapshot.seller.name), "Small"),
            ]
        return notes
    delivery = format_date(snapshot.delivery_date, t)
    sentence = (
        text(t._("Scheduled delivery: {date}.")).format(date=f"<b>{text(delivery, bold=True)}</b>")
        if delivery
        else text(t._("The delivery date will be agreed with the customer."))
    ) + " "
    return [_p(sentence + currency, "Body")]


def _terms(terms: str, t: Translator) -> list[Flowable]:
    """The small print, one paragraph after another. The heading keeps to the first of them:
    it never stays behind at the foot of a page on its own."""
    paragraphs = [part.strip() for part in terms.replace("\r\n", "\n").split("\n\n")]
    body = [_p(text(part), "Terms") for part in paragraphs if part]
    if not body:
        return []
    heading = _p(text(t._("Terms and conditions")), "Section")
    return [KeepTogether([heading, body[0]]), *body[1:]]


def _signatures(snapshot: DocumentSnapshot, t: Translator) -> Flowable:
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
        [["", "", ""], [_p(customer, "Small"), "", _p(dealer, "Small")]],
        colWidths=(width, gap, width),
        rowHeights=[SIGNATURE_SPACE, None],
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
    return KeepTogether(
        [
            Spacer(0, 7 * mm),
            _p(
                text(
                    t._(
                        "By signing, the customer places a binding order for the vehicle and "
                        "items above at the prices stated, on the terms and conditions below."
                    )
                ),
                "Small",
            ),
            Spacer(0, 4 * mm),
            table,
        ]
    )
