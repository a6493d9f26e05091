"""The meeting list's filters: an organization (the meetings of its subtree; links from the overview and
the boards pass a cell) and a year."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.lists import ANY, YearFilter
from organizations.filters import OrganizationFilter, visible_organizations


class MeetingFilterSet(django_filters.FilterSet):
    cell = OrganizationFilter(label=_("Organization"), queryset=visible_organizations, method="filter_cell",
                              empty_label=ANY)
    year = YearFilter(label=_("Year"), method="filter_year")

    def filter_cell(self, queryset, name, value):
        return queryset.filter(cell__path__startswith=value.path)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value)

    def chosen_organization(self):
        return self.form.cleaned_data.get("cell") if self.is_valid() else None
