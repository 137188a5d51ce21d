"""The one catalogue of field labels: the name a field has everywhere a user reads it.

A list column, a form label, the dashboard, a document, the audit export, a CSV header, a
field message and the "saved elsewhere" dialog all name a field through ``label(key)``, so
"Est. revenue" is written once and translated once. Keys are ``"<record>.<field>"``, the
field as the services' dataclasses name it (``"opportunity.est_revenue"``).

Each label is extracted with its key as the gettext context (``NL_``), so a translator can
give "Kind" of a customer and "Kind" of an activity different words. Some fields have a
shorter form for narrow list columns (``label(key, short=True)``). Access keys (the "&" of
"&Topic") are not part of the label: a form adds its own.
"""

from __future__ import annotations

from app.i18n import Translator, current


def NL_(key: str, text: str) -> tuple[str, str]:
    """Marks a field label for extraction, with its key as the context (scripts/texts.py)."""
    return key, text


_LABELS: dict[str, str] = dict(
    [
        # --- opportunity (DESIGN.md's sections: Opportunity, Branding, Device specifics,
        # Assignment) ---
        NL_("opportunity.topic", "Topic"),
        NL_("opportunity.account_id", "Customer"),
        NL_("opportunity.primary_contact_id", "Primary contact"),
        NL_("opportunity.est_close_date", "Est. close date"),
        NL_("opportunity.est_revenue", "Est. revenue"),
        NL_("opportunity.est_revenue_accessories", "Est. revenue accessories"),
        NL_("opportunity.est_trade_in", "Est. trade-in value"),
        NL_("opportunity.currency", "Currency"),
        NL_("opportunity.owner_id", "Owner"),
        NL_("opportunity.team_id", "Team"),
        NL_("opportunity.kind_id", "Sales process"),
        NL_("opportunity.stage_id", "Stage"),
        NL_("opportunity.probability", "Probability"),
        NL_("opportunity.probability_by_hand", "Probability (by hand)"),
        NL_("opportunity.status", "Status"),
        NL_("opportunity.lost_reason", "Lost reason"),
        NL_("opportunity.closing_note", "Closing note"),
        NL_("opportunity.competitor", "Competitor"),
        NL_("opportunity.channel", "Channel"),
        NL_("opportunity.source", "Source"),
        NL_("opportunity.description", "Description"),
        NL_("opportunity.interest", "Interest"),
        NL_("opportunity.condition", "Condition"),
        NL_("opportunity.brand", "Brand"),
        NL_("opportunity.vehicle_class", "Class"),
        NL_("opportunity.model", "Model"),
        NL_("opportunity.model_code", "Model code"),
        NL_("opportunity.variant", "Variant"),
        NL_("opportunity.brand_model", "Brand / model"),
        NL_("opportunity.vehicle_id", "Vehicle"),
        NL_("opportunity.scheduled_delivery", "Scheduled delivery"),
        NL_("opportunity.business_id", "Business"),
        NL_("opportunity.facility_id", "Facility"),
        NL_("opportunity.operation_id", "Operation"),
        NL_("opportunity.lead_id", "From lead"),
        # --- customer (account) and its contacts ---
        NL_("account.name", "Customer"),
        NL_("account.kind", "Kind"),
        NL_("account.first_name", "First name"),
        NL_("account.last_name", "Last name"),
        NL_("account.company_name", "Company name"),
        NL_("account.email", "E-mail"),
        NL_("account.phone", "Phone"),
        NL_("account.street", "Street"),
        NL_("account.postcode", "Postcode"),
        NL_("account.city", "City"),
        NL_("account.country", "Country"),
        NL_("account.open_opportunities", "Open opportunities"),
        NL_("contact.first_name", "First name"),
        NL_("contact.last_name", "Last name"),
        NL_("contact.email", "E-mail"),
        NL_("contact.phone", "Phone"),
        NL_("contact.job_title", "Job title"),
        NL_("contact.role", "Role"),
        # --- lead ---
        NL_("lead.name", "Name"),
        NL_("lead.first_name", "First name"),
        NL_("lead.last_name", "Last name"),
        NL_("lead.company_name", "Company name"),
        NL_("lead.email", "E-mail"),
        NL_("lead.phone", "Phone"),
        NL_("lead.street", "Street"),
        NL_("lead.postcode", "Postcode"),
        NL_("lead.city", "City"),
        NL_("lead.country", "Country"),
        NL_("lead.interest", "Interest"),
        NL_("lead.condition", "Condition"),
        NL_("lead.brand", "Brand"),
        NL_("lead.vehicle_class", "Class"),
        NL_("lead.model", "Model"),
        NL_("lead.model_code", "Model code"),
        NL_("lead.variant", "Variant"),
        NL_("lead.channel", "Channel"),
        NL_("lead.source", "Source"),
        NL_("lead.notes", "Notes"),
        NL_("lead.owner_id", "Owner"),
        NL_("lead.status", "Status"),
        NL_("lead.disqualify_reason", "Reason"),
        NL_("lead.created_at", "Received"),
        # --- activity ---
        NL_("activity.kind", "Kind"),
        NL_("activity.subject", "Subject"),
        NL_("activity.description", "Description"),
        NL_("activity.starts_at", "Starts"),
        NL_("activity.due", "Due"),
        NL_("activity.when", "When"),
        NL_("activity.ends_at", "Ends"),
        NL_("activity.done", "Done"),
        NL_("activity.owner_id", "Owner"),
        NL_("activity.vehicle_id", "Vehicle"),
        NL_("activity.direction", "Direction"),
        NL_("activity.note_reason", "Reason"),
        NL_("activity.opportunity_id", "Opportunity"),
        NL_("activity.account_id", "Customer"),
        # --- quote, its lines, the order form and the order ---
        NL_("quote.number", "Number"),
        NL_("quote.status", "Status"),
        NL_("quote.valid_until", "Valid until"),
        NL_("quote.payment_method", "Payment"),
        NL_("quote.vehicle_id", "Vehicle"),
        NL_("quote.remarks", "Remarks"),
        NL_("quote_line.kind", "Kind"),
        NL_("quote_line.description", "Description"),
        NL_("quote_line.quantity", "Qty"),
        NL_("quote_line.unit_price", "Unit price"),
        NL_("quote_line.vat_rate", "VAT %"),
        NL_("quote_line.net", "Net"),
        NL_("order_form.delivery_date", "Scheduled delivery"),
        NL_("order_form.signed_on", "Signed on"),
        NL_("order.delivered_on", "Delivered on"),
        NL_("order.delivery_mileage_km", "Mileage"),
        NL_("order.delivery_note", "Note"),
        # --- the sales process's stages (administration) ---
        NL_("stage.name", "Stage"),
        NL_("stage.default_probability", "Default probability"),
        NL_("stage.days_allowed", "Days allowed"),
        NL_("stage.in_funnel", "Shown in funnel"),
    ]
)

# Narrow list columns say less; the full label is their tooltip.
_SHORT: dict[str, str] = dict(
    [
        NL_("opportunity.est_close_date.short", "Est. close"),
        NL_("opportunity.probability.short", "Prob."),
        NL_("account.open_opportunities.short", "Open opp."),
    ]
)

KEYS: tuple[str, ...] = tuple(_LABELS)


def english(key: str) -> str:
    """The label as the program's source writes it (audit entries, logs)."""
    return _LABELS[key]


def label(key: str, translator: Translator | None = None, *, short: bool = False) -> str:
    """The field's label in the screen's language, or in ``translator``'s (documents,
    exports). ``short``: the column header's form where the field has one. An unknown key
    is a bug and raises KeyError."""
    # Through a name the extractor does not match: the texts were extracted where marked.
    translate = (translator or current()).pgettext
    if short and f"{key}.short" in _SHORT:
        return translate(f"{key}.short", _SHORT[f"{key}.short"])
    return translate(key, _LABELS[key])


__all__ = ["KEYS", "NL_", "english", "label"]
