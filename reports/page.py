"""The pages of a document: the page templates, the letterhead, the running header, the footer
with the dealer's legal details, "Page X of Y" and the DRAFT mark."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
)

from app.domain.documents import DocumentSnapshot, LegalDetails
from app.i18n import ENGLISH, Translator
from reports import fonts
from reports.style import (
    ACCENT,
    CONTENT_WIDTH,
    DRAFT_INK,
    FIRST_FRAME_TOP,
    FOOTER_RULE,
    FOOTER_TEXT,
    INK,
    LATER_FRAME_TOP,
    LATER_HEADER_TOP,
    LEGAL_MARGIN_BOTTOM,
    LEGAL_TOP,
    LETTERHEAD_HEIGHT,
    LETTERHEAD_TOP,
    LOGO_HEIGHT,
    LOGO_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    NAME_MIN_SIZE,
    NAME_WIDTH,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    Paragraph,
    format_date,
    text,
    title,
)

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


class DocumentTemplate(BaseDocTemplate):
    """A first page with the letterhead and later pages with a running header."""

    def __init__(
        self, buffer: io.BytesIO, snapshot: DocumentSnapshot, draft: bool, t: Translator
    ) -> None:
        name = t._("{title} {number}").format(
            title=title(snapshot, t), number=document_number(snapshot, t)
        )
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


def document_number(snapshot: DocumentSnapshot, t: Translator) -> str:
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
    return t._("{title} {number}").format(
        title=title(snapshot, t), number=document_number(snapshot, t)
    )


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
