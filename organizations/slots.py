"""(organization, period) slots as a SQL relation, so one statement computes a figure for any number of
organizations and periods over the dated tree (``OrganizationPlacement``). The targets engine asks its
metrics for many slots at once; a page that wants one figure (e.g. inspection coverage) asks for one slot
of the same statement, so both read the same rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from organizations.population import ANCESTRY, stood_under, under_during


@dataclass(frozen=True)
class Slot:
    scope_id: int
    year: int
    start: dt.date  # first day of the period (1 January, or the term's first day)
    end: dt.date  # last day of the period (31 December of ``year``)
    day: dt.date  # the reference day populations "on a day" are taken on (the rating day, for targets)

    @property
    def key(self) -> tuple[int, int]:
        return (self.scope_id, self.year)


# The slots as a relation: slot(scope_id, year, start_d, end_d, rating_d), and ``sx``, the same. (``sx`` once
# joined each slot to the scope's placement that day; the population vocabulary now reads the dated ancestry,
# whose rows exist only for a scope placed that day, so a slot whose scope did not exist still gets no figure.
# Keeping ``sx`` a plain copy of the unnested arrays keeps the planner's row estimate exact — the range test
# of that join made it estimate 5 slots for 5,062 and nest loops over them.) Pass ``slot_params(slots)``.
SLOTS_CTE = """slot AS MATERIALIZED (
    SELECT * FROM unnest(%(scope_ids)s::bigint[], %(years)s::int[], %(starts)s::date[], %(ends)s::date[],
                         %(rating_days)s::date[])
        AS s(scope_id, year, start_d, end_d, rating_d)
), sx AS (SELECT * FROM slot)"""

# The period-wide variant: the scope's placements clipped to the period (one or more rows when it moved
# during the period), for measures over a whole year or term: sxp(scope_id, year, start_d, end_d, path,
# span) where ``span`` is the part of the period the scope spent at ``path``.
SLOTS_PERIOD_CTE = """slot AS MATERIALIZED (
    SELECT * FROM unnest(%(scope_ids)s::bigint[], %(years)s::int[], %(starts)s::date[], %(ends)s::date[],
                         %(rating_days)s::date[])
        AS s(scope_id, year, start_d, end_d, rating_d)
), sxp AS MATERIALIZED (
    SELECT slot.*, x.path, x.valid * daterange(slot.start_d, slot.end_d, '[]') AS span
      FROM slot JOIN organizations_organizationplacement x
        ON x.organization_id = slot.scope_id AND x.valid && daterange(slot.start_d, slot.end_d, '[]')
)"""


def top_slots_sql(name: str, source: str, day: str, group: str = "year") -> str:
    """CTE ``name``: the rows of ``source`` (a slots relation with ``scope_id``, ``group`` and ``day``) whose
    scope lies under no other slot of the same ``group`` and ``day``. The subtrees of these are disjoint and hold
    every organization any slot of theirs counts, so a measure that counts once per cell reads each cell once:
    a full run reads the scope's subtree instead of one subtree per slot (every cell once per level above it)."""
    return f"""{name} AS MATERIALIZED (
    SELECT * FROM {source} t
     WHERE NOT EXISTS (SELECT 1 FROM {ANCESTRY} up JOIN {source} o ON o.scope_id = up.ancestor_id
                        WHERE {stood_under("up", "t.scope_id", f"t.{day}")} AND up.ancestor_id <> t.scope_id
                          AND o.{group} = t.{group} AND o.{day} = t.{day})
)"""


# The top slots of the slots passed as ``slot_params``, as the CTE ``top``.
_WITH_TOPS = "WITH " + SLOTS_CTE + ", " + top_slots_sql("top", "sx", "rating_d")
_TOPS_SQL = _WITH_TOPS + "\nSELECT DISTINCT scope_id, year, rating_d FROM top"


def fetch_per_top(sql: str, slots: list[Slot], params: dict) -> list[tuple]:
    """Run ``sql`` once per top slot (a slot under no other of its year and day: ``top_slots_sql``) with
    ``%(scope)s``, ``%(year)s`` and ``%(day)s`` as constants, and return its rows, each prefixed with the top's
    (year, day). A statement whose scope and day are constants, not columns of a CTE, is what the planner can
    estimate and run in parallel (a CTE scan is parallel-restricted): the floor's shape (../shared/RECOMPUTE.md).
    The tops' subtrees are disjoint, so their rows never overlap. Usually one top per year: the scope."""
    tops = fetch(_TOPS_SQL, slot_params(slots))
    rows = []
    for scope, year, day in tops:
        rows += [(year, day, *row) for row in fetch(sql, {**params, "scope": scope, "year": year, "day": day})]
    return rows


# How many organizations the slots' scopes hold before a statement over them is worth hashing whole relations
# (``fetch(..., hash_joins=...)``): below it the planner's index probes read only the scope's rows, and a small
# scope costs the same whether or not a city's 11 million attendance rows sit in the same tables.
HASH_JOIN_MIN_ORGANIZATIONS = 2_000

_SUBTREE_SIZE_SQL = _WITH_TOPS + """
SELECT count(*) FROM top JOIN """ + under_during("u", "top.scope_id", "daterange(top.start_d, top.end_d, '[]')")


def large_subtree(slots: list[Slot]) -> bool:
    """Whether the slots' scopes hold at least ``HASH_JOIN_MIN_ORGANIZATIONS`` organizations during their periods
    (one indexed count under the top slots, whose subtrees are disjoint; an organization that moved counts once
    per placement): the measure to pass as ``hash_joins``."""
    if not slots:
        return False
    return fetch(_SUBTREE_SIZE_SQL, slot_params(slots))[0][0] >= HASH_JOIN_MIN_ORGANIZATIONS


def slot_params(slots: list[Slot], **extra) -> dict:
    return {"scope_ids": [s.scope_id for s in slots], "years": [s.year for s in slots],
            "starts": [s.start for s in slots], "ends": [s.end for s in slots],
            "rating_days": [s.day for s in slots], **extra}


def by_slot(rows) -> dict[tuple[int, int], tuple]:
    """Rows starting with (scope_id, year, ...) keyed by the slot key."""
    return {(row[0], row[1]): row[2:] for row in rows}


def fetch(sql: str, params: dict, *, hash_joins: bool = False) -> list[tuple]:
    """Run one set-based statement. ``hash_joins`` turns nested loops and sorts off for it: the planner cannot
    estimate the unnested slots and the steps built on them (it takes 582,811 meetings for 30), and for a
    roll-up over a whole subtree (every member of 500,000 counted once per cell, every attendance row once per
    meeting) hashing whole relations and aggregating in hash tables is what the hand-written floor does.
    Measured at the capital tier: LD-4b 20.6 s → 5.7 s; QT-4b's per-meeting count sorted 11 million rows on
    disk without it (docs/PERFORMANCE.md)."""
    with connection.cursor() as cur:
        if not hash_joins:
            cur.execute(sql, params)
            return cur.fetchall()
        cur.execute("SET enable_nestloop = off")
        cur.execute("SET enable_sort = off")
        try:
            cur.execute(sql, params)
            return cur.fetchall()
        finally:
            cur.execute("RESET enable_nestloop")
            cur.execute("RESET enable_sort")
