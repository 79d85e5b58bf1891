"""docs/permissions.md and the permission matrix in code say the same."""

from pathlib import Path

from app.access.permissions import GLOBAL_ROLE_PERMISSIONS, ORG_ROLE_PERMISSIONS, Permission
from app.accounts.models import GlobalRole, OrgRole

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
COLUMNS = ["owner", "editor", "viewer", "advisor", "admin"]


def documented_matrix() -> dict[str, set[str]]:
    matrix = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0].startswith("`"):
            matrix[cells[0].strip("`")] = {
                role for role, mark in zip(COLUMNS, cells[2:], strict=True) if mark
            }
    return matrix


def code_matrix() -> dict[str, set[str]]:
    matrix = {permission.value: set() for permission in Permission}
    for role, permissions in ORG_ROLE_PERMISSIONS.items():
        for permission in permissions:
            matrix[permission.value].add(OrgRole(role).value)
    for role, permissions in GLOBAL_ROLE_PERMISSIONS.items():
        for permission in permissions:
            matrix[permission.value].add(GlobalRole(role).value)
    return matrix


def test_the_documented_matrix_is_the_enforced_matrix():
    assert documented_matrix() == code_matrix()
