"""The list of report runs. Columns read the run and its select_related organization and requester, so a
page costs the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import NOWRAP, ListTable
from reports.choices import ReportFormat
from reports.models import ReportRun

FILE_LINKS = {ReportFormat.PDF: ("bi-file-earmark-pdf", "PDF"),
              ReportFormat.XLSX: ("bi-file-earmark-spreadsheet", "Excel")}


class RunTable(ListTable):
    title = tables.Column(verbose_name=_("Report"), empty_values=(), order_by=("title", "-pk"))
    organization = tables.Column(verbose_name=_("Organization"), attrs={"td": {"class": "small"}},
                                 order_by=("organization__path", "-pk"))
    requested_at = tables.Column(verbose_name=_("Requested"), attrs={"td": {"class": "small text-nowrap"}},
                                 order_by=("requested_at", "pk"))
    status = tables.TemplateColumn('{% include "_run_status.html" with run=record %}',
                                   verbose_name=_("Status"), order_by=("status", "-requested_at", "-pk"))
    files = tables.Column(verbose_name=_("Files"), empty_values=(), orderable=False, attrs=NOWRAP)

    class Meta(ListTable.Meta):
        model = ReportRun
        fields = ("title", "organization", "requested_at", "status", "files")
        attrs = {"class": "table table-sm align-middle", "aria-label": _("Reports generated")}
        row_attrs = {"data-test": "report-run"}
        empty_text = _("No reports within your organizations yet.")

    def render_title(self, record):
        link = format_html('<a href="{}">{}</a>', reverse("reports:run_detail", args=[record.pk]),
                           record.title or record.kind)
        if not record.document_reference:
            return format_html('{} <span class="badge text-bg-secondary" data-test="draft">{}</span>', link,
                               gettext("draft"))
        return format_html('{}<div class="small text-body-secondary">{}</div>', link,
                           gettext("No. %(ref)s") % {"ref": record.document_reference})

    def render_requested_at(self, record, value):
        when = format_date(timezone.localtime(value), "H:i d/m/Y")
        if record.requested_by is None:
            return when
        who = record.requested_by.get_full_name() or record.requested_by.username
        return format_html('{}<div class="text-body-secondary">{}</div>', when, who)

    def render_files(self, record):
        return format_html_join("", '<a class="me-2" href="{}"><i class="bi {}" aria-hidden="true"></i> {}</a>', (
            (reverse("reports:run_download", args=[record.pk, fmt]), *FILE_LINKS[fmt]) for fmt, _file in record.files))
