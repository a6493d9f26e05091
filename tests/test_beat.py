"""Celery beat, for real: a beat process reading the database schedule (django-celery-beat) sends the
missing-meeting reminder to a real worker, again and again; the reminders exist once per cell and person."""

import datetime as dt
import json
import subprocess
import sys
import time

import pytest

from core.models import Notification
from tests.conftest import ROOT
from tests.factories import make_member
from tests.workers import child_env, stop_worker


@pytest.fixture
def real_beat(real_worker, output_dir):
    env = child_env()
    log = open(output_dir / "beat.log", "w")  # noqa: SIM115  (the child process writes to it until it stops; closed then)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO", "--max-interval=1",
         "--scheduler=django_celery_beat.schedulers:DatabaseScheduler"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_file = log
    try:
        yield real_worker
    finally:
        stop_worker(proc)  # the same stop for any Celery child process


@pytest.mark.worker
def test_beat_fires_the_reminder_through_a_worker_and_it_stays_idempotent(real_beat, tree, personas, output_dir):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from meetings.services import meeting_create

    make_member(tree.a1_1)
    make_member(tree.a1_2)
    meeting_create(cell=tree.a1_2, date=dt.date(2024, 3, 10), start_time=dt.time(8), end_time=dt.time(10))
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: missing meeting reminders", task="meetings.tasks.send_missing_meeting_reminders",
        interval=every_second, args=json.dumps(["2024-03"]), queue=real_beat)
    key = f"meeting-missing:{tree.a1_1.pk}:2024-03"
    worker_log = output_dir / "worker.log"

    def runs() -> list[str]:
        # Beat writes its run count to the database only every few minutes; the worker's log is immediate.
        return [line.rsplit(":", 1)[-1].strip() for line in worker_log.read_text(errors="ignore").splitlines()
                if "send_missing_meeting_reminders[" in line and "succeeded" in line]

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(runs()) < 3:
        time.sleep(1)
    results = runs()
    assert len(results) >= 3, f"beat fired {len(results)} times; see {output_dir}/beat.log and worker.log"
    # The first run sends the two reminders (secretary of A1-1, officer of A1); every later run sends none.
    assert results[0] == "2" and set(results[1:]) == {"0"}
    assert set(Notification.objects.values_list("key", "user__username")) == {(key, "bithu"), (key, "coso")}
