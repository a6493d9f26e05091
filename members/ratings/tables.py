"""The recognitions list: every column reads the row or its select_related organizations."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.lists import EditableListTable, ListTable, hidden_below
from members.ratings.models import RecognitionAward


class RecognitionTable(EditableListTable):
    organization = tables.Column(linkify=("organizations:organization_detail", {"pk": tables.A("organization_id")}),
                                 order_by=("organization__path", "-year"))
    year = tables.Column()
    title = tables.Column()
    deciding_body = tables.Column(attrs=hidden_below("md"), default="—")
    decision = tables.Column(attrs=hidden_below("md"), default="—")

    edit_url_name = "ratings:recognition_edit"

    class Meta(ListTable.Meta):
        model = RecognitionAward
        fields = ("organization", "year", "title", "deciding_body", "decision")
        empty_text = _("No recognition matches this filter.")
