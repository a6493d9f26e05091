"""Every write of report runs and document numbers: creating a run (queued to the worker after commit),
generating it (the Celery task and the management command call the same ``generate``), allocating document
numbers, marking a report submitted (a targets ReportSubmission, family DUE), and the retention purge.

Generation runs outside any transaction: each progress step is its own short UPDATE, committed at once, so
the page polling the run sees it. Whatever goes wrong ends the run as failed with a Vietnamese message and
the traceback in the log; a run is never left "running" by an exception (a killed worker's run is shown as
stale after REPORTS_STALE_MINUTES and marked failed by the purge job)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.choices import RunStatus
from organizations.permissions import Perm
from organizations.scoping import user_can
from reports.choices import ReportFormat
from reports.kinds import ReportError, get_kind
from reports.models import DocumentNumber, ReportRun

log = logging.getLogger(__name__)


def queue_option() -> dict:
    """Report generation may be routed to workers of its own (``REPORTS_TASK_QUEUE``), like targets."""
    queue = getattr(settings, "REPORTS_TASK_QUEUE", "")
    return {"queue": queue} if queue else {}


def report_language() -> str:
    return getattr(settings, "REPORTS_LANGUAGE", "vi")


# ----------------------------------------------------------------------------------------------- runs

def run_create(*, user, kind: str, params: dict, formats: str = "pdf,xlsx", queue: bool = True) -> ReportRun:
    """Record a run and, once the transaction commits, queue its generation."""
    report_kind = get_kind(kind)
    organization = report_kind.organization(params)
    if user is not None and not user_can(user, Perm.VIEW, organization):
        raise PermissionDenied
    wanted = [f for f in formats.split(",") if f in ReportFormat.values] or [ReportFormat.PDF]
    with translation.override(report_language()):
        title = report_kind.describe(params)
    run = ReportRun.objects.create(kind=kind, title=title[:500], organization=organization, parameters=params,
                                   formats=",".join(wanted),
                                   requested_by=user if user and user.is_authenticated else None)
    if queue:
        _queue(run)
    return run


def _queue(run: ReportRun) -> None:
    """Queue the run's generation once the transaction commits."""
    from reports.tasks import generate_report

    def send():
        try:
            generate_report.apply_async(args=[run.pk], **queue_option())
        except Exception:  # broker down: the run stays queued, visibly; it can be started again
            log.exception("could not queue report run %s", run.pk)

    transaction.on_commit(send)


def run_retry(*, run: ReportRun, user) -> ReportRun:
    """Start a failed run again (a failure, or a worker lost while it ran): the same parameters, formats and any
    number it was issued with, queued afresh. Any other run is refused with the reason."""
    if user is not None and not user_can(user, Perm.VIEW, run.organization):
        raise PermissionDenied
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("organization").get(pk=run.pk)
        if run.shown_status != RunStatus.FAILED:
            raise ValidationError(_("Only a failed run can be started again; this one is “%(status)s”.")
                                  % {"status": run.get_status_display()})
        run.record(status=RunStatus.QUEUED, progress=0, messages=[], error="", started_at=None, finished_at=None)
        _queue(run)
    return run


def _step(run: ReportRun, percent: int, message: str = "") -> None:
    """One committed progress step; never moves backwards (a redelivered task starts again from 0 only
    through ``generate``'s reset)."""
    if message:
        run.messages = [*run.messages, message]
    run.record(progress=Greatest(F("progress"), percent), messages=run.messages)
    run.progress = max(run.progress, percent)


def ascii_slug(text: str) -> str:
    """"Đảng bộ Khối" → "dang-bo-khoi": slugify drops Đ (it has no decomposition), so it is mapped first."""
    return slugify(text.replace("Đ", "D").replace("đ", "d"))


def _file_name(run: ReportRun, ext: str) -> str:
    slug = ascii_slug(run.title)[:60] or run.kind
    return f"{run.pk}-{slug}.{ext}"


def _reason(exc: Exception) -> str:
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or exc.__class__.__name__


def generate(run: ReportRun | int, *, raise_errors: bool = False) -> ReportRun:
    """Build the run's document once and render the formats asked for, with progress. Safe to call again
    for a run whose worker died (the document number it already has is kept)."""
    run = ReportRun.objects.select_related("organization").get(pk=run if isinstance(run, int) else run.pk)
    if run.status == RunStatus.DONE:
        return run
    run.mark_running(progress=0, messages=[])
    try:
        with translation.override(report_language()):
            kind = get_kind(run.kind)
            _step(run, 5, "Bắt đầu")
            document = kind.build(run.parameters, progress=lambda percent, message="": _step(run, percent, message))
            header = document.header
            # A number is given only when staff with the right issue the report (``issue``); until then the
            # document is a draft: "DỰ THẢO" and no number.
            if run.document_number is not None:
                header.number_text = f"Số {run.document_reference}"
            else:
                header.draft = True
            if ReportFormat.PDF in run.format_list:
                from reports.pdf import render_pdf

                _step(run, 70, "Tạo tệp PDF")
                pdf = render_pdf(document)
                run.pdf_file.save(_file_name(run, "pdf"), ContentFile(pdf), save=False)
                run.record(pdf_file=run.pdf_file.name)
                _step(run, 85)
            if ReportFormat.XLSX in run.format_list:
                from reports.excel import render_xlsx

                _step(run, 88, "Tạo tệp Excel")
                run.xlsx_file.save(_file_name(run, "xlsx"), ContentFile(render_xlsx(document)), save=False)
                run.record(xlsx_file=run.xlsx_file.name)
                _step(run, 95)
        run.mark_done(progress=100, messages=[*run.messages, "Hoàn thành"])
    except Exception as exc:
        log.exception("report run %s (%s) failed", run.pk, run.kind)
        with translation.override(report_language()):
            message = _("The report could not be generated: %(error)s") % {"error": _reason(exc)}
        run.mark_failed(message)
        if raise_errors:
            raise
    return run


# ------------------------------------------------------------------------------------ document numbers

def issue(*, run: ReportRun, user=None, queue: bool = True) -> ReportRun:
    """Issue a finished draft: give it the next official number of its organization (type, term) and generate
    its files again with that number and without the draft mark. Only staff with ISSUE_REPORTS on the report's
    organization may (``user=None``: a trusted caller such as ``manage.py generate_report --issue``); a number is
    used once, by an issued report, never by a draft somebody merely generated."""
    from reports.document import build_header

    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("organization").get(pk=run.pk)
        if user is not None and not user_can(user, Perm.ISSUE_REPORTS, run.organization):
            raise PermissionDenied
        if run.shown_status != RunStatus.DONE:
            raise ValidationError(_("Only a finished report can be issued."))
        if run.document_number is not None:
            raise ValidationError(_("This report has already been issued as number %(ref)s.")
                                  % {"ref": run.document_reference})
        if ReportFormat.PDF not in run.format_list:
            raise ValidationError(_("Only a report with a PDF document can be issued."))
        header = build_header(run.organization, run.parameters, document_type=get_kind(run.kind).document_type)
        number = allocate_number(run.organization, header.document_type, header.term)
        run.document_number = number
        run.document_reference = f"{number:02d}-{header.document_type}/{header.abbreviation}"
        run.issued_at, run.issued_by = timezone.now(), user if user and user.is_authenticated else None
        run.status, run.progress = RunStatus.QUEUED, 0
        run.save(update_fields=["document_number", "document_reference", "issued_at", "issued_by", "status",
                                "progress"])
        if queue:
            from reports.tasks import generate_report

            transaction.on_commit(lambda: generate_report.apply_async(args=[run.pk], **queue_option()))
    if not queue:
        run = generate(run)
    return run


def allocate_number(issuing_body, document_type: str, term: str) -> int:
    """The next number of (issuing body, type, term), in its own short transaction holding the row lock:
    concurrent generations queue for a moment and never share a number."""
    with transaction.atomic():
        DocumentNumber.objects.bulk_create(
            [DocumentNumber(issuing_body=issuing_body, document_type=document_type, term=term)],
            ignore_conflicts=True)
        row = DocumentNumber.objects.select_for_update().get(issuing_body=issuing_body, document_type=document_type,
                                                              term=term)
        row.last_number += 1
        row.save(update_fields=["last_number"])
        return row.last_number


def release_number(issuing_body, document_type: str, term: str, number: int) -> bool:
    """Give a number back when its document could not be produced — only if nothing was numbered after it,
    so numbers already printed are never reused."""
    return bool(DocumentNumber.objects.filter(issuing_body=issuing_body, document_type=document_type, term=term,
                                              last_number=number).update(last_number=number - 1))


# --------------------------------------------------------------------------------------- DUE link

@transaction.atomic
def mark_submitted(*, run: ReportRun, report, year: int, quarter: int = 0, user=None):
    """Record that the organization submitted this generated report as a periodic report (targets, family
    DUE): a ReportSubmission dated today whose reference is the document number."""
    from targets.records.services import report_submission_create

    run = ReportRun.objects.select_for_update().select_related("organization").get(pk=run.pk)
    if user is not None and not user_can(user, Perm.REPORT_FIGURES, run.organization):
        raise PermissionDenied
    if run.kind != "resolution_year" or run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished year-end report can be marked as submitted."))
    if run.document_number is None:
        raise ValidationError(_("A draft cannot be marked as submitted: issue the report first."))
    if run.submission_id is not None:
        raise ValidationError(_("This report has already been marked as submitted."))
    submission = report_submission_create(
        report=report, organization=run.organization, year=year, quarter=quarter or 0,
        submitted_on=timezone.localdate(), reference=(run.document_reference or run.title)[:100], user=user)
    run.submission = submission
    run.save(update_fields=["submission"])
    return submission


# ---------------------------------------------------------------------------------------- retention

def mark_stale_runs() -> int:
    """Runs still "running" after REPORTS_STALE_MINUTES: their worker died. Marked failed so nothing waits
    for them."""
    limit = timezone.now() - dt.timedelta(minutes=getattr(settings, "REPORTS_STALE_MINUTES", 30))
    with translation.override(report_language()):
        message = _("The report could not be generated: %(error)s") % {
            "error": _("generation was interrupted (the worker stopped).")}
    return ReportRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=limit).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now())


def purge_old_files(now=None) -> int:
    """Delete the files of runs finished more than REPORTS_RETENTION_DAYS ago; the runs stay (who made which
    report, and its document number)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=getattr(settings, "REPORTS_RETENTION_DAYS", 90))
    purged = 0
    old = ReportRun.objects.filter(finished_at__lt=limit, files_purged_at__isnull=True)
    for run in old.iterator():
        for field in (run.pdf_file, run.xlsx_file):
            if field:
                field.storage.delete(field.name)
        ReportRun.objects.filter(pk=run.pk).update(pdf_file="", xlsx_file="", files_purged_at=now)
        purged += 1
    return purged
