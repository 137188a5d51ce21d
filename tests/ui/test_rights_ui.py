"""The screens reflect the rights: what a user may not do is disabled with a tooltip saying
why, never hidden without a word; a sale that is not theirs opens read-only with a banner
saying whose it is; a sale their team holds is taken from the list or the form; the list
filters by team."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db import models as m
from app.db.connection import transaction
from app.services import opportunities, teams
from app.services.workspace import UserInfo
from tests import factories
from tests.people import add_user, sign_in_as
from ui.opportunities.opportunity_form import OpportunityDialog
from ui.opportunities.opportunity_list import COL_OWNER
from ui.shell.main_window import MainWindow


@pytest.fixture
def desk(db: Path, user: UserInfo) -> dict[str, int]:
    """A team "New cars" with Bruno and Carla; one sale each of Anna's, Carla's and one the
    team holds untaken."""
    team = teams.save(None, teams.TeamInput(name="New cars")).id
    bruno = add_user("bruno", "salesperson", team=team, full_name="Bruno Berg").id
    carla = add_user("carla", "salesperson", team=team, full_name="Carla Conti").id
    add_user("clerk", "read_only", full_name="Clara Clerk")
    held = factories.opportunity(None, topic="Held by the team", team_id=team).id
    hers = factories.opportunity(carla, topic="Carla's sale").id
    annas = factories.opportunity(user.id, topic="Anna's sale").id
    return {
        "team": team,
        "bruno": bruno,
        "carla": carla,
        "held": held,
        "hers": hers,
        "annas": annas,
    }


def _window(qtbot, login: str, db: Path) -> MainWindow:
    window = MainWindow(sign_in_as(login), db)
    qtbot.addWidget(window)
    window.show()
    window.filter_bar.saved.setCurrentIndex(0)  # all opportunities
    return window


@pytest.mark.parametrize(
    ("login", "refused"),
    [
        (
            "bruno",
            {
                "purge_action": "Purge and anonymise personal data",
                "import_action": "Import data",
                "stage_setup_action": "Set up the dealership",
                "backup_action": "Back up the database",
                "restore_action": "Restore a backup",
            },
        ),
        (
            "clerk",
            {
                "new_action": "Sell",
                "walk_in_action": "Sell",
                "new_lead_action": "Sell",
                "new_customer_action": "Sell",
                "close_lost_action": "Sell",
                "take_action": "Sell",
                "purge_action": "Purge and anonymise personal data",
            },
        ),
    ],
)
def test_what_a_role_may_not_do_is_disabled_with_the_missing_right_as_tooltip(
    qtbot, desk: dict[str, int], db: Path, login: str, refused: dict[str, str]
) -> None:
    window = _window(qtbot, login, db)
    for name, right in refused.items():
        action = getattr(window, name)
        assert action.isVisible(), name  # never hidden without a word
        assert not action.isEnabled(), name
        assert right in action.toolTip(), (name, action.toolTip())
    if login == "bruno":
        assert window.new_action.isEnabled() and window.walk_in_action.isEnabled()


def test_a_colleague_s_sale_opens_read_only_saying_whose_it_is(qtbot, desk: dict[str, int]) -> None:
    bruno = sign_in_as("bruno")
    dialog = OpportunityDialog(desk["hers"], bruno.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.read_only
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == "This belongs to Carla Conti; you may read it, not change it."
    assert not dialog.save_button.isVisible() and not dialog.take_button.isVisible()
    assert not dialog.opportunity.topic.isEnabled() or dialog.opportunity.topic.isReadOnly()
    assert not dialog.close_won_button.isEnabled()
    # His own form: who sells it is a manager's to change, and says so.
    mine = factories.opportunity(bruno.id, topic="Bruno's sale").id
    own = OpportunityDialog(mine, bruno.id)
    qtbot.addWidget(own)
    assert not own.read_only
    for widget in (own.opportunity.owner, own.assignment.team, own.assignment.salespeople):
        assert not widget.isEnabled()
        assert "Manage the sales of others" in widget.toolTip()


def test_a_team_member_takes_the_held_sale_from_the_form(qtbot, desk: dict[str, int]) -> None:
    bruno = sign_in_as("bruno")
    dialog = OpportunityDialog(desk["held"], bruno.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.take_button.isVisible()
    assert "New cars holds this" in dialog.banner.text()
    dialog.opportunity.topic.setText("Bruno's now")  # typed, not saved: it stays
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    assert opportunities.get(desk["held"]).owner_id == bruno.id
    assert dialog.opportunity.owner.currentText() == "Bruno Berg"
    assert dialog.opportunity.topic.text() == "Bruno's now"
    assert not dialog.take_button.isVisible()
    assert dialog.save()
    assert opportunities.get(desk["held"]).topic == "Bruno's now"


def test_the_list_takes_a_held_sale_and_refuses_another_saying_why(
    qtbot, desk: dict[str, int], db: Path
) -> None:
    window = _window(qtbot, "carla", db)
    window.filter_bar.team.setCurrentIndex(window.filter_bar.team.findText("New cars"))
    assert [window.model.row_at(r).id for r in range(window.model.rowCount())] == [desk["held"]]
    owner = window.model.index(0, COL_OWNER).data()
    assert owner == "New cars (not taken)"
    window.table.selectRow(0)
    assert window.take_action.isEnabled()
    window.take_action.trigger()
    assert opportunities.get(desk["held"]).owner_id == desk["carla"]
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    window.table.selectRow(0)
    assert not window.take_action.isEnabled()
    assert window.take_action.toolTip() == "It is yours already."
    window.filter_bar.team.setCurrentIndex(0)
    window.filter_bar.owner.setCurrentIndex(window.filter_bar.owner.findText("Anna"))
    assert window.model.rowCount() == 1
    window.table.selectRow(0)
    assert not window.take_action.isEnabled()
    assert window.take_action.toolTip() == "Someone has taken it already."


def test_the_owner_filter_finds_the_sales_nobody_has_taken(
    qtbot, desk: dict[str, int], db: Path
) -> None:
    with transaction():
        m.Opportunity.update(team=None).where(m.Opportunity.id == desk["hers"]).execute()
    window = _window(qtbot, "anna", db)
    bar = window.filter_bar
    bar.owner.setCurrentIndex(bar.owner.findText("Nobody yet (held by a team)"))
    assert [window.model.row_at(r).id for r in range(window.model.rowCount())] == [desk["held"]]


def test_the_administrator_keeps_teams_from_the_administration_menu(
    qtbot, desk: dict[str, int], db: Path
) -> None:
    from ui.admin.teams_dialog import TeamsDialog

    window = _window(qtbot, "anna", db)
    assert window.teams_action.isEnabled() and window.audit_action.isEnabled()
    dialog = window.teams_action.trigger() or window.findChild(TeamsDialog)
    assert isinstance(dialog, TeamsDialog)
    assert [dialog.model.row_at(r).name for r in range(dialog.model.rowCount())] == ["New cars"]
    form = dialog.edit(None)
    assert form is not None
    form.name.setText("New cars")  # taken: refused at the field, the typing stays
    assert not form.save()
    assert "already" in form.boxes["name"].message.text()
    assert form.name.text() == "New cars"
    form.name.setText("Used cars")
    form.members.item(
        next(i for i in range(form.members.count()) if form.members.item(i).text() == "Bruno Berg")
    ).setCheckState(Qt.CheckState.Checked)
    assert form.save()
    assert sorted(dialog.model.row_at(r).name for r in range(dialog.model.rowCount())) == [
        "New cars",
        "Used cars",
    ]
    assert teams.team_of(desk["bruno"]) == form.team_id
    dialog.search.setText("used")
    dialog.search.emit_now()
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    dialog.active_button.click()
    assert not dialog.model.row_at(0).active
    # A salesperson finds the menu there, disabled, saying which right is missing.
    other = _window(qtbot, "bruno", db)
    assert not other.teams_action.isEnabled()
    assert "Manage users and teams" in other.teams_action.toolTip()
    assert "Read the audit log" in other.audit_action.toolTip()


def test_the_audit_log_and_a_sale_s_history_tell_who_took_it(
    qtbot, desk: dict[str, int], db: Path
) -> None:
    from app.services import record_rights
    from ui.admin.audit_log_dialog import AuditLogDialog

    bruno = sign_in_as("bruno")
    record_rights.take("opportunity", desk["held"])
    form = OpportunityDialog(desk["held"], bruno.id)
    qtbot.addWidget(form)
    form.show()
    form.tabs.setCurrentWidget(form.history_tab)
    changes = form.history_tab.changes
    told = [changes.topLevelItem(i).text(3) for i in range(changes.topLevelItemCount())]
    assert "Owner: — → Bruno Berg" in told
    sign_in_as("anna")
    log = AuditLogDialog()
    qtbot.addWidget(log)
    log.user.setCurrentIndex(log.user.findText("Bruno Berg"))
    rows = [log.model.row_at(r) for r in range(log.model.rowCount())]
    # Newest first: the take, after Bruno's sign-in.
    assert [(r.record, r.action, r.changes) for r in rows] == [
        (f"Opportunity #{desk['held']}", "changed", "Owner: — → Bruno Berg"),
        (f"User #{desk['bruno']}", "signed in", ""),
    ]
    assert log.position.text() == "Entries 1–2 of 2"


def test_a_lead_opens_read_only_to_others_and_its_team_takes_it(
    qtbot, desk: dict[str, int]
) -> None:
    from app.services import leads
    from ui.leads.lead_form import LeadDialog

    held = leads.create(leads.LeadInput(last_name="Weber", email="weber@example.com")).id
    with transaction():
        m.Lead.update(team=desk["team"]).where(m.Lead.id == held).execute()
    carla = sign_in_as("carla")
    form = LeadDialog(held, carla.id)
    qtbot.addWidget(form)
    form.show()
    assert not form.read_only and form.take_button.isVisible()
    assert form.banner_label.text() == "Nobody has taken this lead yet."
    qtbot.mouseClick(form.take_button, Qt.MouseButton.LeftButton)
    assert leads.get(held).owner_id == carla.id
    assert not form.take_button.isVisible()
    bruno = sign_in_as("bruno")
    other = LeadDialog(held, bruno.id)
    qtbot.addWidget(other)
    other.show()
    assert other.read_only and not other.take_button.isVisible()
    assert (
        other.banner_label.text() == "This belongs to Carla Conti; you may read it, not change it."
    )


def test_the_read_only_user_reads_a_customer_with_its_changes_disabled_saying_why(
    qtbot, desk: dict[str, int]
) -> None:
    from ui.customers.customer_form import AccountFormDialog

    customer = factories.customer("Weber", "Jana")
    sign_in_as("clerk")
    form = AccountFormDialog(customer)
    qtbot.addWidget(form)
    form.show()
    assert form.fields.edits["last_name"].text() == "Weber"
    for button in (form.save_button, form.merge_button, form.add_contact_button):
        assert not button.isHidden() and not button.isEnabled()
        assert "Sell" in button.toolTip()


def test_the_lead_list_takes_a_lead_the_team_holds(qtbot, desk: dict[str, int], db: Path) -> None:
    from app.services import leads

    held = leads.create(leads.LeadInput(last_name="Weber", email="weber@example.com")).id
    with transaction():
        m.Lead.update(team=desk["team"]).where(m.Lead.id == held).execute()
    window = _window(qtbot, "bruno", db)
    page = window.leads
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert not page.take_button.isEnabled()
    assert page.take_button.toolTip() == "Select the lead to take."
    page.table.selectRow(0)
    assert page.take_button.isEnabled()
    page.take_button.click()
    assert leads.get(held).owner_id == desk["bruno"]
    page.table.selectRow(0)
    assert not page.take_button.isEnabled()
    assert page.take_button.toolTip() == "It is yours already."
