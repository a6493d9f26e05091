"""The record list tables. Columns read the row and its select_related organization, indicator or report;
what a page needs beyond its rows (which rows the user may change, the documents adopted by its cells) is
read once for the page, so a page costs the same number of queries whatever its length."""

from __future__ import annotations

from functools import cached_property

import django_tables2 as tables
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import END, NOWRAP, ListTable, SelectColumn, hidden_below, page_records, under_main
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_can
from targets.records.choices import Cadence
from targets.records.forms import TERM_YEARS
from targets.records.models import DocumentAdoption, RegisteredModel, ReportedFigure, ReportSubmission


def edit_link(url: str, label: str, icon: str = "bi-pencil"):
    # On a phone only the icon shows (the link keeps its name for screen readers), so the row fits.
    return format_html('<a class="small text-nowrap" href="{}" aria-label="{}"><i class="bi {}" aria-hidden="true">'
                       '</i><span class="d-none d-sm-inline"> {}</span></a>', url, label, icon, label)


class RecordTable(ListTable):
    """A list of records an organization keeps: an edit link on the rows the user may change."""

    edit = tables.Column(verbose_name="", empty_values=(), orderable=False, attrs=END)
    edit_view = ""  # the URL name of the record's edit page

    @cached_property
    def editable(self) -> set[int]:
        """The rows of this page the user may change (scope_paths is cached on the user: no query a row)."""
        user = self.request.user
        return {r.pk for r in page_records(self) if user_can(user, Perm.REPORT_FIGURES, r.organization)}

    def render_edit(self, record):
        if record.pk not in self.editable:
            return ""
        return edit_link(reverse(self.edit_view, args=[record.pk]), gettext("Edit"))


class FigureTable(RecordTable):
    indicator = tables.Column(order_by=("indicator__code", "-year", "organization__path"))
    year = tables.Column(order_by=("year", "organization__path", "indicator__code"))
    organization = tables.Column(attrs=hidden_below("md"), order_by=("organization__path", "-year", "indicator__code"))
    value = tables.Column(verbose_name=_("Value"), empty_values=(), order_by=("numerator", "denominator", "id"))
    note = tables.Column(attrs=hidden_below("md"), orderable=False)
    edit_view = "records:figure_edit"

    class Meta(ListTable.Meta):
        model = ReportedFigure
        fields = ("indicator", "year", "organization", "value", "note", "edit")
        row_attrs = {"data-test": "figure"}
        empty_text = _("No figures reported yet.")

    def render_indicator(self, record, value):
        return format_html("{}{}", value, under_main("md", record.organization.name, record.note))

    def render_value(self, record):
        if record.denominator is None:
            return format_html("{}: <strong>{}</strong>", record.indicator.numerator_label, record.numerator)
        return format_html("{}: <strong>{}</strong> / {}", record.indicator.numerator_label, record.numerator,
                           record.denominator)


class ModelTable(RecordTable):
    name = tables.Column(order_by=("name", "id"))
    year = tables.Column(order_by=("year", "organization__path", "kind", "name"))
    kind = tables.Column(attrs=hidden_below("md"), order_by=("kind", "-year", "name"))
    organization = tables.Column(attrs=hidden_below("md"), order_by=("organization__path", "-year", "name"))
    recognised_by = tables.Column(attrs=hidden_below("md"), order_by=("recognised_by", "id"))
    edit_view = "records:model_edit"

    class Meta(ListTable.Meta):
        model = RegisteredModel
        fields = ("name", "year", "kind", "organization", "recognised_by", "edit")
        row_attrs = {"data-test": "model"}
        empty_text = _("No models or exemplars registered yet.")

    def render_name(self, record, value):
        return format_html("{}{}", value, under_main("md", record.get_kind_display(), record.organization.name,
                                                     record.recognised_by))


class SubmissionTable(RecordTable):
    report = tables.Column(order_by=("report__code", "-year", "-quarter", "organization__path"))
    period = tables.Column(verbose_name=_("Period"), empty_values=(), attrs=NOWRAP,
                           order_by=("year", "quarter", "organization__path", "report__code"))
    organization = tables.Column(attrs=hidden_below("md"),
                                 order_by=("organization__path", "-year", "-quarter", "report__code"))
    submitted_on = tables.DateColumn(format="d/m/Y", attrs=hidden_below("md", nowrap=True),
                                     order_by=("submitted_on", "id"))
    due_on = tables.DateColumn(verbose_name=_("Due"), format="d/m/Y", attrs=hidden_below("md", nowrap=True),
                               orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False, attrs=NOWRAP)
    reference = tables.Column(attrs=hidden_below("md"), orderable=False)
    edit_view = "records:submission_edit"

    class Meta(ListTable.Meta):
        model = ReportSubmission
        fields = ("report", "period", "organization", "submitted_on", "due_on", "status", "reference", "edit")
        row_attrs = {"data-test": "submission"}
        empty_text = _("No report submissions recorded yet.")

    def render_report(self, record, value):
        dates = gettext("submitted on %(day)s, due %(due)s") % {"day": format_date(record.submitted_on, "d/m/Y"),
                                                                "due": format_date(record.due_on, "d/m/Y")}
        return format_html("{}{}", value, under_main("md", record.organization.name, dates, record.reference))

    def render_period(self, record):
        if record.quarter:
            return gettext("Q%(q)s/%(y)s") % {"q": record.quarter, "y": record.year}
        return record.year

    def render_status(self, record):
        if record.late:
            return format_html('<span class="badge text-bg-danger"><i class="bi bi-clock-history" '
                               'aria-hidden="true"></i> {}</span>', gettext("late"))
        return format_html('<span class="badge text-bg-success"><i class="bi bi-check-circle" aria-hidden="true"></i>'
                           ' {}</span>', gettext("on time"))


class DocumentTable(ListTable):
    """The required-document grid: one row per cell, each document of the year a mark (✓ adopted, · not
    yet) in the order of the documents listed under the table."""

    name = tables.Column(verbose_name=_("Cell"), order_by=("name", "path"))
    term = tables.Column(verbose_name=_("At the start of the term"), empty_values=(), orderable=False,
                         attrs={"td": {"class": "small font-monospace text-nowrap"}})
    every_year = tables.Column(verbose_name=_("Every year"), empty_values=(), orderable=False,
                               attrs={"td": {"class": "small font-monospace text-nowrap"}})

    class Meta(ListTable.Meta):
        model = Organization
        fields = ("name", "term", "every_year")
        row_attrs = {"data-test": "cell"}
        empty_text = _("There is no party cell to show for this year.")

    def __init__(self, data, *, year: int, documents: list, **kwargs):
        super().__init__(data, **kwargs)
        self.year, self.documents = year, documents

    @cached_property
    def rows_by_cell(self) -> dict[int, dict]:
        """Each cell of the page with its documents (adopted or None): one read for the whole page."""
        cells = page_records(self)
        term = (self.year - TERM_YEARS + 1, self.year)
        adoptions = DocumentAdoption.objects.filter(organization__in=cells, year__range=term).order_by("year")
        term_ids = {d.pk for d in self.documents if d.cadence == Cadence.TERM}
        found: dict[tuple[int, int], DocumentAdoption] = {}
        for a in adoptions:
            # A yearly document counts in its year only; a term document adopted earlier in the term still holds.
            if a.year == self.year or a.document_id in term_ids:
                found[(a.organization_id, a.document_id)] = a
        rows = {}
        for cell in cells:
            checks = [(d, found.get((cell.pk, d.pk))) for d in self.documents]
            rows[cell.pk] = {"cell": cell, "checks": checks,
                             "may_change": user_can(self.request.user, Perm.REPORT_FIGURES, cell)}
        return rows

    def _marks(self, record, cadence: str):
        # How many of the column's documents are adopted, then one mark a document (its name on hover).
        checks = [(d, a) for d, a in self.rows_by_cell[record.pk]["checks"] if d.cadence == cadence]
        marks = format_html_join("", '<span class="{}" title="{}">{}</span>', (
            ("text-success" if a else "text-body-secondary", d.name, "✓" if a else "·") for d, a in checks))
        return format_html("{}/{} {}", sum(1 for _d, a in checks if a), len(checks), marks)

    def render_name(self, record):
        # The cell's full checklist, and under its name the link to tick it (where the user may).
        url = "?" + urlencode({"organization": record.pk, "year": self.year})
        name = format_html('<a href="{}"><strong>{}</strong></a>', url, record.name)
        if not self.rows_by_cell[record.pk]["may_change"]:
            return name
        tick = reverse("records:document_edit", args=[record.pk, self.year])
        return format_html('{}<div><a class="small" href="{}"><i class="bi bi-check2-square" aria-hidden="true"></i> {}'
                           '</a></div>', name, tick, gettext("Tick the checklist"))

    def render_term(self, record):
        return self._marks(record, Cadence.TERM)

    def render_every_year(self, record):
        return self._marks(record, Cadence.YEAR)


class OwedTable(ListTable):
    """The grassroots organizations that have not submitted the chosen report for the chosen period, each
    with a box for "mark received" (the form around the table)."""

    selected = SelectColumn()
    name = tables.Column(verbose_name=_("Organization"), order_by=("name", "path"))
    parent = tables.Column(verbose_name=_("Under"), accessor="parent_name", orderable=False, default="—")

    class Meta(ListTable.Meta):
        model = Organization
        fields = ("selected", "name", "parent")
        row_attrs = {"data-test": "owed"}
        empty_text = _("Every organization here has submitted this report.")
