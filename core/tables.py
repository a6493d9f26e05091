"""The notification list table: each row is one notification of the user, unread ones highlighted."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.lists import ListTable
from core.models import Notification


class NotificationTable(ListTable):
    title = tables.Column(order_by=("title", "-created_at", "-id"))
    created_at = tables.Column(verbose_name=_("Received"), attrs={"td": {"class": "small text-nowrap"}},
                               order_by=("created_at", "id"))
    read = tables.TemplateColumn(template_name="_notification_action.html", verbose_name="", orderable=False,
                                 attrs={"td": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        model = Notification
        fields = ("title", "created_at", "read")
        row_attrs = {"class": lambda record: None if record.read_at else "table-warning"}
        empty_text = _("No notifications.")

    def render_title(self, record, value):
        if not record.body:
            return format_html('<div class="fw-semibold">{}</div>', value)
        return format_html('<div class="fw-semibold">{}</div><div class="small">{}</div>', value,
                           linebreaksbr(record.body, autoescape=True))

    def render_created_at(self, value):
        return format_date(timezone.localtime(value), "H:i d/m/Y")
