"""The candidate and probation list tables. Columns read the row and its select_related cell and stage;
the probation dates of a page are computed together with one read of the holidays, so a page costs the
same number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import django_tables2 as tables
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import NOWRAP, ListTable, hidden_below, page_records
from members.admissions.models import Candidate
from members.admissions.services import probation_rows


class CandidateTable(ListTable):
    full_name = tables.Column(linkify=("admissions:candidate_detail", {"pk": tables.A("pk")}),
                              order_by=("full_name", "id"))
    birth_date = tables.DateColumn(format="d/m/Y", attrs=hidden_below("md", nowrap=True),
                                   order_by=("birth_date", "full_name", "id"))
    cell = tables.Column(order_by=("cell__path", "full_name", "id"))
    current_stage = tables.Column(verbose_name=_("Current stage"), accessor="current_stage__label",
                                  order_by=("current_stage__order", "full_name", "id"))
    status = tables.Column(verbose_name=_("Status"), attrs=hidden_below("sm"), order_by=("status", "full_name", "id"))

    class Meta(ListTable.Meta):
        model = Candidate
        fields = ("full_name", "birth_date", "cell", "current_stage", "status")
        row_attrs = {"data-candidate": lambda record: record.pk}
        empty_text = _("No candidate matches this filter.")


def _probation_row_class(table, record):
    row = table.probation[record.pk]
    return "table-danger" if row.overdue else "table-warning" if row.due else None


class ProbationTable(ListTable):
    """Probationary members with the end of their 12 months and the cell's deadline (overdue rows red,
    those to consider now yellow)."""

    full_name = tables.Column(linkify=("admissions:candidate_detail", {"pk": tables.A("pk")}),
                              order_by=("full_name", "id"))
    cell = tables.Column(attrs=hidden_below("md"), order_by=("cell__path", "admitted_on", "id"))
    admitted_on = tables.DateColumn(verbose_name=_("Ceremony"), format="d/m/Y", attrs=hidden_below("sm", nowrap=True),
                                    order_by=("admitted_on", "id"))
    # Both dates grow with the ceremony date: ordering by it orders them.
    end = tables.Column(verbose_name=_("End of the 12 months"), empty_values=(), attrs=NOWRAP,
                        order_by=("admitted_on", "id"))
    deadline = tables.Column(verbose_name=_("Consider by"), empty_values=(), attrs=NOWRAP,
                             order_by=("admitted_on", "id"))

    class Meta(ListTable.Meta):
        model = Candidate
        fields = ("full_name", "cell", "admitted_on", "end", "deadline")
        attrs = {"class": "table table-sm align-middle"}
        row_attrs = {"data-candidate": lambda record: record.pk, "class": _probation_row_class,
                     "data-overdue": lambda table, record: "1" if table.probation[record.pk].overdue else None}
        empty_text = _("No probationary member here.")

    def __init__(self, data, *, today: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today

    @cached_property
    def probation(self) -> dict:
        """The dates of this page's probations, by candidate."""
        return {row.candidate.pk: row for row in probation_rows(page_records(self), today=self.today)}

    def render_end(self, record):
        return format_date(self.probation[record.pk].end, "d/m/Y")

    def render_deadline(self, record):
        row = self.probation[record.pk]
        if not row.overdue:
            return format_date(row.deadline, "d/m/Y")
        return format_html('{} <span class="badge text-bg-danger">{}</span>', format_date(row.deadline, "d/m/Y"),
                           gettext("Overdue"))
