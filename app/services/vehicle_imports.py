"""Importing a DMS's stock export into the stock and a manufacturer's price list into the
catalogue, from CSV files other programs wrote.

A file is read once (its encoding, separator, number and date formats told from it and
overridable), its columns mapped to fields (proposed from the headers, saved by name), and
every row checked as the stock and catalogue forms check it. A re-import updates by VIN (the
stock) or model code and variant (the catalogue), never adds a second; a reserved or sold
vehicle is never changed; the vehicles the export no longer has are reported, not deleted.
The whole import is one transaction written a batch of rows at a time, each row whole or not
at all; a dry run reports the same without writing, and Cancel rolls everything back."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.db import settings as settings_db
from app.db import stock_import as db
from app.db.connection import transaction
from app.db.opportunity_queries import setting as site_setting
from app.domain import csv_text, money
from app.domain import import_columns as cols
from app.domain.choices import Condition
from app.domain.csv_text import FileFormat, FileRefused
from app.domain.rights import Right
from app.i18n import _, current, ngettext, pgettext
from app.services import access

STOCK = cols.STOCK
CATALOGUE = cols.CATALOGUE
# Rows between two reports of progress (and two looks at whether to cancel), and rows
# written at once.
BATCH = 1_000
# The rows read ahead to tell the file's formats and to show in the preview.
SAMPLE_ROWS = 500
MAX_FILE_BYTES = 256 * 1024 * 1024
_MAPPING_PREFIX = "import_mapping"

__all__ = ["CATALOGUE", "STOCK", "FileFormat", "FileRefused"]


class ImportCancelled(Exception):
    """The import was cancelled before it finished: nothing was written."""


@dataclass
class ImportFile:
    """A file as the import reads it: its text, how it is written, its header and the rows
    the formats are told from."""

    path: Path
    kind: str
    text: str
    format: FileFormat
    header: list[str]
    sample: list[csv_text.CsvRow]
    # The encoding and separator as found, before any override.
    detected: FileFormat


@dataclass(frozen=True, slots=True)
class PreviewRow:
    line: int
    shown: dict[str, str]  # field -> the value as it will be kept
    problems: list[str]


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    # Rows of reserved or sold vehicles, left as they are (line, why).
    kept: list[tuple[int, str]] = field(default_factory=list)
    # Stock vehicles on file the export no longer has: (VIN, stock number, brand and model).
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    # Models the stock rows name that the catalogue lacks: (brand, model).
    unknown_models: list[tuple[str, str]] = field(default_factory=list)
    models_added: int = 0

    @property
    def summary(self) -> str:
        """ "12 added, 3 updated, 250 unchanged, 1 refused": the counts, as a list."""
        parts = [
            ngettext("{n} added", "{n} added", self.added).format(n=self.added),
            ngettext("{n} updated", "{n} updated", self.updated).format(n=self.updated),
            ngettext("{n} unchanged", "{n} unchanged", self.unchanged).format(n=self.unchanged),
            ngettext("{n} refused", "{n} refused", len(self.refused)).format(n=len(self.refused)),
        ]
        if self.kept:
            parts.append(
                ngettext(
                    "{n} reserved or sold, left as it is",
                    "{n} reserved or sold, left as they are",
                    len(self.kept),
                ).format(n=len(self.kept))
            )
        if self.models_added:
            parts.append(
                ngettext(
                    "{n} model added to the catalogue",
                    "{n} models added to the catalogue",
                    self.models_added,
                ).format(n=self.models_added)
            )
        if self.missing:
            parts.append(
                ngettext(
                    "{n} vehicle on file is not in the export",
                    "{n} vehicles on file are not in the export",
                    len(self.missing),
                ).format(n=len(self.missing))
            )
        return pgettext("list separator", ", ").join(parts)


# --- the file ------------------------------------------------------------------------------


def read_file(path: Path, kind: str, encoding: str = "", separator: str = "") -> ImportFile:
    """Read the file and tell how it is written (encoding, separator; the number and date
    formats once its columns are mapped, see `formats`); `encoding` and `separator` override
    what was found. FileRefused when it cannot be read at all."""
    access.require(Right.IMPORT_DATA)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileRefused(
                _("{path} is {size} MB, far more than an export; is it the right file?").format(
                    path=path, size=current().format_number(size // (1024 * 1024))
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(
            _("{path} cannot be read ({reason}); nothing was imported.").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None
    found_encoding = csv_text.detect_encoding(data)
    text, used = csv_text.decode(data, encoding or found_encoding)
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    found_separator = csv_text.detect_separator(first_line)
    table = csv_text.read_table(text, separator or found_separator)
    sample = [row for _i, row in zip(range(SAMPLE_ROWS), table.rows, strict=False)]
    fmt = FileFormat(used, separator or found_separator)
    detected = FileFormat(found_encoding, found_separator)
    imported = ImportFile(path, kind, text, fmt, table.header, sample, detected)
    mapping = cols.propose_mapping(table.header, kind)
    imported.format = formats(imported, mapping)
    imported.detected = FileFormat(
        found_encoding, found_separator, imported.format.decimal, imported.format.dates
    )
    return imported


def formats(imported: ImportFile, mapping: dict[str, int]) -> FileFormat:
    """The file's formats with its number and date formats told from the mapped columns."""
    return cols.detect_formats(
        [r.cells for r in imported.sample if not r.problem],
        mapping,
        imported.format.encoding,
        imported.format.separator,
    )


def propose_mapping(imported: ImportFile) -> dict[str, int]:
    return cols.propose_mapping(imported.header, imported.kind)


def _default_currency() -> str:
    return site_setting("currency") or money.DEFAULT_CURRENCY


def preview(
    imported: ImportFile, mapping: dict[str, int], fmt: FileFormat, rows: int = 20
) -> list[PreviewRow]:
    """The first rows as they will be read, each value as it will be kept, or the reasons
    its row would be refused."""
    currency, today = _default_currency(), date.today()
    shown: list[PreviewRow] = []
    for row in imported.sample[:rows]:
        if row.problem:
            shown.append(PreviewRow(row.line, {}, [row.problem]))
            continue
        if imported.kind == STOCK:
            values, problems = cols.read_vehicle(row.cells, mapping, fmt, currency, today)
        else:
            values, problems = cols.read_entry(row.cells, mapping, fmt, currency)  # type: ignore[assignment]
        if values is not None:
            texts = {f.name: _shown(values, f.name) for f in cols.fields_of(imported.kind)}
        else:  # what the file has, as it has it
            texts = {
                name: row.cells[column].strip()
                for name, column in mapping.items()
                if column < len(row.cells)
            }
        shown.append(PreviewRow(row.line, texts, problems))
    return shown


def _shown(values: object, name: str) -> str:
    if name == "list_price":
        return cols.money_text(values.list_price_minor, values.currency)  # type: ignore[attr-defined]
    value = getattr(values, name)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if name == "mileage_km":
        return current().format_number(value)
    if name == "condition":
        return Condition(value).label
    return str(value)


# --- saved mappings ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedMapping:
    name: str
    columns: dict[str, str]  # field -> header name
    format: FileFormat


def _mapping_key(kind: str, name: str) -> str:
    return f"{_MAPPING_PREFIX}.{kind}.{name.strip()}"


def mapping_names(kind: str) -> list[str]:
    access.require(Right.IMPORT_DATA)
    prefix = f"{_MAPPING_PREFIX}.{kind}."
    return sorted(k.removeprefix(prefix) for k in db.setting_keys(prefix))


def save_mapping(
    kind: str, name: str, header: Sequence[str], mapping: dict[str, int], fmt: FileFormat
) -> SavedMapping:
    """Keep the mapping by name (the header names, so it fits the next file of the same
    program) with the formats chosen; an existing one of that name is replaced."""
    access.require(Right.IMPORT_DATA)
    if not name.strip():
        raise ValueError(_("Give the mapping a name."))
    if len(name.strip()) > 80:
        raise ValueError(_("A mapping's name has at most 80 characters."))
    columns = {f: header[i] for f, i in mapping.items() if i < len(header)}
    value = json.dumps(
        {
            "columns": columns,
            "encoding": fmt.encoding,
            "separator": fmt.separator,
            "decimal": fmt.decimal,
            "dates": fmt.dates,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    with transaction():
        settings_db.put_setting(_mapping_key(kind, name), value)
    return SavedMapping(name.strip(), columns, fmt)


def load_mapping(kind: str, name: str) -> SavedMapping:
    """The saved mapping; LookupError naming the saved ones when there is none of that name."""
    access.require(Right.IMPORT_DATA)
    raw = settings_db.setting_value(_mapping_key(kind, name))
    if raw is None:
        names = ", ".join(mapping_names(kind)) or _("none")
        raise LookupError(
            _("There is no saved mapping “{name}” (saved: {names}).").format(name=name, names=names)
        )
    data = json.loads(raw)
    return SavedMapping(
        name.strip(),
        dict(data.get("columns", {})),
        FileFormat(
            data.get("encoding", ""),
            data.get("separator", ""),
            data.get("decimal", ""),
            data.get("dates", ""),
        ),
    )


def apply_mapping(imported: ImportFile, saved: SavedMapping) -> tuple[dict[str, int], FileFormat]:
    """The saved mapping on this file: its columns by header name, its formats where it
    chose one."""
    mapping = cols.mapping_by_names(imported.header, saved.columns, imported.kind)
    told = formats(imported, mapping)
    fmt = FileFormat(
        imported.format.encoding,
        imported.format.separator,
        saved.format.decimal or told.decimal,
        saved.format.dates or told.dates,
    )
    return mapping, fmt


def missing_columns(imported: ImportFile, mapping: dict[str, int]) -> list[str]:
    """The labels of the required fields no column is mapped to."""
    return [f.label for f in cols.missing_fields(mapping, imported.kind)]


# --- the import ----------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def run_import(
    imported: ImportFile,
    mapping: dict[str, int],
    fmt: FileFormat,
    dry_run: bool = False,
    add_models: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import the file (or, with `dry_run`, say what an import would do, writing nothing).
    `add_models`: a stock row whose model the catalogue lacks adds it, else the row is
    refused. `progress(rows done, rows in all)` after each batch; `cancelled()` looked at
    after each batch stops with ImportCancelled, nothing written."""
    access.require(Right.IMPORT_DATA)
    missing = missing_columns(imported, mapping)
    if missing:
        raise FileRefused(
            _("The file has no column for {fields}; map one to each. Nothing was imported.").format(
                fields=", ".join(missing)
            )
        )
    if fmt.encoding != imported.format.encoding or fmt.separator != imported.format.separator:
        imported = read_file(imported.path, imported.kind, fmt.encoding, fmt.separator)
    rows = list(csv_text.read_table(imported.text, fmt.separator).rows)
    result = ImportResult(imported.kind, dry_run)
    with transaction():
        if imported.kind == STOCK:
            _StockImport(result, mapping, fmt, add_models, dry_run).run(rows, progress, cancelled)
        else:
            _CatalogueImport(result, mapping, fmt, dry_run).run(rows, progress, cancelled)
    result.refused.sort()
    return result


def _duplicates(keys: dict[int, str]) -> dict[str, list[int]]:
    """The keys met on more than one line, with their lines."""
    lines: dict[str, list[int]] = {}
    for line, key in keys.items():
        lines.setdefault(key, []).append(line)
    return {k: v for k, v in lines.items() if len(v) > 1}


def _lines(lines: list[int]) -> str:
    return pgettext("list separator", ", ").join(str(n) for n in lines)


class _Import:
    """What both imports share: reading the rows in batches, reporting progress, writing."""

    table = ""

    def __init__(
        self, result: ImportResult, mapping: dict[str, int], fmt: FileFormat, dry_run: bool
    ) -> None:
        self.result, self.mapping, self.fmt, self.dry_run = result, mapping, fmt, dry_run
        self.currency = _default_currency()
        self.inserts: list[tuple[object, ...]] = []
        self.updates: list[tuple[int, dict[str, tuple[object, object]]]] = []

    def run(
        self,
        rows: list[csv_text.CsvRow],
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.prepare(rows)
        total = len(rows)
        for done, row in enumerate(rows, 1):
            if row.problem:
                self.result.refused.append((row.line, row.problem))
            else:
                self.row(row)
            if done % BATCH == 0 or done == total:
                self.flush()
                if progress is not None:
                    progress(done, total)
                if cancelled is not None and cancelled():
                    raise ImportCancelled
        self.finish()

    def prepare(self, rows: list[csv_text.CsvRow]) -> None:
        raise NotImplementedError

    def row(self, row: csv_text.CsvRow) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def flush(self) -> None:
        if not self.dry_run:
            db.insert_records(self.table, self.names, self.inserts)
            db.update_records(self.table, self.updates)
        self.inserts, self.updates = [], []

    names: tuple[str, ...] = ()

    def compare(self, row_id: int, stored: dict[str, object], new: dict[str, object]) -> None:
        change = {k: (stored[k], v) for k, v in new.items() if stored[k] != v}
        if change:
            self.result.updated += 1
            self.updates.append((row_id, change))
        else:
            self.result.unchanged += 1


# The fields an import may set, by the mapped field they come from.
_STOCK_COLUMNS = {
    "vin": ("vin",),
    "stock_number": ("stock_number",),
    "condition": ("condition",),
    "brand": ("brand",),
    "vehicle_class": ("vehicle_class",),
    "model": ("model",),
    "model_code": ("model_code",),
    "variant": ("variant",),
    "colour": ("colour",),
    "first_registration": ("first_registration",),
    "mileage_km": ("mileage_km",),
    "list_price": ("list_price_minor", "currency"),
    "currency": ("currency",),
}


class _StockImport(_Import):
    table = "vehicle"
    names = (*db.VEHICLE_FIELDS, "use", "vat_treatment")

    def __init__(
        self,
        result: ImportResult,
        mapping: dict[str, int],
        fmt: FileFormat,
        add_models: bool,
        dry_run: bool,
    ) -> None:
        super().__init__(result, mapping, fmt, dry_run)
        self.add_models = add_models
        self.today = date.today()
        self.stock = db.stock_by_vin()
        self.numbers = {
            str(v.values["stock_number"]).casefold(): vin for vin, v in self.stock.items()
        }
        self.models = db.catalogue_models()
        self.seen: set[str] = set()
        self.new_models: list[tuple[object, ...]] = []
        self.unknown: dict[tuple[str, str], tuple[str, str]] = {}

    def prepare(self, rows: list[csv_text.CsvRow]) -> None:
        column = self.mapping["vin"]
        number_column = self.mapping["stock_number"]
        vins = {r.line: csv_text.fold(r.cells[column]).upper() for r in rows if not r.problem}
        numbers = {r.line: r.cells[number_column].strip().casefold() for r in rows if not r.problem}
        self.twice = {
            line: key for key, lines in _duplicates(vins).items() for line in lines if key
        }
        self.twice_lines = {k: v for k, v in _duplicates(vins).items() if k}
        self.number_twice = {k: v for k, v in _duplicates(numbers).items() if k}
        self.seen = {v for v in vins.values() if v}

    def row(self, row: csv_text.CsvRow) -> None:
        result = self.result
        values, problems = cols.read_vehicle(
            row.cells, self.mapping, self.fmt, self.currency, self.today
        )
        if values is None:
            result.refused.append((row.line, "; ".join(problems)))
            return
        if values.vin in self.twice_lines:
            result.refused.append(
                (
                    row.line,
                    _(
                        "the VIN {vin} is on lines {lines} of the file; which is right? Keep one."
                    ).format(vin=values.vin, lines=_lines(self.twice_lines[values.vin])),
                )
            )
            return
        number_key = values.stock_number.casefold()
        if number_key in self.number_twice:
            result.refused.append(
                (
                    row.line,
                    _(
                        "the stock number {number} is on lines {lines} of the file; a stock number "
                        "names one vehicle."
                    ).format(
                        number=values.stock_number, lines=_lines(self.number_twice[number_key])
                    ),
                )
            )
            return
        holder = self.numbers.get(number_key)
        if holder is not None and holder != values.vin:
            result.refused.append(
                (
                    row.line,
                    _(
                        "the stock number {number} is the vehicle {vin}'s; a stock number names one "
                        "vehicle."
                    ).format(number=values.stock_number, vin=holder),
                )
            )
            return
        new = self._fields(values)
        stored = self.stock.get(values.vin)
        model = cols.model_key(values.brand, values.model)
        model_changes = stored is None or model != cols.model_key(
            str(stored.values["brand"]), str(stored.values["model"])
        )
        if model_changes and model not in self.models:
            if not self.add_models:
                self.unknown.setdefault(model, (values.brand, values.model))
                result.refused.append(
                    (
                        row.line,
                        _(
                            "the model {brand} {model} is not in the catalogue; add it there, or have "
                            "the import add it."
                        ).format(brand=values.brand, model=values.model),
                    )
                )
                return
            self.models.add(model)
            self.new_models.append(
                (
                    values.brand,
                    values.vehicle_class,
                    values.model,
                    values.model_code,
                    values.variant,
                    values.list_price_minor,
                    values.currency,
                )
            )
            result.models_added += 1
        if stored is None:
            result.added += 1
            self.inserts.append(
                (*(getattr(values, n) for n in db.VEHICLE_FIELDS), "for_sale", "regular")
            )
            self.numbers[number_key] = values.vin
            return
        changed = {k for k, v in new.items() if stored.values[k] != v}
        if (stored.sold or stored.reserved) and changed:
            why = (
                _("the vehicle {vin} is sold; an import does not change it.")
                if stored.sold
                else _(
                    "the vehicle {vin} is reserved for an open sale; an import does not change it."
                )
            )
            result.kept.append((row.line, why.format(vin=values.vin)))
            return
        old_number = str(stored.values["stock_number"]).casefold()
        if "stock_number" in changed and self.numbers.get(old_number) == values.vin:
            del self.numbers[old_number]
            self.numbers[number_key] = values.vin
        self.compare(stored.id, stored.values, new)

    def _fields(self, values: cols.VehicleValues) -> dict[str, object]:
        """The fields the row sets: those of its mapped columns (a new vehicle: all)."""
        given = {n for f in values.given for n in _STOCK_COLUMNS.get(f, ())}
        given.add("vin")
        return {n: getattr(values, n) for n in db.VEHICLE_FIELDS if n in given}

    def flush(self) -> None:
        if self.new_models and not self.dry_run:
            db.insert_records("catalogue_entry", db.ENTRY_FIELDS, self.new_models)
        self.new_models = []
        super().flush()

    def finish(self) -> None:
        self.result.unknown_models = sorted(self.unknown.values())
        self.result.missing = sorted(
            (vin, str(v.values["stock_number"]), f"{v.values['brand']} {v.values['model']}")
            for vin, v in self.stock.items()
            if vin not in self.seen and not v.sold
        )


_ENTRY_COLUMNS = {
    "brand": ("brand",),
    "vehicle_class": ("vehicle_class",),
    "model": ("model",),
    "model_code": ("model_code",),
    "variant": ("variant",),
    "list_price": ("list_price_minor", "currency"),
    "currency": ("currency",),
}


class _CatalogueImport(_Import):
    table = "catalogue_entry"
    names = db.ENTRY_FIELDS

    def __init__(
        self, result: ImportResult, mapping: dict[str, int], fmt: FileFormat, dry_run: bool
    ) -> None:
        super().__init__(result, mapping, fmt, dry_run)
        self.entries = db.catalogue_by_code()

    def _key(self, row: csv_text.CsvRow) -> str:
        code = row.cells[self.mapping["model_code"]].strip().casefold()
        column = self.mapping.get("variant")
        variant = row.cells[column].strip().casefold() if column is not None else ""
        return f"{code}\x1f{variant}" if code else ""

    def prepare(self, rows: list[csv_text.CsvRow]) -> None:
        keys = {r.line: self._key(r) for r in rows if not r.problem}
        self.twice = {k: v for k, v in _duplicates(keys).items() if k}

    def row(self, row: csv_text.CsvRow) -> None:
        result = self.result
        values, problems = cols.read_entry(row.cells, self.mapping, self.fmt, self.currency)
        if values is None:
            result.refused.append((row.line, "; ".join(problems)))
            return
        key = self._key(row)
        if key in self.twice:
            result.refused.append(
                (
                    row.line,
                    _(
                        "the model code {code} and variant “{variant}” are on lines {lines} of the "
                        "file; which is right? Keep one."
                    ).format(
                        code=values.model_code,
                        variant=values.variant,
                        lines=_lines(self.twice[key]),
                    ),
                )
            )
            return
        given = {n for f in values.given for n in _ENTRY_COLUMNS.get(f, ())} | {"model_code"}
        new = {n: getattr(values, n) for n in db.ENTRY_FIELDS if n in given}
        stored = self.entries.get((values.model_code.casefold(), values.variant.casefold()))
        if stored is None:
            result.added += 1
            self.inserts.append(tuple(getattr(values, n) for n in db.ENTRY_FIELDS))
            return
        self.compare(stored[0], stored[1], new)


# --- the headless commands -----------------------------------------------------------------


def import_path(
    path: Path,
    kind: str,
    mapping_name: str = "",
    dry_run: bool = False,
    add_models: bool = False,
) -> ImportResult:
    """Import a file as the nightly task does: the saved mapping `mapping_name` (its columns
    and formats), else the columns proposed from the headers and the formats told from the
    file. FileRefused when the file cannot be read or lacks a column; LookupError for an
    unknown mapping."""
    access.require(Right.IMPORT_DATA)
    saved = load_mapping(kind, mapping_name) if mapping_name else None
    imported = read_file(
        path,
        kind,
        saved.format.encoding if saved else "",
        saved.format.separator if saved else "",
    )
    if saved is not None:
        mapping, fmt = apply_mapping(imported, saved)
    else:
        mapping = propose_mapping(imported)
        fmt = formats(imported, mapping)
    return run_import(imported, mapping, fmt, dry_run=dry_run, add_models=add_models)


def report_lines(result: ImportResult) -> list[str]:
    """The result as a terminal shows it: the summary, then a line per refused row, per
    vehicle left as it is and per vehicle the export no longer has."""
    lines = [
        _("dry run, nothing written: {summary}").format(summary=result.summary)
        if result.dry_run
        else result.summary
    ]
    for line, why in result.refused:
        lines.append(_("line {line}: refused: {reason}").format(line=line, reason=why))
    for line, why in result.kept:
        lines.append(_("line {line}: left as it is: {reason}").format(line=line, reason=why))
    for brand, model in result.unknown_models:
        lines.append(
            _("not in the catalogue: {brand} {model} (--add-models adds it)").format(
                brand=brand, model=model
            )
        )
    for code, number, name in result.missing:
        lines.append(
            _("not in the export: {vin} ({number}, {name}); sold elsewhere?").format(
                vin=code, number=number, name=name
            )
        )
    return lines
