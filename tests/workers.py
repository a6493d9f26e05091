"""Celery worker processes for the tests of the asynchronous paths: a real worker on the configured broker
(Redis in CI, the embedded Redis locally) against the test database. ``real_worker`` is a fixture
(registered for every test module by tests/conftest.py)."""

import subprocess
import sys
import uuid

import pytest

from config.celery import app
from tests.conftest import ROOT


def child_env() -> dict:
    """The environment for a Celery process of a test: the real settings (not eager), the test database,
    the broker this process uses — the same as the benchmark's child processes."""
    from devdata.bench import child_env as bench_child_env

    return bench_child_env()


def spawn_worker(queue: str, output_dir, *, extra_env: dict | None = None, log_name: str = "worker.log"):
    """A worker process on ``queue`` against the test database (see child_env)."""
    env = {**child_env(), **(extra_env or {})}
    log = open(output_dir / log_name, "w")  # noqa: SIM115  (the child process writes to it until it stops; closed then)
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
