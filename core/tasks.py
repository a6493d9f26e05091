"""System tasks: a heartbeat so the site can tell whether background work is flowing."""

import socket

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(name="core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(hostname: str | None = None) -> None:
    task_host = hostname or getattr(record_heartbeat.request, "hostname", None) or socket.gethostname()
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(hostname=task_host).update(seen_at=now, beats=F("beats") + 1)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(hostname=task_host, defaults={"seen_at": now, "beats": 1})


@shared_task(name="core.tasks.run_import", ignore_result=True)
def run_import(run_id: int) -> None:
    from core.uploads import run_queued_import

    run_queued_import(run_id)
