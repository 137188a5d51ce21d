from app.domain.choices import UserRole
from app.domain.rights import ROLE_RIGHTS, Right, rights_of


def test_every_role_has_its_rights_and_the_scheduler_only_backup_and_imports() -> None:
    assert set(ROLE_RIGHTS) == set(UserRole)
    assert rights_of(["scheduler"]) == {Right.BACKUP, Right.IMPORT_DATA}
    assert Right.SELL not in rights_of(["read_only"])
    assert Right.MANAGE_USERS not in rights_of(["sales_manager"])
    assert rights_of(["administrator"]) == set(Right)


def test_rights_of_several_roles_are_their_union_and_unknown_codes_hold_none() -> None:
    assert rights_of(["read_only", "scheduler"]) == rights_of(["read_only"]) | {
        Right.BACKUP,
        Right.IMPORT_DATA,
    }
    assert rights_of(["nobody"]) == frozenset()
