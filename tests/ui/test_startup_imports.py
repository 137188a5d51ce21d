"""What start-up loads at each step, each checked in a fresh interpreter: the sign-in window
(shown first) needs Qt's widgets and the texts only; while the user types, the first
screen's modules are loaded, after which signing in loads no other module of the program;
and charts, PDFs, the dashboard, the forms, the administration and the importers wait until
they are first used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What no step of start-up up to the list loads.
LATER = (
    "reportlab",
    "reports",
    "PySide6.QtCharts",
    "PySide6.QtPdf",
    "ui.dashboard",
    "ui.admin",
    "ui.quotes",
    "ui.opportunities.opportunity_form",
    "ui.leads",
    "ui.customers",
    "app.services.lead_import",
    "app.services.vehicle_imports",
    "app.services.dashboard",
)


def _probe(code: str, tmp_path: Path) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
    ).stdout
    result: dict[str, list[str]] = json.loads(out.strip().splitlines()[-1])
    return result


def _loaded(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in modules if m in prefixes or m.startswith(tuple(p + "." for p in prefixes))
    )


def test_the_sign_in_window_loads_neither_the_database_nor_argon2(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.shell.sign_in_window import SignInDialog\n"
        "d = SignInDialog(None, 'anna', opening='Opening the database …'); d.show()\n"
        "app.processEvents()\n"
        "print(json.dumps({'modules': sorted(sys.modules)}))\n"
    )
    modules = _probe(code, tmp_path)["modules"]
    assert "ui.shell.sign_in_window" in modules
    assert (
        _loaded(
            modules,
            (
                "peewee",
                "app.db",
                "app.services",
                "argon2",
                "babel",
                "email_validator",
                "phonenumbers",
                "ui.common.widgets",
                *LATER,
            ),
        )
        == []
    )


def test_signing_in_loads_nothing_the_first_screen_did_not_load_beforehand(
    tmp_path: Path,
) -> None:
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app import paths\n"
        f"paths.set_data_dir(Path({str(tmp_path)!r}))\n"
        "from ui.shell.sign_in_window import SignInDialog\n"
        "d = SignInDialog(None, 'chef', opening='Opening the database …'); d.show()\n"
        "from app.services import sign_in, workspace\n"
        "workspace.open_database()\n"
        "sign_in.create_first_administrator(\n"
        "    'chef', 'Clara Chef', 'Our showroom opens at eight', 'Our showroom opens at eight')\n"
        "sign_in.sign_out()\n"
        "d.show_start()\n"
        "from ui.shell.main_window import MainWindow, load_first_screen\n"
        "window = MainWindow(None, paths.database_path())\n"
        "load_first_screen()\n"
        "before = set(sys.modules)\n"
        "d.submit('chef', 'Our showroom opens at eight')\n"
        "assert d.user is not None, d.refusal\n"
        "from app.services import documents, quotes\n"
        "quotes.expire_due(); documents.clean_leftovers()\n"
        "window.sign_in(d.user); window.show(); app.processEvents()\n"
        "assert window.model.rowCount() == 0\n"
        "print(json.dumps({'new': sorted(set(sys.modules) - before),\n"
        "                  'modules': sorted(sys.modules)}))\n"
    )
    found = _probe(code, tmp_path)
    program = ("app", "ui", "reports")
    assert _loaded(found["new"], program) == []
    assert _loaded(found["modules"], LATER) == []


@pytest.mark.parametrize("server", [False, True])
def test_a_start_as_a_user_starts_it_shows_the_sign_in_window_before_any_storage_code(
    tmp_path: Path, server: bool
) -> None:
    """`main.py` as a user starts it, without --data-dir: it reads the workstation's choice
    of a site server before its first window; that, and naming the server in the window,
    load no database, service or credential-store code before the sign-in window (both
    did: 2.4 times the bare window's start-up)."""
    args = [sys.executable, "-X", "importtime", "main.py", "--smoke"]
    if server:  # (nothing answers there: only the order of the imports is read)
        args += ["--database", "postgresql://anna:secret@127.0.0.1:9/showroom"]
    run = subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)},
        timeout=120,
    )
    # -X importtime writes each import as it ends: what the window needed comes before it.
    lines = run.stderr.splitlines()
    window = next(i for i, line in enumerate(lines) if line.endswith("| ui.shell.sign_in_window"))
    before = [line.rsplit("|", 1)[1].strip() for line in lines[:window] if "|" in line]
    assert "PySide6.QtWidgets" in before  # the parse found the window's imports
    storage = ("peewee", "psycopg2", "keyring", "argon2", "app.db", "app.services", *LATER)
    assert _loaded(before, storage) == []
    if not server:
        assert run.returncode == 0, run.stderr[-2000:]
        assert "showed the sign-in window" in run.stdout
