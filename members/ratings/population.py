"""The rated population (RULES §1): the only place that says who the annual rating counts on its day.

Members: admitted at least six months before the rating day, not exempted from activities and not
suspended that day. Organizations: founded at least six months before it. "Six months before" is one
calculation, PostgreSQL's ``date - interval '6 months'`` (the same day of the month, the month's last day
when it has no such day), and ``six_months_before`` is the same in Python for callers outside SQL."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from members.register.choices import StatusPeriodKind

# Status periods that take a member out of the year's rating (RULES §1).
UNRATED_STATUSES = (StatusPeriodKind.EXEMPTED, StatusPeriodKind.SUSPENDED)


def six_months_before_sql(day: str) -> str:
    return f"((({day})::date - interval '6 months')::date)"


def six_months_before(day: dt.date) -> dt.date:
    """The same day as ``six_months_before_sql`` (relativedelta clamps to the month's end as PostgreSQL does)."""
    return day - relativedelta(months=6)


def new_member_sql(member: str, day: str) -> str:
    """Condition on a row ``member`` of members_member: admitted less than six months before ``day``."""
    return f"({member}.admission_date IS NOT NULL AND {member}.admission_date > {six_months_before_sql(day)})"


def unrated_status_sql(member: str, day: str, kinds=UNRATED_STATUSES) -> str:
    """Condition: ``member`` holds on ``day`` a status period of one of ``kinds`` (default: those not rated)."""
    listed = ", ".join(f"'{k}'" for k in kinds)
    return (f"EXISTS (SELECT 1 FROM members_statusperiod s WHERE s.member_id = {member}.id "
            f"AND s.kind IN ({listed}) AND s.valid @> ({day})::date)")


def not_rated_other_sql(member: str, day: str) -> str:
    """Condition: ``member`` is recorded as not rated in the year of ``day`` for a reason outside the rules'
    list (``MemberNotRated``, e.g. a long assignment abroad)."""
    return (f"EXISTS (SELECT 1 FROM members_membernotrated n WHERE n.member_id = {member}.id "
            f"AND n.year = extract(year FROM ({day})::date)::int)")


def rated_member_sql(member: str, day: str) -> str:
    """Condition on ``member`` (members_member): the rules rate this member on ``day``."""
    return (f"(NOT {new_member_sql(member, day)} AND NOT {unrated_status_sql(member, day)} "
            f"AND NOT {not_rated_other_sql(member, day)})")


def new_organization_sql(organization: str, day: str) -> str:
    """Condition on a row ``organization`` of organizations_organization: founded less than six months before."""
    return f"({organization}.founded_on > {six_months_before_sql(day)})"


def rated_organization_sql(organization: str, day: str) -> str:
    return f"(NOT {new_organization_sql(organization, day)})"
