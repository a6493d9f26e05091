"""What each role may do. A role granted on an organization applies to that organization's whole
subtree and nothing outside it (DESIGN §2). Apps add their own permission names here as they arrive,
so there is one table to read when asking "who may do what"."""

from __future__ import annotations

from .choices import Role


class Perm:
    VIEW = "view"  # see records of the subtree
    VIEW_SENSITIVE = "view_sensitive"  # citizen ID, ethnicity, religion (Decree 13/2023/NĐ-CP)
    CHANGE_TREE = "change_tree"  # create, rename, move, merge, split, dissolve organizations
    CHANGE_MEMBERS = "change_members"  # the member register, transfers, positions, import
    MANAGE_ROLES = "manage_roles"  # grant and revoke role assignments


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(
        {Perm.VIEW, Perm.VIEW_SENSITIVE, Perm.CHANGE_TREE, Perm.CHANGE_MEMBERS, Perm.MANAGE_ROLES}
    ),
    Role.COMMITTEE_STAFF: frozenset({Perm.VIEW, Perm.VIEW_SENSITIVE, Perm.CHANGE_TREE, Perm.CHANGE_MEMBERS}),
    Role.INSPECTION_STAFF: frozenset({Perm.VIEW}),
    Role.GRASSROOTS_OFFICER: frozenset({Perm.VIEW, Perm.CHANGE_MEMBERS}),
    Role.CELL_SECRETARY: frozenset({Perm.VIEW}),
    Role.LEADERSHIP: frozenset({Perm.VIEW}),
}


def roles_granting(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
