"""Every service as every role: a table of each public service function and the right it
checks (or why it checks none), called as a user of each role. A role without the right is
refused (NotAllowed, naming the right) before anything is read or changed; a role with it
is not refused (the dummy arguments may fail otherwise). A new service function without an
entry in the table fails the test."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import app.services
from app.db import models as m
from app.domain.choices import UserRole
from app.domain.csv_text import FileFormat
from app.domain.rights import ROLE_RIGHTS, Right
from app.services import activities, leads, opportunities
from app.services.errors import NotAllowed
from app.services.master_data import CatalogueRecord
from tests.people import add_user

GONE = 999_999  # an id nothing has


def _d(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    return lambda f: f(*args, **kwargs)


def _ids(n: int) -> Callable[[Any], Any]:
    return lambda f: f(*([GONE] * n))


R, S = Right.READ_SALES, Right.SELL
SETUP, USERS, IMPORT = Right.SETUP, Right.MANAGE_USERS, Right.IMPORT_DATA
_FORMAT = FileFormat("utf-8", ",", ".", "")

# service -> (the right it checks, how the test calls it)
CHECKED: dict[str, tuple[Right, Callable[[Any], Any]]] = {
    "accounts.create": (S, _d(None)),
    "accounts.update": (S, _ids(3)),
    "accounts.get": (R, _ids(1)),
    "accounts.contact_infos": (R, _ids(1)),
    "accounts.contact": (R, _ids(1)),
    "accounts.add_contact": (S, _ids(2)),
    "accounts.update_contact": (S, _ids(3)),
    "accounts.search": (R, _d("Rossi")),
    "accounts.name": (R, _ids(1)),
    "accounts.contacts": (R, _ids(1)),
    "accounts.rebuild_match_keys": (Right.SETUP, _d()),
    "accounts.merge": (S, _ids(2)),
    "accounts.conflict": (R, _ids(3)),
    "accounts.save_over": (S, _ids(4)),
    "accounts.contact_conflict": (R, _ids(3)),
    "accounts.save_contact_over": (S, _ids(4)),
    "accounts.opportunity_contacts": (R, _ids(1)),
    "accounts.set_opportunity_contact": (S, _d(GONE, GONE, "")),
    "accounts.remove_opportunity_contact": (S, _ids(2)),
    "accounts.count": (R, _d(None)),
    "accounts.page": (R, _d(None, "name", False, 0, 10)),
    "accounts.count_and_first_page": (R, _d(None, "name", False, 10)),
    "activities.create": (S, _d(activities.ActivityInput())),
    "activities.update": (S, _ids(3)),
    "activities.get": (R, _ids(1)),
    "activities.set_done": (S, _ids(1)),
    "activities.for_lead": (R, _ids(1)),
    "activities.for_account": (R, _ids(1)),
    "activities.timeline": (R, _ids(1)),
    "activities.agenda": (R, _ids(1)),
    "activities.agenda_sales": (R, _d(GONE, "stale", None, date.today(), datetime.now())),
    "activities.vehicle_calendar": (R, _d(date(2030, 1, 1), 7)),
    "activities.coming_days": (R, _d(GONE, date(2030, 1, 1))),
    "activities.save_over": (S, _ids(4)),
    "activities.conflict": (R, _ids(3)),
    "activities.follow_up": (R, _d(GONE, date(2030, 1, 1))),
    "audit.history": (R, _d("opportunity", GONE)),
    "audit_log.count": (Right.READ_AUDIT, _d(None)),
    "audit_log.page": (Right.READ_AUDIT, _d(None, 0, 10)),
    "audit_log.filter_choices": (Right.READ_AUDIT, _d()),
    "audit_log.record_history": (R, _d("opportunity", GONE)),
    "backups.back_up_now": (Right.BACKUP, _d()),
    "backups.restore_chosen": (Right.RESTORE, _d("no-such-backup.sqlite3")),
    "backups.restore_server": (Right.RESTORE, _d(Path("no-such-dump.backup"), Path("aside"))),
    "consent.history": (R, _d(GONE)),
    "consent.current": (R, _d(GONE)),
    "consent.record": (S, _d(None, GONE)),
    "dashboard.load": (R, _d()),
    "dashboard.export.export_csv": (Right.EXPORT_DATA, _d(None, Path("nowhere.csv"))),
    "dashboard.rebuild_aggregates": (SETUP, _d()),
    "deals.accept_quote": (S, _ids(1)),
    "deals.close_lost": (S, _d([GONE], "price")),
    "deals.documents_for_account": (R, _ids(1)),
    "demand.of_opportunity": (R, _ids(1)),
    "demand.of_lead": (R, _ids(1)),
    "demand.save_for_opportunity": (S, _d(GONE, [], [])),
    "demand.save_for_lead": (S, _d(GONE, [], [])),
    "documents.document_settings": (R, _d()),
    "documents.save_document_settings": (Right.SETUP, _d(None)),
    "documents.save_settings_over": (Right.SETUP, _ids(3)),
    "documents.settings_conflict": (R, _d(None, None)),
    "import_process.run_import": (
        IMPORT,
        _d(Path("nowhere.csv"), "stock", {}, _FORMAT, True, False, lambda *a: None, lambda: True),
    ),
    "lead_import.import_csv": (Right.IMPORT_DATA, _d(b"")),
    "leads.create": (S, _d(leads.LeadInput())),
    "leads.update": (S, _ids(3)),
    "leads.save_over": (S, _ids(4)),
    "leads.conflict": (R, _ids(3)),
    "leads.get": (R, _ids(1)),
    "leads.set_status": (S, _d(GONE, "contacted")),
    "leads.disqualify": (S, _d(GONE, "duplicate")),
    "leads.count": (R, _d(None)),
    "leads.page": (R, _d(None, "name", False, 0, 10)),
    "leads.count_and_first_page": (R, _d(None, "name", False, 10)),
    "leads.duplicates": (R, _ids(1)),
    "leads.convert": (S, _ids(1)),
    "master_data.businesses": (R, _d()),
    "master_data.facilities": (R, _d()),
    "master_data.operations": (R, _d()),
    "master_data.catalogue": (R, _d()),
    "master_data.items": (R, _d()),
    "master_data.items_for_quote": (R, _d("EUR")),
    "master_data.stock": (R, _d()),
    "master_data.list_entries": (R, _d("lost_reason")),
    "master_data.get": (R, _d(CatalogueRecord, GONE)),
    "master_data.conflict": (R, _d(CatalogueRecord(id=GONE), CatalogueRecord(id=GONE))),
    "master_data.save": (SETUP, _d(CatalogueRecord())),
    "master_data.save_over": (SETUP, _d(CatalogueRecord(id=GONE), CatalogueRecord(id=GONE), 1)),
    "master_data.set_active": (SETUP, _d(CatalogueRecord(id=GONE), False)),
    "master_data.delete": (SETUP, _d(CatalogueRecord(id=GONE))),
    "master_data.move": (SETUP, _d(None, 1)),
    "opportunities.create": (S, _d(opportunities.OpportunityInput())),
    "opportunities.update": (S, _ids(3)),
    "opportunities.save": (S, _ids(3)),
    "opportunities.get": (R, _ids(1)),
    "opportunities.open_form": (S, _d(None, None)),
    "opportunities.reread": (R, _ids(1)),
    "opportunities.close_date_history": (R, _ids(1)),
    "opportunities.count": (R, _d(None)),
    "opportunities.page": (R, _d(None, "topic", False, 0, 10)),
    "opportunities.count_and_first_page": (R, _d(None, "topic", False, 10)),
    "opportunity_conflicts.save_over": (S, _ids(4)),
    "opportunity_conflicts.save_over_form": (S, _ids(4)),
    "opportunity_conflicts.conflict": (R, _ids(3)),
    "orders.for_opportunity": (R, _ids(1)),
    "orders.record_signature": (S, _d(GONE, date(2030, 1, 1))),
    "orders.confirm_order": (S, _ids(1)),
    "orders.record_delivery": (S, _d(GONE, date(2030, 1, 1), 10)),
    "personal_data.collect": (Right.EXPORT_DATA, _ids(1)),
    "personal_data.export": (Right.EXPORT_DATA, _d(GONE, Path("nowhere.json"))),
    "personal_data.anonymise": (Right.PURGE, _ids(1)),
    "personal_data.collect_lead": (Right.EXPORT_DATA, _ids(1)),
    "personal_data.export_lead": (Right.EXPORT_DATA, _d(GONE, Path("nowhere.json"))),
    "personal_data.anonymise_lead": (Right.PURGE, _ids(1)),
    "process.move_to_stage": (S, _ids(2)),
    "processes.kinds": (R, _d()),
    "processes.kind": (R, _ids(1)),
    "processes.blocks": (R, _d(None)),
    "processes.standard_template": (R, _d()),
    "processes.save_kind": (SETUP, _d(None)),
    "process.advance": (S, _d(GONE, "interest")),
    "process.close_won": (S, _ids(1)),
    "process.reopen": (S, _ids(1)),
    "process.overview": (R, _ids(1)),
    "process.history": (R, _ids(1)),
    "quotes.get": (R, _ids(1)),
    "quotes.for_opportunity": (R, _ids(1)),
    "quotes.create": (S, _ids(1)),
    "quotes.save": (S, _ids(3)),
    "quotes.draft_pdf": (R, _ids(1)),
    "quotes.present": (S, _ids(1)),
    "quotes.revise": (S, _ids(1)),
    "quotes.abandon": (S, _ids(1)),
    "record_rights.sale_access": (R, _d("opportunity", GONE)),
    "record_rights.require_edit": (S, _d("opportunity", GONE)),
    "record_rights.require_opportunity": (S, _ids(1)),
    "record_rights.require_lead": (S, _ids(1)),
    "record_rights.require_quote": (S, _ids(1)),
    "record_rights.require_activity": (S, _ids(1)),
    "record_rights.require_activity_parent": (S, _d(None, None, None)),
    "record_rights.require_order_form": (S, _ids(1)),
    "record_rights.require_order": (S, _ids(1)),
    "record_rights.require_new_sale": (S, _d(None, None)),
    "record_rights.take": (S, _d("opportunity", GONE)),
    "record_rights.reassign": (Right.MANAGE_SALES, _d("opportunity", GONE, None, None)),
    "record_rights.salespeople": (R, _ids(1)),
    "retention.set_retention_months": (Right.PURGE, _d(60)),
    "setup.missing": (R, _d()),
    "setup.dealership": (R, _d()),
    "setup.save_dealership": (SETUP, _d(None)),
    "setup.logo": (R, _d()),
    "move_to_server.move_this_workstation": (SETUP, _d("postgresql://nobody@127.0.0.1:1/x", None)),
    "documents.stored_logo": (R, _d()),
    "documents.read_logo": (SETUP, _d("/nowhere/logo.png")),
    "setup.add_facility": (SETUP, _d(None, [])),
    "setup.facilities_with_operations": (R, _d()),
    "setup.money_settings": (R, _d()),
    "setup.save_money_settings": (SETUP, _d(None)),
    "setup.vat_rates": (R, _d()),
    "setup.users": (USERS, _d()),
    "setup.add_user": (USERS, _d(None)),
    "retention.plan": (Right.PURGE, _d()),
    "retention.purge": (Right.PURGE, _d(None)),
    "stage_setup.update_stage": (Right.SETUP, _d(GONE, 10, None, True, expected_version=1)),
    "stage_setup.save_stage_over": (Right.SETUP, _ids(4)),
    "stage_setup.stage_conflict": (R, _ids(3)),
    "stage_setup.kinds": (R, _d()),
    "stage_setup.stage": (R, _ids(1)),
    "stage_setup.create_kind": (Right.SETUP, _d("", "standard")),
    "teams.teams": (Right.MANAGE_USERS, _d()),
    "teams.team_choices": (R, _d()),
    "teams.get": (Right.MANAGE_USERS, _ids(1)),
    "teams.save": (Right.MANAGE_USERS, _d(None, None)),
    "teams.set_active": (Right.MANAGE_USERS, _d(GONE, False)),
    "teams.team_of": (R, _ids(1)),
    "users.list_users": (USERS, _d()),
    "users.load_user": (USERS, _ids(1)),
    "users.save_user": (USERS, _d(None)),
    "users.conflict": (USERS, _d(None, None)),
    "users.save_user_over": (USERS, _d(None, None, 1)),
    "users.set_active": (USERS, _d(GONE, False)),
    "users.unlock": (USERS, _ids(1)),
    "users.reset_password": (USERS, _ids(1)),
    "users.set_idle_lock_minutes": (USERS, _d(10, GONE)),
    "vehicle_imports.read_file": (IMPORT, _d(Path("nowhere.csv"), "stock")),
    "vehicle_imports.run_import": (IMPORT, _d(None, {}, _FORMAT)),
    "vehicle_imports.import_path": (IMPORT, _d(Path("nowhere.csv"), "stock")),
    "vehicle_imports.mapping_names": (IMPORT, _d("stock")),
    "vehicle_imports.load_mapping": (IMPORT, _d("stock", "none")),
    "vehicle_imports.save_mapping": (IMPORT, _d("stock", "", [], {}, _FORMAT)),
    "walk_in.create": (S, _d(None, None)),
    "workspace.set_setting": (Right.SETUP, _d("x", "y")),
}


# Why a service checks no right of its own, by kind of function.
_WORDING = "words, numbers or keys from its arguments: reads no record"
_INSIDE = "a step of a checked service, called inside its transaction"
_REFERENCE = "the reference lists every picker reads (users, sites, stages, reasons)"
_UPKEEP = "upkeep that runs whoever is signed in, or before anyone is"
_HEADLESS = "the headless commands (credentials: the sign-in work) and the start-up"
_RIGHTS = "the rights themselves, or their questions"
_SIGN_IN = "the sign-in itself: what runs before anyone is signed in, or signs them out"
_PASSWORDS = "password hashing and policy: pure, on the secret or code it is given"
_CONNECT = "the connection to the site's server, made before anyone can sign in"
_START = "a question the start-up asks before the window fills; says no record's content"
_IMPORTED = "works on a file read_file read under the import right; changes no record"
EXEMPT: dict[str, str] = {
    **dict.fromkeys(
        [
            "access.current_rights",
            "access.has_right",
            "access.missing_right_message",
            "access.require",
            "record_rights.access_of",  # checks READ_SALES itself; the form passes the holder
            "record_rights.require_holder_change",
            "record_rights.require_salespeople_change",
            "record_rights.write_salespeople",
            "record_rights.shared_with",
            "master_data.may_change",
            "master_data.hidden_purchase_price",
            "setup.may_set_up",
        ],
        _RIGHTS,
    ),
    **dict.fromkeys(
        [
            "sign_in.administrator_exists",
            "sign_in.clock",
            "sign_in.confirm_password",
            "sign_in.create_first_administrator",
            "sign_in.locked_message",
            "sign_in.no_password_yet_message",
            "sign_in.set_own_password",
            "sign_in.set_password_as_holder",
            "sign_in.sign_in",
            "sign_in.sign_out",
            "sign_in.start",
        ],
        _SIGN_IN,
    ),
    **dict.fromkeys(
        [
            "passwords.hash_secret",
            "passwords.mismatch_message",
            "passwords.needs_rehash",
            "passwords.new_one_time_code",
            "passwords.normalise_code",
            "passwords.parameters",
            "passwords.password_problem",
            "passwords.use_parameters",
            "passwords.verify",
        ],
        _PASSWORDS,
    ),
    **dict.fromkeys(
        [
            "site_server.credential_store_available",
            "site_server.store_password",
            "site_server.stored_password",
            "site_server.try_connection",
            "workspace.open_server",
            "workspace.on_server",
            "workspace.check_server",
            "site_server.password_source",
            "site_server.pgpass_file",
        ],
        _CONNECT,
    ),
    **dict.fromkeys(
        [
            "setup.needs_assistant",
            "users.idle_lock_minutes",  # every signed-in session's idle lock reads it
            "users.idle_lock_version",
            "live.watch",  # counts of changes, for the lists to refresh; no record's content
        ],
        _START,
    ),
    **dict.fromkeys(
        [
            "vehicle_imports.apply_mapping",
            "vehicle_imports.formats",
            "vehicle_imports.missing_columns",
            "vehicle_imports.preview",
            "vehicle_imports.propose_mapping",
        ],
        _IMPORTED,
    ),
    **dict.fromkeys(
        [
            "accounts.display_name",
            "accounts.check",
            "accounts.validate",
            "accounts.phone_region",
            "accounts.match_keys",
            "accounts.phone_parts",
            "activities.note_reason_label",
            "audit.parse_changes",
            "audit_log.entity_name",
            "backups.size_label",
            "catalogue.vin_warning",
            "catalogue.holder_label",
            "catalogue.reserved_label",
            "catalogue.choice_of",
            "conflicts.plain",
            "conflicts.field_labels",
            "conflicts.field_changes",
            "conflicts.merged",
            "consent.default_wording",
            "csv_export.neutralised",
            "csv_export.separator",
            "csv_export.cell_text",
            "dashboard.labels.breakdown_label",
            "dashboard.labels.date_basis_label",
            "dashboard.labels.not_set_label",
            "dashboard.labels.forecast_label",
            "dashboard.labels.stage_label",
            "dashboard.labels.bucket_label",
            "dashboard.labels.group_words",
            "dashboard.labels.choice_label",
            "dashboard.open_pipeline.shipped_keys",
            "dashboard.open_pipeline.unique_labels",
            "dashboard.results.describe",
            "demand.from_rows",
            "demand.merged",
            "demand.conflict",
            "documents.person_name",
            "documents.reference",
            "errors.user_problem",
            "lead_import.submitted_time",
            "leads.lead_name",
            "leads.field_labels",
            "leads.validate_lead",
            "leads.lead_keys",
            "leads.account_input",
            "matching.email_key",
            "matching.phone_key",
            "matching.phone_problem",
            "matching.name_key",
            "matching.sort_key",
            "matching.name_similarity",
            "matching.close_names",
            "opportunities.not_found",
            "opportunities.vin_warning",
            "opportunities.new_input",
            "opportunities.proposed_revenue",
            "opportunities.effective_probability",
            "opportunity_conflicts.field_labels",
            "opportunity_form.reach_lines",
            "opportunity_form.contact_label",
            "quotes.label",
            "quotes.describe_trade_in",
            "quotes.unidentified_trade_ins",
            "retention.cutoff_date",
            "storage.mount_of",
            "storage.network_location",
            "storage.network_warning",
            "timeline.activity_title",
            "timeline.stage_entries",
            "timeline.close_date_entry",
            "timeline.newest_first",
            "timeline.document_entry",
            "walk_in.account_input",
            "wording.day",
            "wording.number",
            "master_data.refusal",
            "master_data.catalogue_net_price",
            "processes.move_label",
            "move_to_server.step_text",
            "vehicle_imports.report_lines",
            "dashboard.won_months",
            "dashboard.funnel.funnel_names",
            "dashboard.funnel.funnel_ids",
        ],
        _WORDING,
    ),
    **dict.fromkeys(
        [
            "accounts.find_duplicates",
            "activities.cars_for_test_drive",
            "activities.follow_up_date",
            "audit.record",
            "consent.export_rows",
            "consent.end_for_anonymisation",
            "csv_export.write_csv",
            "dashboard.with_breakdown",
            "dashboard.export.csv_rows",
            "dashboard.funnel.stage_figures",
            "dashboard.funnel.build_funnel",
            "dashboard.open_pipeline.amounts",
            "dashboard.open_pipeline.pipeline_and_forecast",
            "dashboard.results.drill",
            "documents.terms",
            "documents.valid_days",
            "documents.default_vat_rate",
            "documents.archive_path",
            "documents.seller_for",
            "documents.current_logo",
            "documents.freeze_images",
            "documents.customer_for",
            "documents.margin_scheme",
            "documents.vehicle_for",
            "documents.salesperson_for",
            "documents.write_archive",
            "documents.publish",
            "documents.discard",
            "documents.snapshot",
            "documents.loaded",
            "documents.render",
            "documents.issued_today",
            "documents.dealership_language",
            "documents.language_of",
            "documents.terms_setting",
            "documents.translated_terms",
            "numbering.draw",
            "opportunities.open_sales",
            "opportunities.check_second_sale",
            "opportunities.keep_second_reason",
            "opportunities.apply_home_defaults",
            "opportunities.validate",
            "opportunity_form.record_detail",
            "opportunity_form.vehicle_choice",
            "opportunity_form.build_form",
            "opportunity_form.form_choices",
            "opportunity_form.blank_record",
            "opportunity_form.histories",
            "opportunity_form.timeline_entries",
            "orders.issue_order_form",
            "orders.live_contracts",
            "orders.cancel_open",
            "personal_data.suggested_file_name",
            "personal_data.suggested_lead_file_name",
            "process.open_row",
            "process.require_open",
            "process.close_row",
            "quotes.row_of",
            "quotes.stored_lines",
            "quotes.vehicle_line",
            "quotes.check_trade_in",
            "quotes.concerns",
            "quotes.reserved_elsewhere",
            "quotes.revenue_quote",
            "quotes.revenue_source",
            "quotes.sync_revenue",
            "quotes.abandon_open",
            "timeline.document_entries_from_rows",
            "timeline.document_timeline",
            "walk_in.duplicates",
            "conflicts.user_name",
            "conflicts.describe",
            "workspace.settings_version",
            "workspace.check_settings_version",
            "workspace.user_info",  # of the row the sign-in found
            "users.validate_user",  # of save_user and setup.add_user
        ],
        _INSIDE,
    ),
    **dict.fromkeys(
        [
            "activities.note_reasons",
            "activities.note_reason_choices",
            "catalogue.choices",
            "catalogue.find_vehicles",
            "catalogue.vehicle",
            "catalogue.vehicle_by_code",
            "dashboard.distinct_values",
            "dashboard.operations",
            "documents.dealerships",
            "documents.dealer_details",
            "leads.disqualify_reasons",
            "leads.disqualify_reason_choices",
            "process.lost_reasons",
            "process.won_reasons",
            "reference.users",
            "reference.businesses",
            "reference.facilities",
            "reference.operations",
            "reference.facility_business",
            "reference.opportunity_kinds",
            "reference.fixed_sequence",
            "reference.stage_infos",
            "reference.stage_names",
            "reference.stage_name_choices",
            "reference.reason_choices",
            "reference.reason_label",
            "reference.stored_reason",
            "reference.code_entries",
            "reference.code_lists",
            "reference.code_choices",
            "reference.code_labels",
            "reference.code_label",
            "reference.payment_kind",
            "reference.first_active",
            "reference.check_code",
            "activities.outcome_choices",
            "retention.retention_months",
            "retention.retention_version",
            "workspace.users",
            "workspace.setting",
            "process.reopen_needs_close_date",
        ],
        _REFERENCE,
    ),
    **dict.fromkeys(
        [
            "backups.backup_due",
            "backups.backup_if_due",
            "backups.newest_good_backup",
            "backups.resolve",
            "documents.clean_leftovers",
            "quotes.expire_due",
        ],
        _UPKEEP,
    ),
    **dict.fromkeys(
        [
            "backups.list_backups",
            "backups.take_backup",
            "backups.restore",
            "documents.save_pdf",
            "documents.archived_pdf",
            "workspace.open_database",
            "workspace.schema_version",
            "workspace.upgrade_due",
            "workspace.quick_check",
            "workspace.close_database",
            "workspace.has_opportunities",
            # Checked by the command on a copy of the file before the move: the file moved
            # stays byte for byte as it was.
            "move_to_server.move_to_server",
            "workspace.signed_in_user_id",
        ],
        _HEADLESS,
    ),
}


def _services() -> set[str]:
    found = set()
    for info in pkgutil.walk_packages(app.services.__path__, "app.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                not name.startswith("_")
                and inspect.isfunction(value)
                and value.__module__ == module.__name__
            ):
                found.add(f"{module.__name__.removeprefix('app.services.')}.{name}")
    return found


def _function(name: str) -> Callable[..., Any]:
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"app.services.{module}"), function)


def test_every_service_function_is_in_the_table() -> None:
    services = _services()
    missing = sorted(services - set(CHECKED) - set(EXEMPT))
    assert not missing, f"say which right these check (or why none): {missing}"
    assert not set(CHECKED) & set(EXEMPT)
    gone = sorted((set(CHECKED) | set(EXEMPT)) - services)
    assert not gone, f"no such service any more: {gone}"


@pytest.fixture
def people(db: Path) -> dict[UserRole, int]:
    return {role: add_user(f"as_{role.value}", role.value).id for role in UserRole}


@pytest.mark.parametrize("service", sorted(CHECKED))
def test_every_service_refuses_every_role_without_its_right(
    people: dict[UserRole, int], service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # whatever an allowed call writes, it writes here
    right, call = CHECKED[service]
    function = _function(service)
    for role, user_id in people.items():
        m.set_acting_user(user_id)
        allowed = right in ROLE_RIGHTS[role]
        try:
            call(function)
        except NotAllowed as refused:
            assert not allowed, f"{service} refused {role.value}: {refused}"
            assert str(refused), f"{service} refused {role.value} without a word"
            continue
        except Exception:
            pass
        assert allowed, f"{service} let {role.value} through without {right.value}"
