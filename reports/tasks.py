"""Celery tasks of report generation (see reports/services.py)."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def generate_report(run_id: int) -> int | None:
    """Generate one report run; failures are recorded on the run (never raised), so the task ends either way."""
    from reports.models import ReportRun
    from reports.services import generate

    try:
        return generate(run_id).pk
    except ReportRun.DoesNotExist:  # deleted while queued: nothing to do
        log.warning("report run %s no longer exists", run_id)
        return None


@shared_task(acks_late=True)
def purge_reports() -> dict:
    """The beat job: mark runs whose worker died as failed, and delete files older than the retention."""
    from reports.services import mark_stale_runs, purge_old_files

    return {"stale": mark_stale_runs(), "purged": purge_old_files()}
