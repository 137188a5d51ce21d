"""Importing a DMS's stock export or a manufacturer's price list, step by step: the file and
how it is written, the columns, a preview of the first rows as they will be read, a dry run
that lists what an import would do, and the import with its progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import csv_text
from app.domain.import_columns import fields_of
from app.i18n import N_, _
from app.services import import_process
from app.services import vehicle_imports as imports
from app.services.vehicle_imports import (
    FileFormat,
    FileRefused,
    ImportCancelled,
    ImportFile,
    ImportResult,
    PreviewRow,
)
from ui.common.import_worker import (
    PROGRESS_STEPS,
    CsvFileBox,
    ImportWorker,
    RefusedRowsModel,
    path_problem,
)
from ui.common.qt import (
    ALIGN_LEFT,
    INTERACTIVE,
    PLAIN_TEXT,
    SELECT_ROWS,
    STRETCH,
    TO_CONTENTS,
    TOOLTIP,
)
from ui.common.table_model import Column, RowTableModel
from ui.common.texts import FieldLabel
from ui.common.widgets import FieldBox

FILE, COLUMNS, PREVIEW, DRY_RUN, IMPORT = range(5)


class PreviewModel(RowTableModel[PreviewRow]):
    """The first rows of the file as the import will read them; a refused row's reasons
    in full in its tooltip, the column being narrow."""

    COL_PROBLEMS = 1

    def cell_data(self, row: PreviewRow, column: Column[Any], role: int) -> Any:
        if role == TOOLTIP and row.problems:
            return "\n".join(row.problems)
        return super().cell_data(row, column, role)


def _preview_columns(kind: str) -> list[Column[PreviewRow]]:
    columns: list[Column[PreviewRow]] = [
        Column(N_("Line"), lambda r: str(r.line), figure=True),
        Column(N_("What is wrong"), lambda r: "; ".join(r.problems)),
    ]
    for f in fields_of(kind):
        columns.append(
            Column(
                FieldLabel(f.label_key),
                _shown_value(f.name),
                figure=f.name in ("list_price", "mileage_km"),
            )
        )
    return columns


def _shown_value(name: str) -> Callable[[PreviewRow], str]:
    return lambda row: row.shown.get(name, "")


def _combo(choices: list[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox()
    for code, text in choices:
        combo.addItem(text, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class VehicleImportDialog(QDialog):
    """Import a stock export (kind STOCK) or a price list (kind CATALOGUE) in five steps.
    Emits `imported` after an import that wrote anything."""

    imported = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(
            _("Import the stock from a DMS export")
            if kind == imports.STOCK
            else _("Import a price list into the catalogue")
        )
        self.setMinimumSize(760, 520)
        self.file: ImportFile | None = None
        self.mapping: dict[str, int] = {}
        self.outcome: ImportResult | None = None
        self.worker: ImportWorker | None = None
        self._worker_dry_run = True

        self.steps = QStackedWidget()
        self.steps.addWidget(self._file_page())
        self.steps.addWidget(self._columns_page())
        self.steps.addWidget(self._preview_page())
        self.steps.addWidget(self._dry_run_page())
        self.steps.addWidget(self._import_page())

        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-weight: bold;")
        # Back before Next, as an assistant has them on every platform.
        self.back_button = QPushButton(_("< &Back"))
        self.next_button = QPushButton(_("&Next >"))
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel the import"))
        self.close_button = QPushButton(_("&Close"))
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button, self.close_button):
            button.setAutoDefault(button is self.next_button)
            self.buttons.addWidget(button)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.steps, 1)
        layout.addLayout(self.buttons)
        self._show_step(FILE)

    # --- the pages -------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "A CSV file from the dealer management system: one vehicle a row, a header "
                "row naming the columns. Its encoding, separator and number and date formats "
                "are read from the file; change them here when they are read wrongly."
            )
            if self.kind == imports.STOCK
            else _(
                "A manufacturer's price list as a CSV file: one model code and variant a row, "
                "a header row naming the columns. Its encoding, separator and number format "
                "are read from the file; change them here when they are read wrongly."
            )
        )
        intro.setWordWrap(True)
        self.file_box = CsvFileBox(_("Choose the CSV file"))
        self.path_edit, self.browse_button = self.file_box.path_edit, self.file_box.browse_button
        self.file_box.chosen.connect(self._read)
        self.path_edit.editingFinished.connect(self._path_entered)
        self.saved = QComboBox()
        self.saved.activated.connect(self._saved_chosen)
        self.encoding = _combo(
            [(e, csv_text.encoding_name(e)) for e in csv_text.ENCODINGS], csv_text.UTF8
        )
        self.separator = _combo([(s, csv_text.separator_name(s)) for s in csv_text.SEPARATORS], ",")
        self.decimal = _combo(
            [
                ("", csv_text.decimal_name("")),
                (csv_text.DECIMAL_COMMA, csv_text.decimal_name(csv_text.DECIMAL_COMMA)),
                (csv_text.DECIMAL_POINT, csv_text.decimal_name(csv_text.DECIMAL_POINT)),
            ],
            "",
        )
        self.dates = _combo(
            [
                ("", csv_text.date_format_name("")),
                (csv_text.DAY_MONTH_YEAR, csv_text.date_format_name(csv_text.DAY_MONTH_YEAR)),
                (csv_text.MONTH_DAY_YEAR, csv_text.date_format_name(csv_text.MONTH_DAY_YEAR)),
            ],
            "",
        )
        self.encoding.activated.connect(self._reread)
        self.separator.activated.connect(self._reread)
        self.found = QLabel()
        self.found.setTextFormat(PLAIN_TEXT)
        self.found.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&File"), self.file_box)
        form.addRow(_("Saved &mapping"), self.saved)
        form.addRow(_("&Encoding"), self.encoding)
        form.addRow(_("&Separator"), self.separator)
        form.addRow(_("&Numbers"), self.decimal)
        if self.kind == imports.STOCK:
            form.addRow(_("&Dates"), self.dates)
        else:
            self.dates.hide()
        for widget in (self.saved, self.encoding, self.separator, self.decimal, self.dates):
            label = form.labelForField(widget)
            if isinstance(label, QLabel):
                label.setBuddy(widget)
        label = form.labelForField(self.file_box)
        if isinstance(label, QLabel):
            label.setBuddy(self.path_edit)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.found)
        layout.addStretch(1)
        self._fill_saved()
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Which column of the file holds each field: proposed from the headers. The "
                "fields marked * are needed; a field without a column is left as it is on "
                "an update."
            )
        )
        intro.setWordWrap(True)
        self.column_combos: dict[str, QComboBox] = {}
        inner = QWidget()
        form = QFormLayout(inner)
        for f in fields_of(self.kind):
            combo = QComboBox()
            combo.currentIndexChanged.connect(self._columns_changed)
            self.column_combos[f.name] = combo
            form.addRow(f.label + (" *" if f.required else ""), combo)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.columns_message = QLabel()
        self.columns_message.setTextFormat(PLAIN_TEXT)
        self.columns_message.setWordWrap(True)
        self.columns_message.setStyleSheet("color: #b00020;")
        self.mapping_name = QLineEdit()
        self.mapping_name.setPlaceholderText(_("A name for this mapping, e.g. the DMS's"))
        self.save_button = QPushButton(_("&Save the mapping"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_mapping)
        self.save_box = FieldBox(self.mapping_name, self.save_button)
        self.mapping_name.textEdited.connect(self.save_box.clear_message)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.columns_message)
        layout.addWidget(self.save_box)
        return page

    def _table(self, model: RowTableModel) -> QTableView:  # type: ignore[type-arg]
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(SELECT_ROWS)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.horizontalHeader().setDefaultAlignment(ALIGN_LEFT)
        table.horizontalHeader().setSectionResizeMode(TO_CONTENTS)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _preview_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(_("The first rows of the file as they will be read and kept."))
        intro.setWordWrap(True)
        self.preview_model = PreviewModel(self, columns=_preview_columns(self.kind))
        self.preview_table = self._table(self.preview_model)
        header = self.preview_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(PreviewModel.COL_PROBLEMS, INTERACTIVE)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.preview_table, 1)
        return page

    def _dry_run_page(self) -> QWidget:
        page = QWidget()
        self.dry_summary = QLabel()
        self.dry_summary.setTextFormat(PLAIN_TEXT)
        self.dry_summary.setWordWrap(True)
        self.dry_summary.setStyleSheet("font-weight: bold;")
        self.add_models = QCheckBox()
        self.add_models.toggled.connect(self._run_dry)
        self.add_models.setVisible(False)
        self.dry_model = RefusedRowsModel(self)
        self.dry_table = self._table(self.dry_model)
        self.dry_table.horizontalHeader().setSectionResizeMode(
            RefusedRowsModel.COL_PROBLEM, STRETCH
        )
        self.dry_progress = QProgressBar()
        self.dry_progress.setRange(0, PROGRESS_STEPS)
        self.dry_progress.setFormat(_("Reading… %p%"))
        layout = QVBoxLayout(page)
        layout.addWidget(self.dry_summary)
        layout.addWidget(self.add_models)
        layout.addWidget(self.dry_table, 1)
        layout.addWidget(self.dry_progress)
        return page

    def _import_page(self) -> QWidget:
        page = QWidget()
        self.import_summary = QLabel()
        self.import_summary.setTextFormat(PLAIN_TEXT)
        self.import_summary.setWordWrap(True)
        self.import_summary.setStyleSheet("font-weight: bold;")
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setFormat(_("Importing… %p%"))
        self.import_model = RefusedRowsModel(self)
        self.import_table = self._table(self.import_model)
        self.import_table.horizontalHeader().setSectionResizeMode(
            RefusedRowsModel.COL_PROBLEM, STRETCH
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.import_summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.import_table, 1)
        return page

    # --- moving between the steps ----------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        titles = {
            FILE: _("Step 1 of 5: the file"),
            COLUMNS: _("Step 2 of 5: the columns"),
            PREVIEW: _("Step 3 of 5: preview"),
            DRY_RUN: _("Step 4 of 5: dry run"),
            IMPORT: _("Step 5 of 5: import"),
        }
        self.step_label.setText(titles[step])
        running = self.worker is not None
        self.back_button.setEnabled(step > FILE and not running)
        self.back_button.setVisible(step != IMPORT or not running)
        self.next_button.setText(_("&Import") if step == DRY_RUN else _("&Next >"))
        self.next_button.setVisible(step < IMPORT)
        self.next_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.close_button.setVisible(not running)

    def back(self) -> None:
        step = self.steps.currentIndex()
        if step > FILE and self.worker is None:
            self._show_step(FILE if step == IMPORT else step - 1)

    def next(self) -> None:
        step = self.steps.currentIndex()
        if self.worker is not None:
            return
        if step == FILE:
            if self._read():
                self._show_step(COLUMNS)
        elif step == COLUMNS:
            if self._columns_ready():
                self._fill_preview()
                self._show_step(PREVIEW)
        elif step == PREVIEW:
            self._show_step(DRY_RUN)
            self._run_dry()
        elif step == DRY_RUN:
            self._show_step(IMPORT)
            self._start(dry_run=False)

    # --- step 1: the file ------------------------------------------------------------------

    def _path_entered(self) -> None:
        if self.path_edit.text().strip() and (
            self.file is None or str(self.file.path) != self.path_edit.text().strip()
        ):
            self._read()

    def _fill_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem(_("(propose from the headers)"), "")
        for name in imports.mapping_names(self.kind):
            self.saved.addItem(name, name)

    def _read(self, encoding: str = "", separator: str = "") -> bool:
        """Read the file (in the encoding and with the separator given, else as found), and
        propose the columns and formats; False, with the reason under the field, if it
        cannot be read."""
        problem = path_problem(self.path_edit.text())
        if problem:
            self.file_box.show_error(problem)
            return False
        path = Path(self.path_edit.text().strip()).expanduser()
        try:
            self.file = imports.read_file(path, self.kind, encoding, separator)
        except FileRefused as exc:
            self.file_box.show_error(str(exc))
            return False
        self.file_box.clear_message()
        name = self.saved.currentData() or ""
        if name:
            saved = imports.load_mapping(self.kind, name)
            self.mapping, fmt = imports.apply_mapping(self.file, saved)
        else:
            self.mapping = imports.propose_mapping(self.file)
            fmt = self.file.format
        self._show_format(fmt)
        self._fill_columns()
        return True

    def _show_format(self, fmt: FileFormat) -> None:
        assert self.file is not None
        for combo, value in (
            (self.encoding, fmt.encoding),
            (self.separator, fmt.separator),
            (self.decimal, fmt.decimal),
            (self.dates, fmt.dates),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        found = self.file.detected
        self.found.setText(
            _(
                "Read from the file: {encoding}; {separator}; numbers: {numbers}; dates: "
                "{dates}. {rows} rows were looked at; {columns} columns."
            ).format(
                encoding=csv_text.encoding_name(found.encoding),
                separator=csv_text.separator_name(found.separator),
                numbers=csv_text.decimal_name(found.decimal),
                dates=csv_text.date_format_name(found.dates),
                rows=len(self.file.sample),
                columns=len(self.file.header),
            )
        )

    def _reread(self) -> None:
        if self.file is not None:
            self._read(self.encoding.currentData(), self.separator.currentData())

    def _saved_chosen(self) -> None:
        if self.file is not None:
            self._read(self.encoding.currentData(), self.separator.currentData())
            self.mapping_name.setText(self.saved.currentData() or "")

    # --- step 2: the columns ---------------------------------------------------------------

    def _fill_columns(self) -> None:
        assert self.file is not None
        for name, combo in self.column_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("(not in the file)"), -1)
            for index, header in enumerate(self.file.header):
                combo.addItem(header or _("(column {n})").format(n=index + 1), index)
            combo.setCurrentIndex(max(0, combo.findData(self.mapping.get(name, -1))))
            combo.blockSignals(False)
        self._columns_changed()

    def _chosen_mapping(self) -> dict[str, int]:
        return {
            name: int(combo.currentData())
            for name, combo in self.column_combos.items()
            if combo.currentData() is not None and int(combo.currentData()) >= 0
        }

    def _columns_changed(self) -> None:
        if self.file is None:
            return
        self.mapping = self._chosen_mapping()
        self.columns_message.setText(self._columns_problem())

    def _columns_problem(self) -> str:
        assert self.file is not None
        missing = imports.missing_columns(self.file, self.mapping)
        if missing:
            return _("The file needs a column for {fields}.").format(fields=", ".join(missing))
        used: dict[int, list[str]] = {}
        for f in fields_of(self.kind):
            if f.name in self.mapping:
                used.setdefault(self.mapping[f.name], []).append(f.label)
        twice = next((names for names in used.values() if len(names) > 1), None)
        if twice:
            return _("One column is chosen for {fields}; a column fills one field.").format(
                fields=", ".join(twice)
            )
        return ""

    def _columns_ready(self) -> bool:
        self._columns_changed()
        return not self.columns_message.text()

    def _format(self) -> FileFormat:
        return FileFormat(
            self.encoding.currentData(),
            self.separator.currentData(),
            self.decimal.currentData(),
            self.dates.currentData(),
        )

    def save_mapping(self) -> None:
        if self.file is None:
            return
        if not self._columns_ready():
            self.save_box.show_error(self.columns_message.text())
            return
        try:
            saved = imports.save_mapping(
                self.kind, self.mapping_name.text(), self.file.header, self.mapping, self._format()
            )
        except ValueError as exc:
            self.save_box.show_error(str(exc))
            return
        self._fill_saved()
        self.saved.setCurrentIndex(max(0, self.saved.findData(saved.name)))
        self.save_box.show_warning(_("Saved as “{name}”.").format(name=saved.name))

    # --- step 3: preview -------------------------------------------------------------------

    def _fill_preview(self) -> None:
        assert self.file is not None
        self.preview_model.set_rows(imports.preview(self.file, self.mapping, self._format()))
        self.preview_table.resizeColumnsToContents()
        self.preview_table.setColumnWidth(
            PreviewModel.COL_PROBLEMS,
            min(self.preview_table.columnWidth(PreviewModel.COL_PROBLEMS), 260),
        )

    # --- steps 4 and 5: the dry run and the import -----------------------------------------

    def _run_dry(self) -> None:
        if self.steps.currentIndex() == DRY_RUN and self.worker is None:
            self._start(dry_run=True)

    def _start(self, dry_run: bool) -> None:
        assert self.file is not None
        file, mapping, fmt = self.file, dict(self.mapping), self._format()
        add = self.add_models.isChecked()

        def job(progress, cancelled):  # type: ignore[no-untyped-def]
            return import_process.run_import(
                file.path, file.kind, mapping, fmt, dry_run, add, progress, cancelled
            )

        worker = self.worker = ImportWorker(
            job, file.path, (ImportCancelled,), (FileRefused,), self
        )
        self._worker_dry_run = dry_run
        bar = self.dry_progress if dry_run else self.progress
        bar.setValue(0)
        bar.setFormat(_("Reading… %p%") if dry_run else _("Importing… %p%"))
        bar.show()
        worker.progressed.connect(bar.setValue)
        worker.done.connect(self._done)
        worker.refused.connect(self._refused)
        worker.cancelled.connect(self._cancelled)
        worker.finished.connect(self._ended)
        if not dry_run:
            self.import_summary.setText(_("Importing…"))
            self.import_model.set_rows([])
        else:
            self.dry_summary.setText(_("Reading the whole file…"))
            self.dry_model.set_rows([])
        self._show_step(self.steps.currentIndex())
        self.add_models.setEnabled(False)
        worker.start()

    def cancel_import(self) -> None:
        if self.worker is not None:
            self.cancel_button.setEnabled(False)
            (self.dry_progress if self._worker_dry_run else self.progress).setFormat(
                _("Cancelling…")
            )
            self.worker.cancel()

    def _listed(self, result: ImportResult) -> list[tuple[int, str]]:
        rows = list(result.refused)
        rows += [
            (line, _("left as it is: {reason}").format(reason=why)) for line, why in result.kept
        ]
        rows += [
            (
                0,
                _("not in the export: {vin} ({number}, {name}); sold elsewhere?").format(
                    vin=code, number=number, name=name
                ),
            )
            for code, number, name in result.missing
        ]
        return rows

    def _done(self, result: ImportResult) -> None:
        self.outcome = result
        if result.dry_run:
            self.dry_summary.setText(
                _("An import would do this: {summary}. Nothing has been written yet.").format(
                    summary=result.summary
                )
            )
            self.dry_model.set_rows(self._listed(result))
            unknown = len(result.unknown_models)
            if self.kind == imports.STOCK and (unknown or self.add_models.isChecked()):
                self.add_models.setText(
                    _(
                        "&Add the models the catalogue lacks ({models}) instead of refusing "
                        "their rows"
                    ).format(
                        models=", ".join(f"{b} {m}" for b, m in result.unknown_models[:5])
                        or _("added")
                    )
                )
                self.add_models.show()
        else:
            self.import_summary.setText(_("Imported: {summary}.").format(summary=result.summary))
            self.import_model.set_rows(self._listed(result))
            if result.added or result.updated or result.models_added:
                self.imported.emit()

    def _refused(self, message: str) -> None:
        if self._worker_dry_run:
            self.dry_summary.setText(message)
        else:
            self.import_summary.setText(message)

    def _cancelled(self) -> None:
        text = _("The import was cancelled; nothing was imported.")
        if self._worker_dry_run:
            self.dry_summary.setText(_("The dry run was cancelled."))
        else:
            self.import_summary.setText(text)

    def _ended(self) -> None:
        if not self._worker_dry_run:
            self.progress.setFormat(_("Done"))
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self.dry_progress.hide()
        self.add_models.setEnabled(True)
        self._show_step(self.steps.currentIndex())

    def reject(self) -> None:
        # Closing while importing cancels the import (nothing is written) and waits for it.
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
        super().reject()


__all__ = ["VehicleImportDialog"]
