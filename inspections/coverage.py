"""Coverage of inspection and supervision: the inputs of targets LD-5a/5b/5c. Each figure is one SQL
statement for an organization subtree and a period (a year or a term), whatever its size. The statements
take any number of (organization, period) slots (``organizations.slots``): the INSP metric
(``targets.engine.metrics.inspections``) asks them for every slot of a target at once, this page for one,
so the page and the targets agree.

- Members: distinct members named as subjects of an inspection or supervision decided in the period,
  among the members who belonged to the subtree during the period (``members.register.querysets``' dated join).
  A member inspected twice counts once; an inspection of a cell counts for the cell, not its members.
- Organizations of some kinds (chi bộ trực thuộc; TCCSĐ): distinct organizations named as subjects,
  among those placed in the subtree at some day of the period (the dated tree, OrganizationPlacement),
  optionally only under one charter article (Điều 30 for LD-5c)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from members.register.population import members_of_cell_during
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.population import during, under_during
from organizations.slots import SLOTS_PERIOD_CTE, Slot, fetch, large_subtree, slot_params


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


def _inspection_filter(article, activity) -> tuple[str, dict]:
    """Extra conditions on inspection ``i`` (empty values do not filter)."""
    sql, params = "", {}
    if activity:
        sql += " AND i.activity = %(activity)s"
        params["activity"] = str(activity)
    if article not in (None, ""):
        # Stored as text ("30"); a JSON parameter may carry the number.
        sql += " AND i.charter_article = %(article)s"
        params["article"] = str(article)
    return sql, params


# The populations: pop(scope_id, year, start_d, end_d, subject_id), distinct subjects per slot.
#
# Members: ``cells`` keeps the part of the period each placement under the scope spent there, so a
# membership counts only when it overlaps the days its cell was under the scope.
_PERIOD = "daterange(slot.start_d, slot.end_d, '[]')"

_MEMBER_POPULATION = """
, cells AS MATERIALIZED (
    SELECT slot.scope_id, slot.year, slot.start_d, slot.end_d, pc.organization_id,
           """ + during("pc", _PERIOD) + """ AS valid
      FROM slot JOIN """ + under_during("pc", "slot.scope_id", _PERIOD) + """
), pop AS MATERIALIZED (
    SELECT DISTINCT c.scope_id, c.year, c.start_d, c.end_d, p.member_id AS subject_id
      FROM cells c JOIN """ + members_of_cell_during("p", "c.organization_id", "c.valid") + """
)"""

_ORGANIZATION_POPULATION = """
, pop AS MATERIALIZED (
    SELECT DISTINCT slot.scope_id, slot.year, slot.start_d, slot.end_d, pc.organization_id AS subject_id
      FROM slot JOIN """ + under_during("pc", "slot.scope_id", _PERIOD) + """
     WHERE pc.kind = ANY(%(kinds)s)
)"""

# The subjects named by an inspection decided in each distinct period (few: one per year asked) — for a small
# scope only those of the population (``{only_population}``), so it does not carry every inspection of the
# database into the window below (the bloc tier's LD-5a took 0.4–0.7 s instead of 0.06 s beside the capital
# tier's 26,500 inspections and 156,000 members inspected a year); for a large one the test against its
# million-row population costs more than it saves (the capital's LD-5a: 7 s → 10 s) — then a
# subject of a slot is covered when the same (period, subject) is named. That test is a window over the
# two lists put together rather than a join or a per-subject lookup, because the planner misjudges both
# when statistics are stale (rows inserted since the last ANALYZE, e.g. just after seeding) and then scans
# a period's inspections once per subject — seconds over hundreds of slots; a sort costs the same always.
_COVERAGE_SQL = "WITH " + SLOTS_PERIOD_CTE + """{population}
, named AS MATERIALIZED (
    SELECT DISTINCT per.start_d, per.end_d, s.{subject_column} AS subject_id
      FROM (SELECT DISTINCT start_d, end_d FROM slot) AS per
      JOIN inspections_inspection i ON i.decision_date BETWEEN per.start_d AND per.end_d{extra}
      JOIN {subject_table} s ON s.inspection_id = i.id{only_population}
), flagged AS (
    SELECT t.*, bool_or(t.is_named) OVER (PARTITION BY t.start_d, t.end_d, t.subject_id) AS hit
      FROM (SELECT scope_id, year, start_d, end_d, subject_id, FALSE AS is_named FROM pop
            UNION ALL
            SELECT NULL, NULL, start_d, end_d, subject_id, TRUE FROM named) AS t
)
SELECT scope_id, year, count(*) AS population, count(*) FILTER (WHERE hit) AS covered{ids}
  FROM flagged
 WHERE NOT is_named
 GROUP BY 1, 2"""

_ONLY_POPULATION = "\n     WHERE s.{} IN (SELECT subject_id FROM pop)"

_IDS_COLUMN = ",\n       COALESCE(array_agg(subject_id ORDER BY subject_id) FILTER (WHERE hit), " \
              "ARRAY[]::int[]) AS covered_ids"


def member_coverage_counts(slots: list[Slot], *, article=None, activity=None) -> dict[tuple[int, int], tuple[int, int]]:
    """``{slot key: (members during the period, of them inspected or supervised)}`` for every slot with
    at least one member, in one statement."""
    if not slots:
        return {}
    extra, params = _inspection_filter(article, activity)
    sql = _COVERAGE_SQL.format(population=_MEMBER_POPULATION, extra=extra, ids="",
                               subject_table="inspections_inspection_members", subject_column="member_id",
                               only_population="" if large_subtree(slots) else _ONLY_POPULATION.format("member_id"))
    rows = fetch(sql, slot_params(slots, **params))
    return {(scope_id, year): (population, covered) for scope_id, year, population, covered in rows}


def organization_coverage_counts(slots: list[Slot], kinds, *, article=None, activity=None, with_ids: bool = False
                                 ) -> dict[tuple[int, int], tuple[int, int, list[int]]]:
    """``{slot key: (organizations of ``kinds`` during the period, of them inspected, their ids)}`` for
    every slot with at least one such organization, in one statement (ids only ``with_ids``, else [])."""
    if not slots:
        return {}
    extra, params = _inspection_filter(article, activity)
    sql = _COVERAGE_SQL.format(population=_ORGANIZATION_POPULATION, extra=extra, ids=_IDS_COLUMN if with_ids else "",
                               subject_table="inspections_inspection_organizations", subject_column="organization_id",
                               only_population=_ONLY_POPULATION.format("organization_id"))
    rows = fetch(sql, slot_params(slots, kinds=[str(k) for k in kinds], **params))
    return {(row[0], row[1]): (row[2], row[3], list(row[4]) if with_ids else []) for row in rows}



def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def term_period(start_year: int, end_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)


def _slot(organization, start: dt.date, end: dt.date) -> Slot:
    return Slot(scope_id=organization.pk, year=end.year, start=start, end=end, day=end)


def member_coverage(organization, start: dt.date, end: dt.date, *, activity: str | None = None,
                    article: str | None = None) -> Coverage:
    """Members of the subtree during [start, end] and how many of them were inspected/supervised."""
    slot = _slot(organization, start, end)
    total, covered = member_coverage_counts([slot], article=article, activity=activity).get(slot.key, (0, 0))
    return Coverage(covered=covered, total=total)


def organization_coverage(organization, start: dt.date, end: dt.date, *, kinds, activity: str | None = None,
                          article: str | None = None) -> Coverage:
    """Organizations of ``kinds`` placed in the subtree at some day of [start, end] (the organization
    itself included when of such a kind) and how many were named subjects of an inspection/supervision."""
    slot = _slot(organization, start, end)
    total, covered, ids = organization_coverage_counts(
        [slot], kinds, article=article, activity=activity, with_ids=True).get(slot.key, (0, 0, []))
    return Coverage(covered=covered, total=total, covered_ids=ids)


def sub_cell_coverage(organization, start, end, **kw) -> Coverage:
    """LD-5b: chi bộ trực thuộc đảng bộ cơ sở."""
    return organization_coverage(organization, start, end, kinds=[OrgKind.SUB_CELL], **kw)


def tccsd_coverage(organization, start, end, **kw) -> Coverage:
    """LD-5c: tổ chức cơ sở đảng (pass ``article="30"`` for Điều 30)."""
    return organization_coverage(organization, start, end, kinds=sorted(TCCSD_KINDS), **kw)
