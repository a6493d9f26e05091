"""Report generation through a real Celery worker (Redis: REDIS_URL's in CI, the embedded one locally): a run started
from the page goes from 0 to 100% in steps the page can see, and its PDF downloads through the view; a run
that cannot be generated ends failed with a Vietnamese message, never stuck "running"."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import translation

from core import events
from core.choices import RunStatus
from reports import services
from reports.models import ReportRun
from tests.test_reports import YEAR, build_world

pytestmark = pytest.mark.worker


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def follow(run: ReportRun, output_dir, timeout=120) -> list[int]:
    """Poll the run as the page does, recording every percentage seen, until it has ended."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not seen or seen[-1] != run.progress:
            seen.append(run.progress)
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            return seen
        time.sleep(0.05)
    pytest.fail(f"the run did not end within {timeout} s (status {run.status}, seen {seen}); see "
                f"{output_dir / 'worker.log'}")


def test_progress_goes_from_0_to_100_and_the_pdf_downloads(real_worker, settings, tree, personas, client, output_dir):
    settings.REPORTS_TASK_QUEUE = real_worker
    with events.muted():  # the records' change events would queue recomputes nobody here runs
        world = build_world(tree)
    client.force_login(personas.committee_staff)
    response = client.post(reverse("reports:run_create"), {
        "kind": "resolution_year", "resolution": world.resolution.pk, "organization": tree.bloc_a.pk,
        "year": YEAR, "formats": "pdf,xlsx", "issued_on": "15/11/2024", "signer_title": "BÍ THƯ"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:run_detail", args=[run.pk])

    seen = follow(run, output_dir)
    (output_dir / "progress.txt").write_text(" ".join(map(str, seen)) + "\n" + "\n".join(run.messages))
    assert run.status == RunStatus.DONE, run.error
    assert seen == sorted(seen) and seen[-1] == 100, seen  # never backwards, ends at 100
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.messages[-1] == "Hoàn thành" and run.document_reference == ""  # a draft until it is issued

    progress = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in progress and reverse("reports:run_download", args=[run.pk, "pdf"]) in progress
    download = client.get(reverse("reports:run_download", args=[run.pk, "pdf"]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    (output_dir / "report.pdf").write_bytes(body)
    workbook = client.get(reverse("reports:run_download", args=[run.pk, "xlsx"]))
    assert workbook.status_code == 200 and b"".join(workbook.streaming_content)[:2] == b"PK"

    # Issuing numbers it and generates it again on the worker.
    assert client.post(reverse("reports:run_issue", args=[run.pk])).status_code == 302
    follow(run, output_dir)
    assert run.status == RunStatus.DONE and run.document_reference == "01-BC/ĐUK"


def test_a_run_that_cannot_be_generated_ends_failed_with_a_message(real_worker, settings, tree, client, personas,
                                                                   output_dir):
    settings.REPORTS_TASK_QUEUE = real_worker
    with events.muted():
        world = build_world(tree)
    parameters = {"resolution": world.resolution.pk, "organization": tree.bloc_a.pk, "year": YEAR,
                  "issued_on": "2024-11-15"}
    run = services.run_create(user=None, kind="resolution_year", params={**parameters, "resolution": 987654321})
    follow(run, output_dir)
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error == vi("The report could not be generated: %(error)s") % {
        "error": vi("The resolution of this report no longer exists.")}
    assert not run.pdf_file and not run.document_reference  # no number used by a failed report
    client.force_login(personas.committee_staff)
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert 'data-test="run-error"' in page and "hx-trigger" not in page

    # A bad parameter fails the same way (a year the resolution does not cover), and the next good run works.
    bad_year = services.run_create(user=None, kind="resolution_year", params={**parameters, "year": 1990})
    follow(bad_year, output_dir)
    assert bad_year.status == RunStatus.FAILED
    assert bad_year.error.startswith(vi("The report could not be generated: %(error)s").split("%(")[0])
    good = services.run_create(user=None, kind="resolution_year", params=parameters, formats="pdf")
    follow(good, output_dir)
    assert good.status == RunStatus.DONE and good.document_reference == ""
    services.issue(run=good, user=None)
    follow(good, output_dir)
    assert good.status == RunStatus.DONE and good.document_reference == "01-BC/ĐUK"
