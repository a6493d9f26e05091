"""Demo cell meetings from 2021 to ``today`` (this month partly logged: the cells whose meeting day has come)
on top of the demo register (devdata.demo.register): regular monthly
meetings for every cell on the dates it existed with about 3 % of months missing, a thematic meeting
each quarter for about 85 % of cells, one or two forums a year for some, upper-level attendees from
committee positions, and Phú Thọ rubric scores for the cells of the enterprise bloc.

Fast by construction: meetings are generated in Python (about 30,000 rows, one COPY with history rows by
``INSERT … SELECT``, devdata.demo.bulk), attendance and scores with ``INSERT … SELECT`` statements that join
each meeting to the membership periods valid on its date. Deterministic: the rng is seeded and the
per-member draws hash (seed, cell, date, member) in SQL."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from devdata.demo.bulk import insert_with_history
from meetings.choices import AgendaItem, MeetingKind
from meetings.models import Meeting, Rubric, UpperAttendance
from meetings.services import rubric_choose
from members.register.models import StatusPeriod
from organizations.choices import CELL_KINDS
from organizations.models import Organization

SCORED_BLOC_CODE = "DBK-DN"  # the Quảng Trị-style enterprise bloc (seed 002 scores its meetings, QT-7)
REASONS = ["Ốm", "Đi công tác", "Nghỉ phép", "Việc gia đình", "Đi học", "Trực cơ quan"]
STANDARD_AGENDA = [AgendaItem.DUES, AgendaItem.CURRENT_AFFAIRS, AgendaItem.REVIEW, AgendaItem.HO_CHI_MINH,
                   AgendaItem.NEXT_TASKS]

# Per-member draws: a deterministic number 0–999 from the seed, the cell, the date and the member, computed
# once per row; exclusions from the (few) exemption and special-duty periods, looked up only for the members
# who have one (``excludable``).
_ATTENDANCE = """
INSERT INTO meetings_attendance (meeting_id, member_id, status, reason, excluded_kind)
SELECT id, member_id,
       CASE WHEN ex_kind IS NOT NULL THEN 'excluded' WHEN draw < 50 THEN 'absent_excused'
            WHEN draw < 55 THEN 'absent_unexcused' ELSE 'present' END,
       CASE WHEN ex_kind IS NULL AND draw < 50 THEN (%(reasons)s::text[])[1 + draw %% %(n_reasons)s] ELSE '' END,
       coalesce(ex_kind, '')
FROM (
  SELECT m.id, p.member_id,
         abs(hashtext(%(seed)s || ':' || m.cell_id || ':' || m.date || ':' || p.member_id)) %% 1000 AS draw,
         CASE WHEN p.member_id = ANY(%(excludable)s) THEN
           (SELECT min(s.kind) FROM members_statusperiod s
             WHERE s.member_id = p.member_id AND s.valid @> m.date AND s.kind IN ('exempted', 'special_duty'))
         END AS ex_kind
  FROM meetings_meeting m
  JOIN members_membershipperiod p ON p.cell_id = m.cell_id AND p.valid @> m.date
  WHERE m.id BETWEEN %(first)s AND %(last)s
) rows
"""

# Scores: each criterion gets 70–100 % of its points in half points, a few meetings noticeably weaker.
_SCORES = """
INSERT INTO meetings_meetingscore (meeting_id, criterion_id, points)
SELECT m.id, cr.id,
       least(cr.max_points, round(cr.max_points * (
         CASE WHEN abs(hashtext(%(seed)s || ':weak:' || m.id)) %% 100 < 8 THEN 0.55 ELSE 0.82 END
         + (abs(hashtext(%(seed)s || ':' || m.id || ':' || cr.id)) %% 19) / 100.0) * 2) / 2)
FROM meetings_meeting m
JOIN meetings_rubricsection sec ON sec.rubric_id = m.rubric_id
JOIN meetings_rubriccriterion cr ON cr.section_id = sec.id
WHERE m.id BETWEEN %(first)s AND %(last)s AND m.kind = 'regular' AND m.rubric_id IS NOT NULL
"""


def _upper_attendees(rng: random.Random, meetings: list[Meeting]) -> int:
    """About a quarter of regular meetings get one upper-level attendee: a committee member of an
    organization above the cell on that date, the nearest level first."""
    from members.register.models import CommitteePosition

    paths = dict(Organization.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    step = Organization.steplen
    positions: dict[int, list] = {}
    for p in CommitteePosition.objects.order_by("organization_id", "id").values(
            "member_id", "organization_id", "position", "valid"):
        positions.setdefault(p["organization_id"], []).append(p)
    rows = []
    for m in meetings:
        if m.kind != MeetingKind.REGULAR or rng.random() >= 0.25:
            continue
        path = paths[m.cell_id]
        for i in range(len(path) - step, 0, -step):  # the nearest committee above first
            org_id = by_path.get(path[:i])
            held = [p for p in positions.get(org_id, ()) if m.date in p["valid"]]
            if held:
                p = rng.choice(held)
                rows.append(UpperAttendance(meeting_id=m.pk, member_id=p["member_id"], organization_id=org_id,
                                            position=p["position"]))
                break
    UpperAttendance.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _month_day(rng: random.Random, year: int, month: int, lo: int = 3, hi: int = 26) -> dt.date:
    return dt.date(year, month, rng.randint(lo, hi))


@transaction.atomic
def seed_meetings(*, seed: int, start_year: int = 2021, end_year: int | None = None, today: dt.date | None = None,
                  log: Callable[[str], None] | None = None) -> dict:
    """Create the demo meetings on the organizations and members already in the database, none after
    ``today`` (default the real today; ``end_year`` default today's year). Returns counts."""
    started = time.perf_counter()
    say = log or (lambda _msg: None)
    rng = random.Random(f"meetings:{seed}")
    today = today or dt.date.today()
    end_year = today.year if end_year is None else end_year

    rubric = Rubric.objects.filter(name__startswith="Phú Thọ").first()
    scored = Organization.objects.filter(code=SCORED_BLOC_CODE).first()
    if rubric is not None and scored is not None:
        rubric_choose(rubric=rubric, organization=scored, from_year=start_year)
    scored_prefix = scored.path if scored is not None and rubric is not None else None

    cells = list(Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")
                 .values_list("pk", "path", "founded_on", "dissolved_on"))
    meetings: list[Meeting] = []

    def make(cell_id, path, day, kind, **extra):
        rubric_id = rubric.pk if scored_prefix and path.startswith(scored_prefix) and kind == MeetingKind.REGULAR \
            else None
        start = dt.time(14, 0) if rng.random() < 0.7 else dt.time(8, 0)
        minutes = rng.choice([90, 100, 105, 120, 120, 150]) if rng.random() > 0.04 else 75
        if extra.get("includes_thematic"):
            minutes = max(minutes, 120)
        end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
        meetings.append(Meeting(
            cell_id=cell_id, date=day, kind=kind, start_time=start, end_time=end, rubric_id=rubric_id,
            format="online" if rng.random() < 0.05 else "in_person",
            agenda=STANDARD_AGENDA + ([AgendaItem.COMMITMENTS] if rng.random() < 0.6 else []),
            conclusions="Chi bộ thống nhất kết luận và phân công nhiệm vụ tháng tới.",
            # Documents sent out one to four days ahead, now and then only on the day (the 2025 guidance asks a
            # day); derived from the cell and the day, not drawn, so the random sequence of the rest is unchanged.
            documents_posted_on=day - dt.timedelta(days=0 if (cell_id + day.toordinal()) % 30 == 0
                                                   else 1 + (cell_id + day.toordinal()) % 4),
            preparation_ok=rng.random() > 0.03, principles_ok=rng.random() > 0.01, **extra))

    for cell_id, path, founded, dissolved in cells:
        thematic_cell = rng.random() < 0.85
        forums_cell = rng.random() < 0.4
        for year in range(start_year, end_year + 1):
            for month in range(1, 13):
                day = _month_day(rng, year, month)
                if day > today or day < founded or (dissolved is not None and day >= dissolved):
                    continue
                if rng.random() < 0.03:
                    continue  # a missed month
                combined = thematic_cell and month % 3 == 0 and rng.random() < 0.3
                make(cell_id, path, day, MeetingKind.REGULAR, includes_thematic=combined)
                if thematic_cell and month % 3 == 0 and not combined:
                    other = _month_day(rng, year, month, 1, 28)
                    if other <= today and (dissolved is None or other < dissolved) and other >= founded:
                        make(cell_id, path, other, MeetingKind.THEMATIC)
            if forums_cell:
                for month in sorted(rng.sample(range(2, 12), rng.choice([1, 2]))):
                    day = _month_day(rng, year, month)
                    if founded <= day <= today and (dissolved is None or day < dissolved):
                        make(cell_id, path, day, MeetingKind.FORUM)
    say(f"meetings: {len(meetings)} generated")
    insert_with_history(Meeting, meetings, reason="demo")  # with the audit trail's "created" rows
    created = meetings
    first, last = (meetings[0].pk, meetings[-1].pk) if meetings else (0, -1)
    excludable = sorted(StatusPeriod.objects.filter(kind__in=["exempted", "special_duty"])
                        .values_list("member_id", flat=True).distinct())
    params = {"seed": str(seed), "first": first, "last": last, "reasons": REASONS, "n_reasons": len(REASONS),
              "excludable": excludable}
    with connection.cursor() as cur:
        say(f"meetings inserted at {time.perf_counter() - started:.1f} s")
        cur.execute(_ATTENDANCE, params)
        attendance = cur.rowcount
        say(f"attendance: {attendance} rows at {time.perf_counter() - started:.1f} s")
        cur.execute(_SCORES, params)
        scores = cur.rowcount
    upper = _upper_attendees(rng, created)
    elapsed = time.perf_counter() - started
    say(f"meetings seeded in {elapsed:.1f} s")
    return {"meetings": len(created), "attendance": attendance, "upper": upper, "scores": scores,
            "seconds": elapsed}
