"""No records is not failure (issue 17): which slots of a target have no records to judge.

Two reasons, each a "missing" code the engine already renders (``targets.engine.formatting.MISSING``), so the
figure is *chưa đủ dữ liệu* with the reason, never *không đạt 0*:

- ``before_records``: the period begins before the day from which the organization's records are kept
  (``Organization.records_from``, its founding date when empty). For the families that count what happened
  during a period (admissions, inspections, meetings) that is the period's first day — KT-3's 2015–2020 term
  in an application whose records begin in 2021 —; for the families whose population is taken on a day
  (ratings, reported figures, models, documents, reports) it is that day.
- ``no_records``: a family with no record at all for the year under the resolution's organization (no
  meeting of any kind logged in its whole subtree): every slot of that year. A cell that logged nothing
  while others did still fails, as before.

The count of ``before_records`` is the day as a number (yyyymmdd), so the reason names it."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from organizations.models import Organization
from organizations.population import under_during
from targets.engine.choices import Family

# Families whose figure counts what happened during the period: the period's first day must be recorded.
PERIOD_FAMILIES = frozenset({Family.ADM, Family.INSP, Family.MEET})

BEFORE_RECORDS = "before_records"
NO_RECORDS = "no_records"


def day_code(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def day_of_code(code: int) -> dt.date:
    return dt.date(code // 10000, code // 100 % 100, code % 100)


def records_begin(organization_ids) -> dict[int, dt.date]:
    """The day each organization's records are kept from, for those whose records begin after their founding
    (before its founding an organization has nothing to record: a cell founded in March is judged on its
    months, as before)."""
    return {pk: records_from for pk, records_from, founded in Organization.objects.filter(
        pk__in=set(organization_ids)).values_list("pk", "records_from", "founded_on")
        if records_from is not None and records_from > founded}


def before_records(target, slots) -> dict[tuple[int, int], dt.date]:
    """{slot key: the day records begin} for the slots whose period (or population day) precedes it."""
    begin = records_begin(slot.scope_id for slot in slots)
    period = target.family in PERIOD_FAMILIES
    found = {}
    for slot in slots:
        first = begin.get(slot.scope_id)
        if first is not None and (slot.start if period else slot.day) < first:
            found[slot.key] = first
    return found


_MEETINGLESS_YEARS = """
SELECT y.year FROM unnest(%(years)s::int[], %(starts)s::date[], %(ends)s::date[]) AS y(year, start_d, end_d)
 WHERE NOT EXISTS (
       SELECT 1 FROM (SELECT 1) AS one
         JOIN """ + under_during("c", "%(scope)s", "daterange(y.start_d, y.end_d, '[]')") + """
         JOIN meetings_meeting m ON m.cell_id = c.organization_id AND m.date <@ c.valid
        WHERE m.date BETWEEN y.start_d AND y.end_d)"""


def years_without_records(target, slots) -> set[int]:
    """The years of ``slots`` in which the family has no record at all under the resolution's organization."""
    if target.family != Family.MEET or not slots:
        return set()
    scope_id = target.resolution.scope_id
    periods = sorted({(slot.year, slot.start, slot.end) for slot in slots})
    with connection.cursor() as cur:
        cur.execute(_MEETINGLESS_YEARS, {"scope": scope_id, "years": [p[0] for p in periods],
                                         "starts": [p[1] for p in periods], "ends": [p[2] for p in periods]})
        return {row[0] for row in cur.fetchall()}
