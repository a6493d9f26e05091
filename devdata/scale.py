"""Scale tiers (DESIGN §6) for the benchmarks: a synthetic party committee of a chosen size under a root of
its own (code ``SCALE-BLOC`` / ``SCALE-PROVINCE`` / ``SCALE-CAPITAL``), so it can sit beside the demo.

    tier      TCCSĐ   cells     members   attendance rows per year
    bloc         68     300       2,712      ~33,000
    province  1,500  15,000     150,000    ~1.8 M
    capital   2,500  25,000     500,000    ~6 M

For every year asked (default the last two whole years, 2024 and 2025): monthly regular meetings of every
cell (about 3 % of months missed), a forum for 40 % of cells, attendance of every member expected (from
the membership periods), upper-level attendees, member and organization ratings (party organizations,
mass organizations, host units), inspections naming members, sub cells and TCCSĐ, admissions (candidates
admitted, who are members from the ceremony), reported figures and registered exemplars; plus a copy of
the LD targets and a few MEET/ADM ones in a resolution scoped to the tier's root, so the engine has work.
The dated history is real: about 1 % of sub cells move to another đảng bộ cơ sở on 1 July of the last
year (two placements), members move between cells and leave during the years, some are exempted,
suspended or on special duty.

How it is fast. Nothing goes through the services (which check and audit one row at a time): the
generator reserves blocks of ids from each table's sequence, computes treebeard paths itself (4-character
base-36 steps, ``ALPHABET`` as treebeard's ``MP_Node.alphabet``), writes organizations, placements,
members, periods, organization ratings and inspections with PostgreSQL ``COPY`` from in-memory buffers,
and the big tables (meetings, attendance, member ratings, inspected members) with ``INSERT … SELECT``
statements that join to the membership periods. Per-row draws in SQL are ``hashint8`` of stable ordinals
(position of the member / cell in the tier, the date) XOR a salt from the seed, so the data set is a pure
function of (tier, seed, years), whatever ids the database hands out.

What it skips, on purpose: the audit trail (no django-simple-history rows), ``OrganizationEvent`` rows and
change events (nothing is queued: the benchmark recomputes explicitly), committee positions, candidate
stages and sponsors. ``--drop`` removes a tier's data (not the few history rows a benchmark's re-rating
writes through the services)."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from core.bulk import copy_rows, defaults_for
from organizations.choices import OrgKind, Sector

D = dt.date
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard MP_Node.alphabet
STEPLEN = 4  # Organization.steplen
FOUNDED = D(2015, 1, 1)  # every scale organization exists from this day
HISTORY_START = D(2015, 1, 1)  # membership periods are recorded from this day


@dataclass(frozen=True)
class Tier:
    key: str
    code: str  # the root organization's code; also the resolution's code (prefix of its target codes)
    name: str
    directs: int  # committees directly under the root (blocs, districts)
    tccsd: int  # grassroots organizations (đảng bộ cơ sở + chi bộ cơ sở)
    committees: int  # of which đảng bộ cơ sở (with sub cells)
    cells: int  # chi bộ: chi bộ cơ sở + chi bộ trực thuộc
    members: int
    origin: str  # 3-digit "province of birth" of citizen ids: 097–099 are no real province (demo: 001–096)


TIERS = {
    "bloc": Tier("bloc", "SCALE-BLOC", "Đảng bộ Quy mô Khối", 1, 68, 34, 300, 2_712, "097"),
    "province": Tier("province", "SCALE-PROVINCE", "Tỉnh ủy Quy mô Tỉnh", 15, 1_500, 700, 15_000, 150_000, "098"),
    "capital": Tier("capital", "SCALE-CAPITAL", "Thành ủy Quy mô Thủ đô", 30, 2_500, 1_200, 25_000, 500_000, "099"),
}
DEFAULT_YEARS = (2024, 2025)

# The targets copied into the tier's resolution: every LD target (TARGETS.md, Lâm Đồng) and the meeting and
# admission measures of other documents, so that every metric family with records here has work.
COPIED_TARGETS = ["LD-1a", "LD-1b", "LD-2a", "LD-2b", "LD-3a", "LD-3b", "LD-4a", "LD-4b", "LD-4c", "LD-4d", "LD-4e",
                  "LD-4f", "LD-5a", "LD-5b", "LD-5c", "LD-6", "LD-7a", "LD-7b",
                  "QT-4a", "QT-4b", "QT-4c", "QT-5", "QT-6", "KT-5", "KH-5"]


def tier_target_code(tier: Tier, code: str) -> str:
    return f"{tier.code}-{code}"


# ------------------------------------------------------------------------------------------ treebeard paths

def path_step(number: int) -> str:
    """One path step as treebeard writes it: ``number`` in base 36, left-padded with "0" to STEPLEN."""
    if number <= 0:
        raise ValueError("path steps start at 1")
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    if len(digits) > STEPLEN:
        raise ValueError("too many children for one node")
    return digits.rjust(STEPLEN, ALPHABET[0])


def step_number(step: str) -> int:
    return int(step, 36)


# ------------------------------------------------------------------------------------------ COPY helpers
# (core.bulk: the targets engine writes its attainment rows with the same COPY)

def reserve_ids(model, count: int) -> int:
    """Reserve ``count`` consecutive ids of ``model``'s identity column; returns the first. The table is
    locked against other writers until the transaction ends, so nobody takes an id in between."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cur.fetchone()[0]
        cur.execute("SELECT nextval(%s)", [sequence])
        first = cur.fetchone()[0]
        if count > 1:
            cur.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def insert_select(model, columns: Sequence[str], select_sql: str, params: dict) -> int:
    """``INSERT INTO table (columns + defaulted columns) SELECT <select_sql's columns>, <defaults>``:
    ``select_sql`` must be ``SELECT <exprs for columns> FROM …`` with ``{defaults}`` where the defaulted
    columns' values go (``, %(d_0)s, …``)."""
    extra = defaults_for(model, columns)
    names = list(columns) + list(extra)
    placeholders = "".join(f", %(_d{i})s" for i in range(len(extra)))
    params = {**params, **{f"_d{i}": v for i, v in enumerate(extra.values())}}
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) " + select_sql.format(defaults=placeholders)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


# ------------------------------------------------------------------------------------------ the plan

@dataclass
class Org:
    ord: int
    kind: str
    name: str
    parent: Org | None
    path: str = ""
    children: int = 0  # children ever numbered (the next step), for paths
    id: int = 0
    old_path: str = ""  # before the move, for a moved sub cell
    old_parent: Org | None = None
    host_unit: int | None = None

    @property
    def depth(self) -> int:
        return len(self.path) // STEPLEN

    def tccsd(self, when: str = "now") -> Org:
        """The grassroots organization of a cell (itself for a chi bộ cơ sở), before or after a move."""
        if self.kind == OrgKind.SUB_CELL:
            return self.old_parent if when == "old" and self.old_parent else self.parent
        return self


@dataclass
class PlannedMember:
    ord: int
    id: int
    cell: Org
    start: dt.date
    start_reason: str
    admitted_in: int | None = None  # year of the ceremony for members admitted during the tier's years
    move: tuple[dt.date, Org] | None = None
    leave: tuple[dt.date, str] | None = None


@dataclass
class ScaleResult:
    tier: str
    seed: int
    years: list[int]
    counts: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)
    seconds: float = 0.0


class ScaleBuilder:
    def __init__(self, tier: Tier, *, seed: int = 1, years: Sequence[int] = DEFAULT_YEARS,
                 log: Callable[[str], None] | None = None):
        self.tier = tier
        self.seed = seed
        self.years = sorted({int(y) for y in years})
        if not self.years:
            raise ValueError("at least one year")
        self.first_day = D(self.years[0], 1, 1)
        self.last_day = D(self.years[-1], 12, 31)
        self.move_day = D(self.years[-1], 7, 1)
        self.rng = random.Random(f"scale:{tier.key}:{seed}")
        # The salt of SQL draws: hashint8(key # salt) gives every (seed, key) its own number.
        self.salt = random.Random(f"scale-salt:{tier.key}:{seed}").getrandbits(62)
        self.log = log or (lambda _msg: None)
        self.now = timezone.now()
        self.orgs: list[Org] = []
        self.members: list[PlannedMember] = []
        self.result = ScaleResult(tier.key, seed, self.years)

    # ------------------------------------------------------------------ tree

    def _child(self, parent: Org | None, kind: str, name: str) -> Org:
        org = Org(ord=len(self.orgs), kind=kind, name=name, parent=parent)
        if parent is not None:
            parent.children += 1
            org.path = parent.path + path_step(parent.children)
        self.orgs.append(org)
        return org

    def plan_tree(self) -> None:
        from organizations.models import Organization

        tier, rng = self.tier, self.rng
        last_root = Organization.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        root = self._child(None, OrgKind.PROVINCIAL, tier.name)
        root.path = path_step(step_number(last_root) + 1 if last_root else 1)
        self.root = root
        directs = [self._child(root, OrgKind.DIRECT, f"Đảng bộ Khối {i + 1:02d} ({tier.key})")
                   for i in range(tier.directs)]
        # TCCSĐ spread over the committees; the first ``committees`` of each committee's share are đảng bộ cơ sở.
        per_direct = _spread(tier.tccsd, [1.0] * tier.directs)
        committee_flags = [True] * tier.committees + [False] * (tier.tccsd - tier.committees)
        rng.shuffle(committee_flags)
        self.tccsd: list[Org] = []
        n = 0
        for direct, count in zip(directs, per_direct):
            for _ in range(count):
                is_committee = committee_flags[n]
                n += 1
                kind = OrgKind.GRASSROOTS_COMMITTEE if is_committee else OrgKind.GRASSROOTS_CELL
                label = "Đảng bộ" if is_committee else "Chi bộ"
                self.tccsd.append(self._child(direct, kind, f"{label} cơ sở {n:04d} ({tier.key})"))
        committees = [o for o in self.tccsd if o.kind == OrgKind.GRASSROOTS_COMMITTEE]
        sub_total = tier.cells - (tier.tccsd - tier.committees)
        sub_counts = _spread(sub_total, [rng.uniform(0.5, 1.5) for _ in committees], minimum=2)
        n = 0
        for committee, count in zip(committees, sub_counts):
            for _ in range(count):
                n += 1
                self._child(committee, OrgKind.SUB_CELL, f"Chi bộ {n:05d} ({tier.key})")
        self.cells = [o for o in self.orgs if o.kind in (OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL)]
        self.directs = directs
        # About 1 % of sub cells move to another đảng bộ cơ sở of the same committee on ``move_day``.
        by_direct: dict[int, list[Org]] = {}
        for c in committees:
            by_direct.setdefault(c.parent.ord, []).append(c)
        for cell in self.cells:
            if cell.kind != OrgKind.SUB_CELL or rng.random() >= 0.01:
                continue
            choices = [c for c in by_direct[cell.parent.parent.ord] if c is not cell.parent]
            if not choices:
                continue
            target = rng.choice(choices)
            cell.old_path, cell.old_parent = cell.path, cell.parent
            cell.parent = target
            target.children += 1
            cell.path = target.path + path_step(target.children)
        self.result.counts.update(organizations=len(self.orgs), tccsd=len(self.tccsd), cells=len(self.cells),
                                  moved_cells=sum(1 for c in self.cells if c.old_path))

    def write_tree(self) -> None:
        from members.register.models import Member  # noqa: F401  (apps ready)
        from organizations.models import HostUnit, MassOrganization, Organization, OrganizationPlacement

        first = reserve_ids(Organization, len(self.orgs))
        for org in self.orgs:
            org.id = first + org.ord
        sectors = [Sector.ADMINISTRATIVE, Sector.PUBLIC_SERVICE, Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE,
                   Sector.COMMUNE, Sector.PARTY_MASS]
        unit_first = reserve_ids(HostUnit, len(self.tccsd))
        units = []
        for i, org in enumerate(self.tccsd):
            org.host_unit = unit_first + i
            units.append((org.host_unit, f"Đơn vị {i + 1:04d} ({self.tier.key})",
                          self.rng.choices(sectors, [30, 30, 10, 15, 10, 5])[0]))
        copy_rows(HostUnit, ["id", "name", "sector"], units)
        numchild: dict[int, int] = {}
        for org in self.orgs:
            if org.parent is not None:
                numchild[org.parent.ord] = numchild.get(org.parent.ord, 0) + 1
        copy_rows(Organization, ["id", "path", "depth", "numchild", "name", "code", "kind", "founded_on",
                                 "host_unit_id"],
                  ((o.id, o.path, o.depth, numchild.get(o.ord, 0), o.name, self.tier.code if o.parent is None else "",
                    o.kind, FOUNDED, o.host_unit) for o in self.orgs))

        def placements():
            for o in self.orgs:
                if o.old_path:
                    yield (o.id, o.old_path, len(o.old_path) // STEPLEN, o.name, o.kind, f"[{FOUNDED},{self.move_day})")
                    yield (o.id, o.path, o.depth, o.name, o.kind, f"[{self.move_day},)")
                else:
                    yield (o.id, o.path, o.depth, o.name, o.kind, f"[{FOUNDED},)")

        n = copy_rows(OrganizationPlacement, ["organization_id", "path", "depth", "name", "kind", "valid"],
                      placements())
        # The dated ancestry (organizations.population) is kept by triggers on the placements, which do not fire
        # when foreign-key checks are skipped (``session_replication_role = replica``): build it here, once.
        # The placements are analyzed first: with the statistics of an empty table the rebuild's join plans
        # nested loops over 50,000 rows.
        with connection.cursor() as cur:
            cur.execute("ANALYZE organizations_organizationplacement")
            cur.execute("SELECT organizations_ancestry_rebuild(%s)", [[o.id for o in self.orgs]])
        # Mass organizations: a trade union and a youth union in every TCCSĐ, a trade union of every committee.
        mass = []
        for org in self.tccsd:
            mass.append((f"Công đoàn {org.name}", "trade_union", "grassroots", org.id))
            mass.append((f"Đoàn Thanh niên {org.name}", "youth_union", "grassroots", org.id))
        for org in self.directs:
            mass.append((f"Công đoàn {org.name}", "trade_union", "upper", org.id))
        mass_first = reserve_ids(MassOrganization, len(mass))
        self.mass = [(mass_first + i, row[3]) for i, row in enumerate(mass)]
        copy_rows(MassOrganization, ["id", "name", "kind", "level", "organization_id", "active"],
                  ((mass_first + i, *row, True) for i, row in enumerate(mass)))
        self.result.counts.update(placements=n, host_units=len(units), mass_organizations=len(mass))

    # ------------------------------------------------------------------ members

    def plan_members(self) -> None:
        from devdata.demo.register import GIVEN_FEMALE, GIVEN_MALE, KINH_SURNAMES, MIDDLE_FEMALE, MIDDLE_MALE

        rng, tier = self.rng, self.tier
        counts = _spread(tier.members, [rng.uniform(0.4, 1.6) for _ in self.cells], minimum=3)
        members: list[PlannedMember] = []
        for cell, count in zip(self.cells, counts):
            for _ in range(count):
                members.append(PlannedMember(ord=len(members), id=0, cell=cell, start=HISTORY_START,
                                             start_reason="recorded"))
        n = len(members)
        genders = rng.choices(["male", "female"], [55, 45], k=n)
        surnames = rng.choices(*KINH_SURNAMES, k=n)
        mid_m, mid_f = rng.choices(*MIDDLE_MALE, k=n), rng.choices(*MIDDLE_FEMALE, k=n)
        levels = rng.choices(["doctorate", "master", "university", "college", "intermediate", "technical", "other"],
                             [1, 15, 62, 6, 8, 5, 3], k=n)
        theories = rng.choices(["advanced", "intermediate", "elementary", "none"], [22, 30, 40, 8], k=n)
        ethnicities = rng.choices(["Kinh", "Tày", "Mường", "Khmer", "Hoa", "Thái", "Nùng"], [88, 3, 2, 2, 2, 2, 1], k=n)
        religions = rng.choices(["none", "buddhism", "catholic", "protestant"], [92, 4, 3, 1], k=n)
        jobs = rng.choices(["Chuyên viên", "Chuyên viên chính", "Giáo viên", "Bác sĩ", "Kỹ sư", "Công nhân",
                            "Cán sự", "Kế toán", "Nhân viên", "Trưởng phòng", "Phó Trưởng phòng"],
                           [30, 10, 12, 5, 8, 8, 6, 6, 8, 4, 3], k=n)
        self.profiles = []
        first_year, _last_year = self.years[0], self.years[-1]
        for i, pm in enumerate(members):
            male = genders[i] == "male"
            name = f"{surnames[i]} {mid_m[i] if male else mid_f[i]} {rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)}"
            r = rng.random()
            admitted_year = None
            share = 0.025 * len(self.years)
            if r < share:  # admitted during the tier's years
                admitted_year = self.years[int(r / 0.025)]
                admission = D(admitted_year, rng.randint(1, 12), rng.randint(1, 28))
                birth = admission - dt.timedelta(days=rng.randint(19 * 365, 35 * 365))
                pm.start, pm.start_reason, pm.admitted_in = admission, "admitted", admitted_year
            else:
                admission = D(rng.randint(1985, first_year - 1), rng.randint(1, 12), rng.randint(1, 28))
                birth = admission - dt.timedelta(days=rng.randint(18 * 365, 40 * 365))
                pm.start = max(admission, HISTORY_START)
                pm.start_reason = "recorded" if admission < HISTORY_START else "admitted"
                draw = rng.random()
                if draw < 0.015:  # leaves the party organization during the years
                    day = self.first_day + dt.timedelta(days=rng.randint(0, (self.last_day - self.first_day).days - 1))
                    pm.leave = (day, rng.choice(["transferred_out", "deceased", "resigned", "struck_off"]))
                elif draw < 0.035:  # moves to another cell of the tier
                    span = (self.last_day - self.first_day).days
                    day = self.first_day + dt.timedelta(days=rng.randint(30, span - 30))
                    other = self.cells[rng.randrange(len(self.cells))]
                    if other is not pm.cell:
                        pm.move = (day, other)
            full = _add_months(admission, 12)
            if full > self.last_day:
                full = None
            self.profiles.append((name, genders[i], birth, ethnicities[i], religions[i], admission, full, levels[i],
                                  theories[i], jobs[i], f"09{rng.randint(0, 99_999_999):08d}"))
        self.members = members
        self.result.counts.update(members=n, admitted=sum(1 for m in members if m.admitted_in),
                                  moved_members=sum(1 for m in members if m.move),
                                  left=sum(1 for m in members if m.leave))

    def write_members(self) -> None:
        from members.admissions.models import Candidate
        from members.register.models import Member, MembershipPeriod, StatusPeriod

        tier = self.tier
        first = reserve_ids(Member, len(self.members))
        self.member_base = first
        for pm in self.members:
            pm.id = first + pm.ord
        tier_digit = {"bloc": 7, "province": 8, "capital": 9}[tier.key]

        def member_rows():
            for pm, p in zip(self.members, self.profiles):
                name, gender, birth, ethnicity, religion, admission, full, level, theory, job, phone = p
                century = (0 if birth.year < 2000 else 2) + (1 if gender == "female" else 0)
                citizen = f"{tier.origin}{century}{birth.year % 100:02d}{pm.ord:06d}"
                card = f"{tier_digit}{pm.ord:08d}" if full else None
                cell = pm.move[1] if pm.move else pm.cell
                yield (pm.id, name, gender, birth, ethnicity, religion, citizen, card, admission, full, level, theory,
                       job, phone, cell.id, pm.leave[0] if pm.leave else None, 1, self.now, self.now)

        copy_rows(Member, ["id", "full_name", "gender", "birth_date", "ethnicity", "religion", "citizen_id",
                           "party_card_number", "admission_date", "full_membership_date", "professional_level",
                           "political_theory", "job_title", "phone", "cell_id", "left_on", "version", "created_at",
                           "updated_at"], member_rows())

        def period_rows():
            for pm in self.members:
                if pm.move:
                    day, other = pm.move
                    yield (pm.id, pm.cell.id, f"[{pm.start},{day})", pm.start_reason, "moved")
                    yield (pm.id, other.id, f"[{day},)", "moved", "")
                elif pm.leave:
                    day, reason = pm.leave
                    yield (pm.id, pm.cell.id, f"[{pm.start},{day})", pm.start_reason, reason)
                else:
                    yield (pm.id, pm.cell.id, f"[{pm.start},)", pm.start_reason, "")

        periods = copy_rows(MembershipPeriod, ["member_id", "cell_id", "valid", "start_reason", "end_reason"],
                            period_rows())
        # Status periods: 1 % exempted (open), 0.2 % suspended and 0.3 % on special duty during the years.
        rng = self.rng
        statuses = []
        for pm in self.members:
            if pm.admitted_in or pm.leave:
                continue
            r = rng.random()
            if r < 0.010:
                since = D(rng.randint(2018, self.years[0] - 1), rng.randint(1, 12), 1)
                statuses.append((pm.id, "exempted", f"[{since},)", "Sức khỏe yếu, điều trị dài ngày"))
            elif r < 0.012:
                y = self.years[-1]
                statuses.append((pm.id, "suspended", f"[{D(y, 3, 1)},{D(y, 9, 1)})", "Đình chỉ sinh hoạt đảng"))
            elif r < 0.015:
                y = self.years[0]
                statuses.append((pm.id, "special_duty", f"[{D(y, 2, 1)},{D(y, 11, 30)})", "Đi công tác dài ngày"))
        copy_rows(StatusPeriod, ["member_id", "kind", "valid", "reason"], statuses)
        # Admissions: the candidate record of every member admitted during the years.
        candidates = []
        for pm, p in zip(self.members, self.profiles):
            if not pm.admitted_in:
                continue
            name, gender, birth, ethnicity, religion, admission, full, *_ = p
            youth = rng.random() < 0.6
            candidates.append((pm.cell.id, name, gender, birth, ethnicity, religion, youth, rng.random() < 0.5,
                               rng.random() < 0.15, rng.random() < 0.03, rng.random() < 0.1,
                               youth and rng.random() < 0.5, "admitted", admission, pm.id,
                               "full" if full else "pending", self.now, self.now))
        copy_rows(Candidate, ["cell_id", "full_name", "gender", "birth_date", "ethnicity", "religion", "youth_union",
                              "trade_union", "worker", "business_owner", "private_enterprise", "outstanding", "status",
                              "admitted_on", "member_id", "probation_outcome", "created_at", "updated_at"], candidates)
        self.result.counts.update(periods=periods, status_periods=len(statuses), candidates=len(candidates))

    # ------------------------------------------------------------------ ratings

    def _scheme(self, subject: str, year: int):
        from members.ratings.models import RatingScheme

        scheme = RatingScheme.objects.for_year(subject, year).first()
        if scheme is None:
            raise RuntimeError(f"no {subject} rating scheme for {year}: run the migrations (members 0003)")
        levels = dict(scheme.levels.values_list("code", "id"))
        missing = {"HTXS", "HTT", "HT", "KHT"} - set(levels)
        if missing:
            raise RuntimeError(f"scheme {scheme.code} lacks levels {sorted(missing)}")
        return scheme, levels

    def write_member_ratings(self) -> None:
        from members.ratings.models import MemberRating

        total = 0
        cells = self.cells
        for year in self.years:
            scheme, levels = self._scheme("member", year)
            rating_day = D(year, 12, 15)
            after_move = rating_day >= self.move_day
            params = {
                "year": year, "rating_d": rating_day, "scheme": scheme.pk, "has_score": scheme.has_score,
                "decided_at": timezone.make_aware(dt.datetime(year, 12, 20, 9, 0)),
                "l1": levels["HTXS"], "l2": levels["HTT"], "l3": levels["HT"], "l4": levels["KHT"],
                "cell_ids": [c.id for c in cells],
                "grassroots_ids": [c.tccsd("now" if after_move else "old").id for c in cells],
                "base": self.member_base, "salt": self.salt,
            }
            total += insert_select(MemberRating, [
                "year", "status", "score", "decided_at", "version", "cell_id", "grassroots_id", "member_id",
                "decided_level_id", "proposed_level_id", "self_level_id", "scheme_id"], """
                SELECT %(year)s, 'decided',
                       CASE WHEN %(has_score)s THEN (
                            CASE WHEN h.d < 120 THEN 90 + h.d %% 9 WHEN h.d < 820 THEN 70 + h.d %% 20
                                 WHEN h.d < 970 THEN 50 + h.d %% 20 ELSE 30 + h.d %% 20 END) END,
                       %(decided_at)s, 1, p.cell_id, g.grassroots_id, p.member_id, h.level, h.level, h.level, %(scheme)s
                       {defaults}
                  FROM unnest(%(cell_ids)s::bigint[], %(grassroots_ids)s::bigint[]) AS g(cell_id, grassroots_id)
                  JOIN members_membershipperiod p ON p.cell_id = g.cell_id AND p.valid @> %(rating_d)s::date
                  JOIN members_member m ON m.id = p.member_id
                 CROSS JOIN LATERAL (
                       SELECT x.d, CASE WHEN x.d < 120 THEN %(l1)s WHEN x.d < 820 THEN %(l2)s
                                        WHEN x.d < 970 THEN %(l3)s ELSE %(l4)s END AS level
                         FROM (SELECT (hashint8((((p.member_id - %(base)s) << 16) + %(year)s) # %(salt)s)
                                       & 2147483647) %% 1000 AS d) x
                       ) h
                 WHERE (m.admission_date IS NULL
                        OR m.admission_date <= (%(rating_d)s::date - interval '6 months')::date)
                   AND NOT EXISTS (SELECT 1 FROM members_statusperiod s WHERE s.member_id = p.member_id
                                      AND s.kind IN ('exempted', 'suspended') AND s.valid @> %(rating_d)s::date)""",
                params)
        self.result.counts["member_ratings"] = total

    def write_organization_ratings(self) -> None:
        """Party organizations (every organization of the tier, decided by the committee above; the root by
        itself), mass organizations and host units, for every year."""
        from members.ratings.models import OrganizationRating

        rng = self.rng
        by_id = {o.id: o for o in self.orgs}
        rows = []
        for year in self.years:
            scheme, levels = self._scheme("organization", year)
            decided_at = timezone.make_aware(dt.datetime(year, 12, 28, 9, 0))
            after_move = D(year, 12, 15) >= self.move_day

            # Called only within this iteration, so it reads this year's scheme and levels.
            def row(kind, org, deciding, weights, mass=None, unit=None, flags=(None, None, None),
                    scheme=scheme, levels=levels, year=year, decided_at=decided_at):
                code = rng.choices(["HTXS", "HTT", "HT", "KHT"], weights)[0]
                score = None
                if scheme.has_score:
                    low = {"HTXS": 90, "HTT": 70, "HT": 50, "KHT": 30}[code]
                    score = low + rng.randint(0, 8 if code == "HTXS" else 19)
                level = levels[code]
                return (year, kind, "decided", org.id, mass, unit, deciding.id, level, level, level, score,
                        *flags, scheme.pk, decided_at, 1)

            for org in self.orgs:
                parent = org.old_parent if (org.old_parent and not after_move) else org.parent
                rows.append(row("party_org", org, parent or org, (16, 68, 14, 2)))
            for mass_id, org_id in self.mass:
                org = by_id[org_id]
                rows.append(row("mass_org", org, org.parent or org, (20, 70, 9, 1), mass=mass_id))
            for org in self.tccsd:
                flags = (rng.random() < 0.95, rng.random() < 0.97, rng.random() < 0.9)
                rows.append(row("unit", org, org.parent, (22, 68, 9, 1), unit=org.host_unit, flags=flags))
        n = copy_rows(OrganizationRating, [
            "year", "kind", "status", "organization_id", "mass_organization_id", "host_unit_id",
            "deciding_committee_id",
            "decided_level_id", "proposed_level_id", "self_level_id", "score", "fulfilled_plan", "security_safe",
            "cultural_standard", "scheme_id", "decided_at", "version"], rows)
        self.result.counts["organization_ratings"] = n

    # ------------------------------------------------------------------ meetings

    def write_meetings(self) -> None:
        from meetings.models import Attendance, Meeting, UpperAttendance

        cells = self.cells
        agenda = "{dues,current_affairs,review,ho_chi_minh,next_tasks}"
        params = {"cell_ids": [c.id for c in cells], "cell_ords": [c.ord for c in cells], "years": self.years,
                  "salt": self.salt, "now": self.now, "agenda": agenda, "today": timezone.localdate()}
        columns = ["kind", "includes_thematic", "date", "start_time", "end_time", "format", "agenda", "preparation_ok",
                   "principles_ok", "version", "created_at", "updated_at", "cell_id"]
        # Regular meetings: every month, about 3 % missed; 90–150 minutes, a few shorter; 5 % online.
        regular = insert_select(Meeting, columns, """
            SELECT 'regular', FALSE, x.day, time '14:00', time '14:00' + x.minutes * interval '1 minute',
                   CASE WHEN x.h / 7 %% 100 < 5 THEN 'online' ELSE 'in_person' END,
                   CASE WHEN x.h / 11 %% 100 < 60 THEN (%(agenda)s::varchar[] || ARRAY['commitments']::varchar[])
                        ELSE %(agenda)s::varchar[] END,
                   x.h / 13 %% 100 >= 3, TRUE, 1, %(now)s, %(now)s, c.cell_id {defaults}
              FROM unnest(%(cell_ids)s::bigint[], %(cell_ords)s::int[]) AS c(cell_id, ord)
             CROSS JOIN unnest(%(years)s::int[]) AS y(year)
             CROSS JOIN generate_series(1, 12) AS mo(month)
             CROSS JOIN LATERAL (
                   SELECT h, make_date(y.year, mo.month, 3 + (h / 100) %% 24) AS day,
                          CASE WHEN h / 1000 %% 100 < 3 THEN 75 ELSE 90 + (h / 100000 %% 5) * 15 END AS minutes
                     FROM (SELECT hashint8(((c.ord::bigint << 20) + y.year * 16 + mo.month) # %(salt)s)
                                  & 2147483647 AS h) hh
                   ) x
             WHERE x.h %% 100 >= 3 AND x.day <= %(today)s
             ORDER BY c.cell_id, x.day""", params)
        # Forums: 40 % of cells hold one a year.
        forums = insert_select(Meeting, columns, """
            SELECT 'forum', FALSE, make_date(y.year, 2 + x.h / 100 %% 10, 3 + x.h / 10000 %% 24), time '08:00',
                   time '10:00', 'in_person', ARRAY['current_affairs']::varchar[], TRUE, TRUE, 1, %(now)s, %(now)s,
                   c.cell_id {defaults}
              FROM unnest(%(cell_ids)s::bigint[], %(cell_ords)s::int[]) AS c(cell_id, ord)
             CROSS JOIN unnest(%(years)s::int[]) AS y(year)
             CROSS JOIN LATERAL (SELECT hashint8(((c.ord::bigint << 20) + y.year * 16 + 15) # %(salt)s)
                                        & 2147483647 AS h) x
             WHERE x.h %% 100 < 40
             ORDER BY c.cell_id""", params)
        self.log(f"    meetings: {regular} regular, {forums} forums")
        with connection.cursor() as cur:  # the attendance below joins them (see STAGE_TABLES)
            cur.execute("ANALYZE meetings_meeting")
        first_cell, last_cell = self.root.id, self.root.id + len(self.orgs) - 1
        attendance = 0
        for year in self.years:  # one statement per year keeps each transaction step observable
            started = time.perf_counter()
            columns = ["meeting_id", "member_id", "status", "reason", "excluded_kind"]
            attendance += insert_select(Attendance, columns, """
                SELECT m.id, p.member_id,
                       CASE WHEN s.kind IS NOT NULL THEN 'excluded' WHEN x.d < 50 THEN 'absent_excused'
                            WHEN x.d < 55 THEN 'absent_unexcused' ELSE 'present' END,
                       CASE WHEN s.kind IS NULL AND x.d < 50 THEN (%(reasons)s::text[])[1 + x.d %% 6] ELSE '' END,
                       coalesce(s.kind, '') {defaults}
                  FROM meetings_meeting m
                  JOIN members_membershipperiod p ON p.cell_id = m.cell_id AND p.valid @> m.date
                  LEFT JOIN members_statusperiod s
                    ON s.member_id = p.member_id AND s.kind IN ('exempted', 'special_duty') AND s.valid @> m.date
                 CROSS JOIN LATERAL (
                       SELECT (hashint8((((p.member_id - %(base)s) << 24) + (m.date - date '2000-01-01') * 4
                                         + CASE m.kind WHEN 'regular' THEN 0 ELSE 1 END) # %(salt)s)
                                & 2147483647) %% 1000 AS d) x
                 WHERE m.cell_id BETWEEN %(lo)s AND %(hi)s
                   AND m.date BETWEEN make_date(%(year)s, 1, 1) AND make_date(%(year)s, 12, 31)""",
                {"base": self.member_base, "salt": self.salt, "lo": first_cell, "hi": last_cell, "year": year,
                 "reasons": ["Ốm", "Đi công tác", "Nghỉ phép", "Việc gia đình", "Đi học", "Trực cơ quan"]})
            self.log(f"    attendance {year}: {attendance} rows so far ({time.perf_counter() - started:.1f} s)")
        # Upper-level attendees at about a quarter of regular meetings: the "secretary" of the committee above
        # the cell, here the first member of the first cell under that committee.
        first_member: dict[str, int] = {}
        for pm in self.members:
            path = pm.cell.path
            for length in range(STEPLEN, len(path) + 1, STEPLEN):
                first_member.setdefault(path[:length], pm.id)
        cells_with_upper = [c for c in cells if c.parent.path in first_member]
        upper = insert_select(UpperAttendance, ["meeting_id", "member_id", "organization_id", "position"], """
            SELECT m.id, u.member_id, u.org_id, 'secretary' {defaults}
              FROM unnest(%(cells)s::bigint[], %(ords)s::int[], %(orgs)s::bigint[], %(members)s::bigint[])
                   AS u(cell_id, ord, org_id, member_id)
              JOIN meetings_meeting m ON m.cell_id = u.cell_id AND m.kind = 'regular'
             WHERE (hashint8(((u.ord::bigint << 24) + (m.date - date '2000-01-01')) # %(salt)s)
                    & 2147483647) %% 100 < 25""",
            {"cells": [c.id for c in cells_with_upper], "ords": [c.ord for c in cells_with_upper],
             "orgs": [c.parent.id for c in cells_with_upper],
             "members": [first_member[c.parent.path] for c in cells_with_upper], "salt": self.salt})
        self.result.counts.update(meetings=regular + forums, attendance=attendance, upper_attendance=upper)

    # ------------------------------------------------------------------ inspections

    def write_inspections(self) -> None:
        from inspections.models import Inspection

        rng = self.rng
        rows = []  # (id placeholder index, activity, kind, conducting body, article, decision date, scope path)
        member_inspections = []  # (inspection index, cell id, decision date)
        org_subjects = []  # (inspection index, organization id)
        committees = [o for o in self.tccsd if o.kind == OrgKind.GRASSROOTS_COMMITTEE]
        subs_of: dict[int, list[Org]] = {}
        for cell in self.cells:
            if cell.kind == OrgKind.SUB_CELL:
                subs_of.setdefault(cell.parent.ord, []).append(cell)
        for year in self.years:
            for cell in self.cells:  # each cell's TCCSĐ inspects (or supervises) about a third of its members
                day = D(year, rng.randint(3, 10), rng.randint(1, 28))
                activity = "inspection" if rng.random() < 0.5 else "supervision"
                kind = "tasks" if activity == "inspection" else "regular_supervision"
                member_inspections.append((len(rows), cell.id, day))
                body = cell.tccsd("old" if day < self.move_day else "now")
                rows.append((activity, kind, body.id, "", day, cell.path))
            for committee in committees:  # a đảng bộ cơ sở inspects about a third of its sub cells
                subs = subs_of.get(committee.ord, [])
                chosen = [c for c in subs if rng.random() < 0.32 and not c.old_path]
                if not chosen:
                    continue
                day = D(year, rng.randint(3, 10), rng.randint(1, 28))
                index = len(rows)
                rows.append(("inspection", "tasks", committee.id, "", day, committee.path))
                org_subjects += [(index, c.id) for c in chosen]
            for direct in self.directs:  # each committee inspects about 15 % of its TCCSĐ under Article 30
                chosen = [t for t in self.tccsd if t.parent is direct and rng.random() < 0.15]
                if not chosen:
                    continue
                day = D(year, rng.randint(3, 10), rng.randint(1, 28))
                index = len(rows)
                rows.append(("inspection", "tasks", direct.id, "30", day, direct.path))
                org_subjects += [(index, t.id) for t in chosen]
        first = reserve_ids(Inspection, len(rows))
        copy_rows(Inspection, ["id", "activity", "kind", "conducting_body_id", "charter_article", "decision_number",
                               "decision_date", "start_date", "end_date", "conclusion", "follow_up", "scope_path",
                               "recorded_at", "version"],
                  ((first + i, a, k, body, art, f"{first + i}-QĐ/UBKT", day, day, day + dt.timedelta(days=30), "none",
                    "none", path, self.now, 1) for i, (a, k, body, art, day, path) in enumerate(rows)))
        through_orgs = Inspection.organizations.through
        copy_rows(through_orgs, ["inspection_id", "organization_id"], ((first + i, org) for i, org in org_subjects))
        through_members = Inspection.members.through
        named = insert_select(through_members, ["inspection_id", "member_id"], """
            SELECT i.id, p.member_id {defaults}
              FROM unnest(%(ids)s::bigint[], %(cells)s::bigint[], %(days)s::date[]) AS i(id, cell_id, day)
              JOIN members_membershipperiod p ON p.cell_id = i.cell_id AND p.valid @> i.day
             WHERE (hashint8((((p.member_id - %(base)s) << 16) + extract(year FROM i.day)::int) # %(salt)s)
                    & 2147483647) %% 100 < 32""",
            {"ids": [first + i for i, _c, _d in member_inspections], "cells": [c for _i, c, _d in member_inspections],
             "days": [d for _i, _c, d in member_inspections], "base": self.member_base, "salt": self.salt})
        self.result.counts.update(inspections=len(rows), inspected_organizations=len(org_subjects),
                                  inspected_members=named)

    # ------------------------------------------------------------------ records and the resolution

    def write_records(self) -> None:
        from targets.records.models import RegisteredModel, ReportedFigure, ReportIndicator

        rng = self.rng
        indicators = dict(ReportIndicator.objects.values_list("code", "id"))
        figures = []
        for year in self.years:
            for org in self.tccsd:
                for code in ("members_studied", "staff_studied", "members_committed", "collectives_htt"):
                    if code not in indicators:
                        continue
                    den = rng.randint(12, 160)
                    num = den if rng.random() < 0.6 else max(0, den - rng.randint(1, 8))
                    figures.append((indicators[code], org.id, year, num, den, "scale"))
            if "standing_committee_htt" in indicators:
                figures.append((indicators["standing_committee_htt"], self.root.id, year, 1, 1, "scale"))
        n_figures = copy_rows(ReportedFigure, ["indicator_id", "organization_id", "year", "numerator", "denominator",
                                               "note"], figures)
        models = ((org.id, year, "exemplar", f"Gương điển hình {year} — {org.name}", "scale")
                  for year in self.years for org in self.cells if rng.random() < 0.93)
        n_models = copy_rows(RegisteredModel, ["organization_id", "year", "kind", "name", "recognised_by"], models)
        self.result.counts.update(reported_figures=n_figures, registered_models=n_models)

    def write_resolution(self) -> None:
        from organizations.models import Organization
        from targets.engine.catalogue import TARGETS
        from targets.engine.models import Resolution, Target

        root = Organization.objects.get(pk=self.root.id)
        resolution = Resolution.objects.create(
            code=self.tier.code, number=f"BENCH-{self.tier.key}", issuer_name=root.name, issuing_body=root,
            scope=root, title=f"Bản sao chỉ tiêu để đo hiệu năng — tầng {self.tier.key}",
            start_year=self.years[0], end_year=self.years[-1],
            source_text="Sinh tự động bởi seed_scale (organizations/scale.py) từ targets/catalogue.py.")
        rows = []
        for order, code in enumerate(COPIED_TARGETS, start=1):
            family, params, comparator, lower, upper, unit, periodicity, _start, _end, short, clause = TARGETS[code]
            rows.append(Target(resolution=resolution, code=tier_target_code(self.tier, code), order=order,
                               family=family, params=params, comparator=comparator, lower=lower, upper=upper,
                               unit=unit, periodicity=periodicity, short_text=short, clause=clause))
        Target.objects.bulk_create(rows)
        self.result.counts["targets"] = len(rows)

    # ------------------------------------------------------------------ run

    def build(self) -> ScaleResult:
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
                cur.execute("SET LOCAL work_mem = '256MB'")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            self.result.counts["foreign_key_checks"] = "skipped" if skip_foreign_key_checks() else "deferred"
            for stage in (self.plan_tree, self.write_tree, self.plan_members, self.write_members,
                          self.write_member_ratings, self.write_organization_ratings, self.write_meetings,
                          self.write_inspections, self.write_records, self.write_resolution):
                stage_started = time.perf_counter()
                stage()
                # Later stages join what this one wrote: without statistics the planner takes the fresh tables
                # for empty and nests loops over them (the capital tier's member ratings took 19 minutes).
                if STAGE_TABLES.get(stage.__name__):
                    with connection.cursor() as cur:
                        for table in STAGE_TABLES[stage.__name__]:
                            cur.execute(f"ANALYZE {table}")
                seconds = time.perf_counter() - stage_started
                self.result.stages[stage.__name__] = round(seconds, 2)
                self.log(f"  {stage.__name__}: {seconds:.1f} s")
            stage_started = time.perf_counter()
        self.result.stages["commit"] = round(time.perf_counter() - stage_started, 2)
        self.log(f"  commit: {self.result.stages['commit']:.1f} s")
        stage_started = time.perf_counter()
        analyze()
        self.result.stages["analyze"] = round(time.perf_counter() - stage_started, 2)
        self.log(f"  vacuum/analyze: {self.result.stages['analyze']:.1f} s")
        self.result.seconds = round(time.perf_counter() - started, 2)
        return self.result


# The tables a stage writes that later stages read.
STAGE_TABLES = {
    "write_tree": ["organizations_organization", "organizations_organizationancestry"],
    "write_members": ["members_member", "members_membershipperiod", "members_statusperiod"],
}

# The tables the seed writes: VACUUM (ANALYZE) after a bulk load sets the visibility map (index-only scans)
# and hint bits, and gives the planner statistics of the new data.
BIG_TABLES = ["meetings_attendance", "meetings_meeting", "members_membershipperiod", "members_member",
              "members_memberrating", "inspections_inspection_members", "organizations_organizationplacement",
              "organizations_organization", "organizations_organizationancestry", "members_organizationrating",
              "members_statusperiod", "members_candidate",
              "meetings_upperattendance", "inspections_inspection", "inspections_inspection_organizations",
              "targets_reportedfigure", "targets_registeredmodel", "organizations_massorganization",
              "organizations_hostunit", "targets_attainment"]


def analyze(vacuum: bool = True) -> None:
    """VACUUM (ANALYZE) the tables a tier lives in (outside a transaction), or ANALYZE only."""
    with connection.cursor() as cur:
        for table in BIG_TABLES:
            cur.execute(f"{'VACUUM (ANALYZE)' if vacuum and connection.get_autocommit() else 'ANALYZE'} {table}")


def skip_foreign_key_checks() -> bool:
    """Turn off the foreign-key triggers for the rest of the transaction when the database role may
    (``session_replication_role = replica`` needs a superuser). The generator's rows are consistent by
    construction (ids from its own reserved blocks, joins to rows it wrote), and Django's constraints are
    DEFERRABLE INITIALLY DEFERRED, so otherwise the commit re-checks every attendance row's two foreign
    keys one by one — about as long as writing them. Returns whether the checks are off."""
    try:
        with transaction.atomic(), connection.cursor() as cur:  # a savepoint: a refusal leaves the transaction usable
            cur.execute("SET LOCAL session_replication_role = replica")
        return True
    except Exception:  # not a superuser: keep the checks
        return False


def _spread(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), each part at least ``minimum``."""
    n = len(weights)
    if n == 0:
        return []
    base = minimum * n
    if base > total:
        raise ValueError("not enough to give every part its minimum")
    rest = total - base
    s = sum(weights)
    raw = [rest * w / s for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(n), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return D(year, month, d)
        except ValueError:
            continue
    raise AssertionError


# ------------------------------------------------------------------------------------------ public API

def tier_root(tier: Tier | str):
    from organizations.models import Organization

    tier = TIERS[tier] if isinstance(tier, str) else tier
    return Organization.objects.filter(code=tier.code, depth=1).first()


def tier_exists(tier: Tier | str) -> bool:
    return tier_root(tier) is not None


def build_tier(tier: str, *, seed: int = 1, years: Sequence[int] = DEFAULT_YEARS,
               log: Callable[[str], None] | None = None) -> ScaleResult:
    spec = TIERS[tier]
    if tier_exists(spec):
        raise RuntimeError(f"tier {tier} already exists (root {spec.code}); drop it first (seed_scale --drop)")
    return ScaleBuilder(spec, seed=seed, years=years, log=log).build()


_DROP_SQL = [
    # Targets: the tier's resolution and what was computed for it.
    "DELETE FROM targets_attainment WHERE target_id IN (SELECT t.id FROM targets_target t JOIN targets_resolution r"
    " ON r.id = t.resolution_id WHERE r.code = %(code)s) OR organization_id IN (SELECT id FROM _scale_orgs)",
    "UPDATE targets_recomputerun SET resolution_id = NULL WHERE resolution_id IN (SELECT id FROM targets_resolution"
    " WHERE code = %(code)s)",
    "DELETE FROM targets_target WHERE resolution_id IN (SELECT id FROM targets_resolution WHERE code = %(code)s)",
    "DELETE FROM targets_resolution WHERE code = %(code)s",
    "DELETE FROM targets_pendingchange WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM targets_reportedfigure WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM targets_registeredmodel WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM targets_documentadoption WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM targets_reportsubmission WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    # Inspections and discipline.
    "DELETE FROM inspections_inspection_members WHERE inspection_id IN (SELECT id FROM inspections_inspection"
    " WHERE conducting_body_id IN (SELECT id FROM _scale_orgs)) OR member_id IN (SELECT id FROM _scale_members)",
    "DELETE FROM inspections_inspection_organizations WHERE inspection_id IN (SELECT id FROM inspections_inspection"
    " WHERE conducting_body_id IN (SELECT id FROM _scale_orgs)) OR organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM inspections_inspection WHERE conducting_body_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM inspections_discipline WHERE member_id IN (SELECT id FROM _scale_members)"
    " OR organization_id IN (SELECT id FROM _scale_orgs) OR deciding_body_id IN (SELECT id FROM _scale_orgs)",
    # Meetings.
    "DELETE FROM meetings_attendance WHERE meeting_id IN (SELECT id FROM meetings_meeting WHERE cell_id IN"
    " (SELECT id FROM _scale_orgs))",
    "DELETE FROM meetings_upperattendance WHERE meeting_id IN (SELECT id FROM meetings_meeting WHERE cell_id IN"
    " (SELECT id FROM _scale_orgs))",
    "DELETE FROM meetings_meetingscore WHERE meeting_id IN (SELECT id FROM meetings_meeting WHERE cell_id IN"
    " (SELECT id FROM _scale_orgs))",
    "DELETE FROM meetings_meeting WHERE cell_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM meetings_rubricuse WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM meetings_reminderschedule WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    # Ratings.
    "UPDATE members_memberrating SET replaced_by_id = NULL WHERE replaced_by_id IS NOT NULL"
    " AND member_id IN (SELECT id FROM _scale_members)",
    "DELETE FROM members_memberrating WHERE member_id IN (SELECT id FROM _scale_members)",
    "UPDATE members_organizationrating SET replaced_by_id = NULL WHERE replaced_by_id IS NOT NULL"
    " AND organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM members_organizationrating WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM members_recognitionaward WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    # Admissions and the register.
    "DELETE FROM members_candidatestage WHERE candidate_id IN (SELECT id FROM members_candidate WHERE cell_id IN"
    " (SELECT id FROM _scale_orgs))",
    "DELETE FROM members_sponsor WHERE candidate_id IN (SELECT id FROM members_candidate WHERE cell_id IN"
    " (SELECT id FROM _scale_orgs)) OR member_id IN (SELECT id FROM _scale_members)",
    "DELETE FROM members_candidate WHERE cell_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM members_statusperiod WHERE member_id IN (SELECT id FROM _scale_members)",
    "DELETE FROM members_committeeposition WHERE member_id IN (SELECT id FROM _scale_members)"
    " OR organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM members_membershipperiod WHERE member_id IN (SELECT id FROM _scale_members)",
    "DELETE FROM members_member WHERE id IN (SELECT id FROM _scale_members)",
    # The tree.
    "DELETE FROM organizations_massorganization WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM organizations_roleassignment WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM organizations_organizationevent_related WHERE organization_id IN (SELECT id FROM _scale_orgs)"
    " OR organizationevent_id IN (SELECT id FROM organizations_organizationevent WHERE organization_id IN"
    " (SELECT id FROM _scale_orgs))",
    "DELETE FROM organizations_organizationevent WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM organizations_organizationplacement WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    # The ancestry triggers do not fire under ``session_replication_role = replica``: remove the rows here.
    "DELETE FROM organizations_organizationancestry WHERE organization_id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM organizations_organization WHERE id IN (SELECT id FROM _scale_orgs)",
    "DELETE FROM organizations_hostunit h WHERE h.id IN (SELECT host_unit_id FROM _scale_units)"
    " AND NOT EXISTS (SELECT 1 FROM organizations_organization o WHERE o.host_unit_id = h.id)",
]


def drop_tier(tier: str, log: Callable[[str], None] | None = None) -> bool:
    """Remove a tier's data (organizations under its root and everything attached to them). Returns False
    when the tier is not there."""
    say = log or (lambda _msg: None)
    root = tier_root(tier)
    if root is None:
        return False
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("CREATE TEMP TABLE _scale_orgs ON COMMIT DROP AS SELECT id FROM organizations_organization"
                    " WHERE path LIKE %s", [root.path + "%"])
        cur.execute("CREATE TEMP TABLE _scale_units ON COMMIT DROP AS SELECT DISTINCT host_unit_id FROM"
                    " organizations_organization WHERE id IN (SELECT id FROM _scale_orgs) AND host_unit_id IS NOT NULL")
        cur.execute("CREATE TEMP TABLE _scale_members ON COMMIT DROP AS SELECT DISTINCT member_id AS id FROM"
                    " members_membershipperiod WHERE cell_id IN (SELECT id FROM _scale_orgs) UNION SELECT id FROM"
                    " members_member WHERE cell_id IN (SELECT id FROM _scale_orgs)")
        for table in ("_scale_orgs", "_scale_members"):
            cur.execute(f"CREATE INDEX ON {table} (id)")
            cur.execute(f"ANALYZE {table}")
        for sql in _DROP_SQL:
            cur.execute(sql, {"code": TIERS[tier].code})
            say(f"  {sql.split(' WHERE')[0]}: {cur.rowcount}")
    say(f"  dropped in {time.perf_counter() - started:.1f} s")
    analyze(vacuum=False)
    return True
