"""Every write of inspections, supervision and discipline. Services take the acting user as ``user=``
(None: a trusted system caller such as the demo loader) and re-check its scope: writing needs
CHANGE_INSPECTIONS on the subjects' organizations (and the conducting body)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.events import emit
from core.notifications import notify
from inspections.choices import SUPERVISION_KINDS, Activity, FollowUp
from inspections.models import Discipline, DisciplineForm, Inspection
from members.ratings.choices import OrgRatingKind
from members.ratings.models import MemberRating, OrganizationRating
from members.ratings.rules import organization_facts, parent_on_rating_date
from members.ratings.services import rating_rerate
from members.register.models import Member, MembershipPeriod
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import user_can

ORGANIZATION_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION)
FULL_MEMBER_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISMISSAL,
                     DisciplineForm.EXPULSION)
PROBATIONARY_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING)


def _require(user, organization: Organization) -> None:
    if user is not None and not user_can(user, Perm.CHANGE_INSPECTIONS, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations whose inspection and discipline "
                                 "records you may change.") % {"org": organization})


def common_path(paths) -> str:
    """The deepest common ancestor of materialized paths (whole steps only)."""
    paths = list(paths)
    if not paths:
        return ""
    first, steplen = min(paths), Organization.steplen
    last = max(paths)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[: n - n % steplen]


def member_organization(member: Member) -> Organization | None:
    """The member's cell, or for a member who has left, the cell of the last period."""
    if member.cell_id:
        return member.cell
    period = MembershipPeriod.objects.filter(member=member).select_related("cell").order_by("-valid").first()
    return period.cell if period else None


# ---------------------------------------------------------------------------------------------- discipline

def is_probationary(member: Member, on: dt.date) -> bool:
    return member.full_membership_date is None or member.full_membership_date > on


def allowed_forms(*, member: Member | None = None, organization: Organization | None = None,
                  on: dt.date) -> tuple[str, ...]:
    if organization is not None:
        return ORGANIZATION_FORMS
    return PROBATIONARY_FORMS if is_probationary(member, on) else FULL_MEMBER_FORMS


def _forms_label(forms) -> str:
    return ", ".join(str(DisciplineForm(f).label).lower() for f in forms)


@transaction.atomic
def discipline_record(*, form: str, violation_year: int, decision_number: str, decision_date: dt.date,
                      deciding_body: Organization, member: Member | None = None,
                      organization: Organization | None = None, leadership_collective: bool = False,
                      self_remedied: bool = False, user=None) -> Discipline:
    """Record a disciplinary decision. The form must be one the subject may receive (RULES §4);
    expulsion ends the membership and dissolution dissolves the organization through their services;
    a decided rating of the violation year is annulled and re-rated to the scheme's forced level."""
    if (member is None) == (organization is None):
        raise ValidationError(_("Choose either a party member or a party organization."))
    if member is not None:
        member = Member.objects.select_for_update().get(pk=member.pk)
        subject_org = member_organization(member)
        if subject_org is None:
            raise ValidationError({"member": _("%(name)s has no membership period.") % {"name": member.full_name}})
        if leadership_collective:
            raise ValidationError({"leadership_collective": _("Only an organization has a leadership collective.")})
    else:
        subject_org = organization
    _require(user, subject_org)
    if violation_year > decision_date.year:
        raise ValidationError({"violation_year": _("The violation cannot be later than the decision.")})
    forms = allowed_forms(member=member, organization=organization, on=decision_date)
    if form not in forms:
        if organization is not None:
            who = _("A party organization")
        elif is_probationary(member, decision_date):
            who = _("A probationary member")
        else:
            who = _("A full member")
        message = _("%(who)s may receive only: %(forms)s.") % {"who": who, "forms": _forms_label(forms)}
        if member is not None and is_probationary(member, decision_date):
            message += " " + _("An unfit probationary member is struck off in the member register instead.")
        raise ValidationError({"form": message})

    discipline = Discipline(member=member, organization=organization, leadership_collective=leadership_collective,
                            form=form, violation_year=violation_year, decision_number=decision_number,
                            decision_date=decision_date, deciding_body=deciding_body, self_remedied=self_remedied,
                            scope_path=subject_org.path,
                            recorded_by=user if user is not None and user.is_authenticated else None)
    discipline.full_clean()
    if user is not None and user.is_authenticated:
        discipline._history_user = user
    discipline.save()

    # The register and the tree change through their own services. The discipline decision is the
    # authority for them, checked above with CHANGE_INSPECTIONS, so they run as trusted callers.
    if form == DisciplineForm.EXPULSION:
        from members.register.choices import MembershipReason
        from members.register.services import member_leave

        member_leave(member=member, date=decision_date, reason=MembershipReason.EXPELLED,
                     note=_("Expelled: decision %(number)s") % {"number": decision_number})
    elif form == DisciplineForm.DISSOLUTION:
        from organizations.services import organization_dissolve

        try:
            organization_dissolve(organization=organization, date=decision_date, decision=decision_number)
        except ValidationError as exc:
            raise ValidationError({"form": exc.messages}) from exc

    _rerate(discipline, user)
    emit("discipline", organization_ids={subject_org.pk, deciding_body.pk}, years={violation_year})
    return discipline


def _rerate(discipline: Discipline, user) -> list:
    """Annul and re-rate the violation year's decided ratings that the discipline now forces: the member's;
    the organization's and its leadership collective's when the collective is disciplined; and the party
    organization it sits under when, with it, more than 20% of that organization's subordinate units are
    disciplined for the year (RULES §1), however late the discipline comes."""
    reason = _("Discipline (%(form)s, decision %(number)s of %(day)s) for a violation in %(year)d") % {
        "form": discipline.get_form_display(), "number": discipline.decision_number,
        "day": discipline.decision_date.strftime("%d/%m/%Y"), "year": discipline.violation_year}
    year = discipline.violation_year
    if discipline.member_id:
        if discipline.self_remedied:
            return []
        ratings = list(MemberRating.objects.decided().filter(member_id=discipline.member_id, year=year)
                       .select_related("scheme", "decided_level", "decided_by"))
        return _rerate_ratings(discipline, ratings, reason, discipline.member)
    done = []
    if discipline.leadership_collective:
        ratings = list(OrganizationRating.objects.decided().filter(
            organization_id=discipline.organization_id, year=year,
            kind__in=[OrgRatingKind.LEADERSHIP, OrgRatingKind.PARTY_ORG])
            .select_related("scheme", "decided_level", "decided_by"))
        done += _rerate_ratings(discipline, ratings, reason, discipline.organization)
    parent_id = parent_on_rating_date(discipline.organization_id, year)
    if parent_id is not None:
        facts = organization_facts([parent_id], year)[parent_id]
        if facts.subordinate_units and facts.subordinate_disciplined * 5 > facts.subordinate_units:
            parent = Organization.objects.get(pk=parent_id)
            why = _("%(reason)s: %(disc)d of the %(units)d subordinate units of %(org)s are disciplined for %(year)d, "
                    "more than 20%%") % {"reason": reason, "disc": facts.subordinate_disciplined,
                                        "units": facts.subordinate_units, "org": parent, "year": year}
            ratings = list(OrganizationRating.objects.decided().filter(
                organization_id=parent_id, year=year, kind=OrgRatingKind.PARTY_ORG)
                .select_related("scheme", "decided_level", "decided_by"))
            done += _rerate_ratings(discipline, ratings, why, parent)
    return done


def _rerate_ratings(discipline: Discipline, ratings, reason: str, subject) -> list:
    """Re-rate each rating above its scheme's forced level to that level, and tell whoever decided it."""
    done = []
    link = reverse("inspections:discipline_detail", kwargs={"pk": discipline.pk})
    for rating in ratings:
        forced = rating.scheme.forced_level
        forced_level = rating.scheme.levels.filter(code=forced).first() if forced else None
        if forced_level is None or rating.decided_level.rank >= forced_level.rank:
            continue  # already at (or below) the forced level
        # Run as the system: the rule forces the level; the deciding committee is told below.
        fresh = rating_rerate(rating=rating, level_code=forced, reason=reason[:500])
        done.append(fresh)
        notify([rating.decided_by], key=f"discipline-rerate:{discipline.pk}:{rating.pk}",
               title=_("A rating you decided was re-rated after discipline"),
               body=_("The %(year)d rating of %(subject)s (%(level)s) was annulled and re-rated %(forced)s: "
                      "%(reason)s.")
               % {"year": rating.year, "subject": subject,
                  "level": rating.decided_level.code, "forced": forced, "reason": reason},
               link=link)
    return done


# ---------------------------------------------------------------------------------------------- inspections

INSPECTION_FIELDS = ("activity", "kind", "conducting_body", "charter_article", "decision_number", "decision_date",
                     "period_start", "period_end", "start_date", "end_date", "conclusion", "conclusion_text",
                     "recommendations", "follow_up", "follow_up_due", "follow_up_done_on")


def _subject_orgs(members, organizations) -> list[Organization]:
    orgs = list(organizations)
    for member in members:
        org = member_organization(member)
        if org is not None:
            orgs.append(org)
    return orgs


def _validate_inspection(inspection: Inspection, members, organizations) -> list[Organization]:
    errors = {}
    if not members and not organizations:
        errors["members"] = _("Name at least one party member or party organization inspected.")
    supervision_kind = inspection.kind in SUPERVISION_KINDS
    if supervision_kind != (inspection.activity == Activity.SUPERVISION):
        errors["kind"] = _("Ongoing and thematic supervision are kinds of supervision; the other kinds are "
                           "inspections.")
    if inspection.end_date and inspection.end_date < inspection.start_date:
        errors["end_date"] = _("The end must not be before the start.")
    if inspection.period_start and inspection.period_end and inspection.period_end < inspection.period_start:
        errors["period_end"] = _("The end must not be before the start.")
    if inspection.follow_up == FollowUp.DONE and not inspection.follow_up_done_on:
        errors["follow_up_done_on"] = _("Give the date the follow-up was done.")
    orgs = _subject_orgs(members, organizations)
    if orgs and inspection.conducting_body_id:
        body = inspection.conducting_body
        outside = [o for o in orgs if not o.path.startswith(body.path)]
        if outside:
            errors["conducting_body"] = _("The conducting body inspects only itself, its members and the "
                                          "organizations under it; “%(org)s” is not under it.") % {"org": outside[0]}
    if errors:
        raise ValidationError(errors)
    return orgs


def _save_inspection(inspection: Inspection, *, members, organizations, user) -> Inspection:
    members, organizations = list(members), list(organizations)
    orgs = _validate_inspection(inspection, members, organizations)
    _require(user, inspection.conducting_body)
    for org in orgs:
        _require(user, org)
    inspection.scope_path = common_path(o.path for o in orgs)
    inspection.full_clean(exclude=["members", "organizations"])
    if user is not None and user.is_authenticated:
        inspection._history_user = user
    inspection.save()
    inspection.members.set(members)
    inspection.organizations.set(organizations)
    emit("inspection", organization_ids={o.pk for o in orgs} | {inspection.conducting_body_id},
         years={inspection.decision_date.year})
    return inspection


@transaction.atomic
def inspection_create(*, members=(), organizations=(), user=None, **fields) -> Inspection:
    unknown = set(fields) - set(INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    inspection = Inspection(**fields)
    if user is not None and user.is_authenticated:
        inspection.recorded_by = user
    return _save_inspection(inspection, members=members, organizations=organizations, user=user)


@transaction.atomic
def inspection_update(*, inspection: Inspection, expected_version: int | None = None, members=None,
                      organizations=None, user=None, **fields) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require(user, locked.conducting_body)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(_("Someone else changed this record while you were editing it. Reload the page "
                                "and enter your changes again."), code="stale")
    old_years = {locked.decision_date.year}
    for name, value in fields.items():
        if name not in INSPECTION_FIELDS:
            raise TypeError(f"unknown field {name}")
        setattr(locked, name, value)
    locked.version += 1
    members = list(locked.members.all()) if members is None else members
    organizations = list(locked.organizations.all()) if organizations is None else organizations
    saved = _save_inspection(locked, members=members, organizations=organizations, user=user)
    emit("inspection", organization_ids={saved.conducting_body_id}, years=old_years)
    return saved
