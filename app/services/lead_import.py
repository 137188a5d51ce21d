"""The CSV lead import: a web-form export read as a stream, checked row by row, written in
one transaction, beside the window."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from app import i18n
from app.db import models as m
from app.db.bulk import insert_rows
from app.db.connection import transaction
from app.db.leads import (
    import_keys_among,
)
from app.domain.choices import Channel, LeadStatus
from app.domain.csv_text import fold as _fold
from app.domain.csv_text import never_closed as _never_closed
from app.domain.csv_text import swallowed as _swallowed
from app.domain.csv_text import wrong_width as _wrong_width
from app.domain.rights import Right
from app.i18n import _, ngettext, pgettext
from app.services import access, accounts, matching, reference, wording
from app.services.leads import (
    INPUT_FIELDS,
    LeadInput,
    field_labels,
    input_values,
    lead_keys,
    validate_lead,
)

# --- import ------------------------------------------------------------------------------------

# Header names a web-form export uses, folded to lower case without spaces, dashes or dots.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "leadid", "reference", "ref", "submissionid", "formid"),
    "first_name": ("firstname", "givenname", "forename", "first", "vorname", "nome", "prenom"),
    "last_name": (
        "lastname",
        "surname",
        "familyname",
        "name",
        "last",
        "nachname",
        "cognome",
        "nom",
    ),
    "company_name": (
        "company",
        "companyname",
        "organisation",
        "organization",
        "firm",
        "firma",
        "azienda",
    ),
    "email": ("email", "emailaddress", "mail", "emailadresse"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "mobile",
        "phonenumber",
        "mobilephone",
        "telefon",
        "telefono",
        "handy",
    ),
    "street": ("street", "address", "streetaddress", "strasse", "indirizzo"),
    "postcode": ("postcode", "zip", "zipcode", "postalcode", "plz", "cap"),
    "city": ("city", "town", "ort", "stadt", "citta"),
    "country": ("country",),
    "language": (
        "language",
        "lang",
        "locale",
        "browserlanguage",
        "acceptlanguage",
        "sprache",
        "lingua",
        "langue",
    ),
    "interest": ("interest", "payment", "paymentmethod", "financing"),
    "condition": ("condition", "newused"),
    "brand": ("brand", "make", "marke", "marca"),
    "vehicle_class": ("class", "vehicleclass", "bodytype"),
    "model": ("model", "vehiclemodel", "modell", "modello"),
    "model_code": ("modelcode",),
    "variant": ("variant", "trim", "version"),
    "channel": ("channel",),
    "source": ("source", "campaign", "utmsource", "website"),
    "notes": ("notes", "message", "comment", "comments", "remarks", "nachricht", "messaggio"),
    "submitted": ("submitted", "date", "createdat", "submittedat", "timestamp"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
# The file is read a batch at a time, so this bounds the transaction, not the memory.
MAX_IMPORT_ROWS = 1_000_000


@dataclass
class ImportReport:
    imported: int = 0
    already_there: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)

    @property
    def summary(self) -> str:
        """ "12 imported, 3 already imported before, 1 refused": the counts, as a list."""
        parts = [ngettext("{n} imported", "{n} imported", self.imported).format(n=self.imported)]
        if self.already_there:
            parts.append(
                ngettext(
                    "{n} already imported before", "{n} already imported before", self.already_there
                ).format(n=self.already_there)
            )
        if self.errors:
            refused = len(self.errors)
            parts.append(ngettext("{n} refused", "{n} refused", refused).format(n=refused))
        return pgettext("list separator", ", ").join(parts)


class ImportRefused(ValueError):
    """The whole file cannot be read (encoding, header): nothing was imported."""


class ImportCancelled(Exception):
    """The import was cancelled before it finished: nothing was written."""


# (bytes of the file read so far, bytes in all): how far an import has come.
ImportProgress = Callable[[int, int], None]
# Rows between two reports of progress (and two looks at whether to cancel).
_BATCH = 1_000
# Rows written at once (a multiple of _BATCH): few enough to keep the memory flat (some
# 10 MB of rows), many enough that SQLite's search indexes are written in few, large
# pieces (a 50 MB file's writes took a sixth less time than at 1,000 rows each).
_WRITE_BATCH = 5 * _BATCH


def _bad_byte_line(handle: BinaryIO) -> int:
    """The line of the first byte that is not UTF-8, read again from the start."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    for raw in iter(lambda: handle.read(64 * 1024), b""):
        try:
            decoder.decode(raw)
        except UnicodeDecodeError as exc:
            return line + raw[: exc.start].count(b"\n")
        line += raw.count(b"\n")
    return line


def _not_utf8(line: int) -> ImportRefused:
    return ImportRefused(
        _(
            "The file is not UTF-8 text (an invalid byte on line {line}). Export it again "
            "as UTF-8 (CSV UTF-8 in a spreadsheet program); nothing was imported."
        ).format(line=line)
    )


def _dialect(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


# How web forms write the time a form was sent, beyond ISO 8601 (which is always read).
_SUBMITTED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M:%S")


def submitted_time(text: str) -> datetime:
    """The time a web form says it was sent ("2026-11-30 14:05", "2026-11-30T13:05:00Z",
    "30.11.2026 14:05"), as local time; ValueError if it is not one."""
    value = text.strip()
    try:
        when = datetime.fromisoformat(
            value.replace("Z", "+00:00") if value.endswith("Z") else value
        )
    except ValueError:
        for pattern in _SUBMITTED_FORMATS:
            try:
                when = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
        else:
            raise
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0) if when.microsecond else when


_INPUT_NAMES = frozenset(INPUT_FIELDS)

# The only column whose text may run over several lines.
_MULTILINE = "notes"


# The columns of a row as the reading makes it, in the order `insert_rows` writes them.
_NAMES = [
    *INPUT_FIELDS,
    "email_key",
    "phone_key",
    "owner_id",
    "status",
    "import_key",
    "disqualify_reason",
    "created_at",
]
# A batch of checked rows to write, by import key (a key met twice in one batch is one lead).
Batch = dict[str, tuple[object, ...]]


def _write(rows: Batch, report: ImportReport) -> None:
    """Insert a batch's rows but those imported before (by an earlier file or batch)."""
    there = import_keys_among(list(rows))
    report.already_there += len(there)
    report.imported += insert_rows("lead", _NAMES, [r for k, r in rows.items() if k not in there])


@dataclass(frozen=True, slots=True)
class Reading:
    """What a file's rows are checked against, read from the database once, before the
    file: the rows can then be read and checked where there is no database (a process of
    their own) while the importing process writes."""

    default_channel: str
    owner_id: int | None
    region: str
    labels: dict[str, str]
    lists: dict[str, list[reference.CodeChoice]]
    import_time: datetime
    # Rows between two reports of progress, and rows written at once (_BATCH, _WRITE_BATCH
    # as the import starts).
    batch: int
    write_batch: int

    @classmethod
    def now(cls, default_channel: str, owner_id: int | None) -> Reading:
        # Rows without a channel take the default, or the first active channel when the
        # default is no longer in use.
        return cls(
            reference.first_active("channel", default_channel),
            owner_id,
            accounts.phone_region(),
            field_labels(),
            {kind: reference.code_entries(kind) for kind in ("channel", "interest")},
            m.now(),
            _BATCH,
            _WRITE_BATCH,
        )


def _read_rows(
    text: io.TextIOWrapper, handle: BinaryIO, reading: Reading, found: ImportReport
) -> Iterator[Batch | int]:
    """The file's rows checked, a batch at a time to write (every `write_batch` rows and
    the last ones), and how far the reading has come (the bytes of the file read, every
    `batch` rows, after the batch that ends there); each row refused and each row met twice
    counted in `found`. Raises ImportRefused when the file cannot be read as a lead
    export."""
    first = text.readline()
    blank_lines = 0  # before the header
    while first and not first.strip():
        blank_lines += 1
        first = text.readline()
    if not first:
        raise ImportRefused(_("The file is empty; nothing was imported."))
    reader = csv.reader(itertools.chain([first], text), delimiter=_dialect(first))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportRefused(
            _("The header row cannot be read ({problem}); nothing was imported.").format(
                problem=exc
            )
        ) from None
    columns = [_ALIAS_TO_FIELD.get(_fold(h)) for h in header]
    present = {c for c in columns if c}
    if not present & {"last_name", "company_name", "first_name"} or not present & {
        "email",
        "phone",
    }:
        shown = ", ".join(h.strip() for h in header[:12]) or _("(empty)")
        raise ImportRefused(
            _(
                "The header row ({columns}) lacks the columns a lead needs: a name column "
                "(last name, first name or company) and an e-mail or phone column. Nothing "
                "was imported."
            ).format(columns=shown)
        )
    # Where each column's text goes: a lead's field, or the row's id or sending time.
    input_at = [(i, c) for i, c in enumerate(columns) if c in _INPUT_NAMES]
    other_at = {c: i for i, c in enumerate(columns) if c and c not in _INPUT_NAMES}
    region, labels, lists = reading.region, reading.labels, reading.lists
    default_channel, owner_id = reading.default_channel, reading.owner_id
    new = LeadStatus.NEW.value
    rows: Batch = {}
    seen = swallowed_to = 0
    end = reader.line_num
    import_time = reading.import_time
    try:
        for record in reader:
            # The lines of the file this row was read from (a quoted field may span several).
            start, end = end + 1, reader.line_num
            line = start + blank_lines
            if not "".join(record).strip():  # blank cells only
                continue
            seen += 1
            if seen > MAX_IMPORT_ROWS:
                raise ImportRefused(
                    _("The file has more than {n} rows; split it. Nothing was imported.").format(
                        n=wording.number(MAX_IMPORT_ROWS)
                    )
                )
            if seen % reading.batch == 0:
                if rows and seen % reading.write_batch == 0:
                    yield rows
                    rows = {}
                yield handle.tell()
            if end > start and (
                len(record) != len(header)
                or any(
                    "\n" in cell or "\r" in cell
                    for c, cell in zip(columns, record, strict=False)
                    if c != _MULTILINE
                )
            ):
                # A quote left open swallowed the lines after it into this row.
                found.errors.append((line, _swallowed(end + blank_lines)))
                swallowed_to = end
                continue
            if len(record) != len(header):
                found.errors.append((line, _wrong_width(len(record), len(header))))
                continue
            # A field named by two columns takes the later one's text.
            given: dict[str, Any] = {name: record[i].strip() for i, name in input_at}
            data = LeadInput(**given)
            values = {name: record[i].strip() for name, i in other_at.items()}
            data.channel = data.channel or default_channel
            validator = validate_lead(data, region, labels, lists=lists)
            received = import_time
            if values.get("submitted"):
                try:
                    received = submitted_time(values["submitted"])
                except ValueError:
                    validator.error(
                        "submitted",
                        _(
                            "“{text}” is not a date and time the import reads as when the "
                            "form was sent; write it as 2026-11-30 14:05."
                        ).format(text=values["submitted"][:40]),
                    )
            if validator.errors:
                found.errors.append((line, "; ".join(validator.errors.values())))
                continue
            key = _import_key(values, data)
            if key in rows:
                found.already_there += 1
                continue
            keys = lead_keys(data, region)
            rows[key] = (
                *input_values(data),
                keys["email_key"],
                keys["phone_key"],
                owner_id,
                new,
                key,
                "",
                received,
            )
    except csv.Error as exc:
        start = end + 1 + blank_lines
        if reader.line_num + blank_lines > start:
            message = _(
                "A quote opened on line {line} is never closed: the lines after it up to "
                "line {last} were read as one field ({problem}). Close the quote on line "
                "{line}; nothing was imported."
            ).format(line=start, last=reader.line_num + blank_lines, problem=exc)
        else:
            message = _(
                "Line {line} cannot be read as CSV ({problem}); nothing was imported."
            ).format(line=start, problem=exc)
        raise ImportRefused(message) from None
    if swallowed_to == end and end > 0 and not text.read(1):
        # The last row ran to the end of the file: its quote was never closed.
        found.errors[-1] = (found.errors[-1][0], _never_closed())
    yield rows


def _progressed(
    done: int, total: int, progress: ImportProgress | None, cancelled: Callable[[], bool] | None
) -> None:
    if progress is not None:
        progress(done, total)
    if cancelled is not None and cancelled():
        raise ImportCancelled


def _import(
    text: io.TextIOWrapper,
    handle: BinaryIO,
    total: int,
    reading: Reading,
    progress: ImportProgress | None,
    cancelled: Callable[[], bool] | None,
) -> ImportReport:
    """The file read, checked and written in this process, one transaction."""
    report = ImportReport()
    with transaction():
        for item in _read_rows(text, handle, reading, report):
            if isinstance(item, int):
                _progressed(item, total, progress, cancelled)
            else:
                _write(item, report)
    return report


# The file read and checked in a process of its own while this one writes (two cores at
# work instead of one) from this size on; below it, starting the process costs more than
# it saves.
BESIDE_FROM = 4 * 1024 * 1024
# A child started afresh, never forked: the window's process has threads (Qt's) that a fork
# would copy in whatever state they were.
_CONTEXT = multiprocessing.get_context("spawn")


def _import_beside(
    path: Path,
    total: int,
    reading: Reading,
    progress: ImportProgress | None,
    cancelled: Callable[[], bool] | None,
) -> ImportReport:
    """The file read and checked by a process of its own (`_read_beside`), a batch ahead
    of this one, which writes each batch as it comes, all in one transaction: the same
    rows, refusals and report as `_import`."""
    received, sent = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(
        target=_read_beside,
        args=(str(path), reading, i18n.language(), sent),
        name="showroom lead import",
        daemon=True,
    )
    child.start()
    sent.close()
    report = ImportReport()
    try:
        with transaction():
            while True:
                while not received.poll(0.1):
                    if cancelled is not None and cancelled():
                        raise ImportCancelled
                try:
                    what, value = received.recv()
                except EOFError:
                    child.join(5)
                    raise RuntimeError(
                        _("The import stopped unexpectedly (exit code {code}).").format(
                            code=child.exitcode
                        )
                    ) from None
                if what == "rows":
                    _write(value, report)
                elif what == "at":
                    _progressed(value, total, progress, cancelled)
                elif what == "refused":
                    raise ImportRefused(value)
                elif what == "done":
                    errors, already_there = value
                    report.errors, report.already_there = (
                        errors,
                        report.already_there + already_there,
                    )
                    return report
                else:
                    raise RuntimeError(value)
    finally:
        received.close()
        if child.is_alive():
            child.kill()
        child.join()


def _read_beside(path: str, reading: Reading, language: str, sent: Any) -> None:
    """In a process of its own: the file's rows read and checked (`_read_rows`), each
    batch and how far it has come sent to the importing process, then what was refused;
    or why the file cannot be imported."""
    i18n.set_language(language)
    found = ImportReport()
    try:
        with open(path, "rb") as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            try:
                for item in _read_rows(text, handle, reading, found):
                    sent.send(("at", item) if isinstance(item, int) else ("rows", item))
            except UnicodeDecodeError:
                raise _not_utf8(_bad_byte_line(handle)) from None
            finally:
                text.detach()
    except ImportRefused as exc:
        sent.send(("refused", str(exc)))
    except Exception as exc:
        sent.send(("failed", f"{type(exc).__name__}: {exc}"))
    else:
        sent.send(("done", (found.errors, found.already_there)))
    finally:
        sent.close()


def import_csv(
    source: Path | bytes,
    default_channel: str = Channel.WEB_FORM.value,
    owner_id: int | None = None,
    progress: ImportProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
    beside: bool | None = None,
) -> ImportReport:
    """Import leads from a web-form CSV export (header row; UTF-8 with or without BOM;
    comma or semicolon). Each row is imported or reported with its line number; a bad
    row never stops the good ones; a row imported before is not imported again; the time
    the form was sent, when the file has it, is the lead's received time.

    The file is read as it is imported, a batch of rows at a time, never whole; all of
    it is one transaction. `progress` hears how far it has come after each batch, and
    when `cancelled()` says so it stops with ImportCancelled, having written nothing.
    A file of BESIDE_FROM bytes or more is read and checked in a process of its own while
    this one writes (`beside`: whether, regardless of its size)."""
    access.require(Right.IMPORT_DATA)
    reading = Reading.now(default_channel, owner_id)
    if isinstance(source, Path) and (
        beside if beside is not None else source.stat().st_size >= BESIDE_FROM
    ):
        total = source.stat().st_size
        report = _import_beside(source, total, reading, progress, cancelled)
    else:
        report, total = _import_here(source, reading, progress, cancelled)
    if progress is not None:
        progress(total, total)
    return report


def _import_here(
    source: Path | bytes,
    reading: Reading,
    progress: ImportProgress | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[ImportReport, int]:
    """`_import` on the file or bytes, opened as text here: the report and the bytes read."""
    handle: BinaryIO = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with handle:
        total = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            return _import(text, handle, total, reading, progress, cancelled), total
        except UnicodeDecodeError:
            raise _not_utf8(_bad_byte_line(handle)) from None
        finally:
            text.detach()


def _import_key(values: dict[str, str], data: LeadInput) -> str:
    """The row's own id when the export has one, else a digest of what the customer sent."""
    if values.get("external_id"):
        basis = f"id|{data.source}|{values['external_id']}"
    else:
        basis = "|".join(
            [
                matching.email_key(data.email),
                matching.phone_key(data.phone),
                matching.name_key(data.first_name, data.last_name, data.company_name),
                data.brand.lower(),
                data.model.lower(),
                data.notes,
                values.get("submitted", ""),
            ]
        )
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
