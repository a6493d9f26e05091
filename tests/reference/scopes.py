"""REFERENCE COPY (issue 16): the slot enumeration before the ancestry table."""
# ruff: noqa
from collections.abc import Iterable

from django.db import connection

from targets.engine.metrics.base import Slot
from targets.engine.models import Target

from targets.engine.compute import DRILL_KINDS
from targets.engine.metrics.base import target_slot

_SCOPES_SQL = """
SELECT DISTINCT y.year, p.organization_id
  FROM unnest(%(years)s::int[]) AS y(year)
  JOIN organizations_organizationplacement x
    ON x.organization_id = %(scope)s AND x.valid && daterange(make_date(y.year, 1, 1), make_date(y.year, 12, 31), '[]')
  JOIN organizations_organizationplacement p
    ON p.path LIKE x.path || '%%' AND p.valid && x.valid
   AND p.valid && daterange(make_date(y.year, 1, 1), make_date(y.year, 12, 31), '[]')
 WHERE p.organization_id = %(scope)s OR p.kind = ANY(%(kinds)s)
"""


def scope_slots(target: Target, years: Iterable[int]) -> list[Slot]:
    """The (organization, year) slots of a target: its resolution's scope, plus the organizations of
    DRILL_KINDS placed under it at some day of each year — one query whatever the tree's size. The scope
    itself always has a slot for every year asked (a year it did not exist shows as missing)."""
    years = sorted(set(years) & set(target.years))
    if not years:
        return []
    scope_id = target.resolution.scope_id
    with connection.cursor() as cur:
        cur.execute(_SCOPES_SQL, {"years": years, "scope": scope_id, "kinds": [str(k) for k in DRILL_KINDS]})
        pairs = set(cur.fetchall())
    pairs |= {(year, scope_id) for year in years}
    slots = []
    for year, org_id in sorted(pairs):
        start, end = target.period(year)
        slots.append(target_slot(org_id, year, start, end))
    return slots


