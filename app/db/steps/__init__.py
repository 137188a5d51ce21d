"""The schema's upgrade steps, in order: each is written against the schema as it was at its
version, with frozen copies of the tables it needs, and is idempotent (IF NOT EXISTS, checks
before ALTER), so a step that runs again after an interruption does no harm. Append a step;
never edit a released one. A new step goes in the newest module, or a new one once that one
is full."""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from app.db.steps.agenda_index import agenda_indexes
from app.db.steps.aggregates_v21 import _aggregates
from app.db.steps.condition_split import condition_split
from app.db.steps.customer_search import customer_search
from app.db.steps.dashboard_filters import dashboard_filters
from app.db.steps.dashboard_pairs import dashboard_pairs
from app.db.steps.duplicate_indexes import duplicate_indexes
from app.db.steps.languages import correspondence_languages
from app.db.steps.lead_search import lead_search
from app.db.steps.lists import channels_interests_and_outcomes
from app.db.steps.open_sorts import open_sorts
from app.db.steps.opportunity_starts import opportunity_starts
from app.db.steps.quote_line_text import quote_line_text
from app.db.steps.search_sort_keys import search_sort_keys
from app.db.steps.search_sorts import search_sorts
from app.db.steps.search_words import search_words
from app.db.steps.setup import setup_master_data
from app.db.steps.shared_files import shared_files
from app.db.steps.sign_in import sign_in_users
from app.db.steps.sort_starts import sort_starts
from app.db.steps.stage_entry import stage_entry
from app.db.steps.start_sort_keys import start_sort_keys
from app.db.steps.start_sorts import start_sorts
from app.db.steps.team_agenda import team_agenda
from app.db.steps.teams import teams_and_shared_sales
from app.db.steps.v2_to_v7 import (
    _v2_quotes,
    _v3_audit_log,
    _v4_stage_history_indexes,
    _v5_folded_search,
    _v6_stage_visits,
    _v7_open_list,
)
from app.db.steps.v8_to_v13 import (
    _v8_standard_keys,
    _v9_documents,
    _v10_marketing_consent,
    _v11_setting_versions,
    _v12_won_reasons,
    _v13_home_use_demand,
)
from app.db.steps.word_starts import word_starts

# STEPS[n] brings a database from version n + 1 to n + 2. Append; never edit a released step.
STEPS: list[Callable[[Database], None]] = [
    _v2_quotes,
    _v3_audit_log,
    _v4_stage_history_indexes,
    _v5_folded_search,
    _v6_stage_visits,
    _v7_open_list,
    _v8_standard_keys,
    _v9_documents,
    _v10_marketing_consent,
    _v11_setting_versions,
    _v12_won_reasons,
    _v13_home_use_demand,
    correspondence_languages,
    sign_in_users,
    shared_files,
    teams_and_shared_sales,
    setup_master_data,
    channels_interests_and_outcomes,
    agenda_indexes,
    _aggregates,
    search_words,
    duplicate_indexes,
    search_sorts,
    search_sort_keys,
    quote_line_text,
    dashboard_filters,
    stage_entry,
    lead_search,
    open_sorts,
    word_starts,
    team_agenda,
    opportunity_starts,
    start_sorts,
    dashboard_pairs,
    customer_search,
    sort_starts,
    start_sort_keys,
    condition_split,
]

SCHEMA_VERSION = 1 + len(STEPS)
