"""Celery tasks of cell meetings: thin, they call meetings.reminders."""

from __future__ import annotations

import datetime as dt
import re

from celery import shared_task
from django.utils import timezone, translation


@shared_task(name="meetings.tasks.send_missing_meeting_reminders")
def send_missing_meeting_reminders(month: str | None = None) -> int:
    """Remind about cells with no regular meeting in ``month`` ("YYYY-MM").

    Called by beat every day without a month: it then acts only for the cells whose configured reminder
    day (ReminderSchedule, default the 5th) is today, about the previous month. Called with a month (by
    staff, or to catch up), it reminds about every cell. Running it twice creates nothing twice."""
    from meetings.reminders import cells_due_on, previous_month, send_reminders

    with translation.override("vi"):
        if month is not None:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
                raise ValueError(f"month must look like 2025-03, not {month!r}")
            return send_reminders(month)
        today: dt.date = timezone.localdate()
        due = cells_due_on(today)
        if due == []:
            return 0
        return send_reminders(previous_month(today), cell_ids=due)


@shared_task(name="meetings.tasks.send_thematic_meeting_reminders")
def send_thematic_meeting_reminders(day: str | None = None) -> int:
    """Remind about cells with no thematic meeting in the quarter. Called by beat every day without a day: it
    acts only THEMATIC_REMINDER_DAYS_BEFORE days before the quarter ends. Called with a day ("YYYY-MM-DD", by
    staff or to catch up), it reminds about that day's quarter at once. Running it twice creates nothing twice."""
    from meetings.reminders import THEMATIC_REMINDER_DAYS_BEFORE, quarter_bounds, send_thematic_reminders

    with translation.override("vi"):
        if day is not None:
            return send_thematic_reminders(dt.date.fromisoformat(day))
        today: dt.date = timezone.localdate()
        _start, end = quarter_bounds(today)
        if (end - dt.timedelta(days=1) - today).days != THEMATIC_REMINDER_DAYS_BEFORE:  # before its last day
            return 0
        return send_thematic_reminders(today)
