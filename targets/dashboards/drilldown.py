"""From a figure to the records behind it: the members not rated at the counted levels, the cells that missed a
month, the members not inspected, the admissions counted …

One provider per metric family (and measure), registered in ``PROVIDERS``. A provider answers one target, one
organization and one year with a ``RecordList``: a sentence saying what is listed, and an ordered queryset of
the records. Each queryset applies the metric's own rules to the organization's subtree (the same dated
populations as ``targets/metrics/``: the rating day, the period, the tree as it stood on each record's date) as
set-based SQL, and starts from the model's ``visible_to(user)``, so a list never shows a record outside the
user's scope and any number of records costs the same queries (the page paginates the queryset).

Members' sensitive data (citizen ID, ethnicity, religion) is never part of a list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import number
from members.ratings.population import rated_member_sql
from organizations.choices import CELL_KINDS, TCCSD_KINDS
from organizations.models import Organization
from organizations.population import above_on, under_during, under_on
from targets.engine.choices import Family

# --------------------------------------------------------------------------------------------- the contract


@dataclass
class RecordList:
    """What the records page shows: ``description`` (a sentence), ``headers`` and, for each object of the
    paginated ``queryset``, ``row(obj)`` — a list of cell texts."""

    description: str
    headers: list[str]
    queryset: models.QuerySet
    row: Callable[[object], list[str]]


@dataclass(frozen=True)
class Scope:
    """The figure a list explains: ``organization`` and ``year`` of ``target``, with the period and the
    rating day the metric used (``Target.period``; the rating day never after the period's end)."""

    target: object
    organization: Organization
    year: int
    user: object

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.target.period(self.year)

    @property
    def rating_day(self) -> dt.date:
        from members.ratings.rules import rating_date

        return min(rating_date(self.year), self.period[1])

    @property
    def params(self) -> dict:
        return self.target.params or {}


Provider = Callable[[Scope], RecordList]
PROVIDERS: dict[tuple[str, str | None], Provider] = {}


def provides(family: str, measure: str | None = None):
    def decorate(func: Provider) -> Provider:
        PROVIDERS[(str(family), measure)] = func
        return func

    return decorate


def _measure(target) -> str | None:
    """The registry key's second part: what exactly a target of a multi-measure family counts."""
    params = target.params or {}
    if target.family == Family.INSP:
        return "members" if params.get("subject") == "members" else "organizations"
    if target.family == Family.ADM:
        return params.get("measure") or "admissions"
    if target.family == Family.MEET:
        return params.get("measure")
    if target.family == Family.REP:
        from targets.records.models import ReportIndicator

        indicator = ReportIndicator.objects.filter(code=params.get("indicator", "")).only("reporters").first()
        return indicator.reporters if indicator else None
    return None


def record_list(target, organization, year: int, user) -> RecordList | None:
    """The records behind ``target``'s figure for ``organization`` and ``year``, or None when its family (or
    measure) has no record list."""
    provider = PROVIDERS.get((str(target.family), _measure(target))) or PROVIDERS.get((str(target.family), None))
    if provider is None:
        return None
    return provider(Scope(target=target, organization=organization, year=year, user=user))


# ---------------------------------------------------------------------------------------- SQL building blocks

# Organizations of some kinds placed under an organization on a day (both by the dated tree), the population
# rule of the rating and organization-supplied families. Params: day, organization id, day, kinds.
_UNDER_ON_DAY = """
SELECT p.organization_id FROM (SELECT 1) AS one JOIN """ + under_on("p", "%s", "%s") + """
 WHERE p.kind = ANY(%s)
"""

# Organizations of some kinds placed under an organization at some day of a period, that same day (the
# INSP organization population). Params: organization id, start, end, kinds.
_UNDER_DURING = """
SELECT DISTINCT p.organization_id FROM (SELECT 1) AS one
  JOIN """ + under_during("p", "%s", "daterange(%s, %s, '[]')") + """
 WHERE p.kind = ANY(%s)
"""

# The cells the MEET cell measures judge: of some kinds, under the organization on the reference day (its
# last day in the period, or today if earlier). Params: start, end, organization id, start, end, start, end,
# organization id, today, kinds.
_CELLS_ON_REFERENCE_DAY = """
WITH x AS (
    SELECT path, valid * daterange(%s, %s, '[]') AS span
      FROM organizations_organizationplacement
     WHERE organization_id = %s AND valid && daterange(%s, %s, '[]')
     ORDER BY upper(valid * daterange(%s, %s, '[]')) DESC LIMIT 1
)
SELECT pc.organization_id
  FROM x JOIN """ + under_on("pc", "%s", "least(upper(x.span) - 1, %s::date)") + """
 WHERE pc.kind = ANY(%s)
"""


def _kinds(kinds) -> list[str]:
    return sorted(str(k) for k in kinds)


def _under_on(organization, day: dt.date, kinds) -> RawSQL:
    return RawSQL(_UNDER_ON_DAY, [organization.pk, day, _kinds(kinds)])


def _six_months_before(day: dt.date) -> dt.date:
    from members.ratings.population import six_months_before

    return six_months_before(day)


def _date(day) -> str:
    return date_format(day, "d/m/Y") if day else "—"


def _organizations(scope: Scope) -> models.QuerySet:
    return Organization.objects.visible_to(scope.user)


NOT_RATED = gettext_lazy("not rated yet")


def _counts_the_bad(target) -> bool:
    """A target whose counted levels are the bad ones ("no organization rated KHT": comparator zero, ≤, <): its
    records are those at the levels; for any other, those falling short of them."""
    from targets.engine.choices import Comparator

    return target.comparator in (Comparator.ZERO, Comparator.LTE, Comparator.LT)


def _level_filter(target, levels) -> Q:
    at_levels = Q(level_code__in=levels)
    return at_levels if _counts_the_bad(target) else (Q(level_code__isnull=True) | ~at_levels)


# ------------------------------------------------------------------------------------------------- ratings


@provides(Family.R_MEM)
def members_not_at_levels(scope: Scope) -> RecordList:
    """The members the rules rate on the rating day (not exempted or suspended that day, admitted at least six
    months before it) in the cells placed under the organization that day, whose decided rating of the year
    is not one of the levels counted (or who have no decided rating yet)."""
    from members.ratings.models import MemberRating
    from members.register.models import MembershipPeriod

    day, levels = scope.rating_day, list(scope.params.get("levels", []))
    rating = MemberRating.objects.filter(member=OuterRef("member_id"), year=scope.year, status="decided")
    # Who counts is the rated population's one definition (members.ratings.population), as in the metric.
    rated = RawSQL("SELECT m.id FROM (SELECT %s::date AS d) AS rd JOIN members_membershipperiod mp "
                   "ON mp.valid @> rd.d JOIN members_member m ON m.id = mp.member_id "
                   "WHERE mp.cell_id IN (" + _UNDER_ON_DAY + ") AND " + rated_member_sql("m", "rd.d"),
                   [day, scope.organization.pk, day, _kinds(CELL_KINDS)])
    qs = (MembershipPeriod.objects.visible_to(scope.user)
          .filter(valid__contains=day, cell_id__in=_under_on(scope.organization, day, CELL_KINDS))
          .filter(member_id__in=rated)
          .annotate(level_code=Subquery(rating.values("decided_level__code")[:1]),
                    level_name=Subquery(rating.values("decided_level__name")[:1]))
          .filter(_level_filter(scope.target, levels))
          .select_related("member", "cell").order_by("cell__path", "member__full_name", "member_id"))
    if _counts_the_bad(scope.target):
        description = _("Members rated on %(day)s at the levels counted (%(levels)s).")
    else:
        description = _("Members rated on %(day)s who are not at the levels counted (%(levels)s), or not rated yet.")
    return RecordList(
        description=description % {"day": _date(day), "levels": ", ".join(levels)},
        headers=[_("Member"), _("Party cell on the rating day"), _("Decided level")],
        queryset=qs,
        row=lambda p: [p.member.full_name, p.cell.name, p.level_name or str(NOT_RATED)],
    )


def _organization_population(scope: Scope) -> models.QuerySet:
    """The organizations of the target's subject under the organization on the rating day, founded at least six
    months before it (metrics.ratings._ORG_POPULATION)."""
    from targets.engine.metrics.ratings import SUBJECT_KINDS

    subject, day = scope.params.get("subject", "tccsd"), scope.rating_day
    qs = _organizations(scope).filter(founded_on__lte=_six_months_before(day))
    if subject == "self":
        return qs.filter(pk=scope.organization.pk)
    return qs.filter(pk__in=_under_on(scope.organization, day, SUBJECT_KINDS[subject]))


def _with_party_rating(qs, year: int, kind: str = "party_org"):
    from members.ratings.models import OrganizationRating

    rating = OrganizationRating.objects.filter(organization=OuterRef("pk"), year=year, kind=kind,
                                               status="decided")
    return qs.annotate(level_code=Subquery(rating.values("decided_level__code")[:1]),
                       level_name=Subquery(rating.values("decided_level__name")[:1]))


@provides(Family.R_ORG)
def organizations_not_at_levels(scope: Scope) -> RecordList:
    levels = list(scope.params.get("levels", []))
    qs = (_with_party_rating(_organization_population(scope), scope.year, scope.params.get("rating", "party_org"))
          .filter(_level_filter(scope.target, levels)).order_by("path"))
    if _counts_the_bad(scope.target):
        description = _("Organizations rated on %(day)s at the levels counted (%(levels)s).")
    else:
        description = _("Organizations rated on %(day)s that are not at the levels counted (%(levels)s), or not "
                        "rated yet.")
    return RecordList(
        description=description % {"day": _date(scope.rating_day), "levels": ", ".join(levels)},
        headers=[_("Organization"), _("Decided level")],
        queryset=qs,
        row=lambda o: [o.name, o.level_name or str(NOT_RATED)],
    )


@provides(Family.T_ORG)
def organizations_without_title(scope: Scope) -> RecordList:
    from members.ratings.models import RecognitionAward

    titles, levels = list(scope.params.get("titles", [])), list(scope.params.get("levels", []))
    titled = Exists(RecognitionAward.objects.filter(organization=OuterRef("pk"), year=scope.year, title__in=titles))
    qs = (_with_party_rating(_organization_population(scope), scope.year)
          .filter(~titled).filter(Q(level_code__isnull=True) | ~Q(level_code__in=levels)).order_by("path"))
    return RecordList(
        description=_("Organizations rated on %(day)s that do not hold the title counted.")
        % {"day": _date(scope.rating_day)},
        headers=[_("Organization"), _("Decided level")],
        queryset=qs,
        row=lambda o: [o.name, o.level_name or str(NOT_RATED)],
    )


# --------------------------------------------------------------------------------------------- inspections


def _inspection_filter(scope: Scope, prefix: str) -> Q:
    """The inspections that count (metrics.inspections._inspection_filter): decided in the period, of the
    activity and under the charter article asked for."""
    start, end = scope.period
    q = Q(**{f"{prefix}decision_date__range": (start, end)})
    if scope.params.get("activity"):
        q &= Q(**{f"{prefix}activity": str(scope.params["activity"])})
    if scope.params.get("article") not in (None, ""):
        q &= Q(**{f"{prefix}charter_article": str(scope.params["article"])})
    return q


@provides(Family.INSP, "members")
def members_not_inspected(scope: Scope) -> RecordList:
    """Members who belonged at some day of the period to a cell under the organization that day (the metric's
    denominator) and were named in no inspection or supervision that counts."""
    from inspections.models import Inspection
    from members.register.models import Member

    start, end = scope.period
    named = Inspection.members.through.objects.filter(
        Q(member_id=OuterRef("pk")) & _inspection_filter(scope, "inspection__"))
    qs = (Member.objects.visible_to(scope.user).under_during(scope.organization, start, end)
          .filter(~Exists(named)).select_related("cell").order_by("cell__path", "full_name", "id"))
    return RecordList(
        description=_("Members of the organization between %(start)s and %(end)s who were not inspected or "
                      "supervised in that period.") % {"start": _date(start), "end": _date(end)},
        headers=[_("Member"), _("Current party cell")],
        queryset=qs,
        row=lambda m: [m.full_name, m.cell.name],
    )


@provides(Family.INSP, "organizations")
def organizations_not_inspected(scope: Scope) -> RecordList:
    from inspections.models import Inspection
    from targets.engine.metrics.inspections import ORGANIZATION_SUBJECTS

    start, end = scope.period
    kinds = ORGANIZATION_SUBJECTS.get(scope.params.get("subject"), [])
    population = RawSQL(_UNDER_DURING, [scope.organization.pk, start, end, _kinds(kinds)])
    named = Inspection.organizations.through.objects.filter(
        Q(organization_id=OuterRef("pk")) & _inspection_filter(scope, "inspection__"))
    qs = _organizations(scope).filter(pk__in=population).filter(~Exists(named)).order_by("path")
    return RecordList(
        description=_("Organizations under it between %(start)s and %(end)s that were not inspected or "
                      "supervised in that period.") % {"start": _date(start), "end": _date(end)},
        headers=[_("Organization"), _("Dissolved on")],
        queryset=qs,
        row=lambda o: [o.name, _date(o.dissolved_on) if o.dissolved_on else ""],
    )


# ------------------------------------------------------------------------------------------------ meetings

# The required units (months or quarters) of a cell that lack a qualifying meeting, as an array of their
# first days, for the cell of the outer query (metrics.meetings._CELL_UNITS: the ended units of the period
# from the unit the cell was founded in). Params: unit, start, end, unit, today, step, step, step.
_MISSING_UNITS = """ARRAY(
    SELECT u::date FROM generate_series(
           date_trunc(%s, greatest(%s::date, "organizations_organization"."founded_on")::timestamp),
           least(%s::date + 1, date_trunc(%s, %s::timestamp)::date) - %s::interval, %s::interval) AS u
     WHERE NOT EXISTS (SELECT 1 FROM meetings_meeting m
                        WHERE m.cell_id = "organizations_organization"."id" AND m.date >= u
                          AND m.date < u + %s::interval AND {condition}))"""

from targets.engine.metrics.meetings import THEMATIC_MEETING_SQL  # noqa: E402  (beside the measures it lists)

_MEETING_UNITS = {
    # measure: (unit, step, condition on meeting m, what the list says)
    "monthly_regular": ("month", "1 month", "m.kind = 'regular'"),
    "upper_quarterly": ("quarter", "3 months", "EXISTS (SELECT 1 FROM meetings_upperattendance ua "
                                               "WHERE ua.meeting_id = m.id)"),
    "thematic_quarterly": ("quarter", "3 months", THEMATIC_MEETING_SQL),
}


def _cells_missing_units(scope: Scope, measure: str) -> models.QuerySet:
    from targets.engine.metrics.meetings import CELL_SUBJECTS, today

    unit, step, condition = _MEETING_UNITS[measure]
    start, end = scope.period
    now = today()
    kinds = CELL_SUBJECTS.get(scope.params.get("subject", "cells"), CELL_SUBJECTS["cells"])
    cells = RawSQL(_CELLS_ON_REFERENCE_DAY, [start, end, scope.organization.pk, start, end, start, end,
                                             scope.organization.pk, now, _kinds(kinds)])
    missing = RawSQL(_MISSING_UNITS.format(condition=condition), [unit, start, end, unit, now, step, step, step],
                     output_field=ArrayField(models.DateField()))
    return (_organizations(scope).filter(pk__in=cells).annotate(missing_units=missing)
            .filter(missing_units__len__gt=0).order_by("path"))


def _month_list(days) -> str:
    return ", ".join(f"{d.month:02d}/{d.year}" for d in days)


def _quarter_list(days) -> str:
    return ", ".join(_("Q%(q)s/%(y)s") % {"q": (d.month - 1) // 3 + 1, "y": d.year} for d in days)


@provides(Family.MEET, "monthly_regular")
def cells_that_missed_a_month(scope: Scope) -> RecordList:
    return RecordList(
        description=_("Cells that held no regular meeting in at least one month that has ended, with the months "
                      "missed."),
        headers=[_("Party cell"), _("Months without a regular meeting")],
        queryset=_cells_missing_units(scope, "monthly_regular"),
        row=lambda c: [c.name, _month_list(c.missing_units)],
    )


@provides(Family.MEET, "upper_quarterly")
def cells_without_upper_attendance(scope: Scope) -> RecordList:
    return RecordList(
        description=_("Cells with at least one ended quarter in which no meeting had an upper-level attendee, "
                      "with those quarters."),
        headers=[_("Party cell"), _("Quarters without an upper-level attendee")],
        queryset=_cells_missing_units(scope, "upper_quarterly"),
        row=lambda c: [c.name, _quarter_list(c.missing_units)],
    )


@provides(Family.MEET, "thematic_quarterly")
def cells_without_a_thematic_meeting(scope: Scope) -> RecordList:
    return RecordList(
        description=_("Cells with at least one ended quarter without a thematic meeting, with those quarters."),
        headers=[_("Party cell"), _("Quarters without a thematic meeting")],
        queryset=_cells_missing_units(scope, "thematic_quarterly"),
        row=lambda c: [c.name, _quarter_list(c.missing_units)],
    )


# The regular meetings QT-4b counts for an organization: held in the period up to today by an organization placed
# under it on the meeting date (targets.engine.metrics.meetings._MEETINGS_HELD with the roll-up above_on). Params:
# organization id, start, end.
_REGULAR_MEETINGS_COUNTED = """
SELECT m.id
  FROM meetings_meeting m
  JOIN """ + above_on("pc", "m.cell_id", "m.date") + """ AND pc.ancestor_id = (%s)::bigint
 WHERE m.kind = 'regular' AND m.date BETWEEN %s AND %s
"""


def _attendance_counted(scope: Scope) -> RawSQL:
    from targets.engine.metrics.meetings import today

    start, end = scope.period
    return RawSQL(_REGULAR_MEETINGS_COUNTED, [scope.organization.pk, start, min(end, today())])


def _percent(numerator: int, denominator: int) -> str:
    from decimal import Decimal

    return f"{number(Decimal(numerator) * 100 / Decimal(denominator))}%" if denominator else "—"


@provides(Family.MEET, "attendance_rate")
def attendance_shortfall(scope: Scope) -> RecordList:
    """Per meeting (the default basis): the regular meetings counted (with an expected attendee) whose attendance
    is not above the threshold — the complement of the numerator. Pooled: the absences (with or without reason)
    at the regular meetings counted — expected attendees not present, the complement of the numerator."""
    from meetings.choices import MIN_ATTENDANCE_RATE, AttendanceStatus
    from meetings.models import Attendance, Meeting

    counted = _attendance_counted(scope)
    threshold = int(scope.params.get("threshold", MIN_ATTENDANCE_RATE))
    if scope.params.get("basis", "per_meeting") == "pooled":
        qs = (Attendance.objects.visible_to(scope.user)
              .filter(meeting_id__in=counted,
                      status__in=[AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED])
              .select_related("member", "meeting__cell")
              .order_by("meeting__date", "meeting__cell__path", "member__full_name", "id"))
        return RecordList(
            description=_("The absences counted against the pooled attendance: members expected at the regular "
                          "meetings of the period and not present (members exempted or on special duty are not "
                          "expected)."),
            headers=[_("Member"), _("Party cell"), _("Meeting date"), _("Attendance")],
            queryset=qs,
            row=lambda a: [a.member.full_name, a.meeting.cell.name, _date(a.meeting.date), a.get_status_display()],
        )
    qs = (Meeting.objects.visible_to(scope.user).filter(pk__in=counted).with_attendance()
          .annotate(expected=models.F("expected_count") - models.F("excluded_count"))
          # Not above the threshold, exactly as the metric tests it: present × 100 ≤ threshold × expected.
          .alias(present_100=models.F("present_count") * 100, bound=models.F("expected") * threshold)
          .filter(expected__gt=0, present_100__lte=models.F("bound"))
          .select_related("cell").order_by("date", "cell__path", "id"))
    return RecordList(
        description=_("The regular meetings whose attendance was not above %(threshold)s%% (present ÷ expected; "
                      "members exempted or on special duty are not expected).") % {"threshold": threshold},
        headers=[_("Party cell"), _("Meeting date"), _("Present / expected"), _("Attendance rate")],
        queryset=qs,
        row=lambda m: [m.cell.name, _date(m.date), f"{m.present_count}/{m.expected}",
                       _percent(m.present_count, m.expected)],
    )


# ---------------------------------------------------------------------------------------------- admissions

# Admitted candidates whose ceremony fell in the period, in a cell that lay under the organization on the
# ceremony day (members.admissions.queries._ADMISSIONS_SQL). Params: organization id, start, end; the
# attribute condition on ``c`` is inlined (it is built from a closed vocabulary).
_ADMITTED = """
SELECT c.id
  FROM members_candidate c
  JOIN """ + above_on("pc", "c.cell_id", "c.admitted_on") + """ AND pc.ancestor_id = %s
 WHERE c.status = 'admitted' AND c.admitted_on BETWEEN %s AND %s AND ({condition})
"""


@provides(Family.ADM, "admissions")
def admissions_counted(scope: Scope) -> RecordList:
    from members.admissions.models import Candidate
    from members.admissions.queries import any_attribute_sql

    start, end = scope.period
    attributes = list(scope.params.get("attributes", []))
    ids = RawSQL(_ADMITTED.format(condition=any_attribute_sql(attributes)), [scope.organization.pk, start, end])
    qs = (Candidate.objects.visible_to(scope.user).filter(pk__in=ids).select_related("cell")
          .order_by("admitted_on", "full_name", "id"))
    if attributes:
        description = _("The admissions counted: ceremonies between %(start)s and %(end)s of candidates with the "
                        "attributes the target counts.")
    else:
        description = _("The admissions counted: ceremonies between %(start)s and %(end)s.")
    return RecordList(
        description=description % {"start": _date(start), "end": _date(end)},
        headers=[_("Admitted"), _("Ceremony date"), _("Party cell")],
        queryset=qs,
        row=lambda c: [c.full_name, _date(c.admitted_on), c.cell.name],
    )


# KH-6: organizations founded in the period in host units of a sector, under the organization on the founding
# day, the organization itself excluded (members.admissions.queries._FOUNDED_SQL). Params: organization id,
# start, end, sector, organization id.
_FOUNDED = """
SELECT e.organization_id
  FROM organizations_organizationevent e
  JOIN organizations_organization o ON o.id = e.organization_id
  JOIN organizations_hostunit h ON h.id = o.host_unit_id
  JOIN """ + above_on("pc", "e.organization_id", "e.date") + """ AND pc.ancestor_id = %s
 WHERE e.kind = 'founded' AND e.date BETWEEN %s AND %s AND h.sector = %s AND e.organization_id <> %s
"""


@provides(Family.ADM, "organizations_founded")
def organizations_founded(scope: Scope) -> RecordList:
    from organizations.choices import Sector

    start, end = scope.period
    sector = scope.params.get("sector", Sector.PRIVATE_ENTERPRISE)
    ids = RawSQL(_FOUNDED, [scope.organization.pk, start, end, str(sector), scope.organization.pk])
    qs = _organizations(scope).filter(pk__in=ids).select_related("host_unit").order_by("founded_on", "path")
    return RecordList(
        description=_("Party organizations founded between %(start)s and %(end)s in host units of the sector "
                      "counted.") % {"start": _date(start), "end": _date(end)},
        headers=[_("Organization"), _("Founded on"), _("Host unit")],
        queryset=qs,
        row=lambda o: [o.name, _date(o.founded_on), o.host_unit.name if o.host_unit_id else ""],
    )


# ------------------------------------------------------------------------------ records organizations supply


@provides(Family.REP, "tccsd")
def figures_reported(scope: Scope) -> RecordList:
    """Each grassroots organization under the organization on the rating day with the figure it reported, those
    that have not reported first."""
    from targets.records.models import ReportedFigure

    figure = ReportedFigure.objects.filter(organization=OuterRef("pk"), year=scope.year,
                                           indicator__code=scope.params.get("indicator", ""))
    qs = (_organizations(scope).filter(pk__in=_under_on(scope.organization, scope.rating_day, TCCSD_KINDS))
          .annotate(reported_numerator=Subquery(figure.values("numerator")[:1]),
                    reported_denominator=Subquery(figure.values("denominator")[:1]))
          .order_by(models.F("reported_numerator").asc(nulls_first=True), "path"))
    return RecordList(
        description=_("The grassroots organizations that report this figure, with what each reported; those that "
                      "have not reported come first."),
        headers=[_("Organization"), _("Reported figure")],
        queryset=qs,
        row=_reported_row,
    )


@provides(Family.REP, "scope")
def figure_reported_by_the_organization(scope: Scope) -> RecordList:
    from targets.records.models import ReportedFigure

    figure = ReportedFigure.objects.filter(organization=OuterRef("pk"), year=scope.year,
                                           indicator__code=scope.params.get("indicator", ""))
    qs = (_organizations(scope).filter(pk=scope.organization.pk)
          .annotate(reported_numerator=Subquery(figure.values("numerator")[:1]),
                    reported_denominator=Subquery(figure.values("denominator")[:1])))
    return RecordList(
        description=_("This figure is reported by the organization itself."),
        headers=[_("Organization"), _("Reported figure")],
        queryset=qs,
        row=_reported_row,
    )


def _reported_row(o) -> list[str]:
    if o.reported_numerator is None:
        return [o.name, _("not reported")]
    if o.reported_denominator is None:
        return [o.name, number(o.reported_numerator)]
    return [o.name, f"{number(o.reported_numerator)}/{number(o.reported_denominator)}"]


# Registered models of an organization and of every organization placed under it during the year, matched on
# both placements at the same dates (metrics.reported.RegisteredModels for subject tccsd). Params: year start,
# year end, year, kind, kind.
_MODELS_OF_TCCSD = """(
    SELECT count(DISTINCT m.id)
      FROM (SELECT 1) AS one
      JOIN """ + under_during("q", '"organizations_organization"."id"', "daterange(%s, %s, '[]')") + """
      JOIN targets_registeredmodel m ON m.organization_id = q.organization_id
     WHERE m.year = %s AND (%s = '' OR m.kind = %s))"""


@provides(Family.MODEL)
def organizations_without_models(scope: Scope) -> RecordList:
    from targets.records.models import RegisteredModel

    subject = scope.params.get("subject", "cells")
    kind = scope.params.get("kind", "") or ""
    min_count = int(scope.params.get("min_count", 1))
    kinds = TCCSD_KINDS if subject == "tccsd" else CELL_KINDS
    qs = _organizations(scope).filter(pk__in=_under_on(scope.organization, scope.rating_day, kinds))
    if subject == "tccsd":
        count = RawSQL(_MODELS_OF_TCCSD, [dt.date(scope.year, 1, 1), dt.date(scope.year, 12, 31), scope.year, kind,
                                          kind], output_field=IntegerField())
    else:
        own = RegisteredModel.objects.filter(organization=OuterRef("pk"), year=scope.year)
        if kind:
            own = own.filter(kind=kind)
        count = Subquery(own.order_by().values("organization").annotate(n=models.Count("id")).values("n")[:1],
                         output_field=IntegerField())
    qs = (qs.annotate(models_count=Coalesce(count, 0))
          .filter(models_count__lt=min_count).order_by("path"))
    return RecordList(
        description=_("Organizations with fewer than %(n)s registered models of the kind counted in %(year)s.")
        % {"n": min_count, "year": scope.year},
        headers=[_("Organization"), _("Models registered")],
        queryset=qs,
        row=lambda o: [o.name, number(o.models_count)],
    )


# The required documents of a cadence a cell has not adopted between the first year and the year (metrics.
# reported.AdoptedDocuments). Params: cadence, first year, year.
_DOCUMENTS_MISSING = """ARRAY(
    SELECT d.name FROM targets_requireddocument d
     WHERE d.cadence = %s AND NOT EXISTS (
           SELECT 1 FROM targets_documentadoption a
            WHERE a.organization_id = "organizations_organization"."id" AND a.document_id = d.id
              AND a.year BETWEEN %s AND %s)
     ORDER BY d.order, d.code)"""


@provides(Family.DOC)
def cells_lacking_documents(scope: Scope) -> RecordList:
    cadence = scope.params.get("cadence", "year")
    first_year = scope.period[0].year if cadence == "term" else scope.year
    missing = RawSQL(_DOCUMENTS_MISSING, [cadence, first_year, scope.year],
                     output_field=ArrayField(models.CharField()))
    qs = (_organizations(scope).filter(pk__in=_under_on(scope.organization, scope.rating_day, CELL_KINDS))
          .annotate(documents_missing=missing).filter(documents_missing__len__gt=0).order_by("path"))
    return RecordList(
        description=_("Cells that have not adopted every required document, with the documents missing."),
        headers=[_("Party cell"), _("Documents not adopted")],
        queryset=qs,
        row=lambda c: [c.name, "; ".join(c.documents_missing)],
    )


# The due periods (year, quarter, due date; passed as arrays) an organization owed — due on or after its
# founding — without a submission on or before the due date (metrics.reported.ReportsOnTime). Params: due
# years, due quarters, due dates, report id.
_PERIODS_MISSED = """ARRAY(
    SELECT d.quarter FROM unnest(%s::int[], %s::int[], %s::date[]) AS d(year, quarter, due_d)
     WHERE d.due_d >= "organizations_organization"."founded_on"
       AND NOT EXISTS (SELECT 1 FROM targets_reportsubmission s
                        WHERE s.report_id = %s AND s.organization_id = "organizations_organization"."id"
                          AND s.year = d.year AND s.quarter = d.quarter AND s.submitted_on <= d.due_d)
     ORDER BY d.quarter)"""


@provides(Family.DUE)
def organizations_late_or_missing(scope: Scope) -> RecordList | None:
    from django.utils import timezone

    from targets.records.models import PeriodicReport

    report = PeriodicReport.objects.filter(code=scope.params.get("report", "")).first()
    if report is None:
        return None
    today = timezone.localdate()
    due = [(scope.year, q, report.due_date(scope.year, q)) for q in report.periods()]
    due = [d for d in due if d[2] <= today]
    missed = RawSQL(_PERIODS_MISSED, [[d[0] for d in due], [d[1] for d in due], [d[2] for d in due], report.pk],
                    output_field=ArrayField(models.IntegerField()))
    qs = (_organizations(scope).filter(pk__in=_under_on(scope.organization, scope.rating_day, TCCSD_KINDS))
          .annotate(periods_missed=missed).filter(periods_missed__len__gt=0).order_by("path"))

    def row(o):
        periods = [_("Q%(q)s/%(y)s") % {"q": q, "y": scope.year} if q else str(scope.year) for q in o.periods_missed]
        return [o.name, ", ".join(periods)]

    return RecordList(
        description=_("Grassroots organizations that did not submit “%(report)s” by its due date (late or not at "
                      "all), with the periods concerned.") % {"report": report.name},
        headers=[_("Organization"), _("Periods not submitted on time")],
        queryset=qs,
        row=row,
    )
