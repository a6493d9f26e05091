"""Celery tasks of the targets engine (see targets/recompute.py for the flow)."""

from __future__ import annotations

from celery import shared_task

from targets.engine.choices import RunKind
from targets.engine.models import RecomputeRun


@shared_task(acks_late=True)
def process_changes() -> int | None:
    """Recompute the targets the pending change events affect (debounced; see recompute.py)."""
    from targets.engine.recompute import process_pending

    run = process_pending()
    return run.pk if run else None


@shared_task(acks_late=True)
def full_recompute(run_id: int) -> int:
    """Recompute every target of a run (all, or one resolution's) with progress."""
    from targets.engine.recompute import full_plan, run_recompute

    run = RecomputeRun.objects.get(pk=run_id)
    run_recompute(run, full_plan(run))
    return run.pk


@shared_task(acks_late=True)
def nightly_recompute() -> int:
    """The beat job: every target, every year — repairs whatever the change events missed."""
    from targets.engine.recompute import full_plan, run_recompute

    run = RecomputeRun.objects.create(kind=RunKind.FULL)
    run_recompute(run, full_plan(run))
    return run.pk
