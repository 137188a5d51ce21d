"""The headless commands on the site's server: `render` and `check` (and the others) take
`--database postgresql://…` as the window does, with the password from the credential
store, SHOWROOM_DATABASE_PASSWORD, the .pgpass file or the terminal, and say which. The
real commands against the tests' real server."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

import main
from app.db import models as m
from app.services import documents, quotes, site_server, workspace
from tests import factories, pg_server
from tests.pg_server import MemoryKeyring

pytestmark = pytest.mark.postgresql_only


def _issue_with_logo(user_id: int, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (31, 58, 95)).save(buffer, format="PNG")
    file = tmp_path / "logo.png"
    file.write_bytes(buffer.getvalue())
    logo = documents.read_logo(file)
    documents.save_document_settings(
        replace(documents.document_settings(), logo=logo.sha256, logo_data=logo.data)
    )
    file.unlink()
    m.Business.create(name="Autohaus Brenner", kind="dealer", city="München")
    detail = factories.opportunity(user_id, brand="Škoda", model="Octavia")
    quote = quotes.create(detail.id)
    quotes.present(quote.id)


def test_render_prints_a_document_from_the_server_with_the_password_from_the_variable(
    user: workspace.UserInfo,
    pg: pg_server.TestServer,
    pg_url: str,
    tmp_path: Path,
    no_password_around: Path,
    credentials: MemoryKeyring,
    signed_in_commands: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _issue_with_logo(user.id, tmp_path)
    workspace.close_database()
    elsewhere = tmp_path / "another-workstation"  # no documents folder, no logo file
    out = tmp_path / "Q-00001.pdf"
    monkeypatch.setenv(site_server.PASSWORD_VARIABLE, pg_server.PASSWORD)
    code = main.main(
        [
            "--data-dir",
            str(elsewhere),
            "render",
            "Q-00001",
            "--out",
            str(out),
            "--database",
            pg.without_password(pg_url),
        ]
    )
    said = capsys.readouterr()
    assert code == 0, said.err
    assert "wrote Q-00001" in said.out
    assert f"with the password in {site_server.PASSWORD_VARIABLE}" in said.err
    page = PdfReader(out).pages[0]
    assert "Q-00001" in page.extract_text() and len(page.images) == 1


def test_check_says_what_answered_with_the_password_from_the_credential_store(
    pg: pg_server.TestServer,
    pg_url: str,
    tmp_path: Path,
    no_password_around: Path,
    credentials: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = pg.without_password(pg_url)
    site_server.store_password(url, pg_server.PASSWORD)
    code = main.main(["--data-dir", str(tmp_path), "check", "--database", url])
    said = capsys.readouterr()
    assert code == 0, said.err
    assert "answers and its database is up to date" in said.out
    assert "PostgreSQL" in said.out
    assert "the password kept in this computer's credential store" in said.err

    empty = pg.url(pg.create_database(), password=None)
    site_server.store_password(empty, pg_server.PASSWORD)
    assert main.main(["--data-dir", str(tmp_path), "check", "--database", empty]) == 0
    assert "its database is empty" in capsys.readouterr().out
    # Nothing was created by the check.
    assert main.main(["--data-dir", str(tmp_path), "check", "--database", empty]) == 0
    assert "its database is empty" in capsys.readouterr().out


def test_check_reads_the_pgpass_file_and_says_so(
    pg: pg_server.TestServer,
    pg_url: str,
    tmp_path: Path,
    no_password_around: Path,
    credentials: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_password_around.write_text(
        f"127.0.0.1:{pg.port}:*:{pg_server.SUPERUSER}:{pg_server.PASSWORD}\n"
    )
    no_password_around.chmod(0o600)
    code = main.main(
        ["--data-dir", str(tmp_path), "check", "--database", pg.without_password(pg_url)]
    )
    said = capsys.readouterr()
    assert code == 0, said.err
    assert f"the password in {no_password_around}" in said.err


def test_without_a_password_or_with_a_wrong_one_it_says_what_to_do(
    pg: pg_server.TestServer,
    pg_url: str,
    tmp_path: Path,
    no_password_around: Path,
    credentials: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = pg.without_password(pg_url)
    code = main.main(["--data-dir", str(tmp_path), "check", "--database", url])
    said = capsys.readouterr()
    assert code == 1
    assert "no password for" in said.err and site_server.PASSWORD_VARIABLE in said.err
    assert "refused the sign-in" in said.err
    monkeypatch.setenv(site_server.PASSWORD_VARIABLE, "wrong")
    code = main.main(
        [
            "--data-dir",
            str(tmp_path),
            "render",
            "Q-00001",
            "--out",
            str(tmp_path / "x.pdf"),
            "--database",
            url,
        ]
    )
    assert code == 1
    assert "refused the sign-in" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
