"""The document settings show the logo kept in the database (a preview) with Choose… and
Remove: a file that is no image is refused at the field and the logo shown stays; a chosen
one is kept in the database with the save and shown again after its file is gone. The
first-run assistant's dealership step chooses it the same way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from app.db import models as m
from app.services import documents, setup
from app.services.workspace import UserInfo
from ui.quotes.document_settings_dialog import DocumentSettingsDialog


def _png(path: Path, colour: tuple[int, int, int] = (31, 58, 95)) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), colour).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_the_settings_keep_the_chosen_logo_in_the_database_and_preview_it(
    user: UserInfo, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    picker = dialog.logo
    assert picker.preview.pixmap().isNull() and not picker.remove_button.isEnabled()
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"not an image")
    assert not picker.take_file(fake)
    assert "not a PNG or JPEG" in dialog.boxes["logo"].message.text()
    logo = _png(tmp_path / "brenner.png")
    assert picker.take_file(logo)
    assert dialog.boxes["logo"].message.text() == ""
    assert not picker.preview.pixmap().isNull() and picker.remove_button.isEnabled()
    dialog.terms.setPlainText("Typed before the save.")
    assert dialog.save()
    dialog.show()
    dialog.grab().save(str(tmp_path / "document-settings-logo.png"))
    logo.unlink()
    documents._logo_cache.clear()

    again = DocumentSettingsDialog()
    qtbot.addWidget(again)
    pixmap = again.logo.preview.pixmap()
    assert not pixmap.isNull() and pixmap.width() == 240  # scaled into the preview
    assert m.DocumentImage.select().count() == 1
    again.logo.remove()
    assert again.logo.preview.pixmap().isNull()
    assert again.save()
    assert documents.document_settings().logo == ""


def test_a_logo_file_that_is_gone_is_said_in_the_settings(
    user: UserInfo, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from app.db.connection import transaction
    from app.db.settings import put_setting

    with transaction():
        put_setting(documents.OLD_LOGO_SETTING, str(tmp_path / "gone.png"))
    dialog = DocumentSettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.logo.note.isVisibleTo(dialog)
    assert "gone.png" in dialog.logo.note.text()


def test_the_first_run_assistant_keeps_the_logo_it_chose(
    user: UserInfo, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.first_run import DealershipPage

    page = DealershipPage()
    qtbot.addWidget(page)
    page.widgets["name"].setText("Autohaus Brenner")  # type: ignore[attr-defined]
    logo = _png(tmp_path / "brenner.png", (200, 10, 10))
    assert page.logo.take_file(logo)
    assert page.save()
    logo.unlink()
    kept = setup.logo()
    assert kept is not None and kept.data.startswith(b"\x89PNG")
    # Saved again without touching the logo: it stays.
    assert page.save()
    assert setup.logo() == kept
