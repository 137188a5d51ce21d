"""Each glyph of a shaped script prints where HarfBuzz places it: a kerning pair closer than the
glyphs' own advances, a mark moved and raised onto its base. Read back from the PDF itself
(poppler's word boxes, the content stream's text rise), for fonts.draw on a canvas and for a
Paragraph of the text's markup, against HarfBuzz run on the font file here."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pypdf
import uharfbuzz
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from app.domain.documents import DocumentSnapshot
from reports import fonts, pdf
from reports.specimen import specimen_quote
from reports.style import Paragraph
from reports.style import text as markup_text

SIZE = 100.0
HEBREW = "אביב"  # "spring": the yod's kerning with the bet beside it
HARAKAT = "مُحَمَّد"  # a fatha stacked on a shadda, a damma on the first letter


def _harfbuzz(text: str, file_name: str) -> tuple[float, list[float], float]:
    """HarfBuzz's advance of `text` at SIZE in points, its glyphs' y offsets in points, and
    the sum of the glyphs' own advances (what printing without positions gives)."""
    blob = uharfbuzz.Blob.from_file_path(str(fonts.font_path(file_name)))
    face = uharfbuzz.Face(blob)
    font = uharfbuzz.Font(face)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {"kern": True, "liga": True})
    scale = SIZE / face.upem
    advance = sum(p.x_advance for p in buffer.glyph_positions) * scale
    rises = [p.y_offset * scale for p in buffer.glyph_positions if p.y_offset]
    own = sum(font.get_glyph_h_advance(i.codepoint) for i in buffer.glyph_infos) * scale
    return advance, rises, own


def _render(tmp_path: Path, how: str, value: str) -> Path:
    fonts.register()
    path = tmp_path / f"{how}.pdf"
    canvas = Canvas(str(path), pagesize=(600, 200), pageCompression=0)
    if how == "draw":
        fonts.draw(canvas, 50, 80, value, SIZE)
    else:
        style = ParagraphStyle("Probe", fontName=fonts.REGULAR, fontSize=SIZE, leading=SIZE * 1.2)
        flowable = Paragraph(markup_text(value), style)
        flowable.wrap(500, 200)
        flowable.drawOn(canvas, 50, 40)
    canvas.showPage()
    canvas.save()
    return path


def _word_width(path: Path) -> float:
    """The width of the page's one word as poppler lays the PDF's glyphs out."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) reads the document back for this test"
    html = subprocess.run(
        [tool, "-bbox", str(path), "-"], check=True, capture_output=True, timeout=30, text=True
    ).stdout
    (box,) = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', html)
    return float(box[1]) - float(box[0])


def _rises(path: Path) -> list[float]:
    """Every text rise (Ts) the page's content sets, in points."""
    data = path.read_bytes()
    return [float(v) for v in re.findall(rb"(-?[\d.]+) Ts", data)]


def test_a_kerned_hebrew_word_is_as_wide_as_harfbuzz_sets_it(tmp_path: Path) -> None:
    advance, _, own = _harfbuzz(HEBREW, "NotoSansHebrew-Regular.ttf")
    assert own - advance > 2  # the kerning matters at this size: 2 points and more
    assert abs(fonts.width(HEBREW, SIZE) - advance) < 0.01  # what line breaking measures
    for how in ("draw", "para"):
        assert abs(_word_width(_render(tmp_path, how, HEBREW)) - advance) < 0.05, how


def test_harakat_are_raised_where_harfbuzz_places_them(tmp_path: Path) -> None:
    advance, rises, _own = _harfbuzz(HARAKAT, "NotoSansArabic-Regular.ttf")
    assert len(rises) == 3
    assert abs(fonts.width(HARAKAT, SIZE) - advance) < 0.01
    for how in ("draw", "para"):
        printed = _render(tmp_path, how, HARAKAT)
        # Each mark raised (or lowered) by its offset, the baseline restored after it.
        set_rises = [r for r in _rises(printed) if r]
        assert sorted(round(r, 2) for r in set_rises) == sorted(round(r, 2) for r in rises), how
        assert _rises(printed).count(0.0) == len(rises), how
        # The letters still read back, the marks with them.
        text = subprocess.run(
            ["pdftotext", str(printed), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert sorted(c for c in text if not c.isspace() and c not in "\u202a\u202b\u202c") == (
            sorted(c for c in _presentation(HARAKAT))
        ), how


def _presentation(value: str) -> str:
    """`value` as pdftotext gives the glyphs' characters back: Arabic letters in their joined
    presentation forms, marks as they are."""
    printed = "".join(run.glyphs() for run in fonts.runs(value))
    return "".join(c for c in printed if ord(c) < 0x100000)


def test_latin_prints_each_glyph_at_its_own_advance(tmp_path: Path) -> None:
    """DejaVu's kerning ("AV", "To") is not applied: Latin documents keep their layout and bytes."""
    fonts.register()
    assert fonts.runs("AV To")[0].glyphs() == "AV To"
    assert _rises(_render(tmp_path, "draw", "AV To")) == []


def test_a_document_with_positioned_glyphs_renders_to_the_same_bytes_in_another_process() -> None:
    """The shifts and raises are code points computed from HarfBuzz's numbers alone: a process
    that shaped other text first (and so met other moves first) writes the same file."""
    fonts.register()
    for other in ("ﻣُﺤَﻤﱠﺪ", "नमस्ते", "ที่นี่", "שָׁלוֹם", HEBREW):
        fonts.width(other, 9)
    snapshot = _snapshot()
    here = pdf.render(snapshot)
    script = (
        "import sys\n"
        "from tests.reports.test_glyph_positions import _snapshot\n"
        "from reports import pdf\n"
        "sys.stdout.buffer.write(pdf.render(_snapshot()))\n"
    )
    there = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert there == here
    content = pypdf.PdfReader(io.BytesIO(here)).pages[0].get_contents()
    assert content is not None and b" Ts" in content.get_data()  # the marks are raised


def _snapshot() -> DocumentSnapshot:
    """The specimen quote, issued to a customer whose name and address carry kerning and marks."""
    quote = specimen_quote()
    customer = replace(quote.customer, name=f"{HARAKAT} {HEBREW}")
    return replace(quote, customer=customer, remarks=f"कृष्ण, น้ำ, {HARAKAT}, רחוב הרצל 15, תל אביב")
