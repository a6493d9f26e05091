"""The meeting list table. The attendance counts and rate are annotations of the rows' own query
(``with_attendance``), so a page costs the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import NOWRAP, ListTable, hidden_below
from meetings.choices import COMMITTEE_MEETING_KINDS, MIN_ATTENDANCE_RATE
from meetings.models import Meeting


class MeetingTable(ListTable):
    date = tables.DateColumn(format="d/m/Y", attrs=NOWRAP, order_by=("date", "id"),
                             linkify=("meetings:meeting_detail", {"pk": tables.A("pk")}))
    kind = tables.Column(order_by=("kind", "-date", "-id"))
    cell = tables.Column(order_by=("cell__path", "-date", "-id"))
    present = tables.Column(verbose_name=_("Attendance"), empty_values=(), attrs=hidden_below("sm"),
                            order_by=("present_count", "-date", "-id"))
    rate = tables.Column(verbose_name=_("Attendance rate"), accessor="attendance_rate", empty_values=(), attrs=NOWRAP)

    class Meta(ListTable.Meta):
        model = Meeting
        fields = ("date", "kind", "cell", "present", "rate")
        row_attrs = {"data-test": "meeting"}
        empty_text = _("No meetings logged yet.")

    def render_kind(self, record, value):
        return f"{value} + {gettext('thematic')}" if record.includes_thematic else value

    def render_present(self, record):
        if record.kind in COMMITTEE_MEETING_KINDS:
            return ""  # a committee's briefing or conference takes no attendance
        return gettext("%(p)s of %(n)s present") % {"p": record.present_count, "n": record.expected_count}

    def render_rate(self, value):
        if value is None:  # nobody expected (a briefing)
            return mark_safe('<span class="badge text-bg-warning">—</span>')
        return format_html('<span class="badge text-bg-{}">{}%</span>',
                           "success" if value > MIN_ATTENDANCE_RATE else "warning", floatformat(value, 1))

    def order_rate(self, queryset, is_descending):
        # Meetings without attendance (no rate) last in either direction.
        rate = F("attendance_rate")
        rate = rate.desc(nulls_last=True) if is_descending else rate.asc(nulls_last=True)
        return queryset.order_by(rate, "-date", "-id"), True
