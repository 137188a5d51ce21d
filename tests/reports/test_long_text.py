"""Anything the quote editor accepts prints: long remarks and descriptions, many line breaks."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.documents import DocumentLine, DocumentSnapshot
from app.domain.quotes import MAX_DESCRIPTION_LENGTH
from reports import pdf
from reports.specimen import specimen_order_form, specimen_quote

MAX_REMARKS = 2000  # the editor's limit (app/services/quotes.py)

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜäöüß0123456789", min_size=1, max_size=12)
_breaks = st.sampled_from(["\n", " ", "\n\n", "  "])


def _text(limit: int) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(_word, _breaks), max_size=limit // 2).map(
        lambda parts: "".join(w + b for w, b in parts)[:limit].strip() or "x"
    )


def _read(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _with(snapshot: DocumentSnapshot, remarks: str, description: str) -> DocumentSnapshot:
    first = snapshot.lines[0]
    line = DocumentLine(
        first.kind, description, first.quantity, first.unit_price, first.vat_rate, first.net
    )
    return replace(snapshot, remarks=remarks, lines=(line, *snapshot.lines[1:]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(remarks=_text(MAX_REMARKS), description=_text(MAX_DESCRIPTION_LENGTH), quote=st.booleans())
def test_any_remarks_and_description_within_the_limits_print(
    remarks: str, description: str, quote: bool
) -> None:
    snapshot = _with(specimen_quote() if quote else specimen_order_form(), remarks, description)
    text = "".join(_read(pdf.render(snapshot)).split())
    for word in remarks.split():
        assert word in text


def test_the_worst_cases_of_the_report_print() -> None:
    """300 line breaks in the remarks, 240 in one description: once a LayoutError."""
    remarks = "\n".join(f"r{n}" for n in range(300))
    description = "\n" * 240 + "Golf"
    for snapshot in (specimen_quote(), specimen_order_form()):
        text = _read(pdf.render(_with(snapshot, remarks, description)))
        assert "r0" in text and "r299" in text and "Golf" in text
    long_remarks = ("Lieferung frei Haus, Zulassung inklusive. " * 60)[:MAX_REMARKS]
    assert "Zulassung" in _read(pdf.render(replace(specimen_quote(), remarks=long_remarks)))
