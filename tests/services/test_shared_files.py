"""Issued PDFs live in the database when it is on the site's server (content-addressed), so
a workstation that never issued a document prints it exactly as issued; the schema step that
adds their tables upgrades a filled schema-13 database and runs again harmlessly."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from app import paths
from app.db import migrations
from app.db import models as m
from app.db.connection import database
from app.db.steps import STEPS
from app.db.steps.shared_files import shared_files
from app.services import documents, quotes, workspace
from app.services.workspace import UserInfo
from tests import factories

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.postgresql_only
def test_another_workstation_prints_the_pdf_as_issued_from_the_server(
    user: UserInfo, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m.Business.create(name="Autohaus Brenner", kind="dealer", city="München")
    sale = factories.opportunity(user.id)
    quote = quotes.create(sale.id)
    line = quotes.LineInput("vehicle", "Golf Style", unit_price=Decimal("31500"))
    quote = quotes.save(
        quote.id,
        quotes.QuoteInput(quote.valid_until, payment_method="cash", lines=[line]),
        quote.version,
    )
    issued = quotes.present(quote.id)
    ref = documents.reference(issued.number, issued.revision, "quote")
    as_issued = documents.archive_path(ref).read_bytes()
    [(sha, size)] = m.StoredFile.select(m.StoredFile.sha256, m.StoredFile.data).tuples()
    assert sha == hashlib.sha256(as_issued).hexdigest() and bytes(size) == as_issued

    # Another workstation: its own, empty documents folder; a renderer that would print
    # differently today must not be what it prints.
    paths.set_data_dir(tmp_path / "other-workstation")
    monkeypatch.setattr(documents, "render", lambda _ref: b"%PDF-rendered-again")
    printed = documents.archived_pdf(ref)
    assert printed.parent == tmp_path / "other-workstation" / "documents"
    assert printed.read_bytes() == as_issued


@pytest.mark.sqlite_only
def test_the_shared_files_step_upgrades_a_filled_schema_13_database(data_dir: Path) -> None:
    path = data_dir / "showroom.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v13.sqlite3", path)
    workspace.open_database(path)
    try:
        assert {"stored_file", "issued_file"} <= set(database.get_tables())
        assert migrations.current_version(database.obj) == migrations.SCHEMA_VERSION
        # The step is where it belongs and runs again without harm.
        assert shared_files in STEPS
        with database.atomic():
            shared_files(database.obj)
        assert m.Opportunity.select().count() > 0  # the filled database's rows are there
    finally:
        workspace.close_database()
