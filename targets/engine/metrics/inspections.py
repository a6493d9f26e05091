"""Family INSP: coverage of inspection and supervision (LD-5a members, LD-5b chi bộ trực thuộc, LD-5c TCCSĐ
under Article 30 over the term).

The population is taken over the whole period (the calendar year, or from the term's first day to the
end of the year for a term target), not on one day, because an inspection of any day of the period
counts: everyone who was subject to being inspected at some day of it is in the denominator.

- ``subject: members``: distinct members who belonged, on some day of the period, to a cell placed under
  the scope that same day (the dated join of ``members.register.querysets.member_ids_under_sql``: the scope's
  placements clipped to the period, the placements under them, the membership periods overlapping
  those). So a member transferred between subtrees mid-year is in the denominator of both for that
  year. Numerator: those of them named as subjects of an inspection or supervision decided within the
  period (a member inspected twice counts once; an inspection of a cell does not count for its members).
- ``subject: sub_cells`` / ``tccsd``: distinct organizations of those kinds placed under the scope at some
  day of the period (the scope itself included when of such a kind), so one dissolved mid-year is still
  in that year's denominator; numerator: those named as subjects of an inspection decided in the period.

Optional ``article`` (charter article, e.g. "30") and ``activity`` (inspection | supervision) narrow the
inspections that count. ``inspections.coverage`` delegates here, so the coverage page and the targets
apply one rule."""

from __future__ import annotations

from inspections.choices import Activity
from targets.engine.choices import Family
from targets.engine.metrics.base import SLOTS_PERIOD_CTE, Figure, Metric, Slot, fetch, register, slot_params
from targets.engine.metrics.ratings import SUBJECT_KINDS

MEMBERS = "members"
# The organization subjects and their kinds (the same meaning as in the rating families).
ORGANIZATION_SUBJECTS = {key: SUBJECT_KINDS[key] for key in ("sub_cells", "tccsd")}


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
_MEMBER_POPULATION = """
, cells AS MATERIALIZED (
    SELECT sxp.scope_id, sxp.year, sxp.start_d, sxp.end_d, pc.organization_id, pc.valid * sxp.span AS valid
      FROM sxp JOIN organizations_organizationplacement pc
        ON pc.path LIKE sxp.path || '%%' AND pc.valid && sxp.span
), pop AS MATERIALIZED (
    SELECT DISTINCT c.scope_id, c.year, c.start_d, c.end_d, p.member_id AS subject_id
      FROM cells c JOIN members_membershipperiod p ON p.cell_id = c.organization_id AND p.valid && c.valid
)"""

_ORGANIZATION_POPULATION = """
, pop AS MATERIALIZED (
    SELECT DISTINCT sxp.scope_id, sxp.year, sxp.start_d, sxp.end_d, pc.organization_id AS subject_id
      FROM sxp JOIN organizations_organizationplacement pc
        ON pc.path LIKE sxp.path || '%%' AND pc.valid && sxp.span
     WHERE pc.kind = ANY(%(kinds)s)
)"""

# The subjects named by an inspection decided in each distinct period (few: one per year asked), then a
# subject of a slot is covered when the same (period, subject) is named. That test is a window over the
# two lists put together rather than a join or a per-subject lookup, because the planner misjudges both
# when statistics are stale (rows inserted since the last ANALYZE, e.g. just after seeding) and then scans
# a period's inspections once per subject — seconds over hundreds of slots; a sort costs the same always.
_COVERAGE_SQL = "WITH " + SLOTS_PERIOD_CTE + """{population}
, named AS MATERIALIZED (
    SELECT DISTINCT per.start_d, per.end_d, s.{subject_column} AS subject_id
      FROM (SELECT DISTINCT start_d, end_d FROM slot) AS per
      JOIN inspections_inspection i ON i.decision_date BETWEEN per.start_d AND per.end_d{extra}
      JOIN {subject_table} s ON s.inspection_id = i.id
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

_IDS_COLUMN = ",\n       COALESCE(array_agg(subject_id ORDER BY subject_id) FILTER (WHERE hit), " \
              "ARRAY[]::int[]) AS covered_ids"


def member_coverage_counts(slots: list[Slot], *, article=None, activity=None) -> dict[tuple[int, int], tuple[int, int]]:
    """``{slot key: (members during the period, of them inspected or supervised)}`` for every slot with
    at least one member, in one statement."""
    if not slots:
        return {}
    extra, params = _inspection_filter(article, activity)
    sql = _COVERAGE_SQL.format(population=_MEMBER_POPULATION, extra=extra, ids="",
                               subject_table="inspections_inspection_members", subject_column="member_id")
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
                               subject_table="inspections_inspection_organizations", subject_column="organization_id")
    rows = fetch(sql, slot_params(slots, kinds=[str(k) for k in kinds], **params))
    return {(row[0], row[1]): (row[2], row[3], list(row[4]) if with_ids else []) for row in rows}


@register
class InspectionCoverage(Metric):
    """Share of the members, chi bộ trực thuộc or TCCSĐ of the scope during the period that were named
    subjects of an inspection or supervision decided in the period."""

    family = Family.INSP
    reads = frozenset({"inspection", "membership", "organization"})
    params_help = {
        "subject": "members | sub_cells | tccsd",
        "article": "charter article the inspection was made under, e.g. \"30\"; empty for any",
        "activity": "inspection | supervision; empty for both",
    }

    def validate_params(self, params: dict) -> list[str]:
        problems = super().validate_params(params)
        subject = params.get("subject")
        if subject != MEMBERS and subject not in ORGANIZATION_SUBJECTS:
            problems.append(f"subject must be one of {[MEMBERS, *ORGANIZATION_SUBJECTS]}, not {subject!r}")
        activity = params.get("activity")
        if activity and activity not in Activity.values:
            problems.append(f"activity must be one of {Activity.values}, not {activity!r}")
        article = params.get("article")
        if article is not None and not isinstance(article, (str, int)):
            problems.append(f"article must be a charter article number, not {article!r}")
        return problems

    def compute(self, target, slots):
        params = target.params or {}
        filters = {"article": params.get("article"), "activity": params.get("activity")}
        subject = params["subject"]
        if subject == MEMBERS:
            counts = member_coverage_counts(slots, **filters)
        else:
            counts = {key: row[:2] for key, row in
                      organization_coverage_counts(slots, ORGANIZATION_SUBJECTS[subject], **filters).items()}
        figures = {}
        for slot in slots:
            # A slot with nobody to cover gets 0/0: the engine shows it as having no subjects, not as failed.
            population, covered = counts.get(slot.key, (0, 0))
            figures[slot.key] = Figure(numerator=covered, denominator=population)
        return figures
