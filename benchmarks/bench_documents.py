"""How long a quote takes to render as PDF: one page, and 200 lines over several pages.

    PYTHONPATH=. python -m benchmarks.bench_documents

Targets (issue 13): a one-page quote in under 50 ms (median) and a 200-line quote in under
1 s. Each is timed against a reference: the same content (customer, lines, totals, terms) as a
plain reportlab table in the same embedded font, built here directly with platypus and not
with the program's code. The two are run interleaved, the order turned round every other run, so a busy
machine slows both alike, and the ratio says what the program's layout costs on top of
reportlab's. Median and p95 of each; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
from functools import partial

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from app.domain.documents import DocumentSnapshot
from benchmarks.measure import Targets, interleaved
from reports import fonts, pdf
from reports.specimen import QUOTE_LINES, specimen_quote

ONE_PAGE_TARGET_MS = 50.0
LONG_TARGET_MS = 1000.0


def reference_document(snapshot: DocumentSnapshot) -> bytes:
    """The same content as a bare reportlab document: paragraphs and one table, in the same
    font, no letterhead, footer, page numbering or script handling."""
    regular = ParagraphStyle("Ref", fontName=fonts.REGULAR, fontSize=9, leading=12)
    cell = ParagraphStyle("RefCell", parent=regular, fontSize=8.5, leading=10.5)
    story: list[Flowable] = [
        Paragraph(snapshot.customer.name, regular),
        *(Paragraph(line, regular) for line in snapshot.customer.address_lines),
        Spacer(0, 6 * mm),
        Paragraph(f"Quote {snapshot.number}", regular),
    ]
    rows: list[list[object]] = [["Pos.", "Description", "Qty", "Unit price", "VAT", "Amount"]]
    for position, line in enumerate(snapshot.lines, 1):
        rows.append(
            [
                str(position),
                Paragraph(line.description, cell),
                str(line.quantity),
                f"{line.unit_price:,.2f}",
                f"{line.vat_rate}%",
                f"{line.net:,.2f}",
            ]
        )
    totals = snapshot.totals
    rows.append(["", "Net total", "", "", "", f"{totals.net:,.2f}"])
    rows.append(["", "Amount due", "", "", "", f"{totals.amount_due:,.2f}"])
    story.append(
        Table(
            rows,
            colWidths=(9 * mm, 75 * mm, 14 * mm, 29 * mm, 12 * mm, 31 * mm),
            repeatRows=1,
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, "#c9d0d8"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            ),
        )
    )
    story += [Paragraph(part, regular) for part in snapshot.terms.split("\n\n") if part.strip()]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName=fonts.REGULAR).build(story)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    fonts.register()
    one_page = specimen_quote()
    long_quote = specimen_quote(200 - len(QUOTE_LINES))
    long_pages = pdf.render_quote(long_quote).count(b"/Type /Page\n")
    rows: list[tuple[str, DocumentSnapshot, int, float]] = [
        ("one-page quote", one_page, args.repeat, ONE_PAGE_TARGET_MS),
        (f"200-line quote ({long_pages} pages)", long_quote, max(5, args.repeat // 3),
         LONG_TARGET_MS),
    ]  # fmt: skip
    targets = Targets()
    for name, snapshot, repeat, target in rows:
        times = interleaved(
            {
                "program": partial(pdf.render_quote, snapshot),
                "reference": partial(reference_document, snapshot),
            },
            repeat,
        )
        mine, reference = times["program"], times["reference"]
        print(
            f"{name}: {mine}; the reference table {reference}; ratio of medians "
            f"{mine.median / reference.median:.1f}"
        )
        targets.below(f"{name}, median", mine.median, target)
    targets.exit()


if __name__ == "__main__":
    main()
