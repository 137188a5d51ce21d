"""Find user-facing texts that do not go through the translation function (app/i18n.py).

    python3 scripts/check_texts.py               # the enforced paths; exit 1 on any offender
    python3 scripts/check_texts.py --all         # every scanned path, with a count per folder
    python3 scripts/check_texts.py ui/leads      # just these paths
    python3 scripts/check_texts.py --all --baseline known.txt   # tolerate the known offenders
    python3 scripts/check_texts.py --all --write-baseline known.txt

What counts as a user-facing text (an AST check, not a guess at every string):
- a string given to a Qt text call or constructor (setText, setWindowTitle, addTab, addRow,
  QLabel(...), QMessageBox.warning(...), ...), to an argparse help, or to print();
- the message of an error raised (any class but Python's own programming errors:
  ValueError, TypeError, ...), ValidationError's field messages, and a Validator's messages
  and field labels;
- the strings of a constant whose name says it holds texts (HEADERS, FIELD_LABELS, COLUMNS,
  _CLOSED_MESSAGE, ...), dictionary keys aside;
- in "documents" paths (reports/), every string but a docstring and the names reportlab
  takes (styles, table commands, fonts, templates).
A string is fine inside _(), gettext(), ngettext(), pgettext(), npgettext(), N_(), NP_()
(or a translator's method of that name), when it holds no letter once tags, {placeholders}
and %-formats are taken out ("", ":", "{count}", "<b>{name}</b>"), or when it is a code
("open", "est_close_date", "opportunity.topic"). f-strings and texts glued with + or % are
caught by their literal parts. A line ending in "# i18n: ignore" is skipped.

Which paths are enforced: [tool.showroom.texts] in pyproject.toml (enforced = [...]); add a
folder there once its texts are wrapped.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRANSLATION_CALLS = frozenset(
    {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_", "NN_", "NP_", "tr", "translate"}
)

# Qt calls whose string arguments are shown to the user (method or constructor names).
QT_TEXT_METHODS = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setPlaceholderText",
        "setTitle",
        "setHtml",
        "setLabelText",
        "setButtonText",
        "setInformativeText",
        "setDetailedText",
        "setPrefix",
        "setSuffix",
        "setSpecialValueText",
        "setTabText",
        "setTabToolTip",
        "setItemText",
        "setAccessibleName",
        "setAccessibleDescription",
        "showMessage",
        "addTab",
        "insertTab",
        "addAction",
        "addMenu",
        "addItem",
        "addItems",
        "insertItem",
        "insertItems",
        "addRow",
        "insertRow",
        "addSection",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "setVerticalHeaderLabels",
        "setNameFilter",
        "setNameFilters",
        "setWindowIconText",
        "_row",  # the forms' helpers that label a field: _row(name, "&Topic", field)
        "_add_row",
        "add_field",
        "_tree",  # a tree with its headers: _tree("Contact", "Role")
        "show_error",  # FieldBox / FieldErrorLabel: a message at a field
        "show_warning",
        "say",  # a form's message beside its buttons
        "_say",
        "drill",  # app/services/dashboard: a drill-down's words, shown over the list
        "ask_to_save",
        "fill_filter_combo",  # a filter's "Any ..." entry
    }
)
QT_TEXT_CONSTRUCTORS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QCommandLinkButton",
        "QTableWidgetItem",
        "QListWidgetItem",
        "QTreeWidgetItem",
        "QStandardItem",
        "QMessageBox",
        "QProgressDialog",
        "QWizardPage",
        "SearchBox",  # ui/common's widgets with a placeholder text
        "LookupEdit",
        "Column",
        "MoneyEdit",
        "DateDialog",
        "_action",  # ui/shell/main_window.py: a menu action and its text
        "add_row",  # ui/leads/lead_sections.py: a form row and its label
        "_row",  # the forms' rows (activity dialog, opportunity sections) and their labels
        "AgendaColumn",  # ui/activities/agenda.py
        "TimelineEntry",  # app/services/timeline.py: its title is read on the timeline
        "DrillColumn",  # ui/dashboard/dashboard.py
        "AgendaSection",  # ui/activities/agenda.py: its title and what it says when empty
        "show_error",  # a field's or a form's message
        "show_warning",
        "say",  # a form's message line
        "_say",
        "_refuse",
    }
)
# Static dialogs: QMessageBox.warning(parent, title, text), QFileDialog.getSaveFileName(...).
QT_DIALOG_CLASSES = frozenset({"QMessageBox", "QInputDialog", "QFileDialog"})
QT_DIALOG_METHODS = frozenset(
    {
        "information",
        "warning",
        "critical",
        "question",
        "about",
        "getText",
        "getMultiLineText",
        "getItem",
        "getInt",
        "getDouble",
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
    }
)
TEXT_KEYWORDS = frozenset(
    {"text", "title", "toolTip", "statusTip", "placeholderText", "windowTitle", "caption"}
    | {"tip", "none_label", "what"}  # the project's helpers: a column's tip, a form's refusal
)
# Validator (app/domain/validation.py): the positions of its messages and field labels.
VALIDATOR_METHODS = {
    "error": (1,),
    "warn": (1,),
    "require": (2,),
    "optional": (2,),
    "amount": (2,),
    "choice": (3,),
    "not_in_past": (4,),
}
LOGGERS = frozenset({"log", "logger", "logging", "_log", "LOG"})
# Raised for programmers, not users: their messages need no translation.
PROGRAMMING_ERRORS = frozenset(
    {
        "ValueError",
        "TypeError",
        "KeyError",
        "IndexError",
        "AttributeError",
        "RuntimeError",
        "AssertionError",
        "NotImplementedError",
        "LookupError",
        "StopIteration",
        "SystemExit",
        "ImportError",
    }
)
# Names of constants that hold texts: HEADERS, FIELD_LABELS, _CLOSED_MESSAGE, START_LABEL_...
TEXT_CONSTANT = re.compile(r"(LABEL|HEADER|TITLE|COLUMN|MESSAGE|TEXT|TOOLTIP|HINT|CAPTION)S?(_|$)")
# reportlab's names in documents: styles, fonts, table commands, page templates.
DOCUMENT_NAME_CALLS = frozenset(
    {
        "ParagraphStyle",
        "Frame",
        "PageTemplate",
        "NextPageTemplate",
        "TableStyle",
        "HexColor",
        "setFont",
        "stringWidth",
        "TTFont",
        "registerFont",
        "registerFontFamily",
        "ImageReader",
        "getattr",
        "setattr",
        "hasattr",
        "Path",
        "open",
        "startswith",
        "endswith",
        "replace",
        "split",
        "join",
        "encode",
        "decode",
    }
)
# Document helpers whose argument at a position is a style name: _p(markup, "Body").
DOCUMENT_NAME_POSITIONS = {"_p": (1,), "paragraph": (1,), "para": (1,)}

CODE = re.compile(r"^[a-z][a-z0-9_.\-]*$")  # "open", "est_close_date", "opportunity.topic"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FILE_NAME = re.compile(r"^[\w.\-/]+\.[A-Za-z0-9]{2,5}$")
MARKUP = re.compile(r"<[^>]*>|\{[^{}]*\}|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr%]|&\w+;")
IGNORE = "# i18n: ignore"


@dataclass(frozen=True, order=True)
class Offender:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: untranslated text {self.text!r}"

    @property
    def key(self) -> str:
        """For a baseline: the path and the text, not the line, which moves with edits."""
        return f"{self.path}\t{self.text}"


def has_words(value: str) -> bool:
    """Whether a string has anything a translator would translate."""
    return any(ch.isalpha() for ch in MARKUP.sub("", value))


def is_text(value: str) -> bool:
    stripped = value.strip()
    return has_words(value) and not CODE.match(stripped) and not FILE_NAME.match(stripped)


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def receiver_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        value = func.value
        if isinstance(value, ast.Name):
            return value.id
        if isinstance(value, ast.Attribute):
            return value.attr
    return ""


def is_translation(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and call_name(node) in TRANSLATION_CALLS


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, source: str, document: bool) -> None:
        self.path = path
        self.lines = source.splitlines()
        self.document = document
        self.found: list[Offender] = []
        self._seen: set[int] = set()

    # --- reporting ------------------------------------------------------------------------

    def _flag(self, node: ast.AST, value: str) -> None:
        line = getattr(node, "lineno", 0)
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        if 0 < line <= len(self.lines) and self.lines[line - 1].rstrip().endswith(IGNORE):
            return
        self.found.append(Offender(self.path, line, value))

    def texts_in(self, node: ast.AST | None, *, codes_ok: bool = True) -> None:
        """Flag the literal text an expression shows, unless it is translated."""
        if node is None or is_translation(node):
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if is_text(value) if codes_ok else has_words(value):
                self._flag(node, value)
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if has_words(literal):
                self._flag(node, ast.unparse(node))
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    self.texts_in(v.value)
        elif isinstance(node, ast.BinOp):
            self.texts_in(node.left, codes_ok=codes_ok)
            if isinstance(node.op, ast.Add):
                self.texts_in(node.right, codes_ok=codes_ok)
        elif isinstance(node, ast.IfExp):
            self.texts_in(node.body, codes_ok=codes_ok)
            self.texts_in(node.orelse, codes_ok=codes_ok)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.texts_in(value, codes_ok=codes_ok)
        elif isinstance(node, ast.Call) and call_name(node) == "format":
            if isinstance(node.func, ast.Attribute):
                self.texts_in(node.func.value, codes_ok=codes_ok)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                self.texts_in(element, codes_ok=codes_ok)
        elif isinstance(node, ast.Dict):
            for value in node.values:  # the keys are codes: field names
                self.texts_in(value, codes_ok=codes_ok)

    # --- where texts reach the user -------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if is_translation(node):
            return  # everything inside is extracted; nested calls too
        name = call_name(node)
        receiver = receiver_name(node)
        if name in QT_TEXT_METHODS or name in QT_TEXT_CONSTRUCTORS or name == "print":
            for arg in node.args:
                self.texts_in(arg)
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS:
                    self.texts_in(keyword.value)
        elif name in QT_DIALOG_METHODS and receiver in QT_DIALOG_CLASSES:
            for arg in node.args[1:]:
                self.texts_in(arg)
        elif name in VALIDATOR_METHODS and receiver not in LOGGERS:
            for index in VALIDATOR_METHODS[name]:
                if index < len(node.args):
                    self.texts_in(node.args[index])
            for keyword in node.keywords:
                if keyword.arg in ("message", "label"):
                    self.texts_in(keyword.value)
        elif name == "ValidationError":
            for arg in node.args:
                self.texts_in(arg)
        for keyword in node.keywords:
            if keyword.arg == "help" or (
                keyword.arg in ("description", "epilog", "usage") and name == "ArgumentParser"
            ):
                self.texts_in(keyword.value)
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        if isinstance(exc, ast.Call) and call_name(exc) not in PROGRAMMING_ERRORS:
            for arg in exc.args:
                self.texts_in(arg)
        self.generic_visit(node)

    def _text_constant(self, targets: Iterable[ast.expr], value: ast.expr | None) -> None:
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name and name.upper() == name and TEXT_CONSTANT.search(name):
                self.texts_in(value)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._text_constant(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._text_constant([node.target], node.value)
        self.generic_visit(node)


class _DocumentChecker(_Checker):
    """Documents (reports/): every string is printed unless it is one of reportlab's names."""

    def visit_Module(self, node: ast.Module) -> None:
        exempt: set[int] = set()
        for parent in ast.walk(node):
            exempt |= self._exempt_under(parent)
        for child in ast.walk(node):
            if (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and id(child) not in exempt
                and is_text(child.value)
            ):
                self._flag(child, child.value)
            elif isinstance(child, ast.JoinedStr) and id(child) not in exempt:
                self.texts_in(child)
                exempt |= {id(n) for n in ast.walk(child)}

    def _exempt_under(self, node: ast.AST) -> set[int]:
        """The ids of the nodes under `node` whose strings are not printed text."""
        everything = {id(n) for n in ast.walk(node)} - {id(node)}
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                return {id(body[0].value)}
            return set()
        if isinstance(node, ast.Call):
            name = call_name(node)
            if is_translation(node) or name in DOCUMENT_NAME_CALLS:
                return everything
            exempt = {id(k.value) for k in node.keywords if isinstance(k.value, ast.Constant)}
            for index in DOCUMENT_NAME_POSITIONS.get(name, ()):
                if index < len(node.args):
                    exempt.add(id(node.args[index]))
            return exempt
        if isinstance(node, ast.Raise):
            exc = node.exc
            if isinstance(exc, ast.Call) and call_name(exc) in PROGRAMMING_ERRORS:
                return everything
        if isinstance(node, ast.Tuple) and node.elts:
            first = node.elts[0]
            # A table command: ("ALIGN", (0, 0), (-1, -1), "RIGHT").
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and IDENTIFIER.match(first.value)
                and first.value.isupper()
            ):
                return everything
        if isinstance(node, (ast.Compare, ast.Subscript, ast.Assert)):
            return everything
        if isinstance(node, ast.Assign):
            # A module's settings (REGULAR = "DejaVuSans"), unless named as texts.
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if names and all(n.isupper() and not TEXT_CONSTANT.search(n) for n in names):
                return everything
        if isinstance(node, ast.Dict):
            return {id(k) for k in node.keys if k is not None}
        return set()


def check_source(path: str, source: str, *, document: bool = False) -> list[Offender]:
    tree = ast.parse(source, filename=path)
    checker = (_DocumentChecker if document else _Checker)(path, source, document)
    checker.visit(tree)
    return sorted(checker.found)


# --- configuration and files ---------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    scan: tuple[str, ...]
    enforced: tuple[str, ...]
    documents: tuple[str, ...]
    exclude: tuple[str, ...]


def load_config(pyproject: Path = ROOT / "pyproject.toml") -> Config:
    with pyproject.open("rb") as file:
        table = tomllib.load(file).get("tool", {}).get("showroom", {}).get("texts", {})
    return Config(
        scan=tuple(table.get("scan", ["app", "ui", "reports", "main.py"])),
        enforced=tuple(table.get("enforced", [])),
        documents=tuple(table.get("documents", ["reports"])),
        exclude=tuple(table.get("exclude", [])),
    )


def _under(relative: str, prefixes: Iterable[str]) -> bool:
    return any(relative == p or relative.startswith(p.rstrip("/") + "/") for p in prefixes)


def python_files(paths: Iterable[str], config: Config, root: Path = ROOT) -> Iterator[Path]:
    for entry in paths:
        target = root / entry
        files = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for file in files:
            relative = file.relative_to(root).as_posix()
            if not _under(relative, config.exclude):
                yield file


def check_paths(paths: Iterable[str], config: Config, root: Path = ROOT) -> list[Offender]:
    found: list[Offender] = []
    for file in python_files(paths, config, root):
        relative = file.relative_to(root).as_posix()
        document = _under(relative, config.documents)
        found += check_source(relative, file.read_text(encoding="utf-8"), document=document)
    return found


def folder(path: str) -> str:
    """The folder a count is kept for: ui/leads, app/services, reports, main.py."""
    parts = path.split("/")
    if parts[0] in ("ui", "app") and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0] if len(parts) > 1 else path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Find texts that are not translated.")
    parser.add_argument("paths", nargs="*", help="files or folders (default: the enforced ones)")
    parser.add_argument("--all", action="store_true", help="every scanned path, with counts")
    parser.add_argument("--baseline", type=Path, help="a file of known offenders to tolerate")
    parser.add_argument("--write-baseline", type=Path, help="write the offenders found there")
    parser.add_argument("--quiet", action="store_true", help="only the counts")
    args = parser.parse_args(argv)
    config = load_config()
    paths = args.paths or (config.scan if args.all else config.enforced)
    found = check_paths(paths, config)
    if args.write_baseline:
        args.write_baseline.write_text(
            "".join(f"{o.key}\n" for o in found), encoding="utf-8", newline="\n"
        )
        print(f"check_texts: wrote {len(found)} known offenders to {args.write_baseline}")
        return 0
    if args.baseline:
        known = set(args.baseline.read_text(encoding="utf-8").splitlines())
        found = [o for o in found if o.key not in known]
    if not args.quiet:
        for offender in found:
            print(offender)
    if args.all or args.quiet:
        counts = Counter(folder(o.path) for o in found)
        for name, count in sorted(counts.items()):
            print(f"{count:6d}  {name}")
    if found:
        print(
            f"check_texts: {len(found)} untranslated texts in {', '.join(paths)}: wrap each in "
            "_(), ngettext(), pgettext() or N_() (README: Translations)",
            file=sys.stderr,
        )
        return 1
    print(f"check_texts: no untranslated text in {', '.join(paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
