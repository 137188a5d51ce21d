"""The Unicode font embedded in every document, and text made safe to print with it."""

from __future__ import annotations

import sys
import threading
import unicodedata
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.i18n import _

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

# Printed where the font has no glyph (emoji, CJK): visibly a gap, never a crash or an empty box.
MISSING = "?"

_lock = threading.Lock()


def resources_dir() -> Path:
    """resources/ beside the package, or inside the PyInstaller bundle. Not app.paths: that
    module asks appdirs, and reports depends on app.domain and reportlab only."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root / "resources"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / _FILES[name]


def register() -> None:
    """Register regular and bold once per process, as a family so <b> in a Paragraph works."""
    with _lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        for name in (BOLD, REGULAR):
            path = font_path(name)
            if not path.is_file():
                message = _("The document font is missing: {path}").format(path=path)
                raise FileNotFoundError(message)
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # No italic cut is shipped: <i> falls back to upright rather than failing.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )


@cache
def _covered() -> frozenset[int]:
    register()
    maps = []
    for name in (REGULAR, BOLD):
        font = pdfmetrics.getFont(name)
        maps.append(set(font.face.charToGlyph))
    return frozenset(maps[0] & maps[1])


def printable(text: str) -> str:
    """`text` with every character the font lacks replaced by MISSING; joiners, variation
    selectors and control characters (other than line breaks) dropped, as they print nothing."""
    covered = _covered()
    out = []
    for char in text:
        code = ord(char)
        if code in covered or char == "\n":
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Mn", "Me", "Cs"):
            continue
        else:
            out.append(MISSING)
    return "".join(out)
