"""A real Celery worker process, on the configured broker (Redis in CI), runs a task that writes to
the test database."""

import os
import time
import uuid

import pytest

from config.celery import app
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat


@pytest.mark.worker
def test_a_real_worker_runs_a_task_and_writes_to_the_database(real_worker, output_dir):
    marker = f"probe-{uuid.uuid4().hex[:8]}"
    record_heartbeat.apply_async(kwargs={"hostname": marker}, queue=real_worker)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(hostname=marker).first()
        if beat:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker did not run the task within 90 s; see " + str(output_dir / "worker.log"))
    assert beat.beats == 1
    # The broker in use is Redis: REDIS_URL's in CI, the embedded one (core/embedded_broker.py) locally.
    assert app.conf.broker_url == (os.environ.get("REDIS_URL") or app.conf.broker_url)
    assert app.conf.broker_url.startswith("redis")
