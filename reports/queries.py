"""Set-based reads the report kinds share. Each function is one SQL statement (or one ORM query) whatever
the size of the tree, and places records by the dated tree (OrganizationPlacement) as it was on the
record's own date, the rule the targets engine follows: an organization moved in 2025 still counts under
its old committee in the 2024 report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from organizations.choices import TCCSD_KINDS
from organizations.population import above_on, during, under_during, under_on


@dataclass(frozen=True)
class Placed:
    """An organization as it stood under the report's organization during the period: its name and path at
    the latest day of the period it existed."""

    id: int
    name: str
    path: str
    kind: str


_SPAN = "daterange(%(start)s, %(end)s, '[]')"

_PLACED_SQL = """
SELECT DISTINCT ON (p.organization_id) p.organization_id, p.name, p.path, p.kind
  FROM (SELECT 1) AS one
  JOIN """ + under_during("a", "%(org)s", _SPAN) + """
  JOIN organizations_organizationplacement p
    ON p.organization_id = a.organization_id AND p.valid && """ + during("a", _SPAN) + """
 ORDER BY p.organization_id, lower(p.valid) DESC
"""


def placed_under(organization_id: int, start: dt.date, end: dt.date) -> dict[int, Placed]:
    """Every organization placed under ``organization_id`` (itself included) at some day of [start, end]."""
    with connection.cursor() as cur:
        cur.execute(_PLACED_SQL, {"org": organization_id, "start": start, "end": end})
        return {row[0]: Placed(*row) for row in cur.fetchall()}


def rating_day(organization_id: int, year: int) -> dt.date:
    """The day ratings of ``year`` are counted on (15 December), or the organization's last day that year if
    it ended before (a bloc dissolved mid-year still reports on its year)."""
    day = dt.date(year, 12, 15)
    with connection.cursor() as cur:
        cur.execute("""SELECT max(LEAST(upper(valid) - 1, %(day)s)) FROM organizations_organizationplacement
                        WHERE organization_id = %(org)s AND valid && daterange(%(first)s, %(day)s, '[]')""",
                    {"org": organization_id, "day": day, "first": dt.date(year, 1, 1)})
        found = cur.fetchone()[0]
    return found or day


# Decided ratings of the year by the TCCSĐ placed under the organization on the rating day: members by their
# deciding grassroots organization, organizations (party organizations' own ratings) by the TCCSĐ whose
# subtree held them that day (``own`` when the rated organization is the TCCSĐ itself).
_TCCSD_CTE = """
WITH t AS (SELECT p.organization_id FROM (SELECT 1) AS one JOIN """ + under_on("p", "%(org)s", "%(day)s") + """
            WHERE p.kind = ANY(%(tccsd)s))
"""
_MEMBER_RATINGS_SQL = _TCCSD_CTE + """
SELECT t.organization_id, l.code, count(*)
  FROM members_memberrating r
  JOIN members_ratinglevel l ON l.id = r.decided_level_id
  JOIN t ON t.organization_id = r.grassroots_id
 WHERE r.year = %(year)s AND r.status = 'decided'
 GROUP BY 1, 2
"""
_ORG_RATINGS_SQL = _TCCSD_CTE + """
SELECT t.organization_id, (r.organization_id = t.organization_id) AS own, l.code, count(*)
  FROM members_organizationrating r
  JOIN members_ratinglevel l ON l.id = r.decided_level_id
  JOIN """ + above_on("pr", "r.organization_id", "%(day)s") + """
  JOIN t ON t.organization_id = pr.ancestor_id
 WHERE r.year = %(year)s AND r.status = 'decided' AND r.kind = 'party_org'
 GROUP BY 1, 2, 3
"""


def _params(organization_id: int, year: int, day: dt.date) -> dict:
    return {"org": organization_id, "year": year, "day": day, "tccsd": [str(k) for k in TCCSD_KINDS]}


def member_ratings_by_tccsd(organization_id: int, year: int, day: dt.date) -> dict[int, dict[str, int]]:
    """{tccsd_id: {level code: members}} of the decided member ratings of ``year``."""
    result: dict[int, dict[str, int]] = {}
    with connection.cursor() as cur:
        cur.execute(_MEMBER_RATINGS_SQL, _params(organization_id, year, day))
        for org_id, code, n in cur.fetchall():
            result.setdefault(org_id, {})[code] = n
    return result


def organization_ratings_by_tccsd(organization_id: int, year: int, day: dt.date
                                  ) -> tuple[dict[int, str], dict[int, dict[str, int]]]:
    """The TCCSĐ's own levels ``{tccsd_id: level code}`` and the levels of the organizations under each one
    ``{tccsd_id: {level code: count}}`` (its sub cells and partial committees)."""
    own: dict[int, str] = {}
    below: dict[int, dict[str, int]] = {}
    with connection.cursor() as cur:
        cur.execute(_ORG_RATINGS_SQL, _params(organization_id, year, day))
        for org_id, is_own, code, n in cur.fetchall():
            if is_own:
                own[org_id] = code
            else:
                below.setdefault(org_id, {})[code] = below.get(org_id, {}).get(code, 0) + n
    return own, below


# Meetings of the year, by kind, of the cells placed under the organization on the meeting day.
_MEETINGS_SQL = """
SELECT m.kind, count(*)
  FROM meetings_meeting m
  JOIN """ + above_on("pc", "m.cell_id", "m.date") + """ AND pc.ancestor_id = %(org)s
 WHERE m.date BETWEEN %(start)s AND %(end)s
 GROUP BY 1
"""

# Inspections and supervision started in the year by bodies placed under the organization on the start day,
# with the members and organizations they covered.
_INSPECTIONS_SQL = """
SELECT i.activity, count(DISTINCT i.id),
       (SELECT count(*) FROM inspections_inspection_members im WHERE im.inspection_id = ANY(array_agg(i.id))),
       (SELECT count(*) FROM inspections_inspection_organizations io WHERE io.inspection_id = ANY(array_agg(i.id)))
  FROM inspections_inspection i
  JOIN """ + above_on("pb", "i.conducting_body_id", "i.start_date") + """ AND pb.ancestor_id = %(org)s
 WHERE i.start_date BETWEEN %(start)s AND %(end)s
 GROUP BY 1
"""

# Discipline decided in the year by bodies placed under the organization on the decision day (not annulled).
_DISCIPLINE_SQL = """
SELECT d.form, (d.member_id IS NOT NULL) AS of_member, count(*)
  FROM inspections_discipline d
  JOIN """ + above_on("pb", "d.deciding_body_id", "d.decision_date") + """ AND pb.ancestor_id = %(org)s
 WHERE d.decision_date BETWEEN %(start)s AND %(end)s AND NOT d.annulled
 GROUP BY 1, 2
"""


def _year(organization_id: int, year: int) -> dict:
    return {"org": organization_id, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}


def meeting_counts(organization_id: int, year: int) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(_MEETINGS_SQL, _year(organization_id, year))
        return dict(cur.fetchall())


def inspection_counts(organization_id: int, year: int) -> dict[str, tuple[int, int, int]]:
    """{activity: (inspections, members covered, organizations covered)}."""
    with connection.cursor() as cur:
        cur.execute(_INSPECTIONS_SQL, _year(organization_id, year))
        return {activity: (n, members, orgs) for activity, n, members, orgs in cur.fetchall()}


def discipline_counts(organization_id: int, year: int) -> dict[tuple[str, bool], int]:
    """{(form, of a member): count}."""
    with connection.cursor() as cur:
        cur.execute(_DISCIPLINE_SQL, _year(organization_id, year))
        return {(form, of_member): n for form, of_member, n in cur.fetchall()}
