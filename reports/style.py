"""The look of the documents: page layout in mm, colours, the one stylesheet, and user text
as Paragraph markup (escaped, every script in its font, right-to-left lines in their order)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as PlainParagraph

from app.domain import money, reading
from app.domain.choices import Choice
from app.domain.documents import DocumentKind, DocumentSnapshot
from app.i18n import ENGLISH, NP_, Translator
from reports import fonts

# Layout, in mm from the page's edges (A4 portrait: 210 x 297).
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_BOTTOM = 24 * mm
LEGAL_MARGIN_BOTTOM = 35 * mm  # with the dealer's legal details in the footer
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


TITLES = {
    DocumentKind.QUOTE.value: NP_("document", "Quote"),
    DocumentKind.ORDER_FORM.value: NP_("document", "Order form"),
}


# --- text -------------------------------------------------------------------------------------


def text(value: str, bold: bool = False) -> str:
    """User text as Paragraph markup: escaped, so "J&C <b>" prints as typed; each run of a
    script in its font, right-to-left runs in their order; line breaks kept."""
    return "<br/>".join(fonts.markup(line, bold) for line in value.split("\n"))


def format_date(value: date | None, t: Translator = ENGLISH) -> str:
    """A date as the document's locale writes it: '31.01.2027' (de), '31/01/2027' (fr, it),
    '1/31/2027' (en); never the machine's locale."""
    if value is None:
        return ""
    return reading.format_day(value, t)


def title(snapshot: DocumentSnapshot, t: Translator = ENGLISH) -> str:
    """The document's title in its language: "Quote", "Order form"."""
    return t.pgettext(*TITLES[snapshot.kind])


def format_amount(value: Decimal, currency: str, t: Translator = ENGLISH) -> str:
    """A figure of a table, in the document's locale: '12.500,00' (de), with a true minus."""
    return money.format_signed(value, currency, t)


def choice_label(choice: type[Choice], value: str, t: Translator) -> str:
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


class Paragraph(PlainParagraph):  # type: ignore[misc]
    """reportlab's Paragraph, its lines written by fonts.PositionedText: a shaped script's
    glyphs where HarfBuzz places them (kerning, marks on their bases), not each at the end of
    the one before."""

    def beginText(self, x: float, y: float) -> fonts.PositionedText:
        return fonts.PositionedText(self.canv, x, y)


def paragraph(markup: str, style: str) -> Paragraph:
    return Paragraph(markup, stylesheet()[style])


def para(value: str, style: str, bold: bool = False) -> Flowable:
    """User text (or a translated sentence) as a paragraph in `style`: ``text(value, bold)``,
    or, when it holds right-to-left script, a BidiParagraph, so its wrapped lines read in
    order."""
    if fonts.is_rtl(value):
        return BidiParagraph(value, stylesheet()[style], bold)
    return paragraph(text(value, bold), style)


class BidiParagraph(Flowable):
    """A paragraph with right-to-left script: broken into lines in logical order first, each
    line then laid out by the bidi rules. reportlab's Paragraph would break the text already
    in visual order, and a wrapped Arabic sentence would start on its last line."""

    def __init__(self, value: str, style: ParagraphStyle, bold: bool = False) -> None:
        super().__init__()
        self.value = value
        self.style = style
        self.bold = bold
        self._laid_out: Paragraph | None = None

    def _lay_out(self, width: float) -> Paragraph:
        size = self.style.fontSize
        # A hair narrower than the frame, so the Paragraph never breaks a line again.
        limit = max(width - 0.5, size)
        lines = [
            line
            for part in self.value.split("\n")
            for line in fonts.wrap(part, size, limit, self.bold)
        ]
        return Paragraph("<br/>".join(fonts.markup(line, self.bold) for line in lines), self.style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._laid_out = self._lay_out(availWidth)
        return self._laid_out.wrap(availWidth, availHeight)  # type: ignore[no-any-return]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return self._lay_out(availWidth).split(availWidth, availHeight)  # type: ignore[no-any-return]

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        if self._laid_out is not None:
            self._laid_out.drawOn(self.canv, 0, 0)
