"""The filters of the candidate and probation lists."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.admissions.choices import CandidateStatus
from members.admissions.models import AdmissionStage
from members.admissions.services import overdue_cutoff
from members.register.choices import ETHNICITY_CHOICES, Gender
from organizations.filters import OrganizationFilter, visible_organizations


class CandidateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by name"), field_name="full_name", lookup_expr="icontains")
    organization = OrganizationFilter(label=_("Organization"), queryset=visible_organizations,
                                      method="filter_organization")
    stage = django_filters.ModelChoiceFilter(label=_("Current stage"), field_name="current_stage",
                                             queryset=AdmissionStage.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CandidateStatus.choices)
    gender = django_filters.ChoiceFilter(label=capfirst(_("gender")), choices=Gender.choices)
    ethnicity = django_filters.ChoiceFilter(label=capfirst(_("ethnicity")), choices=ETHNICITY_CHOICES)
    youth_union = django_filters.BooleanFilter(label=capfirst(_("Youth Union member")))
    trade_union = django_filters.BooleanFilter(label=capfirst(_("trade-union member")))
    worker = django_filters.BooleanFilter(label=capfirst(_("worker")))
    business_owner = django_filters.BooleanFilter(label=capfirst(_("business owner")))
    private_enterprise = django_filters.BooleanFilter(label=capfirst(_("works in a private enterprise")))
    outstanding = django_filters.BooleanFilter(label=capfirst(_("outstanding (ưu tú)")))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(cell__path__startswith=value.path)


class ProbationFilterSet(django_filters.FilterSet):
    """``?overdue=1``: the probations whose consideration deadline has passed without a decision (the page
    offers it as two buttons, all or overdue)."""

    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=[("1", _("Overdue"))], method="filter_overdue")

    def filter_overdue(self, queryset, name, value):
        return queryset.probation_ended_by(overdue_cutoff(dt.date.today()))

    def overdue_only(self) -> bool:
        return self.is_valid() and self.form.cleaned_data.get("overdue") == "1"
