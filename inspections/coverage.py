"""Coverage of inspection and supervision: the inputs of targets LD-5a/5b/5c. Each figure is one SQL
statement for an organization subtree and a period (a year or a term), whatever its size. The rule lives
in the INSP metric (``targets.engine.metrics.inspections``), which computes it for any number of (organization,
period) slots at once; these functions ask it for one slot, so this page and the targets agree.

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

from organizations.choices import TCCSD_KINDS, OrgKind
from targets.engine.metrics.base import Slot
from targets.engine.metrics.inspections import member_coverage_counts, organization_coverage_counts


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


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def term_period(start_year: int, end_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)


def _slot(organization, start: dt.date, end: dt.date) -> Slot:
    return Slot(scope_id=organization.pk, year=end.year, start=start, end=end)


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
