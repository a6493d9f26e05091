"""Demo inspections, supervision and discipline from 2021 to ``today`` (nothing finished or decided after it),
on the register and ratings already loaded (called by seed_demo after devdata.demo.ratings.seed_ratings).
Shares follow seed 000's targets — 30–35% of members and of chi bộ trực thuộc inspected each year, ≥ 25% of
TCCSĐ under Điều 30 over the term — with some years short of target. Inspections are bulk-inserted;
discipline goes through the service (one case decided in 2025 for a 2024 violation, which re-rates the
already decided 2024 rating)."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable

from simple_history.utils import bulk_create_with_history

from inspections.choices import Activity, Conclusion, FollowUp, InspectionKind
from inspections.coverage import member_coverage, sub_cell_coverage, tccsd_coverage, term_period, year_period
from inspections.models import Inspection
from inspections.services import discipline_record
from members.ratings.models import MemberRating
from members.register.models import Member, MembershipPeriod
from organizations.choices import TCCSD_KINDS, OrgKind
from organizations.models import Organization, OrganizationPlacement

FIRST_YEAR = 2021
# Shares aimed at each year; 2022 (members) and 2023/2025 (cells) fall short of 30% on purpose.
MEMBER_SHARE = {2021: 0.33, 2022: 0.27, 2023: 0.34, 2024: 0.32, 2025: 0.31}
SUB_CELL_SHARE = {2021: 0.32, 2022: 0.34, 2023: 0.26, 2024: 0.33, 2025: 0.28}
LATER_SHARE = 0.32  # the years after 2025
TCCSD_TERM_SHARE = 0.28
CONCLUSIONS = [Conclusion.NO_SHORTCOMING] * 14 + [Conclusion.SHORTCOMINGS] * 5 + [Conclusion.VIOLATION]
TEXT = {
    Conclusion.NO_SHORTCOMING: "Chấp hành tốt Điều lệ Đảng, nghị quyết, chỉ thị; không có khuyết điểm.",
    Conclusion.SHORTCOMINGS: "Còn hạn chế trong việc thực hiện nhiệm vụ được giao; cần rút kinh nghiệm.",
    Conclusion.VIOLATION: "Có vi phạm trong việc thực hiện quy định về những điều đảng viên không được làm.",
}


def _day(rng, year) -> dt.date:
    return dt.date(year, rng.randint(2, 10), rng.randint(1, 28))


def _record(rng, *, year, body, kind, article, number, activity=Activity.INSPECTION) -> Inspection:
    decided = _day(rng, year)
    conclusion = rng.choice(CONCLUSIONS)
    follow = FollowUp.NONE if conclusion == Conclusion.NO_SHORTCOMING else rng.choice([FollowUp.DONE, FollowUp.DONE,
                                                                                       FollowUp.IN_PROGRESS])
    start = decided + dt.timedelta(days=rng.randint(3, 20))
    return Inspection(
        activity=activity, kind=kind, conducting_body=body, charter_article=article, decision_number=number,
        decision_date=decided, period_start=dt.date(year - 1, 1, 1), period_end=dt.date(year - 1, 12, 31),
        start_date=start, end_date=start + dt.timedelta(days=rng.randint(10, 45)), conclusion=conclusion,
        conclusion_text=TEXT[conclusion], recommendations="" if follow == FollowUp.NONE else
        "Kiểm điểm, rút kinh nghiệm và báo cáo kết quả khắc phục.", follow_up=follow,
        follow_up_due=start + dt.timedelta(days=90) if follow != FollowUp.NONE else None,
        follow_up_done_on=start + dt.timedelta(days=80) if follow == FollowUp.DONE else None)


def seed_inspections(*, seed: int, today: dt.date | None = None, log: Callable[[str], None] | None = None) -> dict:
    today = today or dt.date.today()
    years = range(FIRST_YEAR, today.year + 1)
    started = time.perf_counter()
    say = log or (lambda _msg: None)
    rng = random.Random(f"inspections:{seed}")
    roots = list(Organization.objects.filter(depth=1).order_by("path"))
    orgs = {o.pk: o for o in Organization.objects.all()}
    records: list[Inspection] = []
    member_links: list[tuple[int, int]] = []  # (record index, member id)
    org_links: list[tuple[int, int]] = []

    def add(record, members=(), organizations=()):
        records.append(record)
        member_links.extend((len(records) - 1, m) for m in members)
        org_links.extend((len(records) - 1, o) for o in organizations)

    for year in years:
        mid = min(dt.date(year, 6, 30), today)
        placements = list(OrganizationPlacement.objects.on(mid).values_list("organization_id", "path", "kind"))
        by_path = {path: org_id for org_id, path, _kind in placements}
        step = Organization.steplen
        # Members: cells inspect their own members (Điều 30), a share of each cell's members on 30/06.
        by_cell = defaultdict(list)
        for member_id, cell_id in MembershipPeriod.objects.on(mid).values_list("member_id", "cell_id").order_by("id"):
            by_cell[cell_id].append(member_id)
        n = 0
        for cell_id in sorted(by_cell):
            members = by_cell[cell_id]
            chosen = rng.sample(members, math.floor(len(members) * MEMBER_SHARE.get(year, LATER_SHARE) + rng.random()))
            if not chosen:
                continue
            n += 1
            add(_record(rng, year=year, body=orgs[cell_id], kind=InspectionKind.TASKS, article="30",
                        number=f"{n:02d}-QĐ/CB"), members=chosen)
            if rng.random() < 0.3:  # some of them supervised again: counted once
                add(_record(rng, year=year, body=orgs[cell_id], kind=InspectionKind.REGULAR_SUPERVISION,
                            article="30", number=f"{n:02d}-GS/CB", activity=Activity.SUPERVISION),
                    members=chosen[: max(1, len(chosen) // 3)])
        # Chi bộ trực thuộc: inspected by their đảng ủy cơ sở.
        sub_cells = [(org_id, path) for org_id, path, kind in placements if kind == OrgKind.SUB_CELL]
        share = SUB_CELL_SHARE.get(year, LATER_SHARE)
        for i, (org_id, path) in enumerate(rng.sample(sub_cells, round(len(sub_cells) * share))):
            parent = by_path.get(path[:-step])
            if parent is None:
                continue
            add(_record(rng, year=year, body=orgs[parent], kind=rng.choice([InspectionKind.TASKS,
                                                                            InspectionKind.FINANCE]),
                        article="30", number=f"{i + 1:02d}-QĐ/ĐU"), organizations=[org_id])
    # TCCSĐ over the 2020–2025 term: by the committee above, under Điều 30, spread over the years.
    start, end = term_period(2020, 2025)
    term_tccsd = sorted(set(OrganizationPlacement.objects.filter(kind__in=TCCSD_KINDS, valid__overlap=(start, end))
                            .values_list("organization_id", flat=True)))
    for i, org_id in enumerate(rng.sample(term_tccsd, math.ceil(len(term_tccsd) * TCCSD_TERM_SHARE))):
        year = rng.choice([y for y in years if y <= 2025])
        placement = OrganizationPlacement.objects.on(dt.date(year, 6, 30)).filter(organization_id=org_id).first()
        if placement is None:
            continue
        parent = (OrganizationPlacement.objects.on(dt.date(year, 6, 30))
                  .filter(path=placement.path[:-Organization.steplen]).first())
        if parent is None:
            continue
        supervision = rng.random() < 0.4
        add(_record(rng, year=year, body=orgs[parent.organization_id], article="30", number=f"{i + 1:02d}-QĐ/UBKT",
                    kind=InspectionKind.THEMATIC_SUPERVISION if supervision else InspectionKind.TASKS,
                    activity=Activity.SUPERVISION if supervision else Activity.INSPECTION), organizations=[org_id])
    # A few under Điều 32 (signs of violation), which LD-5c does not count.
    for i, org_id in enumerate(rng.sample(term_tccsd, min(3, len(term_tccsd)))):
        placement = OrganizationPlacement.objects.filter(organization_id=org_id).order_by("valid").first()
        parent = OrganizationPlacement.objects.filter(path=placement.path[:-Organization.steplen],
                                                      valid__overlap=placement.valid).first()
        if parent is not None:
            add(_record(rng, year=2024, body=orgs[parent.organization_id], article="32",
                        kind=InspectionKind.VIOLATION_SIGNS, number=f"{i + 1:02d}-QĐ/UBKT-32"),
                organizations=[org_id])

    # Nothing after today: an inspection not finished by then is not recorded yet, a follow-up not done yet is
    # still in progress (its due date may lie ahead).
    keep = [i for i, record in enumerate(records) if record.end_date <= today]
    renumber = {old: new for new, old in enumerate(keep)}
    records = [records[i] for i in keep]
    member_links = [(renumber[i], m) for i, m in member_links if i in renumber]
    org_links = [(renumber[i], o) for i, o in org_links if i in renumber]
    for record in records:
        if record.follow_up_done_on is not None and record.follow_up_done_on > today:
            record.follow_up, record.follow_up_done_on = FollowUp.IN_PROGRESS, None
    # Scope: the subject's current organization path (the member's cell), as the service sets it.
    cell_of = dict(Member.objects.filter(pk__in={m for _i, m in member_links}).values_list("pk", "cell_id"))
    subject_path: dict[int, str] = {}
    for index, member_id in member_links:
        subject_path.setdefault(index, orgs[cell_of[member_id] or records[index].conducting_body_id].path)
    for index, org_id in org_links:
        subject_path.setdefault(index, orgs[org_id].path)
    for index, record in enumerate(records):
        record.scope_path = subject_path[index]
    saved = bulk_create_with_history(records, Inspection, batch_size=2000)
    through_m, through_o = Inspection.members.through, Inspection.organizations.through
    through_m.objects.bulk_create([through_m(inspection_id=saved[i].pk, member_id=m) for i, m in member_links],
                                  batch_size=5000)
    through_o.objects.bulk_create([through_o(inspection_id=saved[i].pk, organization_id=o) for i, o in org_links],
                                  batch_size=5000)
    disciplines = _disciplines(rng, today)
    for root in roots:
        for year in years:
            m, c = member_coverage(root, *year_period(year)), sub_cell_coverage(root, *year_period(year))
            say(f"  {root.name} {year}: members {m.share}% ({m.covered}/{m.total}), "
                f"sub-cells {c.share}% ({c.covered}/{c.total})")
        t = tccsd_coverage(root, start, end, article="30")
        say(f"  {root.name} 2020–2025: TCCSĐ under Điều 30 {t.share}% ({t.covered}/{t.total})")
    say(f"  inspections: {len(records)} records, {len(member_links)} member subjects, {disciplines} disciplines "
        f"in {time.perf_counter() - started:.1f} s")
    return {"inspections": len(records), "disciplines": disciplines}


def _grassroots(cell: Organization) -> Organization:
    """The TCCSĐ of a cell today: itself, or its parent for a chi bộ trực thuộc."""
    return cell if cell.kind in TCCSD_KINDS else Organization.objects.get(path=cell.path[:-Organization.steplen])


def _disciplines(rng, today: dt.date) -> int:
    """A handful of cases through the service. Same-year cases take members already rated KHT that year
    (the discipline was known at the rating); one is decided in 2025 for a 2024 violation of a member
    rated HTT, so the 2024 rating is annulled and re-rated KHT."""
    count = 0

    def pick(year, level, **member_filter):
        ids = list(MemberRating.objects.decided().filter(year=year, decided_level__code=level,
                                                         member__left_on__isnull=True, **member_filter)
                   .exclude(member__disciplines__isnull=False).order_by("member_id").values_list("member_id",
                                                                                                 flat=True))
        return Member.objects.select_related("cell").get(pk=rng.choice(ids)) if ids else None

    cases = [
        (2022, "KHT", "reprimand", dt.date(2022, 9, 12), {}),
        (2023, "KHT", "warning", dt.date(2023, 10, 5), {}),
        (2025, "KHT", "expulsion", dt.date(2025, 11, 20), {}),
        (2024, "HTT", "reprimand", dt.date(2025, 3, 18), {}),  # found a year later: re-rates 2024
    ]
    for n, (year, level, form, day, extra) in enumerate(cases, start=1):
        if day > today:
            continue
        member = pick(year, level, **extra)
        if member is None or member.cell is None:
            continue
        if form == "expulsion" and (member.full_membership_date is None or member.full_membership_date > day):
            form = "warning"
        discipline_record(member=member, form=form, violation_year=year, decision_number=f"{n + 10}-QĐ/UBKT",
                          decision_date=day, deciding_body=_grassroots(member.cell))
        count += 1
    # A chi bộ reprimanded (not its leadership collective: its rating is not forced).
    cell = Organization.objects.filter(kind=OrgKind.SUB_CELL, dissolved_on__isnull=True).order_by("path").first()
    if cell is not None:
        discipline_record(organization=cell, form="reprimand", violation_year=2023, decision_number="21-QĐ/ĐU",
                          decision_date=dt.date(2023, 11, 2), deciding_body=_grassroots(cell))
        count += 1
    return count
