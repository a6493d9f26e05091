"""Report runs (a report generated in the background, with its progress and files) and the document numbers
official reports carry ("Số 12-BC/ĐUK"), counted per issuing body, document type and committee term."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import RunStatus
from core.models import BackgroundRun
from organizations.models import Organization
from organizations.scoping import ScopedQuerySet
from reports.choices import ReportFormat


class ReportRunQuerySet(ScopedQuerySet):
    pass


class ReportRun(BackgroundRun):
    """One report generated (or being generated) in the background. ``organization`` is the report's scope:
    whoever can see it can see and download the run. ``parameters`` are plain JSON (ids, years, the
    document's editable lines) so the same run can be regenerated from a management command."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    kind = models.CharField(_("report"), max_length=32)
    title = models.CharField(_("title"), max_length=500, blank=True)
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="report_runs")
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    formats = models.CharField(_("formats"), max_length=16, default="pdf,xlsx")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    pdf_file = models.FileField(_("PDF file"), upload_to="reports/%Y/%m/", blank=True, max_length=255)
    xlsx_file = models.FileField(_("Excel file"), upload_to="reports/%Y/%m/", blank=True, max_length=255)
    document_number = models.PositiveIntegerField(_("document number"), null=True, blank=True)
    document_reference = models.CharField(_("document reference"), max_length=60, blank=True,
                                          help_text=_("e.g. 12-BC/ĐUK"))
    # Issued: given its official number by staff with ISSUE_REPORTS (reports.services.issue); until then a draft.
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who issued it"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    files_purged_at = models.DateTimeField(_("files removed at"), null=True, blank=True)
    # The periodic-report submission (targets, family DUE) this report was marked as.
    submission = models.ForeignKey("records.ReportSubmission", verbose_name=_("submission"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="report_runs")

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "finished_at"], name="report_run_status")]

    def __str__(self):
        return self.title or f"{self.kind} #{self.pk}"

    # ----------------------------------------------------------------------------------------- state

    @property
    def is_draft(self) -> bool:
        return self.document_number is None

    @property
    def format_list(self) -> list[str]:
        return [f for f in self.formats.split(",") if f in ReportFormat.values]

    running_label = _("Generating")
    interrupted_message = _("The report could not be generated: generation was interrupted (the worker stopped).")

    def stale_after_minutes(self) -> int:
        """Running for longer than REPORTS_STALE_MINUTES: its worker was most likely killed. Shown as failed
        (and marked so by the purge job) rather than left spinning forever."""
        return getattr(settings, "REPORTS_STALE_MINUTES", 30)

    @property
    def percent(self) -> int:
        return 100 if self.status == RunStatus.DONE else int(self.progress)

    def file_for(self, fmt: str):
        return {ReportFormat.PDF: self.pdf_file, ReportFormat.XLSX: self.xlsx_file}.get(fmt)

    @property
    def files(self) -> list[tuple[str, object]]:
        return [(fmt, f) for fmt in (ReportFormat.PDF, ReportFormat.XLSX) if (f := self.file_for(fmt))]


class DocumentNumber(models.Model):
    """The last number given to documents of one type ("BC": báo cáo) issued by one body in one committee term
    (e.g. "2020-2025"). Numbers restart at 01 for each type in each term (Hướng dẫn 36-HD/VPTW); allocation
    locks this row, so two reports generated at once never share a number."""

    issuing_body = models.ForeignKey(Organization, verbose_name=_("issuing body"), on_delete=models.CASCADE,
                                     related_name="document_numbers")
    document_type = models.CharField(_("document type"), max_length=8)
    term = models.CharField(_("term"), max_length=20)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        constraints = [models.UniqueConstraint(fields=["issuing_body", "document_type", "term"],
                                               name="document_number_once")]

    def __str__(self):
        return f"{self.issuing_body} {self.document_type} {self.term}: {self.last_number}"
