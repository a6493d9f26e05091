"""Reads of cell meetings: scoping, attendance figures computed in the database, the "absent with reason
more than 3 times in a row" window query and the yearly grade from scoring rubrics."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models
from django.db.models import Count, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, NullIf

from meetings.choices import MAX_EXCUSED_IN_A_ROW, AttendanceStatus, MeetingKind
from organizations.scoping import ScopedQuerySet


class MeetingQuerySet(ScopedQuerySet):
    def regular(self):
        return self.filter(kind=MeetingKind.REGULAR)

    def in_year(self, year: int):
        return self.filter(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))

    def in_month(self, year: int, month: int):
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        return self.filter(date__gte=start, date__lt=end)

    def with_attendance(self):
        """Counts by status and the rate present ÷ (expected − excluded) in percent, in one GROUP BY."""
        s = AttendanceStatus

        def count(status=None):
            return Count("attendance", filter=Q(attendance__status=status) if status else None)

        return self.annotate(
            expected_count=count(), present_count=count(s.PRESENT), excused_count=count(s.ABSENT_EXCUSED),
            unexcused_count=count(s.ABSENT_UNEXCUSED), excluded_count=count(s.EXCLUDED),
        ).annotate(attendance_rate=Cast(F("present_count"), FloatField()) * 100.0
                   / NullIf(F("expected_count") - F("excluded_count"), 0))

    def with_score(self):
        """The total of the rubric scores and the level band it reaches (name and rank)."""
        from meetings.models import MeetingScore, RubricLevel

        total = MeetingScore.objects.filter(meeting=OuterRef("pk")).values("meeting").annotate(
            s=Sum("points")).values("s")
        level = RubricLevel.objects.filter(rubric=OuterRef("rubric"), min_points__lte=OuterRef("score_total")
                                           ).order_by("-min_points")
        return self.annotate(score_total=Subquery(total)).annotate(
            level_name=Subquery(level.values("name")[:1]), level_rank=Subquery(level.values("rank")[:1]))


class AttendanceQuerySet(ScopedQuerySet):
    pass


class RubricQuerySet(models.QuerySet):
    pass


# Gaps and islands over each member's regular meetings of the cells in the year (excluded rows left out):
# the difference of two row numbers is constant along a run of one status, so a third row number inside
# that group is the length of the run of "absent with reason" up to and including each meeting.
_EXCUSED_STREAKS = """
WITH seq AS (
  SELECT a.meeting_id, a.member_id, m.date, a.status,
         row_number() OVER (PARTITION BY m.cell_id, a.member_id ORDER BY m.date, m.id)
       - row_number() OVER (PARTITION BY m.cell_id, a.member_id, a.status = 'absent_excused'
                            ORDER BY m.date, m.id) AS grp,
         m.cell_id
  FROM meetings_attendance a
  JOIN meetings_meeting m ON m.id = a.meeting_id
  WHERE m.kind = 'regular' AND m.cell_id = ANY(%s) AND m.date >= %s AND m.date < %s
    AND a.status <> 'excluded'
), runs AS (
  SELECT meeting_id, member_id, status,
         row_number() OVER (PARTITION BY cell_id, member_id, status = 'absent_excused', grp
                            ORDER BY date, meeting_id) AS streak
  FROM seq
)
SELECT meeting_id, member_id, streak FROM runs
WHERE status = 'absent_excused' AND streak > %s
"""


def excused_streaks(cell_ids, year: int) -> dict[int, dict[int, int]]:
    """{meeting id: {member id: run length}} for every regular meeting of the cells in ``year`` at which a
    member was absent with reason more than 3 times in a row (that meeting included). One query."""
    cell_ids = list(cell_ids)
    if not cell_ids:
        return {}
    found: dict[int, dict[int, int]] = {}
    with connection.cursor() as cur:
        cur.execute(_EXCUSED_STREAKS, [cell_ids, dt.date(year, 1, 1), dt.date(year + 1, 1, 1), MAX_EXCUSED_IN_A_ROW])
        for meeting_id, member_id, streak in cur.fetchall():
            found.setdefault(meeting_id, {})[member_id] = streak
    return found


_YEARLY_GRADES = """
WITH scored AS (
  SELECT m.id, m.cell_id, m.rubric_id,
         (SELECT sum(s.points) FROM meetings_meetingscore s WHERE s.meeting_id = m.id) AS total
  FROM meetings_meeting m
  WHERE m.kind = 'regular' AND m.cell_id = ANY(%s) AND m.date >= %s AND m.date < %s AND m.rubric_id IS NOT NULL
), ranked AS (
  SELECT scored.*, (SELECT l.rank FROM meetings_rubriclevel l
                    WHERE l.rubric_id = scored.rubric_id AND l.min_points <= scored.total
                    ORDER BY l.min_points DESC LIMIT 1) AS rank
  FROM scored
), per_rule AS (
  SELECT r.cell_id, y."order", y.id AS rule_id, lv.name AS grade, y.top_count,
         bool_and(r.rank IS NOT NULL AND r.rank >= coalesce(al.rank, 0)) AS all_ok,
         count(*) FILTER (WHERE r.rank >= coalesce(tl.rank, 0)) AS top_n,
         count(*) AS meetings
  FROM ranked r
  JOIN meetings_rubricyearrule y ON y.rubric_id = r.rubric_id
  JOIN meetings_rubriclevel lv ON lv.id = y.level_id
  LEFT JOIN meetings_rubriclevel al ON al.id = y.all_at_least_id
  LEFT JOIN meetings_rubriclevel tl ON tl.id = y.top_level_id
  GROUP BY r.cell_id, y."order", y.id, lv.name, y.top_count
)
SELECT DISTINCT ON (cell_id) cell_id, grade
FROM per_rule WHERE all_ok AND top_n >= top_count
ORDER BY cell_id, "order", rule_id
"""


def yearly_grades(cell_ids, year: int) -> dict[int, str]:
    """{cell id: yearly grade name} by the rules of each cell's rubric, for the cells that meet a rule.
    One set-based query for any number of cells."""
    cell_ids = list(cell_ids)
    if not cell_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(_YEARLY_GRADES, [cell_ids, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)])
        return dict(cur.fetchall())


def expected_attendees(cell, day: dt.date):
    """Membership periods of ``cell`` valid on ``day`` with the member and, when the member was exempted
    or on special duty that day, that kind (``excluded_kind``). One query."""
    from members.register.choices import StatusPeriodKind
    from members.register.models import MembershipPeriod, StatusPeriod

    excluded = StatusPeriod.objects.on(day).filter(
        member=OuterRef("member"), kind__in=[StatusPeriodKind.EXEMPTED, StatusPeriodKind.SPECIAL_DUTY]
    ).order_by("kind")
    return (MembershipPeriod.objects.on(day).filter(cell=cell).select_related("member")
            .annotate(excluded_kind=Subquery(excluded.values("kind")[:1]))
            .order_by("member__full_name", "member_id"))
