"""The translation catalogues: extract the texts, merge them into each language, compile them.

    python3 scripts/dev.py texts extract        # write resources/translations/showroom.pot
    python3 scripts/dev.py texts update         # merge the template into every <lang>/.../showroom.po
    python3 scripts/dev.py texts compile        # every showroom.po -> showroom.mo
    python3 scripts/dev.py texts add LANG       # start a language: <LANG>/LC_MESSAGES/showroom.po
    python3 scripts/dev.py texts check          # fail when the committed template is out of date

Run with the .venv's Python (dev.py does): it needs Babel.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
TEMPLATE = TRANSLATIONS / "showroom.pot"
MAPPING = TRANSLATIONS / "babel.cfg"
DOMAIN = "showroom"
# Where the program's texts live (relative to ROOT).
SOURCES = ["app", "reports", "ui", "main.py"]
# The names app/i18n.py gives the translation functions; a Translator's methods carry the same
# names, and the extractor matches the last name of a call, so t._("...") is found too.
KEYWORDS = [
    "_",
    "gettext",
    "N_",
    "ngettext:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "NP_:1c,2",  # marked with a context: field labels (their key), shipped names
]
# Header lines that change on every run (or release) and say nothing about the texts.
VOLATILE_HEADERS = ("POT-Creation-Date:", "Project-Id-Version:")

USAGE = __doc__ or ""


def _pybabel(*args: str) -> int:
    try:
        return int(CommandLineInterface().run(["pybabel", "--quiet", *args]) or 0)
    except SystemExit as exc:  # optparse and Babel's errors end this way
        return int(exc.code or 0) if isinstance(exc.code, int) else 1


def extract(output: Path = TEMPLATE, root: Path = ROOT, sources: list[str] = SOURCES) -> int:
    """Write the template from the sources. Sorted by text and with file names but no line
    numbers, so an edit elsewhere in a file does not change the template, and two branches
    that add texts merge cleanly more often."""
    args = ["extract", "-F", str(MAPPING), "--no-default-keywords"]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    args += [
        "--add-location=file",
        "--sort-output",
        "--add-comments=TRANSLATORS:",
        "--project=Showroom",
        "--copyright-holder=Showroom",
        "--width=100",
        "-o",
        str(output),
    ]
    sources = [s for s in sources if (root / s).exists()]
    # Relative paths in the template, whatever the caller's working directory.
    cwd = Path.cwd()
    os.chdir(root)
    try:
        return _pybabel(*args, *sources)
    finally:
        os.chdir(cwd)


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update() -> int:
    if not catalogues():
        print("texts: no language yet (add one: dev.py texts add LANG)")
        return 0
    return _pybabel(
        "update",
        "-i",
        str(TEMPLATE),
        "-d",
        str(TRANSLATIONS),
        "-D",
        DOMAIN,
        "--width=100",
        "--ignore-obsolete",
    )


def compile_all() -> int:
    if not catalogues():
        return 0
    return _pybabel("compile", "-d", str(TRANSLATIONS), "-D", DOMAIN, "--statistics")


def add(language: str) -> int:
    if (TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po").exists():
        print(f"texts: {language} exists; run update to merge new texts into it", file=sys.stderr)
        return 1
    return _pybabel(
        "init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-D", DOMAIN, "-l", language
    )


def _comparable(path: Path) -> list[str]:
    """The template's lines without the header's comments (their year) and volatile fields."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("msgid")), len(lines))
    return [line for line in lines[start:] if not line.lstrip('"').startswith(VOLATILE_HEADERS)]


def check() -> int:
    """0 when the committed template holds exactly what extraction gives now."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "showroom.pot"
        code = extract(fresh)
        if code != 0:
            return code
        if not TEMPLATE.exists() or _comparable(fresh) != _comparable(TEMPLATE):
            print(
                f"texts: {TEMPLATE.relative_to(ROOT)} is out of date with the code; "
                "run `python3 scripts/dev.py texts extract` and commit it",
                file=sys.stderr,
            )
            return 1
    print("texts: the template is up to date")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command == "add" and len(args) == 1:
        return add(args[0])
    if args:
        print(USAGE, file=sys.stderr)
        return 2
    commands = {"extract": extract, "update": update, "compile": compile_all, "check": check}
    if command not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    return commands[command]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
