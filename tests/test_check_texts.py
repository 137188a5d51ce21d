"""scripts/check_texts.py: which strings it takes for untranslated texts, and which not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_texts  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))


def found(source: str, *, document: bool = False) -> list[str]:
    return [o.text for o in check_texts.check_source("x.py", source, document=document)]


@pytest.mark.parametrize(
    "source",
    [
        'label.setText("Save")',
        'self.setWindowTitle("Opportunity")',
        'button = QPushButton("&Save")',
        'QLabel("Est. revenue", self)',
        'box.setToolTip("Close the opportunity as lost")',
        'tabs.addTab(widget, "History")',
        'menu.addAction(icon, "Back up now")',
        'form.addRow("Topic", edit)',
        'view.setHeaderLabels(["Topic", "Customer"])',
        'QMessageBox.warning(self, "Not saved", "The disk is full.")',
        'edit.setPlaceholderText("Search")',
        'raise ValidationError({"topic": "Enter a topic."})',
        'raise NotFound("The opportunity no longer exists.")',
        'v.error("name", "There is already a kind with this name.")',
        'v.require("topic", value, "Topic")',
        'HEADERS = ("Kind", "Description")',
        'FIELD_LABELS = {"topic": "Topic"}',
        'parser.add_argument("--demo", help="fill the database with the demo dealership")',
        'print("Backed up.")',
        'raise NotAllowed("Only a sales manager can change this.")',
    ],
)
def test_a_literal_reaching_the_user_is_caught(source: str) -> None:
    assert found(source), source


@pytest.mark.parametrize(
    "source",
    [
        'label.setText(_("Save"))',
        'label.setText(ngettext("{n} quote", "{n} quotes", n).format(n=n))',
        'label.setText(pgettext("stage", "Lost"))',
        'tabs.addTab(widget, t._("History"))',
        'HEADERS = (N_("Kind"), N_("Description"))',
        'COLUMNS = ((N_("Topic"), "topic"), (N_("Customer"), "customer"))',
        'raise ValidationError({"topic": _("Enter a topic.")})',
        'raise ValueError(f"unknown kind {kind}")',  # a programming error
        'label.setText("")',
        'label.setText(":")',
        'label.setText("{count}")',
        'label.setText(f"<b>{name}</b>")',
        'label.setText("%s")',
        'label.setText("—")',
        'combo.addItem(label(key), "open")',  # the item's data is a code
        "label.setText(name)",
        'label.setText("Save")  # i18n: ignore',
        'log.error("could not open %s", path)',
        'x = "Some text in a variable that is not shown"',
    ],
)
def test_translated_or_wordless_strings_pass(source: str) -> None:
    assert found(source) == [], source


def test_f_strings_and_glued_texts_are_caught() -> None:
    assert found('label.setText(f"{n} opportunities")') == ["f'{n} opportunities'"]
    assert found('label.setText("Closed on " + day)') == ["Closed on "]
    assert found('label.setText("%d opportunities" % n)') == ["%d opportunities"]
    assert found('label.setText("{n} quotes".format(n=n))') == ["{n} quotes"]
    assert found('label.setText("Open" if is_open else "Closed")') == ["Closed", "Open"]
    assert found('raise NotFound(f"Customer #{id} no longer exists.")')


def test_the_offender_names_its_file_and_line() -> None:
    (offender,) = check_texts.check_source("ui/x.py", '\n\nlabel.setText("Save")\n')
    assert str(offender) == "ui/x.py:3: untranslated text 'Save'"


def test_in_documents_every_printed_string_counts_but_reportlabs_names() -> None:
    source = '''
"""A module docstring is not printed."""
REGULAR = "DejaVuSans"


def story(t):
    """Nor is a function's."""
    rows = [["Net total", amount], [t._("Net total"), amount]]
    details.append(("Revision", "2"))
    style = TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"), ("FONTNAME", (0, 0), (0, 0), REGULAR)])
    sheet.add(ParagraphStyle("Small", fontSize=8))
    cell = _p(text(t._("Kind regards,")), "Body")
    head = _p("CUSTOMER", "Label")
    canvas.drawString(0, 0, f"Page {n} of {total}")
    if kind == "quote":
        pass
'''
    assert found(source, document=True) == [
        "Net total",
        "Revision",
        "CUSTOMER",
        "f'Page {n} of {total}'",
    ]


def test_the_enforced_paths_are_clean() -> None:
    config = check_texts.load_config()
    assert "reports" in config.enforced
    assert check_texts.check_paths(config.enforced, config) == []


def test_a_baseline_tolerates_the_known_offenders(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    offenders = check_texts.check_source("ui/x.py", 'label.setText("Save")\n')
    baseline = tmp_path / "known.txt"
    baseline.write_text("".join(f"{o.key}\n" for o in offenders), encoding="utf-8")
    assert [o for o in offenders if o.key not in baseline.read_text().splitlines()] == []
    assert check_texts.folder("ui/leads/lead_form.py") == "ui/leads"
    assert check_texts.folder("reports/pdf.py") == "reports"
    assert check_texts.folder("main.py") == "main.py"
