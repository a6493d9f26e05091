"""Liveness of the components the site depends on, for /healthz and the status panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class ComponentStatus:
    ok: bool
    detail: str


def check_database() -> ComponentStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says why
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}".strip())
    return ComponentStatus(True, connection.vendor)


def check_broker(timeout: float = 2.0) -> ComponentStatus:
    from celery import current_app as app  # the project's app (config.celery), set as current at start-up

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}".strip())
    return ComponentStatus(True, str(transport))


def last_worker_heartbeat() -> datetime | None:
    from core.models import WorkerHeartbeat

    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except Exception:
        return None
    return beat


def worker_is_fresh(seen_at: datetime | None, max_age_seconds: int = 180) -> bool:
    return seen_at is not None and (timezone.now() - seen_at).total_seconds() <= max_age_seconds
