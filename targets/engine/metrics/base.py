"""The metric contract and the registry.

A metric family (TARGETS.md) is one class registered under its family code. The engine hands it a target
(its ``params`` say what exactly to count) and a list of slots — (scope organization, year, period, the
reference date) pairs, typically the resolution's organization and every grassroots organization under
it for every year of the target — and the metric answers all of them with a constant number of SQL
statements (a set-based query over the dated tree: ``OrganizationPlacement`` paths on the period's
dates), never a Python loop over organizations or members.

Slots are passed to SQL as parallel arrays and unnested (``SLOTS_CTE``), so one statement serves any
number of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from members.ratings.rules import rating_date

REGISTRY: dict[str, "Metric"] = {}


@dataclass(frozen=True)
class Slot:
    scope_id: int
    year: int
    start: dt.date  # first day of the period (1 January, or the term's first day)
    end: dt.date  # last day of the period (31 December of ``year``)

    @property
    def key(self) -> tuple[int, int]:
        return (self.scope_id, self.year)

    @property
    def rating_day(self) -> dt.date:
        """The day annual ratings are taken on (RULES §1: after 15 December)."""
        return rating_date(self.year)


@dataclass
class Figure:
    """What a metric found for one slot. ``denominator`` is None for a plain count. ``missing`` lists what
    is not recorded yet, as (code, count) pairs rendered by ``targets.engine.formatting.missing_text``; a figure
    with missing inputs is shown but not judged (chưa đủ dữ liệu)."""

    numerator: int | float = 0
    denominator: int | float | None = None
    missing: list[tuple[str, int]] = field(default_factory=list)
    details: dict = field(default_factory=dict)


def register(cls):
    """Class decorator: one instance per family code."""
    if cls.family in REGISTRY:
        raise ValueError(f"metric family {cls.family} registered twice")
    REGISTRY[cls.family] = cls()
    return cls


class Metric:
    family: str = ""
    # The change kinds (core.events.KINDS) whose records this family reads: a change of one of these
    # kinds recomputes the targets of this family, and no others.
    reads: frozenset[str] = frozenset()
    # Parameter names the family accepts and what each means (shown to staff editing a target).
    params_help: dict[str, str] = {}

    def compute(self, target, slots: list[Slot]) -> dict[tuple[int, int], Figure]:
        raise NotImplementedError

    def validate_params(self, params: dict) -> list[str]:
        """Problems with a target's parameters (unknown keys), as messages; empty when fine."""
        # English, machine-shaped: targets.engine.forms.params_problem_text turns them into the interface language.
        unknown = sorted(set(params) - set(self.params_help))
        return [f"unknown parameter {key!r}" for key in unknown]


# The slots as a relation: slot(scope_id, year, start_d, end_d, rating_d), and ``sx``: the same joined to
# the scope organization's placement on the rating day (its path then). A slot whose scope did not exist
# on that day has no ``sx`` row and so no figure: the engine reports it as missing. Pass
# ``slot_params(slots)``.
SLOTS_CTE = """slot AS MATERIALIZED (
    SELECT * FROM unnest(%(scope_ids)s::int[], %(years)s::int[], %(starts)s::date[], %(ends)s::date[],
                         %(rating_days)s::date[])
        AS s(scope_id, year, start_d, end_d, rating_d)
), sx AS MATERIALIZED (
    SELECT slot.*, x.path
      FROM slot JOIN organizations_organizationplacement x
        ON x.organization_id = slot.scope_id AND x.valid @> slot.rating_d
)"""

# The period-wide variant: the scope's placements clipped to the period (one or more rows when it moved
# during the period), for measures over a whole year or term: sxp(scope_id, year, start_d, end_d, path,
# span) where ``span`` is the part of the period the scope spent at ``path``.
SLOTS_PERIOD_CTE = """slot AS MATERIALIZED (
    SELECT * FROM unnest(%(scope_ids)s::int[], %(years)s::int[], %(starts)s::date[], %(ends)s::date[],
                         %(rating_days)s::date[])
        AS s(scope_id, year, start_d, end_d, rating_d)
), sxp AS MATERIALIZED (
    SELECT slot.*, x.path, x.valid * daterange(slot.start_d, slot.end_d, '[]') AS span
      FROM slot JOIN organizations_organizationplacement x
        ON x.organization_id = slot.scope_id AND x.valid && daterange(slot.start_d, slot.end_d, '[]')
)"""


def slot_params(slots: list[Slot], **extra) -> dict:
    return {"scope_ids": [s.scope_id for s in slots], "years": [s.year for s in slots],
            "starts": [s.start for s in slots], "ends": [s.end for s in slots],
            "rating_days": [min(s.rating_day, s.end) for s in slots], **extra}


def by_slot(rows) -> dict[tuple[int, int], tuple]:
    """Rows starting with (scope_id, year, ...) keyed by the slot key."""
    return {(row[0], row[1]): row[2:] for row in rows}


def fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()
