"""The fonts embedded in every document, and text laid out with them: a font per run of
script, the runs of a line in the order the Unicode bidi rules give, shaping where a script
needs it.

reportlab embeds TrueType outlines only. DejaVu Sans prints Latin, Greek and Cyrillic; the
Noto families print Arabic, Hebrew, Devanagari and Thai; WenQuanYi Micro Hei prints Chinese,
Japanese and Korean (resources/README.md names each licence). A run of Arabic is handed to
HarfBuzz (through reportlab's shaping) in its logical order, so its letters join; the runs of
a line are ordered by the bidi rules first, so a right-to-left run reads right to left and a
number inside it left to right. Each shaped glyph prints where HarfBuzz places it (kerning,
marks moved and raised onto their bases), through PositionedText.
"""

from __future__ import annotations

import sys
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont
from reportlab.pdfgen.textobject import PDFTextObject

from app.domain import printable as printable_chars
from app.i18n import _

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@dataclass(frozen=True, slots=True)
class Face:
    """A family embedded for some scripts: its regular and bold cuts (the same file when
    no bold is shipped) and whether its scripts need shaping (joining, reordering marks)."""

    regular: str
    bold: str
    regular_file: str
    bold_file: str
    shaped: bool = False


FACES: tuple[Face, ...] = (
    Face(REGULAR, BOLD, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    Face(
        "NotoSansArabic",
        "NotoSansArabic-Bold",
        "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf",
        shaped=True,
    ),
    Face(
        "NotoSansHebrew",
        "NotoSansHebrew-Bold",
        "NotoSansHebrew-Regular.ttf",
        "NotoSansHebrew-Bold.ttf",
        shaped=True,
    ),
    Face(
        "NotoSansDevanagari",
        "NotoSansDevanagari-Bold",
        "NotoSansDevanagari-Regular.ttf",
        "NotoSansDevanagari-Bold.ttf",
        shaped=True,
    ),
    Face(
        "NotoSansThai",
        "NotoSansThai-Bold",
        "NotoSansThai-Regular.ttf",
        "NotoSansThai-Bold.ttf",
        shaped=True,
    ),
    # No bold cut: Chinese, Japanese and Korean print regular in a bold line.
    Face("WenQuanYiMicroHei", "WenQuanYiMicroHei", "wqy-microhei.ttc", "wqy-microhei.ttc"),
)
BASE = FACES[0]

# Printed where no shipped font has a glyph (text stored before such characters were
# refused at the field): visibly a gap, never a crash or an empty box.
MISSING = "?"

_lock = threading.Lock()


def resources_dir() -> Path:
    """resources/ beside the package, or inside the PyInstaller bundle. Not app.paths: that
    module asks appdirs, and reports depends on app.domain and reportlab only."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root / "resources"


def font_path(file_name: str) -> Path:
    return resources_dir() / "fonts" / file_name


def register() -> None:
    """Register every face once per process; DejaVu as a family, so <b> in a Paragraph works."""
    with _lock:
        if FACES[-1].regular in pdfmetrics.getRegisteredFontNames():
            return
        for face in FACES:
            for name, file_name in ((face.bold, face.bold_file), (face.regular, face.regular_file)):
                if name in pdfmetrics.getRegisteredFontNames():
                    continue
                path = font_path(file_name)
                if not path.is_file():
                    message = _("The document font is missing: {path}").format(path=path)
                    raise FileNotFoundError(message)
                # Shaping only for the scripts that need it: Latin stays as fast as before.
                pdfmetrics.registerFont(TTFont(name, str(path), shapable=face.shaped))
        # No italic cut is shipped: <i> falls back to upright rather than failing.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )


@cache
def _coverage() -> tuple[frozenset[int], ...]:
    """Per face, the characters both its cuts have (not the private code points shaping
    gives glyphs and moves)."""
    register()
    covered = []
    for face in FACES:
        regular = set(pdfmetrics.getFont(face.regular).face.charToGlyph)
        bold = set(pdfmetrics.getFont(face.bold).face.charToGlyph)
        covered.append(frozenset(c for c in regular & bold if c < _PRIVATE_BASE))
    return tuple(covered)


def coverage_ranges() -> list[tuple[int, int]]:
    """What the shipped fonts print, as ranges: the table app/domain/printable.py holds
    (regenerate it with `python -m reports.fonts` when a font changes)."""
    chars = sorted(
        c
        for c in set().union(*_coverage())
        if c >= 0x20 and not 0xE000 <= c <= 0xF8FF and not printable_chars.is_emoji(chr(c))
    )
    ranges: list[list[int]] = []
    for c in chars:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return [(a, b) for a, b in ranges]


# Script blocks printed in their own family, though DejaVu has glyphs for some of them: only
# the Noto families are shaped (Arabic letters joined, Indic marks placed).
_SCRIPT_FACES: tuple[tuple[int, int, int], ...] = (
    (0x0590, 0x05FF, 2),
    (0xFB1D, 0xFB4F, 2),
    (0x0600, 0x06FF, 1),
    (0x0750, 0x077F, 1),
    (0x08A0, 0x08FF, 1),
    (0xFB50, 0xFDFF, 1),
    (0xFE70, 0xFEFF, 1),
    (0x0900, 0x097F, 3),
    (0xA8E0, 0xA8FF, 3),
    (0x0E00, 0x0E7F, 4),
)


@cache
def _face_of(char: str) -> int | None:
    """The face that prints `char`: its script's, else DejaVu, else the first that has it."""
    code = ord(char)
    if printable_chars.is_emoji(char):
        return None
    coverage = _coverage()
    for low, high, index in _SCRIPT_FACES:
        if low <= code <= high and code in coverage[index]:
            return index
    for index, covered in enumerate(coverage):
        if code in covered:
            return index
    return None


def printable(text: str) -> str:
    """`text` with every character no shipped font has replaced by MISSING; joiners,
    variation selectors and control characters (other than line breaks) dropped where no
    font has them, as they print nothing."""
    out = []
    for char in text:
        if char == "\n" or _face_of(char) is not None:
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Mn", "Me", "Cs"):
            continue
        else:
            out.append(MISSING)
    return "".join(out)


# --- runs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a line in one font, in logical order, placed in visual order."""

    text: str
    face: Face
    rtl: bool = False

    def font(self, bold: bool = False) -> str:
        return self.face.bold if bold else self.face.regular

    def glyphs(self, bold: bool = False) -> str:
        """What to print: the text shaped by HarfBuzz for a shaped script (glyphs in visual
        order); else the text, reversed and its brackets mirrored in a right-to-left run."""
        if self.face.shaped:
            return shape(self.text, self.font(bold), self.rtl)
        if self.rtl:
            return "".join(_MIRRORED.get(c, c) for c in reversed(self.text))
        return self.text


_MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
# Glyphs that shaping chose and that no character maps to (Arabic joining forms, ligatures)
# are printed through a private code point of their own: this one plus the glyph's number, the
# same in every process, so a document renders to the same bytes whoever renders it.
_PRIVATE_BASE = 0xF0000
# Where HarfBuzz places a glyph other than at the end of the one before it (kerning, a mark
# attached to its base), the glyph string carries the move as a code point of its own: a shift
# by d font units is _SHIFT_ZERO + d, as wide as the move (so widths, line breaks and
# Paragraph layout measure HarfBuzz's advances); a raise of the next glyph by y units is
# _RISE_ZERO + y, of no width. PositionedText turns them into TJ adjustments and text rise
# when it writes the line; they never reach the font (pdftotext reads the characters only).
_SHIFT_ZERO = 0x104000
_RISE_ZERO = 0x10C000
_MOVE_LIMIT = 0x3FF0  # font units either way; moves beyond are cut to it
_SHIFT_LOW = _SHIFT_ZERO - _MOVE_LIMIT
_RISE_LOW = _RISE_ZERO - _MOVE_LIMIT


def _move_code(ttf: Any, zero: int, units: int, wide: bool) -> str:
    """The code point of a shift (`wide`) or raise by `units` font units in `ttf`, known to
    its face as a blank glyph as wide as the shift (drawn as such by a plain text object)."""
    code = zero + max(-_MOVE_LIMIT, min(_MOVE_LIMIT, units))
    face = ttf.face
    if code not in face.charToGlyph:
        with _lock:
            blank = face.charToGlyph.get(0x20, 0)
            face.charWidths[code] = ttf.pdfScale(units) if wide else 0
            face.charToGlyph[code] = blank
    return chr(code)


@cache
def shape(text: str, font_name: str, rtl: bool) -> str:
    """`text`, in logical order, shaped with HarfBuzz in `font_name`: a string of characters
    for the glyphs in visual order, printed as they are (no further shaping), with a shift
    wherever HarfBuzz moves a glyph off its own advance and a raise for a glyph it lifts
    (a vowel sign, a tone mark, Arabic harakat)."""
    import uharfbuzz

    ttf = pdfmetrics.getFont(font_name)
    face = ttf.face
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    font = uharfbuzz.Font(ttf.hbFace)
    uharfbuzz.shape(font, buffer, {"kern": True, "liga": True})
    out = []
    shift = 0  # font units still to move before the next glyph
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        gid = info.codepoint
        own = face.hmetrics[gid][0]
        shift += position.x_offset
        if shift:
            out.append(_move_code(ttf, _SHIFT_ZERO, shift, wide=True))
        if position.y_offset:
            out.append(_move_code(ttf, _RISE_ZERO, position.y_offset, wide=False))
        shift = position.x_advance - own - position.x_offset
        chars = face.glyphToChar.get(gid)
        if chars and face.charToGlyph.get(chars[0]) == gid:
            out.append(chr(chars[0]))
            continue
        code = _PRIVATE_BASE + gid
        with _lock:
            if code not in face.charToGlyph:
                face.charToGlyph[code] = gid
                face.glyphToChar.setdefault(gid, []).append(code)
                face.charWidths[code] = ttf.pdfScale(own)
        out.append(chr(code))
    if shift:
        out.append(_move_code(ttf, _SHIFT_ZERO, shift, wide=True))
    return "".join(out)


def positioned(glyphs: str, font_name: str) -> str:
    """A glyph string as `shape` gives it, its shifts and raises taken out and put into
    reportlab's per-glyph positions (a ShapedStr, which a text object writes as a TJ array
    with text rise): the same string when it has none."""
    if not glyphs or max(glyphs) < chr(_SHIFT_LOW):
        return glyphs
    ttf = pdfmetrics.getFont(font_name)
    widths = ttf.face.charWidths
    chars: list[str] = []
    data: list[ShapeData] = []
    shift = rise = 0.0  # in thousandths of the font size, as reportlab's positions are
    for char in glyphs:
        code = ord(char)
        if code >= _RISE_LOW:
            rise = ttf.pdfScale(code - _RISE_ZERO)
        elif code >= _SHIFT_LOW:
            shift += widths[code]
        else:
            width = widths.get(code, ttf.face.defaultWidth)
            chars.append(char)
            # cluster 0 throughout: one TJ array for the run, broken only where rise changes
            data.append(ShapeData(0, shift + width, 0, shift, rise, width))
            shift = rise = 0.0
    if shift and data:
        data[-1] = data[-1]._replace(x_advance=data[-1].x_advance + shift)
    return ShapedStr("".join(chars), shapeData=data)


class PositionedText(PDFTextObject):  # type: ignore[misc]
    """A text object that writes a shaped glyph string's shifts and raises as positions (TJ
    adjustments, text rise), not as characters: what fonts.draw and the documents'
    Paragraphs draw with."""

    def _formatText(self, text: str) -> str:
        if not isinstance(text, ShapedStr):
            text = positioned(text, self._fontname)
        return super()._formatText(text)  # type: ignore[no-any-return]


_STRONG_R = frozenset({"R", "AL"})
_NEUTRAL = frozenset({"ON", "WS", "S", "B", "BN", "ES", "ET", "CS"})


def bidi_levels(text: str) -> list[int]:
    """The embedding level of each character by the Unicode bidi algorithm (UAX #9) for a
    line without explicit embeddings: the paragraph's direction from its first strong
    character (P2, P3), weak types (W1-W7), neutrals (N1, N2) and implicit levels (I1, I2)."""
    types = [unicodedata.bidirectional(c) or "L" for c in text]
    types = ["BN" if t in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI") else t
             for t in types]  # fmt: skip
    base = 0
    for t in types:
        if t == "L":
            break
        if t in _STRONG_R:
            base = 1
            break
    sos = "R" if base else "L"
    # W1: a mark takes the type of what it marks.
    previous = sos
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = previous
        elif t != "BN":
            previous = t
    # W2, W3: European digits after Arabic letters are Arabic numbers; AL is R.
    strong = sos
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            strong = t
        elif t == "EN" and strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of a kind joins them.
    for i in range(1, len(types) - 1):
        if types[i] == "ES" and types[i - 1] == types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] and types[i - 1] in ("EN", "AN"):
            types[i] = types[i - 1]
    # W5: currency signs and the like beside European digits are digits.
    for i, t in enumerate(types):
        if t == "EN":
            j = i - 1
            while j >= 0 and types[j] == "ET":
                types[j] = "EN"
                j -= 1
            j = i + 1
            while j < len(types) and types[j] == "ET":
                types[j] = "EN"
                j += 1
    # W6: what separates nothing is neutral; W7: European digits after L are L.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    strong = sos
    for i, t in enumerate(types):
        if t in ("L", "R"):
            strong = t
        elif t == "EN" and strong == "L":
            types[i] = "L"
    # N1, N2: neutrals between two of one direction take it; others the paragraph's.
    i = 0
    while i < len(types):
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < len(types) and types[j] in _NEUTRAL:
            j += 1
        before = _direction(types[i - 1]) if i else sos
        after = _direction(types[j]) if j < len(types) else sos
        fill = before if before == after else ("R" if base else "L")
        for k in range(i, j):
            types[k] = fill
        i = j
    levels = []
    for t in types:
        if base == 0:
            levels.append(1 if t == "R" else 2 if t in ("AN", "EN") else 0)
        else:
            levels.append(2 if t in ("L", "AN", "EN") else 1)
    return levels


def _direction(bidi_type: str) -> str:
    return "L" if bidi_type == "L" else "R"


def runs(text: str) -> list[Run]:
    """One line of text as runs in visual order: each in one font, each in logical order
    (shaping wants it so), a right-to-left run's words reversed among themselves."""
    if not text:
        return []
    text = printable(text).replace("\n", " ")
    faces: list[int] = []
    current = 0
    for char in text:
        index = _face_of(char)
        if index is None:
            index = 0
        elif (
            index != current
            and unicodedata.category(char)[0] in "MPZNS"
            and (ord(char) in _coverage()[current])
        ):
            index = current  # spaces, digits, marks and punctuation stay in the run's font
        faces.append(index)
        if unicodedata.category(char)[0] not in "MPZNS" or index != 0:
            current = index
    if not any(unicodedata.bidirectional(c) in _STRONG_R for c in text):
        pieces: list[tuple[int, int, str]] = []
        for char, face in zip(text, faces, strict=True):
            if pieces and pieces[-1][1] == face:
                pieces[-1] = (0, face, pieces[-1][2] + char)
            else:
                pieces.append((0, face, char))
        return [Run(piece, FACES[face]) for _level, face, piece in pieces]
    levels = bidi_levels(text)
    units: list[tuple[int, int, str]] = []
    for char, face, level in zip(text, faces, levels, strict=True):
        space = char == " "
        if units:
            last_level, last_face, last = units[-1]
            # Within a right-to-left run words are units of their own, to be reversed.
            same_word = not (level % 2 and (space or last.endswith(" ")))
            if last_level == level and last_face == face and same_word:
                units[-1] = (level, face, last + char)
                continue
        units.append((level, face, char))
    for depth in range(max(levels), 0, -1):
        ordered: list[tuple[int, int, str]] = []
        i = 0
        while i < len(units):
            if units[i][0] < depth:
                ordered.append(units[i])
                i += 1
                continue
            j = i
            while j < len(units) and units[j][0] >= depth:
                j += 1
            ordered += reversed(units[i:j])
            i = j
        units = ordered
    return [Run(piece, FACES[face], rtl=bool(level % 2)) for level, face, piece in units]


def is_rtl(text: str) -> bool:
    """Whether `text` holds right-to-left script (Arabic, Hebrew)."""
    return any(unicodedata.bidirectional(c) in _STRONG_R for c in text)


def wrap(text: str, size: float, limit: float, bold: bool = False) -> list[str]:
    """One paragraph broken into lines no wider than `limit`, each in logical order. The bidi
    rules order a line's runs only once it is broken (UAX #9 applies them per line): ordering
    the whole paragraph first and breaking it after puts its end on the first line."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if not current or width(candidate, size, bold) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
        # A word wider than the line is cut where it must be.
        while len(current) > 1 and width(current, size, bold) > limit:
            low, high = 1, len(current) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if width(current[:middle], size, bold) <= limit:
                    low = middle
                else:
                    high = middle - 1
            lines.append(current[:low])
            current = current[low:]
    lines.append(current)
    return lines


def markup(text: str, bold: bool = False) -> str:
    """One line of user text as Paragraph markup: escaped, so "J&C <b>" prints as typed;
    each run in its font, in visual order."""
    out = []
    for run in runs(text):
        piece = escape(run.glyphs(bold))
        if run.face is not BASE:
            piece = f'<font name="{run.font(bold)}">{piece}</font>'
        out.append(piece)
    return "".join(out)


def _run_width(run: Run, size: float, bold: bool) -> float:
    return float(pdfmetrics.stringWidth(run.glyphs(bold), run.font(bold), size))


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line drawn with `draw`."""
    return sum(_run_width(run, size, bold) for run in runs(text))


def draw(canvas: Any, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
    """One line of text on a canvas from (x, y) rightwards, its runs each in their font."""
    for run in runs(text):
        canvas.setFont(run.font(bold), size)
        glyphs = run.glyphs(bold)
        if run.face.shaped:
            # As canvas.drawString does, through a text object that writes the positions.
            line = PositionedText(canvas, x, y)
            line.textLine(glyphs)
            canvas.drawText(line)
        else:
            canvas.drawString(x, y, glyphs)
        x += _run_width(run, size, bold)


def _write_table() -> None:
    """Regenerate app/domain/printable.py's table of what the shipped fonts print."""
    path = Path(printable_chars.__file__)
    source = path.read_text(encoding="utf-8")
    start = source.index("RANGES: tuple[tuple[int, int], ...] = (")
    end = source.index(")  # end of RANGES", start)
    rows = "".join(f"    (0x{a:04X}, 0x{b:04X}),\n" for a, b in coverage_ranges())
    path.write_text(
        source[:start] + "RANGES: tuple[tuple[int, int], ...] = (\n" + rows + source[end:],
        encoding="utf-8",
    )


if __name__ == "__main__":
    _write_table()
