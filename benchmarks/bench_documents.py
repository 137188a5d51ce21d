"""How long a quote takes to render as PDF: one page, and 200 lines over several pages.

    PYTHONPATH=. python -m benchmarks.bench_documents

Targets (issue "Quotes, order forms and the PDFs the customer takes home"): a one-page quote
in under 50 ms (median of 30 runs) and a 200-line quote in under 1 s. Printed with the ratio
to reportlab rendering a bare one-paragraph document, measured in the same run.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from benchmarks import timing
from reports import fonts, pdf
from reports.specimen import QUOTE_LINES, specimen_quote

ONE_PAGE_TARGET_MS = 50.0
LONG_TARGET_MS = 1000.0


def bare_document(font: str = "Helvetica") -> bytes:
    """The least reportlab does for a PDF: one paragraph, in a built-in or an embedded font."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1)
    style = getSampleStyleSheet()["Normal"].clone("Bare", fontName=font)
    doc.build([Paragraph("Quote Q-00042", style)])
    return buffer.getvalue()


def median_ms(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    # The first run (imports, font loading, caches) is not what is measured.
    return timing.median_ms(work, repeat, warm_up=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    fonts.register()
    one_page = specimen_quote()
    long_quote = specimen_quote(200 - len(QUOTE_LINES))
    long_pages = pdf.render_quote(long_quote).count(b"/Type /Page\n")

    baseline, baseline_max = median_ms(bare_document, args.repeat)
    embedded, embedded_max = median_ms(lambda: bare_document(fonts.REGULAR), args.repeat)
    one, one_max = median_ms(lambda: pdf.render_quote(one_page), args.repeat)
    many, many_max = median_ms(lambda: pdf.render_quote(long_quote), max(5, args.repeat // 3))

    print(f"{'bare document (baseline):':36} median {baseline:7.1f} ms   max {baseline_max:7.1f}")
    print(
        f"{'bare document, DejaVu embedded:':36} median {embedded:7.1f} ms   "
        f"max {embedded_max:7.1f}   x{embedded / baseline:5.1f} baseline"
    )
    rows = [
        ("one-page quote", one, one_max, ONE_PAGE_TARGET_MS),
        (f"200-line quote ({long_pages} pages)", many, many_max, LONG_TARGET_MS),
    ]
    failed = False
    for name, median, worst, target in rows:
        verdict = "ok" if median < target else "TOO SLOW"
        failed |= median >= target
        print(
            f"{name + ':':36} median {median:7.1f} ms   max {worst:7.1f}   "
            f"x{median / baseline:5.1f} baseline   target < {target:.0f} ms: {verdict}"
        )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
