"""Quotes and order forms as PDF: reportlab platypus over a frozen DocumentSnapshot.

Every word printed goes through the translator of the document's language, never the
screen's: the language the snapshot froze (the customer's) unless one is passed in,
``render(snapshot, translator=i18n.translator("de"))``.
"""

from __future__ import annotations

import io
from functools import partial

from app import i18n
from app.domain.documents import DocumentKind, DocumentSnapshot
from app.i18n import Translator
from reports import fonts
from reports.body import story
from reports.page import DocumentTemplate, NumberedCanvas


def render_quote(snapshot: DocumentSnapshot, translator: Translator | None = None) -> bytes:
    if snapshot.kind != DocumentKind.QUOTE:
        raise ValueError(f"{snapshot.number} is a {snapshot.kind}, not a quote")
    return render(snapshot, translator=translator)


def render_order_form(snapshot: DocumentSnapshot, translator: Translator | None = None) -> bytes:
    if snapshot.kind != DocumentKind.ORDER_FORM:
        raise ValueError(f"{snapshot.number} is a {snapshot.kind}, not an order form")
    return render(snapshot, translator=translator)


def render(
    snapshot: DocumentSnapshot, draft: bool = False, translator: Translator | None = None
) -> bytes:
    """The PDF of an issued document, in the translator's language. The same snapshot gives
    the same bytes: reportlab runs in invariant mode, so no timestamp or random id goes into
    the file. A `draft` (a quote not yet issued, previewed) carries DRAFT across every page,
    so it is never mistaken for the document the customer gets."""
    if translator is None:
        translator = i18n.translator(snapshot.language)
    fonts.register()
    buffer = io.BytesIO()
    doc = DocumentTemplate(buffer, snapshot, draft, translator)
    canvas = partial(NumberedCanvas, translator=translator, issue_date=snapshot.issue_date)
    doc.build(story(snapshot, translator), canvasmaker=canvas)
    return buffer.getvalue()
