"""The tables. Money is integer minor units with its currency code beside it.

One module on purpose, though it is long: it is the schema, 29 tables that point at one
another, and it reads best whole and in order (each table after the ones it refers to), as
the database has it. Queries live elsewhere in app/db, one module per subject."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from peewee import (
    SQL,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.db.connection import database, transaction


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


_acting_user: int | None = None


def set_acting_user(user_id: int | None) -> None:
    """The user whose changes are being saved (the one signed in at this workstation)."""
    global _acting_user
    _acting_user = user_id
    # The audit log's name cache is per signing-in: another database (a test's, a restored
    # one) may give the same id to someone else.
    _user_names.clear()


def acting_user() -> int | None:
    return _acting_user


# Bookkeeping columns, keys derived from other fields, and an issued document's snapshot
# (kept whole on its row; the log notes the issue by its status and date, and does not take
# in a copy of the customer's details that anonymising them would have to find there too):
# not worth an audit line.
_NOT_AUDITED = frozenset(
    {"created_at", "updated_at", "changed_by", "version"}
    | {"email_key", "phone_key", "name_key", "sort_name"}
    | {"snapshot"}
)


def audit_value(value: Any) -> Any:
    """A field's value as the audit log keeps it (JSON)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.get_id()
    return value


_user_names: dict[int, str] = {}


def _user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    if user_id not in _user_names:
        row = User.select(User.full_name).where(User.id == user_id).first()
        if row is None:
            return f"user #{user_id}"  # not kept: another database may have them
        _user_names[user_id] = row.full_name
    return _user_names[user_id]


def forget_user_name(user_id: int) -> None:
    """A renamed user: the next audit line reads their name again."""
    _user_names.pop(user_id, None)


def write_audit(
    entity: str, entity_id: int, action: str, changes: dict[str, tuple[Any, Any]] | None = None
) -> None:
    """One line of the audit log, by the acting user, now (inside the caller's transaction)."""
    payload = (
        json.dumps(
            {k: [audit_value(old), audit_value(new)] for k, (old, new) in changes.items()},
            ensure_ascii=False,
            sort_keys=True,
        )
        if changes
        else ""
    )
    AuditEntry.create(
        at=now(),
        user_id=_acting_user,
        user_name=_user_name(_acting_user),
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=payload,
    )


class StaleRecord(RuntimeError):
    """A versioned save found the row at another version than the one it was read at:
    another workstation saved it in between (on a server, between this transaction's read
    and its write). The save changed nothing; the service's transaction is rolled back and
    run again, and its check of the version then tells the user who changed it."""

    def __init__(self, table: str, row_id: object) -> None:
        super().__init__(f"{table} #{row_id} was saved elsewhere since it was read")
        self.table = table
        self.row_id = row_id


class BaseModel(Model):
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    # The id of the user who made the last change (no constraint: users are never deleted).
    changed_by = IntegerField(null=True)
    # Bumped on every save, so a save over someone else's change is noticed.
    version = IntegerField(default=1)

    # The tables whose every save and delete goes to the audit log set their entity name.
    audit_entity: ClassVar[str | None] = None

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        creating = self._pk is None or kwargs.get("force_insert", False)
        audited = self.audit_entity is not None
        before: dict[str, Any] | None = None
        changed: list[str] = []
        if not creating and not self.is_dirty():
            return 0  # nothing to write (peewee would write every field back as read)
        read_at = self.version
        if not creating:
            self.updated_at = now()
            self.version = (self.version or 0) + 1
            if audited:
                changed = [f.name for f in self.dirty_fields if f.name not in _NOT_AUDITED]
                # The values as stored, read in the caller's transaction: whatever path
                # changed the row (a form, a stage move, a merge), the log sees old and new.
                before = (
                    type(self)
                    .select(*[type(self)._meta.fields[n] for n in changed] or [type(self).id])
                    .where(type(self)._meta.primary_key == self._pk)
                    .dicts()
                    .first()
                )
        self.changed_by = _acting_user
        result = super().save(*args, **kwargs) if creating else self._save_versioned(read_at)
        if audited:
            assert self.audit_entity is not None
            if creating:
                write_audit(self.audit_entity, self._pk, "create")
            elif before is not None:
                changes = {
                    n: (before.get(n), self.__data__.get(n))
                    for n in changed
                    if audit_value(before.get(n)) != audit_value(self.__data__.get(n))
                }
                if changes:
                    write_audit(self.audit_entity, self._pk, "update", changes)
        return result

    def _save_versioned(self, read_at: int | None) -> int:
        """UPDATE ... WHERE id = ? AND version = ?, its row count checked: whichever backend,
        and however many writers, a save over a version it did not read changes nothing."""
        model = type(self)
        fields = model._meta.fields
        values = {fields[f.name]: self.__data__.get(f.name) for f in self.dirty_fields}
        stale = model.version.is_null() if read_at is None else model.version == read_at
        rows = int(
            model.update(values).where((model._meta.primary_key == self._pk) & stale).execute()
        )
        if rows != 1:
            self.version = read_at
            raise StaleRecord(model._meta.table_name, self._pk)
        self._dirty.clear()
        return rows

    def delete_instance(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.audit_entity is not None:
            write_audit(self.audit_entity, self._pk, "delete")
        return super().delete_instance(*args, **kwargs)


def update_rows(model: type[BaseModel], where: Any, **values: Any) -> int:
    """Set `values` on the rows `where` selects as saving each would: for an audited table
    every row's changed fields go to the audit log, and each row's version, changed_by and
    updated_at move on. Rows that already hold the values are left as they are (no new
    version, so no form open on them meets a conflict for nothing). Joins the caller's
    transaction; returns how many rows changed."""
    names = list(values)
    with transaction():
        selected = list(
            model.select(model.id, *[model._meta.fields[n] for n in names]).where(where).dicts()
        )
        rows = [
            row
            for row in selected
            if any(audit_value(row[n]) != audit_value(values[n]) for n in names)
        ]
        if not rows:
            return 0
        if model.audit_entity is not None:
            for row in rows:
                changes = {
                    n: (row[n], values[n])
                    for n in names
                    if n not in _NOT_AUDITED and audit_value(row[n]) != audit_value(values[n])
                }
                if changes:
                    write_audit(model.audit_entity, row["id"], "update", changes)
        return int(
            model.update(
                **values,
                updated_at=now(),
                changed_by=_acting_user,
                version=model.version + 1,
            )
            .where(model.id.in_([row["id"] for row in rows]))
            .execute()
        )


def _text_field() -> CharField:
    """A text column added by schema 9: empty by default in the database too, so bulk loads
    and rows written before it need not name it."""
    return CharField(default="", constraints=[SQL("DEFAULT ''")])


def _active_field() -> BooleanField:
    """Whether a master-data row is in use (schema 14): true by default in the database too."""
    return BooleanField(default=True, constraints=[SQL("DEFAULT TRUE")])


class Setting(Model):
    """One site setting. Versioned like every record a user edits (schema 10); saved and
    audited through app.db.settings."""

    key = CharField(primary_key=True)
    value = TextField()
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])
    updated_at = DateTimeField(null=True)
    changed_by = IntegerField(null=True)

    class Meta:
        database = database
        legacy_table_names = False


class Business(BaseModel):
    name = CharField()
    kind = CharField()  # BusinessKind
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    street = CharField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    country = CharField(default="")
    vat_number = CharField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    # The legal details its documents print in the footer (schema 9).
    registered_name = _text_field()
    commercial_register = _text_field()
    register_court = _text_field()
    managing_directors = _text_field()
    tax_number = _text_field()
    bank_name = _text_field()
    iban = _text_field()
    bic = _text_field()
    # Master data kept in the program (schema 14): a used row is deactivated, not deleted.
    active = _active_field()


class Facility(BaseModel):
    business = ForeignKeyField(Business, backref="facilities", on_delete="CASCADE")
    name = CharField()
    street = CharField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    active = _active_field()  # schema 14


class Team(BaseModel):
    """A sales team at a facility (schema 14): its members are the users whose `team` it is
    (a salesperson sells at one desk), and it holds opportunities and leads nobody has taken."""

    audit_entity = "team"
    name = CharField(unique=True)
    facility = ForeignKeyField(Facility, null=True, on_delete="SET NULL", index=False)
    # A user's id, without a constraint: users are never deleted (and User comes later).
    leader_id = IntegerField(null=True)
    active = BooleanField(default=True)


class Operation(BaseModel):
    facility = ForeignKeyField(Facility, backref="operations", on_delete="CASCADE")
    name = CharField()
    kind = CharField()  # OperationKind
    active = _active_field()  # schema 14


class User(BaseModel):
    username = CharField(unique=True)
    full_name = CharField()
    team = ForeignKeyField(Team, null=True, backref="members", on_delete="SET NULL")
    active = BooleanField(default=True)
    # Where the user sells (schema 13): a walk-in's or a converted lead's assignment.
    # No index: users are few.
    home_business = ForeignKeyField(Business, null=True, on_delete="SET NULL", index=False)
    home_facility = ForeignKeyField(Facility, null=True, on_delete="SET NULL", index=False)
    # How to reach the user (sign-in schema); roles are in user_role, secrets in
    # user_credential, so the rows the whole program reads hold no password hash.
    email = CharField(default="")
    phone = CharField(default="")


class UserRoleGrant(Model):
    """One role (a UserRole code) a user holds; a user may hold several."""

    user = ForeignKeyField(User, backref="role_grants", on_delete="CASCADE")
    role = CharField()

    class Meta:
        database = database
        table_name = "user_role"
        indexes = ((("user", "role"), True),)


class UserCredential(Model):
    """A user's password (an Argon2id hash, never the password), the one-time code an
    administrator handed over (hashed too), and the failed sign-ins that slow down and lock."""

    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    password_hash = CharField(default="")
    password_set_at = DateTimeField(null=True)
    failed_attempts = IntegerField(default=0)
    last_failed_at = DateTimeField(null=True)
    locked_until = DateTimeField(null=True)
    code_hash = CharField(default="")
    code_expires_at = DateTimeField(null=True)
    must_set_password = BooleanField(default=False)

    class Meta:
        database = database
        table_name = "user_credential"


def _key_field() -> CharField:
    """A match key derived from a typed value; empty by default so bulk loads may omit it."""
    return CharField(default="", constraints=[SQL("DEFAULT ''")])


class Account(BaseModel):
    audit_entity = "account"
    kind = CharField()  # AccountKind
    name = CharField(index=True)  # the display name: "Rossi, Maria" or "J&C Motors Ltd"
    first_name = CharField(default="")
    last_name = CharField(default="")
    company_name = CharField(default="")
    email = CharField(default="")
    phone = CharField(default="")
    street = CharField(default="")
    postcode = CharField(default="", index=True)
    city = CharField(default="")
    country = CharField(default="")
    # What the duplicate check compares: the e-mail in lower case, the phone in E.164,
    # the name folded (no case, no accents, words sorted).
    email_key = _key_field()
    phone_key = _key_field()
    name_key = _key_field()
    # The display name without case or accents, so "Bäckerei" sorts among the Bs.
    sort_name = _key_field()
    vat_number = _text_field()  # a business customer's VAT ID, printed on its documents
    # The language its documents are written in ("de"; app.domain.languages); "" for the
    # dealership's (schema step languages).
    language = _text_field()

    class Meta:
        indexes = (
            (("sort_name",), False),
            (("email_key",), False),
            (("phone_key",), False),
            (("name_key",), False),
        )  # and (postcode, name_key, id): app/db/steps/duplicate_indexes.py


class Contact(BaseModel):
    audit_entity = "contact"
    account = ForeignKeyField(Account, backref="contacts", on_delete="CASCADE")
    first_name = CharField(default="")
    last_name = CharField()
    email = CharField(default="")
    phone = CharField(default="")
    job_title = CharField(default="")


class CatalogueEntry(BaseModel):
    """One variant of a model in the vehicle catalogue; the pickers walk it
    brand -> class -> model -> model code -> variant."""

    brand = CharField()
    vehicle_class = CharField()
    model = CharField()
    model_code = CharField()
    variant = CharField()
    list_price_minor = BigIntegerField(default=0)
    currency = CharField(default="EUR")
    # Schema 14: whether the list price is net or gross (price lists differ), its VAT rate
    # (percent as text; empty: the site's default rate), and deactivated rather than deleted.
    price_basis = CharField(default="net", constraints=[SQL("DEFAULT 'net'")])
    vat_rate = _text_field()
    active = _active_field()

    class Meta:
        indexes = ((("brand", "vehicle_class", "model", "model_code", "variant"), True),)


class CatalogueItem(BaseModel):
    """An option or accessory of the catalogue (schema 14): for one model variant, or for
    any (no entry), with its price, net or gross, and VAT rate."""

    entry = ForeignKeyField(CatalogueEntry, null=True, backref="items", on_delete="CASCADE")
    kind = CharField()  # "option" or "accessory"
    code = CharField(default="")
    name = CharField()
    price_minor = IntegerField(default=0)
    currency = CharField(default="EUR")
    price_basis = CharField(default="net")
    vat_rate = CharField(default="")
    active = BooleanField(default=True)


class Vehicle(BaseModel):
    """A vehicle in stock, new or used."""

    vin = CharField(unique=True)
    stock_number = CharField(unique=True)
    condition = CharField()  # Condition
    brand = CharField()
    vehicle_class = CharField(default="")
    model = CharField()
    model_code = CharField(default="")
    variant = CharField(default="")
    colour = CharField(default="")
    first_registration = DateField(null=True)
    mileage_km = IntegerField(default=0)
    list_price_minor = BigIntegerField(default=0)
    currency = CharField(default="EUR")
    facility = ForeignKeyField(Facility, null=True, backref="vehicles", on_delete="SET NULL")
    # VatTreatment: a used car bought from a private seller is sold under the margin scheme.
    vat_treatment = CharField(default="regular", constraints=[SQL("DEFAULT 'regular'")])
    # VehicleUse (schema 13): for sale, in the demo fleet, in transit or sold.
    use = CharField(default="for_sale", constraints=[SQL("DEFAULT 'for_sale'")])
    # What the dealership paid (schema 14); seen by those with the right to see it only.
    purchase_price_minor = IntegerField(null=True)

    class Meta:
        indexes = ((("brand", "model"), False),)


def _standard_key(unique: bool = False) -> CharField:
    """A shipped row's stable key (app/domain/standard_names.py), which the program compares
    and by which it translates the name; NULL for a row an administrator added. Last among
    the fields, where schema 8's ALTER TABLE put the column."""
    return CharField(null=True, unique=unique)


class Reason(BaseModel):
    """The catalogues of reasons: why a sale was lost, why a lead was disqualified, what a
    note is about."""

    kind = CharField()  # "lost", "won", "disqualify", "note"
    name = CharField()
    sequence = IntegerField(default=0)
    active = BooleanField(default=True)
    key = _standard_key()
    # Schema 19: what records keep of an entry of a coded list (a channel, a payment
    # interest, an activity's outcome; a shipped entry's code is its key), NULL for the
    # lists records keep by name; and a payment interest's kind of payment.
    code = CharField(null=True)
    payment_kind = _text_field()  # Interest: "cash", "finance" or "lease"

    class Meta:
        indexes = (
            (("kind", "name"), True),
            (("kind", "key"), True),
            (("kind", "code"), True),
        )


class Lead(BaseModel):
    audit_entity = "lead"
    first_name = CharField(default="")
    last_name = CharField(default="")
    company_name = CharField(default="")
    email = CharField(default="")
    phone = CharField(default="")
    street = CharField(default="")
    postcode = CharField(default="")
    city = CharField(default="")
    country = CharField(default="")
    email_key = _key_field()
    phone_key = _key_field()
    interest = CharField(default="")
    condition = CharField(default="")
    brand = CharField(default="")
    vehicle_class = CharField(default="")
    model = CharField(default="")
    model_code = CharField(default="")
    variant = CharField(default="")
    channel = CharField(default="")
    source = CharField(default="")
    notes = TextField(default="")
    owner = ForeignKeyField(User, null=True, backref="leads", on_delete="SET NULL")
    status = CharField(default="new", index=True)  # LeadStatus
    disqualify_reason = CharField(default="")
    # Identifies a row of an imported file, so importing the file again adds nothing.
    import_key = CharField(null=True, unique=True)
    converted_account = ForeignKeyField(Account, null=True, on_delete="SET NULL")
    converted_contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    converted_at = DateTimeField(null=True)
    language = _text_field()  # as the web form or the browser gave it, "" unknown
    # The team that holds it until someone takes it (schema 14).
    team = ForeignKeyField(Team, null=True, on_delete="SET NULL", index=False)


class OpportunityKind(BaseModel):
    audit_entity = "opportunity_kind"
    name = CharField(unique=True)
    process = CharField()  # ProcessKind
    key = _standard_key(unique=True)


class Stage(BaseModel):
    audit_entity = "stage"
    kind = ForeignKeyField(OpportunityKind, backref="stages", on_delete="CASCADE")
    name = CharField()
    sequence = IntegerField()
    default_probability = IntegerField()
    is_won = BooleanField(default=False)
    is_lost = BooleanField(default=False)
    days_allowed = IntegerField(null=True)
    in_funnel = BooleanField(default=True)
    only_from_lead = BooleanField(default=False)
    key = _standard_key()
    # Which automatic move lands in a stage of its own naming (schema 14): the key of the
    # standard stage it stands for ("quotation": a quote moves the sale here), or empty.
    moves_on = _text_field()

    class Meta:
        indexes = ((("kind", "sequence"), True), (("kind", "key"), True))


class Opportunity(BaseModel):
    audit_entity = "opportunity"
    topic = CharField()
    account = ForeignKeyField(Account, backref="opportunities", on_delete="RESTRICT", index=True)
    primary_contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    kind = ForeignKeyField(OpportunityKind, on_delete="RESTRICT")
    stage = ForeignKeyField(Stage, null=True, on_delete="RESTRICT", index=True)
    probability = IntegerField(default=0)
    probability_by_hand = BooleanField(default=False)
    status = CharField(default="open", index=True)  # Status
    lost_reason = CharField(default="")
    closing_note = TextField(default="")
    est_close_date = DateField(index=True)
    currency = CharField(default="EUR")
    est_revenue_minor = BigIntegerField(default=0)
    est_revenue_accessories_minor = BigIntegerField(default=0)
    est_trade_in_minor = BigIntegerField(default=0)
    owner = ForeignKeyField(User, null=True, backref="opportunities", on_delete="SET NULL")
    team = ForeignKeyField(Team, null=True, on_delete="SET NULL")
    channel = CharField(default="")  # Channel
    source = CharField(default="")
    description = TextField(default="")
    # Branding: what the customer wants, vague early on.
    interest = CharField(default="")  # Interest
    condition = CharField(default="")  # Condition
    brand = CharField(default="")
    vehicle_class = CharField(default="")
    model = CharField(default="")
    model_code = CharField(default="")
    variant = CharField(default="")
    # Device specifics: the stock vehicle reserved for this sale.
    vehicle = ForeignKeyField(Vehicle, null=True, backref="opportunities", on_delete="SET NULL")
    scheduled_delivery = DateField(null=True)
    # Assignment.
    business = ForeignKeyField(Business, null=True, on_delete="SET NULL")
    facility = ForeignKeyField(Facility, null=True, on_delete="SET NULL", index=True)
    operation = ForeignKeyField(Operation, null=True, on_delete="SET NULL")
    lead = ForeignKeyField(Lead, null=True, backref="opportunities", on_delete="SET NULL")
    competitor = _key_field()  # who won the sale when it was lost
    closed_at = DateTimeField(null=True)
    won_reason = CharField(default="")  # why it was won (schema 12), from the won reasons
    # stage_entered_at, when its latest stage move was made, is a column of the table but
    # not of the model: kept by triggers on the stage history, never written by the
    # program, read by the agenda's SQL (steps/stage_entry.py).

    class Meta:
        indexes = (
            # One salesperson's open ones by close date (their list, their agenda) is
            # steps/stage_entry.py's AGENDA_INDEX, with the stage and the latest move, so
            # the agenda reads that index alone; and everyone's (the list's first screen).
            (("status", "est_close_date"), False),
            (("vehicle", "status"), False),
            # The list's sort columns, so its first page is an index walk.
            (("topic",), False),
            (("est_revenue_minor",), False),
            (("probability",), False),
            (("brand", "model"), False),
        )


class OpportunityContact(BaseModel):
    """A further contact of an opportunity, with the part they play."""

    opportunity = ForeignKeyField(Opportunity, backref="contact_links", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, backref="opportunity_links", on_delete="CASCADE")
    role = CharField(default="")

    class Meta:
        indexes = ((("opportunity", "contact"), True),)


class OpportunitySalesperson(Model):
    """A further salesperson beside an opportunity's owner (schema 14), e.g. the used-car
    colleague on a trade-in: they edit it as its owner does. Changes are audited on the
    opportunity (its "salespeople")."""

    opportunity = ForeignKeyField(Opportunity, backref="salesperson_links", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="shared_opportunities", on_delete="CASCADE")

    class Meta:
        database = database
        legacy_table_names = False
        indexes = ((("opportunity", "user"), True),)


class CloseDateChange(BaseModel):
    opportunity = ForeignKeyField(Opportunity, backref="close_date_changes", on_delete="CASCADE")
    old_date = DateField(null=True)
    new_date = DateField()


# The stage history's indexes besides the opportunity's own. The pipeline dashboard's
# funnel reads them without the table: who reached a stage (its opportunities in order,
# so counting each once needs no sort), who went on from one, and the moves' times per
# pair of stages in one ordered pass. They also serve the foreign keys to stage and the
# list's "reached" and "went on from" filters.
STAGE_CHANGE_INDEXES = (
    (("opportunity", "created_at"), False),
    (("to_stage", "opportunity"), False),
    (("from_stage", "opportunity", "to_stage"), False),
    (("to_stage", "from_stage", "created_at"), False),
)


class StageChange(BaseModel):
    opportunity = ForeignKeyField(Opportunity, backref="stage_changes", on_delete="CASCADE")
    # Not indexed alone: STAGE_CHANGE_INDEXES lead with them (schema version 4).
    from_stage = ForeignKeyField(Stage, null=True, on_delete="SET NULL", index=False)
    to_stage = ForeignKeyField(Stage, null=True, on_delete="SET NULL", index=False)
    automatic = BooleanField(default=False)
    # "won", "lost", "reopened" for the moves that close or reopen; empty for the others.
    reason = _key_field()

    class Meta:
        indexes = STAGE_CHANGE_INDEXES


class Activity(BaseModel):
    """Something done or to be done with a customer: an appointment, a test drive, a task,
    a phone call, an e-mail or a note."""

    audit_entity = "activity"
    kind = CharField()  # ActivityKind
    subject = CharField()
    description = TextField(default="")
    # The start (appointments, test drives), the due time (tasks) or when it happened.
    starts_at = DateTimeField()
    ends_at = DateTimeField(null=True)
    done = BooleanField(default=False)
    done_at = DateTimeField(null=True)
    owner = ForeignKeyField(User, null=True, backref="activities", on_delete="SET NULL")
    opportunity = ForeignKeyField(Opportunity, null=True, backref="activities", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, null=True, backref="activities", on_delete="CASCADE")
    account = ForeignKeyField(Account, null=True, backref="activities", on_delete="CASCADE")
    vehicle = ForeignKeyField(Vehicle, null=True, backref="test_drives", on_delete="SET NULL")
    direction = CharField(default="")  # "in" or "out" for phone calls
    note_reason = CharField(default="")
    outcome = _text_field()  # an activity outcome's code, once done (schema 19)

    class Meta:
        indexes = (
            (("opportunity", "starts_at"), False),
            (("owner", "done", "starts_at"), False),
            # Today's appointments of one salesperson, done or not (the agenda).
            (("owner", "starts_at"), False),
            (("vehicle", "starts_at"), False),
            (("account", "starts_at"), False),
            (("lead", "starts_at"), False),
        )


class DemandLine(BaseModel):
    """One line of what the customer asked for (primary demand), on a lead or on an
    opportunity (schema 13): a vehicle, accessories, services or financing, with the price
    they expect and a comment."""

    audit_entity = "demand_line"

    lead = ForeignKeyField(Lead, null=True, backref="demand_lines", on_delete="CASCADE")
    opportunity = ForeignKeyField(
        Opportunity, null=True, backref="demand_lines", on_delete="CASCADE"
    )
    position = IntegerField(default=0)
    kind = CharField()  # DemandKind
    description = CharField(default="")
    expected_price_minor = BigIntegerField(null=True)
    currency = CharField(default="EUR")
    comment = TextField(default="")


class AuditEntry(Model):
    """Who changed what, when: one row per create, edit, export, anonymisation or purge.
    Append-only, and without foreign keys, so it outlives the records it describes."""

    at = DateTimeField(default=now, index=True)
    user_id = IntegerField(null=True)
    # Kept as text too, so the entry still names the person if the user row changes.
    user_name = CharField(default="")
    entity = CharField()  # "opportunity", "account", "lead", "contact", ...
    entity_id = IntegerField()
    action = CharField()  # "create", "update", "delete", "export", "anonymise", "purge"
    # JSON: {"field": [old, new], ...}; empty for actions that change no field.
    changes = TextField(default="")

    class Meta:
        database = database
        legacy_table_names = False
        # By user (schema 14): the audit log read in the program filters on who.
        indexes = ((("entity", "entity_id"), False), (("user_id", "at"), False))


class NumberSequence(Model):
    """The next number of each document series; drawn inside the transaction that issues
    the number, so a rolled-back creation leaves no gap."""

    name = CharField(primary_key=True)  # "quote", "order_form", "order"
    next_value = IntegerField(default=1)

    class Meta:
        database = database
        legacy_table_names = False


class Quote(BaseModel):
    """One revision of a quote. Revisions share the number; a presented revision is frozen
    (its snapshot is what was printed) and is superseded by the next one."""

    audit_entity = "quote"

    number = CharField()  # Q-00001
    revision = IntegerField(default=1)
    opportunity = ForeignKeyField(Opportunity, backref="quotes", on_delete="CASCADE")
    status = CharField(default="draft")  # QuoteStatus
    valid_until = DateField()
    currency = CharField(default="EUR")
    payment_method = CharField(default="")  # Interest
    vehicle = ForeignKeyField(Vehicle, null=True, backref="quotes", on_delete="SET NULL")
    remarks = TextField(default="")
    supersedes = ForeignKeyField("self", null=True, backref="revisions", on_delete="SET NULL")
    presented_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)  # accepted, abandoned, expired or revised
    # Kept with each save of the lines, so lists and the revenue sync need no line reads.
    net_minor = BigIntegerField(default=0)
    accessories_minor = BigIntegerField(default=0)
    trade_in_minor = BigIntegerField(default=0)
    amount_due_minor = BigIntegerField(default=0)
    snapshot = TextField(null=True)  # JSON of the DocumentSnapshot, from presentation on

    class Meta:
        indexes = (
            (("number", "revision"), True),
            (("opportunity", "status"), False),
            (("status", "valid_until"), False),
        )


class QuoteLine(BaseModel):
    quote = ForeignKeyField(Quote, backref="lines", on_delete="CASCADE")
    position = IntegerField()
    kind = CharField()  # LineKind
    description = TextField()  # up to quotes.MAX_DESCRIPTION_LENGTH
    quantity = CharField(default="1")  # an exact decimal, as text
    unit_price_minor = BigIntegerField(default=0)
    vat_rate = CharField(default="0")  # percent, an exact decimal as text
    # A vehicle sold under the margin scheme; the car a trade-in line takes in (JSON of a
    # TradeInVehicle). With database defaults, as the demo inserts lines in bulk.
    margin_scheme = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    trade_in = TextField(default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("quote", "position"), False),)


class OrderForm(BaseModel):
    """The contract the customer signs, issued from the accepted quote. Signed order forms
    are kept: their opportunity cannot be deleted while they exist."""

    audit_entity = "order_form"

    number = CharField(unique=True)  # OF-00001
    quote = ForeignKeyField(Quote, unique=True, backref="order_forms", on_delete="RESTRICT")
    opportunity = ForeignKeyField(Opportunity, backref="order_forms", on_delete="RESTRICT")
    vehicle = ForeignKeyField(Vehicle, null=True, backref="order_forms", on_delete="SET NULL")
    payment_method = CharField(default="")
    delivery_date = DateField(null=True)
    signed_on = DateField(null=True)
    # The sale was lost after the order form was issued (the customer withdrew).
    cancelled_on = DateField(null=True)
    snapshot = TextField()


class SalesOrder(BaseModel):
    """The confirmed order of a signed order form, and its delivery."""

    audit_entity = "order"

    number = CharField(unique=True)  # O-00001
    order_form = ForeignKeyField(OrderForm, unique=True, backref="orders", on_delete="RESTRICT")
    opportunity = ForeignKeyField(Opportunity, backref="orders", on_delete="RESTRICT")
    delivered_on = DateField(null=True)
    delivery_mileage_km = IntegerField(null=True)
    delivery_note = TextField(default="")
    cancelled_on = DateField(null=True)


class DocumentImage(Model):
    """An image printed on issued documents (the logo), kept once per distinct content and
    found by the SHA-256 of its bytes, which the snapshots name: replacing or deleting the
    file later changes no reprint."""

    sha256 = CharField(primary_key=True)
    media_type = CharField(default="image/png")
    data = BlobField()
    created_at = DateTimeField(default=now)

    class Meta:
        database = database
        legacy_table_names = False


class MarketingConsent(BaseModel):
    """One statement of a customer's or a lead's marketing consent for one channel: given
    or withdrawn, when, how, and the wording they were shown. Rows are only added, never
    changed: the history is the proof; the latest row per channel is what holds now."""

    audit_entity = "marketing_consent"

    account = ForeignKeyField(Account, null=True, backref="consents", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, null=True, backref="consents", on_delete="CASCADE")
    channel = CharField()  # ConsentChannel
    given = BooleanField()
    at = DateTimeField()  # when it was given or withdrawn
    method = CharField()  # ConsentMethod
    wording = TextField(default="")

    class Meta:
        indexes = (
            (("account", "channel", "at"), False),
            (("lead", "channel", "at"), False),
        )


class StoredFile(Model):
    """A file every workstation needs (an issued PDF), kept once per distinct content and
    found by the SHA-256 of its bytes."""

    sha256 = CharField(primary_key=True)
    media_type = CharField()
    data = BlobField()
    created_at = DateTimeField(default=now)

    class Meta:
        database = database
        legacy_table_names = False


class IssuedFile(Model):
    """Which stored file an issued document (Q-00001, Q-00001-r2, OF-00001) is."""

    reference = CharField(primary_key=True)
    sha256 = CharField(index=True)
    created_at = DateTimeField(default=now)

    class Meta:
        database = database
        legacy_table_names = False


# The tables each schema step added after the first, for the steps that create them.
QUOTE_TABLES: list[type[Model]] = [NumberSequence, Quote, QuoteLine, OrderForm, SalesOrder]


TABLES: list[type[Model]] = [
    Setting,
    Team,
    Business,
    Facility,
    Operation,
    User,
    UserRoleGrant,
    UserCredential,
    Account,
    Contact,
    CatalogueEntry,
    Vehicle,
    Reason,
    Lead,
    OpportunityKind,
    Stage,
    Opportunity,
    OpportunityContact,
    OpportunitySalesperson,
    CloseDateChange,
    StageChange,
    Activity,
    AuditEntry,
    *QUOTE_TABLES,
    DocumentImage,
    MarketingConsent,
    DemandLine,
    StoredFile,
    IssuedFile,
    CatalogueItem,
]
