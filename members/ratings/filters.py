"""The recognitions list's filters."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.lists import YearFilter
from members.ratings.choices import Recognition
from organizations.filters import OrganizationFilter, visible_organizations


class RecognitionFilterSet(django_filters.FilterSet):
    organization = OrganizationFilter(label=_("Organization"), queryset=visible_organizations,
                                      method="filter_organization")
    year = YearFilter(label=_("Year"))
    title = django_filters.ChoiceFilter(label=_("Title"), choices=Recognition.choices)

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)
