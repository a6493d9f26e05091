"""The filters of the inspection and discipline lists (the same fields and labels the pages always had)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.lists import ANY, YearFilter
from inspections.choices import Activity, Conclusion, InspectionKind
from inspections.coverage import year_period
from inspections.models import DisciplineForm


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Decision number"), field_name="decision_number", lookup_expr="icontains")
    activity = django_filters.ChoiceFilter(label=_("Activity"), choices=Activity.choices, empty_label=ANY)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InspectionKind.choices, empty_label=ANY)
    conclusion = django_filters.ChoiceFilter(label=_("Conclusion"), choices=Conclusion.choices, empty_label=ANY)
    year = YearFilter(label=_("Year"), method="filter_year")
    article = django_filters.CharFilter(label=_("Charter article"), field_name="charter_article", max_length=10)

    def filter_year(self, queryset, name, value):
        # The decision date places an inspection in a year (the rule the coverage figures count by).
        return queryset.in_period(*year_period(value))


class DisciplineFilterSet(django_filters.FilterSet):
    form = django_filters.ChoiceFilter(label=_("Form of discipline"), choices=DisciplineForm.choices, empty_label=ANY)
    year = YearFilter(label=_("Year of the violation"), field_name="violation_year")
