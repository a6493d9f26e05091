"""Every write to cell meetings and rubrics: keyword-only arguments, one transaction, the party's rules
and the acting user's scope checked here once (``user=None`` is a trusted system caller such as the
demo loader). Attendance rows are written in bulk so the number of statements does not grow with the
number of members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.events import emit
from meetings.choices import COMMITTEE_MEETING_KINDS, MARKABLE, AgendaItem, AttendanceStatus, MeetingFormat, MeetingKind
from meetings.models import (
    Attendance,
    Meeting,
    MeetingScore,
    ReminderSchedule,
    Rubric,
    RubricCriterion,
    RubricLevel,
    RubricSection,
    RubricUse,
    RubricYearRule,
    UpperAttendance,
)
from meetings.querysets import expected_attendees
from members.register.models import CommitteePosition
from organizations.choices import OrgKind
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_can, user_has_anywhere

# The committees that convene a briefing conference of the secretaries of the cells under them (KH-4).
BRIEFING_HOLDER_KINDS = frozenset({OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE})

# Fields of a meeting a form may set directly.
MEETING_FIELDS = ("kind", "includes_thematic", "date", "start_time", "end_time", "format", "chair", "minute_taker",
                  "agenda", "agenda_other", "conclusions", "preparation_ok", "principles_ok", "minutes",
                  "documents_posted_on")


def _d(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(user, cell: Organization) -> None:
    if user is not None and not user_can(user, Perm.CHANGE_MEETINGS, cell):
        raise PermissionDenied(_("“%(org)s” is outside the cells whose meetings you may log.") % {"org": cell})


def _audit_as(instance, user) -> None:
    if user is not None and user.is_authenticated:
        instance._history_user = user


def _history_user(user):
    return user if user is not None and user.is_authenticated else None


def ancestor_paths(organization: Organization, *, include_self: bool = True) -> list[str]:
    step = Organization.steplen
    last = len(organization.path) + (step if include_self else 0)
    return [organization.path[:i] for i in range(step, last, step)]


def rubric_for(cell: Organization, year: int) -> Rubric | None:
    """The rubric chosen for the cell's subtree for ``year``: the most specific organization's latest choice."""
    use = (RubricUse.objects.filter(organization__path__in=ancestor_paths(cell), from_year__lte=year)
           .select_related("rubric").order_by("-organization__depth", "-from_year").first())
    return use.rubric if use else None


def upper_candidates(cell: Organization, day: dt.date):
    """Committee positions held on ``day`` in the committees above the cell: who may be recorded as an
    upper-level attendee, and from which level."""
    return (CommitteePosition.objects.on(day)
            .filter(organization__path__in=ancestor_paths(cell, include_self=False))
            .select_related("member", "organization").order_by("-organization__depth", "member__full_name"))


def _check_meeting(meeting: Meeting, *, exclude_pk=None) -> None:
    cell = meeting.cell
    errors = {}
    if meeting.kind == MeetingKind.CONFERENCE:
        if cell.kind != OrgKind.GRASSROOTS_COMMITTEE:
            raise ValidationError({"kind": _(
                "The regular conference twice a year is held by an đảng bộ cơ sở, not by “%(org)s”, a %(kind)s.")
                % {"org": cell, "kind": cell.get_kind_display()}})
    elif meeting.kind in COMMITTEE_MEETING_KINDS:
        if cell.kind not in BRIEFING_HOLDER_KINDS:
            raise ValidationError({"kind": _(
                "A cell secretaries' briefing conference is held by a party committee (directly subordinate, "
                "grassroots or partial), not by “%(org)s”, a %(kind)s.")
                % {"org": cell, "kind": cell.get_kind_display()}})
    elif not cell.is_cell:
        raise ValidationError({"cell": _(
            "“%(org)s” is a %(kind)s: only a party cell logs a meeting of kind “%(meeting)s”; a committee logs only "
            "cell secretaries' briefing conferences.") % {"org": cell, "kind": cell.get_kind_display(),
                                                           "meeting": meeting.get_kind_display()}})
    if not cell.existed_on(meeting.date):
        errors["date"] = _("“%(org)s” did not exist on %(day)s.") % {"org": cell, "day": _d(meeting.date)}
    elif meeting.date > dt.date.today():
        errors["date"] = _("The meeting date %(day)s is in the future.") % {"day": _d(meeting.date)}
    if meeting.start_time and meeting.end_time and meeting.end_time <= meeting.start_time:
        errors["end_time"] = _("The meeting ends at %(end)s, not after it starts at %(start)s.") % {
            "end": meeting.end_time.strftime("%H:%M"), "start": meeting.start_time.strftime("%H:%M")}
    if meeting.documents_posted_on and meeting.date and meeting.documents_posted_on > meeting.date:
        errors["documents_posted_on"] = _("The documents are posted before the meeting, not on %(posted)s after "
                                          "it (%(day)s).") % {"posted": _d(meeting.documents_posted_on),
                                                              "day": _d(meeting.date)}
    if meeting.includes_thematic and meeting.kind != MeetingKind.REGULAR:
        errors["includes_thematic"] = _("Only a regular meeting can include a thematic meeting.")
    unknown = set(meeting.agenda) - set(AgendaItem.values)
    if unknown:
        errors["agenda"] = _("Unknown agenda items: %(items)s.") % {"items": ", ".join(sorted(unknown))}
    if meeting.kind == MeetingKind.REGULAR and "date" not in errors:
        other = (Meeting.objects.regular().filter(cell=cell).in_month(meeting.date.year, meeting.date.month)
                 .exclude(pk=exclude_pk).first())
        if other is not None:
            errors["date"] = _("%(org)s already has a regular meeting in %(month)s (on %(day)s).") % {
                "org": cell, "month": meeting.date.strftime("%m/%Y"), "day": _d(other.date)}
    if errors:
        raise ValidationError(errors)


def _attendance_plan(meeting: Meeting, absences: dict[int, tuple[str, str]]) -> dict[int, tuple[str, str, str]]:
    """{member id: (status, reason, excluded kind)} for every member expected on the meeting date. One query.
    A committee's briefing conference has no expected members (its attendees are other cells' secretaries),
    so its plan is empty."""
    plan: dict[int, tuple[str, str, str]] = {}
    if meeting.kind in COMMITTEE_MEETING_KINDS:
        if absences:
            raise ValidationError({"attendance": [_("A committee's conference records no member attendance; "
                                                    "leave the absences empty.")]})
        return plan
    names: dict[int, str] = {}
    for period in expected_attendees(meeting.cell, meeting.date):
        names[period.member_id] = period.member.full_name
        if period.excluded_kind:
            plan[period.member_id] = (AttendanceStatus.EXCLUDED, "", period.excluded_kind)
        else:
            status, reason = absences.get(period.member_id, (AttendanceStatus.PRESENT, ""))
            plan[period.member_id] = (status, (reason or "").strip() if status != AttendanceStatus.PRESENT else "", "")
    errors = []
    strangers = [pk for pk in absences if pk not in plan]
    if strangers:
        errors.append(_("%(count)d of the people marked absent did not belong to %(org)s on %(day)s.")
                      % {"count": len(strangers), "org": meeting.cell, "day": _d(meeting.date)})
    for pk, (status, reason, _kind) in plan.items():
        if status not in MARKABLE and status != AttendanceStatus.EXCLUDED:
            errors.append(_("Unknown attendance status for %(name)s.") % {"name": names[pk]})
        elif status == AttendanceStatus.ABSENT_EXCUSED and not reason:
            errors.append(_("%(name)s is marked absent with reason: write the reason.") % {"name": names[pk]})
    for field in ("chair", "minute_taker"):
        person = getattr(meeting, field)
        if person is not None and plan.get(person.pk, ("",))[0] != AttendanceStatus.PRESENT:
            errors.append(_("%(name)s, the %(role)s, is not a member present at this meeting.")
                          % {"name": person.full_name, "role": Meeting._meta.get_field(field).verbose_name})
    if errors:
        raise ValidationError({"attendance": errors})
    return plan


def _write_attendance(meeting: Meeting, plan: dict[int, tuple[str, str, str]], user) -> None:
    """Make the attendance rows match the plan: bulk inserts, updates and deletes, each with history."""
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)} if meeting.version > 1 else {}
    fresh, changed = [], []
    for member_id, (status, reason, kind) in plan.items():
        row = existing.get(member_id)
        if row is None:
            fresh.append(Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason,
                                    excluded_kind=kind))
        elif (row.status, row.reason, row.excluded_kind) != (status, reason, kind):
            row.status, row.reason, row.excluded_kind = status, reason, kind
            changed.append(row)
    stale = [row.pk for member_id, row in existing.items() if member_id not in plan]
    if fresh:
        bulk_create_with_history(fresh, Attendance, batch_size=5000, default_user=_history_user(user))
    if changed:
        bulk_update_with_history(changed, Attendance, ["status", "reason", "excluded_kind"], batch_size=5000,
                                 default_user=_history_user(user))
    if stale:
        Attendance.objects.filter(pk__in=stale).delete()


def _write_upper(meeting: Meeting, positions: Iterable[CommitteePosition] | None, user) -> None:
    if positions is None:
        return
    positions = list(positions)
    allowed = {p.pk for p in upper_candidates(meeting.cell, meeting.date)}
    if any(p.pk not in allowed for p in positions):
        raise ValidationError({"upper_attendees": _(
            "Upper-level attendees must hold a position in a committee above %(org)s on %(day)s.")
            % {"org": meeting.cell, "day": _d(meeting.date)}})
    UpperAttendance.objects.filter(meeting=meeting).delete()
    seen, rows = set(), []
    for p in positions:
        if p.member_id not in seen:
            seen.add(p.member_id)
            rows.append(UpperAttendance(meeting=meeting, member_id=p.member_id, organization_id=p.organization_id,
                                        position=p.position))
    if rows:
        bulk_create_with_history(rows, UpperAttendance, default_user=_history_user(user))


def _write_scores(meeting: Meeting, scores: dict[int, Decimal] | None, user) -> None:
    """Scores by criterion id for the meeting's rubric; an empty value removes a score."""
    if scores is None or meeting.rubric_id is None:
        return
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(section__rubric_id=meeting.rubric_id)}
    errors = []
    for pk, points in scores.items():
        criterion = criteria.get(pk)
        if criterion is None:
            errors.append(_("A score was given for a criterion of another rubric."))
        elif points is not None and not (0 <= Decimal(points) <= criterion.max_points):
            errors.append(_("“%(criterion)s”: %(points)s points is outside 0–%(max)s.")
                          % {"criterion": criterion.name, "points": points, "max": criterion.max_points})
    if errors:
        raise ValidationError({"scores": errors})
    existing = {s.criterion_id: s for s in MeetingScore.objects.filter(meeting=meeting)}
    fresh, changed, gone = [], [], []
    for pk, points in scores.items():
        row = existing.get(pk)
        if points is None:
            if row is not None:
                gone.append(row.pk)
        elif row is None:
            fresh.append(MeetingScore(meeting=meeting, criterion_id=pk, points=points))
        elif row.points != Decimal(points):
            row.points = points
            changed.append(row)
    if fresh:
        bulk_create_with_history(fresh, MeetingScore, default_user=_history_user(user))
    if changed:
        bulk_update_with_history(changed, MeetingScore, ["points"], default_user=_history_user(user))
    if gone:
        MeetingScore.objects.filter(pk__in=gone).delete()


def _save(meeting: Meeting, user) -> None:
    _audit_as(meeting, user)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:  # two regular meetings of one month saved at the same moment
        raise ValidationError({"date": _("%(org)s already has a regular meeting in %(month)s.")
                               % {"org": meeting.cell, "month": meeting.date.strftime("%m/%Y")}}) from exc


@transaction.atomic
def meeting_create(*, cell: Organization, date: dt.date, start_time: dt.time, end_time: dt.time,
                   kind: str = MeetingKind.REGULAR, absences: dict[int, tuple[str, str]] | None = None,
                   upper_positions: Iterable[CommitteePosition] | None = None,
                   scores: dict[int, Decimal] | None = None, user=None, **fields) -> Meeting:
    """Log a meeting. Every member of the cell on ``date`` gets an attendance row: present unless named in
    ``absences`` ({member id: (status, reason)}); exempted members and those on special duty are
    recorded as excluded. A constant number of statements whatever the number of members."""
    _require(user, cell)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(cell=cell, date=date, start_time=start_time, end_time=end_time, kind=kind, **fields)
    meeting.format = meeting.format or MeetingFormat.IN_PERSON
    _check_meeting(meeting)
    plan = _attendance_plan(meeting, absences or {})
    # Rubrics score a cell's meetings; a committee's briefing is not scored.
    meeting.rubric = rubric_for(cell, date.year) if cell.is_cell else None
    _save(meeting, user)
    _write_attendance(meeting, plan, user)
    _write_upper(meeting, upper_positions, user)
    _write_scores(meeting, scores, user)
    emit("meeting", organization_ids=[cell.pk], years=[date.year])
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, expected_version: int | None = None,
                   absences: dict[int, tuple[str, str]] | None = None,
                   upper_positions: Iterable[CommitteePosition] | None = None,
                   scores: dict[int, Decimal] | None = None, user=None, **fields) -> Meeting:
    """Edit a logged meeting. ``expected_version`` is the version the editor loaded: if someone saved in
    between, this save is refused and theirs stays intact. When ``absences`` is given the attendance is
    re-derived for the (possibly new) date; rows that change keep their history."""
    locked = Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)
    _require(user, locked.cell)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("Someone else saved this meeting while you were editing (version %(theirs)d, you "
                                "loaded %(yours)d). Reload the page to see their changes, then make yours again.")
                              % {"theirs": locked.version, "yours": expected_version}, code="stale")
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    old_year = locked.date.year
    date_changed = "date" in fields and fields["date"] != locked.date
    for key, value in fields.items():
        setattr(locked, key, value)
    _check_meeting(locked, exclude_pk=locked.pk)
    plan = None
    if absences is not None or date_changed:
        if absences is None:  # keep the marks of members still expected on the new date
            absences = {a.member_id: (a.status, a.reason) for a in locked.attendance.exclude(
                status__in=[AttendanceStatus.PRESENT, AttendanceStatus.EXCLUDED])}
        plan = _attendance_plan(locked, absences)
    if locked.rubric_id is None and locked.cell.is_cell:
        locked.rubric = rubric_for(locked.cell, locked.date.year)
    locked.version += 1
    _save(locked, user)
    if plan is not None:
        _write_attendance(locked, plan, user)
    _write_upper(locked, upper_positions, user)
    _write_scores(locked, scores, user)
    emit("meeting", organization_ids=[locked.cell_id], years={old_year, locked.date.year})
    return locked


@transaction.atomic
def meeting_delete(*, meeting: Meeting, user=None) -> None:
    locked = Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)
    _require(user, locked.cell)
    _audit_as(locked, user)
    cell_id, year = locked.cell_id, locked.date.year
    locked.delete()
    emit("meeting", organization_ids=[cell_id], years=[year])


# ------------------------------------------------------------------------------------------- rubrics

def _require_rubric_editor(user, organization: Organization | None = None) -> None:
    # Rubrics are rules of a committee, like targets: staff with CHANGE_TARGETS define and choose them.
    if user is None:
        return
    ok = user_can(user, Perm.CHANGE_TARGETS, organization) if organization else user_has_anywhere(
        user, Perm.CHANGE_TARGETS)
    if not ok:
        raise PermissionDenied(_("Only committee staff define and choose scoring rubrics."))


@transaction.atomic
def rubric_create(*, name: str, sections: list[tuple[str, list[tuple[str, Decimal]]]],
                  levels: list[tuple[str, Decimal]], year_rules: list[tuple[str, str | None, str | None, int]] = (),
                  legal_basis: str = "", note: str = "", user=None) -> Rubric:
    """A rubric from its parts. ``levels`` are (name, minimum points), any order; ``year_rules`` are
    (grade level, every meeting at least level or None, counted level or None, count), tried in order."""
    _require_rubric_editor(user)
    errors = []
    name = " ".join((name or "").split())
    if not name:
        errors.append(_("Give the rubric a name."))
    elif Rubric.objects.filter(name=name).exists():
        errors.append(_("A rubric named “%(name)s” already exists.") % {"name": name})
    if not sections or not any(criteria for _s, criteria in sections):
        errors.append(_("A rubric needs at least one criterion."))
    if not levels:
        errors.append(_("A rubric needs at least one level."))
    total = sum((Decimal(points) for _s, criteria in sections for _c, points in criteria), Decimal(0))
    level_names = [lv for lv, _p in levels]
    if len(set(level_names)) != len(level_names):
        errors.append(_("Two levels have the same name."))
    for level, points in levels:
        if Decimal(points) > total:
            errors.append(_("Level “%(level)s” needs %(points)s points but the criteria add up to %(total)s.")
                          % {"level": level, "points": points, "total": total})
    for rule in year_rules:
        for ref in rule[:3]:
            if ref is not None and ref not in level_names:
                errors.append(_("The yearly rule names an unknown level “%(level)s”.") % {"level": ref})
    if errors:
        raise ValidationError(errors)
    rubric = Rubric(name=name, legal_basis=legal_basis, note=note)
    _audit_as(rubric, user)
    rubric.save()
    section_rows = [RubricSection(rubric=rubric, name=s, order=i) for i, (s, _c) in enumerate(sections)]
    RubricSection.objects.bulk_create(section_rows)
    RubricCriterion.objects.bulk_create([
        RubricCriterion(section=row, name=c, max_points=p, order=j)
        for row, (_s, criteria) in zip(section_rows, sections) for j, (c, p) in enumerate(criteria)])
    ordered = sorted(levels, key=lambda lv: Decimal(lv[1]))
    level_rows = RubricLevel.objects.bulk_create([RubricLevel(rubric=rubric, name=lv, min_points=p, rank=i + 1)
                                                  for i, (lv, p) in enumerate(ordered)])
    by_name = {lv.name: lv for lv in level_rows}
    RubricYearRule.objects.bulk_create([
        RubricYearRule(rubric=rubric, level=by_name[g], all_at_least=by_name.get(a), top_level=by_name.get(t),
                       top_count=n or 0, order=i) for i, (g, a, t, n) in enumerate(year_rules)])
    return rubric


@transaction.atomic
def rubric_choose(*, rubric: Rubric, organization: Organization, from_year: int, user=None) -> RubricUse:
    """Use ``rubric`` for the meetings of every cell under ``organization`` from ``from_year``."""
    _require_rubric_editor(user, organization)
    use, _created = RubricUse.objects.update_or_create(
        organization=organization, from_year=from_year, defaults={"rubric": rubric, "chosen_by": _history_user(user)})
    # Meetings already logged in those years and not yet scored follow the new choice.
    Meeting.objects.filter(cell__path__startswith=organization.path, date__year__gte=from_year,
                           scores__isnull=True).exclude(kind__in=COMMITTEE_MEETING_KINDS).update(rubric=rubric)
    return use


@transaction.atomic
def reminder_schedule_set(*, day_of_month: int, organization: Organization | None = None, user=None):
    if user is not None and not (user_can(user, Perm.CHANGE_MEETINGS, organization) if organization
                                 else user.is_superuser):
        raise PermissionDenied
    if not 1 <= day_of_month <= 28:
        raise ValidationError({"day_of_month": _("Choose a day between 1 and 28; %(day)d is not.")
                               % {"day": day_of_month}})
    row, _created = ReminderSchedule.objects.update_or_create(organization=organization,
                                                              defaults={"day_of_month": day_of_month})
    return row


# Status periods that leave a member out of a meeting's attendance (RULES §2), in the order
# expected_attendees prefers when two overlap.
EXCLUDING_KINDS = ("exempted", "special_duty")


def recheck_exclusions(*, cell_ids: Iterable[int], years: Iterable[int]) -> int:
    """Make the recorded attendance of the cells' meetings in ``years`` agree with the status periods as they
    are now: a member exempted (or on special duty) on a meeting's date is excluded from it, and a member
    whose exclusion no longer covers the date is put back as absent with a reason to check (we do not know
    whether they came). Run after a status period is recorded or changed (the "status_period" change event,
    subscribed in MeetingsConfig.ready), so a member exempted from March leaves April's attendance rate
    even when April was logged first. Returns the number of rows changed. Two queries and one bulk update."""
    from django.db.models import F, OuterRef, Q, Subquery

    from members.register.models import StatusPeriod

    cell_ids, years = list(cell_ids), sorted(set(years))
    if not cell_ids or not years:
        return 0
    covering = (StatusPeriod.objects.filter(member=OuterRef("member"), kind__in=EXCLUDING_KINDS,
                                            valid__contains=OuterRef("meeting__date")).order_by("kind"))
    # Only the rows that disagree are read: a transfer of a whole bloc (also a "membership" change) costs one
    # indexed query and changes nothing.
    rows = (Attendance.objects.filter(meeting__cell_id__in=cell_ids, meeting__date__year__in=years)
            .exclude(meeting__kind__in=COMMITTEE_MEETING_KINDS)
            .annotate(now_kind=Subquery(covering.values("kind")[:1]))
            .filter(Q(now_kind__isnull=False) & (~Q(status=AttendanceStatus.EXCLUDED) | ~Q(excluded_kind=F("now_kind")))
                    | Q(now_kind__isnull=True, status=AttendanceStatus.EXCLUDED)))
    changed = []
    for row in rows:
        if row.now_kind:
            row.status, row.excluded_kind, row.reason = AttendanceStatus.EXCLUDED, row.now_kind, ""
        else:
            row.status, row.excluded_kind = AttendanceStatus.ABSENT_EXCUSED, ""
            row.reason = _("No longer exempted on this date: check the attendance")[:255]
        changed.append(row)
    if changed:
        with transaction.atomic():
            bulk_update_with_history(changed, Attendance, ["status", "reason", "excluded_kind"], batch_size=5000)
            emit("meeting", organization_ids=cell_ids, years=years)
    return len(changed)


def on_records_changed(sender, kind, organization_ids, years, **kwargs):
    if kind == "status_period":
        recheck_exclusions(cell_ids=organization_ids, years=years)
