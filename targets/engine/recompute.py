"""From change events to recomputed targets.

1. ``on_records_changed`` (subscribed to ``core.events.records_changed``, which fires after commit)
   records what changed as ``PendingChange`` rows (kind, year, organization) and the input freshness
   (``ChangeMark``), then schedules one ``process_changes`` task ``TARGETS_DEBOUNCE_SECONDS`` later —
   unless one is already scheduled: the claim is one conditional UPSERT on ``DebounceClaim``, so 50 edits
   in a few seconds schedule one task, across any number of web processes.
2. ``process_changes`` reads the pending rows, maps them to the targets they can affect (the metric family
   reads that kind of record, the resolution's scope holds the organization, the year is one of the
   target's — for a term target also later years, whose cumulative figures include it) and recomputes
   only those, then deletes the rows it handled (rows changed again meanwhile stay for the next task).
3. ``run_recompute`` recomputes a list of targets with progress on a ``RecomputeRun`` (the nightly job
   and the "recompute now" button); each target is its own transaction (``engine.recompute_target``).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.choices import RunStatus
from core.events import records_changed
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
    """Queue ``process_changes`` after the debounce delay unless a queued one has not run yet."""
    from targets.engine.tasks import process_changes

    delay = settings.TARGETS_DEBOUNCE_SECONDS
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO targets_debounceclaim (id, due_at) VALUES (1, now() + %s * interval '1 second')
               ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at
               WHERE targets_debounceclaim.due_at < now()
               RETURNING id""", [delay])
        claimed = cur.fetchone() is not None
    if not claimed:
        return False
    try:
        process_changes.apply_async(countdown=delay, **queue_option())
    except Exception:  # broker down: the pending rows stay; the next change or the nightly job picks them up
        log.exception("could not queue the targets recompute; pending changes kept")
        with connection.cursor() as cur:
            cur.execute("UPDATE targets_debounceclaim SET due_at = now() - interval '1 second' WHERE id = 1")
        return False
    return True


records_changed.connect(on_records_changed, dispatch_uid="targets.engine.recompute")


_AFFECTED_SQL = """
SELECT DISTINCT t.id, pc.year
  FROM targets_pendingchange pc
  JOIN targets_target t ON t.active AND t.family = ANY(%(families)s)
  JOIN targets_resolution r ON r.id = t.resolution_id AND r.scope_id IS NOT NULL
 WHERE pc.kind = %(kind)s AND pc.changed_at <= %(until)s
   AND EXISTS (
       -- the changed organization lay under the resolution's organization at some time
       SELECT 1 FROM organizations_organizationplacement sp
         JOIN organizations_organizationplacement op ON op.organization_id = pc.organization_id
          AND op.path LIKE sp.path || '%%' AND op.valid && sp.valid
        WHERE sp.organization_id = r.scope_id)
"""


def affected(until) -> dict[int, set[int]]:
    """{target id: years to recompute} for the pending changes recorded up to ``until``."""
    result: dict[int, set[int]] = defaultdict(set)
    kinds = PendingChange.objects.filter(changed_at__lte=until).values_list("kind", flat=True).distinct()
    for kind in kinds:  # a handful of change kinds, each one query
        families = families_reading(kind)
        if not families:
            continue
        with connection.cursor() as cur:
            cur.execute(_AFFECTED_SQL, {"families": families, "kind": kind, "until": until})
            for target_id, year in cur.fetchall():
                result[target_id].add(year)
    return result


def process_pending() -> RecomputeRun | None:
    until = timezone.now()
    todo = affected(until)
    if not todo:
        PendingChange.objects.filter(changed_at__lte=until).delete()
        return None
    targets = {t.pk: t for t in Target.objects.select_related("resolution").filter(pk__in=todo)}
    plan = []
    for target_id, years in todo.items():
        target = targets[target_id]
        if target.periodicity != Periodicity.YEARLY:  # cumulative figures of later years include the change
            years = {y for y in target.years if y >= min(years)}
        plan.append((target, years))
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
    return [(t, None) for t in targets]


def run_recompute(run: RecomputeRun, plan) -> RecomputeRun:
    run.mark_running(total=len(plan), done=0, rows=0)
    rows = 0
    try:
        for done, (target, years) in enumerate(plan, start=1):
            rows += recompute_target(target, years)
            run.record(done=done, rows=rows)
    except Exception as exc:
        log.exception("recompute run %s failed", run.pk)
        run.mark_failed(exc)
        raise
    run.mark_done()
    if run.kind == RunKind.FULL:
        # A full run that was still "running" when this one started lost its worker (killed, crashed): what it
        # had committed is whole per target, and this run has now redone everything.
        RecomputeRun.objects.filter(kind=RunKind.FULL, status=RunStatus.RUNNING, pk__lt=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"interrupted; superseded by run {run.pk}")
    run.refresh_from_db()
    return run
