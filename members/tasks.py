"""Celery autodiscovery imports ``<app>.tasks``; the members app keeps its tasks by topic."""

from members.admission_tasks import send_probation_reminders  # noqa: F401
