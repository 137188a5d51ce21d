"""Customer accounts and their contacts, as far as the opportunity form needs them."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import models as m
from app.db.connection import transaction
from app.domain.choices import AccountKind
from app.domain.validation import Validator
from app.services.reference import Option


@dataclass
class AccountInput:
    kind: str = AccountKind.PERSON.value
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""


@dataclass
class ContactInput:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    job_title: str = ""


def display_name(data: AccountInput) -> str:
    if data.kind == AccountKind.COMPANY.value:
        return data.company_name.strip()
    first, last = data.first_name.strip(), data.last_name.strip()
    return f"{last}, {first}" if first and last else (last or first)


def _validate(data: AccountInput) -> Validator:
    v = Validator()
    if data.kind not in {k.value for k in AccountKind}:
        v.error("kind", "An account is a person or a company.")
    if data.kind == AccountKind.COMPANY.value:
        data.company_name = v.require("company_name", data.company_name, "Company name")
    else:
        data.last_name = v.require("last_name", data.last_name, "Last name", 100)
        data.first_name = v.optional("first_name", data.first_name, "First name", 100)
    data.email = v.email("email", data.email)
    data.phone = v.optional("phone", data.phone, "Phone", 40)
    if data.phone and not any(c.isdigit() for c in data.phone):
        v.error("phone", f"“{data.phone}” has no digits; type the number, e.g. +39 02 1234 5678.")
    for name in ("street", "postcode", "city", "country"):
        setattr(data, name, v.optional(name, getattr(data, name), name.capitalize(), 120))
    return v


def create(data: AccountInput) -> Option:
    """Create an account; a person account also gets its first contact (the person)."""
    v = _validate(data)
    v.raise_if_any()
    with transaction():
        row = m.Account.create(
            kind=data.kind,
            name=display_name(data),
            first_name=data.first_name,
            last_name=data.last_name,
            company_name=data.company_name,
            email=data.email,
            phone=data.phone,
            street=data.street,
            postcode=data.postcode,
            city=data.city,
            country=data.country,
        )
        if data.kind == AccountKind.PERSON.value:
            m.Contact.create(
                account=row,
                first_name=data.first_name,
                last_name=data.last_name,
                email=data.email,
                phone=data.phone,
            )
    return Option(row.id, row.name)


def add_contact(account_id: int, data: ContactInput) -> Option:
    v = Validator()
    data.last_name = v.require("last_name", data.last_name, "Last name", 100)
    data.first_name = v.optional("first_name", data.first_name, "First name", 100)
    data.email = v.email("email", data.email)
    v.raise_if_any()
    with transaction():
        row = m.Contact.create(
            account=account_id,
            first_name=data.first_name,
            last_name=data.last_name,
            email=data.email,
            phone=data.phone,
            job_title=data.job_title,
        )
    return Option(row.id, _contact_label(row.first_name, row.last_name, row.job_title))


def _contact_label(first: str, last: str, title: str) -> str:
    name = f"{first} {last}".strip()
    return f"{name} ({title})" if title else name


def search(text: str, limit: int = 30) -> list[Option]:
    """Accounts whose name starts with or contains the text; starts-with first."""
    term = text.strip()
    query = m.Account.select(m.Account.id, m.Account.name, m.Account.city)
    if term:
        query = query.where(m.Account.name.contains(term) | m.Account.email.startswith(term))
        query = query.order_by(~m.Account.name.startswith(term), m.Account.name)
    else:
        query = query.order_by(m.Account.name)
    return [Option(i, f"{n} · {c}" if c else n) for i, n, c in query.limit(limit).tuples()]


def name(account_id: int) -> str:
    row = m.Account.get_or_none(m.Account.id == account_id)
    return row.name if row else ""


def contacts(account_id: int) -> list[Option]:
    query = (
        m.Contact.select(
            m.Contact.id, m.Contact.first_name, m.Contact.last_name, m.Contact.job_title
        )
        .where(m.Contact.account == account_id)
        .order_by(m.Contact.last_name, m.Contact.first_name)
    )
    return [Option(i, _contact_label(f, la, t)) for i, f, la, t in query.tuples()]
