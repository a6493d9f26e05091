"""Reads of the register. "Members of organization X on date D" and "members during year Y" are one
queryset each, used by lists, statistics, exports and (later) the target metrics."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from organizations.models import DateRangeQuerySet
from organizations.permissions import Perm
from organizations.scoping import restrict_to_paths

# Member ids that belonged, on some day of [start, end], to a cell that on that same day lay under the
# organization (both placed by their history, not today's tree). Ranges are intersected in SQL.
_MEMBER_IDS_UNDER = """
SELECT p.member_id
FROM members_membershipperiod p
JOIN organizations_organizationplacement pc ON pc.organization_id = p.cell_id
JOIN organizations_organizationplacement px ON px.organization_id = %s
WHERE pc.path LIKE px.path || '%%'
  AND p.valid && daterange(%s, %s, '[]')
  AND pc.valid && daterange(%s, %s, '[]')
  AND px.valid && daterange(%s, %s, '[]')
  AND NOT isempty(p.valid * pc.valid * px.valid * daterange(%s, %s, '[]'))
"""


def member_ids_under_sql(organization_id: int, start: dt.date, end: dt.date) -> RawSQL:
    return RawSQL(_MEMBER_IDS_UNDER, [organization_id] + [start, end] * 4)


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        return restrict_to_paths(self, "cell__path", user, perm)

    def search(self, term: str):
        """Name search that ignores case and Vietnamese diacritics ("nguyen van duc" finds
        "Nguyễn Văn Đức"), answered by the trigram index on immutable_unaccent(lower(full_name))."""
        from .models import ImmutableUnaccent, search_key

        term = (term or "").strip()
        if not term:
            return self
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self.alias(_name_key=search_key("full_name")).filter(
            _name_key__contains=ImmutableUnaccent(Lower(models.Value(escaped)))
        )

    def under_on(self, organization, day: dt.date):
        """Members who belonged on ``day`` to a cell in ``organization``'s subtree as it was that day."""
        return self.filter(pk__in=member_ids_under_sql(organization.pk, day, day))

    def under_during(self, organization, start: dt.date, end: dt.date):
        """Members who belonged to the subtree on at least one day of [start, end]."""
        return self.filter(pk__in=member_ids_under_sql(organization.pk, start, end))

    def in_party(self):
        """Still party members (not transferred out, struck off, expelled, resigned or deceased)."""
        return self.filter(left_on__isnull=True)

    def full_on(self, day: dt.date):
        return self.filter(full_membership_date__lte=day)

    def probationary_on(self, day: dt.date):
        return self.exclude(full_membership_date__lte=day)


PeriodQuerySet = DateRangeQuerySet


class MembershipPeriodQuerySet(PeriodQuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        return restrict_to_paths(self, "cell__path", user, perm)

    def current(self):
        return self.filter(valid__upper_inf=True)
