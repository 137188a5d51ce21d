"""Signing in: Argon2id hashes (never the password), the policy, slowing down and locking after
failed attempts, unlock and reset with a one-time code, the first administrator, and a database
upgraded from before passwords."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import Parameters, Type, extract_parameters

from app.db import models as m
from app.db import users as users_db
from app.domain.validation import ValidationError
from app.services import passwords, sign_in, users, workspace
from tests import people
from tests.people import TEST_PASSWORD, add_user

FIXTURES = Path(__file__).parent.parent / "fixtures"


class Clock:
    """sign_in's clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 18, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sign_in, "clock", fake)
    return fake


def _audit(action: str, user_id: int) -> int:
    return (
        m.AuditEntry.select()
        .where(
            (m.AuditEntry.entity == "user")
            & (m.AuditEntry.entity_id == user_id)
            & (m.AuditEntry.action == action)
        )
        .count()
    )


# --- hashing ---------------------------------------------------------------------------------


def test_the_program_hashes_with_at_least_owasp_s_minimum() -> None:
    production, floor = passwords.PRODUCTION, passwords.OWASP_MINIMUM
    assert production.type is Type.ID
    assert production.memory_cost >= floor.memory_cost == 19 * 1024
    assert production.time_cost >= floor.time_cost == 2
    assert production.parallelism >= floor.parallelism == 1
    # The switch the tests turn is theirs alone: the module starts with the real parameters.
    import subprocess
    import sys

    probe = (
        "from app.services import passwords; from argon2 import extract_parameters; "
        "p = extract_parameters(passwords.hash_secret('x')); "
        "print(p.type.name, p.memory_cost, p.time_cost, p.parallelism)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == [
        "ID",
        str(production.memory_cost),
        str(production.time_cost),
        str(production.parallelism),
    ]


@pytest.mark.sqlite_only  # the database file: a server's files are the server's
def test_no_password_or_code_is_in_the_database_file(db: Path, clock: Clock) -> None:
    secret = "Violet tigers whisper 2026 at dawn"
    add_user("bert", "salesperson", password=secret)
    sign_in.sign_in("bert", secret)
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in("bert", "Wrong guess about tigers at dawn")
    people.sign_in_as("anna")
    code = users.reset_password(users_db.user_by_login("bert").id)
    with pytest.raises(sign_in.NewPasswordRequired):
        sign_in.sign_in("bert", code)
    chosen = "Seven green ferries cross the lake"
    sign_in.set_own_password("bert", code, chosen, chosen)
    workspace.close_database()
    data = b"".join(p.read_bytes() for p in db.parent.glob("showroom.sqlite3*"))
    for text in (secret, chosen, code, code.replace("-", ""), TEST_PASSWORD):
        for encoding in ("utf-8", "utf-16-le"):
            assert text.encode(encoding) not in data, text
    assert b"$argon2id$" in data
    log = (db.parent / "logs").glob("*.log") if (db.parent / "logs").exists() else []
    for path in log:
        assert secret not in path.read_text(errors="replace")


def test_a_hash_made_with_older_parameters_is_made_again_at_sign_in(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    before = users_db.credential(bert.id).password_hash
    assert extract_parameters(before).time_cost == passwords.CHEAP.time_cost
    stronger = Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=16,
        parallelism=1,
    )
    passwords.use_parameters(stronger)
    try:
        sign_in.sign_in("bert", TEST_PASSWORD)
        after = users_db.credential(bert.id).password_hash
        assert after != before and extract_parameters(after) == stronger
        sign_in.sign_in("bert", TEST_PASSWORD)  # the new hash checks, and is kept
        assert users_db.credential(bert.id).password_hash == after
    finally:
        passwords.use_parameters(passwords.CHEAP)


# --- the policy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short one", "at least 15 characters"),
        ("x" * 257, "at most 256"),
        ("passwordpassword", "commonest"),
        ("Dragon2026!!!!!!!!", "commonest"),
        ("iloveyou12345678", "commonest"),
        ("qwertyuiop123456", "commonest"),
        ("Showroom2026!!!!!", "program's name"),
        ("Bert-Bert-2026-!!", "login name"),
        ("aaaaaaaaaaaaaaaaaa", "repeats"),
        ("abcabcabcabcabcabc", "repeats"),
    ],
)
def test_the_policy_refuses_in_words(password: str, words: str) -> None:
    problem = passwords.password_problem(password, "bert")
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # lowercase words only: no composition rules
        "tram to the lake at seven",
        "Bert likes the blue station wagon",  # the login inside a real phrase
        "ĉiuĵaŭde ŝi manĝas ĉokoladon",  # any letters
    ],
)
def test_the_policy_takes_long_passphrases_without_composition_rules(password: str) -> None:
    assert passwords.password_problem(password, "bert") is None


def test_the_shipped_list_is_real() -> None:
    common = passwords.common_passwords()
    assert len(common) > 20_000
    assert {"123456", "password", "qwerty", "iloveyou", "dragon"} <= common
    readme = passwords.paths.resources_dir() / "passwords" / "README.md"
    assert "zxcvbn" in readme.read_text() and "MIT" in readme.read_text()


# --- slowing down and locking ------------------------------------------------------------------


def test_failed_attempts_are_slowed_down_then_lock_the_account(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    with pytest.raises(sign_in.SignInRefused) as first:
        sign_in.sign_in("bert", "not the password at all")
    assert "wrong" in str(first.value) and "4 more failed attempts" in str(first.value)
    assert first.value.wait_seconds == 1
    # Straight away again: not even looked at, and not counted.
    with pytest.raises(sign_in.SignInRefused) as hurried:
        sign_in.sign_in("bert", TEST_PASSWORD)
    assert "Wait 1 second" in str(hurried.value)
    assert users_db.credential(bert.id).failed_attempts == 1
    waits = []
    for _ in range(3):
        clock.advance(seconds=10)
        with pytest.raises(sign_in.SignInRefused) as refused:
            sign_in.sign_in("bert", "still not the password")
        waits.append(refused.value.wait_seconds)
    assert waits == [2, 4, 8]  # growing
    clock.advance(seconds=10)
    with pytest.raises(sign_in.SignInRefused) as locked:
        sign_in.sign_in("bert", "fifth wrong password here")
    assert str(locked.value) == (
        "This account is locked after 5 failed sign-ins, until 6:15\u202fPM, or until an "
        "administrator unlocks it."
    )
    # The right password does not open a locked account ...
    clock.advance(minutes=5)
    with pytest.raises(sign_in.SignInRefused, match="locked"):
        sign_in.sign_in("bert", TEST_PASSWORD)
    # ... until the lock runs out.
    clock.advance(minutes=11)
    assert sign_in.sign_in("bert", TEST_PASSWORD).username == "bert"
    assert users_db.credential(bert.id).failed_attempts == 0
    assert _audit("sign_in_failed", bert.id) == 5
    assert _audit("locked", bert.id) == 1
    assert _audit("sign_in", bert.id) == 1


def test_an_unknown_login_is_told_as_a_wrong_password(db: Path, clock: Clock) -> None:
    add_user("bert", "salesperson")
    with pytest.raises(sign_in.SignInRefused) as unknown:
        sign_in.sign_in("nobody", TEST_PASSWORD)
    with pytest.raises(sign_in.SignInRefused) as wrong:
        sign_in.sign_in("bert", "a wrong password for bert")
    assert str(unknown.value) == "The login or the password is wrong."
    assert str(wrong.value).startswith("The login or the password is wrong.")


def test_a_deactivated_user_cannot_sign_in(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    users.set_active(bert.id, False)
    with pytest.raises(sign_in.SignInRefused, match="deactivated"):
        sign_in.sign_in("bert", TEST_PASSWORD)


def test_an_administrator_unlocks_a_locked_account(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    for _ in range(sign_in.MAX_FAILURES):
        clock.advance(seconds=30)
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in("bert", "wrong wrong wrong wrong")
    assert users_db.credential(bert.id).locked_until is not None
    people.sign_in_as("anna")
    (row,) = [r for r in users.list_users("bert")]
    assert row.state_label.startswith("locked until")
    users.unlock(bert.id)
    assert sign_in.sign_in("bert", TEST_PASSWORD).id == bert.id
    assert _audit("unlocked", bert.id) == 1


def test_a_reset_gives_a_one_time_code_to_choose_a_password_with(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    code = users.reset_password(bert.id)
    assert len(code) == 14 and code.count("-") == 2
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in("bert", TEST_PASSWORD)  # the old password stopped working
    clock.advance(seconds=5)
    with pytest.raises(sign_in.NewPasswordRequired):
        sign_in.sign_in("bert", code.lower().replace("-", " "))  # as typed from the slip
    with pytest.raises(ValidationError) as weak:
        sign_in.set_own_password("bert", code, "bert12345678901", "bert12345678901")
    assert "login name" in weak.value.errors["password"]
    with pytest.raises(ValidationError) as mismatch:
        sign_in.set_own_password(
            "bert", code, "Seven green ferries cross the lake", "Seven green ferries"
        )
    assert set(mismatch.value.errors) == {"password_repeat"}
    user = sign_in.set_own_password(
        "bert", code, "Seven green ferries cross the lake", "Seven green ferries cross the lake"
    )
    assert user.id == bert.id and m.acting_user() == bert.id
    assert sign_in.sign_in("bert", "Seven green ferries cross the lake").id == bert.id
    clock.advance(seconds=5)
    with pytest.raises(sign_in.SignInRefused):
        sign_in.sign_in("bert", code)  # used up
    assert _audit("password_reset", bert.id) == 1 and _audit("password_set", bert.id) == 1


def test_a_one_time_code_runs_out(db: Path, clock: Clock) -> None:
    bert = add_user("bert", "salesperson")
    code = users.reset_password(bert.id)
    clock.advance(hours=sign_in.CODE_HOURS + 1)
    with pytest.raises(sign_in.SignInRefused, match="ran out"):
        sign_in.sign_in("bert", code)


# --- the first administrator, and a database from before passwords -----------------------------


@pytest.fixture
def empty(data_dir: Path) -> Iterator[Path]:
    path = workspace.open_database(data_dir / "showroom.sqlite3")
    yield path
    workspace.close_database()


def test_an_empty_database_asks_for_its_first_administrator(empty: Path, clock: Clock) -> None:
    assert sign_in.start() is sign_in.Start.FIRST_ADMINISTRATOR
    with pytest.raises(ValidationError) as refused:
        sign_in.create_first_administrator("", "", "short", "short")
    assert set(refused.value.errors) == {"username", "full_name", "password"}
    good = "Our showroom opens at eight"
    user = sign_in.create_first_administrator("chef", "Clara Chef", good, good)
    assert user.roles == ("administrator",) and m.acting_user() == user.id
    assert sign_in.start() is sign_in.Start.SIGN_IN
    with pytest.raises(sign_in.SignInRefused, match="administrator already"):
        sign_in.create_first_administrator("other", "Otto", good, good)
    assert [u.username for u in m.User.select()] == ["chef"]


def test_nobody_becomes_administrator_by_being_first_at_the_keyboard(
    data_dir: Path, clock: Clock
) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    workspace.open_database(copy)
    try:
        # Each user's one role went to user_role; the column went.
        assert users_db.roles_of(1) == ["administrator"]
        assert users_db.roles_of(8) == ["sales_manager"]
        assert "role" not in {c.name for c in m.database.get_columns("user")}
        assert sign_in.start() is sign_in.Start.NO_PASSWORD_YET
        assert "main.py set-password LOGIN" in sign_in.no_password_yet_message()
        for login in ("anna", "jweiss", "someone-new"):
            with pytest.raises(sign_in.SignInRefused):
                sign_in.sign_in(login, "")
            with pytest.raises(sign_in.SignInRefused):
                sign_in.sign_in(login, TEST_PASSWORD)
        assert m.acting_user() is None
        # The holder sets an administrator's password, and only an administrator's.
        with pytest.raises(sign_in.HolderRefused, match="not an active administrator"):
            sign_in.set_password_as_holder("jweiss", TEST_PASSWORD)
        with pytest.raises(ValidationError):
            sign_in.set_password_as_holder("anna", "anna")
        sign_in.set_password_as_holder("anna", TEST_PASSWORD)
        assert sign_in.start() is sign_in.Start.SIGN_IN
        with pytest.raises(sign_in.HolderRefused, match="administrator with a password"):
            sign_in.set_password_as_holder("anna", "A different long passphrase")
        assert sign_in.sign_in("anna", TEST_PASSWORD).username == "anna"
        # The others get one-time codes from her.
        with pytest.raises(sign_in.SignInRefused, match="has no password yet"):
            sign_in.sign_in("jweiss", TEST_PASSWORD)
        code = users.reset_password(2)
        with pytest.raises(sign_in.NewPasswordRequired):
            sign_in.sign_in("jweiss", code)
    finally:
        workspace.close_database()


def test_the_sign_in_step_runs_again_without_harm(data_dir: Path) -> None:
    from app.db.steps import STEPS, sign_in_users

    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    workspace.open_database(copy)
    try:
        assert STEPS[-1] is sign_in_users or sign_in_users in STEPS
        sign_in_users(m.database)  # again, as after an interruption
        assert users_db.roles_of(1) == ["administrator"]
        assert m.UserRoleGrant.select().count() == 8
    finally:
        workspace.close_database()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# --- the users' administration ------------------------------------------------------------------


def test_role_changes_are_in_the_audit_log(db: Path) -> None:
    bert = add_user("bert", "salesperson")
    record = users.load_user(bert.id)
    from dataclasses import replace

    users.save_user(replace(record, roles=("sales_manager", "salesperson")))
    entry = (
        m.AuditEntry.select()
        .where((m.AuditEntry.entity == "user") & (m.AuditEntry.action == "update"))
        .get()
    )
    assert "sales_manager, salesperson" in entry.changes and entry.user_name == "Anna"
    assert users_db.roles_of(bert.id) == ["sales_manager", "salesperson"]


def test_the_last_administrator_keeps_the_role(db: Path) -> None:
    from dataclasses import replace

    anna = users.load_user(m.acting_user())
    with pytest.raises(ValidationError, match="last administrator"):
        users.save_user(replace(anna, roles=("salesperson",)))
    with pytest.raises(ValidationError, match="last administrator"):
        users.set_active(anna.id, False)


def test_only_who_manages_users_administers_them(db: Path) -> None:
    from app.services.errors import NotAllowed

    add_user("bert", "sales_manager")
    people.sign_in_as("bert")
    with pytest.raises(NotAllowed, match="Manage users and teams"):
        users.list_users()
    with pytest.raises(NotAllowed):
        users.reset_password(1)
    with pytest.raises(NotAllowed):
        users.set_idle_lock_minutes(5, users.idle_lock_version())
    assert users.idle_lock_minutes() == users.DEFAULT_IDLE_MINUTES  # everyone reads it


def test_the_users_list_finds_by_name_login_email_and_phone(db: Path) -> None:
    add_user("bert", "salesperson", full_name="Bert Huber", email="b.huber@example.com")
    add_user("zofia", "salesperson", full_name="Zofia Nowak", phone="+49 89 1234")
    assert [r.username for r in users.list_users("huber")] == ["bert"]
    assert [r.username for r in users.list_users("EXAMPLE.com")] == ["bert"]
    assert [r.username for r in users.list_users("89 12")] == ["zofia"]
    assert [r.username for r in users.list_users("%")] == []
    assert len(users.list_users()) == 3


def test_a_database_of_users_without_an_administrator_gets_one_only_from_its_holder(
    data_dir: Path, clock: Clock
) -> None:
    copy = data_dir / "showroom.sqlite3"
    copy.write_bytes((FIXTURES / "schema-v13.sqlite3").read_bytes())
    workspace.open_database(copy)
    try:
        m.UserRoleGrant.update(role="salesperson").where(
            m.UserRoleGrant.role == "administrator"
        ).execute()
        # Not the first-administrator page: the keyboard makes nobody administrator here.
        assert sign_in.start() is sign_in.Start.NO_PASSWORD_YET
        good = "Our showroom opens at eight"
        with pytest.raises(sign_in.SignInRefused, match="create-admin"):
            sign_in.create_first_administrator("chef", "Clara Chef", good, good)
        user = sign_in.create_first_administrator("chef", "Clara Chef", good, good, holder=True)
        assert user.roles == ("administrator",)
        assert sign_in.start() is sign_in.Start.SIGN_IN
    finally:
        workspace.close_database()


def test_a_user_saved_elsewhere_meanwhile_is_a_conflict_field_by_field(db: Path) -> None:
    from dataclasses import replace

    from app.services.errors import ConflictError

    bert = add_user("bert", "salesperson", full_name="Bert Huber")
    opened = users.load_user(bert.id)
    theirs = users.save_user(replace(opened, phone="+49 89 1"))  # another workstation
    mine = replace(opened, email="bert@example.com", roles=("sales_manager",))
    with pytest.raises(ConflictError, match="User Bert Huber was changed by Anna"):
        users.save_user(mine)
    conflict = users.conflict(opened, mine)
    assert {c.name for c in conflict.changes} == {"phone", "email", "roles"}
    saved = users.save_user_over(opened, mine, conflict.version)
    assert (saved.phone, saved.email, saved.roles) == (
        "+49 89 1",
        "bert@example.com",
        ("sales_manager",),
    )
    assert saved.version == theirs.version + 1
