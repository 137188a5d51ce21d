"""Reading CSV files other programs wrote: their encoding, separator, number and date formats
told from the file, each value read in the file's format and refused when it reads two ways,
and the rows with their line numbers, a row swallowed by an unclosed quote named as such.
Shared by the lead import and the stock and price-list imports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.i18n import _, ngettext

UTF8_BOM = "utf-8-sig"
UTF8 = "utf-8"
WINDOWS_1252 = "cp1252"
ENCODINGS = (UTF8_BOM, UTF8, WINDOWS_1252)
SEPARATORS = (";", ",", "\t", "|")
# The decimal separator of the file's numbers: "31.490,00" or "31,490.00".
DECIMAL_COMMA = ","
DECIMAL_POINT = "."
# The order of the day, the month and the year in the file's dates.
DAY_MONTH_YEAR = "dmy"
MONTH_DAY_YEAR = "mdy"
YEAR_MONTH_DAY = "ymd"


class FileRefused(ValueError):
    """The whole file cannot be read (encoding, header): nothing was imported."""


@dataclass(frozen=True, slots=True)
class FileFormat:
    """How a file is written: read from it, shown, and overridable. An empty `decimal` or
    `dates` means the file does not tell: a value that reads two ways is then refused."""

    encoding: str = UTF8
    separator: str = ","
    decimal: str = ""
    dates: str = ""


def fold(header: str) -> str:
    """A header as compared: lower case, letters and digits only, accents kept apart
    ("Km-Stand" and "km stand" are one; "Immatricolazione" stays itself)."""
    return "".join(c for c in header.strip().lower() if c.isalnum())


# --- the encoding and the separator --------------------------------------------------------


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """The file's text and the encoding it was read in: UTF-8 (with or without a BOM) when
    it is, else Windows-1252, which an old DMS writes; `encoding` forces one."""
    chosen = encoding or detect_encoding(data)
    try:
        return data.decode(chosen), chosen
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            _(
                "The file cannot be read as {encoding} (an invalid byte on line {line}); "
                "choose its encoding. Nothing was imported."
            ).format(encoding=encoding_name(chosen), line=line)
        ) from None


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return UTF8_BOM
    try:
        data.decode(UTF8)
    except UnicodeDecodeError:
        return WINDOWS_1252
    return UTF8


def encoding_name(encoding: str) -> str:
    return {
        UTF8_BOM: _("UTF-8 with BOM"),
        UTF8: _("UTF-8"),
        WINDOWS_1252: _("Windows-1252 (Western European)"),
    }.get(encoding, encoding)


def separator_name(separator: str) -> str:
    return {
        ";": _("Semicolon (;)"),
        ",": _("Comma (,)"),
        "\t": _("Tab"),
        "|": _("Vertical bar (|)"),
    }.get(separator, separator)


def detect_separator(header_line: str) -> str:
    """The separator the header line uses most, outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


# --- numbers -------------------------------------------------------------------------------

_COMMA_DECIMAL = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$|^-?\d+,\d{1,2}$|^-?\d+,\d{4,}$")
_POINT_DECIMAL = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d+$|^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$")
_COMMA_GROUPS = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")
_POINT_GROUPS = re.compile(r"^-?\d{1,3}(\.\d{3}){2,}$")


def _number_text(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f'€]|EUR|CHF", "", text.strip(), flags=re.IGNORECASE)


def decimal_vote(text: str) -> str:
    """The decimal separator a number's writing proves ("31.490,00": a comma), or ""."""
    raw = _number_text(text)
    if "," in raw and "." in raw:
        return DECIMAL_COMMA if raw.rfind(",") > raw.rfind(".") else DECIMAL_POINT
    if _POINT_GROUPS.match(raw):
        return DECIMAL_COMMA
    if _COMMA_GROUPS.match(raw):
        return DECIMAL_POINT
    if _COMMA_DECIMAL.match(raw) and not re.match(r"^-?\d{1,3},\d{3}$", raw):
        return DECIMAL_COMMA
    if _POINT_DECIMAL.match(raw) and not re.match(r"^-?\d{1,3}\.\d{3}$", raw):
        return DECIMAL_POINT
    return ""


def detect_decimal(samples: Iterable[str]) -> str:
    """The decimal separator the numbers agree on; "" when none tells or they disagree."""
    votes = {decimal_vote(s) for s in samples} - {""}
    return votes.pop() if len(votes) == 1 else ""


def parse_number(text: str, decimal: str) -> Decimal:
    """A number as the file writes it ("31.490,00" with a decimal comma); ValueError with
    the reason when it is none, or, the file's format unknown, when it reads two ways."""
    raw = _number_text(text)
    if not raw:
        raise ValueError(_("it is empty"))
    if not decimal:
        # The file does not say: the number itself must (a user's locale says nothing of
        # how another program wrote it).
        decimal = decimal_vote(raw) or _lone_separator(raw)
        if decimal == "?":
            head, _sep, tail = raw.partition("," if "," in raw else ".")
            raise ValueError(
                _(
                    "“{text}” could be {grouped} or {decimal}; choose the file's number format"
                ).format(text=text.strip(), grouped=head + tail, decimal=f"{head}.{tail}")
            )
        if not decimal:
            decimal = DECIMAL_POINT  # no separator at all: a whole number
    grouping = "." if decimal == DECIMAL_COMMA else ","
    head, point, tail = raw.rpartition(decimal)
    if not point:
        head, tail = raw, ""
    if grouping in tail or (
        head.count(grouping)
        and not re.match(r"^-?\d{1,3}(" + re.escape(grouping) + r"\d{3})+$", head)
    ):
        raise ValueError(
            _("“{text}” is not written as the file's numbers are ({example})").format(
                text=text.strip(), example=number_example(decimal)
            )
        )
    plain = head.replace(grouping, "") + ("." + tail if point else "")
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValueError(_("“{text}” is not a number").format(text=text.strip())) from None
    if not value.is_finite() or not re.match(r"^-?\d*\.?\d*$", plain):
        raise ValueError(_("“{text}” is not a number").format(text=text.strip()))
    return value


def _lone_separator(raw: str) -> str:
    """The decimal separator a number with one separator shows: "?" when it reads two ways
    ("1.234": a thousand and more, or one and a bit), "" when it has none."""
    seps = [c for c in raw if c in ",."]
    if not seps:
        return ""
    if len(seps) > 1:  # "1.234.567": the repeated one groups
        return DECIMAL_COMMA if seps[0] == "." else DECIMAL_POINT
    head, _sep, tail = raw.lstrip("-").partition(seps[0])
    if len(tail) == 3 and head.isdigit() and head[0] != "0" and len(head) <= 3:
        return "?"
    return seps[0]


def number_example(decimal: str) -> str:
    if decimal == DECIMAL_COMMA:
        return "31.490,00"
    if decimal == DECIMAL_POINT:
        return "31,490.00"
    return _("not told by the file")


# --- dates ---------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_THREE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")


def date_vote(text: str) -> str:
    """The order of day and month a date's writing proves ("25/03/2021": day first), or ""."""
    value = text.strip()
    if _ISO.match(value):
        return YEAR_MONTH_DAY
    found = _THREE.match(value)
    if not found:
        return ""
    first, sep, second = int(found.group(1)), found.group(2), int(found.group(3))
    if sep == "." and first <= 31 and second <= 12:
        return DAY_MONTH_YEAR  # dots are always day first
    if first > 12 >= second:
        return DAY_MONTH_YEAR
    if second > 12 >= first:
        return MONTH_DAY_YEAR
    return ""


def detect_dates(samples: Iterable[str]) -> str:
    """The day-month order the dates agree on (ISO dates tell nothing about the others)."""
    votes = {date_vote(s) for s in samples} - {"", YEAR_MONTH_DAY}
    return votes.pop() if len(votes) == 1 else ""


class _TwoReadings(ValueError):
    """A date the file's format leaves open: said as it is, whatever the language."""


def parse_date(text: str, dates: str) -> date:
    """A date as the file writes it: "2021-03-15", "15.03.2021", "03/15/2021" in the file's
    order, or a month alone ("03.2021", "2021-03") read as its first day. ValueError with the
    reason when it is none, or when it reads two ways."""
    value = text.strip()
    try:
        if found := _ISO.match(value):
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _YEAR_MONTH.match(value):
            return date(int(found.group(1)), int(found.group(2)), 1)
        if found := _MONTH_YEAR.match(value):
            return date(int(found.group(2)), int(found.group(1)), 1)
        if found := _THREE.match(value):
            first, sep, second = int(found.group(1)), found.group(2), int(found.group(3))
            year = int(found.group(4))
            order = dates or date_vote(value)
            if sep == "." and not dates:
                order = DAY_MONTH_YEAR
            if not order and first == second:
                order = DAY_MONTH_YEAR
            if not order:
                raise _TwoReadings(
                    _(
                        "“{text}” could be the {day_first} or the {month_first}; choose the "
                        "file's date format"
                    ).format(
                        text=value,
                        day_first=date(year, second, first).isoformat(),
                        month_first=date(year, first, second).isoformat(),
                    )
                )
            if order == MONTH_DAY_YEAR:
                return date(year, first, second)
            return date(year, second, first)
    except _TwoReadings:
        raise
    except ValueError:
        raise ValueError(_("“{text}” is not a date").format(text=value)) from None
    raise ValueError(
        _("“{text}” is not a date (write 2021-03-15, 15.03.2021 or 03.2021)").format(text=value)
    )


def date_format_name(dates: str) -> str:
    return {
        DAY_MONTH_YEAR: _("Day first (25.03.2021, 25/03/2021)"),
        MONTH_DAY_YEAR: _("Month first (03/25/2021)"),
        YEAR_MONTH_DAY: _("Year first (2021-03-25)"),
    }.get(dates, _("Not told by the file"))


def decimal_name(decimal: str) -> str:
    return {
        DECIMAL_COMMA: _("Decimal comma (31.490,00)"),
        DECIMAL_POINT: _("Decimal point (31,490.00)"),
    }.get(decimal, _("Not told by the file"))


# --- rows ----------------------------------------------------------------------------------


def wrong_width(found: int, expected: int) -> str:
    # TRANSLATORS: a refused row of an import, listed beside its line number.
    return ngettext(
        "has {found} field where the header has {expected}",
        "has {found} fields where the header has {expected}",
        found,
    ).format(found=found, expected=expected)


def swallowed(end: int) -> str:
    # TRANSLATORS: a refused row of an import, listed beside the line where it begins.
    return _(
        "a quote opened on this line is not closed until line {end}, so the lines up to it "
        "were read as one row; close the quote where the field ends"
    ).format(end=end)


def never_closed() -> str:
    # TRANSLATORS: a refused row of an import, listed beside the line where it begins.
    return _(
        "a quote opened on this line is never closed, so every line after it was read as "
        "part of this row; close the quote where the field ends and import the file again"
    )


@dataclass(frozen=True, slots=True)
class CsvRow:
    """A row of the file: the line it starts on, its fields, and why it cannot be read
    ("" when it can)."""

    line: int
    cells: list[str]
    problem: str = ""


@dataclass
class CsvTable:
    header: list[str]
    header_line: int
    rows: Iterator[CsvRow]


def read_table(text: str, separator: str) -> CsvTable:
    """The header and the rows of a file's text, blank lines skipped. A row that runs over
    several lines (a quote left open) or has another width than the header carries its
    problem; the rows after it are read on."""
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=separator)
    header: list[str] = []
    header_line = 0
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                header, header_line = record, reader.line_num
                break
    except csv.Error as exc:
        raise FileRefused(
            _("The header row cannot be read ({problem}); nothing was imported.").format(
                problem=exc
            )
        ) from None
    if not header:
        raise FileRefused(_("The file is empty; nothing was imported."))
    return CsvTable([h.strip() for h in header], header_line, _rows(reader, header_line, header))


def _rows(reader: Iterator[list[str]], end: int, header: list[str]) -> Iterator[CsvRow]:
    line_num = getattr(reader, "line_num", 0)
    previous: CsvRow | None = None
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield CsvRow(end + 1, [], str(exc))
            break
        line_num = reader.line_num  # type: ignore[attr-defined]
        start, end = end + 1, line_num
        if not any(cell.strip() for cell in record):
            continue
        if previous is not None:
            yield previous
        if end > start:
            previous = CsvRow(start, record, swallowed(end))
        elif len(record) != len(header):
            previous = CsvRow(start, record, wrong_width(len(record), len(header)))
        else:
            previous = CsvRow(start, record)
    if previous is not None:
        if previous.problem == swallowed(end):
            # The last row ran to the end of the file: its quote was never closed.
            previous = CsvRow(previous.line, previous.cells, never_closed())
        yield previous
