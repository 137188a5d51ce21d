"""The field labels of the stock and the catalogue that the imports name (their columns,
their refusals), merged into the one catalogue of labels (app.domain.fields) under the keys
and texts the stock and catalogue forms use."""

from __future__ import annotations

from app.i18n import NP_

LABELS: dict[str, str] = dict(
    [
        NP_("catalogue.brand", "Brand"),
        NP_("catalogue.vehicle_class", "Class"),
        NP_("catalogue.model", "Model"),
        NP_("catalogue.model_code", "Model code"),
        NP_("catalogue.variant", "Variant"),
        NP_("catalogue.list_price", "List price"),
        NP_("catalogue.currency", "Currency"),
        NP_("vehicle.vin", "VIN"),
        NP_("vehicle.stock_number", "Stock number"),
        NP_("vehicle.brand", "Brand"),
        NP_("vehicle.vehicle_class", "Class"),
        NP_("vehicle.model", "Model"),
        NP_("vehicle.model_code", "Model code"),
        NP_("vehicle.variant", "Variant"),
        NP_("vehicle.colour", "Colour"),
        NP_("vehicle.first_registration", "First registration"),
        NP_("vehicle.mileage_km", "Mileage (km)"),
        NP_("vehicle.list_price", "List price (net)"),
        NP_("vehicle.currency", "Currency"),
    ]
)
