"""The terminal speaks the system's language: `main.py --help` (argparse's own words too)
and an error under LANG=de_DE.UTF-8, English under LC_ALL=C; and how the system's language
is read from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import languages

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compiled() -> None:
    """The working copy's catalogues compiled, as `dev.py test` does before the tests."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import texts
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert texts.compile_all() == 0


def _main(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**clean, "QT_QPA_PLATFORM": "offscreen", "COLUMNS": "200", **env},
        cwd=ROOT,
        timeout=120,
    )


def test_help_speaks_german_under_a_german_locale(compiled: None) -> None:
    result = _main("--help", LANG="de_DE.UTF-8")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Aufruf: showroom [-h]")
    assert "\nOptionen:\n" in out
    assert "diese Hilfe anzeigen und beenden" in out  # argparse's own
    assert "Versionsnummer des Programms anzeigen und beenden" in out
    assert "eine leere Datenbank vor dem Öffnen mit dem Demo-Autohaus füllen" in out  # ours
    assert "Showroom: Interessenten, Verkaufschancen, Angebote und Auslieferungen" in out
    for english in ("usage:", "options:", "show this help message", "fill an empty database"):
        assert english not in out


def test_argparses_errors_speak_german(compiled: None) -> None:
    result = _main("--frobnicate", LANG="de_DE.UTF-8")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "showroom: Fehler: unbekannte Argumente: --frobnicate"
    missing = _main("render", "Q-00001", LANG="de_DE.UTF-8")
    assert "Fehler: folgende Argumente sind erforderlich: --out" in missing.stderr


def test_help_speaks_english_under_the_c_locale(compiled: None) -> None:
    result = _main("--help", LC_ALL="C", LANGUAGE="de")
    assert result.stdout.startswith("usage: showroom [-h]")
    assert "show this help message and exit" in result.stdout


def test_a_window_started_under_a_german_locale_speaks_german(
    compiled: None, tmp_path: Path
) -> None:
    # The smoke run signs in (as the administrator create-admin makes) and opens the window.
    password = "a German window opens here"
    made = _main("create-admin", "chef", "--data-dir", str(tmp_path), SHOWROOM_PASSWORD=password)
    assert made.returncode == 0, made.stderr
    result = _main(
        "--smoke",
        "--data-dir",
        str(tmp_path),
        LANG="de_DE.UTF-8",
        SHOWROOM_USER="chef",
        SHOWROOM_PASSWORD=password,
    )
    assert result.returncode == 0, result.stderr
    assert "ordnungsgemäß gestartet und beendet mit" in result.stdout


AVAILABLE = ["de", "en", "fr", "it"]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "de_AT.UTF-8"}, "de"),
        ({"LC_MESSAGES": "it_IT.UTF-8", "LANG": "de_DE.UTF-8"}, "it"),
        ({"LC_ALL": "fr_CH.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANGUAGE": "es:fr", "LANG": "de_DE.UTF-8"}, "fr"),  # the first one we speak
        ({"LANGUAGE": "en_GB:de", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "en"),  # a language we do not speak: English
        ({"LC_ALL": "C", "LANGUAGE": "de", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "de"),  # nothing set (Windows): the user's locale as Python reads it
    ],
)
def test_the_systems_language_is_read_as_gettext_reads_it(
    environ: dict[str, str], language: str
) -> None:
    wanted = languages.system_languages(environ, default_locale=lambda: "de_DE")
    assert languages.pick(wanted, AVAILABLE) == language


def test_a_language_without_a_catalogue_is_not_picked() -> None:
    assert languages.pick(["de_DE.UTF-8"], ["en", "fr"]) == "en"


def test_languages_are_named_in_their_own_words() -> None:
    names = [languages.native_name(code) for code in ("de", "fr", "it", "en")]
    assert names == ["Deutsch", "Français", "Italiano", "English"]
