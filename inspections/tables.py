"""The inspection and discipline list tables. Every column reads the row, its select_related organizations
or the prefetched subjects, so a page costs the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.lists import NOWRAP, ListTable, hidden_below
from inspections.models import Discipline, Inspection

CONCLUSION_BADGE = {"violation": "danger", "shortcomings": "warning"}  # any other conclusion: success
MEMBERS_SHOWN = 5  # subjects listed on a row; the detail page has them all


class InspectionTable(ListTable):
    decision_number = tables.Column(linkify=("inspections:inspection_detail", {"pk": tables.A("pk")}),
                                    order_by=("decision_number", "id"))
    decision_date = tables.DateColumn(format="d/m/Y", attrs=NOWRAP, order_by=("decision_date", "id"))
    activity = tables.Column(order_by=("activity", "-decision_date", "-id"))
    kind = tables.Column(attrs=hidden_below("md"), order_by=("kind", "-decision_date", "-id"))
    conducting_body = tables.Column(attrs=hidden_below("lg"),
                                    order_by=("conducting_body__path", "-decision_date", "-id"))
    subjects = tables.Column(verbose_name=_("Subject"), empty_values=(), orderable=False,
                             attrs=hidden_below("sm"))
    conclusion = tables.Column(order_by=("conclusion", "-decision_date", "-id"))

    class Meta(ListTable.Meta):
        model = Inspection
        fields = ("decision_number", "decision_date", "activity", "kind", "conducting_body", "subjects",
                  "conclusion")
        row_attrs = {"data-test": "inspection"}
        empty_text = _("No inspections or supervision recorded yet.")

    def render_kind(self, record, value):
        if not record.charter_article:
            return value
        return format_html("{} · {}", value, gettext("Article %(a)s") % {"a": record.charter_article})

    def render_subjects(self, record):
        # The prefetched subjects: organizations, then the first members (… when there are more).
        organizations = [o.name for o in record.organizations.all()]
        members = [m.full_name for m in record.members.all()]
        shown = members[:MEMBERS_SHOWN] + (["…"] if len(members) > MEMBERS_SHOWN else [])
        return "; ".join(part for part in (", ".join(organizations), ", ".join(shown)) if part) or "—"

    def render_conclusion(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>',
                           CONCLUSION_BADGE.get(record.conclusion, "success"), value)


class DisciplineTable(ListTable):
    subject = tables.Column(verbose_name=_("Subject"), empty_values=(),
                            linkify=("inspections:discipline_detail", {"pk": tables.A("pk")}),
                            order_by=("member__full_name", "organization__name", "-decision_date", "-id"))
    form = tables.Column(order_by=("form", "-decision_date", "-id"))
    decision_number = tables.Column(attrs=hidden_below("md"), order_by=("decision_number", "id"))
    decision_date = tables.DateColumn(format="d/m/Y", attrs=NOWRAP, order_by=("decision_date", "id"))
    deciding_body = tables.Column(attrs=hidden_below("lg"), order_by=("deciding_body__path", "-decision_date", "-id"))
    violation_year = tables.Column(attrs=hidden_below("sm"), order_by=("violation_year", "-decision_date", "-id"))
    notes = tables.Column(verbose_name=_("Notes"), empty_values=(), orderable=False, attrs=hidden_below("md"))

    class Meta(ListTable.Meta):
        model = Discipline
        fields = ("subject", "form", "decision_number", "decision_date", "deciding_body", "violation_year", "notes")
        row_attrs = {"data-test": "discipline"}
        empty_text = _("No disciplinary decisions recorded.")

    def render_subject(self, record):
        if record.member_id:
            return record.member.full_name
        if record.leadership_collective:
            return f"{record.organization.name} ({gettext('leadership collective')})"
        return record.organization.name

    def render_form(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', value)

    def render_notes(self, record):
        notes = [gettext("self-detected and remedied")] if record.self_remedied else []
        if record.annulled:
            notes.append(gettext("annulled on appeal"))
        return format_html_join(" · ", "{}", ((n,) for n in notes)) or "—"

