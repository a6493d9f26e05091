"""Demo ratings for every demo organization and member from 2021 to the last year whose rating day (15
December) has passed by ``today``, made through the rating engine's reading and validation so that every rule
holds (the cap, exclusions, forced levels), with a few realistic cases: a member disciplined for a 2023
violation, exempted members and members admitted late in the year (left unrated by the rules), and one
grassroots organization that records a cap exception. The year whose rating day is still ahead is open: from
November some cells have proposed levels, nothing is decided.

Fast: the grids of a year are read together (``member_grids`` / ``organization_grids``: the rows each grid page
shows, in a constant number of queries), their rows validated as a save would (``grid_new_ratings``), and the
ratings of a whole year inserted at once with their history rows; the grids of one year never share a deciding
organization, so the cap sees the same ratings as grid-by-grid saves."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from devdata.demo.bulk import insert_with_history
from members.ratings.choices import OrgRatingKind
from members.ratings.models import MemberRating, OrganizationRating
from members.ratings.rules import rating_date
from members.ratings.services import (
    RowInput,
    grid_new_ratings,
    member_grids,
    organization_grids,
)
from members.register.models import Member
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization, OrganizationPlacement

FIRST_YEAR = 2021
# From this month of the open year the cells propose their members' levels (the rating season).
PROPOSALS_FROM_MONTH = 11
PROPOSING_SHARE = 0.6

LEVELS = ["HTXS", "HTT", "HT", "KHT"]
MEMBER_WEIGHTS = [0.15, 0.68, 0.15, 0.02]
ORG_WEIGHTS = [0.16, 0.68, 0.14, 0.02]
SCORE_RANGES = {"HTXS": (90, 98), "HTT": (70, 89), "HT": (50, 69), "KHT": (30, 49)}
COMMITTEES = [OrgKind.PROVINCIAL, OrgKind.DIRECT, OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE]
CAP_EXCEPTION = "Đơn vị được Ban Thường vụ cho phép vượt tỷ lệ do có thành tích đột xuất (Kết luận số 15-KL/ĐUK)"


def _capped(rng: random.Random, rows: list, weights: list[float], fixed: dict) -> dict:
    """Draw a level for each row (by index), then lower HTXS to HTT until HTXS <= 20% of HTT."""
    levels = {i: fixed.get(i) or rng.choices(LEVELS, weights)[0] for i in range(len(rows))}
    top = [i for i in levels if levels[i] == "HTXS" and i not in fixed]
    while sum(1 for v in levels.values() if v == "HTXS") * 5 > sum(1 for v in levels.values() if v == "HTT") and top:
        levels[top.pop()] = "HTT"
    return levels


def _score(rng, level, has_score):
    if not has_score:
        return None
    low, high = SCORE_RANGES[level]
    return Decimal(rng.randint(low, high))


def rated_years(today: dt.date) -> range:
    """The years whose ratings are decided by ``today``: those whose rating day has passed."""
    return range(FIRST_YEAR, today.year + 1 if rating_date(today.year) <= today else today.year)


def open_year(today: dt.date) -> int:
    """The rating year still open on ``today``: this year until its rating day, then the next."""
    return today.year if rating_date(today.year) > today else today.year + 1


def seed_ratings(*, seed: int, today: dt.date | None = None, years=None,
                 log: Callable[[str], None] | None = None) -> dict:
    today = today or dt.date.today()
    rng = random.Random(f"ratings:{seed}")
    totals = {"member": 0, "organization": 0, "proposed": 0}
    _discipline_one_member(rng)
    exception_done = False
    for year in rated_years(today) if years is None else years:
        day = rating_date(year)
        placements = OrganizationPlacement.objects.on(day)
        tccsd = list(Organization.objects.filter(pk__in=placements.filter(kind__in=TCCSD_KINDS)
                                                 .values("organization_id")).order_by("path"))
        new_members = []
        for grid in member_grids(organizations=tccsd, year=year):
            rated = [row for row in grid.rows if row.rated]
            fixed = {i: "KHT" for i, row in enumerate(rated) if row.facts.disciplined}
            fixed.update({i: rng.choice(["HT", "HT", "HT", "KHT"]) for i, row in enumerate(rated)
                          if row.facts.long_sick_leave and i not in fixed})
            levels = _capped(rng, rated, MEMBER_WEIGHTS, fixed)
            reason = ""
            if not exception_done and len(rated) >= 30 and year == 2024:
                # One realistic exception: a unit allowed one HTXS over the cap, with the reason recorded.
                spare = next((i for i in levels if levels[i] == "HTT" and i not in fixed), None)
                if spare is not None:
                    levels[spare], reason, exception_done = "HTXS", CAP_EXCEPTION, True
            rows = [RowInput(key=row.key, self_level=levels[i], proposed_level=levels[i],
                             decided_level=levels[i], score=_score(rng, levels[i], grid.scheme.has_score))
                    for i, row in enumerate(rated)]
            if rows:
                new_members += grid_new_ratings(grid, rows, cap_exception_reason=reason)
        insert_with_history(MemberRating, new_members)
        totals["member"] += len(new_members)
        committees = list(Organization.objects.filter(pk__in=placements.filter(kind__in=COMMITTEES)
                                                      .values("organization_id")).order_by("path"))
        kinds = (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP, OrgRatingKind.MASS_ORG, OrgRatingKind.UNIT)
        # Mass organizations and units are rated at bloc level in the demo.
        raters = {kind: [c for c in committees if kind not in (OrgRatingKind.MASS_ORG, OrgRatingKind.UNIT)
                         or c.kind in (OrgKind.DIRECT, OrgKind.PROVINCIAL)] for kind in kinds}
        grids = {(kind, grid.decider.pk): grid for kind in kinds
                 for grid in organization_grids(committees=raters[kind], kind=kind, year=year)}
        new_orgs = []
        for committee in committees:
            for kind in kinds:
                grid = grids.get((kind, committee.pk))
                if grid is None:
                    continue
                rated = [row for row in grid.rows if row.rated]
                if not rated:
                    continue
                fixed = {i: "KHT" for i, row in enumerate(rated) if row.facts.forced}
                levels = _capped(rng, rated, ORG_WEIGHTS, fixed)
                rows = [RowInput(key=row.key, proposed_level=levels[i], decided_level=levels[i],
                                    score=_score(rng, levels[i], grid.scheme.has_score),
                                    **({"fulfilled_plan": rng.random() < 0.93, "security_safe": rng.random() < 0.97,
                                        "cultural_standard": rng.random() < 0.9} if kind == OrgRatingKind.UNIT else {}))
                        for i, row in enumerate(rated)]
                new_orgs += grid_new_ratings(grid, rows)
        insert_with_history(OrganizationRating, new_orgs)
        totals["organization"] += len(new_orgs)
        if log:
            log(f"ratings {year}: {totals}")
    if years is None:
        totals["proposed"] = _proposals(random.Random(f"ratings:{seed}:open"), today)
        if log:
            log(f"ratings {open_year(today)} (open): {totals['proposed']} proposed, none decided")
    return totals


def _proposals(rng: random.Random, today: dt.date) -> int:
    """The open year in the rating season: some grassroots organizations have their cells' proposals in
    (self-assessment and proposed level, no decision yet); earlier in the year nothing is rated."""
    year = open_year(today)
    if year != today.year or today.month < PROPOSALS_FROM_MONTH:
        return 0
    placements = OrganizationPlacement.objects.on(today)
    tccsd = Organization.objects.filter(pk__in=placements.filter(kind__in=TCCSD_KINDS)
                                        .values("organization_id")).order_by("path")
    proposing = [org for org in tccsd if rng.random() < PROPOSING_SHARE]
    proposed = []
    for grid in member_grids(organizations=proposing, year=year):
        rated = [row for row in grid.rows if row.rated]
        levels = _capped(rng, rated, MEMBER_WEIGHTS, {i: "KHT" for i, row in enumerate(rated)
                                                      if row.facts.disciplined})
        rows = [RowInput(key=row.key, self_level=levels[i], proposed_level=levels[i]) for i, row in enumerate(rated)]
        if rows:
            proposed += grid_new_ratings(grid, rows)
    insert_with_history(MemberRating, proposed)
    return len(proposed)


def _discipline_one_member(rng: random.Random) -> None:
    """A member of the Lâm Đồng-style bloc reprimanded in 2024 for a 2023 violation: rated KHT for 2023."""
    from inspections.models import Discipline

    bloc = Organization.objects.filter(code="DBK-CQ").first()
    if bloc is None:
        return
    member = (Member.objects.under_on(bloc, dt.date(2023, 12, 15)).filter(full_membership_date__lte=dt.date(2023, 1, 1))
              .order_by("citizen_id").first())
    if member is None:
        return
    grassroots = member.cell.grassroots() or member.cell
    Discipline.objects.create(member=member, form="reprimand", violation_year=2023, decision_number="12-QĐ/ĐU",
                              decision_date=dt.date(2023, 11, 20), deciding_body=grassroots,
                              scope_path=member.cell.path)
