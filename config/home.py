"""The home page: what each role must do now, each item linking to where it is done (issue 20, item 4).

It lives in ``config`` because it reads every concern at once (meetings, ratings, admissions, the records'
periodic reports, the engine's attainments, inspection coverage) and ``config`` is the only layer that may
import them all. It computes nothing of its own: every figure comes from the querysets and reads those apps
already use for their pages (``meetings.reminders``, ``targets.boards.views``, ``inspections.coverage``,
``targets.dashboards.views``), always through ``visible_to(user, action)``, so the home page and the page an
item links to cannot disagree. Each section costs a fixed number of queries whatever the size of the scope.

Which sections a user sees follows the roles held (``ROLE_SECTIONS``); the menu follows the same roles
(``ROLE_MENU``), so each role finds what it uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from organizations.choices import Role
from organizations.display import attach_parent_names, parent_name
from organizations.permissions import Perm
from organizations.scoping import scope_roots, user_roles

LIST_LIMIT = 10
TREND_YEARS = 5

SECRETARY, STAFF, LEADERSHIP, INSPECTION = "secretary", "staff", "leadership", "inspection"

# What each role must do now: the sections of its home page, in this order.
ROLE_SECTIONS: dict[str, tuple[str, ...]] = {
    Role.CELL_SECRETARY: (SECRETARY,),
    Role.GRASSROOTS_OFFICER: (SECRETARY, STAFF),
    Role.COMMITTEE_STAFF: (STAFF,),
    Role.LEADERSHIP: (LEADERSHIP,),
    Role.INSPECTION_STAFF: (INSPECTION,),
    Role.ADMINISTRATOR: (STAFF, LEADERSHIP, INSPECTION),
}

# The menu entries each role uses (base.html shows an entry when one of the user's roles lists it).
ROLE_MENU: dict[str, frozenset[str]] = {
    Role.CELL_SECRETARY: frozenset({"meetings", "members", "ratings", "records"}),
    Role.GRASSROOTS_OFFICER: frozenset({"dashboard", "targets", "organizations", "members", "ratings", "meetings",
                                        "admissions", "records"}),
    Role.COMMITTEE_STAFF: frozenset({"dashboard", "targets", "organizations", "members", "ratings", "meetings",
                                     "admissions", "inspections", "records"}),
    Role.LEADERSHIP: frozenset({"dashboard", "targets", "organizations", "members", "meetings", "inspections"}),
    Role.INSPECTION_STAFF: frozenset({"dashboard", "organizations", "members", "inspections"}),
    Role.ADMINISTRATOR: frozenset({"dashboard", "targets", "organizations", "members", "ratings", "meetings",
                                   "admissions", "inspections", "records"}),
}


def sections_for(user) -> tuple[str, ...]:
    roles = user_roles(user)
    found: list[str] = []
    for role, sections in ROLE_SECTIONS.items():
        if role in roles:
            found += [s for s in sections if s not in found]
    return tuple(s for s in (SECRETARY, STAFF, LEADERSHIP, INSPECTION) if s in found)


def menu_for(user) -> frozenset[str]:
    roles = user_roles(user)
    return frozenset().union(*(ROLE_MENU[r] for r in roles if r in ROLE_MENU))


def today() -> dt.date:
    """The one place the home page reads today's date (tests patch it)."""
    return timezone.localdate()


# ------------------------------------------------------------------------------------------ secretary

@dataclass
class CellMonth:
    cell: object
    meeting_id: int | None

    @property
    def url(self) -> str:
        if self.meeting_id:
            return reverse("meetings:meeting_detail", args=[self.meeting_id])
        return reverse("meetings:meeting_create") + "?" + urlencode({"cell": self.cell.pk})


@dataclass
class Absence:
    attendance: object

    @property
    def url(self) -> str:
        # The member's own row of the meeting form, where the reason is entered.
        return (reverse("meetings:meeting_edit", args=[self.attendance.meeting_id])
                + f"#attendance-{self.attendance.member_id}")


def secretary_section(user, day: dt.date) -> dict:
    """The cells the user logs meetings for, each with this month's regular meeting (logged or the one tap
    to log it), and this year's absences still to explain: absent without reason, or marked "with reason"
    but no reason written. Three queries."""
    from meetings.choices import CELL_MEETING_KINDS, AttendanceStatus, MeetingKind
    from meetings.models import Attendance, Meeting
    from meetings.reminders import month_bounds
    from organizations.models import Organization

    start, end = month_bounds(f"{day:%Y-%m}")
    this_month = (Meeting.objects.filter(cell=OuterRef("pk"), kind=MeetingKind.REGULAR, date__gte=start,
                                         date__lt=end).order_by("date").values("pk")[:1])
    cells = [CellMonth(c, c.month_meeting) for c in
             Organization.objects.visible_to(user, Perm.CHANGE_MEETINGS).cells().active()
             .annotate(month_meeting=Subquery(this_month), parent_name=parent_name())
             .order_by("path")[:LIST_LIMIT]]
    s = AttendanceStatus
    to_explain = (Attendance.objects.visible_to(user, Perm.CHANGE_MEETINGS)
                  .filter(meeting__date__gte=dt.date(day.year, 1, 1), meeting__date__lte=day,
                          meeting__kind__in=CELL_MEETING_KINDS)
                  .filter(Q(status=s.ABSENT_UNEXCUSED) | Q(status=s.ABSENT_EXCUSED, reason="")))
    absences = [Absence(a) for a in to_explain.select_related("member", "meeting", "meeting__cell")
                .annotate(cell_parent_name=parent_name("meeting__cell__"))
                .order_by("-meeting__date", "member__full_name")[:LIST_LIMIT]]
    return {"month": start, "cells": cells, "absences": absences, "absences_total": to_explain.count()}


# ---------------------------------------------------------------------------------------------- staff

@dataclass
class GridWaiting:
    label: str
    year: int
    proposed: int
    url: str
    organization: str = ""  # the grid's organization, which its page names (tests/test_browser_h20.py)


def staff_section(user, organization, day: dt.date) -> dict:
    """Rating grids with proposals waiting for a decision (members' grids by grassroots organization,
    organizations' grids by deciding committee), periodic reports due with organizations that have not
    submitted, and probations ending: the reads of the ratings index and of the cross-cutting board."""
    from members.ratings.choices import OrgRatingKind, RatingStatus
    from members.ratings.models import MemberRating, OrganizationRating
    from members.ratings.views import grid_url, org_grid_url
    from targets.boards.views import probations_ending, reports_due

    years = [day.year - 1, day.year]
    grids = [GridWaiting(row["grassroots__name"], row["year"], row["n"], grid_url(row["grassroots_id"], row["year"]),
                         row["grassroots__name"])
             for row in MemberRating.objects.visible_to(user, Perm.DECIDE_MEMBER_RATINGS).current()
             .filter(status=RatingStatus.PROPOSED, year__in=years)
             .values("grassroots_id", "grassroots__name", "year").annotate(n=Count("pk"))
             .order_by("-year", "grassroots__name")[:LIST_LIMIT]]
    kinds = dict(OrgRatingKind.choices)
    grids += [GridWaiting(f"{row['deciding_committee__name']} · {kinds.get(row['kind'], row['kind'])}",
                          row["year"], row["n"], org_grid_url(row["deciding_committee_id"], row["kind"], row["year"]),
                          row["deciding_committee__name"])
              for row in OrganizationRating.objects.visible_to(user, Perm.DECIDE_ORG_RATINGS).current()
              .filter(status=RatingStatus.PROPOSED, year__in=years)
              .values("deciding_committee_id", "deciding_committee__name", "kind", "year").annotate(n=Count("pk"))
              .order_by("-year", "deciding_committee__name", "kind")[:LIST_LIMIT]]
    # Each report due opens the organizations that still owe it, to tick and mark received.
    owed = reverse("records:submission_owed")
    reports = [{"due": r, "url": f"{owed}?{urlencode({'report': r.report.pk, 'year': r.year, 'quarter': r.quarter})}"}
               for r in reports_due(organization, day) if r.not_submitted]
    probations, soon, ended = probations_ending(user, organization, day)
    attach_parent_names([c.cell for c in probations])
    for candidate in probations:
        candidate.url = reverse("admissions:probation_decide", args=[candidate.pk])
    return {"grids": grids, "reports": reports[:LIST_LIMIT], "probations": probations[:LIST_LIMIT],
            "probations_soon": soon, "probations_ended": ended,
            "probation_list_url": reverse("admissions:probation_list"),
            "overdue_url": reverse("admissions:probation_list") + "?overdue=1"}


# ----------------------------------------------------------------------------------------- leadership

@dataclass
class OffTrack:
    attainment: object
    trend: list = field(default_factory=list)  # [(year, value)], oldest first
    change: dict | None = None
    actual: str = ""
    bounds: str = ""
    drill_url: str = ""
    trends_url: str = ""


def leadership_section(user, organization, day: dt.date) -> dict:
    """The targets not met for the organization at the top of the user's scope, in the latest year with
    figures (this year, or last year's before any is computed), each with its values over the last years
    and the change since the year before. Three queries, from stored attainments only."""
    from targets.dashboards.views import actual_text, change_from
    from targets.engine.choices import Status
    from targets.engine.formatting import bounds_text
    from targets.engine.models import Attainment

    mine = Attainment.objects.visible_to(user).filter(organization=organization, target__active=True)
    year = mine.filter(year__lte=day.year).aggregate(m=Max("year"))["m"]
    if year is None:
        return {"year": day.year, "rows": [], "total": 0, "organization": organization}
    not_met = (mine.filter(year=year, status=Status.NOT_MET)
               .select_related("target", "target__resolution").order_by("target__resolution__code", "target__order",
                                                                      "target__code"))
    found = list(not_met[:LIST_LIMIT])
    history: dict[int, dict[int, object]] = {}
    for a in mine.filter(target_id__in=[a.target_id for a in found], year__gt=year - TREND_YEARS, year__lt=year):
        history.setdefault(a.target_id, {})[a.year] = a
    rows = []
    for a in found:
        past = history.get(a.target_id, {})
        rows.append(OffTrack(
            attainment=a, trend=[(y, past[y].value) for y in sorted(past)] + [(year, a.value)],
            change=change_from(a, past.get(year - 1), a.target.unit), actual=actual_text(a, a.target.unit),
            bounds=bounds_text(a.target),
            drill_url=reverse("dashboard:target", args=[a.target_id, organization.pk, year]),
            trends_url=reverse("dashboard:trends", args=[a.target.resolution_id]) + "?"
            + urlencode({"org": organization.pk})))
    return {"year": year, "rows": rows, "total": len(found) if len(found) < LIST_LIMIT else not_met.count(),
            "organization": organization,
            "overview_url": reverse("dashboard:overview") + "?" + urlencode({"org": organization.pk, "year": year})}


# ----------------------------------------------------------------------------------------- inspection

def inspection_section(user, organization, day: dt.date) -> dict:
    """Coverage of inspection and supervision so far this year under the organization, against the band of
    the coverage target that applies (the figures and the target of the cross-cutting board)."""
    from inspections.coverage import member_coverage, sub_cell_coverage
    from targets.boards.views import coverage_target
    from targets.engine.formatting import bounds_text

    year_start = dt.date(day.year, 1, 1)
    target = coverage_target(user, organization, day.year)
    rows = []
    for label, figure in (("members", member_coverage(organization, year_start, day)),
                          ("sub_cells", sub_cell_coverage(organization, year_start, day))):
        position = None
        if target is not None and figure.share is not None and label == "members":
            if target.lower is not None and figure.share < target.lower:
                position = "below"
            elif target.upper is not None and figure.share > target.upper:
                position = "above"
            else:
                position = "within"
        rows.append({"key": label, "figure": figure, "position": position})
    return {"organization": organization, "year_start": year_start, "rows": rows, "target": target,
            "bounds": bounds_text(target) if target else "",
            "coverage_url": reverse("inspections:coverage") + "?" + urlencode({"organization": organization.pk}),
            "add_url": reverse("inspections:inspection_create")}


def home_context(user) -> dict:
    """Every section the user's roles call for, over the top organization of the user's scope."""
    day = today()
    sections = sections_for(user)
    context: dict = {"sections": sections, "day": day}
    organization = scope_roots(user).first() if set(sections) - {SECRETARY} else None
    if SECRETARY in sections:
        context["secretary"] = secretary_section(user, day)
    if organization is not None:
        if STAFF in sections:
            context["staff"] = staff_section(user, organization, day)
        if LEADERSHIP in sections:
            context["leadership"] = leadership_section(user, organization, day)
        if INSPECTION in sections:
            context["inspection"] = inspection_section(user, organization, day)
    return context
