"""Admissions and probation: every write, in one transaction each, with the party's rules (RULES §3) and
the acting user's scope checked here once for pages, the demo loader and tasks alike.

The rules, with the figures they name:
- age from 18 years 0 months to 60 years 0 months (``AdmissionAgeRule`` rows, dated), counted in whole months on
  the day the cell considers the admission (its resolution, or the planned date before it); older needs the
  exception recorded;
- the "bồi dưỡng nhận thức về Đảng" certificate is at most 5 years old on that day;
- two sponsors who are full members on the day they sponsor, still in the party, having worked with the
  candidate for at least 12 months (or one sponsor and the Youth Union's resolution);
- the ceremony within 30 working days of the admission decision (warned 5 working days before, flagged
  after);
- probation: 12 months from the ceremony; the cell considers full membership within 30 working days
  after; full membership dates from the end of the 12 months even when approved late; a probationary
  member found unfit is struck off.

Admission creates the member through members.register.services.member_create (one membership period in the
cell from the ceremony date, reason "admitted") and keeps the one-to-one link Candidate.member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.events import emit
from core.text import clean_phone, normalize_name, phone_problem
from members.admissions.choices import (
    EDUCATION_MET,
    CandidateStatus,
    CheckLevel,
    GeneralEducation,
    ProbationOutcome,
    StageCode,
)
from members.admissions.models import AdmissionStage, Candidate, CandidateStage, Sponsor
from members.admissions.workdays import (
    add_months,
    add_working_days,
    holidays_between,
    months_between,
    working_days_between,
)
from members.register.choices import MembershipReason
from members.register.models import Member, admission_age_rule
from members.register.services import (
    check_cell,
    member_create,
    member_leave,
    member_update,
)
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_can

CERTIFICATE_YEARS = 5
SPONSOR_MONTHS = 12
SPONSORS_NEEDED = 2
CEREMONY_WORKING_DAYS = 30
CEREMONY_WARNING_WORKING_DAYS = 5
PROBATION_MONTHS = 12
CONSIDERATION_WORKING_DAYS = 30

CANDIDATE_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "job_title", "phone", "youth_union",
    "trade_union", "worker", "business_owner", "private_enterprise", "outstanding", "planned_consideration_date",
    "age_exception", "education", "education_exception", "youth_union_resolution",
)
# The candidate's profile carried over to the member register on admission.
MEMBER_PROFILE_FIELDS = ("full_name", "gender", "birth_date", "ethnicity", "religion", "job_title", "phone")


def _d(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require(user, organization: Organization) -> None:
    if user is not None and not user_can(user, Perm.RUN_ADMISSIONS, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations whose admissions you may run.")
                               % {"org": organization})


def _audit_as(instance, user) -> None:
    if user is not None and user.is_authenticated:
        instance._history_user = user


def _emit(cells: Collection[int], days: Collection[dt.date]) -> None:
    emit("admission", organization_ids=list(cells), years=sorted({d.year for d in days if d}))


def stage(code: str) -> AdmissionStage:
    return AdmissionStage.objects.get(code=code)


# ----------------------------------------------------------------------------------------- probation

def probation_end(admitted_on: dt.date) -> dt.date:
    """The end of the 12 months of probation, which is also the full-membership date."""
    return add_months(admitted_on, PROBATION_MONTHS)


def consideration_deadline(admitted_on: dt.date, holidays: Collection[dt.date] | None = None) -> dt.date:
    """The last day the cell may consider full membership: 30 working days after the probation ends."""
    return add_working_days(probation_end(admitted_on), CONSIDERATION_WORKING_DAYS, holidays)


def overdue_cutoff(today: dt.date) -> dt.date:
    """The latest probation end whose consideration deadline is already past on ``today``: a probation is
    overdue exactly when it ended on or before this day (the deadline grows with the end date)."""
    holidays = holidays_between(today - dt.timedelta(days=120), today)
    day = today - dt.timedelta(days=1)
    while add_working_days(day, CONSIDERATION_WORKING_DAYS, holidays) >= today:
        day -= dt.timedelta(days=1)
    return day


def ceremony_deadline(decision_date: dt.date, holidays: Collection[dt.date] | None = None) -> dt.date:
    return add_working_days(decision_date, CEREMONY_WORKING_DAYS, holidays)


# -------------------------------------------------------------------------------------------- checks

@dataclass(frozen=True)
class CheckResult:
    code: str
    level: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.level in (CheckLevel.ERROR, CheckLevel.PENDING)

    @property
    def css(self) -> str:
        return {CheckLevel.OK: "success", CheckLevel.WARNING: "warning", CheckLevel.ERROR: "danger"}.get(
            self.level, "secondary")


def stages_of(candidate: Candidate) -> dict[str, CandidateStage]:
    """The candidate's stages by code (prefetched rows are used when present)."""
    rows = candidate.stages.all() if hasattr(candidate, "_prefetched_objects_cache") and \
        "stages" in candidate._prefetched_objects_cache else candidate.stages.select_related("stage")
    return {row.stage.code: row for row in rows}


def consideration_date(candidate: Candidate, stages: dict[str, CandidateStage] | None = None) -> dt.date | None:
    """When the cell considers the admission: its resolution's date, else the planned date."""
    stages = stages_of(candidate) if stages is None else stages
    row = stages.get(StageCode.CELL_RESOLUTION)
    return row.date if row else candidate.planned_consideration_date


def certificate_date(stages: dict[str, CandidateStage]) -> dt.date | None:
    row = stages.get(StageCode.COURSE)
    return (row.document_date or row.date) if row else None


def check_age(birth_date: dt.date, day: dt.date, exception: str = "") -> CheckResult:
    """Age in whole months on ``day`` (the cell's consideration) against the admission age rule in force that
    day (``members.register.models.AdmissionAgeRule``: data, dated; the register refuses an earlier admission
    date by the same rule)."""
    months = months_between(birth_date, day)
    rule = admission_age_rule(day)
    low, high = (rule.min_months, rule.max_months) if rule else (0, 10_000)
    figures = {"day": _d(day), "years": months // 12, "months": months % 12, "min_y": low // 12, "min_m": low % 12,
               "max_y": high // 12, "max_m": high % 12}
    if months < low:
        return CheckResult("age", CheckLevel.ERROR, _(
            "Age on %(day)s: %(years)d years %(months)d months. The minimum is %(min_y)d years %(min_m)d months.")
            % figures)
    if months > high:
        if exception:
            return CheckResult("age", CheckLevel.WARNING, _(
                "Age on %(day)s: %(years)d years %(months)d months, over %(max_y)d years %(max_m)d months; admitted "
                "by exception: %(exception)s.") % {**figures, "exception": exception})
        return CheckResult("age", CheckLevel.ERROR, _(
            "Age on %(day)s: %(years)d years %(months)d months. The maximum is %(max_y)d years %(max_m)d months "
            "unless the exception is recorded.") % figures)
    return CheckResult("age", CheckLevel.OK, _(
        "Age on %(day)s: %(years)d years %(months)d months (%(min_y)d years %(min_m)d months to %(max_y)d years "
        "%(max_m)d months).") % figures)


def check_education(education: str, exception: str = "") -> CheckResult:
    """Lower secondary or higher (RULES §3); primary only by the remote-area exception, recorded with its
    reason. Not recorded yet: a warning, so the cell sees it before the vote."""
    if education in EDUCATION_MET:
        return CheckResult("education", CheckLevel.OK, _("General education: %(level)s.") % {
            "level": GeneralEducation(education).label})
    if not education:
        return CheckResult("education", CheckLevel.WARNING, _(
            "General education is not recorded: admission needs lower secondary school or higher."))
    if exception.strip():
        return CheckResult("education", CheckLevel.WARNING, _(
            "General education: %(level)s, below lower secondary school; admitted by the exception for remote "
            "areas: %(exception)s.") % {"level": GeneralEducation(education).label, "exception": exception.strip()})
    return CheckResult("education", CheckLevel.ERROR, _(
        "General education: %(level)s. Admission needs lower secondary school or higher, unless the exception for "
        "remote areas is recorded with its reason.") % {"level": GeneralEducation(education).label})


def check_certificate(certificate: dt.date | None, day: dt.date) -> CheckResult:
    if certificate is None:
        return CheckResult("certificate", CheckLevel.PENDING, _(
            "No party awareness course certificate recorded."))
    expiry = add_months(certificate, CERTIFICATE_YEARS * 12)
    figures = {"certificate": _d(certificate), "expiry": _d(expiry), "day": _d(day)}
    if day > expiry:
        return CheckResult("certificate", CheckLevel.ERROR, _(
            "The course certificate of %(certificate)s was valid for 5 years, until %(expiry)s; the cell "
            "considers the admission on %(day)s.") % figures)
    if day < certificate:
        return CheckResult("certificate", CheckLevel.ERROR, _(
            "The course certificate of %(certificate)s is dated after the consideration on %(day)s.") % figures)
    return CheckResult("certificate", CheckLevel.OK, _(
        "Course certificate of %(certificate)s, valid until %(expiry)s.") % figures)


def sponsor_problems(sponsor: Sponsor) -> list[str]:
    """What makes a sponsor invalid, in words naming the dates."""
    member, day = sponsor.member, sponsor.date
    problems = []
    if not member.is_full_member_on(day):
        if member.full_membership_date:
            problems.append(_("%(name)s became a full member on %(full)s, after sponsoring on %(day)s.") % {
                "name": member.full_name, "full": _d(member.full_membership_date), "day": _d(day)})
        else:
            problems.append(_("%(name)s is not a full member.") % {"name": member.full_name})
    if member.left_on is not None and member.left_on <= day:
        problems.append(_("%(name)s left the party organization on %(left)s.") % {
            "name": member.full_name, "left": _d(member.left_on)})
    if sponsor.worked_together_since is not None:
        months = months_between(sponsor.worked_together_since, day)
        if months < SPONSOR_MONTHS:
            problems.append(_("%(name)s has worked with the candidate for %(months)d months; 12 are needed.") % {
                "name": member.full_name, "months": months})
    elif not sponsor.worked_12_months:
        problems.append(_("It is not recorded that %(name)s has worked with the candidate for 12 months.") % {
            "name": member.full_name})
    return problems


def check_sponsors(candidate: Candidate, sponsors: list[Sponsor]) -> CheckResult:
    needed = SPONSORS_NEEDED - (1 if candidate.youth_union_resolution else 0)
    problems = [p for s in sponsors for p in sponsor_problems(s)]
    valid = sum(1 for s in sponsors if not sponsor_problems(s))
    if problems:
        return CheckResult("sponsors", CheckLevel.ERROR, " ".join(problems))
    if valid < needed:
        return CheckResult("sponsors", CheckLevel.PENDING, _(
            "%(valid)d of %(needed)d sponsors recorded.") % {"valid": valid, "needed": needed})
    return CheckResult("sponsors", CheckLevel.OK, _(
        "%(valid)d valid sponsors (full members who worked with the candidate for 12 months).") % {"valid": valid})


def check_ceremony(decision: dt.date | None, ceremony: dt.date | None, today: dt.date,
                   holidays: Collection[dt.date] | None = None) -> CheckResult | None:
    """The ceremony within 30 working days of the decision: warned in the last 5 working days, flagged after."""
    if decision is None:
        return None
    deadline = ceremony_deadline(decision, holidays)
    figures = {"decision": _d(decision), "deadline": _d(deadline)}
    if ceremony is not None:
        used = working_days_between(decision, ceremony, holidays)
        figures.update(ceremony=_d(ceremony), used=used)
        if ceremony > deadline:
            return CheckResult("ceremony", CheckLevel.ERROR, _(
                "The ceremony on %(ceremony)s came %(used)d working days after the decision of %(decision)s; "
                "the limit is 30 working days (%(deadline)s).") % figures)
        return CheckResult("ceremony", CheckLevel.OK, _(
            "The ceremony on %(ceremony)s came %(used)d working days after the decision (limit %(deadline)s).")
            % figures)
    if today > deadline:
        return CheckResult("ceremony", CheckLevel.ERROR, _(
            "The ceremony is overdue: it had to be held within 30 working days of the decision of %(decision)s, "
            "by %(deadline)s.") % figures)
    left = working_days_between(today, deadline, holidays)
    figures["left"] = left
    if left <= CEREMONY_WARNING_WORKING_DAYS:
        return CheckResult("ceremony", CheckLevel.WARNING, _(
            "%(left)d working days left to hold the ceremony (by %(deadline)s).") % figures)
    return CheckResult("ceremony", CheckLevel.PENDING, _(
        "Hold the ceremony by %(deadline)s (30 working days after the decision of %(decision)s).") % figures)


def candidate_checks(candidate: Candidate, *, today: dt.date | None = None,
                     ceremony: dt.date | None = None) -> list[CheckResult]:
    """Every check of the candidate, in order: age, certificate, sponsors, education, ceremony deadline."""
    today = today or dt.date.today()
    stages = stages_of(candidate)
    day = consideration_date(candidate, stages) or today
    results = [
        check_age(candidate.birth_date, day, candidate.age_exception),
        check_certificate(certificate_date(stages), day),
        check_sponsors(candidate, list(candidate.sponsors.select_related("member"))),
        check_education(candidate.education, candidate.education_exception),
    ]
    decision = stages.get(StageCode.DECISION)
    held = stages.get(StageCode.CEREMONY)
    ceremony_result = check_ceremony(decision.date if decision else None,
                                     ceremony or (held.date if held else None), today)
    if ceremony_result:
        results.append(ceremony_result)
    return results


# ------------------------------------------------------------------------------------------ services

def _validated(candidate: Candidate) -> None:
    errors = {}
    candidate.phone = clean_phone(candidate.phone or "")
    if phone_problem(candidate.phone):
        errors["phone"] = phone_problem(candidate.phone)
    if candidate.planned_consideration_date and candidate.planned_consideration_date < candidate.birth_date:
        errors["planned_consideration_date"] = _("The date is before the date of birth.")
    if errors:
        raise ValidationError(errors)
    candidate.full_clean(exclude=["cell", "current_stage", "member"])


@transaction.atomic
def candidate_create(*, cell: Organization, user=None, **data) -> Candidate:
    _require(user, cell)
    check_cell(cell, dt.date.today())
    candidate = Candidate(cell=cell, **{k: v for k, v in data.items() if k in CANDIDATE_FIELDS})
    candidate.full_name = normalize_name(candidate.full_name or "")
    _validated(candidate)
    _audit_as(candidate, user)
    candidate.save()
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, user=None, cell: Organization | None = None, **data) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("cell").get(pk=candidate.pk)
    _require(user, locked.cell)
    if cell is not None and cell.pk != locked.cell_id:
        if locked.status != CandidateStatus.IN_PROGRESS:
            raise ValidationError({"cell": _("An admitted candidate stays in the cell that admitted them.")})
        _require(user, cell)
        check_cell(cell, dt.date.today())
        locked.cell = cell
    for key, value in data.items():
        if key in CANDIDATE_FIELDS:
            setattr(locked, key, value)
    locked.full_name = normalize_name(locked.full_name or "")
    _validated(locked)
    _audit_as(locked, user)
    locked.save()
    if locked.admitted_on:
        # The attributes of an admitted candidate are what the admission targets count.
        _emit([locked.cell_id], [locked.admitted_on])
    return locked


def _refresh_current_stage(candidate: Candidate) -> None:
    last = candidate.stages.select_related("stage").order_by("-stage__order").first()
    candidate.current_stage = last.stage if last else None


@transaction.atomic
def stage_record(*, candidate: Candidate, stage: AdmissionStage, date: dt.date, user=None, document_number: str = "",
                 document_date: dt.date | None = None, issuer: str = "", note: str = "") -> CandidateStage:
    """Record (or correct) the date a candidate reached a stage. The ceremony is recorded by admitting."""
    locked = Candidate.objects.select_for_update().select_related("cell").get(pk=candidate.pk)
    _require(user, locked.cell)
    if locked.status != CandidateStatus.IN_PROGRESS:
        raise ValidationError(_("%(name)s is no longer in the admission pipeline.") % {"name": locked.full_name})
    if stage.code == StageCode.CEREMONY:
        raise ValidationError({"stage": _("The ceremony is recorded by admitting the candidate.")})
    errors = {}
    if date < locked.birth_date:
        errors["date"] = _("The date is before the date of birth.")
    elif date > dt.date.today():
        errors["date"] = _("%(day)s is in the future: record a stage once it is reached.") % {"day": _d(date)}
    if stage.needs_document and not document_number.strip():
        errors["document_number"] = _("This stage needs the number of its document.")
    if document_date and document_date > date:
        errors["document_date"] = _("The document is dated after the stage.")
    if errors:
        raise ValidationError(errors)
    row = CandidateStage.objects.filter(candidate=locked, stage=stage).first() or CandidateStage(
        candidate=locked, stage=stage)
    row.date, row.document_number, row.document_date = date, document_number.strip(), document_date
    row.issuer, row.note = issuer.strip(), note.strip()
    row.recorded_by = user if user is not None and user.is_authenticated else None
    _audit_as(row, user)
    row.save()
    _refresh_current_stage(locked)
    if stage.code == StageCode.OUTSTANDING:
        locked.outstanding = True
    _audit_as(locked, user)
    locked.save(update_fields=["current_stage", "outstanding", "updated_at"])
    return row


@transaction.atomic
def sponsor_add(*, candidate: Candidate, member: Member, date: dt.date, user=None,
                worked_together_since: dt.date | None = None, worked_12_months: bool = False) -> Sponsor:
    """Record a sponsor. A sponsor who is not a full party member on ``date`` is refused; the 12 months
    of working together are computed from ``worked_together_since`` when it is known."""
    locked = Candidate.objects.select_for_update().select_related("cell").get(pk=candidate.pk)
    _require(user, locked.cell)
    if locked.status != CandidateStatus.IN_PROGRESS:
        raise ValidationError(_("%(name)s is no longer in the admission pipeline.") % {"name": locked.full_name})
    if locked.sponsors.count() >= SPONSORS_NEEDED:
        raise ValidationError(_("Two sponsors are already recorded."))
    if locked.sponsors.filter(member=member).exists():
        raise ValidationError({"member": _("%(name)s is already a sponsor.") % {"name": member.full_name}})
    if worked_together_since is not None:
        worked_12_months = months_between(worked_together_since, date) >= SPONSOR_MONTHS
    sponsor = Sponsor(candidate=locked, member=member, date=date, worked_together_since=worked_together_since,
                      worked_12_months=worked_12_months)
    hard = [p for p in sponsor_problems(sponsor)
            if not member.is_full_member_on(date) or (member.left_on is not None and member.left_on <= date)]
    if hard:
        raise ValidationError({"member": hard})
    _audit_as(sponsor, user)
    sponsor.save()
    return sponsor


@transaction.atomic
def candidate_admit(*, candidate: Candidate, ceremony_date: dt.date, user=None, note: str = "") -> Member:
    """Hold the ceremony: create the probationary member in the candidate's cell from ``ceremony_date``
    (members.register.services.member_create) and link it. Refused when the candidate is already admitted or a
    check (age, certificate, sponsors) fails; a ceremony later than 30 working days after the decision is
    recorded and flagged by the checks."""
    locked = Candidate.objects.select_for_update().select_related("cell").get(pk=candidate.pk)
    _require(user, locked.cell)
    if locked.member_id is not None or locked.status == CandidateStatus.ADMITTED:
        raise ValidationError(_("%(name)s was already admitted on %(day)s.") % {
            "name": locked.full_name, "day": _d(locked.admitted_on) if locked.admitted_on else "—"}, code="admitted")
    if locked.status != CandidateStatus.IN_PROGRESS:
        raise ValidationError(_("%(name)s is no longer in the admission pipeline.") % {"name": locked.full_name})
    stages = stages_of(locked)
    decision = stages.get(StageCode.DECISION)
    if decision is None:
        raise ValidationError(_("Record the admission decision before the ceremony."))
    if ceremony_date > dt.date.today():
        raise ValidationError({"ceremony_date": _("The ceremony date %(day)s is in the future: admit the candidate "
                                                  "once the ceremony is held.") % {"day": _d(ceremony_date)}})
    if ceremony_date < decision.date:
        raise ValidationError({"ceremony_date": _("The ceremony cannot come before the decision of %(day)s.")
                               % {"day": _d(decision.date)}})
    blocking = [c.message for c in candidate_checks(locked, today=ceremony_date, ceremony=ceremony_date)
                if c.code != "ceremony" and c.blocking]
    if blocking:
        raise ValidationError(blocking, code="checks")
    member = member_create(
        cell=locked.cell, start_date=ceremony_date, start_reason=MembershipReason.ADMITTED, user=user,
        admission_date=ceremony_date, full_membership_date=None,
        **{k: getattr(locked, k) for k in MEMBER_PROFILE_FIELDS},
    )
    row = CandidateStage(candidate=locked, stage=stage(StageCode.CEREMONY), date=ceremony_date, note=note,
                         recorded_by=user if user is not None and user.is_authenticated else None)
    _audit_as(row, user)
    row.save()
    locked.member = member
    locked.status = CandidateStatus.ADMITTED
    locked.admitted_on = ceremony_date
    locked.probation_outcome = ProbationOutcome.PENDING
    locked.current_stage = row.stage
    _audit_as(locked, user)
    locked.save()
    _emit([locked.cell_id], [ceremony_date])
    return member


@transaction.atomic
def probation_decide(*, candidate: Candidate, decided_on: dt.date, fit: bool, user=None, decision: str = "",
                     note: str = "") -> Candidate:
    """The cell's decision on a probationary member. Fit: full membership dated from the end of the 12
    months (ceremony + 12 months), however late the decision. Unfit: struck off on ``decided_on``."""
    locked = Candidate.objects.select_for_update(of=("self",)).select_related("member", "member__cell").get(
        pk=candidate.pk)
    if locked.member is None or locked.status != CandidateStatus.ADMITTED:
        raise ValidationError(_("%(name)s has not been admitted.") % {"name": locked.full_name})
    member = locked.member
    _require(user, member.cell)
    if locked.probation_outcome != ProbationOutcome.PENDING:
        raise ValidationError(_("The probation of %(name)s has already been decided.") % {"name": locked.full_name})
    if member.left_on is not None:
        raise ValidationError(_("%(name)s left the party organization on %(day)s.") % {
            "name": member.full_name, "day": _d(member.left_on)})
    end = probation_end(locked.admitted_on)
    if fit:
        if decided_on < end:
            raise ValidationError({"decided_on": _(
                "The probation ends on %(end)s; the cell considers full membership after that.") % {"end": _d(end)}})
        member_update(member=member, full_membership_date=end, user=user)
        locked.probation_outcome = ProbationOutcome.FULL
    else:
        if decided_on <= locked.admitted_on:
            raise ValidationError({"decided_on": _("The date must be after the ceremony of %(day)s.")
                                   % {"day": _d(locked.admitted_on)}})
        member_leave(member=member, date=decided_on, reason=MembershipReason.STRUCK_OFF, user=user,
                     note=note or _("Struck off: unfit during probation"))
        locked.probation_outcome = ProbationOutcome.STRUCK_OFF
    locked.probation_decided_on = decided_on
    locked.probation_decision = decision.strip()
    _audit_as(locked, user)
    locked.save()
    _emit({locked.cell_id, member.cell_id}, [end, decided_on])
    return locked


@dataclass(frozen=True)
class ProbationRow:
    """A probationary member's dates for lists and reminders."""

    candidate: Candidate
    end: dt.date
    deadline: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.today > self.deadline

    @property
    def due(self) -> bool:
        """The 12 months are over: the cell must consider full membership now."""
        return self.today >= self.end

    _holidays: frozenset = frozenset()


def probation_rows(candidates, *, today: dt.date | None = None) -> list[ProbationRow]:
    """Dates of many probations with one read of the holidays."""
    today = today or dt.date.today()
    candidates = list(candidates)
    if not candidates:
        return []
    first = min(c.admitted_on for c in candidates)
    last = max(max(c.admitted_on for c in candidates), add_months(today, -PROBATION_MONTHS))
    holidays = frozenset(holidays_between(probation_end(first), probation_end(last) + dt.timedelta(days=120)) |
                         holidays_between(today, today + dt.timedelta(days=120)))
    rows = []
    for c in candidates:
        rows.append(ProbationRow(candidate=c, end=probation_end(c.admitted_on),
                                 deadline=consideration_deadline(c.admitted_on, holidays), today=today,
                                 _holidays=holidays))
    return rows


# ------------------------------------------------------------------------------------------ reminders

REMINDER_DAYS_BEFORE = 30


def probation_reminders_send(*, today: dt.date) -> int:
    """Remind the grassroots officers of the member's TCCSĐ and the cell's secretaries of every probation
    that ends within REMINDER_DAYS_BEFORE days (the cell must consider full membership), and tell them
    when the 30 working days after it have passed without a decision. Idempotent: each notification has
    a key per member and kind, so running the job again sends nothing twice. Returns how many were sent."""
    from django.urls import reverse

    from core.notifications import notify
    from organizations.choices import TCCSD_KINDS, Role
    from organizations.models import RoleAssignment

    candidates = list(
        Candidate.objects.on_probation().probation_ended_by(today + dt.timedelta(days=REMINDER_DAYS_BEFORE))
        .filter(member__left_on__isnull=True).select_related("member", "member__cell").order_by("admitted_on", "id")
    )
    if not candidates:
        return 0
    cutoff = overdue_cutoff(today)
    assignments = list(
        RoleAssignment.objects.filter(role__in=[Role.GRASSROOTS_OFFICER, Role.CELL_SECRETARY],
                                      organization__dissolved_on__isnull=True, user__is_active=True)
        .select_related("user", "organization")
    )
    rows = probation_rows(candidates, today=today)
    sent = 0
    for row in rows:
        cell = row.candidate.member.cell
        users = {a.user for a in assignments
                 if (a.role == Role.GRASSROOTS_OFFICER and a.organization.kind in TCCSD_KINDS
                     and cell.path.startswith(a.organization.path))
                 or (a.role == Role.CELL_SECRETARY and a.organization_id == cell.pk)}
        figures = {"name": row.candidate.full_name, "cell": cell.name, "ceremony": _d(row.candidate.admitted_on),
                   "end": _d(row.end), "deadline": _d(row.deadline)}
        link = reverse("admissions:candidate_detail", args=[row.candidate.pk])
        if row.end <= cutoff:
            sent += notify(sorted(users, key=lambda u: u.pk), key=f"admissions:probation-overdue:{row.candidate.pk}",
                           title=_("Overdue: full membership of %(name)s") % figures,
                           body=_("The probation of %(name)s (%(cell)s, admitted on %(ceremony)s) ended on %(end)s; "
                                  "the cell had to consider full membership by %(deadline)s.") % figures,
                           link=link)
        else:
            sent += notify(sorted(users, key=lambda u: u.pk), key=f"admissions:probation-due:{row.candidate.pk}",
                           title=_("Full membership due: %(name)s") % figures,
                           body=_("The probation of %(name)s (%(cell)s, admitted on %(ceremony)s) ends on %(end)s; "
                                  "the cell must consider full membership by %(deadline)s.") % figures,
                           link=link)
    return sent
