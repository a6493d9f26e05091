"""Annual ratings: one grid engine for members and for organizations (party organizations, leadership
collectives, mass organizations, host units).

A grid is what one deciding organization rates for a year: the members of a TCCSĐ (or of one of its
cells), decided by the TCCSĐ; or the subjects of one kind a committee rates, decided by that committee.
The cap is a property of the set (HTXS at most 20% of HTT per deciding organization and year), so a
grid is validated and written at once: every rule is checked for every row before anything is written,
the writes are bulk statements (a constant number of queries for 40 or 400 rows), and a version token
refuses a save made on a stale grid.

The pipeline — read, validate, write, re-rate — is written once below. What differs between members
and organizations is declared in a ``GridSubject`` (``MEMBERS``, ``ORGANIZATIONS``): how the rows are
found and keyed, which rules force a level, where the cap is counted, the deciding right, the event, the
extra fields (host units' standards) and the few messages that name the subject."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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
from members.ratings.models import (
    MemberNotRated,
    MemberRating,
    OrganizationRating,
    RatingLevel,
    RatingScheme,
    RecognitionAward,
)
from members.ratings.rules import MemberFacts, OrganizationFacts, member_facts, organization_facts, rating_date
from members.register.models import Member, MembershipPeriod
from organizations.choices import CELL_KINDS, TCCSD_KINDS, OrgKind
from organizations.models import HostUnit, MassOrganization, Organization, OrganizationPlacement
from organizations.permissions import Perm
from organizations.scoping import user_can

LEVEL_FIELDS = ("self_level", "proposed_level", "decided_level")
# Host units also record the standards targets use (yes / no / not entered).
STANDARD_FIELDS = ("fulfilled_plan", "security_safe", "cultural_standard")
# The kinds of organization rating the forced KHT and the 20% cap apply to (RULES §1): party organizations
# and leadership collectives; mass organizations and host units have neither.
FORCED_KINDS = frozenset({OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP})
COMMITTEE_KINDS = {OrgKind.PROVINCIAL, OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE}
KIND_EVENT = {OrgRatingKind.PARTY_ORG: "organization_rating", OrgRatingKind.LEADERSHIP: "organization_rating",
              OrgRatingKind.MASS_ORG: "mass_organization_rating", OrgRatingKind.UNIT: "unit_assessment"}
UPDATED_FIELDS = ["self_level", "proposed_level", "proposal_note", "proposed_by", "proposed_at", "decided_level",
                  "score", "decided_by", "decided_at", "status", "exception_reason", "version"]


def scheme_for(subject: str, year: int) -> RatingScheme:
    scheme = RatingScheme.objects.for_year(subject, year).prefetch_related("levels").first()
    if scheme is None:
        raise ValidationError(_("No rating scheme covers the year %(year)d. Add one first.") % {"year": year})
    return scheme


def grassroots_on(organization: Organization, day) -> Organization:
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


# --- Rows and grids ------------------------------------------------------------------------------------

@dataclass
class GridRow:
    """One subject of a grid. ``organization`` is the row's organization — a member's cell, the rated (or,
    for a mass organization or host unit, the attached) party organization: PROPOSE_RATINGS is checked on
    it and the change event names it. ``key`` names the row in forms, errors and spreadsheets."""

    key: int | str
    name: str
    organization: Organization
    facts: MemberFacts | OrganizationFacts
    current: MemberRating | OrganizationRating | None
    last_year: str | None

    @property
    def rated(self) -> bool:
        return not self.facts.not_rated

    @property
    def not_rated_label(self) -> str:
        if not self.facts.not_rated:
            return ""
        label = str(NotRatedReason(self.facts.not_rated).label)
        other = self.facts.extras.get("other_reason") if isinstance(self.facts, MemberFacts) else None
        return f"{label}: {other}" if other else label

    @property
    def decided_level(self) -> RatingLevel | None:
        """The current decision (locked: another level is a new decision)."""
        current = self.current
        return current.decided_level if current is not None and current.status == RatingStatus.DECIDED else None


@dataclass
class MemberRow(GridRow):
    member: Member = None  # keyed by the member's id

    @property
    def cell(self) -> Organization:
        return self.organization


@dataclass
class OrgRow(GridRow):
    # keyed "o<organization id>", "m<mass organization id>" or "u<host unit id>": stable in forms
    mass_organization: MassOrganization | None = None
    host_unit: HostUnit | None = None


@dataclass
class Grid:
    subject: GridSubject
    organization: Organization  # the grid's own organization: a TCCSĐ or one of its cells; the committee
    decider: Organization  # where the deciding right and the cap are counted: the TCCSĐ; the committee
    kind: str | None  # an OrgRatingKind for organizations
    year: int
    scheme: RatingScheme
    rows: list[GridRow] = field(default_factory=list)
    version: str = ""
    levels: list[RatingLevel] = field(default_factory=list)

    @property
    def grassroots(self) -> Organization:  # the members' name for the decider
        return self.decider

    @property
    def committee(self) -> Organization:  # the organizations' name for the decider
        return self.decider

    @property
    def rules(self) -> tuple[ForcingRule, ...]:
        return self.subject.rules(self.kind)

    @property
    def extra_fields(self) -> tuple[str, ...]:
        return self.subject.extra_fields(self.kind)

    @property
    def cap_applies(self) -> bool:
        scheme = self.scheme
        return bool(scheme.cap_percent and scheme.cap_top_level) and self.subject.cap_applies(self.kind)

    def level(self, code: str | None) -> RatingLevel | None:
        return next((lvl for lvl in self.levels if lvl.code == code), None) if code else None

    def excusable(self, row: GridRow) -> bool:
        """Whether the row may record an exception: to a level a rule forces on it, or (a scheme with a score)
        to the level the score's band allows."""
        return self.scheme.has_score or any(rule.excusable and rule.applies(row.facts) for rule in self.rules)

    def warnings(self, row: GridRow) -> list[str]:
        return [rule.warning(row, self) for rule in self.rules
                if rule.applies(row.facts) and getattr(self.scheme, rule.scheme_field)]


def _version(ratings) -> str:
    """A token that changes whenever any current rating of the grid is created, changed or annulled."""
    raw = ",".join(f"{r.pk}:{r.version}" for r in sorted(ratings, key=lambda r: r.pk))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# --- The rules that force a level --------------------------------------------------------------------

@dataclass(frozen=True)
class ForcingRule:
    """A rule of RULES §1 that limits a row's level: where it ``applies`` (the row's facts), the scheme's
    column naming the best level it allows (``forced_level``: discipline; ``sick_leave_max_level``), and
    whether an exception recorded with its reason lifts it."""

    applies: Callable[[object], bool]
    scheme_field: str
    excusable: bool
    error: Callable[[GridRow, Grid, RatingLevel], str]
    warning: Callable[[GridRow, Grid], str]


MEMBER_DISCIPLINE = ForcingRule(
    applies=lambda facts: facts.disciplined, scheme_field="forced_level", excusable=True,
    error=lambda row, grid, level: _(
        "%(name)s was disciplined for a violation in %(year)d and is rated %(forced)s, unless the member found "
        "and remedied it: record that exception with its reason.") % {
        "name": row.name, "year": grid.year, "forced": level.code},
    warning=lambda row, grid: _(
        "Disciplined for a violation in %(year)d: rated %(level)s, unless the member found and remedied it "
        "(record that exception with its reason).") % {"year": grid.year, "level": grid.scheme.forced_level},
)
SICK_LEAVE = ForcingRule(
    applies=lambda facts: facts.long_sick_leave, scheme_field="sick_leave_max_level", excusable=False,
    error=lambda row, grid, level: _(
        "%(name)s was on sick leave %(days)d days in %(year)d (3 months or more) and cannot be rated above "
        "%(max)s.") % {"name": row.name, "days": row.facts.sick_days, "year": grid.year, "max": level.code},
    warning=lambda row, grid: _("On sick leave %(days)d days in %(year)d: not above %(level)s.") % {
        "days": row.facts.sick_days, "year": grid.year, "level": grid.scheme.sick_leave_max_level},
)
ORGANIZATION_DISCIPLINE = ForcingRule(
    applies=lambda facts: facts.forced, scheme_field="forced_level", excusable=True,
    error=lambda row, grid, level: _(
        "%(name)s is rated %(forced)s: its leadership collective was disciplined or more than 20%% of its "
        "subordinate units (%(disc)d of %(units)d) were disciplined in %(year)d.") % {
        "name": row.name, "forced": level.code, "disc": row.facts.subordinate_disciplined,
        "units": row.facts.subordinate_units, "year": grid.year},
    warning=lambda row, grid: _(
        "Rated %(level)s: its leadership collective was disciplined or more than 20%% of its subordinate units "
        "(%(disc)d of %(units)d) were disciplined in %(year)d.") % {
        "level": grid.scheme.forced_level, "disc": row.facts.subordinate_disciplined,
        "units": row.facts.subordinate_units, "year": grid.year},
)


# --- What differs between members and organizations ----------------------------------------------------

class GridSubject:
    """The declared differences of one kind of subject; the engine below never asks which one it has.

    Attributes: ``scheme_subject`` (whose schemes), ``model``, ``decide_perm`` (the deciding right, checked
    on the grid's decider), ``org_field`` / ``decider_field`` (the rating's foreign keys to the row's
    organization and to the deciding organization), ``rerate_copy`` (what a re-rating carries over).
    Methods: ``decider(organization, kind, day)``; ``read_rows(grid, day) -> (rows, current ratings)`` in a
    constant number of queries; ``rules(kind)`` (the ForcingRules); ``new_fields(row, grid)`` (what names
    the subject of a new rating); ``event(kind)``; and the messages that name the subject:
    ``unknown_row(grid)``, ``propose_denied(row)``, ``decide_only()``, ``cap_message(scheme, top, base)``.
    The defaults below are the members'."""

    def cap_applies(self, kind: str | None) -> bool:
        return True

    def cap_filter(self, grid: Grid) -> dict:
        """What narrows the deciding organization's decided ratings to those the cap counts together."""
        return {}

    def extra_fields(self, kind: str | None) -> tuple[str, ...]:
        return ()


def _cap_figures(scheme: RatingScheme, top: int, base: int) -> dict:
    limit = int(Decimal(base) * scheme.cap_percent / 100)
    return {"top": top, "base": base, "cap": f"{scheme.cap_percent.normalize():f}", "limit": limit,
            "top_code": scheme.cap_top_level, "base_code": scheme.cap_base_level}


class MemberSubject(GridSubject):
    scheme_subject = RatingSubject.MEMBER
    model = MemberRating
    decide_perm = Perm.DECIDE_MEMBER_RATINGS
    org_field, decider_field = "cell", "grassroots"
    rerate_copy = ("member", "cell", "grassroots")

    def decider(self, organization, kind, day):
        return grassroots_on(organization, day)

    def read_rows(self, grid, day):
        periods = list(
            MembershipPeriod.objects.on(day)
            .filter(member__in=Member.objects.under_on(grid.organization, day))
            .select_related("member", "cell").order_by("cell__name", "member__full_name", "member_id")
        )
        ids = [p.member_id for p in periods]
        current = {r.member_id: r for r in MemberRating.objects.current().filter(member_id__in=ids, year=grid.year)
                   .select_related("self_level", "proposed_level", "decided_level")}
        last = dict(MemberRating.objects.decided().filter(member_id__in=ids, year=grid.year - 1)
                    .values_list("member_id", "decided_level__code"))
        facts = member_facts(ids, grid.year)
        rows = [MemberRow(key=p.member_id, name=p.member.full_name, organization=p.cell,
                          facts=facts.get(p.member_id, MemberFacts()), current=current.get(p.member_id),
                          last_year=last.get(p.member_id), member=p.member) for p in periods]
        return rows, list(current.values())

    def rules(self, kind):
        return (MEMBER_DISCIPLINE, SICK_LEAVE)

    def new_fields(self, row, grid):
        return {"member": row.member}

    def event(self, kind):
        return "member_rating"

    def unknown_row(self, grid):
        return _("A member in the submitted grid is not in this organization on %(day)s.") % {
            "day": rating_date(grid.year).strftime("%d/%m/%Y")}

    def propose_denied(self, row):
        return _("You may not rate members of “%(cell)s”.") % {"cell": row.organization}

    def decide_only(self):
        return _("Only the grassroots party committee decides members' ratings; you may propose.")

    def cap_message(self, scheme, top, base):
        return _("%(top)d %(top_code)s > %(cap)s%% × %(base)d %(base_code)s = %(limit)d: the number rated %(top_code)s "
                 "may not exceed %(cap)s%% of those rated %(base_code)s in the grassroots organization. Lower some "
                 "levels or record the reason for an exception.") % _cap_figures(scheme, top, base)


class OrganizationSubject(GridSubject):
    scheme_subject = RatingSubject.ORGANIZATION
    model = OrganizationRating
    decide_perm = Perm.DECIDE_ORG_RATINGS
    org_field, decider_field = "organization", "deciding_committee"
    rerate_copy = ("kind", "organization", "mass_organization", "host_unit", "deciding_committee", *STANDARD_FIELDS)

    def decider(self, organization, kind, day):
        if kind not in OrgRatingKind.values:
            raise ValidationError(_("Unknown kind of rating."))
        return organization  # the committee one level up rates what is placed under it

    def read_rows(self, grid, day):
        """The subjects ``grid.committee`` rates: its direct sub-organizations on the rating date (or their
        leadership collectives, host units, or the mass organizations attached to them)."""
        kind, committee = grid.kind, grid.decider
        children = _children_on(committee, day)
        facts = organization_facts([c.pk for c in children], grid.year)
        if kind == OrgRatingKind.PARTY_ORG:
            rows = [OrgRow(key=f"o{c.pk}", name=c.name, organization=c, facts=facts[c.pk], current=None,
                           last_year=None) for c in children]
        elif kind == OrgRatingKind.LEADERSHIP:
            rows = [OrgRow(key=f"o{c.pk}", name=c.name, organization=c, facts=facts[c.pk], current=None,
                           last_year=None) for c in children if c.kind in COMMITTEE_KINDS]
        elif kind == OrgRatingKind.UNIT:
            rows = [OrgRow(key=f"u{c.host_unit_id}", name=c.host_unit.name, organization=c,
                           facts=OrganizationFacts(), current=None, last_year=None, host_unit=c.host_unit)
                    for c in children if c.host_unit_id]
        else:  # a mass organization is rated by the committee above the party organization it is attached to
            masses = MassOrganization.objects.filter(organization__in=children, active=True).select_related(
                "organization").order_by("organization__name", "kind")
            rows = [OrgRow(key=f"m{m.pk}", name=m.name, organization=m.organization, facts=OrganizationFacts(),
                           current=None, last_year=None, mass_organization=m) for m in masses]
        current = {_org_key(r): r for r in OrganizationRating.objects.current().filter(
            kind=kind, year=grid.year, deciding_committee=committee).select_related(
            "self_level", "proposed_level", "decided_level")}
        last = {_org_key(r): r.decided_level.code for r in OrganizationRating.objects.decided().filter(
            kind=kind, year=grid.year - 1, organization__in=[row.organization for row in rows])
            .select_related("decided_level")}
        for row in rows:
            row.current, row.last_year = current.get(row.key), last.get(row.key)
        return rows, list(current.values())

    def rules(self, kind):
        return (ORGANIZATION_DISCIPLINE,) if kind in FORCED_KINDS else ()

    def cap_applies(self, kind):
        return kind in FORCED_KINDS

    def cap_filter(self, grid):
        return {"kind": grid.kind}

    def extra_fields(self, kind):
        return STANDARD_FIELDS if kind == OrgRatingKind.UNIT else ()

    def new_fields(self, row, grid):
        return {"kind": grid.kind, "mass_organization": row.mass_organization, "host_unit": row.host_unit}

    def event(self, kind):
        return KIND_EVENT[kind]

    def unknown_row(self, grid):
        return _("A subject in the submitted grid is not rated by “%(org)s”.") % {"org": grid.decider}

    def propose_denied(self, row):
        return _("You may not rate “%(org)s”.") % {"org": row.name}

    def decide_only(self):
        return _("Only the committee one level up decides this rating; you may propose.")

    def cap_message(self, scheme, top, base):
        return _("%(top)d %(top_code)s > %(cap)s%% × %(base)d %(base_code)s = %(limit)d: the number rated %(top_code)s "
                 "may not exceed %(cap)s%% of those rated %(base_code)s by one deciding committee. Lower some "
                 "levels or record the reason for an exception.") % _cap_figures(scheme, top, base)


MEMBERS = MemberSubject()
ORGANIZATIONS = OrganizationSubject()


def subject_of(rating) -> GridSubject:
    return MEMBERS if isinstance(rating, MemberRating) else ORGANIZATIONS


def _children_on(committee: Organization, day) -> list[Organization]:
    placement = OrganizationPlacement.objects.on(day).filter(organization=committee).first()
    if placement is None:
        raise ValidationError(_("“%(org)s” did not exist on %(day)s.") % {"org": committee, "day": day})
    ids = (OrganizationPlacement.objects.under_on(committee.pk, day).filter(depth=placement.depth + 1)
           .values_list("organization_id", flat=True))
    return list(Organization.objects.filter(pk__in=ids).select_related("host_unit").order_by("name"))


def _org_key(rating: OrganizationRating) -> str:
    if rating.mass_organization_id:
        return f"m{rating.mass_organization_id}"
    if rating.host_unit_id:
        return f"u{rating.host_unit_id}"
    return f"o{rating.organization_id}"


# --- Reading -----------------------------------------------------------------------------------------------

def read_grid(subject: GridSubject, *, organization: Organization, kind: str | None = None, year: int) -> Grid:
    day = rating_date(year)
    scheme = scheme_for(subject.scheme_subject, year)
    decider = subject.decider(organization, kind, day)
    grid = Grid(subject, organization, decider, kind, year, scheme, levels=list(scheme.levels.all()))
    grid.rows, current = subject.read_rows(grid, day)
    grid.version = _version(current)
    return grid


def member_grid(*, organization: Organization, year: int) -> Grid:
    """Every member of ``organization`` on the year's rating date, with the facts the rules need, the
    current rating and last year's decided level: a handful of queries whatever the number of members."""
    return read_grid(MEMBERS, organization=organization, year=year)


def organization_grid(*, committee: Organization, kind: str, year: int) -> Grid:
    """The subjects of ``kind`` that ``committee`` rates for ``year``."""
    return read_grid(ORGANIZATIONS, organization=committee, kind=kind, year=year)


def member_grids(*, organizations: list[Organization], year: int) -> list[Grid]:
    """The member grids of many grassroots organizations for one year, each as ``member_grid`` reads it (the
    same rows in the same order, facts, current ratings, versions), in a constant number of queries instead of
    a handful per grid: for loaders that rate every TCCSĐ of a year (the demo). Each organization must be a
    TCCSĐ on the year's rating date (its own decider)."""
    day = rating_date(year)
    scheme = scheme_for(MEMBERS.scheme_subject, year)
    levels = list(scheme.levels.all())
    placed = dict(OrganizationPlacement.objects.on(day).values_list("organization_id", "path"))
    kinds = dict(OrganizationPlacement.objects.on(day).filter(organization__in=organizations)
                 .values_list("organization_id", "kind"))
    grid_of_path = {}
    for org in organizations:
        if kinds.get(org.pk) not in TCCSD_KINDS:
            raise ValidationError(_("“%(org)s” is not a grassroots party organization on %(day)s.")
                                  % {"org": org, "day": day})
        grid_of_path[placed[org.pk]] = Grid(MEMBERS, org, org, None, year, scheme, levels=levels)
    steps = Organization.steplen

    def grid_of(cell_id):
        path = placed.get(cell_id, "")
        return next((grid_of_path[path[:n]] for n in range(steps, len(path) + 1, steps)
                     if path[:n] in grid_of_path), None)

    # The database orders the rows (its collation) as each grid's own query does.
    periods = [(grid_of(p.cell_id), p) for p in MembershipPeriod.objects.on(day).select_related("member", "cell")
               .order_by("cell__name", "member__full_name", "member_id")]
    periods = [(grid, p) for grid, p in periods if grid is not None]
    ids = [p.member_id for _grid, p in periods]
    current = {r.member_id: r for r in MemberRating.objects.current().filter(member_id__in=ids, year=year)
               .select_related("self_level", "proposed_level", "decided_level")}
    last = dict(MemberRating.objects.decided().filter(member_id__in=ids, year=year - 1)
                .values_list("member_id", "decided_level__code"))
    facts = member_facts(ids, year)
    for grid, p in periods:
        grid.rows.append(MemberRow(key=p.member_id, name=p.member.full_name, organization=p.cell,
                                   facts=facts.get(p.member_id, MemberFacts()), current=current.get(p.member_id),
                                   last_year=last.get(p.member_id), member=p.member))
    grids = list(grid_of_path.values())
    for grid in grids:
        grid.version = _version([row.current for row in grid.rows if row.current is not None])
    return grids


def organization_grids(*, committees: list[Organization], kind: str, year: int) -> list[Grid]:
    """The organization grids of ``kind`` of many committees for one year, each as ``organization_grid``
    reads it, in a constant number of queries (for loaders such as the demo). A committee that did not exist
    on the rating date is refused as the single grid refuses it."""
    day = rating_date(year)
    scheme = scheme_for(ORGANIZATIONS.scheme_subject, year)
    levels = list(scheme.levels.all())
    ORGANIZATIONS.decider(None, kind, day)  # refuses an unknown kind
    placements = list(OrganizationPlacement.objects.on(day).values_list("organization_id", "path"))
    where = dict(placements)
    grids, grid_of_path = [], {}
    for committee in committees:
        if committee.pk not in where:
            raise ValidationError(_("“%(org)s” did not exist on %(day)s.") % {"org": committee, "day": day})
        grid = Grid(ORGANIZATIONS, committee, committee, kind, year, scheme, levels=levels)
        grids.append(grid)
        grid_of_path[where[committee.pk]] = grid
    steps = Organization.steplen
    parent_grid = {org_id: grid_of_path.get(path[:-steps]) for org_id, path in placements}
    children = list(Organization.objects.filter(pk__in=[i for i, g in parent_grid.items() if g is not None])
                    .select_related("host_unit").order_by("name"))
    facts = organization_facts([c.pk for c in children], year) if kind in (OrgRatingKind.PARTY_ORG,
                                                                            OrgRatingKind.LEADERSHIP) else {}
    if kind == OrgRatingKind.MASS_ORG:
        masses = MassOrganization.objects.filter(organization__in=children, active=True).select_related(
            "organization").order_by("organization__name", "kind")
        for m in masses:
            parent_grid[m.organization_id].rows.append(OrgRow(
                key=f"m{m.pk}", name=m.name, organization=m.organization, facts=OrganizationFacts(), current=None,
                last_year=None, mass_organization=m))
    for c in children if kind != OrgRatingKind.MASS_ORG else ():
        grid = parent_grid[c.pk]
        if kind == OrgRatingKind.PARTY_ORG or (kind == OrgRatingKind.LEADERSHIP and c.kind in COMMITTEE_KINDS):
            grid.rows.append(OrgRow(key=f"o{c.pk}", name=c.name, organization=c, facts=facts[c.pk], current=None,
                                    last_year=None))
        elif kind == OrgRatingKind.UNIT and c.host_unit_id:
            grid.rows.append(OrgRow(key=f"u{c.host_unit_id}", name=c.host_unit.name, organization=c,
                                    facts=OrganizationFacts(), current=None, last_year=None, host_unit=c.host_unit))
    current: dict[int, dict] = {}
    for r in OrganizationRating.objects.current().filter(kind=kind, year=year, deciding_committee__in=committees) \
            .select_related("self_level", "proposed_level", "decided_level"):
        current.setdefault(r.deciding_committee_id, {})[_org_key(r)] = r
    last = {_org_key(r): r.decided_level.code for r in OrganizationRating.objects.decided().filter(
        kind=kind, year=year - 1, organization__in=[row.organization for g in grids for row in g.rows])
        .select_related("decided_level")}
    for grid in grids:
        mine = current.get(grid.decider.pk, {})
        for row in grid.rows:
            row.current, row.last_year = mine.get(row.key), last.get(row.key)
        grid.version = _version(list(mine.values()))
    return grids


def other_decided(grid: Grid) -> dict[str, int]:
    """Decided ratings the cap counts together with the grid's, outside it: the other cells of the TCCSĐ;
    for a committee, subjects it decided that are not listed under it any more. One query."""
    inside = [row.current.pk for row in grid.rows if row.current is not None]
    return dict(grid.subject.model.objects.decided()
                .filter(**{grid.subject.decider_field: grid.decider}, year=grid.year, **grid.subject.cap_filter(grid))
                .exclude(pk__in=inside).values_list("decided_level__code").annotate(n=Count("id"))
                .values_list("decided_level__code", "n"))


def cap_breached(scheme: RatingScheme, counts: dict[str, int]) -> bool:
    if not scheme.cap_percent or not scheme.cap_top_level:
        return False
    top, base = counts.get(scheme.cap_top_level, 0), counts.get(scheme.cap_base_level, 0)
    return Decimal(top) * 100 > scheme.cap_percent * base


# --- Saving --------------------------------------------------------------------------------------------

@dataclass
class RowInput:
    """One submitted row: the subject's ``key`` (a member's id — also accepted as ``member_id`` —, an
    organization row's "o12"), its levels as codes, and the subject's extra fields (host units'
    standards; None leaves a value as it is)."""

    key: int | str | None = None
    self_level: str | None = None
    proposed_level: str | None = None
    decided_level: str | None = None
    score: Decimal | None = None
    note: str = ""
    exception_reason: str = ""
    member_id: int | None = None
    fulfilled_plan: bool | None = None
    security_safe: bool | None = None
    cultural_standard: bool | None = None

    def __post_init__(self):
        if self.key is None:
            self.key = self.member_id
        elif self.member_id is None and isinstance(self.key, int):
            self.member_id = self.key


OrgRowInput = RowInput  # the organizations' callers name their rows by key


class GridErrors(ValidationError):
    """Errors by row key and field, plus errors of the whole grid under the key None."""

    def __init__(self, errors: dict):
        self.grid_errors = errors
        super().__init__([f"{msg}" for msgs in errors.values() for fieldmsgs in msgs.values() for msg in fieldmsgs])


@transaction.atomic
def ratings_save(subject: GridSubject, *, organization: Organization, kind: str | None = None, year: int,
                 rows: list[RowInput], user, grid_version: str, cap_exception_reason: str = "") -> dict:
    """Validate the whole grid, then write it. A row the user changes needs PROPOSE_RATINGS on the row's
    organization or the deciding right on the grid; a changed decided level needs the deciding right; an
    unchanged row needs nothing. A decided rating is locked: a different decided level annuls it and
    records a new decision linked to it."""
    decider = subject.decider(organization, kind, rating_date(year))
    # One save at a time per deciding organization: the cap counts across all of its grids.
    Organization.objects.select_for_update().filter(pk=decider.pk).first()
    grid = read_grid(subject, organization=organization, kind=kind, year=year)
    if grid.version != grid_version:
        raise ValidationError(_("Someone else saved ratings of this organization for %(year)d while you were "
                                "working. Reload the page to see their changes, then enter yours again.")
                              % {"year": year}, code="stale")
    chosen = _validate(grid, rows, user, cap_exception_reason)
    return _write(grid, rows, chosen, user, cap_exception_reason)


def member_ratings_save(*, organization: Organization, year: int, rows: list[RowInput], user, grid_version: str,
                        cap_exception_reason: str = "") -> dict:
    return ratings_save(MEMBERS, organization=organization, year=year, rows=rows, user=user,
                        grid_version=grid_version, cap_exception_reason=cap_exception_reason)


def organization_ratings_save(*, committee: Organization, kind: str, year: int, rows: list[RowInput], user,
                              grid_version: str, cap_exception_reason: str = "") -> dict:
    return ratings_save(ORGANIZATIONS, organization=committee, kind=kind, year=year, rows=rows, user=user,
                        grid_version=grid_version, cap_exception_reason=cap_exception_reason)


def _extras(grid: Grid, item: RowInput) -> dict:
    return {f: getattr(item, f) for f in grid.extra_fields}


def _validate(grid: Grid, items: list[RowInput], user, cap_exception_reason: str) -> dict:
    """The chosen levels of every submitted row by key; raises GridErrors with every error found."""
    subject, scheme = grid.subject, grid.scheme
    codes = {lvl.code: lvl for lvl in grid.levels}
    limits = [(rule, codes.get(getattr(scheme, rule.scheme_field))) for rule in grid.rules]
    by_key = {row.key: row for row in grid.rows}
    may_decide = user is None or user_can(user, subject.decide_perm, grid.decider)
    errors: dict = {}

    def err(key, fieldname, message):
        errors.setdefault(key, {}).setdefault(fieldname, []).append(str(message))

    chosen_by_key: dict = {}
    for item in items:
        row = by_key.get(item.key)
        if row is None:
            err(None, "rows", subject.unknown_row(grid))
            continue
        chosen = {}
        for fieldname in LEVEL_FIELDS:
            code = getattr(item, fieldname)
            if code and code not in codes:
                err(item.key, fieldname, _("“%(code)s” is not a level of %(scheme)s.")
                    % {"code": code, "scheme": scheme.name})
            chosen[fieldname] = codes.get(code) if code else None
        chosen_by_key[item.key] = chosen
        if not row.rated and any(chosen.values()):
            err(item.key, "decided_level", _("%(name)s is not rated this year: %(reason)s.")
                % {"name": row.name, "reason": row.not_rated_label})
        if (user is not None and not may_decide and _differs(row.current, chosen, item, _extras(grid, item))
                and not user_can(user, Perm.PROPOSE_RATINGS, row.organization)):
            raise PermissionDenied(subject.propose_denied(row))
        # Clearing a decided level is a decision too: only the deciding organization may do either.
        if chosen["decided_level"] != row.decided_level and not may_decide:
            err(item.key, "decided_level", subject.decide_only())
        for fieldname in ("proposed_level", "decided_level"):
            level = chosen[fieldname]
            for rule, limit in limits:
                if (level is not None and limit is not None and level.rank < limit.rank and rule.applies(row.facts)
                        and not (rule.excusable and item.exception_reason)):
                    err(item.key, fieldname, rule.error(row, grid, limit))
        # The score stands until a new one is entered: a decision is checked against the recorded score too.
        score = item.score if item.score is not None else (row.current.score if row.current is not None else None)
        message = _score_error(grid, score, chosen["decided_level"], exception_reason=item.exception_reason,
                               explained=any(rule.applies(row.facts) for rule in grid.rules))
        if message:
            err(item.key, "score" if item.score is not None else "decided_level", message)

    # The cap: decided ratings of the whole deciding organization after this save.
    if grid.cap_applies:
        counts = other_decided(grid)
        for key, row in by_key.items():
            level = chosen_by_key[key]["decided_level"] if key in chosen_by_key else row.decided_level
            if level is not None:
                counts[level.code] = counts.get(level.code, 0) + 1
        if cap_breached(scheme, counts) and not cap_exception_reason.strip():
            err(None, "cap", subject.cap_message(scheme, counts.get(scheme.cap_top_level, 0),
                                                 counts.get(scheme.cap_base_level, 0)))
    if errors:
        raise GridErrors(errors)
    return chosen_by_key


def score_band(levels, score: Decimal) -> RatingLevel | None:
    """The level whose band holds ``score`` (the highest ``min_score`` not above it), in a scheme with a score
    (Quy định 366: HTXS ≥ 90, HTT 70–<90, HT 50–<70, KHT < 50); the bands are the levels' data."""
    return max((lvl for lvl in levels if lvl.min_score is not None and score >= lvl.min_score),
               key=lambda lvl: lvl.min_score, default=None)


def _score_error(grid: Grid, score: Decimal | None, decided: RatingLevel | None, *, exception_reason: str = "",
                 explained: bool = False) -> str:
    """The 100-point score of the 2025 scheme: within 0–100, and the decided level the one its band allows.
    A level that contradicts the score — above its band, or below it (HTXS's other conditions unmet, a
    disqualifying case) — is refused unless the row records the reason for the exception; a level below the
    band that a forcing rule explains (discipline, long sick leave) needs no further reason."""
    if score is None:
        return ""
    if not grid.scheme.has_score:
        return _("This scheme has no score.")
    if not 0 <= score <= 100:
        return _("A score is between 0 and 100.")
    if decided is None:
        return ""
    band = score_band(grid.levels, score)
    if band is None or band.rank == decided.rank or exception_reason.strip():
        return ""
    if band.rank > decided.rank:
        return _("A score of %(score)s is in the %(band)s band, below %(level)s.") % {
            "score": f"{score.normalize():f}", "band": band.code, "level": decided.code}
    if explained:
        return ""
    return _("A score of %(score)s is in the %(band)s band, above %(level)s: record the reason (a condition of "
             "%(band)s not met, a disqualifying case) or choose %(band)s.") % {
        "score": f"{score.normalize():f}", "band": band.code, "level": decided.code}


def _differs(current, chosen: dict, item: RowInput, extras: dict) -> bool:
    def pk(level):
        return level.pk if level is not None else None

    if current is None:
        return (any(chosen.values()) or bool(item.note) or item.score is not None
                or any(v is not None for v in extras.values()))
    return (current.self_level_id != pk(chosen["self_level"])
            or current.proposed_level_id != pk(chosen["proposed_level"])
            or current.decided_level_id != pk(chosen["decided_level"])
            or (current.proposal_note or "") != (item.note or "")
            or (item.score is not None and current.score != item.score)
            or any(v is not None and getattr(current, f) != v for f, v in extras.items()))


def grid_new_ratings(grid: Grid, rows: list[RowInput], *, cap_exception_reason: str = "") -> list:
    """For a trusted bulk loader (the demo): validate ``rows`` of a freshly read grid with no current ratings
    exactly as ``ratings_save`` does (user None) and return the unsaved ratings it would create, so that the
    grids of a whole year can be inserted — with their history rows — in one statement. The caller emits the
    change events (or mutes them) and must not pass a grid whose decider another pending grid shares: the cap
    counts the decider's decided ratings already in the database."""
    if any(row.current is not None for row in grid.rows):
        raise ValueError("grid_new_ratings writes new ratings only; save a grid with ratings through ratings_save")
    chosen = _validate(grid, rows, None, cap_exception_reason)
    new, _updated, _replaced = _changes(grid, rows, chosen, None, cap_exception_reason)
    return new


def _changes(grid: Grid, items: list[RowInput], chosen_by_key: dict, actor, cap_exception_reason: str):
    """The ratings a save creates, the current ones it updates, and the decided ones it replaces (old, new)."""
    subject, model = grid.subject, grid.subject.model
    by_key = {row.key: row for row in grid.rows}
    now = timezone.now()
    new, updated = [], []
    replaced: list[tuple] = []
    for item in items:
        row, chosen, extras = by_key[item.key], chosen_by_key[item.key], _extras(grid, item)
        current = row.current
        if not _differs(current, chosen, item, extras):
            continue
        decided = chosen["decided_level"]
        exception = item.exception_reason or (
            cap_exception_reason if decided is not None and decided.code == grid.scheme.cap_top_level else "")
        if current is None or (current.status == RatingStatus.DECIDED and decided != current.decided_level):
            # A decided rating is locked: the change is a new decision; the old one stays, annulled.
            fresh = model(**{subject.org_field: row.organization, subject.decider_field: grid.decider},
                          **subject.new_fields(row, grid), year=grid.year, scheme=grid.scheme)
            if current is not None:
                fresh.score = current.score  # a new decision keeps the score unless a new one is entered
            _apply(fresh, chosen, item, extras, actor, now, exception)
            fresh.version = 1
            new.append(fresh)
            if current is not None:
                replaced.append((current, fresh))
        elif current.status != RatingStatus.DECIDED:
            _apply(current, chosen, item, extras, actor, now, exception)
            updated.append(current)
        # else: the same decided level: locked, the proposals beside it are not rewritten
    return new, updated, replaced


def _write(grid: Grid, items: list[RowInput], chosen_by_key: dict, user, cap_exception_reason: str) -> dict:
    subject, model = grid.subject, grid.subject.model
    actor = user if user is not None and user.is_authenticated else None
    new, updated, replaced = _changes(grid, items, chosen_by_key, actor, cap_exception_reason)
    # Annul the replaced decisions first: the one-current-rating constraint allows one non-annulled row.
    for old, _fresh in replaced:
        old.status, old.annul_reason = RatingStatus.ANNULLED, _("Replaced by a new decision")
        old.version += 1
    if replaced:
        bulk_update_with_history([old for old, _f in replaced], model, ["status", "annul_reason", "version"],
                                 default_user=actor)
    if new:
        bulk_create_with_history(new, model, default_user=actor)
    if replaced:
        for old, fresh in replaced:
            old.replaced_by = fresh
        model.objects.bulk_update([old for old, _f in replaced], ["replaced_by"])
    if updated:
        bulk_update_with_history(updated, model, UPDATED_FIELDS + list(grid.extra_fields), default_user=actor)
    changed = new + updated
    if changed:
        emit(subject.event(grid.kind), years=[grid.year],
             organization_ids={getattr(r, f"{subject.org_field}_id") for r in changed} | {grid.decider.pk})
    return {"created": len(new), "updated": len(updated), "annulled": len(replaced)}


def _apply(rating, chosen, item: RowInput, extras: dict, actor, now, exception: str) -> None:
    if chosen["proposed_level"] is not None and rating.proposed_level != chosen["proposed_level"]:
        rating.proposed_by, rating.proposed_at = actor, now
    if chosen["decided_level"] is not None and rating.decided_level != chosen["decided_level"]:
        rating.decided_by, rating.decided_at = actor, now
    rating.self_level, rating.proposed_level, rating.decided_level = (
        chosen["self_level"], chosen["proposed_level"], chosen["decided_level"])
    rating.proposal_note = item.note or ""
    if item.score is not None:
        rating.score = item.score
    for fieldname, value in extras.items():
        if value is not None:
            setattr(rating, fieldname, value)
    rating.exception_reason = exception or ""
    rating.status = (RatingStatus.DECIDED if chosen["decided_level"] else RatingStatus.PROPOSED
                     if chosen["proposed_level"] else RatingStatus.DRAFT)
    rating.version = (rating.version or 0) + 1


# --- Re-rating -------------------------------------------------------------------------------------------

@transaction.atomic
def rating_rerate(*, rating, level_code: str, reason: str, user=None):
    """Annul a decided rating and record the new decision linked to it (both stay, the old one marked
    annulled): e.g. discipline decided later for that year's violation. Needs the deciding right."""
    subject = subject_of(rating)
    model = subject.model
    rating = model.objects.select_for_update().get(pk=rating.pk)
    if rating.status != RatingStatus.DECIDED:
        raise ValidationError(_("Only a decided rating is re-rated; change a proposal in the grid."))
    if user is not None and not user_can(user, subject.decide_perm, getattr(rating, subject.decider_field)):
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
    fresh = model(**{f: getattr(rating, f) for f in subject.rerate_copy}, year=rating.year, scheme=rating.scheme,
                  self_level=rating.self_level, proposed_level=rating.proposed_level,
                  proposal_note=rating.proposal_note, decided_level=level, decided_by=actor, score=rating.score,
                  decided_at=timezone.now(), decision_note=reason, status=RatingStatus.DECIDED)
    # The score stays; a level the score's band does not allow carries the re-rating's reason as its exception.
    band = score_band(list(rating.scheme.levels.all()), rating.score) if rating.score is not None else None
    if band is not None and band.rank != level.rank:
        fresh.exception_reason = reason
    fresh._history_user = actor
    fresh.save()
    rating.replaced_by = fresh
    rating.save(update_fields=["replaced_by"])
    emit(subject.event(getattr(rating, "kind", None)), years=[rating.year],
         organization_ids=[getattr(rating, f"{subject.org_field}_id"), getattr(rating, f"{subject.decider_field}_id")])
    return fresh


def member_rating_rerate(*, rating: MemberRating, level_code: str, reason: str, user=None) -> MemberRating:
    return rating_rerate(rating=rating, level_code=level_code, reason=reason, user=user)


def organization_rating_rerate(*, rating: OrganizationRating, level_code: str, reason: str,
                               user=None) -> OrganizationRating:
    return rating_rerate(rating=rating, level_code=level_code, reason=reason, user=user)


# --- Not rated for another reason -------------------------------------------------------------------------

def _not_rated_context(member: Member, year: int, user) -> tuple[Organization, Organization]:
    """The member's cell on the year's rating date and its grassroots organization, with the deciding right
    checked there (members' ratings, and so who is not rated, are decided at the grassroots organization)."""
    day = rating_date(year)
    period = MembershipPeriod.objects.on(day).filter(member=member).select_related("cell").first()
    if period is None:
        raise ValidationError(_("%(name)s was not in a party cell on %(day)s, the rating date of %(year)d.")
                              % {"name": member.full_name, "day": day.strftime("%d/%m/%Y"), "year": year})
    grassroots = grassroots_on(period.cell, day)
    if user is not None and not user_can(user, Perm.DECIDE_MEMBER_RATINGS, grassroots):
        raise PermissionDenied(MEMBERS.decide_only())
    return period.cell, grassroots


@transaction.atomic
def member_not_rated_record(*, member: Member, year: int, reason: str, user=None) -> MemberNotRated:
    """Record that ``member`` is not rated for ``year`` for a reason outside the rules' list. The member is
    then listed in the grid with the reason and left out of the cap and the denominators; recording again
    changes the reason. Refused when the rules already leave the member out, or when the member has a rating
    that year (clear or annul it first)."""
    cell, grassroots = _not_rated_context(member, year, user)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Write why the member is not rated.")})
    record = MemberNotRated.objects.select_for_update().filter(member=member, year=year).first()
    facts = member_facts([member.pk], year).get(member.pk, MemberFacts())
    if facts.not_rated and record is None:
        raise ValidationError(_("%(name)s is already not rated for %(year)d: %(reason)s.") % {
            "name": member.full_name, "year": year, "reason": NotRatedReason(facts.not_rated).label})
    current = MemberRating.objects.current().filter(member=member, year=year).first()
    if current is not None and (current.decided_level_id or current.proposed_level_id or current.self_level_id):
        raise ValidationError(_("%(name)s has a rating for %(year)d (%(status)s): clear its levels in the grid, or "
                                "re-rate a decided one, before recording that the member is not rated.")
                              % {"name": member.full_name, "year": year, "status": current.get_status_display()})
    actor = user if user is not None and user.is_authenticated else None
    if record is None:
        record = MemberNotRated(member=member, year=year)
    record.cell, record.reason, record.recorded_by = cell, reason, actor
    if actor is not None:
        record._history_user = actor
    record.save()
    emit("member_rating", organization_ids={cell.pk, grassroots.pk}, years=[year])
    return record


@transaction.atomic
def member_not_rated_remove(*, record: MemberNotRated, user=None) -> None:
    """The member is rated after all: the record goes (its history stays), the member is back in the grid."""
    record = MemberNotRated.objects.select_for_update().select_related("member").get(pk=record.pk)
    cell, grassroots = _not_rated_context(record.member, record.year, user)
    if user is not None and user.is_authenticated:
        record._history_user = user
    record.delete()
    emit("member_rating", organization_ids={cell.pk, grassroots.pk}, years=[record.year])


# --- Recognitions ------------------------------------------------------------------------------------------

# Which kinds of organization may hold a "four good" title: a cell (chi bộ) or a party committee (đảng bộ).
FOUR_GOOD_KINDS = {
    Recognition.FOUR_GOOD_CELL: CELL_KINDS,
    Recognition.FOUR_GOOD_COMMITTEE: frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE}),
}
# Since the 2018 review year, "trong sạch, vững mạnh (tiêu biểu)" is a commendation among organizations rated
# HTXS (RULES §1), not a level.
TSVM_TITLES = frozenset({Recognition.TSVM, Recognition.TSVM_TYPICAL})
TSVM_AMONG_HTXS_FROM = 2018


def recognition_check(*, organization: Organization, year: int, title: str) -> None:
    """Whether ``organization`` may hold ``title`` for ``year``; raises with the reason. The one check of the
    recognition pages and the service."""
    if title not in Recognition.values:
        raise ValidationError({"title": _("Choose a title.")})
    kinds = FOUR_GOOD_KINDS.get(title)
    if kinds is not None and organization.kind not in kinds:
        raise ValidationError({"organization": _("“%(title)s” is given to %(kinds)s; “%(org)s” is a %(kind)s.") % {
            "title": Recognition(title).label, "org": organization, "kind": organization.get_kind_display(),
            "kinds": ", ".join(str(OrgKind(k).label) for k in sorted(kinds))}})
    if year >= TSVM_AMONG_HTXS_FROM and title in TSVM_TITLES:
        rated = OrganizationRating.objects.decided().filter(
            kind=OrgRatingKind.PARTY_ORG, organization=organization, year=year, decided_level__code="HTXS").exists()
        if not rated:
            raise ValidationError({"organization": _(
                "Since 2018 “%(title)s” is chosen among organizations rated HTXS; “%(org)s” has no decided HTXS "
                "rating for %(year)d.") % {"title": Recognition(title).label, "org": organization, "year": year}})


def _recognition_require(user, organization: Organization) -> None:
    if user is not None and not user_can(user, Perm.DECIDE_ORG_RATINGS, organization):
        raise PermissionDenied(_("“%(org)s” is outside the organizations you may change.") % {"org": organization})


@transaction.atomic
def recognition_award(*, organization: Organization, year: int, title: str, decision: str = "",
                      deciding_body: Organization | None = None, user=None) -> RecognitionAward:
    """Record a title beside the level, for a year, by its deciding body; refused with the reason when the
    rules do not allow it (recognition_check) or the organization already holds it that year."""
    _recognition_require(user, organization)
    recognition_check(organization=organization, year=year, title=title)
    if RecognitionAward.objects.filter(organization=organization, year=year, title=title).exists():
        raise ValidationError(_("“%(org)s” already holds this title for %(year)d.")
                              % {"org": organization, "year": year})
    award = RecognitionAward(organization=organization, year=year, title=title, decision=(decision or "").strip(),
                             deciding_body=deciding_body)
    if user is not None and user.is_authenticated:
        award._history_user = user
    award.save()
    emit("organization_rating", organization_ids=[organization.pk], years=[year])
    return award


@transaction.atomic
def recognition_update(*, award: RecognitionAward, organization: Organization, year: int, title: str,
                       decision: str = "", deciding_body: Organization | None = None, user=None) -> RecognitionAward:
    locked = RecognitionAward.objects.select_for_update().select_related("organization").get(pk=award.pk)
    _recognition_require(user, locked.organization)
    _recognition_require(user, organization)
    recognition_check(organization=organization, year=year, title=title)
    same = RecognitionAward.objects.filter(organization=organization, year=year, title=title)
    if same.exclude(pk=locked.pk).exists():
        raise ValidationError(_("“%(org)s” already holds this title for %(year)d.")
                              % {"org": organization, "year": year})
    before = (locked.organization_id, locked.year)
    locked.organization, locked.year, locked.title = organization, year, title
    locked.decision, locked.deciding_body = (decision or "").strip(), deciding_body
    if user is not None and user.is_authenticated:
        locked._history_user = user
    locked.save()
    emit("organization_rating", organization_ids={before[0], organization.pk}, years={before[1], year})
    return locked
