"""scripts/texts.py and dev.py: a catalogue that cannot ship fails the check (a missing or
fuzzy translation, placeholders unlike the original's, plural forms unlike the language's,
out of date with the template), the shipped German one passes, and the compiled catalogues
are built before the program, the tests and the installer."""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, TranslationError
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import dev  # noqa: E402
import texts  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))

# The template of the crafted catalogues: a text, a brace-format one, a plural, one with a
# context, argparse's %-format, and a percent sign that is no placeholder.
MESSAGES: list[tuple[str | tuple[str, str], str | None]] = [
    ("Save", None),
    ("Quote {number} accepted", None),
    (("{n} quote", "{n} quotes"), None),
    ("Lost", "stage"),
    ("%(prog)s: error: %(message)s\n", None),
    ("VAT {rate} % on {net}", None),
    ("unrecognized arguments: %s", None),
]
GERMAN: dict[tuple[str, str | None], str | tuple[str, str]] = {
    ("Save", None): "Speichern",
    ("Quote {number} accepted", None): "Angebot {number} angenommen",
    ("{n} quote", None): ("{n} Angebot", "{n} Angebote"),
    ("Lost", "stage"): "Verloren",
    ("%(prog)s: error: %(message)s\n", None): "%(prog)s: Fehler: %(message)s\n",
    ("VAT {rate} % on {net}", None): "MwSt. {rate} % auf {net}",
    ("unrecognized arguments: %s", None): "unbekannte Argumente: %s",
}


def _template() -> Catalog:
    catalog = Catalog(domain="showroom")
    for message, context in MESSAGES:
        catalog.add(message, context=context)
    return catalog


def _german(changes: dict[tuple[str, str | None], str | tuple[str, str]] | None = None) -> Catalog:
    catalog = Catalog(locale="de", domain="showroom")
    for message, context in MESSAGES:
        key = (message if isinstance(message, str) else message[0], context)
        catalog.add(message, {**GERMAN, **(changes or {})}[key], context=context)
    return catalog


def _write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100)
    return path


def _check(tmp_path: Path, catalogue: Catalog, template: Catalog | None = None) -> list[str]:
    po = _write(tmp_path / "de" / "LC_MESSAGES" / "showroom.po", catalogue)
    return texts.check_catalogue(po, "de", template or _template())


def test_a_complete_catalogue_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, _german()) == []
    pot = _write(tmp_path / "showroom.pot", _template())
    assert texts.check_catalogues(tmp_path, ["de"], pot) == 0
    assert "de: complete" in capsys.readouterr().out


def test_a_missing_translation_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tmp_path, _german({("Save", None): ""})) == ["'Save': no translation"]
    plural = _check(tmp_path, _german({("{n} quote", None): ("{n} Angebot", "")}))
    assert plural == ["'{n} quote': no translation"]
    # Through the command: a failure, and the message on stderr.
    pot = _write(tmp_path / "showroom.pot", _template())
    _write(tmp_path / "de" / "LC_MESSAGES" / "showroom.po", _german({("Save", None): ""}))
    assert texts.check_catalogues(tmp_path, ["de"], pot) == 1
    assert "'Save': no translation" in capsys.readouterr().err


def test_a_fuzzy_translation_fails(tmp_path: Path) -> None:
    catalogue = _german()
    catalogue.get("Lost", context="stage").flags.add("fuzzy")
    assert _check(tmp_path, catalogue) == [
        "'Lost' [stage]: fuzzy (marked for review): check the translation and remove the flag"
    ]


@pytest.mark.parametrize(
    ("key", "translation", "problem"),
    [
        (("Quote {number} accepted", None), "Angebot {nummer} angenommen", "lacks {number}"),
        (("Quote {number} accepted", None), "Angebot angenommen", "lacks {number}"),
        (("unrecognized arguments: %s", None), "unbekannte Argumente", "lacks %s"),
        (("unrecognized arguments: %s", None), "Argumente: %s, %s", "has %s"),
        (("Quote {number} accepted", None), "Angebot {number angenommen", "no valid format"),
        (("%(prog)s: error: %(message)s\n", None), "%(prog)s: Fehler\n", "lacks %(message)s"),
        (("%(prog)s: error: %(message)s\n", None), "%(prog)s: %(msg)s\n", "has %(msg)s"),
        (("{n} quote", None), ("{n} Angebot", "{count} Angebote"), "form 1: placeholders"),
        (("{n} quote", None), ("ein Angebot", "{n} Angebote"), "form 0: placeholders"),
    ],
)
def test_placeholders_unlike_the_originals_fail(
    tmp_path: Path,
    key: tuple[str, str | None],
    translation: str | tuple[str, str],
    problem: str,
) -> None:
    found = _check(tmp_path, _german({key: translation}))
    assert len(found) == 1
    assert problem in found[0]


def test_a_named_placeholder_may_stand_twice_or_move(tmp_path: Path) -> None:
    moved = {("Quote {number} accepted", None): "{number}: Angebot {number} angenommen"}
    assert _check(tmp_path, _german(moved)) == []


def test_a_percent_sign_before_a_word_is_no_placeholder(tmp_path: Path) -> None:
    # Babel's own checker takes "% o" in "VAT {rate} % on {net}" for Python's %o and calls
    # the German "% auf" incompatible; it is a percent sign, and the check passes it.
    catalogue = _german()
    message = catalogue.get("VAT {rate} % on {net}")
    with pytest.raises(TranslationError):
        python_format(catalogue, message)
    assert _check(tmp_path, catalogue) == []


def _with_plural_forms(tmp_path: Path, language: str, header: str) -> list[str]:
    catalogue = _german()
    po = _write(tmp_path / language / "LC_MESSAGES" / "showroom.po", catalogue)
    text = po.read_text(encoding="utf-8")
    shipped = "Plural-Forms: nplurals=2; plural=(n != 1);"
    assert shipped in text
    po.write_text(text.replace(shipped, f"Plural-Forms: {header}"), encoding="utf-8")
    return [p for p in texts.check_catalogue(po, language, _template()) if "Plural" in p]


@pytest.mark.parametrize(
    ("language", "header", "passes"),
    [
        ("de", "nplurals=2; plural=(n != 1);", True),
        ("de", "nplurals=1; plural=0;", False),
        ("de", "nplurals=2; plural=(n > 1);", False),  # 0 is no singular in German
        # GNU gettext's two forms: CLDR's third form ("many") is for round millions only.
        ("it", "nplurals=2; plural=(n != 1);", True),
        ("fr", "nplurals=2; plural=(n > 1);", True),
        ("fr", "nplurals=2; plural=(n != 1);", False),  # 0 takes the singular in French
        ("it", "nplurals=2; plural=(n != 1 ? 2 : 0);", False),  # a form it does not have
    ],
)
def test_plural_forms_must_read_numbers_as_the_language_does(
    tmp_path: Path, language: str, header: str, passes: bool
) -> None:
    found = _with_plural_forms(tmp_path, language, header)
    assert (found == []) is passes, found
    if not passes:
        assert found[0].startswith(f"header: Plural-Forms is '{header}', which does not read n=")


def test_a_catalogue_out_of_date_with_the_template_fails(tmp_path: Path) -> None:
    newer = _template()
    newer.add("Print")  # the code has a new text: `texts update` would add it
    found = _check(tmp_path, _german(), newer)
    assert found == [
        "out of date with the template (1 new, 0 no longer used): run "
        "`python3 scripts/dev.py texts update`, translate what is new and commit it"
    ]
    older = _template()
    older.delete("Save")  # a text the code no longer has: `texts update` would drop it
    assert "0 new, 1 no longer used" in _check(tmp_path, _german(), older)[0]


def test_a_shipped_language_without_a_catalogue_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pot = _write(tmp_path / "showroom.pot", _template())
    _write(tmp_path / "de" / "LC_MESSAGES" / "showroom.po", _german())
    assert texts.check_catalogues(tmp_path, ["de", "it"], pot) == 1
    assert "it: 1 problem(s)" in capsys.readouterr().err


def test_the_shipped_german_catalogue_is_complete_and_current() -> None:
    with texts.TEMPLATE.open("rb") as file:
        template = read_po(file)
    path = texts.TRANSLATIONS / "de" / "LC_MESSAGES" / "showroom.po"
    assert texts.check_catalogue(path, "de", template) == []
    with path.open("rb") as file:
        catalogue = read_po(file)
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    assert len([m for m in catalogue if m.id]) > 1700


def test_every_shipped_language_is_checked() -> None:
    assert set(texts.SHIPPED) == {"de", "it", "fr"}


def test_compiling_leaves_out_a_translation_that_would_break_its_placeholders(
    tmp_path: Path,
) -> None:
    bad = _german({("Quote {number} accepted", None): "Angebot {nummer} angenommen"})
    _write(tmp_path / "de" / "LC_MESSAGES" / "showroom.po", bad)
    assert texts.compile_all(tmp_path) == 0
    catalogue = gettext.translation("showroom", str(tmp_path), languages=["de"])
    assert catalogue.gettext("Save") == "Speichern"
    # English, which fills in: not a KeyError at .format(number=...).
    assert catalogue.gettext("Quote {number} accepted") == "Quote {number} accepted"
    assert catalogue.ngettext("{n} quote", "{n} quotes", 2) == "{n} Angebote"
    assert catalogue.pgettext("stage", "Lost") == "Verloren"


def test_the_tests_the_program_and_the_installer_compile_the_catalogues_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh clone's `dev.py test` (and run, build, setup) compiles before it starts."""
    calls: list[list[str]] = []

    def call(command: list[str], **_: object) -> int:
        calls.append(command)
        return 0

    monkeypatch.setattr(dev, "call", call)
    for command, args in (
        (dev.run_tests, ["-x"]),
        (dev.run_app, ["--smoke"]),
        (dev.build, []),
        (dev.setup_only, []),
    ):
        calls.clear()
        assert command(args) == 0
        assert calls[0][-2:] == [str(ROOT / "scripts" / "texts.py"), "compile"], command
    # A failed compile stops the tests from running on stale catalogues.
    monkeypatch.setattr(dev, "call", lambda command, **_: 1)
    assert dev.run_tests([]) == 1


def test_the_check_runs_the_catalogues_check() -> None:
    source = (ROOT / "scripts" / "dev.py").read_text(encoding="utf-8")
    assert '"check-catalogues"' in source
