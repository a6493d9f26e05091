"""Boards of issue 9 that read the records directly rather than stored attainments: the membership
composition of any organization on any date, and the cross-cutting board (this month's meeting
regularity, the admissions pipeline, inspection coverage so far this year, upcoming deadlines).

Every section is one or two set-based reads whose number does not depend on how many organizations or
members lie under the organization shown (tests/test_boards.py holds the baselines). Organizations are
fetched through ``visible_to(user)``, so one outside the user's scope is a 404; a user without any role
gets 403. Today's date is read only through ``today()``, so tests can fix it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import charts
from core.formatting import number
from core.params import YEARS, int_param
from inspections.coverage import member_coverage, sub_cell_coverage
from meetings.choices import MeetingKind
from meetings.models import Meeting
from meetings.reminders import (
    cells_without_regular_meeting,
    month_bounds,
    previous_month,
    quarter_bounds,
    thematic_held,
)
from members.admissions.models import Candidate
from members.admissions.queries import pipeline_by_stage, stuck_candidates
from members.ratings.rules import rating_date
from members.register import statistics
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, scope_roots
from targets.engine.baselines import compare
from targets.engine.choices import Family
from targets.engine.formatting import band_of, bounds_text
from targets.engine.models import ResolutionBaseline, Target
from targets.records.models import PeriodicReport

UPCOMING_DAYS = 60
LIST_LIMIT = 20
PICKER_LIMIT = 300
# The breakdowns of members.register.statistics drawn on the composition board (religion is left to the
# organization's own composition page), and those that are parts of one whole (a stacked bar).
COMPOSITION_BREAKDOWNS = ("professional_level", "political_theory", "age", "gender", "ethnicity", "status")
STACKED = frozenset({"gender", "status"})
# Charts sit in half-width cards: a viewBox about as wide as the card keeps their text at its set size.
CHART_WIDTH = 460


def today() -> dt.date:
    """The one place the boards read today's date (tests patch it)."""
    return timezone.localdate()


def _scope_organization(request) -> Organization:
    """``?org=`` when the user sees it (404 otherwise), else the top organization of the user's scope."""
    visible = Organization.objects.visible_to(request.user)
    if request.GET.get("org"):
        return get_object_or_404(visible, pk=int_param(request.GET["org"], 0))
    organization = scope_roots(request.user).first()
    if organization is None:
        raise PermissionDenied
    return organization


def _picker(user, current: Organization) -> list[tuple[int, str]]:
    """Organizations offered in the selector (committees and TCCSĐ, indented by depth; capped), with the
    one shown always among them. One query."""
    rows = [(o.pk, "\u2003" * max(o.depth - 1, 0) + o.name) for o in
            Organization.objects.visible_to(user).exclude(kind__in=[OrgKind.SUB_CELL, OrgKind.PARTY_GROUP])
            .only("pk", "name", "depth", "path").order_by("path")[:PICKER_LIMIT]]
    if current.pk not in {pk for pk, _n in rows}:
        rows.insert(0, (current.pk, current.name))
    return rows


# ------------------------------------------------------------------------------------------ composition

class CompositionParams(forms.Form):
    date = forms.DateField(label=gettext_lazy("On the date"), required=False,
                           input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=YEARS.start,
                              max_value=YEARS.stop - 1)

    def day(self, now: dt.date) -> dt.date:
        """The date asked for; a year means its 31 December (today for the current year: the composition
        of a day still to come is not a fact yet); nothing (or an invalid value) means today."""
        if not self.is_valid():
            return now
        if self.cleaned_data.get("date"):
            return self.cleaned_data["date"]
        if self.cleaned_data.get("year"):
            return min(dt.date(self.cleaned_data["year"], 12, 31), now)
        return now


def _breakdown_chart(breakdown, organization, day) -> str:
    title = _("%(breakdown)s of the members of %(org)s on %(day)s") % {
        "breakdown": breakdown.title, "org": organization.name, "day": day.strftime("%d/%m/%Y")}
    summary = _("%(n)s members in total") % {"n": number(breakdown.total)}
    rows = [(r.label, r.count) for r in breakdown.rows]
    if breakdown.key in STACKED:
        return charts.stacked_bar_chart([(breakdown.title, rows)], title=title, summary=summary, width=CHART_WIDTH,
                                        label_width=110)
    return charts.share_bar_chart(rows, title=title, total=breakdown.total, summary=summary, width=CHART_WIDTH,
                                  label_width=170)


def _table_rows(rows) -> list[dict]:
    return [{"label": r.label, "count": r.count, "share": number(r.share)} for r in rows]


@login_required
def composition(request):
    """The composition charts of members.register.statistics for any organization in scope on any date, each with
    its table of counts and percentages. members.register.statistics reads a constant number of queries."""
    require_anywhere(request.user, Perm.VIEW)
    organization = _scope_organization(request)
    now = today()
    params = CompositionParams(request.GET or None)
    day = params.day(now)
    comp = statistics.composition(organization, day)
    sections = []
    for key in COMPOSITION_BREAKDOWNS:
        b = comp.breakdown(key)
        sections.append({"key": key, "title": b.title, "total": b.total, "rows": _table_rows(b.rows),
                         "chart": mark_safe(_breakdown_chart(b, organization, day))})
    kinds = [(str(OrgKind(k).label), comp.tccsd_by_kind.get(k, 0))
             for k in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL)]
    tccsd_title = _("Grassroots party organizations under %(org)s on %(day)s by kind") % {
        "org": organization.name, "day": day.strftime("%d/%m/%Y")}
    tccsd = {
        "total": comp.tccsd_total, "cells": comp.cells_total,
        "rows": [{"label": label, "count": n, "share": number(n * 100 / comp.tccsd_total if comp.tccsd_total else 0)}
                 for label, n in kinds],
        "chart": mark_safe(charts.stacked_bar_chart(
            [(_("Grassroots party organizations"), kinds)], title=tccsd_title, width=CHART_WIDTH, label_width=110,
            summary=_("%(n)s grassroots party organizations in total") % {"n": number(comp.tccsd_total)})),
    }
    # The baseline figures of the resolutions measuring this organization, each beside the register's on the
    # date the document gives them for (one query; the register's composition once per such date).
    baselines = list(ResolutionBaseline.objects.visible_to(request.user).filter(resolution__scope=organization)
                     .select_related("resolution__scope").order_by("resolution__code", "as_of", "id"))
    by_resolution: dict[int, list] = {}
    for baseline in baselines:
        by_resolution.setdefault(baseline.resolution_id, []).append(baseline)
    comparisons = [c for rows in by_resolution.values() for c in compare(rows[0].resolution, rows)]
    return render(request, "boards/composition.html", {
        "org": organization, "day": day, "params": params, "comp": comp, "sections": sections, "tccsd": tccsd,
        "comparisons": comparisons,
        "sentence": statistics.summary_sentence(comp), "organizations": _picker(request.user, organization),
        "years": range(now.year, now.year - 10, -1),
    })


# ------------------------------------------------------------------------------- cross-cutting board

@dataclass(frozen=True)
class Regularity:
    month: dt.date
    total: int
    held: int
    last_month: dt.date
    last_total: int
    last_held: int
    missing: list  # the first cells without this month's regular meeting
    quarter: dt.date  # the first day of this quarter
    thematic_total: int  # cells that existed in the quarter
    thematic_held: int  # those with a thematic meeting logged in it (Hướng dẫn 12)

    @property
    def quarter_number(self) -> int:
        return (self.quarter.month - 1) // 3 + 1

    @property
    def not_held(self) -> int:
        return self.total - self.held

    @property
    def last_not_held(self) -> int:
        return self.last_total - self.last_held


def _parent_path(path_expression):
    """The parent's path of a treebeard path (steplen 4): all but its last step."""
    return Substr(path_expression, 1, Length(path_expression) - Organization.steplen)


def meeting_regularity(organization, day: dt.date) -> Regularity:
    """Cells under ``organization`` (active, founded before the month ended: the rule of the missing-meeting
    reminders) that have logged this month's regular meeting, and last month's final figure. One aggregate
    and one list of the first cells missing, each with its parent's name."""
    this_month, last_month = f"{day:%Y-%m}", previous_month(day)
    start, end = month_bounds(this_month)
    last_start, last_end = month_bounds(last_month)
    quarter_start, quarter_end = quarter_bounds(day)

    def met(first, stop):
        return Exists(Meeting.objects.filter(cell=OuterRef("pk"), kind=MeetingKind.REGULAR, date__gte=first,
                                             date__lt=stop))

    figures = (Organization.objects.cells().active().filter(path__startswith=organization.path).order_by()
               .annotate(met_this=met(start, end), met_last=met(last_start, last_end),
                         thematic=thematic_held(quarter_start, quarter_end))
               .aggregate(total=Count("pk", filter=Q(founded_on__lt=end)),
                          held=Count("pk", filter=Q(founded_on__lt=end, met_this=True)),
                          last_total=Count("pk", filter=Q(founded_on__lt=last_end)),
                          last_held=Count("pk", filter=Q(founded_on__lt=last_end, met_last=True)),
                          thematic_total=Count("pk", filter=Q(founded_on__lt=quarter_end)),
                          thematic_held=Count("pk", filter=Q(founded_on__lt=quarter_end, thematic=True))))
    parent = Organization.objects.filter(path=_parent_path(OuterRef("path"))).order_by().values("name")[:1]
    missing = list(cells_without_regular_meeting(this_month, under=organization)
                   .annotate(parent_name=Subquery(parent)).order_by("path")[:LIST_LIMIT])
    return Regularity(month=start, last_month=last_start, missing=missing, quarter=quarter_start, **figures)


@dataclass(frozen=True)
class ReportDue:
    report: PeriodicReport
    year: int
    quarter: int
    due_on: dt.date
    days_left: int
    organizations: int  # TCCSĐ under the organization that owe it
    not_submitted: int


_REPORTS_MISSING = """
WITH due AS (
    SELECT * FROM unnest(%(reports)s::int[], %(years)s::int[], %(quarters)s::int[], %(dates)s::date[])
        AS d(report_id, year, quarter, due_d)
)
SELECT d.report_id, d.year, d.quarter, count(o.id), count(o.id) FILTER (WHERE s.id IS NULL)
  FROM due d
  LEFT JOIN organizations_organization o
    ON o.path LIKE %(prefix)s AND o.kind = ANY(%(kinds)s) AND o.dissolved_on IS NULL AND o.founded_on <= d.due_d
  LEFT JOIN targets_reportsubmission s
    ON s.report_id = d.report_id AND s.organization_id = o.id AND s.year = d.year AND s.quarter = d.quarter
 GROUP BY 1, 2, 3
"""


def reports_due(organization, day: dt.date, *, days: int = UPCOMING_DAYS) -> list[ReportDue]:
    """Periodic reports due from ``day`` to ``days`` later (this year's periods and next year's, so a window
    over New Year is whole), each with how many TCCSĐ under the organization (active, founded by the due
    date) owe it and how many have not submitted it yet. Two queries for any number of organizations."""
    horizon = day + dt.timedelta(days=days)
    due = [(report, year, quarter, report.due_date(year, quarter))
           for report in PeriodicReport.objects.order_by("code")
           for year in (day.year, day.year + 1) for quarter in report.periods()]
    due = [d for d in due if day <= d[3] <= horizon]
    if not due:
        return []
    params = {"reports": [d[0].pk for d in due], "years": [d[1] for d in due], "quarters": [d[2] for d in due],
              "dates": [d[3] for d in due], "prefix": organization.path + "%", "kinds": sorted(TCCSD_KINDS)}
    with connection.cursor() as cur:
        cur.execute(_REPORTS_MISSING, params)
        counts = {(r, y, q): (n, missing) for r, y, q, n, missing in cur.fetchall()}
    rows = []
    for report, year, quarter, due_on in sorted(due, key=lambda d: (d[3], d[0].code)):
        n, missing = counts.get((report.pk, year, quarter), (0, 0))
        rows.append(ReportDue(report, year, quarter, due_on, (due_on - day).days, n, missing))
    return rows


def probations_ending(user, organization, day: dt.date, *, days: int = UPCOMING_DAYS):
    """Probations without a decision under the organization whose 12 months end from ``day`` to ``days``
    later (the first ones, with the end date), how many there are, and how many have already ended
    without a decision. Two queries."""
    pending = (Candidate.objects.visible_to(user).on_probation()
               .filter(cell__path__startswith=organization.path, member__left_on__isnull=True)
               .probation_ended_by(day + dt.timedelta(days=days)).annotate(ends_on=F("probation_end")))
    counts = pending.order_by().aggregate(soon=Count("id", filter=Q(ends_on__gte=day)),
                                          ended=Count("id", filter=Q(ends_on__lt=day)))
    first = list(pending.filter(ends_on__gte=day).select_related("cell").order_by("ends_on", "id")[:LIST_LIMIT])
    return first, counts["soon"], counts["ended"]


def _pct(value) -> str:
    return "—" if value is None else f"{number(value)}%"


def coverage_target(user, organization, year: int) -> Target | None:
    """The yearly coverage target that applies to ``organization``: the active INSP target on members of the
    nearest resolution in force that measures it or a committee above it (e.g. LD-5a, 30–35% a year)."""
    steps = Organization.steplen
    measuring = [organization.path[:n] for n in range(steps, len(organization.path) + 1, steps)]
    return (Target.objects.visible_to(user)
            .filter(active=True, family=Family.INSP, params__subject="members", resolution__scope__path__in=measuring,
                    resolution__start_year__lte=year, resolution__end_year__gte=year)
            .select_related("resolution").order_by("-resolution__scope__depth", "-resolution__start_year", "order")
            .first())


@login_required
def overview(request):
    """The cross-cutting board of an organization: this month's meeting regularity, the admissions
    pipeline, inspection coverage so far this year against the coverage target that applies (LD-5a's 30–35%),
    upcoming deadlines."""
    require_anywhere(request.user, Perm.VIEW)
    organization = _scope_organization(request)
    day = today()

    regularity = meeting_regularity(organization, day)
    met_label, missing_label = _("Regular meeting logged"), _("Not logged yet")
    regularity_chart = charts.stacked_bar_chart(
        [(f"{regularity.month:%m/%Y}", [(met_label, regularity.held), (missing_label, regularity.not_held)]),
         (f"{regularity.last_month:%m/%Y}", [(met_label, regularity.last_held),
                                             (missing_label, regularity.last_not_held)])],
        title=_("Cells under %(org)s that logged the month's regular meeting") % {"org": organization.name},
        summary=_("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")}, width=CHART_WIDTH, label_width=70)

    pipeline = pipeline_by_stage(organization)
    pipeline_chart = charts.hbar_chart(
        [(str(row["stage"].label) if row["stage"] else _("No stage recorded yet"), row["count"]) for row in pipeline],
        title=_("Admission candidates in progress under %(org)s by stage") % {"org": organization.name},
        width=CHART_WIDTH, label_width=210)
    stuck = stuck_candidates(organization, today=day)

    year_start = dt.date(day.year, 1, 1)
    members = member_coverage(organization, year_start, day)
    sub_cells = sub_cell_coverage(organization, year_start, day)
    target = coverage_target(request.user, organization, day.year)
    coverage_chart = charts.hbar_chart(
        [(_("Party members"), members.share), (_("Subordinate party cells"), sub_cells.share)],
        title=_("Inspected or supervised under %(org)s from %(start)s to %(day)s") % {
            "org": organization.name, "start": year_start.strftime("%d/%m/%Y"), "day": day.strftime("%d/%m/%Y")},
        unit="%", band=band_of(target, _("Yearly target %(code)s: %(bounds)s") % {
            "code": target.code, "bounds": bounds_text(target)}) if target else None,
        width=CHART_WIDTH, label_width=150)

    rating_day = rating_date(day.year)
    if rating_day < day:
        rating_day = rating_date(day.year + 1)
    probations, probations_soon, probations_ended = probations_ending(request.user, organization, day)

    return render(request, "boards/overview.html", {
        "org": organization, "day": day, "organizations": _picker(request.user, organization),
        "regularity": regularity, "regularity_chart": mark_safe(regularity_chart),
        "pipeline": pipeline, "pipeline_total": sum(row["count"] for row in pipeline),
        "pipeline_chart": mark_safe(pipeline_chart), "stuck": stuck,
        "coverage": [{"key": "members", "label": _("Party members"), "figure": members, "share": _pct(members.share)},
                     {"key": "sub_cells", "label": _("Subordinate party cells"), "figure": sub_cells,
                      "share": _pct(sub_cells.share)}],
        "coverage_chart": mark_safe(coverage_chart), "coverage_target": target,
        "coverage_bounds": bounds_text(target) if target else "", "year_start": year_start,
        "rating_day": rating_day, "rating_days_left": (rating_day - day).days,
        "reports": reports_due(organization, day), "horizon": UPCOMING_DAYS,
        "probations": probations, "probations_soon": probations_soon, "probations_ended": probations_ended,
    })
