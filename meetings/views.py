"""Pages of cell meetings. Reads start from ``Meeting.objects.visible_to(user)`` (404 outside the user's
scope, 403 when visible but not changeable); writes go through meetings.services."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_error
from core.lists import export_response, list_page
from core.params import int_param
from meetings.choices import CELL_MEETING_KINDS, COMMITTEE_MEETING_KINDS, AttendanceStatus, MeetingKind
from meetings.filters import MeetingFilterSet
from meetings.forms import MeetingForm, RubricChooseForm, RubricForm, changeable_cells
from meetings.models import Attendance, Meeting, MeetingRuleSet, MeetingScore, Rubric, RubricCriterion
from meetings.quality import frame
from meetings.querysets import excused_streaks, expected_attendees, yearly_grades
from meetings.reminders import cells_without_regular_meeting, previous_month
from meetings.services import (
    meeting_create,
    meeting_delete,
    meeting_update,
    rubric_choose,
    rubric_create,
    rubric_for,
    upper_candidates,
)
from meetings.tables import MeetingTable
from organizations.choices import OrgKind
from organizations.display import parent_name
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import require_anywhere, scope_roots, user_can, user_has_anywhere

PER_PAGE = 50
CELLS_PER_PAGE = 100


def _criteria(rubric):
    if rubric is None:
        return []
    return list(RubricCriterion.objects.filter(section__rubric=rubric).select_related("section"))


@login_required
def meeting_list(request):
    require_anywhere(request.user, Perm.VIEW)
    meetings = (Meeting.objects.visible_to(request.user).select_related("cell").with_attendance()
                .order_by("-date", "-id"))
    page = list_page(request, "meetings", meetings, filterset_class=MeetingFilterSet, table_class=MeetingTable,
                     per_page=PER_PAGE)
    if page.exporting:
        return export_response(page, "sinh-hoat-chi-bo")
    filterset, table = page.filterset, page.table
    return render(request, "meetings/meeting_list.html", {
        "filterset": filterset, "table": table, "list_page": page, "cell": filterset.chosen_organization(),
        "log_cells": list(changeable_cells(request.user)[:20]),
    })


def _meeting_form(request, *, cell, day, meeting=None, data=None, files=None, initial=None):
    expected = list(expected_attendees(cell, day))
    candidates = upper_candidates(cell, day)
    if cell.is_cell:
        rubric = meeting.rubric if meeting and meeting.rubric_id else rubric_for(cell, day.year)
    else:  # a committee's briefing conference: not scored
        rubric = None
    form = MeetingForm(data, files, expected=expected, candidates=candidates, criteria=_criteria(rubric),
                       initial=initial)
    # A cell logs its own kinds of meeting, a committee only its briefing conference.
    allowed = CELL_MEETING_KINDS if cell.is_cell else [
        kind for kind in COMMITTEE_MEETING_KINDS
        if kind != MeetingKind.CONFERENCE or cell.kind == OrgKind.GRASSROOTS_COMMITTEE]  # an đảng bộ cơ sở's
    form.fields["kind"].choices = [(k.value, k.label) for k in allowed]
    if not cell.is_cell:
        form.fields["kind"].initial = MeetingKind.BRIEFING
    return form, rubric


def _default_day(month: str | None) -> dt.date:
    today = dt.date.today()
    if month:
        try:
            year, mon = (int(p) for p in month.split("-"))
            last = dt.date(year, mon, calendar.monthrange(year, mon)[1])
            return min(last, today)
        except ValueError:
            pass
    return today


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request):
    """"Log this month's meeting": the date is today (or the last day of ?month=), every member of the
    cell on that date is marked present; the secretary taps only the absentees."""
    require_anywhere(request.user, Perm.CHANGE_MEETINGS)
    cells = changeable_cells(request.user)
    cell_id = request.POST.get("cell") or request.GET.get("cell")
    if not cell_id:
        first_two = list(cells[:2])
        if len(first_two) != 1:
            return render(request, "meetings/meeting_pick_cell.html", {"cells": cells.order_by("path")[:200]})
        cell = first_two[0]
    else:
        cell = get_object_or_404(Organization.objects.visible_to(request.user).cells(), pk=int_param(cell_id, 0))
        if not user_can(request.user, Perm.CHANGE_MEETINGS, cell):
            raise PermissionDenied
    day = _default_day(request.GET.get("month"))
    if request.method == "POST":
        form, rubric = _meeting_form(request, cell=cell, day=day, data=request.POST, files=request.FILES)
        # The attendees are those of the date posted: rebuild the form for it when it differs.
        if form.is_valid() and form.cleaned_data["date"] != day:
            day = form.cleaned_data["date"]
            form, rubric = _meeting_form(request, cell=cell, day=day, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                meeting = meeting_create(cell=cell, absences=form.absences(),
                                         upper_positions=form.cleaned_data["upper_positions"],
                                         scores=form.scores(), user=request.user, **form.meeting_fields())
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved the meeting of %(day)s.")
                                 % {"day": meeting.date.strftime("%d/%m/%Y")})
                return redirect("meetings:meeting_detail", pk=meeting.pk)
    else:
        form, rubric = _meeting_form(request, cell=cell, day=day, initial={
            "date": day, "start_time": dt.time(8, 0), "end_time": dt.time(9, 30),
            "agenda": ["dues", "current_affairs", "review", "ho_chi_minh", "next_tasks"]})
    return render(request, "meetings/meeting_form.html", {"form": form, "cell": cell, "rubric": rubric,
                                                          "title": _("Log a meeting")})


def _meeting_visible(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("cell", "chair", "minute_taker",
                                                                                   "rubric"), pk=pk)


def _meeting_to_change(request, pk) -> Meeting:
    meeting = _meeting_visible(request, pk)
    if not user_can(request.user, Perm.CHANGE_MEETINGS, meeting.cell):
        raise PermissionDenied
    return meeting


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related(
        "cell", "chair", "minute_taker", "rubric").with_attendance().with_score(), pk=pk)
    streaks = excused_streaks([meeting.cell_id], meeting.date.year).get(meeting.pk, {})
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("member").order_by(
        "member__full_name"))
    history = list(meeting.history.select_related("history_user").order_by("-history_date")[:50])
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "attendance": attendance, "streaks": streaks, "quality": frame(meeting, streaks),
        "upper": meeting.upper_attendees.select_related("member", "organization"),
        "scores": MeetingScore.objects.filter(meeting=meeting).select_related("criterion__section").order_by(
            "criterion__section__order", "criterion__order"),
        "history": history,
        "can_change": user_can(request.user, Perm.CHANGE_MEETINGS, meeting.cell),
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _meeting_to_change(request, pk)
    day = meeting.date
    if request.method == "POST":
        form, rubric = _meeting_form(request, cell=meeting.cell, day=day, meeting=meeting, data=request.POST,
                                     files=request.FILES)
        if form.is_valid() and form.cleaned_data["date"] != day:
            day = form.cleaned_data["date"]
            form, rubric = _meeting_form(request, cell=meeting.cell, day=day, meeting=meeting, data=request.POST,
                                         files=request.FILES)
        if form.is_valid():
            try:
                meeting_update(meeting=meeting, expected_version=form.cleaned_data["version"],
                               absences=form.absences(), upper_positions=form.cleaned_data["upper_positions"],
                               scores=form.scores(), user=request.user, **form.meeting_fields())
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved the changes."))
                return redirect("meetings:meeting_detail", pk=meeting.pk)
    else:
        initial = {f: getattr(meeting, f) for f in ("date", "kind", "includes_thematic", "start_time", "end_time",
                                                     "format", "agenda", "agenda_other", "conclusions",
                                                     "documents_posted_on")}
        initial.update(chair=meeting.chair_id, minute_taker=meeting.minute_taker_id, version=meeting.version,
                       preparation_ok={True: "true", False: "false"}.get(meeting.preparation_ok, ""),
                       principles_ok={True: "true", False: "false"}.get(meeting.principles_ok, ""))
        for row in meeting.attendance.exclude(status=AttendanceStatus.EXCLUDED):
            initial[f"att_{row.member_id}"] = row.status
            initial[f"reason_{row.member_id}"] = row.reason
        for score in meeting.scores.all():
            initial[f"score_{score.criterion_id}"] = score.points
        form, rubric = _meeting_form(request, cell=meeting.cell, day=day, meeting=meeting, initial=initial)
        upper_members = set(meeting.upper_attendees.values_list("member_id", flat=True))
        form.initial["upper_positions"] = [p.pk for p in form.fields["upper_positions"].queryset
                                           if p.member_id in upper_members]
    return render(request, "meetings/meeting_form.html", {
        "form": form, "cell": meeting.cell, "meeting": meeting, "rubric": rubric, "title": _("Edit the meeting")})


@login_required
@require_POST
def meeting_delete_view(request, pk):
    meeting = _meeting_to_change(request, pk)
    cell = meeting.cell
    meeting_delete(meeting=meeting, user=request.user)
    messages.success(request, _("Deleted the meeting."))
    return redirect(f"{_reverse('meetings:meeting_list')}?cell={cell.pk}")


def _reverse(name):
    from django.urls import reverse

    return reverse(name)


def _default_scope(user):
    return scope_roots(user).first()


@login_required
def overview(request):
    """The month × cell grid of a TCCSĐ or bloc for a year: which cells met (regular, thematic), the
    attendance rate, the quality; missing months stand out. A constant number of queries for any number
    of cells (the grid is paginated by cells; each page is three set-based reads)."""
    require_anywhere(request.user, Perm.VIEW)
    today = dt.date.today()
    year = int_param(request.GET.get("year"), today.year)
    if request.GET.get("org"):
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=int_param(request.GET["org"], 0))
    else:
        org = _default_scope(request.user)
    if org is None:
        raise PermissionDenied
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    cells_qs = (Organization.objects.visible_to(request.user).cells().filter(path__startswith=org.path,
                                                                             founded_on__lt=end)
                .exclude(dissolved_on__lt=start).annotate(parent_name=parent_name()).order_by("path"))
    page = Paginator(cells_qs, CELLS_PER_PAGE).get_page(request.GET.get("page"))
    cells = list(page.object_list)
    ids = [c.pk for c in cells]
    meetings = list(Meeting.objects.filter(cell_id__in=ids).in_year(year).with_attendance().with_score()
                    .order_by("date", "id"))
    streaks = excused_streaks(ids, year)
    grades = yearly_grades(ids, year)
    MeetingRuleSet.objects.attach(meetings)  # the durations of each meeting's guidance, in one query
    by_cell: dict[int, dict[int, dict]] = {pk: {} for pk in ids}
    for m in meetings:
        slot = by_cell[m.cell_id].setdefault(m.date.month, {"regular": None, "thematic": False, "other": 0})
        if m.kind == MeetingKind.REGULAR:
            slot["regular"] = m
            m.quality = frame(m, streaks.get(m.pk))
        if m.is_thematic:
            slot["thematic"] = True
        if m.kind in (MeetingKind.FORUM, MeetingKind.EXTRAORDINARY):
            slot["other"] += 1
    rows = []
    for cell in cells:
        months, present, base, held = [], 0, 0, 0
        for month in range(1, 13):
            slot = by_cell[cell.pk].get(month, {"regular": None, "thematic": False, "other": 0})
            month_end = dt.date(year + (month == 12), month % 12 + 1, 1)
            past = month_end <= today and month_end > cell.founded_on
            regular = slot["regular"]
            if regular is not None:
                held += 1
                present += regular.present_count
                base += regular.expected_count - regular.excluded_count
            months.append({"month": month, "regular": regular, "thematic": slot["thematic"], "other": slot["other"],
                           "missing": regular is None and past})
        rows.append({"cell": cell, "months": months, "held": held, "grade": grades.get(cell.pk),
                     "rate": (present * 100.0 / base) if base else None})
    last_month = previous_month(today)
    missing_last = list(cells_without_regular_meeting(last_month, under=org)
                        .filter(pk__in=Organization.objects.visible_to(request.user).cells().values("pk"))
                        .annotate(parent_name=parent_name()).order_by("path")[:200])
    return render(request, "meetings/overview.html", {
        "org": org, "year": year, "rows": rows, "page": page, "month_numbers": range(1, 13),
        "missing_last": missing_last, "last_month": dt.date(*(int(p) for p in last_month.split("-")), 1),
        "years": range(today.year, today.year - 6, -1),
    })


@login_required
def rubric_list(request):
    require_anywhere(request.user, Perm.VIEW)
    return render(request, "meetings/rubric_list.html", {
        "rubrics": Rubric.objects.prefetch_related("levels").order_by("name"),
        "can_create": user_has_anywhere(request.user, Perm.CHANGE_TARGETS),
    })


@login_required
@require_http_methods(["GET", "POST"])
def rubric_detail(request, pk):
    require_anywhere(request.user, Perm.VIEW)
    rubric = get_object_or_404(Rubric, pk=pk)
    can_choose = user_has_anywhere(request.user, Perm.CHANGE_TARGETS)
    form = RubricChooseForm(request.POST or None, user=request.user, initial={"from_year": dt.date.today().year})
    if request.method == "POST":
        if not can_choose:
            raise PermissionDenied
        if form.is_valid():
            try:
                rubric_choose(rubric=rubric, organization=form.cleaned_data["organization"],
                              from_year=form.cleaned_data["from_year"], user=request.user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The rubric is now used for the cells under %(org)s.")
                                 % {"org": form.cleaned_data["organization"]})
                return redirect("meetings:rubric_detail", pk=rubric.pk)
    uses = rubric.uses.select_related("organization").filter(
        organization__in=Organization.objects.visible_to(request.user)).order_by("organization__path", "from_year")
    return render(request, "meetings/rubric_detail.html", {
        "rubric": rubric, "sections": rubric.sections.prefetch_related("criteria"),
        "levels": rubric.levels.order_by("-rank"),
        "rules": rubric.year_rules.select_related("level", "all_at_least", "top_level"),
        "uses": uses, "form": form, "can_choose": can_choose,
    })


@login_required
@require_http_methods(["GET", "POST"])
def rubric_create_view(request):
    require_anywhere(request.user, Perm.CHANGE_TARGETS)
    form = RubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rubric = rubric_create(name=data["name"], legal_basis=data["legal_basis"], sections=data["criteria"],
                                   levels=data["levels"], year_rules=data["year_rules"], user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Created the rubric %(name)s.") % {"name": rubric.name})
            return redirect("meetings:rubric_detail", pk=rubric.pk)
    return render(request, "meetings/rubric_form.html", {"form": form})
