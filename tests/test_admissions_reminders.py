"""Probation reminders: who is told, once per member and kind, in eager mode and on a real worker."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from core.models import Notification, WorkerHeartbeat
from core.tasks import record_heartbeat
from members.admissions.services import candidate_admit
from members.admissions.tasks import send_probation_reminders
from tests.test_admissions_rules import ready_candidate

D = dt.date
TODAY = D(2025, 6, 2)


def _probationers(tree):
    """One probation ending within 30 days of TODAY, one overdue, one far off."""
    made = {}
    for key, ceremony in (("soon", D(2024, 6, 20)), ("overdue", D(2024, 3, 4)), ("far", D(2024, 11, 4))):
        candidate = ready_candidate(tree.a1_1, full_name=f"Dự bị {key}", resolution=ceremony - dt.timedelta(days=40),
                                    decision=ceremony - dt.timedelta(days=10),
                                    course=ceremony - dt.timedelta(days=200))
        candidate_admit(candidate=candidate, ceremony_date=ceremony)
        made[key] = candidate
    return made


def _keys():
    return sorted(Notification.objects.values_list("user__username", "key"))


@pytest.mark.django_db
def test_reminders_go_to_the_grassroots_officer_and_the_cell_secretary_once(tree, personas):
    made = _probationers(tree)

    first = send_probation_reminders(today=TODAY.isoformat())
    second = send_probation_reminders(today=TODAY.isoformat())

    expected = sorted(
        (user, f"admissions:probation-{kind}:{made[name].pk}")
        for user in ("bithu", "coso") for kind, name in (("due", "soon"), ("overdue", "overdue")))
    assert (first, second) == (4, 0)
    assert _keys() == expected
    title = Notification.objects.get(user=personas.grassroots_officer, key__contains="overdue").title
    assert "Dự bị overdue" in title


@pytest.mark.worker
def test_a_real_worker_sends_one_reminder_per_member_however_often_it_runs(real_worker, tree, personas,
                                                                          output_dir):
    made = _probationers(tree)
    marker = f"reminders-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        send_probation_reminders.apply_async(kwargs={"today": TODAY.isoformat()}, queue=real_worker)
    # The solo worker runs its queue in order: once the marker is written, the three runs are done.
    record_heartbeat.apply_async(kwargs={"hostname": marker}, queue=real_worker)
    deadline = time.monotonic() + 90
    while not WorkerHeartbeat.objects.filter(hostname=marker).exists():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish within 90 s; see " + str(output_dir / "worker.log"))
        time.sleep(0.5)

    assert _keys() == sorted(
        (user, f"admissions:probation-{kind}:{made[name].pk}")
        for user in ("bithu", "coso") for kind, name in (("due", "soon"), ("overdue", "overdue")))
