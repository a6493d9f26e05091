"""The table of organizations: the organization list and an organization's sub-organizations. The counts
are correlated subqueries of the rows' own query (``views.with_counts``), so a page costs the same number
of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import END, ListTable, hidden_below, under_main
from organizations.models import Organization


class OrganizationTable(ListTable):
    name = tables.Column(verbose_name=_("Name"), order_by=("name", "path"))
    kind = tables.Column(verbose_name=_("Kind"), attrs=hidden_below("md"), order_by=("kind", "name", "path"))
    children_count = tables.Column(verbose_name=_("Sub-organizations"), attrs=END,
                                   order_by=("children_count", "name", "path"))
    members_count = tables.Column(verbose_name=_("Members"), attrs=END, order_by=("members_count", "name", "path"))

    class Meta(ListTable.Meta):
        model = Organization
        fields = ("name", "kind", "children_count", "members_count")
        row_attrs = {"class": lambda record: "text-body-secondary" if record.dissolved_on else None}
        empty_text = _("No organizations.")

    def render_name(self, record):
        link = format_html('<a href="{}">{}</a>', reverse("organizations:organization_detail", args=[record.pk]),
                           record.name)
        dissolved = format_html(' <span class="badge text-bg-secondary">{} {}</span>', gettext("dissolved"),
                                format_date(record.dissolved_on, "d/m/Y")) if record.dissolved_on else ""
        return format_html("{}{}{}", link, dissolved, under_main("md", record.get_kind_display()))

    def render_children_count(self, value):
        return intcomma(value)

    def render_members_count(self, value):
        return intcomma(value)
