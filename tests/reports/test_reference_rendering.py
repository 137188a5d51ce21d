"""Names and addresses in Arabic, Hebrew, Devanagari and Thai print as a shaping engine we trust
draws them: the document's rendering (reports.fonts on a reportlab canvas and in a Paragraph,
rasterised by poppler's pdftoppm) is compared with Qt's text layout of the same string in the
same font file. Reading the text back proves nothing here: an Arabic name with its letters
unjoined, or mirrored, reads back the same.

Each rendering is cropped to its ink, scaled to a common size and compared pixel by pixel
(Pearson correlation). Deliberately wrong renderings in the same fonts (letters unshaped, runs
reversed before shaping, runs left in logical order) must score clearly lower than the
document's, so the comparison would catch shaping or ordering breaking.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from reports import fonts
from reports.style import Paragraph
from reports.style import text as markup_text

SIZE = 24.0  # points
DPI = 150
PIXELS = SIZE * DPI / 72  # the font's size in pixels at DPI: 50
BAND = 2.5 * SIZE  # the height of one line's band on the test page, in points
PAGE_WIDTH = 600.0
# Both crops are scaled to this height (and the reference's width at that height).
HEIGHT = 32


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    families: tuple[str, ...]  # the font files Qt lays the text out in, first choice first
    wrong: tuple[str, ...]  # the wrong renderings that must score clearly lower


CASES = (
    Case("arabic-name", "أحمد الحسن", ("NotoSansArabic-Regular.ttf",), ("unshaped", "mirrored")),
    Case(
        "arabic-address",
        "شارع الملك فهد 12",
        ("NotoSansArabic-Regular.ttf", "DejaVuSans.ttf"),
        ("unshaped", "mirrored", "unordered"),
    ),
    Case("hebrew-name", "דוד כהן", ("NotoSansHebrew-Regular.ttf",), ("unordered",)),
    Case(
        "hebrew-address",
        "רחוב הרצל 15, תל אביב",
        ("NotoSansHebrew-Regular.ttf", "DejaVuSans.ttf"),
        ("unordered", "mirrored"),
    ),
    Case(
        "devanagari-name",
        "अनिल शर्मा",
        ("NotoSansDevanagari-Regular.ttf",),
        ("unshaped", "mirrored"),
    ),
    Case("thai-name", "สมชาย ใจดี", ("NotoSansThai-Regular.ttf",), ("mirrored",)),
    # Marks HarfBuzz moves onto their bases: harakat stacked on a shadda, a tone mark above
    # the nikhahit of sara am, the vocalic r under a conjunct.
    Case("arabic-harakat", "مُحَمَّد", ("NotoSansArabic-Regular.ttf",), ("unshaped", "mirrored")),
    Case("thai-tone-mark", "น้ำ", ("NotoSansThai-Regular.ttf",), ("mirrored",)),
    Case(
        "devanagari-conjunct",
        "कृष्ण",
        ("NotoSansDevanagari-Regular.ttf",),
        ("unshaped", "mirrored"),
    ),
)

# Calibrated on measurements at 150 dpi: the document's renderings score 0.97 to 0.99 against
# Qt's (each glyph where HarfBuzz places it: kerning, marks moved onto their bases); the wrong
# ones -0.03 to 0.45. Glyphs drawn each at its own advance, as before HarfBuzz's positions were
# kept, scored 0.73 (Arabic harakat), 0.81 (a Devanagari conjunct) and 0.85 (a Hebrew address).
MATCH = 0.95
MISMATCH = 0.5


# --- the wrong renderings, in the document's own fonts ------------------------------------


def _unshaped(run: fonts.Run) -> str:
    """The characters' own glyphs in visual order: no joining, no marks placed."""
    return run.text[::-1] if run.rtl else run.text


def _mirrored(run: fonts.Run) -> str:
    """The run reversed first and shaped after, as a bidi reordering before shaping does:
    the letters' joining forms mirrored in a right-to-left run, the letters reversed in a
    left-to-right one."""
    if not run.face.shaped:
        return run.glyphs()
    return fonts.shape(run.text[::-1], run.font(), run.rtl)


def _wrong(kind: str, value: str) -> list[tuple[str, str]]:
    """(font, glyph string) pieces from left to right for a wrong rendering of `value`."""
    if kind == "unordered":
        # The runs in logical order (a right-to-left line's visual order reversed), each
        # shaped left to right: no bidi at all.
        pieces = []
        for run in reversed(fonts.runs(value)):
            flat = fonts.Run(run.text, run.face, rtl=False)
            pieces.append((flat.font(), flat.glyphs()))
        return pieces
    make: Callable[[fonts.Run], str] = {"unshaped": _unshaped, "mirrored": _mirrored}[kind]
    return [(run.font(), make(run)) for run in fonts.runs(value)]


# --- the document's rendering ---------------------------------------------------------------


def _document_page(tmp_path: Path, lines: list[tuple[str, str]]) -> list[list[list[float]]]:
    """One PDF page with a band per line, rasterised by pdftoppm: each band's ink, cropped. A line is ("draw", text): fonts.draw on the canvas, as the
    letterhead prints; ("para", text): a Paragraph of the text's markup, as the body prints;
    ("wrong:<kind>", text): a wrong rendering drawn glyph string by glyph string."""
    fonts.register()
    path = tmp_path / "reference.pdf"
    height = BAND * len(lines)
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, height))
    style = ParagraphStyle("Probe", fontName=fonts.REGULAR, fontSize=SIZE, leading=SIZE * 1.3)
    for index, (how, value) in enumerate(lines):
        baseline = height - BAND * index - BAND * 0.65
        if how == "draw":
            fonts.draw(canvas, 20, baseline, value, SIZE)
        elif how == "para":
            flowable = Paragraph(markup_text(value), style)
            _width, used = flowable.wrap(PAGE_WIDTH - 40, BAND)
            # A one-line Paragraph's baseline sits its descent above its bottom.
            flowable.drawOn(canvas, 20, baseline - SIZE * 0.3 + (SIZE * 1.3 - used))
        else:
            x = 20.0
            for font, glyphs in _wrong(how.split(":", 1)[1], value):
                canvas.setFont(font, SIZE)
                canvas.drawString(x, baseline, glyphs)
                x += canvas.stringWidth(glyphs, font, SIZE)
    canvas.showPage()
    canvas.save()
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) rasterises the document for this test"
    subprocess.run(
        [tool, "-r", str(DPI), "-gray", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
        timeout=30,
    )
    page = QtGui.QImage(str(tmp_path / "page.png"))
    band = round(BAND * DPI / 72)
    assert page.height() == band * len(lines)
    return [_ink(page.copy(0, band * index, page.width(), band)) for index in range(len(lines))]


# Where a rendering's box begins and ends: pixels darker than three quarters white.
_DARK = bytes(1 if value < 192 else 0 for value in range(256))


def _ink(image: QtGui.QImage) -> list[list[float]]:
    """A grey image's ink (0 for white, 1 for black), cropped to the box holding it."""
    image = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    width, stride = image.width(), image.bytesPerLine()
    data = bytes(image.constBits())  # type: ignore[call-overload]
    rows = [data[y * stride : y * stride + width] for y in range(image.height())]
    marked = [row.translate(_DARK) for row in rows]
    inked = [y for y, row in enumerate(marked) if 1 in row]
    assert inked, "nothing printed"
    left = min(marked[y].find(1) for y in inked)
    right = max(marked[y].rfind(1) for y in inked)
    return [
        [(255 - value) / 255 for value in rows[y][left : right + 1]]
        for y in range(inked[0], inked[-1] + 1)
    ]


# --- Qt's rendering -------------------------------------------------------------------------


def _qt_families(files: tuple[str, ...]) -> list[str]:
    families = []
    for file_name in files:
        font_id = QtGui.QFontDatabase.addApplicationFont(str(fonts.font_path(file_name)))
        assert font_id >= 0, file_name
        families.append(QtGui.QFontDatabase.applicationFontFamilies(font_id)[0])
    return families


def _qt_rendering(value: str, files: tuple[str, ...]) -> list[list[float]]:
    """`value` laid out by Qt (its own bidi and HarfBuzz shaping) in the same font files."""
    font = QtGui.QFont()
    font.setFamilies(_qt_families(files))
    font.setPixelSize(round(PIXELS))
    font.setHintingPreference(QtGui.QFont.HintingPreference.PreferNoHinting)
    image = QtGui.QImage(
        round(PAGE_WIDTH * DPI / 72), round(BAND * DPI / 72), QtGui.QImage.Format.Format_Grayscale8
    )
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(QtGui.QColor("black"))
    painter.drawText(
        QtCore.QRectF(0, 0, image.width(), image.height()),
        QtCore.Qt.AlignmentFlag.AlignCenter,
        value,
    )
    painter.end()
    return _ink(image)


# --- comparison -----------------------------------------------------------------------------


def _resample(ink: list[list[float]], width: int, height: int) -> list[list[float]]:
    """Area-average `ink` down (or up) to width x height."""
    source_height, source_width = len(ink), len(ink[0])
    out = []
    for j in range(height):
        y0, y1 = j * source_height / height, (j + 1) * source_height / height
        row = []
        for i in range(width):
            x0, x1 = i * source_width / width, (i + 1) * source_width / width
            total = weight = 0.0
            for y in range(int(y0), min(math.ceil(y1), source_height)):
                wy = min(y + 1, y1) - max(y, y0)
                line = ink[y]
                for x in range(int(x0), min(math.ceil(x1), source_width)):
                    w = wy * (min(x + 1, x1) - max(x, x0))
                    total += w * line[x]
                    weight += w
            row.append(total / weight)
        out.append(row)
    return out


def _correlation(a: list[float], b: list[float]) -> float:
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    da = [v - mean_a for v in a]
    db = [v - mean_b for v in b]
    norm = math.sqrt(sum(v * v for v in da) * sum(v * v for v in db))
    return sum(x * y for x, y in zip(da, db, strict=True)) / norm if norm else 0.0


def similarity(reference: list[list[float]], candidate: list[list[float]]) -> float:
    """How alike two renderings of a line are: both cropped to their ink (as _ink gives them), scaled to HEIGHT
    rows and the reference's width at that height, correlated pixel by pixel."""
    width = max(8, round(len(reference[0]) * HEIGHT / len(reference)))
    a = _resample(reference, width, HEIGHT)
    b = _resample(candidate, width, HEIGHT)
    return _correlation([v for row in a for v in row], [v for row in b for v in row])


def save_png(ink: list[list[float]], path: Path) -> None:
    """A crop as a PNG, to look at what is compared."""
    height, width = len(ink), len(ink[0])
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_Grayscale8)
    for y, row in enumerate(ink):
        for x, v in enumerate(row):
            image.setPixel(x, y, QtGui.qRgb(*(255 - round(v * 255),) * 3))
    image.save(str(path))


# --- the test -------------------------------------------------------------------------------


def measure(tmp_path: Path) -> dict[str, dict[str, float]]:
    """Every case's scores against Qt's rendering: "draw" and "para" for the document's two
    ways of printing a line, "wrong:<kind>" for the wrong renderings."""
    lines = []
    for case in CASES:
        lines += [("draw", case.text), ("para", case.text)]
        lines += [(f"wrong:{kind}", case.text) for kind in case.wrong]
    page = _document_page(tmp_path, lines)
    scores: dict[str, dict[str, float]] = {}
    for index, (how, value) in enumerate(lines):
        case = next(c for c in CASES if c.text == value)
        reference = _qt_rendering(value, case.families)
        scores.setdefault(case.name, {})[how] = similarity(reference, page[index])
    return scores


def test_names_and_addresses_print_as_qt_lays_them_out(qapp: object, tmp_path: Path) -> None:
    scores = measure(tmp_path)
    for case in CASES:
        measured = scores[case.name]
        for how in ("draw", "para"):
            assert measured[how] >= MATCH, (case.name, how, measured)
        for kind in case.wrong:
            assert measured[f"wrong:{kind}"] <= MISMATCH, (case.name, kind, measured)


def test_the_measure_tells_joined_letters_from_unjoined(qapp: object) -> None:
    """The comparison itself, on Qt's renderings alone: a rendering matches itself, and the
    same name with its letters kept apart (a zero-width non-joiner between each two, so Qt
    draws every letter alone) does not pass for it."""
    value = "أحمد الحسن"
    families = ("NotoSansArabic-Regular.ttf",)
    joined = _qt_rendering(value, families)
    assert similarity(joined, _qt_rendering(value, families)) > 0.99
    unjoined = _qt_rendering("\u200c".join(value), families)
    assert similarity(joined, unjoined) <= MISMATCH
