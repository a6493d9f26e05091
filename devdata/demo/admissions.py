"""Demo admissions on top of the demo register (``python manage.py seed_demo``): every demo member who
joined with reason "admitted" becomes an admitted candidate linked to the member, with the stages before
the ceremony, two sponsors and the probation's outcome (full membership, struck off, or still pending —
one conversion recorded late); each active cell also gets candidates in progress at every stage, a few
of them stuck, and a few candidates no longer considered.

Deterministic: ``random.Random(seed)``, rows read in a fixed order; the pipeline is dated back from ``today``
(the demo's last day) and nothing is dated after it (a conversion not yet due is left pending). Fast: a handful
of reads and bulk inserts (with their audit rows)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from faker import Faker
from simple_history.utils import bulk_create_with_history

from members.admissions.choices import CandidateStatus, ProbationOutcome, StageCode
from members.admissions.models import AdmissionStage, Candidate, CandidateStage, Sponsor
from members.admissions.workdays import add_months
from members.register.choices import MembershipReason
from members.register.models import Member, MembershipPeriod
from organizations.choices import TCCSD_KINDS, Sector
from organizations.models import Organization

D = dt.date
# Days before the ceremony each stage was reached (the decision within 30 working days of the ceremony).
OFFSETS = {
    StageCode.OUTSTANDING: 420, StageCode.SYMPATHIZER: 360, StageCode.COURSE: 300, StageCode.APPLICATION: 120,
    StageCode.VERIFICATION: 95, StageCode.CELL_RESOLUTION: 60, StageCode.GRASSROOTS_RESOLUTION: 45,
    StageCode.DECISION: 21, StageCode.CEREMONY: 0,
}
ISSUERS = {
    StageCode.COURSE: "Trung tâm Chính trị", StageCode.VERIFICATION: "Chi bộ",
    StageCode.CELL_RESOLUTION: "Chi bộ", StageCode.GRASSROOTS_RESOLUTION: "Đảng ủy cơ sở",
    StageCode.DECISION: "Ban Thường vụ Đảng ủy",
}


def _doc(code: str, day: dt.date, n: int) -> dict:
    if code not in ISSUERS:
        return {}
    prefix = {"course": "GCN", "verification": "BC", "cell_resolution": "NQ", "grassroots_resolution": "NQ",
              "decision": "QĐ"}[code]
    return {"document_number": f"{n:03d}-{prefix}/{day.year}", "document_date": day, "issuer": ISSUERS[code]}


def seed_admissions(*, seed: int, today: dt.date | None = None, log: Callable[[str], None] | None = None) -> dict:
    log = log or (lambda message: None)
    today = today or dt.date.today()
    if Candidate.objects.exists():
        log("  admissions already present: skipped")
        return {"admitted": 0, "in_progress": 0}
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    stages = {s.code: s for s in AdmissionStage.objects.all()}

    # The TCCSĐ of every cell and its host unit's sector, from paths (one read).
    orgs = list(Organization.objects.order_by("path").values("pk", "path", "kind", "host_unit__sector",
                                                             "dissolved_on", "founded_on"))
    tccsd = [o for o in orgs if o["kind"] in TCCSD_KINDS]
    sector_of_path = {}
    for o in orgs:
        owner = next((t for t in tccsd if o["path"].startswith(t["path"])), None)
        sector_of_path[o["pk"]] = owner["host_unit__sector"] if owner else None

    # Sponsors: full members by cell (current cell; the sponsor must be full and in the party on the day).
    by_cell: dict[int, list[tuple]] = defaultdict(list)
    for row in Member.objects.order_by("pk").values_list("pk", "cell_id", "full_membership_date", "left_on"):
        if row[2] is not None:
            by_cell[row[1]].append(row)

    admitted = list(
        MembershipPeriod.objects.filter(start_reason=MembershipReason.ADMITTED)
        .order_by("member_id", "valid").select_related("member")
    )
    seen: set[int] = set()
    candidates: list[Candidate] = []
    plans: list[tuple[Candidate, dt.date, list[str]]] = []
    sponsor_rows: list[tuple[Candidate, int, dt.date]] = []
    late_done = False
    for period in admitted:
        member = period.member
        if member.pk in seen or member.admission_date is None:
            continue
        seen.add(member.pk)
        ceremony = member.admission_date
        sector = sector_of_path.get(period.cell_id)
        young = (ceremony - member.birth_date).days < 30 * 365
        outcome, decided = ProbationOutcome.PENDING, None
        if member.full_membership_date:
            outcome = ProbationOutcome.FULL
            decided = member.full_membership_date + dt.timedelta(days=rng.randint(3, 25))
            if not late_done and ceremony.year == 2023:
                decided = member.full_membership_date + dt.timedelta(days=61)  # the one late conversion
                late_done = True
        elif member.left_on and period.end_reason == MembershipReason.STRUCK_OFF:
            outcome, decided = ProbationOutcome.STRUCK_OFF, member.left_on
        if decided is not None and decided > today:  # the cell has not decided yet
            outcome, decided = ProbationOutcome.PENDING, None
        candidate = Candidate(
            cell_id=period.cell_id, full_name=member.full_name, gender=member.gender, birth_date=member.birth_date,
            ethnicity=member.ethnicity, religion=member.religion, job_title=member.job_title,
            youth_union=young and rng.random() < 0.7, trade_union=rng.random() < 0.6,
            worker=sector in (Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE) and rng.random() < 0.4,
            business_owner=sector == Sector.PRIVATE_ENTERPRISE and rng.random() < 0.1,
            private_enterprise=sector == Sector.PRIVATE_ENTERPRISE, outstanding=True,
            status=CandidateStatus.ADMITTED, member=member, admitted_on=ceremony, current_stage=stages["ceremony"],
            probation_outcome=outcome, probation_decided_on=decided,
            probation_decision=f"NQ chuyển chính thức {decided:%d/%m/%Y}" if outcome == ProbationOutcome.FULL else "",
        )
        candidates.append(candidate)
        plans.append((candidate, ceremony, list(OFFSETS)))
        pool = [r for r in by_cell.get(period.cell_id, []) if r[0] != member.pk
                and r[2] <= ceremony - dt.timedelta(days=OFFSETS[StageCode.APPLICATION])
                and (r[3] is None or r[3] > ceremony)]
        for sponsor in rng.sample(pool, min(2, len(pool))):
            sponsor_rows.append((candidate, sponsor[0], ceremony - dt.timedelta(days=OFFSETS[StageCode.APPLICATION])))

    # Candidates still in the pipeline (or dropped) in every cell active today, their stages dated back from it.
    in_progress = 0
    codes = [c for c in OFFSETS if c != StageCode.CEREMONY]
    for o in orgs:
        if o["kind"] not in ("grassroots_cell", "sub_cell") or (o["dissolved_on"] is not None
                                                                and o["dissolved_on"] <= today):
            continue
        sector = sector_of_path.get(o["pk"])
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            reached = rng.randint(0, len(codes) - 1)
            stuck = rng.random() < 0.15
            last = today - dt.timedelta(days=rng.randint(200, 400) if stuck else rng.randint(5, 150))
            # The stages reached, dated back from the latest so the order holds.
            base = last + dt.timedelta(days=OFFSETS[codes[reached]])
            gender = "female" if rng.random() < 0.5 else "male"
            birth = last - dt.timedelta(days=int(rng.uniform(19.0, 34.0) * 365.25))
            ethnicity = "Khmer" if rng.random() < 0.06 else "Kinh"
            candidate = Candidate(
                cell_id=o["pk"], full_name=fake.name_female() if gender == "female" else fake.name_male(),
                gender=gender, birth_date=birth, ethnicity=ethnicity,
                youth_union=rng.random() < 0.6, trade_union=rng.random() < 0.5,
                worker=sector in (Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE) and rng.random() < 0.4,
                business_owner=sector == Sector.PRIVATE_ENTERPRISE and rng.random() < 0.1,
                private_enterprise=sector == Sector.PRIVATE_ENTERPRISE, outstanding=True,
                status=CandidateStatus.WITHDRAWN if stuck and rng.random() < 0.3 else CandidateStatus.IN_PROGRESS,
                current_stage=stages[codes[reached]],
                planned_consideration_date=add_months(last, 2) if reached < codes.index("cell_resolution") else None,
            )
            candidates.append(candidate)
            plans.append((candidate, base, codes[:reached + 1]))
            in_progress += 1

    created = bulk_create_with_history(candidates, Candidate, batch_size=2000)
    by_key = {id(c): c for c in candidates}
    # bulk_create on PostgreSQL sets the primary keys on the objects passed in, in order.
    for original, saved in zip(candidates, created):
        if original.pk is None:
            original.pk = saved.pk
    stage_rows = []
    for n, (candidate, base, reached) in enumerate(plans, start=1):
        for code in reached:
            day = base - dt.timedelta(days=OFFSETS[code])
            stage_rows.append(CandidateStage(candidate=by_key[id(candidate)], stage=stages[code], date=day,
                                             note="", **_doc(code, day, n % 997 + 1)))
    bulk_create_with_history(stage_rows, CandidateStage, batch_size=5000)
    bulk_create_with_history([Sponsor(candidate=c, member_id=m, date=d, worked_12_months=True)
                              for c, m, d in sponsor_rows], Sponsor, batch_size=5000)
    result = {"admitted": len(seen), "in_progress": in_progress}
    log(f"  admissions: {result['admitted']} admitted candidates linked, {in_progress} in the pipeline")
    return result
