"""Annual ratings of party organizations, leadership collectives, mass organizations and host units, by
the committee one level up: a grid per deciding committee, kind and year, validated and written as a
whole like the members' grid (members/rating_services.py), whose helpers it shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.events import emit
from members.ratings.choices import NotRatedReason, OrgRatingKind, RatingStatus, RatingSubject, Recognition
from members.ratings.models import OrganizationRating, RatingLevel, RatingScheme, RecognitionAward
from members.ratings.rules import OrganizationFacts, organization_facts, rating_date
from members.ratings.services import GridErrors, _cap_message, _version, cap_breached, rerate, scheme_for
from organizations.choices import OrgKind
from organizations.models import HostUnit, MassOrganization, Organization, OrganizationPlacement
from organizations.permissions import Perm
from organizations.scoping import user_can

COMMITTEE_KINDS = {OrgKind.PROVINCIAL, OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE}
KIND_EVENT = {OrgRatingKind.PARTY_ORG: "organization_rating", OrgRatingKind.LEADERSHIP: "organization_rating",
              OrgRatingKind.MASS_ORG: "mass_organization_rating", OrgRatingKind.UNIT: "unit_assessment"}


@dataclass
class OrgRow:
    key: str  # "o<id>", "m<id>" or "u<id>": the subject, stable in forms and spreadsheets
    name: str
    organization: Organization
    mass_organization: MassOrganization | None
    host_unit: HostUnit | None
    facts: OrganizationFacts
    current: OrganizationRating | None
    last_year: str | None

    @property
    def rated(self) -> bool:
        return not self.facts.not_rated

    @property
    def not_rated_label(self) -> str:
        return str(NotRatedReason(self.facts.not_rated).label) if self.facts.not_rated else ""


@dataclass
class OrgGrid:
    committee: Organization
    kind: str
    year: int
    scheme: RatingScheme
    rows: list[OrgRow]
    version: str
    levels: list[RatingLevel] = field(default_factory=list)


def _children_on(committee: Organization, day) -> list[Organization]:
    placement = OrganizationPlacement.objects.on(day).filter(organization=committee).first()
    if placement is None:
        raise ValidationError(_("“%(org)s” did not exist on %(day)s.") % {"org": committee, "day": day})
    ids = (OrganizationPlacement.objects.on(day).under(placement.path).filter(depth=placement.depth + 1)
           .values_list("organization_id", flat=True))
    return list(Organization.objects.filter(pk__in=ids).select_related("host_unit").order_by("name"))


def organization_grid(*, committee: Organization, kind: str, year: int) -> OrgGrid:
    """The subjects ``committee`` rates for ``year``: its direct sub-organizations on the rating date (or
    their leadership collectives, host units, or the mass organizations attached to them and to itself)."""
    day = rating_date(year)
    scheme = scheme_for(RatingSubject.ORGANIZATION, year)
    children = _children_on(committee, day)
    facts = organization_facts([c.pk for c in children], year)
    subjects: list[tuple[str, str, Organization, MassOrganization | None, HostUnit | None, OrganizationFacts]] = []
    if kind == OrgRatingKind.PARTY_ORG:
        subjects = [(f"o{c.pk}", c.name, c, None, None, facts[c.pk]) for c in children]
    elif kind == OrgRatingKind.LEADERSHIP:
        subjects = [(f"o{c.pk}", c.name, c, None, None, facts[c.pk]) for c in children if c.kind in COMMITTEE_KINDS]
    elif kind == OrgRatingKind.UNIT:
        subjects = [(f"u{c.host_unit_id}", c.host_unit.name, c, None, c.host_unit, OrganizationFacts())
                    for c in children if c.host_unit_id]
    elif kind == OrgRatingKind.MASS_ORG:
        # A mass organization is rated by the committee above the party organization it is attached to.
        masses = MassOrganization.objects.filter(organization__in=children, active=True).select_related(
            "organization").order_by("organization__name", "kind")
        subjects = [(f"m{m.pk}", m.name, m.organization, m, None, OrganizationFacts()) for m in masses]
    else:
        raise ValidationError(_("Unknown kind of rating."))
    current = {_key(r): r for r in OrganizationRating.objects.current().filter(
        kind=kind, year=year, deciding_committee=committee).select_related("self_level", "proposed_level",
                                                                          "decided_level")}
    last = {_key(r): r.decided_level.code for r in OrganizationRating.objects.decided().filter(
        kind=kind, year=year - 1, organization__in=[s[2] for s in subjects]).select_related("decided_level")}
    rows = [OrgRow(key, name, org, mass, unit, fact, current.get(key), last.get(key))
            for key, name, org, mass, unit, fact in subjects]
    return OrgGrid(committee, kind, year, scheme, rows, _version(current.values()), list(scheme.levels.all()))


def _key(rating: OrganizationRating) -> str:
    if rating.mass_organization_id:
        return f"m{rating.mass_organization_id}"
    if rating.host_unit_id:
        return f"u{rating.host_unit_id}"
    return f"o{rating.organization_id}"


@dataclass
class OrgRowInput:
    key: str
    self_level: str | None = None
    proposed_level: str | None = None
    decided_level: str | None = None
    score: Decimal | None = None
    note: str = ""
    exception_reason: str = ""
    fulfilled_plan: bool | None = None
    security_safe: bool | None = None
    cultural_standard: bool | None = None


@transaction.atomic
def organization_ratings_save(*, committee: Organization, kind: str, year: int, rows: list[OrgRowInput], user,
                              grid_version: str, cap_exception_reason: str = "") -> dict:
    """Validate the whole grid (levels of the year's scheme, not-rated organizations, forced KHT, the 20%
    cap per deciding committee), then write it in bulk. Needs DECIDE_ORG_RATINGS on the committee for a
    decided level, PROPOSE_RATINGS on the subject otherwise."""
    Organization.objects.select_for_update().filter(pk=committee.pk).first()
    grid = organization_grid(committee=committee, kind=kind, year=year)
    if grid.version != grid_version:
        raise ValidationError(_("Someone else saved ratings of this organization for %(year)d while you were "
                                "working. Reload the page to see their changes, then enter yours again.")
                              % {"year": year}, code="stale")
    scheme, codes = grid.scheme, {lvl.code: lvl for lvl in grid.levels}
    forced = codes.get(scheme.forced_level)
    by_key = {row.key: row for row in grid.rows}
    may_decide = user is None or user_can(user, Perm.DECIDE_ORG_RATINGS, committee)
    errors: dict = {}

    def err(key, fieldname, message):
        errors.setdefault(key, {}).setdefault(fieldname, []).append(str(message))

    chosen_by_key: dict[str, dict] = {}
    for item in rows:
        row = by_key.get(item.key)
        if row is None:
            err(None, "rows", _("A subject in the submitted grid is not rated by “%(org)s”.") % {"org": committee})
            continue
        chosen = {}
        for fieldname in ("self_level", "proposed_level", "decided_level"):
            code = getattr(item, fieldname)
            if code and code not in codes:
                err(item.key, fieldname, _("“%(code)s” is not a level of %(scheme)s.")
                    % {"code": code, "scheme": scheme.name})
            chosen[fieldname] = codes.get(code) if code else None
        chosen_by_key[item.key] = chosen
        if not row.rated and any(chosen.values()):
            err(item.key, "decided_level", _("%(name)s is not rated this year: %(reason)s.")
                % {"name": row.name, "reason": row.not_rated_label})
        if user is not None and not user_can(user, Perm.PROPOSE_RATINGS, row.organization) and not may_decide:
            raise PermissionDenied(_("You may not rate “%(org)s”.") % {"org": row.name})
        current_decided = row.current.decided_level if row.current and row.current.status == RatingStatus.DECIDED else None
        if chosen["decided_level"] != current_decided and not may_decide:
            err(item.key, "decided_level", _("Only the committee one level up decides this rating; you may propose."))
        if kind in (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP) and row.facts.forced and forced:
            for fieldname in ("proposed_level", "decided_level"):
                level = chosen[fieldname]
                if level is not None and level.rank < forced.rank and not item.exception_reason:
                    err(item.key, fieldname, _(
                        "%(name)s is rated %(forced)s: its leadership collective was disciplined or more than 20%% of "
                        "its subordinate units (%(disc)d of %(units)d) were disciplined in %(year)d.")
                        % {"name": row.name, "forced": forced.code, "disc": row.facts.subordinate_disciplined,
                           "units": row.facts.subordinate_units, "year": year})
    if scheme.cap_percent and scheme.cap_top_level and kind in (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP):
        counts: dict[str, int] = {}
        for key, row in by_key.items():
            level = chosen_by_key[key]["decided_level"] if key in chosen_by_key else (
                row.current.decided_level if row.current and row.current.status == RatingStatus.DECIDED else None)
            if level is not None:
                counts[level.code] = counts.get(level.code, 0) + 1
        if cap_breached(scheme, counts) and not cap_exception_reason.strip():
            err(None, "cap", _cap_message(scheme, counts.get(scheme.cap_top_level, 0),
                                          counts.get(scheme.cap_base_level, 0)))
    if errors:
        raise GridErrors(errors)

    now = timezone.now()
    actor = user if user is not None and user.is_authenticated else None
    new, updated, replaced = [], [], []
    for item in rows:
        row, chosen = by_key[item.key], chosen_by_key[item.key]
        standards = {f: getattr(item, f) for f in ("fulfilled_plan", "security_safe", "cultural_standard")}
        current = row.current
        if current is None and not any(chosen.values()) and not any(v is not None for v in standards.values()):
            continue
        if current is not None and not _differs(current, chosen, item, standards):
            continue
        exception = item.exception_reason or (cap_exception_reason if chosen["decided_level"] and
                                              chosen["decided_level"].code == scheme.cap_top_level else "")
        if current is None or (current.status == RatingStatus.DECIDED and chosen["decided_level"] != current.decided_level):
            fresh = OrganizationRating(kind=kind, organization=row.organization, mass_organization=row.mass_organization,
                                       host_unit=row.host_unit, deciding_committee=committee, year=year, scheme=scheme)
            _fill(fresh, chosen, item, standards, actor, now, exception)
            fresh.version = 1
            new.append(fresh)
            if current is not None:
                replaced.append((current, fresh))
        elif current.status != RatingStatus.DECIDED:
            _fill(current, chosen, item, standards, actor, now, exception)
            updated.append(current)
    for old, _fresh in replaced:
        old.status, old.annul_reason, old.version = RatingStatus.ANNULLED, _("Replaced by a new decision"), old.version + 1
    if replaced:
        bulk_update_with_history([o for o, _f in replaced], OrganizationRating, ["status", "annul_reason", "version"],
                                 default_user=actor)
    if new:
        bulk_create_with_history(new, OrganizationRating, default_user=actor)
    if replaced:
        for old, fresh in replaced:
            old.replaced_by = fresh
        OrganizationRating.objects.bulk_update([o for o, _f in replaced], ["replaced_by"])
    if updated:
        bulk_update_with_history(updated, OrganizationRating, [
            "self_level", "proposed_level", "proposal_note", "proposed_by", "proposed_at", "decided_level", "score",
            "decided_by", "decided_at", "status", "exception_reason", "version", "fulfilled_plan", "security_safe",
            "cultural_standard"], default_user=actor)
    changed = new + updated
    if changed:
        emit(KIND_EVENT[kind], organization_ids={r.organization_id for r in changed} | {committee.pk}, years=[year])
    return {"created": len(new), "updated": len(updated), "annulled": len(replaced)}


def _differs(current, chosen, item, standards) -> bool:
    return (current.self_level_id != (chosen["self_level"].pk if chosen["self_level"] else None)
            or current.proposed_level_id != (chosen["proposed_level"].pk if chosen["proposed_level"] else None)
            or current.decided_level_id != (chosen["decided_level"].pk if chosen["decided_level"] else None)
            or (current.proposal_note or "") != (item.note or "")
            or (item.score is not None and current.score != item.score)
            or any(v is not None and getattr(current, f) != v for f, v in standards.items()))


def _fill(rating, chosen, item, standards, actor, now, exception) -> None:
    if chosen["proposed_level"] is not None and rating.proposed_level != chosen["proposed_level"]:
        rating.proposed_by, rating.proposed_at = actor, now
    if chosen["decided_level"] is not None and rating.decided_level != chosen["decided_level"]:
        rating.decided_by, rating.decided_at = actor, now
    rating.self_level, rating.proposed_level, rating.decided_level = (
        chosen["self_level"], chosen["proposed_level"], chosen["decided_level"])
    rating.proposal_note = item.note or ""
    if item.score is not None:
        rating.score = item.score
    for fieldname, value in standards.items():
        if value is not None:
            setattr(rating, fieldname, value)
    rating.exception_reason = exception or ""
    rating.status = (RatingStatus.DECIDED if chosen["decided_level"] else RatingStatus.PROPOSED
                     if chosen["proposed_level"] else RatingStatus.DRAFT)
    rating.version = (rating.version or 0) + 1


@transaction.atomic
def recognition_award(*, organization: Organization, year: int, title: str, decision: str = "",
                      user=None) -> RecognitionAward:
    """Record a title beside the level. Since 2018 "trong sạch, vững mạnh (tiêu biểu)" is chosen among
    organizations rated HTXS, so it needs a decided HTXS rating that year."""
    if user is not None and not user_can(user, Perm.DECIDE_ORG_RATINGS, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations you may change.") % {"org": organization})
    if year >= 2018 and title in (Recognition.TSVM, Recognition.TSVM_TYPICAL):
        rated = OrganizationRating.objects.decided().filter(
            kind=OrgRatingKind.PARTY_ORG, organization=organization, year=year, decided_level__code="HTXS").exists()
        if not rated:
            raise ValidationError(_("Since 2018 “%(title)s” is chosen among organizations rated HTXS; “%(org)s” has no "
                                    "decided HTXS rating for %(year)d.")
                                  % {"title": Recognition(title).label, "org": organization, "year": year})
    award, created = RecognitionAward.objects.get_or_create(organization=organization, year=year, title=title,
                                                            defaults={"decision": decision})
    if not created:
        raise ValidationError(_("“%(org)s” already holds this title for %(year)d.") % {"org": organization, "year": year})
    emit("organization_rating", organization_ids=[organization.pk], years=[year])
    return award


def decided_counts(*, committee: Organization, kind: str, year: int) -> dict[str, int]:
    return dict(OrganizationRating.objects.decided().filter(deciding_committee=committee, kind=kind, year=year)
                .values_list("decided_level__code").annotate(n=Count("id")).values_list("decided_level__code", "n"))


@transaction.atomic
def organization_rating_rerate(*, rating: OrganizationRating, level_code: str, reason: str,
                               user=None) -> OrganizationRating:
    """Re-rate a decided year of an organization (e.g. its leadership collective disciplined later for
    that year's violation): the decision is annulled, kept, and linked to the new one."""
    return rerate(rating, level_code=level_code, reason=reason, user=user,
                  may_decide=user is None or user_can(user, Perm.DECIDE_ORG_RATINGS, rating.deciding_committee),
                  copy_fields=["kind", "organization", "mass_organization", "host_unit", "deciding_committee",
                               "fulfilled_plan", "security_safe", "cultural_standard"],
                  event=KIND_EVENT[rating.kind],
                  organization_ids=lambda r: [r.organization_id, r.deciding_committee_id])
