"""The member list table. Every column reads the member row or its select_related cell, so a page costs
the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.lists import END, NOWRAP, EditableListTable, ListTable, SelectColumn, hidden_below
from members.register.models import Member, SensitiveAccess, StatusPeriod
from organizations.display import with_parent


class MemberTable(ListTable):
    """The member list. No sensitive field is a column (they are on the member's page, gated and logged);
    ``selected`` (the boxes of the bulk transfer) is excluded for users who may not change members."""

    selected = SelectColumn()
    full_name = tables.Column(linkify=("members:member_detail", {"pk": tables.A("pk")}), order_by=("full_name", "id"))
    gender = tables.Column(attrs=hidden_below("md"))
    birth_date = tables.DateColumn(format="d/m/Y", attrs=hidden_below("sm", nowrap=True))
    cell = tables.Column(order_by=("cell__path", "full_name", "id"))
    status = tables.Column(verbose_name=_("Status"), accessor="status_label", order_by=("full_membership_date",))
    professional_level = tables.Column(attrs=hidden_below("lg"))
    political_theory = tables.Column(attrs=hidden_below("lg"))
    admission_date = tables.DateColumn(format="d/m/Y", attrs=hidden_below("lg", nowrap=True))
    full_membership_date = tables.DateColumn(format="d/m/Y", attrs=hidden_below("lg", nowrap=True))
    job_title = tables.Column(attrs=hidden_below("lg"))
    phone = tables.Column(attrs=hidden_below("lg"))
    left_on = tables.DateColumn(format="d/m/Y", attrs=hidden_below("lg", nowrap=True))

    default_hidden = ("admission_date", "full_membership_date", "job_title", "phone", "left_on")

    class Meta(ListTable.Meta):
        model = Member
        fields = ("selected", "full_name", "gender", "birth_date", "cell", "status", "professional_level",
                  "political_theory", "admission_date", "full_membership_date", "job_title", "phone", "left_on")
        empty_text = _("No member matches this filter.")

    def render_cell(self, record, value):
        return with_parent(value, getattr(record, "cell_parent_name", None))


class StatusPeriodTable(EditableListTable):
    """Status periods with their member and the member's cell (select_related): constant queries per page."""

    member = tables.Column(linkify=("members:member_detail", {"pk": tables.A("member_id")}),
                           order_by=("member__full_name", "valid"))
    cell = tables.Column(verbose_name=_("Party cell"), accessor="member__cell__name", attrs=hidden_below("md"),
                         order_by=("member__cell__path", "member__full_name"))
    kind = tables.Column()
    start = tables.DateColumn(verbose_name=_("From"), format="d/m/Y", order_by=("valid",))
    end = tables.DateColumn(verbose_name=_("To"), format="d/m/Y", orderable=False, default="—")
    decision = tables.Column(attrs=hidden_below("lg"), default="—")
    decision_body = tables.Column(attrs=hidden_below("lg"), default="—")

    edit_url_name = "members:status_period_edit"

    class Meta(ListTable.Meta):
        model = StatusPeriod
        fields = ("member", "cell", "kind", "start", "end", "decision", "decision_body")
        empty_text = _("No status period matches this filter.")

class SensitiveAccessTable(ListTable):
    at = tables.DateTimeColumn(verbose_name=_("When"), format="H:i d/m/Y", attrs=NOWRAP)
    user = tables.Column(verbose_name=_("Who"))
    kind = tables.Column(verbose_name=_("Read"))
    organization = tables.Column(verbose_name=_("Organization"))
    members = tables.Column(verbose_name=_("Members or filter"), empty_values=(), orderable=False)
    rows = tables.Column(verbose_name=_("Rows"), attrs=END)

    class Meta(ListTable.Meta):
        model = SensitiveAccess
        fields = ("at", "user", "kind", "organization", "members", "rows")
        empty_text = _("No read of sensitive data has been recorded.")
        row_attrs = {"data-test": "sensitive-access"}

    def render_user(self, record):
        return record.user.get_full_name() or record.user.get_username()

    def render_members(self, record):
        links = format_html_join(", ", '<a href="{}">#{}</a>', (
            (reverse("members:member_detail", args=[pk]), pk) for pk in record.member_ids[:20]))
        filters = "; ".join(f"{k}={v}" for k, v in sorted(record.filters.items()))
        return format_html("{}{}", links, format_html('<div class="small text-body-secondary">{}</div>', filters)
                           if filters else "")
