"""The filters of the record lists: an organization (its subtree) and a year on every list, and what each
kind of record adds (indicator, kind of model, report). The required-document grid filters the cells."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lists import ANY, YearFilter
from core.params import year_param
from organizations.choices import OrgKind
from organizations.filters import OrganizationFilter, visible_organizations
from targets.records.choices import ModelKind
from targets.records.models import PeriodicReport, ReportIndicator


def record_organizations(request):
    """The organizations a list may be narrowed to: those the user sees, but party groups (they keep no
    records)."""
    return visible_organizations(request).exclude(kind=OrgKind.PARTY_GROUP)


def organization_filter():
    return OrganizationFilter(label=_("Organization"), queryset=record_organizations, method="filter_organization",
                              empty_label=ANY, indented=False)


class RecordFilterSet(django_filters.FilterSet):
    organization = organization_filter()
    year = YearFilter(label=_("Year"))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)


class FigureFilterSet(RecordFilterSet):
    indicator = django_filters.ModelChoiceFilter(label=_("Indicator"), empty_label=ANY,
                                                 queryset=ReportIndicator.objects.order_by("code"))


class ModelFilterSet(RecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ModelKind.choices, empty_label=ANY)


class SubmissionFilterSet(RecordFilterSet):
    report = django_filters.ModelChoiceFilter(label=_("Report"), queryset=PeriodicReport.objects.order_by("code"),
                                              empty_label=ANY)


def grid_year(value) -> int:
    """The year of the document grid: the one asked for when it is a real year, else this year."""
    return year_param(value, timezone.localdate().year)


def existing_in(year: int) -> Q:
    """Organizations that existed during at least part of ``year``."""
    return Q(founded_on__lte=dt.date(year, 12, 31)) & (Q(dissolved_on__isnull=True)
                                                     | Q(dissolved_on__gt=dt.date(year, 1, 1)))


class DocumentFilterSet(django_filters.FilterSet):
    """The cells of the required-document grid: those of the chosen subtree that existed in the year."""

    organization = organization_filter()
    year = YearFilter(label=_("Year"), method="filter_year")

    def __init__(self, data=None, *args, **kwargs):
        # The grid is always of one year, shown in the form: this year unless a real one is asked for.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        self.year = grid_year(data.get("year"))
        data["year"] = str(self.year)
        super().__init__(data, *args, **kwargs)

    def filter_organization(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)

    def filter_year(self, queryset, name, value):
        return queryset.filter(existing_in(value))

    def chosen_organization(self):
        return self.form.cleaned_data.get("organization") if self.is_valid() else None


class OwedFilterSet(django_filters.FilterSet):
    """The organizations that owe one period of one report (the page to mark them received): the report and
    its period are the list itself, so they are required and get no counts; the subtree narrows it."""

    report = django_filters.ModelChoiceFilter(label=_("Report"), queryset=PeriodicReport.objects.order_by("code"),
                                              required=True, method="filter_nothing")
    year = YearFilter(label=_("Year"), required=True, method="filter_nothing")
    quarter = django_filters.ChoiceFilter(label=_("Quarter"), choices=[(q, q) for q in (1, 2, 3, 4)],
                                          empty_label=ANY, method="filter_nothing")
    organization = organization_filter()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("report", "year", "quarter"):
            self.filters[name].counted = False

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by the view (owed_period): which report and period the rows owe

    def filter_organization(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)
