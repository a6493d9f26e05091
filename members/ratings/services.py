"""Annual ratings of members: the grid of one organization and year, read and saved as a whole.

The cap is a property of the set (HTXS at most 20% of HTT within each TCCSĐ and year), so a grid is
validated and written at once: every rule is checked for every row before anything is written, the
writes are bulk statements (a constant number of queries for 40 or 400 members), and a version token
refuses a save made on a stale grid."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.events import emit
from members.ratings.choices import NotRatedReason, RatingStatus, RatingSubject
from members.ratings.models import MemberRating, RatingLevel, RatingScheme
from members.ratings.rules import MemberFacts, member_facts, rating_date
from members.register.models import Member, MembershipPeriod
from organizations.choices import TCCSD_KINDS
from organizations.models import Organization, OrganizationPlacement
from organizations.permissions import Perm
from organizations.scoping import user_can


def scheme_for(subject: str, year: int) -> RatingScheme:
    scheme = RatingScheme.objects.for_year(subject, year).prefetch_related("levels").first()
    if scheme is None:
        raise ValidationError(_("No rating scheme covers the year %(year)d. Add one first.") % {"year": year})
    return scheme


def grassroots_on(organization: Organization, day: dt.date) -> Organization:
    """The TCCSĐ ``organization`` belonged to on ``day`` (itself if it was one), from the placements."""
    placement = OrganizationPlacement.objects.on(day).filter(organization=organization).first()
    if placement is None:
        raise ValidationError(_("“%(org)s” did not exist on %(day)s.") % {"org": organization, "day": day})
    steps = Organization.steplen
    prefixes = [placement.path[:n] for n in range(steps, len(placement.path) + 1, steps)]
    found = (OrganizationPlacement.objects.on(day).filter(path__in=prefixes, kind__in=TCCSD_KINDS)
             .select_related("organization").order_by("-depth").first())
    if found is None:
        raise ValidationError(_("Members are rated within a grassroots party organization; “%(org)s” is above "
                                "that level. Open the grid of one of its grassroots organizations.")
                              % {"org": organization})
    return found.organization


@dataclass
class MemberRow:
    member: Member
    cell: Organization
    facts: MemberFacts
    current: MemberRating | None
    last_year: str | None

    @property
    def rated(self) -> bool:
        return not self.facts.not_rated

    @property
    def not_rated_label(self) -> str:
        return str(NotRatedReason(self.facts.not_rated).label) if self.facts.not_rated else ""


@dataclass
class MemberGrid:
    organization: Organization
    grassroots: Organization
    year: int
    scheme: RatingScheme
    rows: list[MemberRow]
    version: str
    levels: list[RatingLevel] = field(default_factory=list)

    def level(self, code: str | None) -> RatingLevel | None:
        return next((lvl for lvl in self.levels if lvl.code == code), None) if code else None


def _version(ratings) -> str:
    """A token that changes whenever any current rating of the grid is created, changed or annulled."""
    raw = ",".join(f"{r.pk}:{r.version}" for r in sorted(ratings, key=lambda r: r.pk))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def member_grid(*, organization: Organization, year: int) -> MemberGrid:
    """Every member of ``organization`` on the year's rating date, with the facts the rules need, the
    current rating and last year's decided level: five queries whatever the number of members."""
    day = rating_date(year)
    scheme = scheme_for(RatingSubject.MEMBER, year)
    grassroots = grassroots_on(organization, day)
    periods = list(
        MembershipPeriod.objects.on(day)
        .filter(member__in=Member.objects.under_on(organization, day))
        .select_related("member", "cell").order_by("cell__name", "member__full_name", "member_id")
    )
    ids = [p.member_id for p in periods]
    current = {r.member_id: r for r in MemberRating.objects.current().filter(member_id__in=ids, year=year)
               .select_related("self_level", "proposed_level", "decided_level")}
    last = dict(MemberRating.objects.decided().filter(member_id__in=ids, year=year - 1)
                .values_list("member_id", "decided_level__code"))
    facts = member_facts(ids, year)
    rows = [MemberRow(p.member, p.cell, facts.get(p.member_id, MemberFacts()), current.get(p.member_id),
                      last.get(p.member_id)) for p in periods]
    return MemberGrid(organization, grassroots, year, scheme, rows, _version(current.values()),
                      list(scheme.levels.all()))


@dataclass
class RowInput:
    member_id: int
    self_level: str | None = None
    proposed_level: str | None = None
    decided_level: str | None = None
    score: Decimal | None = None
    note: str = ""
    exception_reason: str = ""


class GridErrors(ValidationError):
    """Errors by member id and field, plus errors of the whole grid under the key None."""

    def __init__(self, errors: dict):
        self.grid_errors = errors
        super().__init__([f"{msg}" for msgs in errors.values() for fieldmsgs in msgs.values() for msg in fieldmsgs])


def _cap_message(scheme, top: int, base: int) -> str:
    limit = int(Decimal(base) * scheme.cap_percent / 100)
    return _("%(top)d %(top_code)s > %(cap)s%% × %(base)d %(base_code)s = %(limit)d: the number rated %(top_code)s "
             "may not exceed %(cap)s%% of those rated %(base_code)s in the grassroots organization. Lower some "
             "levels or record the reason for an exception.") % {
        "top": top, "base": base, "cap": f"{scheme.cap_percent.normalize():f}", "limit": limit,
        "top_code": scheme.cap_top_level, "base_code": scheme.cap_base_level}


def cap_breached(scheme: RatingScheme, counts: dict[str, int]) -> bool:
    if not scheme.cap_percent or not scheme.cap_top_level:
        return False
    top, base = counts.get(scheme.cap_top_level, 0), counts.get(scheme.cap_base_level, 0)
    return Decimal(top) * 100 > scheme.cap_percent * base


@transaction.atomic
def member_ratings_save(*, organization: Organization, year: int, rows: list[RowInput], user, grid_version: str,
                        cap_exception_reason: str = "") -> dict:
    """Validate the whole grid, then write it. Proposals need PROPOSE_RATINGS on the member's cell; a
    decided level needs DECIDE_MEMBER_RATINGS on the grassroots organization. A decided rating is locked:
    a different decided level annuls it and records a new decision linked to it."""
    day = rating_date(year)
    grassroots = grassroots_on(organization, day)
    # One save at a time per grassroots organization: the cap counts across all of its cells.
    Organization.objects.select_for_update().filter(pk=grassroots.pk).first()
    grid = member_grid(organization=organization, year=year)
    if grid.version != grid_version:
        raise ValidationError(_("Someone else saved ratings of this organization for %(year)d while you were "
                                "working. Reload the page to see their changes, then enter yours again.")
                              % {"year": year}, code="stale")
    by_member = {row.member.pk: row for row in grid.rows}
    scheme = grid.scheme
    codes = {lvl.code: lvl for lvl in grid.levels}
    forced = codes.get(scheme.forced_level)
    sick_max = codes.get(scheme.sick_leave_max_level)
    may_decide = user is None or user_can(user, Perm.DECIDE_MEMBER_RATINGS, grassroots)
    errors: dict = {}

    def err(key, fieldname, message):
        errors.setdefault(key, {}).setdefault(fieldname, []).append(str(message))

    finals: dict[int, RatingLevel | None] = {}
    for item in rows:
        row = by_member.get(item.member_id)
        if row is None:
            err(None, "rows", _("A member in the submitted grid is not in this organization on %(day)s.")
                % {"day": day.strftime("%d/%m/%Y")})
            continue
        name = row.member.full_name
        chosen = {}
        for fieldname in ("self_level", "proposed_level", "decided_level"):
            code = getattr(item, fieldname)
            if code and code not in codes:
                err(item.member_id, fieldname, _("“%(code)s” is not a level of %(scheme)s.")
                    % {"code": code, "scheme": scheme.name})
            chosen[fieldname] = codes.get(code) if code else None
        if not row.rated and any(chosen.values()):
            err(item.member_id, "decided_level", _("%(name)s is not rated this year: %(reason)s.")
                % {"name": name, "reason": row.not_rated_label})
        changed = _differs(row.current, chosen, item)
        if changed and user is not None and not user_can(user, Perm.PROPOSE_RATINGS, row.cell):
            raise PermissionDenied(_("You may not rate members of “%(cell)s”.") % {"cell": row.cell})
        current_decided = row.current.decided_level if row.current and row.current.status == RatingStatus.DECIDED else None
        # Clearing a decided level is a decision too: only the deciding committee may do either.
        if chosen["decided_level"] != current_decided and not may_decide:
            err(item.member_id, "decided_level",
                _("Only the grassroots party committee decides members' ratings; you may propose."))
        for fieldname in ("proposed_level", "decided_level"):
            level = chosen[fieldname]
            if level is None:
                continue
            if row.facts.disciplined and forced and level.rank < forced.rank and not item.exception_reason:
                err(item.member_id, fieldname, _("%(name)s was disciplined for a violation in %(year)d and is rated "
                                                 "%(forced)s, unless the member found and remedied it: record that "
                                                 "exception with its reason.")
                    % {"name": name, "year": year, "forced": forced.code})
            if row.facts.long_sick_leave and sick_max and level.rank < sick_max.rank:
                err(item.member_id, fieldname, _("%(name)s was on sick leave %(days)d days in %(year)d (3 months or "
                                                 "more) and cannot be rated above %(max)s.")
                    % {"name": name, "days": row.facts.sick_days, "year": year, "max": sick_max.code})
        if item.score is not None:
            if not scheme.has_score:
                err(item.member_id, "score", _("This scheme has no score."))
            elif not (0 <= item.score <= 100):
                err(item.member_id, "score", _("A score is between 0 and 100."))
            elif chosen["decided_level"] is not None:
                band = max((lvl for lvl in grid.levels if lvl.min_score is not None and item.score >= lvl.min_score),
                           key=lambda lvl: lvl.min_score, default=None)
                if band is not None and band.rank < chosen["decided_level"].rank:
                    pass  # a level below the score's band is allowed (a disqualifying case)
                elif band is not None and band.rank > chosen["decided_level"].rank:
                    err(item.member_id, "score", _("A score of %(score)s is in the %(band)s band, below %(level)s.")
                        % {"score": item.score, "band": band.code, "level": chosen["decided_level"].code})
        finals[item.member_id] = chosen["decided_level"]

    # The cap: decided ratings of the whole grassroots organization after this save.
    if scheme.cap_percent and scheme.cap_top_level:
        counts = dict(MemberRating.objects.decided().filter(grassroots=grassroots, year=year)
                      .exclude(member_id__in=list(by_member)).values_list("decided_level__code")
                      .annotate(n=Count("id")).values_list("decided_level__code", "n"))
        for member_id, row in by_member.items():
            level = finals[member_id] if member_id in finals else (
                row.current.decided_level if row.current and row.current.status == RatingStatus.DECIDED else None)
            if level is not None:
                counts[level.code] = counts.get(level.code, 0) + 1
        if cap_breached(scheme, counts) and not cap_exception_reason.strip():
            err(None, "cap", _cap_message(scheme, counts.get(scheme.cap_top_level, 0),
                                          counts.get(scheme.cap_base_level, 0)))
    if errors:
        raise GridErrors(errors)
    return _write(grid, rows, by_member, codes, user, cap_exception_reason)


def _differs(current, chosen, item) -> bool:
    if current is None:
        return any(chosen.values()) or bool(item.note)
    return (current.self_level_id != (chosen["self_level"].pk if chosen["self_level"] else None)
            or current.proposed_level_id != (chosen["proposed_level"].pk if chosen["proposed_level"] else None)
            or (current.decided_level_id != (chosen["decided_level"].pk if chosen["decided_level"] else None))
            or (current.proposal_note or "") != (item.note or "")
            or (item.score is not None and current.score != item.score))


def _write(grid: MemberGrid, rows, by_member, codes, user, cap_exception_reason) -> dict:
    now = timezone.now()
    actor = user if user is not None and user.is_authenticated else None
    new, updated, annulled = [], [], []
    replacements: list[tuple[MemberRating, MemberRating]] = []
    for item in rows:
        row = by_member.get(item.member_id)
        current = row.current
        chosen = {f: codes.get(getattr(item, f)) if getattr(item, f) else None
                  for f in ("self_level", "proposed_level", "decided_level")}
        if not _differs(current, chosen, item):
            continue
        top = grid.scheme.cap_top_level
        exception = item.exception_reason or (
            cap_exception_reason if chosen["decided_level"] and chosen["decided_level"].code == top else "")
        if current is not None and current.status == RatingStatus.DECIDED and chosen["decided_level"] != current.decided_level:
            # A decided rating is locked: the change is a new decision; the old one stays, annulled.
            fresh = _rating(row, grid, chosen, item, actor, now, exception)
            new.append(fresh)
            replacements.append((current, fresh))
            continue
        if current is None:
            new.append(_rating(row, grid, chosen, item, actor, now, exception))
            continue
        if current.status == RatingStatus.DECIDED:
            continue  # same decided level: locked, proposals beside it are not rewritten
        _apply(current, chosen, item, actor, now, exception)
        updated.append(current)
    # Annul the replaced decisions first: the one-current-rating constraint allows one non-annulled row.
    for old, _fresh in replacements:
        old.status = RatingStatus.ANNULLED
        old.annul_reason = _("Replaced by a new decision")
        old.version += 1
        annulled.append(old)
    fields = ["status", "annul_reason", "version"]
    if annulled:
        bulk_update_with_history(annulled, MemberRating, fields, default_user=actor)
    if new:
        bulk_create_with_history(new, MemberRating, default_user=actor)
    if replacements:
        for old, fresh in replacements:
            old.replaced_by = fresh
        MemberRating.objects.bulk_update([old for old, _f in replacements], ["replaced_by"])
    if updated:
        bulk_update_with_history(updated, MemberRating, [
            "self_level", "proposed_level", "proposal_note", "proposed_by", "proposed_at", "decided_level", "score",
            "decided_by", "decided_at", "status", "exception_reason", "version"], default_user=actor)
    changed = new + updated
    if changed:
        emit("member_rating", organization_ids={r.cell_id for r in changed} | {grid.grassroots.pk}, years=[grid.year])
    return {"created": len(new), "updated": len(updated), "annulled": len(annulled)}


def _rating(row, grid, chosen, item, actor, now, exception) -> MemberRating:
    rating = MemberRating(member=row.member, cell=row.cell, grassroots=grid.grassroots, year=grid.year,
                          scheme=grid.scheme)
    _apply(rating, chosen, item, actor, now, exception)
    rating.version = 1
    return rating


def _apply(rating, chosen, item, actor, now, exception) -> None:
    if rating.proposed_level != chosen["proposed_level"] and chosen["proposed_level"] is not None:
        rating.proposed_by, rating.proposed_at = actor, now
    if rating.decided_level != chosen["decided_level"] and chosen["decided_level"] is not None:
        rating.decided_by, rating.decided_at = actor, now
    rating.self_level = chosen["self_level"]
    rating.proposed_level = chosen["proposed_level"]
    rating.decided_level = chosen["decided_level"]
    rating.proposal_note = item.note or ""
    if item.score is not None:
        rating.score = item.score
    rating.exception_reason = exception or ""
    rating.status = (RatingStatus.DECIDED if chosen["decided_level"] else RatingStatus.PROPOSED
                     if chosen["proposed_level"] else RatingStatus.DRAFT)
    rating.version = (rating.version or 0) + 1


def rerate(rating, *, level_code: str, reason: str, user, may_decide: bool, copy_fields: list[str], event: str,
           organization_ids) -> object:
    """Annul a decided rating and record the new decision linked to it (both stay, the old one marked
    annulled): the shared step of re-rating a member or an organization."""
    model = type(rating)
    rating = model.objects.select_for_update().get(pk=rating.pk)
    if rating.status != RatingStatus.DECIDED:
        raise ValidationError(_("Only a decided rating is re-rated; change a proposal in the grid."))
    if user is not None and not may_decide:
        raise PermissionDenied(_("You may not change these ratings."))
    level = rating.scheme.levels.filter(code=level_code).first()
    if level is None:
        raise ValidationError(_("“%(code)s” is not a level of %(scheme)s.") % {"code": level_code,
                                                                                "scheme": rating.scheme.name})
    actor = user if user is not None and user.is_authenticated else None
    rating.status = RatingStatus.ANNULLED
    rating.annul_reason = reason
    rating.version += 1
    rating._history_user = actor
    rating.save()
    fresh = model(**{f: getattr(rating, f) for f in copy_fields}, year=rating.year, scheme=rating.scheme,
                  self_level=rating.self_level, proposed_level=rating.proposed_level,
                  proposal_note=rating.proposal_note, decided_level=level, decided_by=actor,
                  decided_at=timezone.now(), decision_note=reason, status=RatingStatus.DECIDED)
    fresh._history_user = actor
    fresh.save()
    rating.replaced_by = fresh
    rating.save(update_fields=["replaced_by"])
    emit(event, organization_ids=organization_ids(rating), years=[rating.year])
    return fresh


@transaction.atomic
def member_rating_rerate(*, rating: MemberRating, level_code: str, reason: str, user=None) -> MemberRating:
    """Re-rate a decided year (e.g. discipline decided later for that year's violation)."""
    return rerate(rating, level_code=level_code, reason=reason, user=user,
                  may_decide=user is None or user_can(user, Perm.DECIDE_MEMBER_RATINGS, rating.grassroots),
                  copy_fields=["member", "cell", "grassroots"], event="member_rating",
                  organization_ids=lambda r: [r.cell_id, r.grassroots_id])
