"""The one scoping mechanism (DESIGN §4): what a user may see and do is decided by the subtrees of the
organizations where the user holds a role granting the action asked for.

- ``ScopedQuerySet.visible_to(user, action)``: every queryset a user sees. A scoped model names the
  organization path it hangs on (``scope_field = "cell__path"``); a model that *measures* a subtree
  (resolutions, targets) also sets ``scope_seen_from_below``: whoever sees part of that subtree sees the row
  (a grassroots organization reads its bloc's resolution, and its own figures under it); a row with no path
  (a catalogue resolution not yet attached) is seen by whoever holds ``unscoped_action`` somewhere.
- ``user_can(user, action, organization)``: the object check of every action view.
- ``scope_roots(user, action)``: the organizations at the top of the user's scope (where a page opens).
- ``restrict_form_fields(form, user, action)``: every organization, member, cell … a form offers.

All of it is a prefix test on the materialized path of the organization tree (which its index answers)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q, QuerySet

from organizations.permissions import Perm, roles_granting

_CACHE_ATTR = "_scope_paths_cache"
STEPLEN = 4  # Organization.steplen: the tree's paths grow by four characters a level


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


def user_roles(user) -> frozenset[str]:
    """The roles ``user`` holds anywhere (every role for a superuser): what the home page and the menu show
    follow from them. Shares the role cache of ``scope_paths``, so it costs no query after it."""
    from organizations.choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    scope_paths(user, Perm.VIEW)  # fills the cache
    return frozenset(getattr(user, _CACHE_ATTR, {}).keys())


def _within(path_field: str, paths: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths), Q(pk__in=[]))


class ScopedQuerySet(models.QuerySet):
    """The queryset of every scoped model: ``visible_to`` is defined here and nowhere else."""

    def visible_to(self, user, action: str = Perm.VIEW):
        model = self.model
        paths = scope_paths(user, action)
        if paths is None:
            return self
        condition = _within(model.scope_field, paths)
        if getattr(model, "scope_seen_from_below", False) and action == Perm.VIEW:
            above = sorted({p[:n] for p in paths for n in range(STEPLEN, len(p), STEPLEN)})
            if above:
                condition |= Q(**{f"{model.scope_field}__in": above})
        unscoped = getattr(model, "unscoped_action", None)
        if unscoped and user_has_anywhere(user, unscoped):
            condition |= Q(**{f"{model.scope_field}__isnull": True})
        return self.filter(condition)


def user_can(user, perm: str, organization) -> bool:
    """Whether ``user`` has ``perm`` on ``organization`` (its subtree included)."""
    paths = scope_paths(user, perm)
    if paths is None:
        return True
    return organization is not None and any(organization.path.startswith(p) for p in paths)


def user_has_anywhere(user, perm: str) -> bool:
    paths = scope_paths(user, perm)
    return paths is None or bool(paths)


def is_administrator(user) -> bool:
    """Whether ``user`` administers the whole application: a superuser, or the administrator role over every
    root of the tree. Actions that reach every organization at once (a full recompute, its run pages, the
    sensitive-data log) are theirs; an administrator of one bloc is an administrator of that bloc only."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from organizations.choices import Role
    from organizations.models import Organization

    scope_paths(user, Perm.VIEW)  # fills the per-request cache of the user's roles
    held = set(getattr(user, _CACHE_ATTR, {}).get(Role.ADMINISTRATOR, []))
    roots = set(Organization.objects.filter(depth=1, dissolved_on__isnull=True).values_list("path", flat=True))
    return bool(held) and roots <= held


def require_administrator(user) -> None:
    from django.core.exceptions import PermissionDenied

    if not is_administrator(user):
        raise PermissionDenied


def require_anywhere(user, perm: str) -> None:
    """403 for a page a user's roles do not allow anywhere (objects outside the scope are 404s instead)."""
    from django.core.exceptions import PermissionDenied

    if not user_has_anywhere(user, perm):
        raise PermissionDenied


def scope_roots(user, action: str = Perm.VIEW) -> QuerySet:
    """The organizations at the top of the user's scope for ``action``, by path (for a superuser: the roots
    of the tree). A page that needs one organization to open on takes the first."""
    from organizations.models import Organization

    paths = scope_paths(user, action)
    qs = Organization.objects.order_by("path")
    if paths is None:
        return qs.filter(depth=1)
    return qs.filter(path__in=paths)


def restrict_form_fields(form, user, action: str = Perm.VIEW, actions: dict[str, str] | None = None, *,
                         keep_current: bool = False) -> None:
    """Narrow every model choice field of ``form`` whose model is scoped to what ``user`` may pick: the
    field's queryset (with its own filters and ordering) ``.visible_to(user, action)``, or the action
    ``actions`` names for that field (e.g. the cell a member is added to needs CHANGE_MEMBERS there).
    ``keep_current``: a model form's current value stays choosable even outside the scope (saving the form
    unchanged must not fail because the value was set by someone who sees more)."""
    actions = actions or {}
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not hasattr(queryset, "visible_to"):
            continue
        narrowed = queryset.visible_to(user, actions.get(name, action))
        if getattr(field.widget, "remote", False):  # its autocomplete proposes what the same action allows
            field.widget.attrs["data-action"] = actions.get(name, action)
        current = getattr(instance, f"{name}_id", None) if keep_current and instance is not None else None
        if current is not None:
            narrowed = narrowed | queryset.model._default_manager.filter(pk=current)
        field.queryset = narrowed
