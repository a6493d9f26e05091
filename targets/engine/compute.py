"""The targets engine: turn a target and its years into attainment rows, and replace a target's rows
atomically.

``compute_target`` asks the target's metric family for every slot at once — the resolution's scope and
every directly subordinate committee and grassroots organization placed under it during each year —
and judges each figure (``judge``). ``recompute_target`` writes the result in one transaction holding a
lock on the target row: a crash leaves the previous complete set, two runs for the same target queue
behind each other, and the unique (target, organization, year) constraint keeps rows single."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.bulk import copy_objects
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.population import under_during
from targets.engine import data_begin, party_rules
from targets.engine.choices import AppliesTo, Comparator, Status, Unit
from targets.engine.metrics import REGISTRY, Figure, Slot
from targets.engine.metrics.base import target_slot
from targets.engine.models import Attainment, ChangeMark, Target

log = logging.getLogger(__name__)

# Organizations that get their own attainment rows under a resolution's scope (for drill-down): committees
# directly under a provincial committee and every grassroots organization.
DRILL_KINDS = [OrgKind.DIRECT, *sorted(TCCSD_KINDS)]

_SCOPES_SQL = """
SELECT DISTINCT y.year, p.organization_id, o.dissolved_on
  FROM unnest(%(years)s::int[]) AS y(year)
  JOIN """ + under_during("p", "%(scope)s", "daterange(make_date(y.year, 1, 1), make_date(y.year, 12, 31), '[]')") + """
  JOIN organizations_organization o ON o.id = p.organization_id
 WHERE (p.organization_id = %(scope)s OR p.kind = ANY(%(kinds)s))
"""


def scope_slots(target: Target, years: Iterable[int], organizations: Iterable[int] | None = None) -> list[Slot]:
    """The (organization, year) slots of a target: its resolution's scope, plus the organizations of
    DRILL_KINDS placed under it at some day of each year — one query whatever the tree's size. The scope
    itself always has a slot for every year asked (a year it did not exist shows as missing).
    ``organizations`` keeps only the slots of those organizations (a change touches the ones above it)."""
    years = sorted(set(years) & set(target.years))
    if not years:
        return []
    scope_id = target.resolution.scope_id
    only = None if organizations is None else set(organizations)
    sql, params = _SCOPES_SQL, {"years": years, "scope": scope_id, "kinds": [str(k) for k in DRILL_KINDS]}
    if only is not None:
        sql += " AND p.organization_id = ANY(%(only)s)"
        params["only"] = sorted(only)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        found = cur.fetchall()
    pairs = {(year, org_id) for year, org_id, _ in found}
    if only is None or scope_id in only:
        pairs |= {(year, scope_id) for year in years}
    # An organization dissolved during the year (the 2025 restructuring) is measured on its last day: what
    # fell due and who belonged while it existed, not an empty population on the rating day.
    last_day = {org_id: dissolved - dt.timedelta(days=1) for _, org_id, dissolved in found if dissolved}
    slots = []
    for year, org_id in sorted(pairs):
        start, end = target.period(year)
        slot = target_slot(org_id, year, start, end)
        last = last_day.get(org_id)
        if last is not None and dt.date(year, 1, 1) <= last < slot.day:
            slot = Slot(scope_id=org_id, year=year, start=start, end=end, day=last)
        slots.append(slot)
    return slots


def _fraction(value) -> Fraction:
    return Fraction(str(value))


def judge(target: Target, figure: Figure) -> tuple[str, Decimal | None]:
    """Status and value of one figure, by the reading rules of TARGETS.md. Comparisons are exact
    (fractions), so 85/100 meets "≥ 85%" and 80/100 does not meet "trên 80%"."""
    percent = target.unit == Unit.PERCENT
    if percent:
        if not figure.denominator:
            return Status.NO_DATA, None
        exact = Fraction(int(figure.numerator)) * 100 / Fraction(int(figure.denominator))
    else:
        exact = _fraction(figure.numerator)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if figure.missing:
        return Status.NO_DATA, value
    comparator = target.comparator
    if comparator == Comparator.NONE:
        return Status.NOT_JUDGED, value
    lower = _fraction(target.lower) if target.lower is not None else None
    upper = _fraction(target.upper) if target.upper is not None else None
    if comparator == Comparator.ZERO:
        ok = int(figure.numerator) == 0
    elif comparator == Comparator.GTE:
        ok = exact >= lower
    elif comparator == Comparator.GT:
        ok = exact > lower
    elif comparator == Comparator.LTE:
        ok = exact <= upper
    elif comparator == Comparator.LT:
        ok = exact < upper
    elif comparator == Comparator.RANGE:
        if exact > upper:
            return Status.EXCEEDED, value
        ok = exact >= lower
    else:  # pragma: no cover - choices are closed
        raise ValueError(comparator)
    return (Status.MET if ok else Status.NOT_MET), value


def _projection(target: Target, figure: Figure, start: dt.date, end: dt.date, today: dt.date) -> Decimal | None:
    """For a count still accumulating (the period has begun and not ended): the count at this pace by the
    period's end, e.g. admissions so far against the year's target."""
    if target.unit != Unit.COUNT or target.comparator in (Comparator.NONE, Comparator.ZERO):
        return None
    if not (start <= today < end):
        return None
    elapsed = (today - start).days + 1
    total = (end - start).days + 1
    return (Decimal(figure.numerator) * total / elapsed).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def inputs_changed_at(target: Target, years: Iterable[int]):
    kinds = REGISTRY[target.family].reads
    return ChangeMark.objects.filter(kind__in=kinds, year__in=list(years)).aggregate(m=Max("changed_at"))["m"]


def compute_target(target: Target, years: Iterable[int], *, now=None,
                   organizations: Iterable[int] | None = None) -> list[Attainment]:
    """Unsaved attainment rows of ``target`` for ``years`` (those within its years), of every slot or only
    those of ``organizations``."""
    slots = scope_slots(target, years, organizations)
    if not slots:
        return []
    return attainment_rows(target, slots, now=now)


def attainment_rows(target: Target, slots: list[Slot], *, now=None) -> list[Attainment]:
    """Unsaved attainment rows of ``target`` for ``slots``: the metric's figures, judged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    metric = REGISTRY[target.family]
    # Parameters are checked once here for every family (the edit form checks them too, before saving).
    problems = metric.validate_params(target.params or {})
    if problems:
        raise ValueError(f"target {target.code}: " + "; ".join(problems))
    figures = metric.compute(target, slots)
    changed = inputs_changed_at(target, {s.year for s in slots} | set(range(target.first_year,
                                                                            max(s.year for s in slots) + 1)))
    rows = []
    scope_id = target.resolution.scope_id
    # No records is not failure: a period before the organization's records begin, or a year without any
    # record of the family, has nothing to judge (data_begin).
    before = data_begin.before_records(target, slots)
    # The 20% cap bounds an HTXS share by the year's HTT-or-better share (party_rules).
    wider = party_rules.cap_figures(target, slots, metric)
    unrecorded = data_begin.years_without_records(target, slots)
    for slot in slots:
        if slot.key not in figures and slot.scope_id != scope_id:
            continue  # the measure does not apply to this organization (e.g. a figure only the scope reports)
        figure = figures.get(slot.key) or Figure(numerator=0, denominator=0)
        if slot.key in before:
            figure.missing = [(data_begin.BEFORE_RECORDS, data_begin.day_code(before[slot.key]))]
        elif slot.year in unrecorded:
            # A reason the family already gives (e.g. "no cell logged a meeting") is kept: it says more.
            figure.missing = figure.missing or [(data_begin.NO_RECORDS, 0)]
        elif slot.key not in figures or (target.unit == Unit.PERCENT and not figure.denominator):
            figure.missing = figure.missing or [("no_subjects", 0)]
        status, value = judge(target, figure)
        if wider and not figure.missing:
            status = party_rules.apply_cap(target, figure, wider.get(slot.key), status)
        if party_rules.basis_changed(target, slot.year):
            figure.details = {**(figure.details or {}), "basis_changed": True}
        contribution = target.applies_to == AppliesTo.SCOPE and slot.scope_id != scope_id
        if contribution:
            # The target binds the resolution's own organization: an organization under it shows what it
            # contributed, unjudged (KH-4 is the bloc's briefing, not a debt of each TCCSĐ).
            figure.details = {**(figure.details or {}), "contribution": True}
            if status in (Status.MET, Status.NOT_MET, Status.EXCEEDED):
                status = Status.NOT_JUDGED
        final = target.is_final(slot.year) and slot.end < today
        rows.append(Attainment(
            target=target, organization_id=slot.scope_id, year=slot.year, period_start=slot.start,
            period_end=slot.end, numerator=figure.numerator, denominator=figure.denominator, value=value,
            status=status, missing=figure.missing, final=final,
            projection=None if contribution else _projection(target, figure, slot.start, slot.end, today),
            details=figure.details, computed_at=now, inputs_changed_at=changed,
        ))
    return rows


def preview_target(target: Target, year: int) -> Attainment | None:
    """The figure ``target`` would have for its resolution's organization in ``year``, computed exactly as the
    engine computes it (the target may be unsaved: the edit page previews before saving) and written nowhere.
    A year before the target's first counts as a calendar year. None while the resolution measures nothing."""
    if target.resolution.scope_id is None:
        return None
    if year >= target.first_year:
        start, end = target.period(year)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = attainment_rows(target, [target_slot(target.resolution.scope_id, year, start, end)])
    return rows[0] if rows else None


def recompute_target(target: Target, years: Iterable[int] | None = None,
                     organizations: Iterable[int] | None = None) -> int:
    """Recompute and replace the rows of one target for ``years`` (default: all of its years), of every slot
    or only those of ``organizations`` (the slots a change touches), atomically. Returns the number of rows
    written. A failure (bad parameters) raises with nothing written; the previous rows stay."""
    years = sorted(set(years) & set(target.years)) if years is not None else list(target.years)
    if not years or target.resolution.scope_id is None:
        return 0
    organizations = None if organizations is None else sorted(set(organizations))
    with transaction.atomic(), connection.cursor() as cur:
        # Recompute statements aggregate over whole subtrees: JIT compilation costs more than it saves on
        # them, and a larger work_mem keeps their hash aggregates in memory (docs/PERFORMANCE.md).
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL work_mem = %s", [getattr(settings, "TARGETS_WORK_MEM", "64MB")])
        # The lock serializes concurrent runs for the same target; the computation happens inside it so
        # the rows written are the ones computed from what this transaction sees.
        Target.objects.select_for_update().filter(pk=target.pk).first()
        rows = compute_target(target, years, organizations=organizations)
        stale = Attainment.objects.filter(target=target, year__in=years)
        if organizations is not None:
            stale = stale.filter(organization_id__in=organizations)
        stale.delete()
        copy_objects(Attainment, rows)  # COPY: bulk_create spent seconds preparing 5,000 rows' values
        Target.objects.filter(pk=target.pk).update(attainments_at=timezone.now())
    pause = getattr(settings, "TARGETS_RECOMPUTE_PAUSE", 0)
    if pause:
        time.sleep(pause)
    return len(rows)
