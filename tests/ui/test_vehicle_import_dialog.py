"""The stock import dialog, step by step, on a German DMS export in Windows-1252: the formats
read and overridable, the columns proposed and saved, the preview, the dry run, the import,
and Cancel with nothing written."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.db import models as m
from app.db.connection import transaction
from app.domain import csv_text, vin
from app.services import vehicle_imports
from app.services.workspace import UserInfo
from ui.admin.vehicle_import_dialog import (
    COLUMNS,
    DRY_RUN,
    FILE,
    IMPORT,
    PREVIEW,
    VehicleImportDialog,
)

SHOTS = os.environ.get("SHOWROOM_SHOTS", "")


def _vin(serial: int) -> str:
    return vin.with_check_digit(f"WVWZZZ1KZ0{serial:07d}")


def _export(tmp_path: Path, rows: int = 3, bad: bool = True) -> Path:
    lines = ["FIN;Kommissionsnummer;Marke;Modell;Listenpreis;Erstzulassung;km-Stand;Farbe"]
    for i in range(1, rows + 1):
        lines.append(f"{_vin(i)};K{i};VW;Golf;31.490,00;03.2021;45.000;Weiß")
    if bad:
        lines.append("WVWZZZ1KZ0Q000009;K9;VW;Golf;1,00;;;Rot")
        lines.append(f"{_vin(99)};K99;VW;Passat;1,00;;;Rot")
    path = tmp_path / "bestand.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


MakeDialog = Callable[[], VehicleImportDialog]


@pytest.fixture
def make_dialog(user: UserInfo) -> Iterator[MakeDialog]:
    with transaction():
        m.CatalogueEntry.create(
            brand="VW", vehicle_class="Car", model="Golf", model_code="CD1", variant="Life"
        )
    made: list[VehicleImportDialog] = []

    def make() -> VehicleImportDialog:
        dialog = VehicleImportDialog(vehicle_imports.STOCK)
        dialog.resize(900, 560)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.close()
        dialog.deleteLater()


def _shot(dialog: VehicleImportDialog, name: str) -> None:
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / f"stock-import-{name}.png"))


def test_the_steps_from_file_to_import(qtbot, make_dialog: MakeDialog, tmp_path: Path) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(_export(tmp_path)))
    dialog.next()
    assert dialog.steps.currentIndex() == COLUMNS
    assert dialog.encoding.currentData() == csv_text.WINDOWS_1252
    assert dialog.separator.currentData() == ";"
    assert dialog.decimal.currentData() == csv_text.DECIMAL_COMMA
    assert dialog.dates.currentData() == ""  # "03.2021" does not tell the day's place
    assert "Windows-1252" in dialog.found.text()
    assert dialog.column_combos["vin"].currentText() == "FIN"
    assert dialog.column_combos["mileage_km"].currentText() == "km-Stand"
    assert dialog.column_combos["condition"].currentText() == "(not in the file)"
    _shot(dialog, "2-columns")
    dialog.back()
    _shot(dialog, "1-file")
    dialog.next()

    # A required field without a column keeps the dialog on this step, saying which.
    dialog.column_combos["vin"].setCurrentIndex(0)
    dialog.next()
    assert dialog.steps.currentIndex() == COLUMNS
    assert "VIN" in dialog.columns_message.text()
    dialog.column_combos["vin"].setCurrentIndex(1)
    dialog.mapping_name.setText("Autohaus DMS")
    dialog.save_mapping()
    assert vehicle_imports.mapping_names("stock") == ["Autohaus DMS"]

    dialog.next()
    assert dialog.steps.currentIndex() == PREVIEW
    model = dialog.preview_model
    assert model.rowCount() == 5
    first = model.row_at(0)
    assert first is not None and first.line == 2
    assert "31,490.00" in first.shown["list_price"]
    assert (
        first.shown["mileage_km"] == "45,000" and first.shown["first_registration"] == "2021-03-01"
    )
    assert "never contains Q" in "; ".join(model.row_at(3).problems)  # type: ignore[union-attr]
    _shot(dialog, "3-preview")

    dialog.next()
    assert dialog.steps.currentIndex() == DRY_RUN
    qtbot.waitUntil(lambda: dialog.worker is None and dialog.outcome is not None, timeout=10_000)
    assert "3 added" in dialog.dry_summary.text() and "2 refused" in dialog.dry_summary.text()
    assert dialog.add_models.isVisible() and "VW Passat" in dialog.add_models.text()
    assert m.Vehicle.select().count() == 0
    _shot(dialog, "4-dry-run")
    dialog.add_models.setChecked(True)
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert "4 added" in dialog.dry_summary.text() and "1 refused" in dialog.dry_summary.text()

    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.next()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=10_000)
    assert dialog.steps.currentIndex() == IMPORT
    assert "4 added" in dialog.import_summary.text()
    assert dialog.import_model.rowCount() == 1
    assert m.Vehicle.select().count() == 4
    assert m.CatalogueEntry.select().where(m.CatalogueEntry.model == "Passat").count() == 1
    _shot(dialog, "5-import")


def test_a_file_that_cannot_be_read_is_said_at_the_field(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(tmp_path / "nowhere.csv"))
    dialog.next()
    assert dialog.steps.currentIndex() == FILE
    assert "There is no file" in dialog.file_box.message.text()
    assert dialog.path_edit.text().endswith("nowhere.csv")  # what was typed stays


def test_cancel_writes_nothing_and_the_window_answers_meanwhile(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(_export(tmp_path, rows=10_000, bad=False)))
    dialog.next()
    dialog.next()
    dialog.next()  # the dry run starts
    assert dialog.steps.currentIndex() == DRY_RUN and dialog.cancel_button.isVisible()
    # The progress bar moves while the file is read: the window answers meanwhile.
    qtbot.waitUntil(lambda: dialog.dry_progress.value() > 0, timeout=60_000)
    dialog.cancel_import()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
    assert dialog.dry_summary.text() == "The dry run was cancelled."
    dialog.next()  # the import
    assert dialog.steps.currentIndex() == IMPORT and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=60_000)
    dialog.cancel_import()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60_000)
    assert "cancelled; nothing was imported" in dialog.import_summary.text()
    assert m.Vehicle.select().count() == 0
    assert m.AuditEntry.select().where(m.AuditEntry.entity == "vehicle").count() == 0
