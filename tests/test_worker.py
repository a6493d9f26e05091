"""A real Celery worker process, on the configured broker (Redis in CI), runs a task that writes to
the test database."""

import os
import subprocess
import sys
import time
import uuid

import pytest

from config.celery import app
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat
from tests.conftest import ROOT


def child_env() -> dict:
    """The environment for a Celery process of a test: the real settings (not eager), the test database,
    the broker this process uses — the same as the benchmark's child processes."""
    from devdata.bench import child_env as bench_child_env

    return bench_child_env()


def spawn_worker(queue: str, output_dir, *, extra_env: dict | None = None, log_name: str = "worker.log"):
    """A worker process on ``queue`` against the test database (see child_env)."""
    env = {**child_env(), **(extra_env or {})}
    log = open(output_dir / log_name, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-mingle", "--without-gossip", "--loglevel=INFO", f"--hostname={queue}-{uuid.uuid4().hex[:4]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_file = log
    return proc


def stop_worker(proc, *, kill: bool = False) -> None:
    if kill:
        proc.kill()
    else:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log_file.close()


@pytest.fixture
def real_worker(transactional_db, output_dir):
    """Start a worker on a queue of its own, so no other worker on the same broker can take the task."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc = spawn_worker(queue, output_dir)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        stop_worker(proc)


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
    # The broker in use is the one the settings chose: Redis in CI, the filesystem one locally.
    expected = "redis" if os.environ.get("REDIS_URL") else "filesystem"
    assert app.conf.broker_url.startswith(expected)
