"""The one catalogue of field labels: the name a field has everywhere a user reads it.

A list column, a form label, the dashboard, a document, the audit export, a CSV header, a
field message and the "saved elsewhere" dialog all name a field through ``label(key)``, so
"Est. revenue" is written once and translated once. Keys are ``"<record>.<field>"``, the
field as the services' dataclasses name it (``"opportunity.est_revenue"``).

Each label is extracted with its key as the gettext context (``NP_``), so a translator can
give "Kind" of a customer and "Kind" of an activity different words. Some fields have a
shorter form for narrow list columns (``label(key, short=True)``). A form's label carries
its access key (the "&" of "Sour&ce"), which a translator must be free to place, so a field
shown in a form also has its form label here (``label(key, form=True)``), extracted with the
context ``"<key>.form"``; where a field has none, the form shows the plain label.
"""

from __future__ import annotations

from app.domain.import_fields import LABELS as _IMPORT_LABELS
from app.domain.setup_fields import LABELS as _SETUP_LABELS
from app.i18n import NP_, Translator, current

_LABELS: dict[str, str] = dict(
    [
        # --- opportunity (DESIGN.md's sections: Opportunity, Branding, Device specifics,
        # Assignment) ---
        NP_("opportunity.topic", "Topic"),
        NP_("opportunity.account_id", "Customer"),
        NP_("opportunity.primary_contact_id", "Primary contact"),
        NP_("opportunity.est_close_date", "Est. close date"),
        NP_("opportunity.est_revenue", "Est. revenue"),
        NP_("opportunity.est_revenue_accessories", "Est. revenue accessories"),
        NP_("opportunity.est_trade_in", "Est. trade-in value"),
        NP_("opportunity.currency", "Currency"),
        NP_("opportunity.owner_id", "Owner"),
        NP_("opportunity.team_id", "Team"),
        NP_("opportunity.salespeople", "Further salespeople"),
        NP_("opportunity.kind_id", "Sales process"),
        NP_("opportunity.stage_id", "Stage"),
        NP_("opportunity.probability", "Probability"),
        NP_("opportunity.probability_by_hand", "Probability (by hand)"),
        NP_("opportunity.status", "Status"),
        NP_("opportunity.lost_reason", "Lost reason"),
        NP_("opportunity.won_reason", "Won reason"),
        NP_("opportunity.closing_note", "Closing note"),
        NP_("opportunity.competitor", "Competitor"),
        NP_("opportunity.channel", "Channel"),
        NP_("opportunity.source", "Source"),
        NP_("opportunity.description", "Description"),
        NP_("opportunity.interest", "Payment method"),
        NP_("opportunity.condition", "Condition"),
        NP_("opportunity.brand", "Brand"),
        NP_("opportunity.vehicle_class", "Class"),
        NP_("opportunity.model", "Model"),
        NP_("opportunity.model_code", "Model code"),
        NP_("opportunity.variant", "Variant"),
        NP_("opportunity.brand_model", "Brand / model"),
        NP_("opportunity.vehicle_id", "Vehicle"),
        NP_("opportunity.scheduled_delivery", "Scheduled delivery"),
        NP_("opportunity.business_id", "Business"),
        NP_("opportunity.facility_id", "Facility"),
        NP_("opportunity.operation_id", "Operation"),
        NP_("opportunity.closed_at", "Closed"),
        NP_("opportunity.activities", "Activities"),
        NP_("opportunity.lead_id", "From lead"),
        # --- customer (account) and its contacts ---
        NP_("account.name", "Customer"),
        NP_("account.kind", "Kind"),
        NP_("account.first_name", "First name"),
        NP_("account.last_name", "Last name"),
        NP_("account.company_name", "Company name"),
        NP_("account.email", "E-mail"),
        NP_("account.phone", "Phone"),
        NP_("account.street", "Street"),
        NP_("account.postcode", "Postcode"),
        NP_("account.city", "City"),
        NP_("account.country", "Country"),
        NP_("account.vat_number", "VAT ID"),
        NP_("account.language", "Language of documents"),
        NP_("account.open_opportunities", "Open opportunities"),
        NP_("contact.first_name", "First name"),
        NP_("contact.last_name", "Last name"),
        NP_("contact.email", "E-mail"),
        NP_("contact.phone", "Phone"),
        NP_("contact.job_title", "Job title"),
        NP_("contact.role", "Role"),
        NP_("contact.name", "Name"),
        # --- lead ---
        NP_("lead.name", "Name"),
        NP_("lead.first_name", "First name"),
        NP_("lead.last_name", "Last name"),
        NP_("lead.company_name", "Company name"),
        NP_("lead.email", "E-mail"),
        NP_("lead.phone", "Phone"),
        NP_("lead.street", "Street"),
        NP_("lead.postcode", "Postcode"),
        NP_("lead.city", "City"),
        NP_("lead.country", "Country"),
        NP_("lead.language", "Language"),
        NP_("lead.interest", "Payment method"),
        NP_("lead.vehicle_interest", "Vehicle interest"),
        NP_("lead.condition", "Condition"),
        NP_("lead.brand", "Brand"),
        NP_("lead.vehicle_class", "Class"),
        NP_("lead.model", "Model"),
        NP_("lead.model_code", "Model code"),
        NP_("lead.variant", "Variant"),
        NP_("lead.channel", "Channel"),
        NP_("lead.source", "Source"),
        NP_("lead.notes", "Notes"),
        NP_("lead.owner_id", "Owner"),
        NP_("lead.team_id", "Team"),
        NP_("lead.status", "Status"),
        NP_("lead.disqualify_reason", "Reason"),
        NP_("lead.created_at", "Received"),
        NP_("lead.converted_account_id", "Customer"),
        NP_("lead.converted_opportunity_id", "Opportunity"),
        # --- the walk-in: a new customer and a sale in one short form ---
        NP_("walk_in.first_name", "First name"),
        NP_("walk_in.last_name", "Last name"),
        NP_("walk_in.phone", "Phone"),
        NP_("walk_in.email", "E-mail"),
        NP_("walk_in.brand", "Brand"),
        NP_("walk_in.model", "Model"),
        NP_("walk_in.est_close_date", "Est. close date"),
        NP_("walk_in.condition", "New or used"),
        NP_("walk_in.interest", "Payment method"),
        NP_("walk_in.budget", "Budget"),
        NP_("walk_in.trade_in", "Trade-in"),
        NP_("walk_in.reason", "Why a second opportunity"),
        # --- primary demand (what the customer asked for), on a lead or an opportunity ---
        NP_("demand_line.kind", "Kind"),
        NP_("demand_line.description", "What"),
        NP_("demand_line.expected_price", "Expected price"),
        NP_("demand_line.comment", "Comment"),
        NP_("opportunity.demand", "Primary demand"),
        NP_("opportunity.reach", "Reach the customer"),
        # --- stock vehicles and users ---
        NP_("vehicle.use", "Use"),
        NP_("vehicle.condition", "Condition"),
        NP_("user.home_business_id", "Home business"),
        NP_("user.home_facility_id", "Home facility"),
        NP_("user.full_name", "Name"),
        NP_("user.username", "Login"),
        NP_("user.email", "E-mail"),
        NP_("user.phone", "Phone"),
        NP_("user.roles", "Roles"),
        NP_("user.active", "Active"),
        NP_("user.password", "Password"),
        NP_("user.password_repeat", "Password again"),
        NP_("user.idle_lock_minutes", "Lock after idle minutes"),
        NP_("user.team_id", "Team"),
        # --- teams and the audit log (administration) ---
        NP_("team.name", "Name"),
        NP_("team.facility_id", "Facility"),
        NP_("team.leader_id", "Leader"),
        NP_("team.members", "Members"),
        NP_("team.active", "Active"),
        NP_("audit.at", "When"),
        NP_("audit.user", "Who"),
        NP_("audit.record", "Record"),
        NP_("audit.action", "What"),
        NP_("audit.changes", "Changes"),
        # --- activity ---
        NP_("activity.kind", "Kind"),
        NP_("activity.subject", "Subject"),
        NP_("activity.description", "Description"),
        NP_("activity.starts_at", "Starts"),
        NP_("activity.due", "Due"),
        NP_("activity.when", "When"),
        NP_("activity.ends_at", "Ends"),
        NP_("activity.done", "Done"),
        NP_("activity.owner_id", "Owner"),
        NP_("activity.vehicle_id", "Vehicle"),
        NP_("activity.direction", "Direction"),
        NP_("activity.note_reason", "Reason"),
        NP_("activity.outcome", "Outcome"),
        NP_("activity.opportunity_id", "Opportunity"),
        NP_("activity.account_id", "Customer"),
        NP_("activity.time", "Time"),
        # --- quote, its lines, the order form and the order ---
        NP_("quote.number", "Number"),
        NP_("quote.status", "Status"),
        NP_("quote.valid_until", "Valid until"),
        NP_("quote.payment_method", "Payment"),
        NP_("quote.vehicle_id", "Vehicle"),
        NP_("quote.remarks", "Remarks"),
        NP_("quote.label", "Quote"),
        NP_("quote.net", "Net"),
        NP_("quote.amount_due", "Amount due"),
        NP_("quote.order_form_number", "Order form"),
        NP_("quote_line.kind", "Kind"),
        NP_("quote_line.description", "Description"),
        NP_("quote_line.quantity", "Qty"),
        NP_("quote_line.unit_price", "Unit price"),
        NP_("quote_line.vat_rate", "VAT %"),
        NP_("quote_line.net", "Net"),
        NP_("trade_in.make", "Make"),
        NP_("trade_in.model", "Model"),
        NP_("trade_in.vin", "VIN"),
        NP_("trade_in.first_registration", "First registration"),
        NP_("trade_in.mileage_km", "Mileage"),
        NP_("order_form.delivery_date", "Scheduled delivery"),
        NP_("order_form.signed_on", "Signed on"),
        NP_("order_form.number", "Order form"),
        NP_("order_form.quote_label", "From quote"),
        NP_("order_form.issued_on", "Issued"),
        NP_("order_form.amount_due", "Amount due"),
        NP_("order_form.stage", "Where it stands"),
        NP_("order.delivered_on", "Delivered on"),
        NP_("order.delivery_mileage_km", "Mileage"),
        NP_("order.delivery_note", "Note"),
        # --- an issued document (a quote or an order form), as the customer's documents list it
        NP_("document.number", "Number"),
        NP_("document.kind", "Kind"),
        NP_("document.issued_on", "Issued"),
        NP_("document.status", "Status"),
        NP_("document.amount_due", "Amount due"),
        NP_("document.opportunity_id", "Opportunity"),
        # --- what new documents are issued with (Sales > Quotes and documents)
        NP_("document_settings.valid_days", "Quotes are valid for"),
        NP_("document_settings.vat_rate", "Default VAT rate"),
        NP_("document_settings.terms", "Terms and conditions"),
        NP_("document_settings.logo", "Logo"),
        NP_("document_settings.language", "Dealership's language"),
        NP_("document_settings.terms_en", "Terms and conditions in English"),
        NP_("document_settings.terms_de", "Terms and conditions in German"),
        NP_("document_settings.terms_fr", "Terms and conditions in French"),
        NP_("document_settings.terms_it", "Terms and conditions in Italian"),
        NP_("business.id", "Dealership"),
        NP_("business.registered_name", "Registered name"),
        NP_("business.commercial_register", "Commercial register"),
        NP_("business.register_court", "Register court"),
        NP_("business.managing_directors", "Managing directors"),
        NP_("business.vat_number", "VAT ID"),
        NP_("business.tax_number", "Tax number"),
        NP_("business.bank_name", "Bank"),
        NP_("business.iban", "IBAN"),
        NP_("business.bic", "BIC"),
        # --- the sales process's stages (administration) ---
        NP_("stage.name", "Stage"),
        NP_("stage.default_probability", "Default probability"),
        NP_("stage.days_allowed", "Days allowed"),
        NP_("stage.in_funnel", "Shown in funnel"),
        NP_("opportunity_kind.name", "Name"),
        NP_("opportunity_kind.process", "Process"),
        # --- a backup of the database (administration) ---
        NP_("backup.taken_at", "Taken"),
        NP_("backup.kind", "Kind"),
        NP_("backup.size", "Size"),
        NP_("backup.name", "File"),
    ]
)

# Narrow list columns say less; the full label is their tooltip.
_SHORT: dict[str, str] = dict(
    [
        NP_("opportunity.est_close_date.short", "Est. close"),
        NP_("opportunity.probability.short", "Prob."),
        NP_("account.open_opportunities.short", "Open opp."),
        NP_("order_form.delivery_date.short", "Delivery"),
    ]
)

# The labels as forms show them, with their access keys (one entry per line, by record).
_FORM: dict[str, str] = dict(
    [
        NP_("lead.first_name.form", "&First name"),
        NP_("lead.last_name.form", "&Last name"),
        NP_("lead.company_name.form", "Com&pany"),
        NP_("lead.email.form", "&E-mail"),
        NP_("lead.phone.form", "P&hone"),
        NP_("lead.notes.form", "&Notes"),
        NP_("lead.interest.form", "Pa&yment method"),
        NP_("lead.condition.form", "C&ondition"),
        NP_("lead.brand.form", "&Brand"),
        NP_("lead.model.form", "&Model"),
        NP_("lead.channel.form", "Ch&annel"),
        NP_("lead.source.form", "So&urce"),
        NP_("lead.owner_id.form", "O&wner"),
        NP_("lead.disqualify_reason.form", "&Reason"),
        NP_("activity.kind.form", "&Kind"),
        NP_("activity.subject.form", "S&ubject"),
        NP_("activity.starts_at.form", "&Starts"),
        NP_("activity.due.form", "&Due"),
        NP_("activity.when.form", "&When"),
        NP_("activity.ends_at.form", "&Ends"),
        NP_("activity.vehicle_id.form", "&Vehicle"),
        NP_("activity.direction.form", "D&irection"),
        NP_("activity.note_reason.form", "&Reason"),
        NP_("activity.outcome.form", "Out&come"),
        NP_("activity.owner_id.form", "&Owner"),
        NP_("activity.description.form", "Descri&ption"),
        NP_("opportunity_kind.name.form", "&Name"),
        NP_("opportunity.topic.form", "&Topic"),
        NP_("opportunity.account_id.form", "C&ustomer"),
        NP_("opportunity.kind_id.form", "&Kind"),
        NP_("opportunity.stage_id.form", "Sta&ge"),
        NP_("opportunity.interest.form", "Pa&yment method"),
        NP_("opportunity.brand.form", "&Brand"),
        NP_("opportunity.vehicle_id.form", "&Vehicle"),
        NP_("opportunity.business_id.form", "Busi&ness"),
        NP_("opportunity.lost_reason.form", "&Reason"),
        NP_("opportunity.won_reason.form", "&Why won"),
        NP_("opportunity.competitor.form", "Co&mpetitor"),
        NP_("opportunity.closing_note.form", "Closing &note"),
        NP_("walk_in.first_name.form", "&First name"),
        NP_("walk_in.last_name.form", "&Last name"),
        NP_("walk_in.phone.form", "&Phone"),
        NP_("walk_in.email.form", "&E-mail"),
        NP_("walk_in.brand.form", "&Brand"),
        NP_("walk_in.model.form", "&Model"),
        NP_("walk_in.est_close_date.form", "Est. close &date"),
        NP_("walk_in.condition.form", "New or &used"),
        NP_("walk_in.interest.form", "Pa&yment method"),
        NP_("walk_in.budget.form", "Bud&get"),
        NP_("walk_in.trade_in.form", "&Trade-in"),
        NP_("account.kind.form", "Customer is a"),
        NP_("quote.valid_until.form", "&Valid until"),
        NP_("quote.payment_method.form", "&Payment"),
        NP_("quote.remarks.form", "&Remarks"),
        NP_("order_form.delivery_date.form", "Scheduled &delivery"),
        NP_("order.delivered_on.form", "&Delivered on"),
        NP_("order.delivery_mileage_km.form", "&Mileage"),
        NP_("order.delivery_note.form", "&Note"),
        NP_("document_settings.valid_days.form", "Quotes are &valid for"),
        NP_("document_settings.vat_rate.form", "Default VAT &rate"),
        NP_("document_settings.terms.form", "&Terms and conditions"),
        NP_("document_settings.logo.form", "&Logo"),
        NP_("trade_in.make.form", "&Make"),
        NP_("trade_in.model.form", "M&odel"),
        NP_("trade_in.vin.form", "&VIN"),
        NP_("trade_in.first_registration.form", "&First registration"),
        NP_("trade_in.mileage_km.form", "Mile&age"),
        NP_("business.id.form", "&Dealership"),
        NP_("business.registered_name.form", "&Registered name"),
        NP_("business.commercial_register.form", "Commercial regis&ter"),
        NP_("business.register_court.form", "Register co&urt"),
        NP_("business.managing_directors.form", "&Managing directors"),
        NP_("business.vat_number.form", "VAT &ID"),
        NP_("business.tax_number.form", "Ta&x number"),
        NP_("business.bank_name.form", "&Bank"),
        NP_("business.iban.form", "IBA&N"),
        NP_("business.bic.form", "BI&C"),
    ]
)

_LABELS.update(_SETUP_LABELS)  # the master data's, kept in their own module
# The stock's and the catalogue's labels the imports name, where the stock forms name them.
_LABELS.update({k: v for k, v in _IMPORT_LABELS.items() if k not in _LABELS})

KEYS: tuple[str, ...] = tuple(_LABELS)


def english(key: str) -> str:
    """The label as the program's source writes it (audit entries, logs)."""
    return _LABELS[key]


def label(
    key: str, translator: Translator | None = None, *, short: bool = False, form: bool = False
) -> str:
    """The field's label in the screen's language, or in ``translator``'s (documents,
    exports). ``short``: the column header's form where the field has one; ``form``: the
    form's label with its access key, where the field has one. An unknown key is a bug and
    raises KeyError."""
    # Through a name the extractor does not match: the texts were extracted where marked.
    translate = (translator or current()).pgettext
    if form and f"{key}.form" in _FORM:
        return translate(f"{key}.form", _FORM[f"{key}.form"])
    if short and f"{key}.short" in _SHORT:
        return translate(f"{key}.short", _SHORT[f"{key}.short"])
    return translate(key, _LABELS[key])


__all__ = ["KEYS", "english", "label"]
