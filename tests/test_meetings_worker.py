"""The missing-meeting reminder fired through a real Celery worker process (Redis in CI, an embedded
broker locally), twice for the same month: one notification per cell and recipient."""

import datetime as dt
import time

import pytest

from core.models import Notification
from meetings.services import meeting_create
from meetings.tasks import send_missing_meeting_reminders
from tests.factories import make_member


def _wait_for(result, output_dir) -> str:
    """No result backend is configured: the worker's log says when the task succeeded and what it returned."""
    log = output_dir / "worker.log"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for line in log.read_text(errors="ignore").splitlines():
            if result.id in line and "succeeded" in line:
                return line.rsplit(":", 1)[-1].strip()
        time.sleep(0.5)
    pytest.fail("the worker did not run the task within 90 s; see " + str(log))


@pytest.mark.worker
def test_a_real_worker_sends_one_reminder_per_cell_even_when_run_twice(real_worker, tree, personas,
                                                                       output_dir):
    make_member(tree.a1_1)
    make_member(tree.a1_2)
    meeting_create(cell=tree.a1_2, date=dt.date(2024, 3, 10), start_time=dt.time(8), end_time=dt.time(10))
    first = send_missing_meeting_reminders.apply_async(args=["2024-03"], queue=real_worker)
    created = _wait_for(first, output_dir)
    second = send_missing_meeting_reminders.apply_async(args=["2024-03"], queue=real_worker)
    again = _wait_for(second, output_dir)
    assert (created, again) == ("2", "0")
    rows = set(Notification.objects.values_list("key", "user__username"))
    key = f"meeting-missing:{tree.a1_1.pk}:2024-03"
    assert rows == {(key, "bithu"), (key, "coso")}
