"""The fixed lists of the sales process: each value is stored as its code, shown by its label."""

from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, value: str) -> Choice:
        """Accept the code or the label, in any case."""
        text = (value or "").strip().lower()
        for member in cls:
            if text in (member.value, member.label.lower()):
                return member
        raise ValueError(value)


class Interest(Choice):
    CASH = "cash"
    FINANCE = "finance"
    LEASE = "lease"


class Condition(Choice):
    NEW = "new"
    USED = "used"


class Status(Choice):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Channel(Choice):
    WEB_FORM = "web_form"
    PHONE = "phone"
    WALK_IN = "walk_in"
    EMAIL = "email"
    TRADE_SHOW = "trade_show"
    REFERRAL = "referral"
    EXISTING_CUSTOMER = "existing_customer"
    OTHER = "other"


class LeadStatus(Choice):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"
    CONVERTED = "converted"


class ContactRole(Choice):
    DECISION_MAKER = "decision_maker"
    CO_BUYER = "co_buyer"
    DRIVER = "driver"
    FLEET_MANAGER = "fleet_manager"
    PURCHASING = "purchasing"
    ADVISER = "adviser"
    OTHER = "other"


class ActivityKind(Choice):
    APPOINTMENT = "appointment"
    TEST_DRIVE = "test_drive"
    TASK = "task"
    CALL = "call"
    EMAIL = "email"
    NOTE = "note"


class AccountKind(Choice):
    PERSON = "person"
    COMPANY = "company"


class UserRole(Choice):
    SALESPERSON = "salesperson"
    SALES_MANAGER = "sales_manager"
    ADMINISTRATOR = "administrator"


class BusinessKind(Choice):
    DEALER = "dealer"
    DEALER_GROUP = "dealer_group"
    IMPORTER = "importer"


class OperationKind(Choice):
    NEW_VEHICLE_SALES = "new_vehicle_sales"
    USED_VEHICLE_SALES = "used_vehicle_sales"
    FLEET_SALES = "fleet_sales"
    SERVICE = "service"


class ProcessKind(Choice):
    STANDARD = "standard"
    CUSTOM = "custom"
    WITHOUT_STAGES = "without_stages"


_LABELS = {
    "web_form": "Web form",
    "walk_in": "Walk-in",
    "email": "E-mail",
    "sales_manager": "Sales manager",
    "dealer_group": "Dealer group",
    "new_vehicle_sales": "New-vehicle sales",
    "used_vehicle_sales": "Used-vehicle sales",
    "trade_in": "Trade-in",
    "co_buyer": "Co-buyer",
}
