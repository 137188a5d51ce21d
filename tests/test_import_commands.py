"""The nightly import commands, run as the scheduled task runs them: a second process on the
site's database, signed in as the scheduler from SHOWROOM_USER and SHOWROOM_PASSWORD, its
summary on stdout and its exit code (2 when the user may not import)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.domain import vin
from app.services import workspace
from tests.people import TEST_PASSWORD, add_user, sign_in_as

ROOT = Path(__file__).resolve().parent.parent


def _vin(serial: int) -> str:
    return vin.with_check_digit(f"WVWZZZ1KZ0{serial:07d}")


def _database(data_dir: Path) -> Path:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    sign_in_as("anna", "administrator")
    add_user("night", "scheduler")
    add_user("sam", "salesperson")
    workspace.close_database()
    return path


def _run(data_dir: Path, *args: str, user: str = "night") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "SHOWROOM_USER": user,
            "SHOWROOM_PASSWORD": TEST_PASSWORD,
        },
    )


def test_the_scheduler_imports_a_stock_export_and_a_refused_row_exits_1(data_dir: Path) -> None:
    path = _database(data_dir)
    export = data_dir / "stock.csv"
    export.write_bytes(
        (
            "FIN;Kommissionsnummer;Marke;Modell;Listenpreis;km-Stand\r\n"
            f"{_vin(1)};K1;VW;Golf;31.490,00;12.000\r\n"
            f"{_vin(2)};K2;VW;Golf;29.990,00;8.500\r\n"
            "WVWZZZ1KZ0O000003;K3;VW;Golf;1,00;0\r\n"
        ).encode("cp1252")
    )
    dry = _run(data_dir, "import-stock", str(export), "--dry-run", "--add-models")
    assert dry.returncode == 1, dry.stderr
    assert "dry run, nothing written: 2 added" in dry.stdout
    assert "line 4: refused: A VIN never contains O" in dry.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM vehicle").fetchone() == (0,)

    done = _run(data_dir, "import-stock", str(export), "--add-models")
    assert done.returncode == 1
    assert "2 added, 0 updated, 0 unchanged, 1 refused" in done.stdout
    export.write_bytes(
        (
            "FIN;Kommissionsnummer;Marke;Modell;Listenpreis;km-Stand\r\n"
            f"{_vin(1)};K1;VW;Golf;30.000,00;12.000\r\n"
        ).encode("cp1252")
    )
    again = _run(data_dir, "import-stock", str(export))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 added, 1 updated, 0 unchanged, 0 refused" in again.stdout
    assert f"not in the export: {_vin(2)} (K2, VW Golf)" in again.stdout
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT stock_number, list_price_minor FROM vehicle ORDER BY 1")
        assert rows.fetchall() == [("K1", 3_000_000), ("K2", 2_999_000)]


def test_a_price_list_with_a_saved_mapping_and_a_user_without_the_right(data_dir: Path) -> None:
    path = _database(data_dir)
    prices = data_dir / "prices.csv"
    prices.write_text("Code,Name,Make,Price\nCD1,Golf,VW,31490.00\n", encoding="utf-8")
    refused = _run(data_dir, "import-catalogue", str(prices))
    assert refused.returncode == 1
    assert "no column for" in refused.stderr
    unknown = _run(data_dir, "import-catalogue", str(prices), "--mapping", "X")
    assert unknown.returncode == 1 and "no saved mapping “X”" in unknown.stderr

    from app.domain.csv_text import FileFormat
    from app.services import vehicle_imports

    workspace.open_database(path)
    sign_in_as("anna")
    vehicle_imports.save_mapping(
        vehicle_imports.CATALOGUE,
        "Importer",
        ["Code", "Name", "Make", "Price"],
        {"model_code": 0, "model": 1, "brand": 2, "list_price": 3},
        FileFormat("utf-8", ",", ".", ""),
    )
    workspace.close_database()
    not_allowed = _run(
        data_dir, "import-catalogue", str(prices), "--mapping", "Importer", user="sam"
    )
    assert not_allowed.returncode == 2
    assert "You do not have the right “Import data”" in not_allowed.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM catalogue_entry").fetchone() == (0,)
    done = _run(data_dir, "import-catalogue", str(prices), "--mapping", "Importer")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 added" in done.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute(
            "SELECT brand, model, model_code, list_price_minor FROM catalogue_entry"
        ).fetchall() == [("VW", "Golf", "CD1", 3_149_000)]


def test_the_scheduler_imports_a_large_web_form_export_read_beside_the_writes(
    data_dir: Path,
) -> None:
    from app.services import lead_import

    path = _database(data_dir)
    export = data_dir / "leads.csv"
    message = "Please call me about a test drive and a trade-in offer; " * 6
    lines = ["Lead ID,First name,Last name,E-mail,Phone,Message"]
    lines += [f'WF-{i},Maria,Rossi{i},m{i}@example.it,,"{message}"' for i in range(12_000)]
    lines.insert(3, "WF-x,Anna,Berg,not-an-address,,hello")  # line 4
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Large enough to be read and checked in a process of its own.
    assert export.stat().st_size >= lead_import.BESIDE_FROM
    not_allowed = _run(data_dir, "import-leads", str(export), user="sam")
    assert not_allowed.returncode == 2
    assert "You do not have the right “Import data”" in not_allowed.stderr
    done = _run(data_dir, "import-leads", str(export))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "12000 imported, 1 refused" in done.stdout
    assert "line 4: refused: “not-an-address” is not an e-mail address" in done.stdout
    again = _run(data_dir, "import-leads", str(export))
    assert "0 imported, 12000 already imported before, 1 refused" in again.stdout
    missing = _run(data_dir, "import-leads", str(data_dir / "nowhere.csv"))
    assert missing.returncode == 1 and "nothing was imported" in missing.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM lead").fetchone() == (12_000,)
