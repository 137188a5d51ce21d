"""Exporting and anonymising one lead's personal data, from the lead form or list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.services import personal_data
from ui.common.personal_data import anonymise_personal_data, export_personal_data


def export_lead(parent: QWidget, lead_id: int, name: str, path: Path | None = None) -> Path | None:
    """Everything held about the lead, to a JSON file the user picks."""
    return export_personal_data(
        parent,
        name,
        path,
        dialog_title=_("Export the lead's data"),
        suggested_name=personal_data.suggested_lead_file_name(lead_id),
        export=lambda target: personal_data.export_lead(lead_id, target),
        done_title=_("Lead data exported"),
    )


def anonymise_lead(parent: QWidget, lead_id: int, name: str) -> bool:
    """Ask, then anonymise; True when done."""
    return anonymise_personal_data(
        parent,
        question_title=_("Anonymise this lead?"),
        question=_(
            "Replace the name, address, e-mail and phone of {name} in the lead, its "
            "activities and the audit log? The vehicle interest, channel and dates stay for "
            "the statistics. This cannot be undone; export their data first if they asked "
            "for it."
        ).format(name=name),
        anonymise=lambda: personal_data.anonymise_lead(lead_id),
        done_title=_("Lead anonymised"),
        done_text=lambda _result: _("{name} is anonymised.").format(name=name),
    )
