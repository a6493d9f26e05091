"""Set-based reads of admissions: the admissions board and the targets engine (ADM family: LD-7a/7b, KT-3,
KH-5, KH-6, TV-8a/8b) call the same functions, so the board shows exactly the figures the targets judge.

An admission counts under an organization when, on the ceremony day, the admitting cell lay in that
organization's subtree as it was that day (OrganizationPlacement), the rule of members.querysets: a cell
moved under another committee in 2025 still counts under its old one for 2021–2024."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Max

from organizations.choices import Sector

from .admission_choices import ATTRIBUTE_KEYS, CandidateStatus
from .admission_models import AdmissionStage, Candidate

# One FILTER clause per attribute; keys are ADMISSION_ATTRIBUTES' (order matters: the SELECT list).
_ATTRIBUTE_SQL = {
    "total": "TRUE",
    "female": "c.gender = 'female'",
    "ethnic_minority": "c.ethnicity NOT IN ('', 'Kinh')",
    "khmer": "c.ethnicity = 'Khmer'",
    "youth_union": "c.youth_union",
    "youth_union_outstanding": "c.youth_union AND c.outstanding",
    "trade_union": "c.trade_union",
    "worker": "c.worker",
    "business_owner": "c.business_owner",
    "private_enterprise": "c.private_enterprise",
    "outstanding": "c.outstanding",
}
assert list(_ATTRIBUTE_SQL) == ATTRIBUTE_KEYS

_ADMISSIONS_SQL = """
SELECT px.organization_id, EXTRACT(YEAR FROM c.admitted_on)::int AS year,
       {columns}
FROM members_candidate c
JOIN organizations_organizationplacement pc ON pc.organization_id = c.cell_id AND pc.valid @> c.admitted_on
JOIN organizations_organizationplacement px ON px.organization_id = ANY(%(orgs)s) AND px.valid @> c.admitted_on
WHERE c.status = %(admitted)s
  AND c.admitted_on >= %(start)s AND c.admitted_on <= %(end)s
  AND pc.path LIKE px.path || '%%'
GROUP BY 1, 2
"""


def admissions_by_year(organization_ids: Iterable[int], years: Iterable[int]) -> dict[int, dict[int, dict[str, int]]]:
    """Admissions (ceremonies) per scope organization and year, in total and by attribute, in one query:
    ``{organization_id: {year: {"total": n, "female": n, ...}}}``, with zeros for years without any.
    Every admitted candidate counts in the year of the ceremony, including those later struck off."""
    org_ids = sorted(set(organization_ids))
    years = sorted(set(years))
    result = {o: {y: dict.fromkeys(ATTRIBUTE_KEYS, 0) for y in years} for o in org_ids}
    if not org_ids or not years:
        return result
    columns = ",\n       ".join(f"COUNT(*) FILTER (WHERE {sql}) AS {key}" for key, sql in _ATTRIBUTE_SQL.items())
    params = {"orgs": org_ids, "admitted": CandidateStatus.ADMITTED,
              "start": dt.date(years[0], 1, 1), "end": dt.date(years[-1], 12, 31)}
    with connection.cursor() as cur:
        cur.execute(_ADMISSIONS_SQL.format(columns=columns), params)
        for org_id, year, *counts in cur.fetchall():
            if year in result[org_id]:
                result[org_id][year] = dict(zip(ATTRIBUTE_KEYS, counts))
    return result


_FOUNDED_IN_PRIVATE_SQL = """
SELECT px.organization_id, EXTRACT(YEAR FROM e.date)::int AS year, COUNT(DISTINCT e.organization_id)
FROM organizations_organizationevent e
JOIN organizations_organization o ON o.id = e.organization_id
JOIN organizations_hostunit h ON h.id = o.host_unit_id
JOIN organizations_organizationplacement pc ON pc.organization_id = e.organization_id AND pc.valid @> e.date
JOIN organizations_organizationplacement px ON px.organization_id = ANY(%(orgs)s) AND px.valid @> e.date
WHERE e.kind = 'founded' AND h.sector = %(sector)s
  AND e.date >= %(start)s AND e.date <= %(end)s
  AND pc.path LIKE px.path || '%%' AND pc.organization_id <> px.organization_id
GROUP BY 1, 2
"""


def organizations_founded_in_private_enterprises(organization_ids: Iterable[int], years: Iterable[int]
                                                 ) -> dict[int, dict[int, int]]:
    """KH-6: party organizations founded in non-state enterprises, per scope organization and year."""
    org_ids = sorted(set(organization_ids))
    years = sorted(set(years))
    result = {o: dict.fromkeys(years, 0) for o in org_ids}
    if not org_ids or not years:
        return result
    with connection.cursor() as cur:
        cur.execute(_FOUNDED_IN_PRIVATE_SQL, {"orgs": org_ids, "sector": Sector.PRIVATE_ENTERPRISE,
                                              "start": dt.date(years[0], 1, 1), "end": dt.date(years[-1], 12, 31)})
        for org_id, year, count in cur.fetchall():
            if year in result[org_id]:
                result[org_id][year] = count
    return result


def pipeline_by_stage(organization) -> list[dict]:
    """Candidates in progress under ``organization`` (today's tree) by the latest stage reached, every stage
    listed (zero included), plus those with no stage yet: ``[{"stage": AdmissionStage|None, "count": n}]``."""
    counts = dict(
        Candidate.objects.in_progress().filter(cell__path__startswith=organization.path)
        .values_list("current_stage").annotate(n=Count("id")).values_list("current_stage", "n")
    )
    rows = [{"stage": None, "count": counts.get(None, 0)}]
    rows += [{"stage": s, "count": counts.get(s.pk, 0)} for s in AdmissionStage.objects.filter(active=True)]
    return rows


def stuck_candidates(organization, *, today: dt.date, months: int = 6, limit: int = 20):
    """Candidates in progress whose latest stage is older than ``months`` (or who have none after as long):
    who is stuck where. One query."""
    from .workdays import add_months

    cutoff = add_months(today, -months)
    return list(
        Candidate.objects.in_progress().filter(cell__path__startswith=organization.path)
        .annotate(last_date=Max("stages__date"))
        .filter(last_date__lt=cutoff)
        .select_related("cell", "current_stage").order_by("last_date", "id")[:limit]
    )
