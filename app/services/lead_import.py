"""The CSV lead import: a web-form export read as a stream, checked row by row, written in
one transaction, beside the window."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

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


def _write(rows: dict[str, tuple[object, ...]], names: list[str], report: ImportReport) -> None:
    """Insert a batch's rows but those imported before (by an earlier file or batch)."""
    there = import_keys_among(list(rows))
    report.already_there += len(there)
    report.imported += insert_rows("lead", names, [r for k, r in rows.items() if k not in there])


def import_csv(
    source: Path | bytes,
    default_channel: str = Channel.WEB_FORM.value,
    owner_id: int | None = None,
    progress: ImportProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import leads from a web-form CSV export (header row; UTF-8 with or without BOM;
    comma or semicolon). Each row is imported or reported with its line number; a bad
    row never stops the good ones; a row imported before is not imported again; the time
    the form was sent, when the file has it, is the lead's received time.

    The file is read as it is imported, a batch of rows at a time, never whole; all of
    it is one transaction. `progress` hears how far it has come after each batch, and
    when `cancelled()` says so it stops with ImportCancelled, having written nothing."""
    access.require(Right.IMPORT_DATA)
    handle: BinaryIO = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    with handle:
        total = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            return _import(text, handle, total, default_channel, owner_id, progress, cancelled)
        except UnicodeDecodeError:
            raise _not_utf8(_bad_byte_line(handle)) from None
        finally:
            text.detach()


def _import(
    text: io.TextIOWrapper,
    handle: BinaryIO,
    total: int,
    default_channel: str,
    owner_id: int | None,
    progress: ImportProgress | None,
    cancelled: Callable[[], bool] | None,
) -> ImportReport:
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
    found = {c for c in columns if c}
    if not found & {"last_name", "company_name", "first_name"} or not found & {"email", "phone"}:
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
    region = accounts.phone_region()
    labels = field_labels()
    # Read once for the whole file; rows without a channel take the default, or the first
    # active channel when the default is no longer in use.
    lists = {kind: reference.code_entries(kind) for kind in ("channel", "interest")}
    default_channel = reference.first_active("channel", default_channel)
    report = ImportReport()
    names = [
        *INPUT_FIELDS,
        "email_key",
        "phone_key",
        "owner_id",
        "status",
        "import_key",
        "disqualify_reason",
        "created_at",
    ]
    new = LeadStatus.NEW.value
    # The batch's rows by import key: a key met twice in one batch is one lead.
    rows: dict[str, tuple[object, ...]] = {}
    seen = swallowed_to = 0
    end = reader.line_num
    with transaction():
        import_time = m.now()
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
                        _(
                            "The file has more than {n} rows; split it. Nothing was imported."
                        ).format(n=wording.number(MAX_IMPORT_ROWS))
                    )
                if seen % _BATCH == 0:
                    if rows and seen % _WRITE_BATCH == 0:
                        _write(rows, names, report)
                        rows = {}
                    if progress is not None:
                        progress(handle.tell(), total)
                    if cancelled is not None and cancelled():
                        raise ImportCancelled
                if end > start and (
                    len(record) != len(header)
                    or any(
                        "\n" in cell or "\r" in cell
                        for c, cell in zip(columns, record, strict=False)
                        if c != _MULTILINE
                    )
                ):
                    # A quote left open swallowed the lines after it into this row.
                    report.errors.append((line, _swallowed(end + blank_lines)))
                    swallowed_to = end
                    continue
                if len(record) != len(header):
                    report.errors.append((line, _wrong_width(len(record), len(header))))
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
                    report.errors.append((line, "; ".join(validator.errors.values())))
                    continue
                key = _import_key(values, data)
                if key in rows:
                    report.already_there += 1
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
            report.errors[-1] = (report.errors[-1][0], _never_closed())
        _write(rows, names, report)
    if progress is not None:
        progress(total, total)
    return report


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
