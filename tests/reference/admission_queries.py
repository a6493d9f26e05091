"""REFERENCE COPY (issue 16): the metric SQL as it was before the ancestry table, kept only so
tests/test_reference_figures.py can compare every figure; delete with that test once the issue has landed."""
# ruff: noqa
"""Set-based reads of admissions: the admissions board and the targets engine (ADM family: LD-7a/7b, KT-3,
KH-5, KH-6, TV-8a/8b) call the same functions, so the board shows exactly the figures the targets judge.

An admission counts under an organization when, on the ceremony day, the admitting cell lay in that
organization's subtree as it was that day (OrganizationPlacement), the rule of members.register.querysets: a cell
moved under another committee in 2025 still counts under its old one for 2021–2024."""


import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Max

from members.admissions.choices import ATTRIBUTE_KEYS, CandidateStatus
from members.admissions.models import AdmissionStage, Candidate
from organizations.choices import EventKind, Sector

# The attributes admissions are counted by, as SQL conditions on the candidate ``c``; keys are
# ADMISSION_ATTRIBUTES' (order matters: the board's rows and the SELECT list). The one definition the board
# and the targets (ADM: LD-7b, KH-5, TV-8b) share.
ATTRIBUTE_SQL = {
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
assert list(ATTRIBUTE_SQL) == ATTRIBUTE_KEYS


def any_attribute_sql(keys: Iterable[str]) -> str:
    """SQL condition on candidate ``c``: at least one of the attributes ``keys`` holds (a candidate who is
    both a woman and Khmer counts once for KH-5); no keys means every admission."""
    keys = list(keys)
    unknown = [k for k in keys if k not in ATTRIBUTE_SQL]
    if unknown:
        raise ValueError(f"unknown admission attribute(s) {unknown}")
    if not keys:
        return "TRUE"
    return " OR ".join(f"({ATTRIBUTE_SQL[k]})" for k in keys)


# Periods as a relation: per(org_id, year, start_d, end_d), passed as parallel arrays, and ``px``: each
# joined to the organization's placements clipped to the period (several rows when it moved during the
# period, none when it did not exist at any day of it). ``span`` is bounded, so lower()/upper() are dates.
_PERIODS_CTE = """per AS MATERIALIZED (
    SELECT * FROM unnest(%(orgs)s::int[], %(years)s::int[], %(starts)s::date[], %(ends)s::date[])
        AS s(org_id, year, start_d, end_d)
), px AS MATERIALIZED (
    SELECT per.*, x.path, x.valid * daterange(per.start_d, per.end_d, '[]') AS span
      FROM per JOIN organizations_organizationplacement x
        ON x.organization_id = per.org_id AND x.valid && daterange(per.start_d, per.end_d, '[]')
)"""

# Every admitted candidate counts in the period of the ceremony (including those later struck off) under
# the organizations whose subtree held the cell that day: the scope's placement valid that day (its span
# holds the ceremony) and the cell's placement that day below its path. The outer join keeps a row (zeros)
# for every period whose organization existed.
_ADMISSIONS_SQL = "WITH " + _PERIODS_CTE + """
SELECT px.org_id, px.year, {columns}
  FROM px
  LEFT JOIN (members_candidate c
             JOIN organizations_organizationplacement pc
               ON pc.organization_id = c.cell_id AND pc.valid @> c.admitted_on)
    ON c.status = %(admitted)s AND c.admitted_on >= lower(px.span) AND c.admitted_on < upper(px.span)
   AND pc.path LIKE px.path || '%%'
 GROUP BY 1, 2
"""

Period = tuple[int, int, dt.date, dt.date]  # (organization id, year it is reported under, first day, last day)


def _period_params(periods: list[Period]) -> dict:
    return {"orgs": [p[0] for p in periods], "years": [p[1] for p in periods],
            "starts": [p[2] for p in periods], "ends": [p[3] for p in periods]}


def admission_counts(periods: Iterable[Period], *, matching: Iterable[str] | None = None
                     ) -> dict[tuple[int, int], dict[str, int]]:
    """Admissions (ceremonies) in each period under its organization, in one query whatever the number of
    periods: ``{(organization_id, year): {"total": n, "female": n, ...}}``, plus ``"matching"`` (the
    admissions with any of the ``matching`` attributes, all when empty) when ``matching`` is given. A
    period whose organization did not exist at any day of it is absent; one that existed has zeros."""
    periods = list(periods)
    if not periods:
        return {}
    columns = [f"COUNT(c.id) FILTER (WHERE {sql}) AS {key}" for key, sql in ATTRIBUTE_SQL.items()]
    keys = list(ATTRIBUTE_KEYS)
    if matching is not None:
        columns.append(f"COUNT(c.id) FILTER (WHERE {any_attribute_sql(matching)}) AS matching")
        keys.append("matching")
    params = {**_period_params(periods), "admitted": CandidateStatus.ADMITTED}
    with connection.cursor() as cur:
        cur.execute(_ADMISSIONS_SQL.format(columns=",\n       ".join(columns)), params)
        return {(org_id, year): dict(zip(keys, counts)) for org_id, year, *counts in cur.fetchall()}


def admissions_by_year(organization_ids: Iterable[int], years: Iterable[int]) -> dict[int, dict[int, dict[str, int]]]:
    """Admissions (ceremonies) per scope organization and year, in total and by attribute, in one query:
    ``{organization_id: {year: {"total": n, "female": n, ...}}}``, with zeros for years without any.
    Every admitted candidate counts in the year of the ceremony, including those later struck off."""
    org_ids = sorted(set(organization_ids))
    years = sorted(set(years))
    result = {o: {y: dict.fromkeys(ATTRIBUTE_KEYS, 0) for y in years} for o in org_ids}
    counts = admission_counts((o, y, dt.date(y, 1, 1), dt.date(y, 12, 31)) for o in org_ids for y in years)
    for (org_id, year), row in counts.items():
        result[org_id][year] = row
    return result


# KH-6: party organizations founded in a period (their "founded" event) in host units of a sector, counted
# under the organizations whose subtree held them on the founding day (the scope itself excluded).
_FOUNDED_SQL = "WITH " + _PERIODS_CTE + """
SELECT px.org_id, px.year, COUNT(DISTINCT pc.organization_id)
  FROM px
  LEFT JOIN (organizations_organizationevent e
             JOIN organizations_organization o ON o.id = e.organization_id
             JOIN organizations_hostunit h ON h.id = o.host_unit_id AND h.sector = %(sector)s
             JOIN organizations_organizationplacement pc
               ON pc.organization_id = e.organization_id AND pc.valid @> e.date)
    ON e.kind = %(founded)s AND e.date >= lower(px.span) AND e.date < upper(px.span)
   AND pc.path LIKE px.path || '%%' AND pc.organization_id <> px.org_id
 GROUP BY 1, 2
"""


def organizations_founded(periods: Iterable[Period], *, sector: str) -> dict[tuple[int, int], int]:
    """Party organizations founded in each period in host units of ``sector``, under its organization as
    placed that day, in one query: ``{(organization_id, year): n}``; absent when the organization did
    not exist at any day of the period."""
    periods = list(periods)
    if not periods:
        return {}
    params = {**_period_params(periods), "sector": sector, "founded": EventKind.FOUNDED}
    with connection.cursor() as cur:
        cur.execute(_FOUNDED_SQL, params)
        return {(org_id, year): count for org_id, year, count in cur.fetchall()}


def organizations_founded_in_private_enterprises(organization_ids: Iterable[int], years: Iterable[int]
                                                 ) -> dict[int, dict[int, int]]:
    """KH-6: party organizations founded in non-state enterprises, per scope organization and year."""
    org_ids = sorted(set(organization_ids))
    years = sorted(set(years))
    result = {o: dict.fromkeys(years, 0) for o in org_ids}
    counts = organizations_founded(((o, y, dt.date(y, 1, 1), dt.date(y, 12, 31)) for o in org_ids for y in years),
                                   sector=Sector.PRIVATE_ENTERPRISE)
    for (org_id, year), count in counts.items():
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
    from members.admissions.workdays import add_months

    cutoff = add_months(today, -months)
    return list(
        Candidate.objects.in_progress().filter(cell__path__startswith=organization.path)
        .annotate(last_date=Max("stages__date"))
        .filter(last_date__lt=cutoff)
        .select_related("cell", "current_stage").order_by("last_date", "id")[:limit]
    )
