"""The one CSV writer of every export: cells a spreadsheet cannot take for a formula, in the
separator and decimal mark a spreadsheet in the reader's locale opens directly.

A text cell that starts with =, +, -, @, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (a brand or a source typed into a public web form
would run in the manager's spreadsheet). As OWASP's CSV-injection guidance recommends, such
a cell is written with a leading apostrophe, which the spreadsheet shows and never runs,
so "+49 170 1234567" still reads as the phone number. Numbers are given as numbers (int or
Decimal), never as text: a negative amount stays a negative number."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from app.i18n import Translator, current

Cell = str | int | Decimal | None
Row = Sequence[Cell]

# What makes a spreadsheet read a cell as a formula (OWASP: CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """A text cell as a spreadsheet shows it and never runs it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def separator(translator: Translator) -> str:
    """The list separator a spreadsheet in the locale splits a CSV file on when it opens
    it: a semicolon where the decimal mark is a comma (German, French, ...), else a comma."""
    return ";" if translator.decimal_symbol() == "," else ","


def cell_text(value: Cell, mark: str = ".") -> str:
    """One cell as written: a number with `mark` for its decimal point and no grouping
    (so the spreadsheet reads it as a number), a text neutralised, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, not a number to a reader
        return neutralised(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", mark)
    return neutralised(value)


def write_csv(path: Path, rows: Iterable[Row], translator: Translator | None = None) -> int:
    """Write the rows to `path` in UTF-8 with a byte-order mark (so Excel reads the accents),
    with the separator and decimal mark of `translator`'s locale (default: the screen's);
    returns the number of rows written."""
    t = translator or current()
    mark, written = t.decimal_symbol(), 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=separator(t), quoting=csv.QUOTE_MINIMAL)
        for row in rows:
            writer.writerow([cell_text(value, mark) for value in row])
            written += 1
    return written
