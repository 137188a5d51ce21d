"""The walk-in dialog driven from the keyboard, as a salesperson with a customer in front of
them uses it: typing, the look-alikes found on the way, and creating in one step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.db import models as m
from app.domain.dates import default_close_date
from app.services import accounts, opportunities
from app.services.workspace import UserInfo
from tests import factories
from ui.opportunities.walk_in_dialog import WalkInDialog

TAB = Qt.Key.Key_Tab
RETURN = Qt.Key.Key_Return
DOWN = Qt.Key.Key_Down
ESCAPE = Qt.Key.Key_Escape
KEY_A = Qt.Key.Key_A
KEY_N = Qt.Key.Key_N
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
KEY_PRESS = QEvent.Type.KeyPress
KEY_RELEASE = QEvent.Type.KeyRelease
DISCARD = QMessageBox.StandardButton.Discard
CANCEL = QMessageBox.StandardButton.Cancel

# Thirty seconds with a customer leave no room for a long walk through the form.
KEY_BUDGET = 25


class Keyboard:
    """Keys sent where they would go (an open list first, else the focused widget), and a
    count of those that are not text: Tab, Enter, arrows, shortcuts."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.keys = 0

    @staticmethod
    def target() -> QWidget:
        widget = QApplication.activePopupWidget() or QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        for char in text:
            if char.isascii():
                self.qtbot.keyClicks(self.target(), char)
            else:
                # QTest aborts on most letters beyond ASCII (ü, Š, Greek); a key event
                # carrying the text is what a keyboard with that layout sends.
                for kind in (KEY_PRESS, KEY_RELEASE):
                    QApplication.sendEvent(self.target(), QKeyEvent(kind, 0, NO_MODIFIER, char))

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        self.keys += 1
        self.qtbot.keyClick(self.target(), key, modifier)

    def next_field(self) -> None:
        """Tab to the next field; a completion list open on the field is closed first by
        the same key, as it is for the user."""
        before = QApplication.focusWidget()
        self.press(TAB)
        if QApplication.focusWidget() is before:
            self.press(TAB)


@pytest.fixture
def catalogue(user: UserInfo) -> None:
    for brand, vehicle_class, model in (
        ("Volkswagen", "Compact", "Golf"),
        ("Volkswagen", "SUV", "Tiguan"),
        ("Škoda", "Compact", "Octavia"),
    ):
        m.CatalogueEntry.create(
            brand=brand, vehicle_class=vehicle_class, model=model, model_code="", variant=""
        )


@pytest.fixture
def open_dialog(
    qtbot, user: UserInfo, catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], WalkInDialog]]:
    made: list[WalkInDialog] = []

    def make() -> WalkInDialog:
        dialog = WalkInDialog(user.id)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        made.append(dialog)
        return dialog

    yield make
    # Leave without the unsaved-input question (qtbot.addWidget would close them before
    # this patch, and so meet the question).
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args, **kwargs: DISCARD))
    for dialog in made:
        dialog.close()
        dialog.deleteLater()


def answer_questions(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list:
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def wait_for_candidates(qtbot, dialog: WalkInDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.duplicates.isVisible() and dialog.duplicates.count() > 0)


def test_a_new_customer_is_typed_with_the_keyboard_alone(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)

    assert QApplication.focusWidget() is dialog.edits["first_name"]
    for text in ("Jürgen", "Weiß", "089 1234567", "j.weiss@example.de", "Volkswagen"):
        keyboard.type(text)
        keyboard.next_field()
    keyboard.type("Tiguan")
    assert dialog.model.values() == ["Golf", "Tiguan"]  # the brand's models are offered
    keyboard.press(RETURN)
    if not created:  # the first Enter closed the model's completion list
        keyboard.press(RETURN)

    assert len(created) == 1 and not dialog.isVisible()
    assert keyboard.keys <= KEY_BUDGET
    detail = opportunities.get(created[0])
    assert detail.topic == "Volkswagen Tiguan for Weiß, Jürgen"
    assert (detail.brand, detail.model, detail.channel) == ("Volkswagen", "Tiguan", "walk_in")
    assert detail.est_close_date == default_close_date(date.today())
    customer = accounts.get(detail.account_id)  # type: ignore[arg-type]
    assert (customer.name, customer.email, customer.phone) == (
        "Weiß, Jürgen",
        "j.weiss@example.de",
        "089 1234567",
    )
    assert detail.primary_contact_id == customer.contacts[0].id
    assert m.Account.select().count() == 1


def test_a_customer_on_file_is_found_while_the_phone_is_typed_and_used(qtbot, open_dialog) -> None:
    rossi = factories.customer("Rossi", "Maria", phone="+39 02 1234 5678")
    dialog = open_dialog()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)

    keyboard.type("Mary")  # as she spelled it at the door: no name on file matches
    keyboard.next_field()
    keyboard.type("Rossi")
    keyboard.next_field()
    qtbot.wait(2 * WalkInDialog.DUPLICATE_CHECK_DELAY_MS)
    assert not dialog.duplicates.isVisible()
    keyboard.type("0039 02-12345678")
    wait_for_candidates(qtbot, dialog)
    assert dialog.duplicates.count() == 1
    assert "same phone" in dialog.duplicates.list.item(0).text()
    assert QApplication.focusWidget() is dialog.edits["phone"]  # typing was not interrupted

    keyboard.press(DOWN)
    assert QApplication.focusWidget() is dialog.duplicates.list
    keyboard.press(RETURN)
    assert dialog.customer is not None and dialog.customer.account_id == rossi
    assert dialog.customer_label.text().startswith("Rossi, Maria")
    assert not dialog.edits["phone"].isVisible() and not dialog.duplicates.isVisible()
    assert QApplication.focusWidget() is dialog.brand
    assert not created  # picking a customer is not creating the opportunity

    keyboard.type("Škoda")
    keyboard.next_field()
    keyboard.type("Octavia")
    keyboard.press(RETURN, CTRL)

    assert len(created) == 1 and not dialog.isVisible()
    assert keyboard.keys <= KEY_BUDGET
    detail = opportunities.get(created[0])
    assert detail.account_id == rossi
    assert detail.topic == "Škoda Octavia for Rossi, Maria"
    assert m.Account.select().count() == 1  # no second Rossi


def test_the_picked_customer_can_be_undone_keeping_what_was_typed(qtbot, open_dialog) -> None:
    factories.customer("Rossi", "Maria", email="maria@example.it")
    dialog = open_dialog()
    keyboard = Keyboard(qtbot)
    for _ in range(3):
        keyboard.next_field()
    keyboard.type("MARIA@example.it")
    wait_for_candidates(qtbot, dialog)
    keyboard.press(DOWN)
    keyboard.press(RETURN)
    assert dialog.customer is not None

    keyboard.press(KEY_N, ALT)  # "Not this customer"
    qtbot.waitUntil(lambda: dialog.customer is None)  # a mnemonic clicks after a short flash
    assert dialog.edits["email"].isVisible() and dialog.edits["email"].text() == "MARIA@example.it"
    assert dialog.duplicates.isVisible()  # still looks like her
    assert QApplication.focusWidget() is dialog.edits["email"]


def test_ignoring_the_candidates_needs_a_second_explicit_confirmation(qtbot, open_dialog) -> None:
    factories.customer("Rossi", "Maria", email="maria@example.it")
    dialog = open_dialog()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)
    for text in ("Maria", "Rossi", "", "maria.rossi@example.com"):
        keyboard.type(text)
        keyboard.next_field()
    wait_for_candidates(qtbot, dialog)  # same name: a namesake, or her with a new address
    keyboard.type("Volkswagen")

    keyboard.press(RETURN, CTRL)
    assert not created and m.Account.select().count() == 1
    assert dialog.create_button.text() == "Create new customer &anyway"
    assert "Create new customer anyway" in dialog.duplicates_hint.text()
    # The list has the focus, so a second quick Enter uses the customer on file and
    # cannot make a duplicate.
    assert QApplication.focusWidget() is dialog.duplicates.list
    assert dialog.edits["email"].text() == "maria.rossi@example.com"

    keyboard.press(KEY_A, ALT)  # the button, by name
    qtbot.waitUntil(lambda: len(created) == 1)
    detail = opportunities.get(created[0])
    assert m.Account.select().count() == 2
    assert accounts.get(detail.account_id).email == "maria.rossi@example.com"  # type: ignore[arg-type]


def test_changing_the_customer_after_the_question_asks_again(qtbot, open_dialog) -> None:
    factories.customer("Rossi", "Maria", phone="+39 02 1234 5678")
    dialog = open_dialog()
    keyboard = Keyboard(qtbot)
    for text in ("Marco", "Bianchi", "+39 02 1234 5678"):
        keyboard.type(text)
        keyboard.next_field()
    keyboard.press(RETURN)
    assert dialog.create_button.text() == "Create new customer &anyway"

    dialog.edits["phone"].setFocus()
    keyboard.type("9")  # a different number now: the old answer no longer applies
    assert dialog.create_button.text() == "&Create opportunity"


def test_a_refused_create_shows_the_messages_at_the_fields_and_keeps_the_input(
    qtbot, open_dialog
) -> None:
    dialog = open_dialog()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)
    keyboard.type("Anna")
    for _ in range(4):
        keyboard.next_field()
    keyboard.type("Volkswagen")
    keyboard.press(RETURN, CTRL)

    assert not created and dialog.isVisible()
    assert dialog.boxes["last_name"].message.text() == "Last name cannot be empty."
    assert "phone number or an e-mail" in dialog.boxes["phone"].message.text()
    assert dialog.boxes["last_name"].message.isVisible()
    assert QApplication.focusWidget() is dialog.edits["last_name"]  # the first one to fix
    assert dialog.edits["first_name"].text() == "Anna" and dialog.brand.value() == "Volkswagen"

    keyboard.type("Bauer")
    keyboard.next_field()
    keyboard.type("ring me")
    keyboard.next_field()
    keyboard.type("anna@")
    keyboard.press(RETURN, CTRL)
    assert not created
    assert not dialog.boxes["last_name"].message.isVisible()
    assert "has letters in it" in dialog.boxes["phone"].message.text()
    assert "is not an e-mail address" in dialog.boxes["email"].message.text()
    assert QApplication.focusWidget() is dialog.edits["phone"]
    assert [dialog.edits[n].text() for n in ("first_name", "last_name", "phone", "email")] == [
        "Anna",
        "Bauer",
        "ring me",
        "anna@",
    ]
    assert m.Account.select().count() == 0 and m.Opportunity.select().count() == 0


def test_tab_follows_the_form_and_skips_the_candidates(qtbot, open_dialog) -> None:
    factories.customer("Rossi", "Maria", email="maria@example.it")
    dialog = open_dialog()
    dialog.edits["email"].setText("maria@example.it")
    dialog.check_duplicates()
    assert dialog.duplicates.isVisible()
    visited = [QApplication.focusWidget()]
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), TAB)
        visited.append(QApplication.focusWidget())
    assert visited == [
        dialog.edits["first_name"],
        dialog.edits["last_name"],
        dialog.edits["phone"],
        dialog.edits["email"],
        dialog.brand,
        dialog.model,
        dialog.condition,
        dialog.interest,
        dialog.budget,
        dialog.trade_in,
        dialog.close_date,
        dialog.create_button,
        dialog.cancel_button,
    ]


def test_escape_closes_at_once_when_nothing_was_typed(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    qtbot.keyClick(QApplication.focusWidget(), ESCAPE)  # no question: the fixture would fail
    assert not dialog.isVisible()


def test_escape_asks_before_dropping_what_was_typed(
    qtbot, open_dialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog()
    Keyboard(qtbot).type("Maria")
    asked = answer_questions(monkeypatch, CANCEL)
    qtbot.keyClick(QApplication.focusWidget(), ESCAPE)
    assert asked and dialog.isVisible() and dialog.edits["first_name"].text() == "Maria"

    answer_questions(monkeypatch, DISCARD)
    qtbot.keyClick(QApplication.focusWidget(), ESCAPE)
    assert not dialog.isVisible()
    assert m.Opportunity.select().count() == 0


def test_a_greek_name_and_a_model_the_catalogue_does_not_know(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    created: list[int] = []
    dialog.created.connect(created.append)
    keyboard = Keyboard(qtbot)
    for text in ("Νίκος", "Παπαδόπουλος", "", "nikos@example.gr", "Volkswagen"):
        keyboard.type(text)
        keyboard.next_field()
    keyboard.type("ID. Buzz")
    keyboard.press(RETURN, CTRL)
    detail = opportunities.get(created[0])
    assert (detail.brand, detail.model) == ("Volkswagen", "ID. Buzz")
    assert detail.topic == "Volkswagen ID. Buzz for Παπαδόπουλος, Νίκος"
