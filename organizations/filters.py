"""Filters other apps' lists share (the organization picker, narrowed to what the user sees) and the
organization list's own."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.text import normalize_name
from organizations.forms import OrganizationChoiceField
from organizations.models import Organization
from organizations.scoping import scope_roots


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField
    counted = False  # a remote picker of a whole subtree: no counts per choice (core.lists.add_filter_counts)


def visible_organizations(request):
    """The choices of an organization filter: what the requesting user sees, in tree order."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).order_by("path")


class OrganizationFilterSet(django_filters.FilterSet):
    """The organization list: the top of the user's scope (where browsing the tree starts), or a search by
    name across all of it, with or without diacritics."""

    q = django_filters.CharFilter(label=_("Search organizations"), method="filter_search")

    def filter_search(self, queryset, name, value):
        # Names are stored composed (core.text); a decomposed search term must be too.
        return queryset.filter(name__unaccent__icontains=normalize_name(value)).order_by("name")

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("q"):
            return queryset.filter(pk__in=scope_roots(self.request.user).values("pk")).order_by("path")
        return super().filter_queryset(queryset)

    def search(self) -> str:
        return (self.form.cleaned_data.get("q") or "") if self.is_valid() else ""
