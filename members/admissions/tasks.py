"""Periodic admission jobs (Celery beat): probation reminders and overdue warnings."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="members.admissions.tasks.send_probation_reminders", ignore_result=True)
def send_probation_reminders(today: str | None = None) -> int:
    """Daily: remind officers of probations ending soon and of overdue full-membership decisions.
    ``today`` (ISO date) is for tests and catch-up runs."""
    from members.admissions.services import probation_reminders_send

    return probation_reminders_send(today=dt.date.fromisoformat(today) if today else dt.date.today())
