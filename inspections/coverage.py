"""Coverage of inspection and supervision: the inputs of targets LD-5a/5b/5c. Each figure is one SQL
statement for an organization subtree and a period (a year or a term), whatever its size.

- Members: distinct members named as subjects of an inspection or supervision decided in the period,
  among the members who belonged to the subtree during the period (``members.querysets``' dated join).
  A member inspected twice counts once; an inspection of a cell counts for the cell, not its members.
- Organizations of some kinds (chi bộ trực thuộc; TCCSĐ): distinct organizations named as subjects,
  among those placed in the subtree at some day of the period (the dated tree, OrganizationPlacement),
  optionally only under one charter article (Điều 30 for LD-5c)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from members.querysets import member_ids_under_sql
from organizations.choices import TCCSD_KINDS, OrgKind


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int
    covered_ids: list[int] = field(default_factory=list)  # organizations only

    @property
    def share(self) -> Decimal | None:
        """Percent, one decimal; None when there is nothing to cover."""
        if not self.total:
            return None
        return (Decimal(self.covered) * 100 / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def term_period(start_year: int, end_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)


def _filters(activity: str | None, article: str | None) -> tuple[str, list]:
    sql, params = "", []
    if activity:
        sql += " AND i.activity = %s"
        params.append(activity)
    if article:
        sql += " AND i.charter_article = %s"
        params.append(article)
    return sql, params


def member_coverage(organization, start: dt.date, end: dt.date, *, activity: str | None = None,
                    article: str | None = None) -> Coverage:
    """Members of the subtree during [start, end] and how many of them were inspected/supervised."""
    population = member_ids_under_sql(organization.pk, start, end)
    extra, extra_params = _filters(activity, article)
    sql = f"""
        WITH pop AS MATERIALIZED (SELECT DISTINCT s.member_id FROM ({population.sql}) AS s(member_id))
        SELECT (SELECT count(*) FROM pop),
               (SELECT count(DISTINCT im.member_id)
                  FROM inspections_inspection_members im
                  JOIN inspections_inspection i ON i.id = im.inspection_id
                 WHERE i.decision_date BETWEEN %s AND %s {extra}
                   AND im.member_id IN (SELECT member_id FROM pop))
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*population.params, start, end, *extra_params])
        total, covered = cur.fetchone()
    return Coverage(covered=covered, total=total)


def organization_coverage(organization, start: dt.date, end: dt.date, *, kinds, activity: str | None = None,
                          article: str | None = None) -> Coverage:
    """Organizations of ``kinds`` placed in the subtree at some day of [start, end] (the organization
    itself included when of such a kind) and how many were named subjects of an inspection/supervision."""
    extra, extra_params = _filters(activity, article)
    sql = f"""
        WITH x AS MATERIALIZED (
            SELECT path, valid * daterange(%s, %s, '[]') AS valid
              FROM organizations_organizationplacement
             WHERE organization_id = %s AND valid && daterange(%s, %s, '[]')
        ), pop AS MATERIALIZED (
            SELECT DISTINCT pc.organization_id
              FROM organizations_organizationplacement pc
              JOIN x ON pc.path LIKE x.path || '%%' AND pc.valid && x.valid
             WHERE pc.kind = ANY(%s) AND NOT isempty(pc.valid * x.valid)
        ), hit AS (
            SELECT DISTINCT io.organization_id
              FROM inspections_inspection_organizations io
              JOIN inspections_inspection i ON i.id = io.inspection_id
             WHERE i.decision_date BETWEEN %s AND %s {extra}
               AND io.organization_id IN (SELECT organization_id FROM pop)
        )
        SELECT (SELECT count(*) FROM pop), (SELECT count(*) FROM hit),
               COALESCE((SELECT array_agg(organization_id ORDER BY organization_id) FROM hit), '{{}}')
    """
    with connection.cursor() as cur:
        cur.execute(sql, [start, end, organization.pk, start, end, [str(k) for k in kinds], start, end,
                          *extra_params])
        total, covered, ids = cur.fetchone()
    return Coverage(covered=covered, total=total, covered_ids=list(ids))


def sub_cell_coverage(organization, start, end, **kw) -> Coverage:
    """LD-5b: chi bộ trực thuộc đảng bộ cơ sở."""
    return organization_coverage(organization, start, end, kinds=[OrgKind.SUB_CELL], **kw)


def tccsd_coverage(organization, start, end, **kw) -> Coverage:
    """LD-5c: tổ chức cơ sở đảng (pass ``article="30"`` for Điều 30)."""
    return organization_coverage(organization, start, end, kinds=sorted(TCCSD_KINDS), **kw)
