"""The tree's one need from the layer above it, inverted.

Merging and splitting organizations moves their members, dissolving one needs it to be empty, and the
tree pages show how many members each organization has. The member register sits above the tree
(it imports the tree, never the other way), so it installs its answers here when Django starts
(``members.register.apps``), and the tree asks through ``members()``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class MemberHooks(Protocol):
    def current_count(self, organization_ids: Iterable[int]) -> int:
        """Members currently in the given cells."""

    def current_count_under(self, path: str) -> int:
        """Members currently in cells of the subtree at ``path``."""

    def current_under_subquery(self, path_ref) -> QuerySet:
        """Primary keys of the members currently in cells whose path starts with ``path_ref`` (an
        ``OuterRef``), for a count annotation over a page of organizations in one query."""

    def current_in(self, cell) -> list:
        """The members currently in ``cell``, by name: whom a split assigns to its parts."""

    def transfer(self, *, member_ids: Iterable[int], to_cell, date: dt.date, user) -> None:
        """Transfer members to ``to_cell`` on ``date`` because the tree was restructured."""

    def size_warnings_for(self, organization) -> list:
        """The size rules' warnings (``.organization``, ``.message``) of ``organization``'s subtree when it is
        at or below the grassroots level: cells with fewer than 3 full members, grassroots organizations of
        the wrong kind for their size."""


_members: MemberHooks | None = None


def install_members(hooks: MemberHooks) -> None:
    global _members
    _members = hooks


def members() -> MemberHooks:
    if _members is None:
        raise ImproperlyConfigured("The member register (members.register) is not installed: the tree cannot move "
                                   "or count members without it.")
    return _members
