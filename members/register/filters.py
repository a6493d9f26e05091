"""The member list's filters, shared by the list page and its Excel export so that both show the same rows."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.text import normalize_name
from members.register.choices import ETHNICITY_CHOICES, Gender, PoliticalTheory, ProfessionalLevel, StatusPeriodKind
from members.register.services import may_see_sensitive
from organizations.filters import OrganizationFilter, visible_organizations
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_has_anywhere

STATUS_CHOICES = [("full", _("Full member")), ("probationary", _("Probationary member"))]
IN_PARTY_CHOICES = [("yes", _("Current members")), ("no", _("Transferred out or left the party")), ("all", _("All"))]
# Age bands of the party's statistical reports: (key, label, lowest age, highest age) in whole years.
AGE_BANDS = [
    ("lt30", _("Under 30"), None, 29),
    ("30_40", _("30–40"), 30, 40),
    ("41_50", _("41–50"), 41, 50),
    ("51_60", _("51–60"), 51, 60),
    ("gt60", _("Over 60"), 61, None),
]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier; 29 February falls back to the 28th. A person born on or
    before this date is at least ``years`` old on ``day`` (the rule of Member.age_on)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date_bounds(low: int | None, high: int | None, today: dt.date) -> dict:
    """Lookups on birth_date for "age between low and high (inclusive) on today"."""
    lookups = {}
    if low is not None:
        lookups["birth_date__lte"] = years_before(today, low)
    if high is not None:
        lookups["birth_date__gt"] = years_before(today, high + 1)
    return lookups


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by name"), method="filter_search")
    organization = OrganizationFilter(label=_("Organization"), queryset=visible_organizations,
                                      method="filter_organization")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    professional_level = django_filters.ChoiceFilter(label=capfirst(_("professional level")),
                                                     choices=ProfessionalLevel.choices)
    political_theory = django_filters.ChoiceFilter(label=capfirst(_("political theory")),
                                                   choices=PoliticalTheory.choices)
    gender = django_filters.ChoiceFilter(label=capfirst(_("gender")), choices=Gender.choices)
    age = django_filters.ChoiceFilter(label=_("Age"), choices=[(k, label) for k, label, _lo, _hi in AGE_BANDS],
                                      method="filter_age")
    ethnicity = django_filters.ChoiceFilter(label=capfirst(_("ethnicity")), choices=ETHNICITY_CHOICES)
    in_party = django_filters.ChoiceFilter(label=_("Membership"), choices=IN_PARTY_CHOICES, empty_label=None,
                                           method="filter_in_party")

    # Names of the GET parameters, for links that keep the filter (export) and for the audit log.
    PARAMS = ("q", "organization", "status", "professional_level", "political_theory", "gender", "age",
              "ethnicity", "in_party")

    # Filters on sensitive personal data (Decree 13/2023/NĐ-CP): offered only to users who hold VIEW_SENSITIVE
    # somewhere, and valid only over organizations where they hold it (members.register.services.may_see_sensitive).
    SENSITIVE = ("ethnicity",)

    def __init__(self, data=None, *args, **kwargs):
        # "Still in the party" is the default view; an explicit choice (including "all") overrides it.
        data = data.copy() if data is not None else {}
        if not data.get("in_party"):
            data["in_party"] = "yes"
        super().__init__(data, *args, **kwargs)
        self.today = dt.date.today()
        self.user = getattr(self.request, "user", None)
        if not user_has_anywhere(self.user, Perm.VIEW_SENSITIVE):
            for name in self.SENSITIVE:
                self.filters.pop(name, None)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        used = [name for name in self.SENSITIVE if data.get(name)]
        if used and not may_see_sensitive(self.user, data.get("organization")):
            for name in used:
                self.form.add_error(name, _("Filtering by this needs the right to see sensitive personal data "
                                            "of every member listed: choose an organization where you have it."))
            return False
        return valid

    def may_count(self, name: str) -> bool:
        """Counts per ethnicity only where the user may see it for every member counted (the filter's rule)."""
        return name not in self.SENSITIVE or may_see_sensitive(self.user, self.chosen_organization())

    def sensitive_filters(self) -> dict:
        """The sensitive filters applied (for the access log): empty when none is."""
        if not self.is_valid():
            return {}
        return {name: self.form.cleaned_data[name] for name in self.SENSITIVE
                if name in self.filters and self.form.cleaned_data.get(name)}

    def filter_search(self, queryset, name, value):
        # A name typed or pasted decomposed finds the stored (composed) one (core.text). The matches keep the
        # name order through an expression, not the column: ordered by the column, the planner walks the
        # name index (member_name_order) and filters it, reading half of it before the first "nguyen van".
        return queryset.search(normalize_name(value)).order_by(Concat("full_name", Value("")), "id")

    def filter_organization(self, queryset, name, value):
        # The subtree of the chosen organization; the queryset is already narrowed to the user's scope.
        return queryset.filter(cell__path__startswith=value.path)

    def filter_status(self, queryset, name, value):
        if value == "full":
            return queryset.full_on(self.today)
        if value == "probationary":
            return queryset.probationary_on(self.today)
        return queryset

    def filter_age(self, queryset, name, value):
        for key, _label, low, high in AGE_BANDS:
            if key == value:
                return queryset.filter(**birth_date_bounds(low, high, self.today))
        return queryset

    def filter_in_party(self, queryset, name, value):
        if value == "yes":
            return queryset.in_party()
        if value == "no":
            return queryset.filter(left_on__isnull=False)
        return queryset

    def chosen_organization(self) -> Organization | None:
        if self.is_valid():
            return self.form.cleaned_data.get("organization")
        return None

    def params(self) -> dict:
        """The filter as given (non-empty parameters only), for the export link and the audit log."""
        return {key: self.data.get(key) for key in self.PARAMS if self.data.get(key)}


class StatusPeriodFilterSet(django_filters.FilterSet):
    """The list of status periods: by organization (the member's current cell under it), kind, and the
    periods in force on a date."""

    organization = OrganizationFilter(label=_("Organization"), queryset=visible_organizations,
                                      method="filter_organization")
    kind = django_filters.ChoiceFilter(label=capfirst(_("kind")), choices=StatusPeriodKind.choices)
    on = django_filters.DateFilter(label=_("In force on"), method="filter_on", input_formats=["%d/%m/%Y"])

    def filter_organization(self, queryset, name, value):
        return queryset.filter(member__cell__path__startswith=value.path)

    def filter_on(self, queryset, name, value):
        return queryset.on(value)
