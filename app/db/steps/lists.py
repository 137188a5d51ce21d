"""Schema step: the channels, payment interests and activity outcomes become editable lists.

The reason table, which holds the editable lists, gains a code (what records keep of an
entry of these lists, so that an entry can be renamed while records hold it) and a payment
interest's kind of payment; an activity gains its outcome. The shipped entries go in with
their keys as codes, and any other code the records already hold (a value written before
the lists were checked) gets an entry of its own, so every channel and interest on file is
in its list. Written against the schema as it was, with a frozen copy of the shipped
entries, and idempotent: columns are added when missing, entries when missing."""

from __future__ import annotations

from datetime import datetime

from peewee import Database

# The shipped entries as this step writes them: list -> ((key, English name, payment), ...).
_V19_ENTRIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "channel": (
        ("web_form", "Web form", ""),
        ("phone", "Phone", ""),
        ("walk_in", "Walk-in", ""),
        ("email", "E-mail", ""),
        ("trade_show", "Trade show", ""),
        ("referral", "Referral", ""),
        ("existing_customer", "Existing customer", ""),
        ("other", "Other", ""),
    ),
    "interest": (
        ("cash", "Cash", "cash"),
        ("finance", "Finance", "finance"),
        ("lease", "Lease", "lease"),
    ),
    "outcome": (
        ("reached", "Reached", ""),
        ("not_reached", "Not reached", ""),
        ("left_message", "Left a message", ""),
        ("appointment_made", "Appointment made", ""),
        ("call_back", "Call back", ""),
        ("quote_requested", "Quote requested", ""),
        ("not_interested", "Not interested", ""),
    ),
}

# Where records keep each list's codes (table, column).
_V19_HOLDERS: dict[str, tuple[tuple[str, str], ...]] = {
    "channel": (("opportunity", "channel"), ("lead", "channel")),
    "interest": (("opportunity", "interest"), ("lead", "interest")),
}


def _add_column(db: Database, table: str, name: str, definition: str) -> None:
    if name not in {c.name for c in db.get_columns(table)}:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')


def _insert(db: Database, kind: str, key: str | None, code: str, name: str, payment: str) -> None:
    p = db.param
    top = db.execute_sql(
        f'SELECT COALESCE(MAX("sequence"), 0) FROM "reason" WHERE "kind" = {p}', (kind,)
    ).fetchone()[0]
    # A name an administrator already gave another entry of the list gets the code after it.
    taken = db.execute_sql(
        f'SELECT 1 FROM "reason" WHERE "kind" = {p} AND "name" = {p}', (kind, name)
    ).fetchone()
    if taken:
        name = f"{name} ({code})"
    now = datetime.now().replace(microsecond=0)  # as the tables stamp their rows
    db.execute_sql(
        'INSERT INTO "reason" ("created_at", "updated_at", "version", "kind", "name", '
        '"sequence", "active", "key", "code", "payment_kind") '
        f"VALUES ({p}, {p}, 1, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
        (now, now, kind, name, int(top) + 1, True, key, code, payment),
    )


def channels_interests_and_outcomes(db: Database) -> None:
    """The lists of channels, payment interests and activity outcomes, and an activity's
    outcome: see the module's docstring."""
    _add_column(db, "reason", "code", "VARCHAR(255)")
    _add_column(db, "reason", "payment_kind", "VARCHAR(255) NOT NULL DEFAULT ''")
    _add_column(db, "activity", "outcome", "VARCHAR(255) NOT NULL DEFAULT ''")
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "reason_kind_code" ON "reason" ("kind", "code")'
    )
    p = db.param
    for kind, entries in _V19_ENTRIES.items():
        have = {
            r[0]
            for r in db.execute_sql(
                f'SELECT "code" FROM "reason" WHERE "kind" = {p} AND "code" IS NOT NULL', (kind,)
            ).fetchall()
        }
        for key, name, payment in entries:
            if key not in have:
                _insert(db, kind, key, key, name, payment)
                have.add(key)
        for table, column in _V19_HOLDERS.get(kind, ()):
            held = db.execute_sql(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" <> \'\' '
                f'ORDER BY "{column}"'
            ).fetchall()
            for (code,) in held:
                if code not in have:
                    # Kept as it was found, inactive: shown on its records, offered to nobody.
                    _insert(db, kind, None, code, code, "cash" if kind == "interest" else "")
                    db.execute_sql(
                        f'UPDATE "reason" SET "active" = {p} WHERE "kind" = {p} AND "code" = {p}',
                        (False, kind, code),
                    )
                    have.add(code)
