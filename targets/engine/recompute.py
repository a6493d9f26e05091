"""From change events to recomputed targets.

1. ``on_records_changed`` (subscribed to ``core.events.records_changed``, which fires after commit)
   records what changed as ``PendingChange`` rows (kind, year, organization) and the input freshness
   (``ChangeMark``), then schedules ``process_changes`` with a leading-edge debounce: the first change of
   a burst queues a task at once (so one change shows within seconds) and opens a window of
   ``TARGETS_DEBOUNCE_SECONDS``; changes inside the window queue at most one more task, for the window's
   end. The claim is one conditional UPSERT on ``DebounceClaim``, so 50 edits in a few seconds make two
   tasks, across any number of web processes.
2. ``process_changes`` reads the pending rows and maps them to the slots they touch: the targets whose
   metric family reads that kind of record, the years (for a term target also later years, whose
   cumulative figures include it) and the organizations above the changed one — its own slot, its
   committee's, the scope's — never the thousands of others. Only those slots are recomputed and replaced
   (``engine.recompute_target(..., organizations=...)``); a tree operation recomputes its targets whole.
   Then it deletes the rows it handled (rows changed again meanwhile stay for the next task).
3. ``run_recompute`` recomputes a list of targets with progress on a ``RecomputeRun`` (the nightly job
   and the "recompute now" button); each target is its own transaction (``engine.recompute_target``), and
   a target that fails (bad parameters forced into the database) fails alone: its error is kept on the
   target and listed in the run, and the others complete.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.choices import RunStatus
from core.events import records_changed
from organizations.population import above_during, is_under_on
from targets.engine.choices import Periodicity, RunKind
from targets.engine.compute import recompute_target
from targets.engine.metrics import REGISTRY
from targets.engine.models import PendingChange, RecomputeRun, Target

log = logging.getLogger(__name__)


def queue_option() -> dict:
    """Recompute work may be routed to workers of its own (``TARGETS_TASK_QUEUE``) so a long full recompute
    does not hold up reminders and reports."""
    queue = getattr(settings, "TARGETS_TASK_QUEUE", "")
    return {"queue": queue} if queue else {}


def families_reading(kind: str) -> list[str]:
    return [family for family, metric in REGISTRY.items() if kind in metric.reads]


def on_records_changed(sender, kind, organization_ids, years, **kwargs):
    now = timezone.now()
    orgs, years = sorted(organization_ids), sorted(years)
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO targets_pendingchange (kind, year, organization_id, changed_at)
               SELECT %s, y, o, %s FROM unnest(%s::int[]) y, unnest(%s::int[]) o
               ON CONFLICT (kind, year, organization_id) DO UPDATE SET changed_at = EXCLUDED.changed_at""",
            [kind, now, years, orgs])
        cur.execute(
            """INSERT INTO targets_changemark (kind, year, changed_at) SELECT %s, y, %s FROM unnest(%s::int[]) y
               ON CONFLICT (kind, year) DO UPDATE SET changed_at = EXCLUDED.changed_at""", [kind, now, years])
    schedule_processing()


def schedule_processing() -> bool:
    """Queue ``process_changes`` now when no window is open (the leading edge, which opens one), or once
    for the window's end when one is open and no trailing task is queued yet; otherwise nothing."""
    from targets.engine.tasks import process_changes

    delay = settings.TARGETS_DEBOUNCE_SECONDS
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO targets_debounceclaim (id, due_at, trailing_queued)
               VALUES (1, now() + %s * interval '1 second', FALSE)
               ON CONFLICT (id) DO UPDATE
                  SET trailing_queued = targets_debounceclaim.due_at >= now(),
                      due_at = CASE WHEN targets_debounceclaim.due_at < now() THEN EXCLUDED.due_at
                                    ELSE targets_debounceclaim.due_at END
                WHERE targets_debounceclaim.due_at < now() OR NOT targets_debounceclaim.trailing_queued
            RETURNING trailing_queued, greatest(extract(epoch FROM due_at - now()), 0)""", [delay])
        claimed = cur.fetchone()
    if claimed is None:
        return False
    trailing, wait = claimed
    try:
        process_changes.apply_async(countdown=float(wait) if trailing else 0, **queue_option())
    except Exception:  # broker down: the pending rows stay; the next change or the nightly job picks them up
        log.exception("could not queue the targets recompute; pending changes kept")
        with connection.cursor() as cur:
            cur.execute("UPDATE targets_debounceclaim SET due_at = now() - interval '1 second', "
                        "trailing_queued = FALSE WHERE id = 1")
        return False
    return True


records_changed.connect(on_records_changed, dispatch_uid="targets.engine.recompute")


# The slots a pending change touches: for each target whose family reads the kind, the organizations the
# changed one stood under (itself included) on some day from the change's year on — its own slot, its
# committee's, the scope's — among those under the resolution's scope then. ``scope_slots`` keeps those
# that are slots of the target.
_AFFECTED_SQL = """
SELECT t.id, pc.year, array_agg(DISTINCT a.ancestor_id)
  FROM targets_pendingchange pc
  JOIN targets_target t ON t.active AND t.family = ANY(%(families)s)
  JOIN targets_resolution r ON r.id = t.resolution_id AND r.scope_id IS NOT NULL
  JOIN """ + above_during("a", "pc.organization_id", "daterange(make_date(pc.year, 1, 1), NULL, '[)')") + """
 WHERE pc.kind = %(kind)s AND pc.changed_at <= %(until)s
   AND """ + is_under_on("a.ancestor_id", "r.scope_id", "greatest(lower(a.valid), make_date(pc.year, 1, 1))") + """
 GROUP BY 1, 2
"""

# Tree operations change populations everywhere above and below the organizations they touch: the targets
# reading them are recomputed whole for the years.
_WHOLE_KINDS = frozenset({"organization"})

Plan = list[tuple[Target, set[int] | None, set[int] | None]]  # (target, years (None: all), organizations (None: all))


def affected(until) -> dict[int, dict[int, set[int] | None]]:
    """{target id: {year: organizations whose slots to recompute, or None for all}} for the pending changes
    recorded up to ``until``."""
    result: dict[int, dict[int, set[int] | None]] = defaultdict(dict)
    kinds = PendingChange.objects.filter(changed_at__lte=until).values_list("kind", flat=True).distinct()
    for kind in kinds:  # a handful of change kinds, each one query
        families = families_reading(kind)
        if not families:
            continue
        with connection.cursor() as cur:
            cur.execute(_AFFECTED_SQL, {"families": families, "kind": kind, "until": until})
            for target_id, year, organizations in cur.fetchall():
                years = result[target_id]
                if kind in _WHOLE_KINDS or (year in years and years[year] is None):
                    years[year] = None
                else:
                    years.setdefault(year, set()).update(organizations)
    return result


def process_pending() -> RecomputeRun | None:
    until = timezone.now()
    todo = affected(until)
    if not todo:
        PendingChange.objects.filter(changed_at__lte=until).delete()
        return None
    targets = {t.pk: t for t in Target.objects.select_related("resolution").filter(pk__in=todo)}
    plan: Plan = []
    for target_id, by_year in todo.items():
        target = targets[target_id]
        if target.periodicity != Periodicity.YEARLY:  # cumulative figures of later years include the change
            first = min(by_year)
            merged: set[int] | None = set()
            for organizations in by_year.values():
                merged = None if organizations is None or merged is None else merged | organizations
            plan.append((target, {y for y in target.years if y >= first}, merged))
            continue
        # One recompute per distinct set of organizations (usually one: the same cell's changes of a year).
        groups: dict[frozenset | None, set[int]] = defaultdict(set)
        for year, organizations in by_year.items():
            groups[None if organizations is None else frozenset(organizations)].add(year)
        for organizations, years in groups.items():
            plan.append((target, years, None if organizations is None else set(organizations)))
    run = RecomputeRun.objects.create(kind=RunKind.CHANGES, total=len(plan))
    run_recompute(run, plan)
    PendingChange.objects.filter(changed_at__lte=until).delete()
    return run


def start_full_recompute(*, user=None, resolution=None) -> RecomputeRun:
    """Create a run for every computable target (of one resolution, if given) and queue it."""
    from targets.engine.tasks import full_recompute

    targets = Target.objects.computable()
    if resolution is not None:
        targets = targets.filter(resolution=resolution)
    run = RecomputeRun.objects.create(kind=RunKind.FULL, requested_by=user, resolution=resolution,
                                      total=targets.count())
    transaction.on_commit(lambda: full_recompute.apply_async(args=[run.pk], **queue_option()))
    return run


def full_plan(run: RecomputeRun):
    targets = Target.objects.computable().select_related("resolution").order_by("resolution__code", "order")
    if run.resolution_id:
        targets = targets.filter(resolution_id=run.resolution_id)
    return [(t, None, None) for t in targets]


def run_recompute(run: RecomputeRun, plan: Plan) -> RecomputeRun:
    """Recompute each (target, years, organizations) of ``plan`` in its own transaction, with progress. A
    target that fails is rolled back alone (its previous rows stay), its error kept on the target and
    listed in the run; the run fails only when every target failed, and ends "done, with errors" otherwise."""
    from targets.engine.services import computation_error_text

    run.mark_running(total=len(plan), done=0, rows=0)
    rows = 0
    failures: list[str] = []
    for done, (target, years, organizations) in enumerate(plan, start=1):
        try:
            rows += recompute_target(target, years, organizations)
        except Exception as exc:
            log.exception("target %s failed in recompute run %s", target.code, run.pk)
            message = computation_error_text(exc)
            failures.append(f"{target.code}: {message}")
            Target.objects.filter(pk=target.pk).update(compute_error=message, compute_error_at=timezone.now())
        else:
            if target.compute_error:
                Target.objects.filter(pk=target.pk).update(compute_error="", compute_error_at=None)
        run.record(done=done, rows=rows)
    if failures and len(failures) == len(plan):
        run.mark_failed("\n".join(failures))
    else:
        run.mark_done(error="\n".join(failures))
    if run.kind == RunKind.FULL and not run.resolution_id:
        # A full run that was still "running" when this one started lost its worker (killed, crashed): what it
        # had committed is whole per target, and this run has now redone everything.
        RecomputeRun.objects.filter(kind=RunKind.FULL, status=RunStatus.RUNNING, pk__lt=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"interrupted; superseded by run {run.pk}")
        analyze_attainments()
    run.refresh_from_db()
    return run


def analyze_attainments() -> None:
    """Fresh planner statistics after a full run rewrote every row (the next change's statements and the
    dashboards' reads plan on them)."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE targets_attainment")
