"""Issue 19 item 4: a large valid import (more records than UPLOAD_WORKER_ROWS) is confirmed into the worker,
not run in the request: the confirmation leads to the import's page, whose progress bar a real worker moves to
100 %, and the members are then in the register. An import of another user does not exist for you."""

from __future__ import annotations

import time
import uuid

import pytest
from django.urls import reverse

from core.choices import RunStatus
from core.models import ImportRun
from members.register.models import Member
from tests.test_members_excel import IMPORT, coded, member_row, upload, workbook_from_template  # noqa: F401
from tests.workers import spawn_worker, stop_worker

ROWS = 60


@pytest.mark.worker
def test_a_large_import_runs_in_the_worker_with_a_progress_bar(transactional_db, coded, client_for,  # noqa: F811
                                                                settings, tmp_path, output_dir):
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_WORKER_ROWS, settings.UPLOAD_TASK_QUEUE = ROWS - 1, queue
    client = client_for("grassroots_officer")
    preview = upload(client, workbook_from_template(client, [member_row(i) for i in range(ROWS)]))
    assert preview.context["outcome"].count == ROWS and Member.objects.count() == 0
    token = client.session["members_import"]["token"]

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    worker = spawn_worker(queue, output_dir, extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    try:
        response = client.post(IMPORT, {"action": "commit", "token": token})
        run = ImportRun.objects.get()
        assert response.status_code == 302 and response.url == reverse("import_run_detail", args=[run.pk])
        page = client.get(response.url)
        assert page.status_code == 200 and 'data-test="run-progress"' in page.content.decode()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in (RunStatus.DONE, RunStatus.FAILED):
                break
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = eager
        stop_worker(worker)
    assert run.status == RunStatus.DONE, (run.error, run.problems)
    assert (run.count, run.percent) == (ROWS, 100)
    assert Member.objects.count() == ROWS
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []
    progress = client.get(reverse("import_run_progress", args=[run.pk])).content.decode()
    assert 'aria-valuenow="100"' in progress and "hx-get" not in progress  # finished: no more polling
    # The import is its requester's: another user gets a 404.
    assert client_for("committee_staff").get(reverse("import_run_detail", args=[run.pk])).status_code == 404


def test_a_small_import_is_still_confirmed_in_the_request(coded, client_for, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_WORKER_ROWS = 5
    client = client_for("grassroots_officer")
    upload(client, workbook_from_template(client, [member_row(i) for i in range(5)]))
    response = client.post(IMPORT, {"action": "commit", "token": client.session["members_import"]["token"]})
    assert response.status_code == 302 and response.url == reverse("members:member_list")
    assert Member.objects.count() == 5 and not ImportRun.objects.exists()
