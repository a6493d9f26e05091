"""Who is rated and what a rule forces, computed for a whole roster at once (RULES §1).

The sick-leave and exclusion rules read the register's dated periods. The discipline rules read the
discipline records, which live in ``inspections`` one layer up: that app installs the SQL conditions that
say "disciplined" (``install_discipline``) when Django starts, so this module never names its tables, and
without it nobody counts as disciplined. Each function answers for many members or organizations in one
query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from members.ratings.choices import NotRatedReason
from members.ratings.population import new_member_sql, new_organization_sql
from members.register.choices import StatusPeriodKind
from organizations.population import above_on, under_on

# The sick-leave threshold ("3 months or more in the year") is the year's scheme's ``sick_leave_days`` (data,
# dated like the scheme); this is only what a member without a scheme row is judged by.
SICK_LEAVE_DAYS = 90

# The condition a rated-population query adds so that members recorded as not rated for another reason
# (members.ratings.models.MemberNotRated) leave the denominator, as member_facts leaves them out of the
# grid: format it with the SQL expressions of the member id and the year, e.g.
# NOT_RATED_OTHER_SQL.format(member="pop.member_id", year="pop.year").
NOT_RATED_OTHER_SQL = ("NOT EXISTS (SELECT 1 FROM members_membernotrated n "
                       "WHERE n.member_id = {member} AND n.year = {year})")


@dataclass(frozen=True)
class DisciplineConditions:
    """SQL boolean expressions, with the parameter ``%(year)s`` (the violation year): ``member`` over a row
    ``m`` of members_member (disciplined that year, not self-remedied), ``leadership`` over a row ``o`` of
    organizations_organization (its leadership collective disciplined), ``organization`` over a row ``c``
    of organizations_organizationplacement (the organization placed there disciplined)."""

    member: str = "FALSE"
    leadership: str = "FALSE"
    organization: str = "FALSE"


_discipline = DisciplineConditions()


def install_discipline(conditions: DisciplineConditions) -> None:
    global _discipline
    _discipline = conditions


def rating_date(year: int) -> dt.date:
    """The date a year's ratings are made: party ratings follow civil-servant ratings, done by 15/12."""
    return dt.date(year, 12, 15)


@dataclass
class MemberFacts:
    not_rated: str = ""  # a NotRatedReason value, or "" when the member is rated
    disciplined: bool = False  # disciplined for a violation in the year, not self-remedied
    sick_days: int = 0
    extras: dict = field(default_factory=dict)
    sick_leave_days: int = SICK_LEAVE_DAYS  # the threshold of the year's scheme

    @property
    def long_sick_leave(self) -> bool:
        return self.sick_days >= self.sick_leave_days


def member_facts(member_ids: list[int], year: int) -> dict[int, MemberFacts]:
    """Exclusions and forcing facts for ``member_ids`` in ``year``: one query. Besides the rules' own
    cases, a member recorded as not rated for another reason that year (``members_membernotrated``) is not
    rated, with that reason in ``extras["other_reason"]``."""
    if not member_ids:
        return {}
    day = rating_date(year)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT m.id,
                   EXISTS (SELECT 1 FROM members_statusperiod s WHERE s.member_id = m.id AND s.kind = %(exempted)s
                            AND s.valid @> %(day)s::date),
                   EXISTS (SELECT 1 FROM members_statusperiod s WHERE s.member_id = m.id AND s.kind = %(suspended)s
                            AND s.valid @> %(day)s::date),
                   {new_member_sql("m", "%(day)s")},
                   {_discipline.member},
                   COALESCE((SELECT sum(upper(r) - lower(r)) FROM (
                        SELECT s.valid * daterange(%(jan1)s, %(next_jan1)s, '[)') AS r
                          FROM members_statusperiod s WHERE s.member_id = m.id AND s.kind = %(sick)s
                           AND s.valid && daterange(%(jan1)s, %(next_jan1)s, '[)')) x
                        WHERE NOT isempty(r)), 0),
                   (SELECT n.reason FROM members_membernotrated n WHERE n.member_id = m.id AND n.year = %(year)s),
                   (SELECT rs.sick_leave_days FROM members_ratingscheme rs
                     WHERE rs.subject = 'member' AND rs.valid_from_year <= %(year)s
                       AND (rs.valid_to_year IS NULL OR rs.valid_to_year >= %(year)s)
                     ORDER BY rs.valid_from_year DESC LIMIT 1)
              FROM members_member m WHERE m.id = ANY(%(ids)s)
            """,
            {"ids": list(member_ids), "day": day, "year": year,
             "exempted": StatusPeriodKind.EXEMPTED, "suspended": StatusPeriodKind.SUSPENDED,
             "sick": StatusPeriodKind.SICK_LEAVE, "jan1": dt.date(year, 1, 1), "next_jan1": dt.date(year + 1, 1, 1)},
        )
        rows = cur.fetchall()
    facts = {}
    for member_id, exempted, suspended, new, disciplined, sick_days, other, threshold in rows:
        reason = (NotRatedReason.EXEMPTED if exempted else NotRatedReason.SUSPENDED if suspended
                  else NotRatedReason.NEW_MEMBER if new else NotRatedReason.OTHER if other is not None else "")
        facts[member_id] = MemberFacts(not_rated=reason, disciplined=disciplined, sick_days=int(sick_days or 0),
                                       extras={"other_reason": other} if other is not None else {},
                                       sick_leave_days=threshold or SICK_LEAVE_DAYS)
    return facts


@dataclass
class OrganizationFacts:
    not_rated: str = ""
    leadership_disciplined: bool = False
    subordinate_units: int = 0
    subordinate_disciplined: int = 0

    @property
    def forced(self) -> bool:
        """KHT when the leadership collective was disciplined or more than 20% of the subordinate units were."""
        return self.leadership_disciplined or (
            self.subordinate_units > 0 and self.subordinate_disciplined * 5 > self.subordinate_units)


def organization_facts(organization_ids: list[int], year: int) -> dict[int, OrganizationFacts]:
    """Exclusions and forcing facts for party organizations in ``year``: one query. Subordinate units are
    the direct children placed under the organization on the rating date."""
    if not organization_ids:
        return {}
    day = rating_date(year)
    # The direct children placed under the organization on the rating day (rows ``c`` of the ancestry).
    children = f"(SELECT 1) AS one JOIN {under_on('c', 'o.id', '%(day)s')} WHERE c.depth = c.ancestor_depth + 1"
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT o.id,
                   {new_organization_sql("o", "%(day)s")},
                   {_discipline.leadership},
                   (SELECT count(*) FROM {children}),
                   (SELECT count(*) FROM {children} AND {_discipline.organization})
              FROM organizations_organization o
             WHERE o.id = ANY(%(ids)s)
            """,
            {"ids": list(organization_ids), "day": day, "year": year},
        )
        rows = cur.fetchall()
    return {
        org_id: OrganizationFacts(not_rated=NotRatedReason.NEW_ORGANIZATION if new else "",
                                  leadership_disciplined=lead, subordinate_units=units,
                                  subordinate_disciplined=disc)
        for org_id, new, lead, units, disc in rows
    }


def parent_on_rating_date(organization_id: int, year: int) -> int | None:
    """The organization ``organization_id`` was placed directly under on the rating date of ``year`` (the one
    whose "more than 20% of subordinate units disciplined" rule it counts in), or None. One query."""
    day = rating_date(year)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.ancestor_id FROM (SELECT 1) AS one JOIN " + above_on("a", "%(id)s", "%(day)s")
            + " WHERE a.ancestor_depth = a.depth - 1",
            {"id": organization_id, "day": day},
        )
        row = cur.fetchone()
    return row[0] if row else None
