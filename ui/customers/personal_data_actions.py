"""Exporting and anonymising one customer's personal data, from the customer form or list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.i18n import _, ngettext
from app.services import personal_data
from app.services.personal_data import AnonymiseResult
from ui.common.personal_data import anonymise_personal_data, export_personal_data


def export_customer(
    parent: QWidget, account_id: int, name: str, path: Path | None = None
) -> Path | None:
    """Everything held about the customer, to a JSON file the user picks."""
    return export_personal_data(
        parent,
        name,
        path,
        dialog_title=_("Export the customer's data"),
        suggested_name=personal_data.suggested_file_name(account_id),
        export=lambda target: personal_data.export(account_id, target),
        done_title=_("Customer data exported"),
    )


def anonymise_customer(parent: QWidget, account_id: int, name: str) -> bool:
    """Ask, then anonymise; True when done."""

    def done_text(result: AnonymiseResult) -> str:
        kept = result.contracts_kept
        if not kept:
            return _("{name} is anonymised.").format(name=name)
        return ngettext(
            "{name} is anonymised. {n} signed order form is kept as issued: the dealership "
            "must keep its contracts.",
            "{name} is anonymised. {n} signed order forms are kept as issued: the dealership "
            "must keep its contracts.",
            kept,
        ).format(name=name, n=kept)

    return anonymise_personal_data(
        parent,
        question_title=_("Anonymise this customer?"),
        question=_(
            "Replace the name, contacts, address, e-mail and phone of {name} everywhere they "
            "are held (their contacts, leads, sales and activities, and the audit log)? "
            "Amounts, dates and stages stay for the statistics. This cannot be undone; export "
            "their data first if they asked for it."
        ).format(name=name),
        anonymise=lambda: personal_data.anonymise(account_id),
        done_title=_("Customer anonymised"),
        done_text=done_text,
    )
