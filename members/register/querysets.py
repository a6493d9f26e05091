"""Reads of the register. "Members of organization X on date D" and "members during year Y" are one
queryset each, used by lists, statistics, exports and (later) the target metrics."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from members.register.population import member_ids_under_during_sql
from organizations.models import DateRangeQuerySet
from organizations.scoping import ScopedQuerySet

# Member ids that belonged, on some day of [start, end], to a cell that on that same day lay under the
# organization (both placed by their history, not today's tree): the register's vocabulary
# (members.register.population). ARRAY(...) is computed once (an InitPlan), so even with stale statistics
# (rows inserted earlier in the same transaction) the planner cannot turn the membership test into a scan of
# all periods per member. Params: organization id, then (start, end) three times.
_MEMBER_IDS_UNDER = ("SELECT unnest(ARRAY("
                     + member_ids_under_during_sql("%s", "daterange(%s, %s, '[]')")
                     + ")) AS member_id")


def member_ids_under_sql(organization_id: int, start: dt.date, end: dt.date) -> RawSQL:
    return RawSQL(_MEMBER_IDS_UNDER, [organization_id, start, end, start, end, start, end])


class MemberQuerySet(ScopedQuerySet):
    def search(self, term: str):
        """Name search that ignores case and Vietnamese diacritics ("nguyen van duc" finds
        "Nguyễn Văn Đức"), answered by the trigram index on immutable_unaccent(lower(full_name))."""
        from members.register.models import ImmutableUnaccent, search_key

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


class MembershipPeriodQuerySet(ScopedQuerySet, PeriodQuerySet):
    def current(self):
        return self.filter(valid__upper_inf=True)
