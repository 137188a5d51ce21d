"""The logo new documents print lives in the database, not in a file of one workstation's: a
logo chosen on one workstation prints on another's documents after the file is gone; a
database from before, whose setting names a file, moves that file in at its first read,
or says in words that the file is gone."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app import paths
from app.db import models as m
from app.db.connection import transaction
from app.db.settings import put_setting
from app.services import documents, quotes, workspace
from tests import factories, people
from tests.services.test_quotes import _business, _present, _vehicle


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (300, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _reopen(db: Path, backend: str, request: pytest.FixtureRequest, folder: Path) -> None:
    """Another workstation: a connection of its own to the same database (the same file,
    or the same server database), a data folder of its own, and no copy of any logo."""
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    workspace.close_database()
    documents._logo_cache.clear()
    folder.mkdir()
    paths.set_data_dir(folder)
    if url is not None:
        workspace.open_server(url)
    else:
        workspace.open_database(db)
    people.sign_in_as("anna", "administrator")


def _sale(user_id: int) -> int:
    _business()
    account = factories.customer("Rossi", "Maria")
    return factories.opportunity(user_id, account_id=account, vehicle_id=_vehicle()).id


def test_a_logo_chosen_on_one_workstation_prints_on_anothers_documents(
    db: Path, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    chosen = tmp_path / "chosen" / "logo.png"
    chosen.parent.mkdir()
    chosen.write_bytes(_png((31, 58, 95)))
    logo = documents.read_logo(chosen)
    opened = documents.document_settings()
    documents.save_document_settings(replace(opened, logo=logo.sha256, logo_data=logo.data))
    # The setting names the image by its hash; the database holds the bytes.
    assert m.Setting.get_by_id(documents.LOGO_SETTING).value == logo.sha256
    assert bytes(m.DocumentImage.get_by_id(logo.sha256).data) == chosen.read_bytes()
    chosen.unlink()

    _reopen(db, backend, request, tmp_path / "second-workstation")
    sale = _sale(people.sign_in_as("anna").id)
    issued = _present(quotes.create(sale).id)
    pdf = PdfReader(documents.archived_pdf(issued.reference))
    (image,) = pdf.pages[0].images
    assert image.image is not None and image.image.size == (300, 100)
    assert documents.snapshot(issued.reference).seller.logo_sha256 == logo.sha256
    shown = documents.document_settings()
    assert shown.logo == logo.sha256 and shown.logo_data == logo.data


def test_removing_the_logo_prints_the_dealers_name_everywhere(
    db: Path, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(_png((200, 30, 30)))
    logo = documents.read_logo(path)
    documents.save_document_settings(
        replace(documents.document_settings(), logo=logo.sha256, logo_data=logo.data)
    )
    documents.save_document_settings(replace(documents.document_settings(), logo=""))
    _reopen(db, backend, request, tmp_path / "second-workstation")
    issued = _present(quotes.create(_sale(people.sign_in_as("anna").id)).id)
    assert not PdfReader(documents.archived_pdf(issued.reference)).pages[0].images


def test_a_logo_named_by_its_path_moves_into_the_database_at_the_first_read(
    db: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old-logo.jpg"
    Image.new("RGB", (120, 40), (10, 120, 10)).save(old, format="JPEG")
    with transaction():  # as a database from before left it
        put_setting(documents.OLD_LOGO_SETTING, str(old))
    settings = documents.document_settings()
    assert settings.logo_problem == ""
    assert settings.logo_data == old.read_bytes()
    assert m.Setting.get_by_id(documents.OLD_LOGO_SETTING).value == ""
    assert m.Setting.get_by_id(documents.LOGO_SETTING).value == settings.logo
    old.unlink()
    documents._logo_cache.clear()
    issued = _present(quotes.create(_sale(people.sign_in_as("anna").id)).id)
    assert len(PdfReader(documents.archived_pdf(issued.reference)).pages[0].images) == 1


def test_a_logo_file_that_is_gone_is_said_and_the_setting_kept(db: Path, tmp_path: Path) -> None:
    gone = tmp_path / "gone.png"
    with transaction():
        put_setting(documents.OLD_LOGO_SETTING, str(gone))
    settings = documents.document_settings()
    assert settings.logo == ""
    assert str(gone) in settings.logo_problem and "Choose it again" in settings.logo_problem
    # Kept, for the file to be put back: the next read then moves it in.
    assert m.Setting.get_by_id(documents.OLD_LOGO_SETTING).value == str(gone)
    gone.write_bytes(_png((1, 2, 3)))
    assert documents.document_settings().logo_data == gone.read_bytes()
    # A document issued while it was gone printed none and was issued all the same.


def test_a_document_is_issued_without_the_logo_whose_file_is_gone(db: Path, tmp_path: Path) -> None:
    with transaction():
        put_setting(documents.OLD_LOGO_SETTING, str(tmp_path / "gone.png"))
    issued = _present(quotes.create(_sale(people.sign_in_as("anna").id)).id)
    assert not PdfReader(documents.archived_pdf(issued.reference)).pages[0].images
