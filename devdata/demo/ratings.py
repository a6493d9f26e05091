"""Demo ratings 2021–2025 for every demo organization and member, made through the rating services so
that every rule holds (the cap, exclusions, forced levels), with a few realistic cases: a member
disciplined for a 2023 violation, exempted members and members admitted late in the year (left
unrated by the rules), and one grassroots organization that records a cap exception."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from members.ratings.choices import OrgRatingKind
from members.ratings.rules import rating_date
from members.ratings.services import (
    RowInput,
    member_grid,
    member_ratings_save,
    organization_grid,
    organization_ratings_save,
)
from members.register.models import Member
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization, OrganizationPlacement

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


def seed_ratings(*, seed: int, years=range(2021, 2026), log: Callable[[str], None] | None = None) -> dict:
    rng = random.Random(f"ratings:{seed}")
    totals = {"member": 0, "organization": 0}
    _discipline_one_member(rng)
    exception_done = False
    for year in years:
        day = rating_date(year)
        placements = OrganizationPlacement.objects.on(day)
        tccsd = Organization.objects.filter(pk__in=placements.filter(kind__in=TCCSD_KINDS)
                                            .values("organization_id")).order_by("path")
        for org in tccsd:
            grid = member_grid(organization=org, year=year)
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
                member_ratings_save(organization=org, year=year, rows=rows, user=None, grid_version=grid.version,
                                    cap_exception_reason=reason)
                totals["member"] += len(rows)
        committees = Organization.objects.filter(pk__in=placements.filter(kind__in=COMMITTEES)
                                                 .values("organization_id")).order_by("path")
        for committee in committees:
            for kind in (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP, OrgRatingKind.MASS_ORG, OrgRatingKind.UNIT):
                if kind in (OrgRatingKind.MASS_ORG, OrgRatingKind.UNIT) and committee.kind not in (
                        OrgKind.DIRECT, OrgKind.PROVINCIAL):
                    continue  # mass organizations and units are rated at bloc level in the demo
                grid = organization_grid(committee=committee, kind=kind, year=year)
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
                organization_ratings_save(committee=committee, kind=kind, year=year, rows=rows, user=None,
                                          grid_version=grid.version)
                totals["organization"] += len(rows)
        if log:
            log(f"ratings {year}: {totals}")
    return totals


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
