"""Right-to-left text that wraps reads its lines top to bottom: the bidi rules order each line
after the paragraph is broken, never the whole paragraph before."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
from reportlab.lib.units import mm

from reports import fonts, pdf
from reports.specimen import specimen_quote
from reports.style import BidiParagraph, para

FIRST, LAST = "أول", "آخر"  # "first", "last"
WORDS = ["كتاب", "سيارة", "مدينة", "شارع", "بيت", "باب", "قلم", "ورقة"]


def _glyphs(word: str) -> str:
    (run,) = fonts.runs(word)
    return run.glyphs()


def _printed_lines(flowable: BidiParagraph) -> list[str]:
    assert flowable._laid_out is not None
    return [
        "".join(frag.text for frag in line.words)
        for line in flowable._laid_out.blPara.lines  # type: ignore[attr-defined]
    ]


def test_a_wrapped_arabic_paragraph_starts_on_its_first_line() -> None:
    fonts.register()
    value = " ".join([FIRST, *WORDS * 5, LAST])
    flowable = para(value, "Body")
    assert isinstance(flowable, BidiParagraph)
    _width, height = flowable.wrap(60 * mm, 1000)
    lines = _printed_lines(flowable)
    assert len(lines) >= 3 and height >= 3 * 12
    # Each printed line is one logical line, its words right to left: the first word ends
    # the first line (at its right), the last word starts the last line.
    assert lines[0].endswith(_glyphs(FIRST)) and _glyphs(LAST) not in lines[0]
    assert lines[-1].startswith(_glyphs(LAST)) and _glyphs(FIRST) not in lines[-1]
    # Every word is printed once, none lost at a break.
    assert sum(line.count(_glyphs(WORDS[0])) for line in lines) == 5


def test_logical_lines_fit_and_keep_every_word() -> None:
    fonts.register()
    value = " ".join([FIRST, *WORDS * 7, LAST])
    lines = fonts.wrap(value, 9, 40 * mm)
    assert " ".join(lines) == value
    assert all(fonts.width(line, 9) <= 40 * mm for line in lines)
    # A word wider than the line is cut, never dropped.
    long_word = "ب" * 120
    assert "".join(fonts.wrap(long_word, 9, 30 * mm)) == long_word


def test_latin_text_is_laid_out_as_before() -> None:
    assert not isinstance(para("J&C Motors <b>", "Body"), BidiParagraph)


def test_long_right_to_left_remarks_and_descriptions_print_over_pages() -> None:
    quote = specimen_quote()
    remarks = "\n".join(" ".join([FIRST, *WORDS * 6, LAST]) for _ in range(30))
    line = replace(quote.lines[0], description=" ".join(WORDS * 40))
    data = pdf.render_quote(replace(quote, remarks=remarks, lines=(line, *quote.lines[1:])))
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
