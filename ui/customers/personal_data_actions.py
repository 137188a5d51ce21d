"""Exporting and anonymising one customer's personal data, from the customer form or list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.domain.validation import ValidationError
from app.i18n import _, ngettext
from app.services import personal_data
from app.services.errors import NotFound
from app.services.stage_setup import NotAllowed


def export_customer(
    parent: QWidget, account_id: int, name: str, path: Path | None = None
) -> Path | None:
    """Everything held about the customer, to a JSON file the user picks."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent,
            _("Export the customer's data"),
            str(Path.home() / personal_data.suggested_file_name(account_id)),
            _("JSON (*.json)"),
        )
        if not chosen:
            return None
        path = Path(chosen)
    try:
        written = personal_data.export(account_id, path)
    except NotFound as exc:
        QMessageBox.warning(parent, _("Not exported"), str(exc))
        return None
    QMessageBox.information(
        parent,
        _("Customer data exported"),
        _(
            "Everything Showroom holds about {name} is in {path}. The export is recorded in "
            "the audit log."
        ).format(name=name, path=written),
    )
    return written


def anonymise_customer(parent: QWidget, account_id: int, name: str) -> bool:
    """Ask, then anonymise; True when done."""
    answer = QMessageBox.question(
        parent,
        _("Anonymise this customer?"),
        _(
            "Replace the name, contacts, address, e-mail and phone of {name} everywhere they "
            "are held (their contacts, leads, sales and activities, and the audit log)? "
            "Amounts, dates and stages stay for the statistics. This cannot be undone; export "
            "their data first if they asked for it."
        ).format(name=name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        result = personal_data.anonymise(account_id)
    except (ValidationError, NotAllowed, NotFound) as exc:
        QMessageBox.warning(parent, _("Not anonymised"), str(exc))
        return False
    text = _("{name} is anonymised.").format(name=name)
    kept = result.contracts_kept
    if kept:
        text = ngettext(
            "{name} is anonymised. {n} signed order form is kept as issued: the dealership "
            "must keep its contracts.",
            "{name} is anonymised. {n} signed order forms are kept as issued: the dealership "
            "must keep its contracts.",
            kept,
        ).format(name=name, n=kept)
    QMessageBox.information(parent, _("Customer anonymised"), text)
    return True
