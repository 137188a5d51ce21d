"""The headless `render` command: an issued document from its snapshot to a PDF file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

import main
from app.db import models as m
from app.services import quotes, workspace
from tests import factories


@pytest.fixture(autouse=True)
def _as_anna(signed_in_commands: None) -> None:
    """render runs as anna (SHOWROOM_USER, SHOWROOM_PASSWORD)."""


@pytest.mark.sqlite_only  # main.py opens the data folder's file; --database: test_server_commands.py
def test_render_writes_the_issued_quote(
    user: workspace.UserInfo, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m.Business.create(name="Autohaus Brenner", kind="dealer", city="München")
    detail = factories.opportunity(user.id, brand="Škoda", model="Octavia")
    quote = quotes.create(detail.id)
    quote = quotes.save(
        quote.id,
        quotes.QuoteInput(
            valid_until=quote.valid_until,
            payment_method="cash",
            lines=[quotes.LineInput("vehicle", "Škoda Octavia Style", unit_price=quote.totals.net)],
        ),
        quote.version,
    )
    quotes.present(quote.id)
    workspace.close_database()
    out = tmp_path / "out" / "Q-00001.pdf"
    out.parent.mkdir()

    code = main.main(["--data-dir", str(data_dir), "render", "Q-00001", "--out", str(out)])

    assert code == 0
    assert "wrote Q-00001" in capsys.readouterr().out
    text = PdfReader(out).pages[0].extract_text()
    assert "Q-00001" in text and "Škoda Octavia Style" in text and "Rossi" in text


@pytest.mark.sqlite_only  # main.py opens the data folder's file
def test_render_names_a_document_that_is_not_there(
    db: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.close_database()
    out = tmp_path / "none.pdf"
    code = main.main(["--data-dir", str(data_dir), "render", "OF-00042", "--out", str(out)])
    assert code == 1
    assert "no order form OF-00042" in capsys.readouterr().err
    assert not out.exists()
