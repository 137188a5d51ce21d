"""The first-run assistant: on an empty database, after the first administrator, it walks
through the dealership, its facilities and operations, the currency and VAT rates, the
document settings, the sales process and the first users and teams. Every step can be
skipped (Skip this step) and finished later under Administration; Next saves the step and
stays on it, with the message at the field, when something must be corrected."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain import money
from app.domain.choices import OperationKind, UserRole
from app.domain.fields import label
from app.domain.rights import Right
from app.domain.validation import ValidationError
from app.i18n import _
from app.services import access, documents, reference, setup, stage_setup
from app.services.errors import ConflictError, NotAllowed, NotFound
from app.services.master_data import FacilityRecord
from app.services.workspace import UserInfo
from ui.admin.master_form import make_widget, raw_value, set_value
from ui.admin.master_lists import BUSINESSES
from ui.admin.process_editor import ProcessEditorDialog
from ui.admin.stage_setup_dialog import StageSetupDialog
from ui.common.changes import record_changes
from ui.common.widgets import ERROR_COLOUR, FieldBox, show_field_messages
from ui.quotes.document_settings_dialog import DocumentSettingsDialog
from ui.quotes.logo_picker import LogoPicker

# The pages' ids, in order: what is missing names its step by these.
PAGE_IDS = {"welcome": 0, **{step: i + 1 for i, step in enumerate(setup.STEPS)}, "done": 7}


class StepPage(QWizardPage):
    """A step: its fields, `save()` (True when saved or nothing was typed), and a message
    line for what is not about one field."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.boxes: dict[str, FieldBox] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.dialog: QDialog | None = None  # a settings dialog opened from the step

    def save(self) -> bool:
        return True

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.message.setText(text)

    def refuse(self, exc: ValidationError) -> bool:
        rest = show_field_messages(self.boxes, exc.errors, exc.warnings)
        self.say(
            _("Not saved: {reason}").format(
                reason=" ".join(rest.values()) or _("correct the fields marked.")
            ),
            error=True,
        )
        return False

    def failed(self, exc: Exception) -> bool:
        self.say(_("Not saved: {reason}").format(reason=exc), error=True)
        return False


class WelcomePage(StepPage):
    def __init__(self) -> None:
        super().__init__(
            _("Welcome to Showroom"),
            _("A few steps make the program ready to sell with: each can be skipped."),
        )
        text = QLabel(
            _(
                "This assistant sets up the dealership, its facilities and operations, the "
                "currency and VAT rates, the quotes' validity and terms, the sales process "
                "and the first users and teams.\n\nSkip a step to finish it later under "
                "Administration > Dealership and master data; the program says what is still missing when it "
                "needs it, with a button that goes there."
            )
        )
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


class DealershipPage(StepPage):
    """The dealership: its name, legal details, address, bank, and the logo its
    documents print."""

    def __init__(self) -> None:
        super().__init__(
            _("The dealership"),
            _(
                "What the quotes and order forms print as the seller, in their letterhead "
                "and footer."
            ),
        )
        self.record = setup.dealership()
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout()
        shown = (
            "name",
            "registered_name",
            "street",
            "postcode",
            "city",
            "country",
            "commercial_register",
            "register_court",
            "vat_number",
            "tax_number",
            "managing_directors",
            "bank_name",
            "iban",
            "bic",
        )
        fields = {f.name: f for f in BUSINESSES.fields}
        for name in shown:
            widget = make_widget(fields[name], "")
            self.widgets[name] = widget
            self.boxes[name] = FieldBox(widget)
            form.addRow(label(fields[name].key), self.boxes[name])
        self.logo = LogoPicker()
        self.boxes["logo"] = FieldBox(self.logo)
        self.logo.refused.connect(
            lambda words: (
                self.boxes["logo"].show_error(words)
                if words
                else self.boxes["logo"].clear_message()
            )
        )
        form.addRow(label("document_settings.logo", form=True), self.boxes["logo"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.load()

    def load(self) -> None:
        for name, widget in self.widgets.items():
            set_value(widget, getattr(self.record, name))
        self.logo.set_logo(setup.logo())

    def typed(self) -> bool:
        return any(raw_value(w) for w in self.widgets.values())

    def save(self) -> bool:
        if not self.typed() and self.record.id is None:
            return True
        record = replace(self.record, **{n: raw_value(w) for n, w in self.widgets.items()})
        try:
            # The logo only when one was chosen or removed here: one kept stays as it is.
            chosen = self.logo.logo() if self.logo.touched else None
            self.record = setup.save_dealership(record, chosen)
        except ValidationError as exc:
            return self.refuse(exc)
        except (ConflictError, NotFound, NotAllowed) as exc:
            self.record = setup.dealership()
            return self.failed(exc)
        show_field_messages(self.boxes, {})
        self.say(_("The dealership is saved."))
        record_changes().announce("business", self.record.id or 0)
        return True


class FacilitiesPage(StepPage):
    """The facilities (sites) and the operations each runs."""

    def __init__(self) -> None:
        super().__init__(
            _("Facilities and operations"),
            _("Each site the dealership sells from, and what it does there."),
        )
        self.name = QLineEdit()
        self.street = QLineEdit()
        self.postcode = QLineEdit()
        self.city = QLineEdit()
        self.kinds: dict[str, QCheckBox] = {}
        ticks = QHBoxLayout()
        for kind in OperationKind:
            box = QCheckBox(kind.label)
            box.setChecked(
                kind in (OperationKind.NEW_VEHICLE_SALES, OperationKind.USED_VEHICLE_SALES)
            )
            self.kinds[kind.value] = box
            ticks.addWidget(box)
        ticks.addStretch(1)
        self.boxes = {
            "name": FieldBox(self.name),
            "street": FieldBox(self.street),
            "postcode": FieldBox(self.postcode),
            "city": FieldBox(self.city),
            "business_id": FieldBox(QLabel()),
        }
        self.add_button = QPushButton(_("&Add this facility"))
        self.add_button.clicked.connect(self.add)
        self.added = QListWidget()
        form = QFormLayout()
        for name in ("name", "street", "postcode", "city"):
            form.addRow(label(f"facility.{name}"), self.boxes[name])
        form.addRow(_("Operations"), ticks)
        form.addRow("", self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.boxes["business_id"])
        layout.addWidget(QLabel(_("Facilities on file:")))
        layout.addWidget(self.added, 1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        self.show_added()

    def show_added(self) -> None:
        self.added.clear()
        for facility in setup.facilities_with_operations():
            self.added.addItem(facility)

    def add(self) -> bool:
        dealer = setup.dealership()
        record = FacilityRecord(
            business_id=dealer.id,
            name=self.name.text(),
            street=self.street.text(),
            postcode=self.postcode.text(),
            city=self.city.text(),
        )
        kinds = [code for code, box in self.kinds.items() if box.isChecked()]
        try:
            saved, _operations = setup.add_facility(record, kinds)
        except ValidationError as exc:
            if dealer.id is None:
                exc.errors["business_id"] = _(
                    "Enter the dealership first (the step before): a facility belongs to it."
                )
            return self.refuse(exc)
        except (NotFound, NotAllowed) as exc:
            return self.failed(exc)
        show_field_messages(self.boxes, {})
        for edit in (self.name, self.street, self.postcode, self.city):
            edit.clear()
        self.say(_("The facility “{name}” is added.").format(name=saved.name))
        record_changes().announce("facility", saved.id or 0)
        self.show_added()
        return True

    def save(self) -> bool:
        # A facility typed but not added yet is added on Next.
        if self.name.text().strip() or self.city.text().strip():
            return self.add()
        return True


class MoneyPage(StepPage):
    def __init__(self) -> None:
        super().__init__(
            _("Currency and VAT rates"),
            _("What sales are priced in, and the VAT rates the catalogue and quotes use."),
        )
        self.settings = setup.money_settings()
        self.currency = QComboBox()
        self.currency.addItems(list(money.CURRENCIES))
        self.default_rate = QLineEdit()
        self.default_rate.setMaximumWidth(90)
        self.rates = QLineEdit()
        self.rates.setPlaceholderText(_("e.g. 19; 7; 0"))
        self.boxes = {
            "currency": FieldBox(self.currency, stretch=True),
            "default_vat_rate": FieldBox(self.default_rate, QLabel("%"), stretch=True),
            "vat_rates": FieldBox(self.rates),
        }
        form = QFormLayout()
        form.addRow(label("setup.currency"), self.boxes["currency"])
        form.addRow(label("document_settings.vat_rate"), self.boxes["default_vat_rate"])
        form.addRow(label("setup.vat_rates"), self.boxes["vat_rates"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.load()

    def load(self) -> None:
        # Read when the step is shown: the steps before may have set the default rate.
        self.settings = setup.money_settings()
        self.currency.setCurrentText(self.settings.currency)
        self.default_rate.setText(self.settings.default_vat_rate)
        self.rates.setText(self.settings.vat_rates)

    def save(self) -> bool:
        typed = replace(
            self.settings,
            currency=self.currency.currentText(),
            default_vat_rate=self.default_rate.text(),
            vat_rates=self.rates.text(),
        )
        try:
            self.settings = setup.save_money_settings(typed)
        except ValidationError as exc:
            return self.refuse(exc)
        except (ConflictError, NotAllowed) as exc:
            self.load()
            return self.failed(exc)
        show_field_messages(self.boxes, {})
        return True


class DocumentsPage(StepPage):
    def __init__(self) -> None:
        super().__init__(
            _("Quotes and documents"),
            _("How long a quote is valid, and the terms printed on quotes and order forms."),
        )
        self.valid_days = QSpinBox()
        self.valid_days.setRange(1, documents.MAX_VALID_DAYS)
        self.valid_days.setSuffix(_(" days"))
        self.terms = QPlainTextEdit()
        self.terms.setTabChangesFocus(True)
        self.boxes = {
            "valid_days": FieldBox(self.valid_days, stretch=True),
            "terms": FieldBox(self.terms),
        }
        self.more = QPushButton(_("&More document settings…"))
        self.more.setToolTip(
            _("The default VAT rate, the logo and each dealership's legal details")
        )
        self.more.clicked.connect(self.open_more)
        form = QFormLayout()
        form.addRow(label("document_settings.valid_days", form=True), self.boxes["valid_days"])
        form.addRow(label("document_settings.terms", form=True), self.boxes["terms"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.more)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        self.settings = documents.document_settings()
        self.valid_days.setValue(self.settings.valid_days)
        self.terms.setPlainText(self.settings.terms)

    def open_more(self) -> None:
        dialog = DocumentSettingsDialog(self)
        dialog.finished.connect(lambda _r: self.initializePage())
        dialog.open()
        self.dialog = dialog

    def save(self) -> bool:
        typed = replace(
            self.settings, valid_days=self.valid_days.value(), terms=self.terms.toPlainText()
        )
        if typed == self.settings:
            return True
        try:
            self.settings = documents.save_document_settings(typed)
        except ValidationError as exc:
            return self.refuse(exc)
        except (ConflictError, NotAllowed, NotFound) as exc:
            self.initializePage()
            return self.failed(exc)
        show_field_messages(self.boxes, {})
        return True


class ProcessPage(StepPage):
    def __init__(self) -> None:
        super().__init__(
            _("The sales process"),
            _(
                "The stages a sale goes through. The standard ones fit most dealerships; "
                "adapt them here or later."
            ),
        )
        self.stages = QListWidget()
        self.adapt = QPushButton(_("&Adapt the stages…"))
        self.adapt.setToolTip(_("Probabilities, days allowed in each stage, the funnel"))
        self.adapt.clicked.connect(self.open_stage_setup)
        self.own = QPushButton(_("A process of &our own…"))
        self.own.setToolTip(
            _("Stages of your own names and order, e.g. for fleet sales, or a kind without stages")
        )
        self.own.clicked.connect(self.open_own_processes)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("The standard process:")))
        layout.addWidget(self.stages, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.adapt)
        buttons.addWidget(self.own)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        self.stages.clear()
        standard = next((k for k in stage_setup.kinds() if k.process == "standard"), None)
        for stage in standard.stages if standard else []:
            self.stages.addItem(
                _("{stage} · {probability} %").format(
                    stage=stage.name, probability=stage.default_probability
                )
            )

    def open_own_processes(self) -> None:
        dialog = ProcessEditorDialog(self)
        dialog.finished.connect(lambda _r: self.initializePage())
        dialog.open()
        self.dialog = dialog

    def open_stage_setup(self) -> None:
        dialog = StageSetupDialog(self)
        dialog.finished.connect(lambda _r: self.initializePage())
        dialog.open()
        self.dialog = dialog


class UsersPage(StepPage):
    """The first users: name, login, role and team; each can sign in from then on."""

    def __init__(self) -> None:
        super().__init__(
            _("Users and teams"),
            _("The people who sell with the program, with their role and team."),
        )
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.role = QComboBox()
        for role in UserRole:
            self.role.addItem(role.label, role.value)
        self.team = QLineEdit()
        self.team.setPlaceholderText(_("optional: a new team is created"))
        self.facility = QComboBox()
        self.boxes = {
            "full_name": FieldBox(self.full_name),
            "username": FieldBox(self.username),
            "role": FieldBox(self.role, stretch=True),
            "team": FieldBox(self.team),
            "home_facility_id": FieldBox(self.facility),
        }
        self.add_button = QPushButton(_("&Add this user"))
        self.add_button.clicked.connect(self.add)
        self.users = QListWidget()
        form = QFormLayout()
        for name, key in (
            ("full_name", "user.full_name"),
            ("username", "user.username"),
            ("role", "user.role"),
            ("team", "opportunity.team_id"),
            ("home_facility_id", "user.home_facility_id"),
        ):
            form.addRow(label(key), self.boxes[name])
        form.addRow("", self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Users:")))
        layout.addWidget(self.users, 1)
        layout.addWidget(self.message)
        if not access.has_right(Right.MANAGE_USERS):
            self.add_button.setEnabled(False)
            self.add_button.setToolTip(access.missing_right_message(Right.MANAGE_USERS))

    def initializePage(self) -> None:
        self.facility.clear()
        self.facility.addItem("—", None)
        for option in reference.facilities():
            self.facility.addItem(option.label, option.id)
        self.show_users()

    def show_users(self) -> None:
        self.users.clear()
        for user in setup.users():
            role = UserRole(user.role).label if user.role in set(UserRole) else user.role
            text = _("{name} ({login}), {role}").format(
                name=user.full_name, login=user.username, role=role
            )
            if user.team:
                text = _("{user}, team {team}").format(user=text, team=user.team)
            self.users.addItem(text)

    def typed(self) -> bool:
        return bool(self.full_name.text().strip() or self.username.text().strip())

    def add(self) -> bool:
        data = setup.NewUser(
            self.full_name.text(),
            self.username.text(),
            str(self.role.currentData()),
            self.team.text(),
            self.facility.currentData(),
        )
        try:
            user = setup.add_user(data)
        except ValidationError as exc:
            return self.refuse(exc)
        except NotAllowed as exc:
            return self.failed(exc)
        show_field_messages(self.boxes, {})
        for edit in (self.full_name, self.username, self.team):
            edit.clear()
        self.say(
            _(
                "{name} signs in as “{login}” with the one-time code {code} the first time, "
                "and then chooses a password. Hand the code over in person: it is not shown "
                "again."
            ).format(name=user.full_name, login=user.username, code=user.code)
        )
        self.show_users()
        return True

    def save(self) -> bool:
        return self.add() if self.typed() else True


class DonePage(StepPage):
    def __init__(self) -> None:
        super().__init__(
            _("Ready"),
            _(
                "What is still missing can be added under Administration > Dealership and master data."
            ),
        )
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing)
        layout.addStretch(1)

    def initializePage(self) -> None:
        missing = setup.missing()
        if not missing:
            self.missing.setText(_("Everything the program needs is on file."))
            return
        lines = "\n".join(f"• {m.message}" for m in missing)
        self.missing.setText(_("Still missing:\n{lines}").format(lines=lines))


class FirstRunAssistant(QWizard):
    """The assistant; `skipped` lists the steps skipped (by their ids)."""

    finished_setup = Signal()

    def __init__(self, parent: QWidget | None = None, start: str = "welcome") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set up Showroom"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(780, 720)
        self.step_pages: dict[str, StepPage] = {
            "welcome": WelcomePage(),
            "dealership": DealershipPage(),
            "facilities": FacilitiesPage(),
            "money": MoneyPage(),
            "documents": DocumentsPage(),
            "process": ProcessPage(),
            "users": UsersPage(),
            "done": DonePage(),
        }
        for name, page in self.step_pages.items():
            self.setPage(PAGE_IDS[name], page)
        self.skipped: list[str] = []
        self._skipping = False
        self.setButtonText(QWizard.WizardButton.CustomButton1, _("&Skip this step"))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.customButtonClicked.connect(lambda _which: self.skip())
        self.currentIdChanged.connect(self._show_skip)
        self.setStartId(PAGE_IDS[start])
        if not setup.may_set_up():
            for page in self.step_pages.values():
                page.setEnabled(False)
            self.step_pages["welcome"].say(access.missing_right_message(Right.SETUP), error=True)

    def step(self) -> str:
        return next(n for n, i in PAGE_IDS.items() if i == self.currentId())

    def page_of(self, step: str) -> Any:
        return self.step_pages[step]

    def skip(self) -> None:
        """Go on without saving this step (its fields stay as typed, for Back)."""
        self.skipped.append(self.step())
        self._skipping = True
        try:
            self.next()
        finally:
            self._skipping = False

    def validateCurrentPage(self) -> bool:
        if self._skipping or not setup.may_set_up():
            return True
        page = self.currentPage()
        return page.save() if isinstance(page, StepPage) else True

    def _show_skip(self, page_id: int) -> None:
        skippable = page_id not in (PAGE_IDS["welcome"], PAGE_IDS["done"])
        self.button(QWizard.WizardButton.CustomButton1).setVisible(skippable)


def run_first_run_assistant(
    parent: QWidget | None, user: UserInfo | None = None, start: str = "welcome"
) -> FirstRunAssistant:
    """Open the assistant (not modal: it is shown over the main window) for the signed-in
    administrator, at `start` (a step of setup.STEPS to go straight to it)."""
    assistant = FirstRunAssistant(parent, start)
    if user is not None:
        assistant.setWindowTitle(_("Set up Showroom — {user}").format(user=user.full_name))
    assistant.show()
    return assistant
