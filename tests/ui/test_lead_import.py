"""Importing a web form's CSV export from the dialog: good files, bad rows listed by line,
files refused whole, paths that cannot be read, and importing the same file twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.db import models as m
from app.services import lead_import, leads
from app.services.leads import LeadFilter
from app.services.workspace import UserInfo
from ui.leads.lead_import import LeadImportDialog, RefusedRowsModel

LEFT = Qt.MouseButton.LeftButton

GOOD = (
    "Lead ID,First name,Last name,E-mail,Phone,Postcode,City,Make,Model,Campaign,Message\n"
    "WF-1,Maria,Rossi,maria@example.it,+39 02 1234 5678,20121,Milano,Volkswagen,Golf,"
    "dealer website,Test drive please\n"
    "WF-2,Seán,O'Brien,sean@example.ie,,D02,Dublin,Škoda,Octavia,spring campaign,\n"
    'WF-3,Jürgen,Weiß,,+49 89 1234567,80539,München,Audi,Q3,,"Rückruf, bitte"\n'
)
WITH_BAD_ROWS = (
    "first_name;last_name;email;phone;channel\n"
    "Maria;Rossi;maria@example.it;;web form\n"
    "Anna;;;;web form\n"
    "Jörg;Müller;joerg@@example.de;;phone\n"
    "Luca;Verdi;;+39 333 1234567;walk-in\n"
)

MakeDialog = Callable[[], LeadImportDialog]


@pytest.fixture
def make_dialog(user: UserInfo) -> Iterator[MakeDialog]:
    made: list[LeadImportDialog] = []

    def make() -> LeadImportDialog:
        dialog = LeadImportDialog(user.id)
        dialog.show()
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.close()
        dialog.deleteLater()


def _file(tmp_path: Path, text: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(dialog: LeadImportDialog) -> list[tuple[int, str]]:
    model = dialog.refused_model
    lines = []
    for row in range(model.rowCount()):
        line = model.index(row, RefusedRowsModel.COL_LINE).data()
        problem = model.index(row, RefusedRowsModel.COL_PROBLEM).data()
        lines.append((int(line), problem))
    return lines


def _wait_for_progress(qtbot, dialog: LeadImportDialog) -> None:  # type: ignore[no-untyped-def]
    # The bar, not the worker's signal: the signal comes from the import's thread, and a
    # test's own slot on it would be disconnected with more of its calls still queued.
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)


def _import(qtbot, dialog: LeadImportDialog, path: Path | str) -> None:  # type: ignore[no-untyped-def]
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, LEFT)


def test_a_good_file_is_imported_for_the_owner_chosen(
    qtbot, make_dialog: MakeDialog, tmp_path: Path, user: UserInfo
) -> None:
    dialog = make_dialog()
    assert dialog.channel.current_code() == "web_form"
    assert dialog.owner.current_id() == user.id
    with qtbot.waitSignal(dialog.imported):
        _import(qtbot, dialog, _file(tmp_path, GOOD))
    assert dialog.summary.isVisible()
    assert dialog.summary.text() == "leads.csv: 3 imported."
    assert not dialog.refused.isVisible()
    rows = leads.page(LeadFilter(), "name", False, 0, 10)
    assert {r.name for r in rows} == {"Maria Rossi", "Seán O'Brien", "Jürgen Weiß"}
    assert {r.channel for r in rows} == {"web_form"}
    assert {r.owner for r in rows} == {user.full_name}


def test_bad_rows_are_listed_by_line_and_the_good_ones_go_in(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.channel.set_current_code("phone")
    with qtbot.waitSignal(dialog.imported):
        _import(qtbot, dialog, _file(tmp_path, WITH_BAD_ROWS))
    assert dialog.report is not None and dialog.report.imported == 2
    assert "2 imported, 2 refused" in dialog.summary.text()
    assert dialog.refused.isVisible()
    refused = dict(_refused(dialog))
    assert list(refused) == [3, 4]
    assert "e-mail address or a phone" in refused[3]
    assert "not an e-mail" in refused[4]
    assert leads.count(LeadFilter(text="Verdi")) == 1


def test_a_file_with_the_wrong_header_is_refused_whole(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    with qtbot.assertNotEmitted(dialog.imported):
        _import(qtbot, dialog, _file(tmp_path, "Kunde,Wagen\nRossi,Golf\n"))
    assert dialog.file_box.message.isVisible()
    assert "lacks the columns" in dialog.file_box.message.text()
    assert "Nothing was imported" in dialog.file_box.message.text()
    assert not dialog.summary.isVisible() and dialog.report is None
    assert m.Lead.select().count() == 0


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    path = _file(tmp_path, GOOD)
    _import(qtbot, dialog, path)
    with qtbot.assertNotEmitted(dialog.imported):
        _import(qtbot, dialog, path)
    assert dialog.report is not None
    assert (dialog.report.imported, dialog.report.already_there) == (0, 3)
    assert dialog.summary.text() == "leads.csv: 0 imported, 3 already imported before."
    assert m.Lead.select().count() == 3


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("", "Choose the CSV file"),
        ("missing.csv", "There is no file"),
        (".", "is a folder"),
    ],
)
def test_a_path_that_cannot_be_read_is_explained(
    qtbot, make_dialog: MakeDialog, tmp_path: Path, where: str, message: str
) -> None:
    dialog = make_dialog()
    _import(qtbot, dialog, tmp_path / where if where else "")
    assert message in dialog.file_box.message.text()
    assert dialog.report is None and m.Lead.select().count() == 0


def test_a_file_without_permission_is_explained(
    qtbot, make_dialog: MakeDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, GOOD)

    def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Reading as the system refuses it (chmod does not stop a test run as root).
    monkeypatch.setattr("ui.common.import_worker.os.access", lambda *args: True)
    monkeypatch.setattr(Path, "open", refuse)
    dialog = make_dialog()
    _import(qtbot, dialog, path)
    assert "cannot be read (Permission denied)" in dialog.file_box.message.text()
    assert m.Lead.select().count() == 0


def test_browsing_puts_the_chosen_file_in_the_field(
    qtbot, make_dialog: MakeDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, GOOD)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(path), ""))
    )
    dialog = make_dialog()
    qtbot.mouseClick(dialog.browse_button, LEFT)
    assert dialog.path_edit.text() == str(path)


def _many(tmp_path: Path, count: int) -> Path:
    lines = ["id,first_name,last_name,email"]
    lines += [f"{i},Name{i},Surname{i},p{i}@example.com" for i in range(count)]
    return _file(tmp_path, "\n".join(lines) + "\n", "many.csv")


def test_a_large_file_imports_beside_the_window_with_its_progress_shown(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    seen: list[int] = []
    dialog.path_edit.setText(str(_many(tmp_path, 20_000)))
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
        # The click returns at once: the window stays live while the rows go in.
        assert dialog.importing and dialog.progress.isVisible()
        assert dialog.cancel_button.isVisible() and not dialog.import_button.isEnabled()
        dialog.worker.progressed.connect(seen.append)  # type: ignore[union-attr]
    assert seen and seen == sorted(seen) and 0 < seen[0] < 1_000
    assert not dialog.progress.isVisible() and not dialog.cancel_button.isVisible()
    assert dialog.summary.text() == "many.csv: 20000 imported."
    assert m.Lead.select().count() == 20_000


def test_a_file_read_in_a_process_of_its_own_shows_its_progress_and_cancels(
    qtbot, make_dialog: MakeDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every file of this size or more is read and checked beside the writing process.
    path = _many(tmp_path, 60_000)
    monkeypatch.setattr(lead_import, "BESIDE_FROM", path.stat().st_size)
    dialog = make_dialog()
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
        _wait_for_progress(qtbot, dialog)
        qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert dialog.summary.text() == "The import was cancelled; nothing was imported."
    assert m.Lead.select().count() == 0
    seen: list[int] = []
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
        dialog.worker.progressed.connect(seen.append)  # type: ignore[union-attr]
    assert seen and seen == sorted(seen)
    assert dialog.summary.text() == "many.csv: 60000 imported."
    assert m.Lead.select().count() == 60_000


def test_cancel_stops_the_import_and_writes_nothing(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(_many(tmp_path, 60_000)))
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
        assert dialog.worker is not None
        _wait_for_progress(qtbot, dialog)
        qtbot.mouseClick(dialog.cancel_button, LEFT)
    assert dialog.summary.text() == "The import was cancelled; nothing was imported."
    assert dialog.report is None and m.Lead.select().count() == 0
    assert dialog.import_button.isEnabled() and dialog.path_edit.isEnabled()


def test_closing_the_window_while_importing_cancels_it(
    qtbot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    dialog.path_edit.setText(str(_many(tmp_path, 60_000)))
    qtbot.mouseClick(dialog.import_button, LEFT)
    assert dialog.worker is not None
    _wait_for_progress(qtbot, dialog)
    dialog.close()
    assert m.Lead.select().count() == 0
