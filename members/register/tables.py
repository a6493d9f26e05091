"""The member list table. Every column reads the member row or its select_related cell, so a page costs
the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.lists import ListTable, hidden_below
from members.register.models import Member
from organizations.display import with_parent


class MemberTable(ListTable):
    full_name = tables.Column(linkify=("members:member_detail", {"pk": tables.A("pk")}))
    gender = tables.Column(attrs=hidden_below("md"))
    birth_date = tables.DateColumn(format="d/m/Y", attrs=hidden_below("sm", nowrap=True))
    cell = tables.Column(order_by=("cell__name", "full_name"))
    status = tables.Column(verbose_name=_("Status"), accessor="status_label", order_by=("full_membership_date",))
    professional_level = tables.Column(attrs=hidden_below("lg"))
    political_theory = tables.Column(attrs=hidden_below("lg"))

    class Meta(ListTable.Meta):
        model = Member
        fields = ("full_name", "gender", "birth_date", "cell", "status", "professional_level", "political_theory")
        empty_text = _("No member matches this filter.")

    def render_cell(self, record, value):
        return with_parent(value, getattr(record, "cell_parent_name", None))
