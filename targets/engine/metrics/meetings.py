"""The MEET family, read from the meeting logs (``meetings``): regularity, attendance, unexcused absences,
forums, upper-level attendance, scoring, agenda items and the committees' briefing conferences (TARGETS.md
QT-4a/b/c, QT-5, QT-6, QT-7, KT-5, KH-3, KH-4). One registered class; ``params["measure"]`` chooses the
sub-measure, and each sub-measure answers every slot with one SQL statement.

Two kinds of population, both over the dated tree (``OrganizationPlacement``):

* **Cell measures** (``monthly_regular``, ``forums``, ``upper_quarterly``) judge cells. The cells are those
  placed under the scope on the reference day: the period's last day, or the scope's last day in the
  period if it ceased to exist, or today if earlier. A cell dissolved during the year is therefore not
  judged, and a cell moved between subtrees is judged (on its whole year) where it stood at the end. A
  cell must hold its meetings in every *required* unit: the months (quarters) of the period that have
  ended, from the month (quarter) the cell was founded. A cell with no required unit yet (founded this
  month, or a current year in January) is not judged; a cell that logged no meeting at all fails.
* **Meeting measures** (``attendance_rate``, ``unexcused_absences``, ``upper_attendance_share``,
  ``scored_share``, ``agenda_share``, ``briefings_quarterly``) count meetings of the period held by an
  organization placed under the scope *on the meeting date*, with the scope's own placement on that date:
  a cell moved mid-year counts its meetings under the subtree it was in on each date.

``attendance_rate`` (QT-4b) is judged per meeting by default (Hướng dẫn 12 applies the 85% to each meeting): the
share of the regular meetings whose own attendance is strictly above ``threshold``; ``basis`` pooled judges
present ÷ expected over all of them instead. Both come from one statement and the one not judged is kept beside.

For the current year only what has ended counts: months and quarters that have ended, meetings up to
today (``timezone.localdate()``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.choices import COMMITTEE_MEETING_KINDS, MIN_ATTENDANCE_RATE, AgendaItem, MeetingKind
from organizations.choices import OrgKind
from organizations.population import above_on, under_during, under_on
from organizations.slots import large_subtree, top_slots_sql
from targets.engine.choices import Family
from targets.engine.metrics.base import (
    COUNT,
    SLOTS_PERIOD_CTE,
    Figure,
    Metric,
    Param,
    by_slot,
    fetch,
    register,
    slot_params,
)

# Which cells a cell measure judges, by the ``subject`` parameter.
CELL_SUBJECTS = {
    "cells": [OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL],
    # chi bộ trực thuộc (QT-6: đảng ủy cơ sở members attend the meetings of the cells under it)
    "sub_cells": [OrgKind.SUB_CELL],
    "grassroots_cells": [OrgKind.GRASSROOTS_CELL],
}

MEASURE_CHOICES = (
    ("monthly_regular", _("cells with a regular meeting in every ended month")),
    ("attendance_rate", _("attendance at regular meetings (per meeting above the threshold, or pooled)")),
    ("unexcused_absences", _("absences without reason (count)")),
    ("forums", _("cells holding forums")),
    ("upper_quarterly", _("cells with an upper-level attendee in every ended quarter")),
    ("upper_attendance_share", _("regular meetings with an upper-level attendee")),
    ("scored_share", _("regular meetings scored against a rubric")),
    ("agenda_share", _("regular meetings with an agenda item")),
    ("briefings_quarterly", _("ended quarters with a cell secretaries' briefing conference")),
    ("thematic_quarterly", _("cells with a thematic meeting in every ended quarter")),
    ("conferences_half_yearly", _("đảng bộ cơ sở holding their regular conference in every ended half-year")),
)
MEASURES = tuple(value for value, _label in MEASURE_CHOICES)
# What QT-4b's figure is judged on (``basis``): the share of regular meetings whose own attendance is above the
# threshold (Hướng dẫn 12 applies the 85% to each meeting), or present ÷ expected pooled over all of them. The
# other figure is kept beside the judged one (``Figure.details["beside"]``).
ATTENDANCE_BASES = (
    ("per_meeting", _("per meeting: share of regular meetings with attendance above the threshold")),
    ("pooled", _("pooled: present ÷ expected over all regular meetings")),
)
# The measures that judge cells (and take the ``subject`` parameter).
CELL_MEASURES = ("monthly_regular", "forums", "upper_quarterly", "thematic_quarterly")

# One row per slot: the scope's last placement in the period and the reference day of cell measures.
# ``span`` is a canonical [) range, so upper(span) - 1 is the scope's last day in the period.
_REF = """
, ref AS MATERIALIZED (
    SELECT DISTINCT ON (scope_id, year) scope_id, year, start_d, end_d, path,
           least(upper(span) - 1, %(today)s::date) AS ref_d
      FROM sxp
     ORDER BY scope_id, year, upper(span) DESC
)"""

# The cells of the subject under the scope on the reference day — each cell once per distinct (period,
# reference day), read under the top slots only (``top_slots_sql``), however many slots lie above it — with
# its required units (months or quarters): those of the period that have ended (before today's unit), from the
# unit the cell was founded in, as the range [u0, u1) and their number. A cell without a required unit is not
# judged. Each measure then counts, once per cell, the distinct units in which its meetings qualify (one join
# with the meetings of the cell, as the hand-written floor does) and ``_CELL_ROLLUP`` counts each judged cell
# under every slot above it that day.
_CELL_UNITS = _REF + ", " + top_slots_sql("top", "ref", "ref_d") + """
, cells AS MATERIALIZED (
    SELECT DISTINCT top.year, top.start_d, top.end_d, top.ref_d, pc.organization_id AS cell_id
      FROM top JOIN """ + under_on("pc", "top.scope_id", "top.ref_d") + """
     WHERE pc.kind = ANY(%(cell_kinds)s)
), units AS MATERIALIZED (
    SELECT b.*, ((extract(year FROM b.u1) - extract(year FROM b.u0)) * 12
                 + extract(month FROM b.u1) - extract(month FROM b.u0))::int / %(step_months)s AS n_units
      FROM (SELECT cells.*, date_trunc(%(unit)s, greatest(cells.start_d, o.founded_on)::timestamp)::date AS u0,
                   least(cells.end_d + 1, date_trunc(%(unit)s, %(today)s::timestamp)::date) AS u1
              FROM cells JOIN organizations_organization o ON o.id = cells.cell_id) b
     WHERE b.u1 > b.u0
)"""

# As ``_CELL_UNITS`` with half-years for units (date_trunc has none): the halves of the period that have ended
# (unit_next <= today) and in which the organization existed (ends after its founding).
_HALF_YEARS = _REF + ", " + top_slots_sql("top", "ref", "ref_d") + """
, cells AS MATERIALIZED (
    SELECT DISTINCT top.year, top.start_d, top.end_d, top.ref_d, pc.organization_id AS cell_id
      FROM top JOIN """ + under_on("pc", "top.scope_id", "top.ref_d") + """
     WHERE pc.kind = ANY(%(cell_kinds)s)
), req AS MATERIALIZED (
    SELECT cells.*, u::date AS unit_start, (u + interval '6 months')::date AS unit_next
      FROM cells
      JOIN organizations_organization o ON o.id = cells.cell_id
     CROSS JOIN LATERAL generate_series(date_trunc('year', cells.start_d::timestamp),
                                        cells.end_d::timestamp, interval '6 months') AS u
     WHERE u::date >= cells.start_d AND (u + interval '6 months')::date <= least(cells.end_d + 1, %(today)s::date)
       AND (u + interval '6 months')::date > o.founded_on
)"""

# The roll-up gives every organization above a judged cell a row per (year, reference day), and the slots' own
# reference days come beside them ('s' rows): ``_pick_cells`` matches the two in Python, so the statement
# needs no join with the slots, whose row estimates the planner cannot know.
_CELL_ROLLUP = """
SELECT 'r', a.ancestor_id, j.year, j.ref_d, count(*)::int, (count(*) FILTER (WHERE j.ok))::int
  FROM judged j
  JOIN """ + above_on("a", "j.cell_id", "j.ref_d") + """
 GROUP BY 2, 3, 4
UNION ALL
SELECT 's', ref.scope_id, ref.year, ref.ref_d, 0, 0 FROM ref"""


def _pick_cells(rows) -> dict:
    refs = {(scope, year): day for kind, scope, year, day, *_ in rows if kind == "s"}
    rolled = {(scope, year, day): (n, ok) for kind, scope, year, day, n, ok in rows if kind == "r"}
    return {key: rolled[(*key, day)] for key, day in refs.items() if (*key, day) in rolled}


# The meetings of the slots' periods (one per year for a target) rolled up to every organization above the
# meeting's organization that day, keyed (organization, year): the slots' rows are picked in Python.
_PERIODS = """
, periods AS MATERIALIZED (SELECT DISTINCT year, start_d, end_d FROM slot)"""


def _rolled_meetings(columns: str) -> str:
    return """
SELECT a.ancestor_id, p.year, """ + columns + """
  FROM per_meeting pm
  JOIN periods p ON pm.date BETWEEN p.start_d AND p.end_d
  JOIN """ + above_on("a", "pm.cell_id", "pm.date") + """
 GROUP BY 1, 2"""

# Meetings of the period (up to today) of the given kinds, held by an organization placed under the scope
# on the meeting date: first the meetings of the organizations under any slot's scope during its period
# (``m0``, each meeting once), then each under every slot above its organization on its date (``mt``).
# Placements of one organization never overlap, so a meeting appears at most once per slot.
_MEETINGS_HELD = """
, held_by AS MATERIALIZED (
    SELECT DISTINCT c.organization_id
      FROM slot JOIN """ + under_during("c", "slot.scope_id", "daterange(slot.start_d, slot.end_d, '[]')") + """
), m0 AS MATERIALIZED (
    SELECT m.id, m.cell_id, m.date, m.agenda
      FROM held_by JOIN meetings_meeting m ON m.cell_id = held_by.organization_id
     WHERE m.kind = ANY(%(meeting_kinds)s) AND m.date <= %(today)s
       AND m.date BETWEEN (SELECT min(start_d) FROM slot) AND (SELECT max(end_d) FROM slot)
)"""
_MEETINGS = _MEETINGS_HELD + """
, mt AS MATERIALIZED (
    SELECT slot.scope_id, slot.year, m0.id, m0.date, m0.agenda
      FROM m0
      JOIN """ + above_on("a", "m0.cell_id", "m0.date") + """
      JOIN slot ON slot.scope_id = a.ancestor_id AND m0.date BETWEEN slot.start_d AND slot.end_d
)"""

_REGULAR = [str(MeetingKind.REGULAR)]

# A thematic meeting of the cell in the unit: held as such, or together with a regular meeting (RULES §2: it does
# not replace the regular one, but it is held).
THEMATIC_MEETING_SQL = "(m.kind = 'thematic' OR m.includes_thematic)"


def _judged_shares(slots, rows: dict, counted: str) -> dict:
    """Each slot's share of the judged cells (or committees) that passed, with how many were judged."""
    figures = {}
    for slot in slots:
        figure = _share(rows.get(slot.key))
        figure.details = {counted: figure.denominator}
        figures[slot.key] = figure
    return figures


def _share(row) -> Figure:
    if row is None:
        return Figure(numerator=0, denominator=0)
    total, hits = row[0], row[1]
    return Figure(numerator=hits, denominator=total)


def today():
    """Today in the project's time zone; a function so tests can pin it."""
    return timezone.localdate()


@register
class Meetings(Metric):
    family = Family.MEET
    reads = frozenset({"meeting", "membership", "organization"})
    parameters = (
        Param("measure", _("measure"), choices=MEASURE_CHOICES, required=True,
              help=("monthly_regular (share of cells with a regular meeting in every ended month) | "
                    "attendance_rate (regular meetings above the threshold, or present ÷ expected pooled: basis) | "
                    "unexcused_absences (count) | "
                    "forums (share of cells with at least min_count forums) | upper_quarterly (share of cells "
                    "with an upper-level attendee in every ended quarter) | upper_attendance_share | "
                    "scored_share | agenda_share (share of regular meetings) | briefings_quarterly (share of "
                    "ended quarters with a cell secretaries' briefing conference) | thematic_quarterly (share of "
                    "cells with a thematic meeting in every ended quarter) | conferences_half_yearly (share of "
                    "đảng bộ cơ sở with a regular conference in every ended half-year)")),
        Param("subject", _("cells judged"), choices=(
            ("cells", _("every party cell")), ("sub_cells", _("party cells under a grassroots committee")),
            ("grassroots_cells", _("grassroots party cells"))), default="cells", when={"measure": CELL_MEASURES},
            help="cell measures: cells (default) | sub_cells (chi bộ trực thuộc) | grassroots_cells"),
        Param("min_count", _("forums a cell needs in the year"), COUNT, default=1, when={"measure": ("forums",)},
              help="forums: how many forums a cell needs in the year (default 1)"),
        Param("item", _("agenda item"), choices=AgendaItem.choices, required=True,
              when={"measure": ("agenda_share",)}, help="agenda_share: the agenda item, e.g. commitments"),
        Param("basis", _("attendance judged on"), choices=ATTENDANCE_BASES, default="per_meeting",
              when={"measure": ("attendance_rate",)},
              help="attendance_rate: per_meeting (default; share of regular meetings whose attendance is above "
                   "threshold) | pooled (present ÷ expected over all regular meetings); the other is kept beside"),
        Param("threshold", _("attendance each meeting must be above (percent)"), COUNT, default=MIN_ATTENDANCE_RATE,
              when={"measure": ("attendance_rate",)}, maximum=99,
              help="attendance_rate: the per-meeting bound in percent, strictly above (default 85)"),
    )

    def compute(self, target, slots):
        measure = target.params.get("measure")
        if measure not in MEASURES:
            raise ValueError(f"unknown MEET measure {measure!r}")
        params = slot_params(slots, today=today())
        return getattr(self, f"_{measure}")(target, slots, params)

    # ------------------------------------------------------------------------------ cell measures

    @staticmethod
    def _cell_params(target, params, unit: str) -> dict:
        subject = target.params.get("subject", "cells")
        if subject not in CELL_SUBJECTS:
            raise ValueError(f"unknown subject {subject!r}")
        return {**params, "unit": unit, "step_months": 1 if unit == "month" else 3,
                "cell_kinds": [str(k) for k in CELL_SUBJECTS[subject]]}

    def _cells_share(self, slots, params: dict, meetings: str, ok: str):
        """Share of the judged cells for which ``ok`` holds: an aggregate over the cell's meetings ``m`` that
        satisfy ``meetings`` (a join condition over the cell's row ``u`` of ``units``), compared with
        ``u.n_units``. Cells without such a meeting fail unless ``ok`` says otherwise."""
        sql = "WITH " + SLOTS_PERIOD_CTE + _CELL_UNITS + f"""
            , judged AS (
                SELECT u.year, u.ref_d, u.cell_id, ({ok}) AS ok
                  FROM units u LEFT JOIN meetings_meeting m ON m.cell_id = u.cell_id AND {meetings}
                 GROUP BY u.year, u.ref_d, u.cell_id, u.n_units
            )""" + _CELL_ROLLUP
        return _judged_shares(slots, _pick_cells(fetch(sql, params)), "cells")

    def _monthly_regular(self, target, slots, params):
        """QT-4a: cells with a regular meeting in every required month."""
        return self._cells_share(
            slots, self._cell_params(target, params, "month"),
            "m.kind = 'regular' AND m.date >= u.u0 AND m.date < u.u1",
            "count(DISTINCT date_trunc('month', m.date)) >= u.n_units")

    def _forums(self, target, slots, params):
        """QT-5: cells that held at least ``min_count`` forums in the period (up to today)."""
        min_count = int(target.params.get("min_count", 1))
        return self._cells_share(
            slots, {**self._cell_params(target, params, "month"), "min_count": min_count},
            "m.kind = 'forum' AND m.date BETWEEN u.start_d AND least(u.end_d, %(today)s::date)",
            "count(m.id) >= %(min_count)s")

    def _upper_quarterly(self, target, slots, params):
        """QT-6: cells where, in every required quarter, at least one meeting had an upper-level attendee."""
        return self._cells_share(
            slots, self._cell_params(target, params, "quarter"),
            "m.date >= u.u0 AND m.date < u.u1 AND EXISTS (SELECT 1 FROM meetings_upperattendance ua "
            "WHERE ua.meeting_id = m.id)",
            "count(DISTINCT date_trunc('quarter', m.date)) >= u.n_units")

    def _thematic_quarterly(self, target, slots, params):
        """Hướng dẫn 12: cells that held a thematic meeting (on its own, or in the same session as a regular
        one) in every required quarter."""
        return self._cells_share(
            slots, self._cell_params(target, params, "quarter"),
            THEMATIC_MEETING_SQL + " AND m.date >= u.u0 AND m.date < u.u1",
            "count(DISTINCT date_trunc('quarter', m.date)) >= u.n_units")

    def _conferences_half_yearly(self, target, slots, params):
        """RULES §3: the đảng bộ cơ sở under the scope on the reference day (as the cell measures take cells) that
        held their regular conference in every required half-year: the halves of the period that have ended,
        from the half the committee was founded in."""
        sql = "WITH " + SLOTS_PERIOD_CTE + _HALF_YEARS + """
            , judged AS (
                SELECT req.year, req.start_d, req.end_d, req.ref_d, req.cell_id, bool_and(EXISTS (
                           SELECT 1 FROM meetings_meeting m
                            WHERE m.cell_id = req.cell_id AND m.kind = 'conference'
                              AND m.date >= req.unit_start AND m.date < req.unit_next)) AS ok
                  FROM req GROUP BY 1, 2, 3, 4, 5
            )""" + _CELL_ROLLUP
        rows = _pick_cells(fetch(sql, {**params, "cell_kinds": [str(OrgKind.GRASSROOTS_COMMITTEE)]}))
        return _judged_shares(slots, rows, "committees")

    # --------------------------------------------------------------------------- meeting measures

    def _attendance_rate(self, target, slots, params):
        """QT-4b over the regular meetings, each meeting's attendance counted once: present ÷ expected (attendance
        rows not excluded: members exempted or on special duty are left out). ``basis`` per_meeting (the default)
        judges the share of the meetings with an expected attendee whose own rate is strictly above ``threshold``;
        pooled judges present ÷ expected over all of them. The other figure is kept in ``details["beside"]``."""
        basis = target.params.get("basis", "per_meeting")
        if basis not in dict(ATTENDANCE_BASES):
            raise ValueError(f"unknown attendance basis {basis!r}")
        threshold = int(target.params.get("threshold", MIN_ATTENDANCE_RATE))
        # Attendance counted once per meeting, then rolled up to the slots above the meeting's cell that day; the
        # per-meeting test is exact in integers (present / expected > threshold / 100).
        sql = "WITH " + SLOTS_PERIOD_CTE + _MEETINGS_HELD + _PERIODS + """
            , per_meeting AS MATERIALIZED (
                SELECT m0.id, m0.cell_id, m0.date, count(*) FILTER (WHERE at.status <> 'excluded') AS expected,
                       count(*) FILTER (WHERE at.status = 'present') AS present
                  FROM m0 JOIN meetings_attendance at ON at.meeting_id = m0.id
                 GROUP BY 1, 2, 3
            )""" + _rolled_meetings(
            "sum(pm.expected)::int, sum(pm.present)::int, count(*)::int, "
            "(count(*) FILTER (WHERE pm.expected > 0))::int, "
            "(count(*) FILTER (WHERE pm.expected > 0 AND pm.present * 100 > %(threshold)s * pm.expected))::int")
        # Hash joins for a large scope: every attendance row of the period is counted (11 million at the capital
        # tier) and every meeting rolled up; probing an index per meeting, as the planner's estimates of the CTEs
        # suggest, took 3× the hand-written floor (docs/PERFORMANCE.md). For a small scope the probes are right:
        # hashing read the whole attendance table (the bloc tier's QT-4b: 1.4 s beside the capital, 0.1 alone).
        rows = by_slot(fetch(sql, {**params, "meeting_kinds": _REGULAR, "threshold": threshold},
                             hash_joins=large_subtree(slots)))
        figures = {}
        for slot in slots:
            expected, present, meetings, judged, above = rows.get(slot.key) or (0, 0, 0, 0, 0)
            pooled, per_meeting = (present, expected), (above, judged)
            judged_on, beside = (per_meeting, pooled) if basis == "per_meeting" else (pooled, per_meeting)
            other = "pooled" if basis == "per_meeting" else "per_meeting"
            figures[slot.key] = Figure(numerator=judged_on[0], denominator=judged_on[1], details={
                "meetings": meetings, "basis": basis, "threshold": threshold,
                "beside": {"basis": other, "numerator": beside[0], "denominator": beside[1]}})
        return figures

    def _unexcused_absences(self, target, slots, params):
        """QT-4c: attendance rows absent without reason, at the meetings of any kind. When the scope logged
        no meeting at all in the period, "none" would be vacuous: the count is shown as missing data."""
        # Unexcused absences counted once per meeting, rolled up to the slots above; every CTE materialized so
        # each is computed once (the planner cannot estimate them and would re-run one per slot).
        sql = "WITH " + SLOTS_PERIOD_CTE + _MEETINGS_HELD + _REF + _PERIODS + """
            , per_meeting AS MATERIALIZED (
                SELECT m0.id, m0.cell_id, m0.date, count(at.id) AS unexcused
                  FROM m0 LEFT JOIN meetings_attendance at ON at.meeting_id = m0.id AND at.status = 'absent_unexcused'
                 GROUP BY 1, 2, 3
            ), counted AS MATERIALIZED (""" + _rolled_meetings("count(*)::int, sum(pm.unexcused)::int") + """
            )
            SELECT 'c', c.* FROM counted c
            UNION ALL
            SELECT 'n', ref.scope_id, ref.year, 0, count(*)::int
              FROM ref JOIN """ + under_on("pc", "ref.scope_id", "ref.ref_d") + """
             WHERE pc.kind = ANY(%(cell_kinds)s)
             GROUP BY 2, 3"""
        kinds = [str(k) for k in MeetingKind if k not in COMMITTEE_MEETING_KINDS]
        counted, cells_of = {}, {}
        for kind, scope, year, a, b in fetch(sql, {**params, "meeting_kinds": kinds,
                                                    "cell_kinds": [str(k) for k in CELL_SUBJECTS["cells"]]}):
            if kind == "c":
                counted[(scope, year)] = (a, b)
            else:
                cells_of[(scope, year)] = b
        figures = {}
        for slot in slots:
            meetings, unexcused = counted.get(slot.key, (0, 0))
            cells = cells_of.get(slot.key, 0)
            missing = []
            if not meetings:
                missing = [("no_meetings", int(cells))] if cells else [("no_subjects", 0)]
            figures[slot.key] = Figure(numerator=int(unexcused), denominator=None, missing=missing,
                                       details={"meetings": int(meetings)})
        return figures

    def _regular_share(self, slots, params, condition: str, extra: dict | None = None):
        """Share of the regular meetings for which ``condition`` (over the meeting ``m0``) holds: judged once
        per meeting, then rolled up to the slots above its cell that day."""
        sql = "WITH " + SLOTS_PERIOD_CTE + _MEETINGS_HELD + _PERIODS + f"""
            , per_meeting AS MATERIALIZED (SELECT m0.id, m0.cell_id, m0.date, ({condition}) AS hit FROM m0)
            """ + _rolled_meetings("count(*)::int, (count(*) FILTER (WHERE pm.hit))::int")
        rows = by_slot(fetch(sql, {**params, "meeting_kinds": _REGULAR, **(extra or {})}))
        return {slot.key: _share(rows.get(slot.key)) for slot in slots}

    def _upper_attendance_share(self, target, slots, params):
        """KT-5: regular meetings with at least one upper-level attendee."""
        return self._regular_share(slots, params, "EXISTS (SELECT 1 FROM meetings_upperattendance u "
                                                  "WHERE u.meeting_id = m0.id)")

    def _scored_share(self, target, slots, params):
        """QT-7: regular meetings scored against a rubric (at least one score row)."""
        return self._regular_share(slots, params, "EXISTS (SELECT 1 FROM meetings_meetingscore s "
                                                  "WHERE s.meeting_id = m0.id)")

    def _agenda_share(self, target, slots, params):
        """KH-3: regular meetings whose agenda checklist includes ``item``."""
        item = target.params.get("item")
        if item not in AgendaItem.values:
            raise ValueError(f"unknown agenda item {item!r}")
        return self._regular_share(slots, params, "%(item)s = ANY(m0.agenda)", {"item": item})

    def _briefings_quarterly(self, target, slots, params):
        """KH-4: the ended quarters of the period during which the scope existed, and those in which an
        organization placed in its subtree (itself included) held a cell secretaries' briefing conference."""
        sql = "WITH " + SLOTS_PERIOD_CTE + _MEETINGS + """
            , q AS MATERIALIZED (
                SELECT slot.scope_id, slot.year, u::date AS q_start, (u + interval '3 months')::date AS q_next
                  FROM slot
                 CROSS JOIN LATERAL generate_series(
                       date_trunc('quarter', slot.start_d::timestamp),
                       least(slot.end_d + 1, date_trunc('quarter', %(today)s::timestamp)::date) - interval '3 months',
                       interval '3 months') AS u
                 WHERE EXISTS (SELECT 1 FROM sxp WHERE sxp.scope_id = slot.scope_id AND sxp.year = slot.year
                                  AND sxp.span && daterange(u::date, (u + interval '3 months')::date))
            )
            SELECT q.scope_id, q.year, count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM mt WHERE mt.scope_id = q.scope_id
                                                     AND mt.year = q.year AND mt.date >= q.q_start
                                                     AND mt.date < q.q_next))
              FROM q GROUP BY 1, 2"""
        rows = by_slot(fetch(sql, {**params, "meeting_kinds": [str(MeetingKind.BRIEFING)]}))
        return {slot.key: _share(rows.get(slot.key)) for slot in slots}
