"""The one scoping mechanism: every queryset a user sees is narrowed to the subtrees of the
organizations where the user holds a role that grants the permission asked for.

Querysets call `restrict_to_paths(qs, path_field, user, perm)`; object checks call `user_can`. Both use
the materialized path of the organization tree (a prefix test that the path index answers)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from organizations.permissions import roles_granting

_CACHE_ATTR = "_scope_paths_cache"


def scope_paths(user, perm: str) -> list[str] | None:
    """The minimal list of subtree paths where ``user`` has ``perm``; None means everywhere."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        from organizations.models import RoleAssignment

        cache = {}
        rows = RoleAssignment.objects.filter(user=user, organization__dissolved_on__isnull=True).values_list(
            "role", "organization__path"
        )
        for role, path in rows:
            cache.setdefault(role, []).append(path)
        setattr(user, _CACHE_ATTR, cache)
    paths = sorted({p for role in roles_granting(perm) for p in cache.get(role, [])})
    # Drop paths inside another one: the shorter prefix already covers them.
    minimal: list[str] = []
    for path in paths:
        if not minimal or not path.startswith(minimal[-1]):
            minimal.append(path)
    return minimal


def forget_scope(user) -> None:
    """Call after changing a user's assignments within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def restrict_to_paths(qs: QuerySet, path_field: str, user, perm: str) -> QuerySet:
    paths = scope_paths(user, perm)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths)))


def user_can(user, perm: str, organization) -> bool:
    """Whether ``user`` has ``perm`` on ``organization`` (its subtree included)."""
    paths = scope_paths(user, perm)
    if paths is None:
        return True
    return organization is not None and any(organization.path.startswith(p) for p in paths)


def user_has_anywhere(user, perm: str) -> bool:
    paths = scope_paths(user, perm)
    return paths is None or bool(paths)


def require_anywhere(user, perm: str) -> None:
    """403 for a page a user's roles do not allow anywhere (objects outside the scope are 404s instead)."""
    from django.core.exceptions import PermissionDenied

    if not user_has_anywhere(user, perm):
        raise PermissionDenied
