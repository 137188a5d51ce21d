"""The translation catalogues: extract the texts, merge them into each language, compile them.

    python3 scripts/dev.py texts extract        # write resources/translations/showroom.pot
    python3 scripts/dev.py texts update         # merge the template into every <lang>/.../showroom.po
    python3 scripts/dev.py texts compile        # every showroom.po -> showroom.mo
    python3 scripts/dev.py texts add LANG       # start a language: <LANG>/LC_MESSAGES/showroom.po
    python3 scripts/dev.py texts check          # fail when the template or a catalogue is not
                                                # ready to ship (see check_catalogue)

Run with the .venv's Python (dev.py does): it needs Babel.
"""

from __future__ import annotations

import gettext
import os
import re
import string
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

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
    "NN_:1,2",
    "ngettext:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "NP_:1c,2",  # marked with a context: field labels (their key), shipped names
]
# The languages the program ships: each must have a complete catalogue (`texts check`).
SHIPPED = ("de", "fr", "it")
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


def compile_all(translations: Path | None = None) -> int:
    """Every <lang>/LC_MESSAGES/showroom.po -> showroom.mo beside it. A message whose
    translation is missing, fuzzy or would break its placeholders is left out (the program
    shows it in English, not a KeyError); `texts check` is what fails on those."""
    folder = TRANSLATIONS if translations is None else translations
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po.parent.parent.name
        catalogue = _read(po, language)
        left_out = 0
        for message in list(catalogue):
            if message.id and _translated(message) and _problems(message, catalogue.num_plurals):
                left_out += 1
                catalogue.delete(message.id, message.context)
        with po.with_suffix(".mo").open("wb") as file:
            write_mo(file, catalogue, use_fuzzy=False)
        total = sum(1 for message in catalogue if message.id)
        done = sum(1 for message in catalogue if message.id and _translated(message))
        note = (
            f"; {left_out} left out for their placeholders (see `texts check`)" if left_out else ""
        )
        print(f"texts: {language}: {done} of {total + left_out} messages translated{note}")
    return 0


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


def check_template() -> int:
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


# --- the catalogues' check ---------------------------------------------------------------

# A %-placeholder as Python's % operator reads it: %s, %d, %(name)s, %.2f, %%. Unlike Babel's
# own checker, a percent sign followed by a space is not taken for one (Python's rarely used
# "space" flag): "VAT {rate} % on {net}" holds no "% o" placeholder, and its German
# "MwSt. {rate} % auf {net}" does not lose one.
PERCENT = re.compile(r"%(?:\(\w+\))?[-#0+]?(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def _braces(text: str) -> Counter[str] | None:
    """The names of a text's {placeholders} ({n}, {0}, {name.attr} -> name), with how often
    each occurs; None when the text is no valid format string."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return None
    # A named placeholder may stand twice or be moved: each name counts once.
    return Counter({re.split(r"[.\[]", name, maxsplit=1)[0]: 1 for name in fields})


def _percents(text: str) -> Counter[str]:
    """%(name)s count once each; unnamed ones (%s, %d) as often as they stand, since they
    are filled in by position."""
    found = [match for match in PERCENT.findall(text) if match != "%%"]
    named = {match: 1 for match in found if match.startswith("%(")}
    return Counter([match for match in found if not match.startswith("%(")]) + Counter(named)


def _placeholders(text: str, message: Message) -> Counter[str]:
    found: Counter[str] = Counter()
    if "python-format" in message.flags:
        found.update(_percents(text))
    if "python-brace-format" in message.flags or "{" in text:
        found.update(_braces(text) or {})
    return found


def _placeholder_problem(message: Message, num_plurals: int) -> str | None:
    """What is wrong with a translation's placeholders, or None. A singular text's
    translation has exactly the original's; each plural form has every placeholder the two
    English forms share, and none that neither has ("{n} day" / "a day": the count may be
    left out of a form only where English leaves it out)."""
    if message.pluralizable:
        sources = [_placeholders(text, message) for text in message.id]
        required = sources[0] & sources[1]
        allowed = set(sources[0]) | set(sources[1])
        for index, text in enumerate(message.string[:num_plurals]):
            if "python-brace-format" in message.flags and _braces(text) is None:
                return f"form {index} is no valid format string: {text!r}"
            found = _placeholders(text, message)
            missing = set(required) - set(found)
            unknown = set(found) - allowed
            if missing or unknown:
                return _placeholder_text(index, missing, unknown)
        return None
    if "python-brace-format" in message.flags and _braces(str(message.string)) is None:
        return f"no valid format string: {message.string!r}"
    source = _placeholders(str(message.id), message)
    found = _placeholders(str(message.string), message)
    if source != found:
        return _placeholder_text(None, set(source - found), set(found - source))
    return None


def _placeholder_text(form: int | None, missing: set[str], unknown: set[str]) -> str:
    where = "" if form is None else f"form {form}: "
    parts = []
    if missing:
        parts.append("lacks " + ", ".join(sorted(_shown(p) for p in missing)))
    if unknown:
        parts.append(
            "has " + ", ".join(sorted(_shown(p) for p in unknown)) + " not in the original"
        )
    return where + "placeholders differ: " + "; ".join(parts)


def _shown(placeholder: str) -> str:
    return placeholder if placeholder.startswith("%") else "{" + placeholder + "}"


def _translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
    return all(strings)


def _problems(message: Message, num_plurals: int) -> list[str]:
    """Why this message cannot ship: untranslated, fuzzy, wrong number of plural forms,
    placeholders that differ from the original's."""
    if message.fuzzy:
        return ["fuzzy (marked for review): check the translation and remove the flag"]
    if not _translated(message):
        return ["no translation"]
    if message.pluralizable and len(message.string) != num_plurals:
        return [f"{len(message.string)} plural forms where the language has {num_plurals}"]
    problem = _placeholder_problem(message, num_plurals)
    return [problem] if problem else []


def _plural_problem(catalogue: Catalog, language: str) -> str | None:
    """What is wrong with the header's Plural-Forms for the language, or None. CLDR's rule
    (Babel's) passes, and so does GNU gettext's two-form rule where CLDR adds a form only
    for round millions (Italian and French "many"): the singular must go to the same
    numbers as the language's, and every number to a form the catalogue has."""
    expected = get_plural(language)
    if (catalogue.num_plurals, catalogue.plural_expr) == (
        expected.num_plurals,
        expected.plural_expr,
    ):
        return None
    try:
        ours = gettext.c2py(catalogue.plural_expr)
        theirs = gettext.c2py(expected.plural_expr)
    except (ValueError, SyntaxError):
        return f"header: Plural-Forms {catalogue.plural_forms!r} cannot be read"
    numbers = range(0, 2001)
    singular_wrong = [n for n in numbers if (ours(n) == 0) != (theirs(n) == 0)]
    out_of_range = [n for n in numbers if not 0 <= ours(n) < catalogue.num_plurals]
    if singular_wrong or out_of_range:
        example = (singular_wrong or out_of_range)[0]
        return (
            f"header: Plural-Forms is {catalogue.plural_forms!r}, which does not read n={example} "
            f"as {language} does ({expected.plural_forms!r})"
        )
    return None


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def _key(message: Message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def _describe(message: Message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    context = f" [{message.context}]" if message.context else ""
    short = text if len(text) <= 70 else text[:67] + "…"
    return f"{short!r}{context}"


def check_catalogue(path: Path, language: str, template: Catalog) -> list[str]:
    """Everything that keeps a catalogue from shipping, one line each (empty: it ships):
    missing or fuzzy translations, placeholders that differ from the original's, plural
    forms other than the language's, and out of date with the template (`texts update`
    would add, drop or mark messages)."""
    if not path.exists():
        return [f"no catalogue (start it: dev.py texts add {language})"]
    catalogue = _read(path, language)
    found: list[str] = []
    plural = _plural_problem(catalogue, language)
    if plural:
        found.append(plural)
    keys = {_key(message) for message in catalogue if message.id}
    wanted = {_key(message) for message in template if message.id}
    if keys != wanted or catalogue.obsolete:
        new, gone = len(wanted - keys), len(keys - wanted) + len(catalogue.obsolete)
        found.append(
            f"out of date with the template ({new} new, {gone} no longer used): run "
            "`python3 scripts/dev.py texts update`, translate what is new and commit it"
        )
    for message in catalogue:
        if message.id:
            found += [
                f"{_describe(message)}: {p}" for p in _problems(message, catalogue.num_plurals)
            ]
    return found


def check_catalogues(
    translations: Path = TRANSLATIONS, languages: Iterable[str] = SHIPPED, template: Path = TEMPLATE
) -> int:
    """0 when every shipped language's catalogue is complete and sound."""
    with template.open("rb") as file:
        pot = read_po(file)
    failed = 0
    for language in languages:
        path = translations / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        problems = check_catalogue(path, language, pot)
        if not problems:
            print(f"texts: {language}: complete, placeholders as in the original")
            continue
        failed += 1
        shown = problems[:25]
        print(f"texts: {language}: {len(problems)} problem(s) in {path}", file=sys.stderr)
        for problem in shown:
            print(f"  {problem}", file=sys.stderr)
        if len(problems) > len(shown):
            print(f"  … and {len(problems) - len(shown)} more", file=sys.stderr)
    return 1 if failed else 0


def check() -> int:
    """The template up to date with the code, and every shipped catalogue ready."""
    template = check_template()
    if template != 0:
        return template
    return check_catalogues()


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
    commands = {
        "extract": extract,
        "update": update,
        "compile": compile_all,
        "check": check,
        "check-template": check_template,
        "check-catalogues": check_catalogues,
    }
    if command not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    return commands[command]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
