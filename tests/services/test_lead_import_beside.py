"""A large lead file read and checked in a process of its own while the importing process
writes: the same leads, refusals, report and progress as the file read in one process; a
file that cannot be imported refused with the same message; a cancelled import writes
nothing and leaves no process behind."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from app.db import models as m
from app.services import lead_import
from app.services.workspace import UserInfo

_HEADER = "Lead ID,First name,Last name,E-mail,Phone,Make,Submitted,Message"


def _file(folder: Path, rows: int, tail: str = "") -> Path:
    """`rows` rows: every seventh refused (no e-mail or phone, a bad e-mail), every fifth
    the row before it again (one lead), a message over two lines now and then, a sending
    time on most; then `tail`."""
    lines = [_HEADER]
    for i in range(rows):
        n = i - 1 if i % 5 == 4 else i
        email = "not-an-address" if i % 7 == 3 else f"m{n}@example.it"
        message = f'"Call me\nabout car {n}"' if n % 4 == 0 else f"Test drive {n}"
        sent = f"2026-11-{1 + n % 28:02} 09:30" if n % 3 else ""
        lines.append(f"WF-{n},Maria,Rossi{n},{email},+39 02 {1000000 + n},Škoda,{sent},{message}")
    path = folder / "leads.csv"
    path.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")
    return path


def _leads() -> list[tuple[Any, ...]]:
    fields = [
        m.Lead.first_name,
        m.Lead.last_name,
        m.Lead.email,
        m.Lead.phone,
        m.Lead.email_key,
        m.Lead.phone_key,
        m.Lead.import_key,
        m.Lead.brand,
        m.Lead.notes,
        m.Lead.channel,
        m.Lead.status,
        m.Lead.owner,
    ]
    return sorted(m.Lead.select(*fields).tuples())


def _import(path: Path, beside: bool, **kwargs: Any) -> tuple[Any, ...]:
    """The report's figures and the progress heard."""
    heard: list[tuple[int, int]] = []
    report = lead_import.import_csv(
        path, progress=lambda done, total: heard.append((done, total)), beside=beside, **kwargs
    )
    return report.imported, report.already_there, report.errors, heard


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress every 10 rows, writes of 30: several of each in a small file."""
    monkeypatch.setattr(lead_import, "_BATCH", 10)
    monkeypatch.setattr(lead_import, "_WRITE_BATCH", 30)


def test_a_file_read_beside_gives_the_leads_report_and_progress_of_one_process(
    user: UserInfo, tmp_path: Path, small_batches: None
) -> None:
    # The last row's message runs to the end of the file, its quote never closed.
    path = _file(tmp_path, 95, tail='WF-x,Anna,Berg,a@example.de,,,,"to the end\n')
    alone = _import(path, beside=False, owner_id=user.id)
    leads = _leads()
    m.Lead.delete().execute()
    beside = _import(path, beside=True, owner_id=user.id)
    assert beside == alone
    assert _leads() == leads
    imported, already_there, errors, heard = beside
    refused = {line for line, _message in errors}
    assert imported == len(leads) > 60 and already_there > 10
    assert len(errors) == 14 and all("not-an-address" in message for _l, message in errors)
    assert refused >= {6, 15}  # rows 3 and 10 (lines counted from the header's, messages
    # over two lines among them)
    assert len(heard) > 5 and heard[-1] == (path.stat().st_size,) * 2
    # Read beside again: every row imported before.
    again = _import(path, beside=True)
    assert (again[0], again[1]) == (0, imported + already_there)
    assert _leads() == leads


def test_a_file_of_the_size_for_it_is_read_beside(
    user: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, 40)
    monkeypatch.setattr(lead_import, "BESIDE_FROM", path.stat().st_size)

    def not_here(*_args: Any) -> None:
        raise AssertionError("read in the importing process")

    monkeypatch.setattr(lead_import, "_import", not_here)
    report = lead_import.import_csv(path)
    assert report.imported == m.Lead.select().count() > 20
    # A smaller file, and a file given as bytes, are read in the importing process.
    monkeypatch.setattr(lead_import, "BESIDE_FROM", path.stat().st_size + 1)
    with pytest.raises(AssertionError, match="importing process"):
        lead_import.import_csv(path)
    with pytest.raises(AssertionError, match="importing process"):
        lead_import.import_csv(path.read_bytes(), beside=True)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Lead ID,Remarks\nWF-1,hello\n",
        _HEADER.encode()
        + b"\nWF-1,Maria,Rossi,m@example.it,,,,ok\nWF-2,Ren\xe9,Roy,r@e.fr,,,,ok\n",
        # A quote left open runs on over more than a field may hold.
        _HEADER.encode() + b'\nWF-1,Maria,Rossi,m@example.it,,,,"open\n' + b"x,y\n" * 40_000,
    ],
    ids=["empty", "no name or contact column", "not UTF-8", "a quote never closed"],
)
def test_a_file_that_cannot_be_imported_is_refused_beside_as_in_one_process(
    user: UserInfo, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(lead_import.ImportRefused) as alone:
        lead_import.import_csv(path, beside=False)
    with pytest.raises(lead_import.ImportRefused) as beside:
        lead_import.import_csv(path, beside=True)
    assert str(beside.value) == str(alone.value)
    assert "nothing was imported" in str(beside.value).lower()
    assert m.Lead.select().count() == 0


def test_a_cancelled_import_beside_writes_nothing_and_leaves_no_process(
    user: UserInfo, tmp_path: Path, small_batches: None
) -> None:
    path = _file(tmp_path, 200)
    heard: list[int] = []
    with pytest.raises(lead_import.ImportCancelled):
        lead_import.import_csv(
            path,
            progress=lambda done, _total: heard.append(done),
            cancelled=lambda: len(heard) >= 3,
            beside=True,
        )
    assert len(heard) == 3
    assert m.Lead.select().count() == 0
    assert multiprocessing.active_children() == []
    # The file imports whole afterwards.
    assert lead_import.import_csv(path, beside=True).imported == m.Lead.select().count() > 100
