"""URL access of report runs (/reports/). Every role with a view somewhere lists runs and opens the form (for
the organizations it sees); a run is seen — detail, progress, download — by whoever can see its organization.
The run below is about cell A1-1 (every role over bloc A, A1 or A1-1 sees it; the outsider and no_role get
404). Marking a report submitted is POST only (who may is tested in tests/test_reports.py)."""

from __future__ import annotations

from tests.url_access import IN_SCOPE, VIEWERS, Access

OUT_OF_SCOPE = {"outsider": 404, "no_role": 404}
FILE_NAME = "reports/url-access-test.pdf"


def run_of_a1_1(w):
    """A finished composition report of cell A1-1 with a (tiny) PDF file, created on demand."""
    from django.core.files.storage import default_storage

    from reports.models import ReportRun

    run = ReportRun.objects.filter(organization=w.tree.a1_1).first()
    if run is None:
        if not default_storage.exists(FILE_NAME):
            from django.core.files.base import ContentFile

            default_storage.save(FILE_NAME, ContentFile(b"%PDF-1.4\n%%EOF\n"))
        run = ReportRun.objects.create(kind="composition", title="Cơ cấu đảng viên", organization=w.tree.a1_1,
                                       parameters={"organization": w.tree.a1_1.pk, "day": "2024-12-31"},
                                       formats="pdf", status="done", progress=100, pdf_file=FILE_NAME,
                                       document_number=1, document_reference="01-BC/CB")
    return {"pk": run.pk}


def pdf_of_a1_1(w):
    return {**run_of_a1_1(w), "format": "pdf"}


ACCESS = {
    "reports:run_list": Access(ok=VIEWERS),
    "reports:run_create": Access(ok=VIEWERS, query="kind=resolution_year"),
    "reports:run_detail": Access(ok=IN_SCOPE, kwargs=run_of_a1_1, denied=404),
    "reports:run_progress": Access(ok=IN_SCOPE, kwargs=run_of_a1_1, denied=404),
    "reports:run_download": Access(ok=IN_SCOPE, kwargs=pdf_of_a1_1, denied=404),
    "reports:run_mark_submitted": Access(ok=frozenset(), kwargs=run_of_a1_1, denied=405),
    "reports:run_issue": Access(ok=frozenset(), kwargs=run_of_a1_1, denied=405),
    "reports:run_retry": Access(ok=frozenset(), kwargs=run_of_a1_1, denied=405),  # POST only
}
