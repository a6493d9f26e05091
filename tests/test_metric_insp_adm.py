"""The INSP and ADM metric families through the targets engine: coverage of inspection and supervision
(LD-5a/5b/5c) and admissions (LD-7a/7b, KT-3, KH-5, KH-6, TV-8a/8b), judged at their boundaries, on the
dated tree, and in a number of queries that does not grow with the tree.

Expectations are computed independently in each test (ORM reads of the register, the inspections and the
placements), and the INSP figures are compared with ``inspections.coverage``, which must apply the same
rule."""

from __future__ import annotations

import datetime as dt
from itertools import count, zip_longest

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.choices import Activity, InspectionKind
from inspections.coverage import member_coverage, sub_cell_coverage, tccsd_coverage, term_period, year_period
from inspections.models import Inspection
from inspections.services import inspection_create
from members.admissions.queries import admissions_by_year, organizations_founded_in_private_enterprises
from members.register.models import Member
from members.register.services import member_transfer, members_bulk_create
from organizations.choices import OrgKind, Sector
from organizations.models import HostUnit, OrganizationPlacement
from organizations.services import organization_create, organization_dissolve
from targets.engine.compute import compute_target
from targets.engine.metrics import REGISTRY
from targets.engine.models import Resolution, Target
from tests.factories import make_member
from tests.test_admissions_views import admit

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
_codes = count(1)


# ------------------------------------------------------------------------------------------ helpers

def make_target(scope, family, params, *, comparator="range", lower=None, upper=None, unit="percent",
                periodicity="yearly", start_year=2021, end_year=2025) -> Target:
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"t{n}", number=f"{n}-NQ/ĐUK", issuer_name="Đảng ủy Khối A",
                                           scope=scope, title="Nghị quyết thử", start_year=start_year,
                                           end_year=end_year)
    return Target.objects.create(resolution=resolution, code=f"T-{n}", family=family, params=params,
                                 short_text="Chỉ tiêu thử", clause="…", comparator=comparator, lower=lower,
                                 upper=upper, unit=unit, periodicity=periodicity)


def rows_of(target, year=YEAR) -> dict[int, object]:
    """The engine's rows for one year, by organization id."""
    target = Target.objects.select_related("resolution").get(pk=target.pk)
    return {row.organization_id: row for row in compute_target(target, [year])}


def figure(row) -> tuple:
    return (row.numerator, row.denominator, row.status)


def members(cell, n: int, *, start=D(2020, 1, 1)) -> list[Member]:
    """``n`` members of ``cell`` from ``start``, in two bulk statements."""
    k = next(_codes)
    rows = [{"cell": cell, "start_date": start, "full_name": f"Đảng Viên {k}-{i}", "gender": "male",
             "birth_date": D(1985, 1, 1), "ethnicity": "Kinh", "religion": "none", "admission_date": D(2015, 5, 19),
             "full_membership_date": D(2016, 5, 19), "professional_level": "university",
             "political_theory": "intermediate"} for i in range(n)]
    return members_bulk_create(rows=rows)


def inspect(*, members=(), organizations=(), body, day=D(YEAR, 5, 1), **kw) -> Inspection:
    fields = dict(activity=Activity.INSPECTION, kind=InspectionKind.TASKS, conducting_body=body, charter_article="30",
                  decision_number="KT-1", decision_date=day, start_date=day)
    fields.update(kw)
    return inspection_create(members=members, organizations=organizations, **fields)


def expected_members(org, start, end, *, article=None, activity=None) -> tuple[int, int]:
    """(inspected, population) read independently: the register's dated queryset and the inspections."""
    population = set(Member.objects.under_during(org, start, end).values_list("pk", flat=True))
    inspections = Inspection.objects.in_period(start, end)
    if article:
        inspections = inspections.filter(charter_article=article)
    if activity:
        inspections = inspections.filter(activity=activity)
    named = set(inspections.values_list("members", flat=True)) - {None}
    return len(population & named), len(population)


def expected_organizations(org, kinds, start, end, *, article=None) -> tuple[int, int]:
    """(inspected, population) from the placements: organizations of ``kinds`` whose placement under one
    of ``org``'s placements shared at least one day with it inside [start, end]."""
    period = (start, end + dt.timedelta(days=1))  # half-open, like the stored ranges

    def clip(a, b):
        lo = max(a[0], b[0])
        hi = min(a[1] or dt.date.max, b[1] or dt.date.max)
        return (lo, hi) if lo < hi else None

    scopes = [(p.path, clip((p.valid.lower, p.valid.upper), period))
              for p in OrganizationPlacement.objects.filter(organization=org)]
    population = {
        p.organization_id for p in OrganizationPlacement.objects.filter(kind__in=kinds)
        for path, span in scopes
        if span and p.path.startswith(path) and clip((p.valid.lower, p.valid.upper), span)
    }
    inspections = Inspection.objects.in_period(start, end)
    if article:
        inspections = inspections.filter(charter_article=article)
    named = set(inspections.values_list("organizations", flat=True)) - {None}
    return len(population & named), len(population)


TCCSD = [OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL]


# ------------------------------------------------------------------------------ INSP: boundaries

@pytest.mark.parametrize("total, inspected, status, value", [
    (10, 3, "met", "30.00"),  # exactly the lower bound
    (20, 7, "met", "35.00"),  # exactly the upper bound
    (37, 13, "exceeded", "35.14"),  # 35.1%: above the range is exceeded, not failed
    (97, 29, "not_met", "29.90"),  # 29.9% (29.897…): just below the range
])
def test_member_coverage_is_judged_exactly_at_the_range_bounds(tree, total, inspected, status, value):
    in_a1 = members(tree.a1_1, total // 2)
    in_a2 = members(tree.a2, total - total // 2)
    every = in_a1 + in_a2
    # Inspected: taken from both grassroots organizations in turn; one member twice (counts once).
    chosen = [m for pair in zip_longest(in_a1, in_a2) for m in pair if m is not None][:inspected]
    inspect(members=[m for m in chosen if m in in_a1], body=tree.a1)
    inspect(members=[m for m in chosen if m in in_a2], body=tree.a2, day=D(YEAR, 11, 30))
    inspect(members=chosen[:1], body=tree.bloc_a, day=D(YEAR, 12, 31), activity=Activity.SUPERVISION,
            kind=InspectionKind.THEMATIC_SUPERVISION)
    # Not counted: last year's inspection, a cell named as subject, a member of another bloc.
    outside = [m for m in every if m not in chosen][:1]
    inspect(members=outside, body=tree.a1 if outside[0].cell_id == tree.a1_1.pk else tree.a2, day=D(YEAR - 1, 12, 31))
    inspect(organizations=[tree.a1_1], body=tree.a1)
    inspect(members=members(tree.b1, 3), body=tree.b1)

    target = make_target(tree.bloc_a, "INSP", {"subject": "members"}, lower=30, upper=35)
    rows = rows_of(target)

    assert set(rows) == {tree.bloc_a.pk, tree.a1.pk, tree.a2.pk}
    scope = rows[tree.bloc_a.pk]
    assert figure(scope) == (inspected, total, status)
    assert str(scope.value) == value
    assert (scope.period_start, scope.period_end) == year_period(YEAR)
    for org in (tree.a1, tree.a2):
        covered, population = expected_members(org, *year_period(YEAR))
        assert (rows[org.pk].numerator, rows[org.pk].denominator) == (covered, population)
        assert population == len(in_a1 if org == tree.a1 else in_a2)
    assert expected_members(tree.bloc_a, *year_period(YEAR)) == (inspected, total)
    cov = member_coverage(tree.bloc_a, *year_period(YEAR))
    assert (cov.covered, cov.total) == (inspected, total)


def test_a_grassroots_organization_without_members_has_no_figure_not_a_failure(tree):
    inspect(members=members(tree.a1_1, 4)[:1], body=tree.a1)
    rows = rows_of(make_target(tree.bloc_a, "INSP", {"subject": "members"}, lower=30, upper=35))
    assert figure(rows[tree.a1.pk]) == (1, 4, "not_met")
    assert figure(rows[tree.a2.pk]) == (0, 0, "no_data")
    assert rows[tree.a2.pk].missing == [("no_subjects", 0)]


def test_a_member_transferred_mid_year_is_in_the_denominator_of_both_subtrees(tree):
    stay_a, stay_b = members(tree.a2, 3), members(tree.b1, 3)
    mover = make_member(tree.a2)
    inspect(members=[mover], body=tree.a2, day=D(YEAR, 3, 1))  # while in bloc A
    inspect(members=stay_b[:1], body=tree.b1, day=D(YEAR, 9, 1))
    member_transfer(member=mover, to_cell=tree.b1, date=D(YEAR, 7, 1))

    target = make_target(tree.province, "INSP", {"subject": "members"}, lower=30, upper=35)
    rows = rows_of(target)

    # The mover belonged to both subtrees on some day of the year: in both denominators, and — the
    # inspection being of the year — in both numerators; once in the province's.
    assert figure(rows[tree.bloc_a.pk])[:2] == (1, 4)
    assert figure(rows[tree.a2.pk])[:2] == (1, 4)
    assert figure(rows[tree.bloc_b.pk])[:2] == (2, 4)
    assert figure(rows[tree.b1.pk])[:2] == (2, 4)
    assert figure(rows[tree.province.pk])[:2] == (2, 7)
    assert len(stay_a) == 3
    for org in (tree.province, tree.bloc_a, tree.bloc_b, tree.a2, tree.b1):
        cov = member_coverage(org, *year_period(YEAR))
        row = rows[org.pk]
        assert (row.numerator, row.denominator) == (cov.covered, cov.total) == expected_members(org, *year_period(YEAR))

    # The next year the mover is only in bloc B (and last year's inspection no longer counts).
    following = rows_of(target, YEAR + 1)
    assert figure(following[tree.bloc_a.pk])[:2] == (0, 3)
    assert figure(following[tree.bloc_b.pk])[:2] == (0, 4)


def test_a_member_who_left_before_the_year_is_not_counted(tree):
    from members.register.services import member_leave

    gone, stays = make_member(tree.a2), make_member(tree.a2)
    member_leave(member=gone, date=D(YEAR - 1, 6, 1), reason="deceased")
    inspect(members=[stays], body=tree.a2)
    row = rows_of(make_target(tree.bloc_a, "INSP", {"subject": "members"}, lower=30, upper=35))[tree.bloc_a.pk]
    assert figure(row) == (1, 1, "exceeded")


# -------------------------------------------------------------------------- INSP: organizations

def test_sub_cell_coverage_keeps_a_cell_dissolved_mid_year_in_that_years_denominator(tree):
    inspect(organizations=[tree.a1_2], body=tree.a1, day=D(YEAR, 3, 1))
    organization_dissolve(organization=tree.a1_2, date=D(YEAR, 6, 1))
    target = make_target(tree.bloc_a, "INSP", {"subject": "sub_cells"}, lower=30, upper=35)

    rows = rows_of(target)
    assert figure(rows[tree.bloc_a.pk]) == (1, 2, "exceeded")  # 50%: both cells existed in the year
    assert figure(rows[tree.a1.pk]) == (1, 2, "exceeded")
    assert figure(rows[tree.a2.pk]) == (0, 0, "no_data")  # a grassroots cell has no sub cells
    cov = sub_cell_coverage(tree.bloc_a, *year_period(YEAR))
    assert (cov.covered, cov.total, cov.covered_ids) == (1, 2, [tree.a1_2.pk])
    assert expected_organizations(tree.bloc_a, [OrgKind.SUB_CELL], *year_period(YEAR)) == (1, 2)

    following = rows_of(target, YEAR + 1)
    assert figure(following[tree.bloc_a.pk]) == (0, 1, "not_met")
    assert sub_cell_coverage(tree.bloc_a, *year_period(YEAR + 1)).total == 1


def test_a_tccsd_dissolved_mid_year_keeps_its_row_and_its_place_in_the_denominator(tree):
    inspect(organizations=[tree.a2], body=tree.bloc_a, day=D(YEAR, 2, 1))
    organization_dissolve(organization=tree.a2, date=D(YEAR, 8, 1))
    rows = rows_of(make_target(tree.bloc_a, "INSP", {"subject": "tccsd"}, comparator="gte", lower=50))
    assert figure(rows[tree.bloc_a.pk]) == (1, 2, "met")
    assert figure(rows[tree.a2.pk]) == (1, 1, "met")  # itself, while it existed
    assert figure(rows[tree.a1.pk]) == (0, 1, "not_met")
    cov = tccsd_coverage(tree.bloc_a, *year_period(YEAR))
    assert (cov.covered, cov.total, cov.covered_ids) == (1, 2, [tree.a2.pk])


def test_a_term_target_counts_inspections_cumulatively_from_the_terms_first_year(tree):
    """LD-5c: ≥ 25% of TCCSĐ inspected or supervised under Article 30 over the term (2021–2025)."""
    a3, a4 = (organization_create(name=name, kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a, founded_on=D(2020, 1, 1))
              for name in ("Chi bộ Sở A3", "Chi bộ Sở A4"))
    inspect(organizations=[tree.a1], body=tree.bloc_a, day=D(2020, 6, 1))  # before the term
    inspect(organizations=[tree.a2], body=tree.bloc_a, day=D(2022, 6, 1), charter_article="32",
            kind=InspectionKind.VIOLATION_SIGNS)  # another article
    inspect(organizations=[a3], body=tree.bloc_a, day=D(2023, 4, 1))
    inspect(organizations=[a3], body=tree.bloc_a, day=D(2024, 4, 1), activity=Activity.SUPERVISION,
            kind=InspectionKind.REGULAR_SUPERVISION)  # a3 again: counts once
    inspect(organizations=[a4], body=tree.bloc_a, day=D(2025, 4, 1), activity=Activity.SUPERVISION,
            kind=InspectionKind.THEMATIC_SUPERVISION)
    target = make_target(tree.bloc_a, "INSP", {"subject": "tccsd", "article": "30"}, comparator="gte", lower=25,
                         periodicity="term")

    by_year = {}
    for year in range(2021, 2026):
        rows = rows_of(target, year)
        by_year[year] = figure(rows[tree.bloc_a.pk])
        scope = rows[tree.bloc_a.pk]
        assert (scope.period_start, scope.period_end) == (D(2021, 1, 1), D(year, 12, 31))
        assert scope.final == (year == 2025)
        start, end = term_period(2021, year)
        assert (scope.numerator, scope.denominator) == expected_organizations(tree.bloc_a, TCCSD, start, end,
                                                                              article="30")
        cov = tccsd_coverage(tree.bloc_a, start, end, article="30")
        assert (cov.covered, cov.total) == (scope.numerator, scope.denominator)
    assert by_year == {2021: (0, 4, "not_met"), 2022: (0, 4, "not_met"), 2023: (1, 4, "met"),  # exactly 25%
                       2024: (1, 4, "met"), 2025: (2, 4, "met")}

    # Narrowed to supervision only: a3's 2023 inspection no longer counts, its 2024 supervision does.
    supervision = make_target(tree.bloc_a, "INSP", {"subject": "tccsd", "article": 30, "activity": "supervision"},
                              comparator="gte", lower=25, periodicity="term")
    assert figure(rows_of(supervision, 2023)[tree.bloc_a.pk]) == (0, 4, "not_met")
    assert figure(rows_of(supervision, 2025)[tree.bloc_a.pk]) == (2, 4, "met")


def test_inspection_params_are_validated():
    metric = REGISTRY["INSP"]
    for code in ("LD-5a", "LD-5b", "LD-5c"):
        assert metric.validate_params(Target.objects.get(code=code).params) == []
    assert metric.validate_params({"subject": "cells"})
    assert metric.validate_params({"subject": "members", "activity": "audit"})
    assert metric.validate_params({"subject": "members", "levels": []})
    assert metric.validate_params({})


# --------------------------------------------------------------------------------------- ADM

def test_zero_admissions_is_a_count_of_zero_judged_not_met(tree):
    """LD-7a: at least 80 new members a year."""
    admit(tree.a1_1, D(YEAR - 1, 10, 20))  # another year
    target = make_target(tree.bloc_a, "ADM", {"measure": "admissions"}, comparator="gte", lower=80, unit="count")
    rows = rows_of(target)
    assert set(rows) == {tree.bloc_a.pk, tree.a1.pk, tree.a2.pk}
    for row in rows.values():
        assert (row.numerator, row.denominator, row.value, row.status, row.missing) == (0, None, 0, "not_met", [])
    assert rows_of(target, YEAR - 1)[tree.bloc_a.pk].numerator == 1


@pytest.mark.parametrize("matching, status", [(5, "met"), (6, "exceeded")])
def test_a_count_range_is_met_at_its_upper_bound_and_exceeded_above(tree, matching, status):
    """TV-8b: 3–5 admissions in private enterprises."""
    for i in range(matching):
        admit(tree.a1_1 if i % 2 else tree.a2, D(YEAR, 3, 4) + dt.timedelta(days=7 * i), private_enterprise=True,
              full_name=f"Người {i}")
    admit(tree.a2, D(YEAR, 6, 3))  # not in a private enterprise
    admit(tree.b1, D(YEAR, 6, 3), private_enterprise=True)  # another bloc
    admit(tree.a2, D(YEAR + 1, 1, 6), private_enterprise=True)  # another year
    target = make_target(tree.bloc_a, "ADM", {"measure": "admissions", "attributes": ["private_enterprise"]},
                         lower=3, upper=5, unit="count")
    rows = rows_of(target)
    assert figure(rows[tree.bloc_a.pk]) == (matching, None, status)
    assert rows[tree.a1.pk].numerator == matching // 2
    assert rows[tree.a2.pk].numerator == matching - matching // 2
    board = admissions_by_year([tree.bloc_a.pk, tree.a1.pk, tree.a2.pk], [YEAR])
    for org in (tree.bloc_a, tree.a1, tree.a2):
        assert rows[org.pk].numerator == board[org.pk][YEAR]["private_enterprise"]

    total = rows_of(make_target(tree.bloc_a, "ADM", {}, lower=3, upper=5, unit="count"))
    assert total[tree.bloc_a.pk].numerator == matching + 1 == board[tree.bloc_a.pk][YEAR]["total"]


def test_a_share_of_admissions_counts_a_candidate_with_several_attributes_once(tree):
    """KH-5: admissions of women, Khmer … as a share of all admissions, shown not judged."""
    admit(tree.a1_1, D(YEAR, 4, 8), gender="female", ethnicity="Kinh")
    admit(tree.a1_2, D(YEAR, 5, 6), gender="male", ethnicity="Khmer")
    admit(tree.a2, D(YEAR, 6, 3), gender="female", ethnicity="Khmer")
    admit(tree.a2, D(YEAR, 7, 1), gender="male", ethnicity="Kinh")
    target = make_target(tree.bloc_a, "ADM", {"measure": "admissions", "attributes": ["female", "khmer"],
                                              "share": True}, comparator="none")
    rows = rows_of(target)
    assert figure(rows[tree.bloc_a.pk]) == (3, 4, "not_judged")
    assert str(rows[tree.bloc_a.pk].value) == "75.00"
    assert figure(rows[tree.a1.pk]) == (2, 2, "not_judged")
    assert figure(rows[tree.a2.pk]) == (1, 2, "not_judged")
    # A year without admissions has nothing to share: not a 0%.
    assert rows_of(target, YEAR - 1)[tree.bloc_a.pk].status == "no_data"


def test_an_admission_counts_where_its_cell_stood_on_the_ceremony_day(tree):
    from organizations.services import organization_move

    admit(tree.a2, D(YEAR, 4, 8))
    organization_move(organization=tree.a2, new_parent=tree.bloc_b, date=D(YEAR, 9, 1))
    admit(tree.a2, D(YEAR, 10, 7))
    target = make_target(tree.province, "ADM", {}, comparator="gte", lower=1, unit="count")
    rows = rows_of(target)
    assert figure(rows[tree.bloc_a.pk]) == (1, None, "met")
    assert figure(rows[tree.bloc_b.pk]) == (1, None, "met")
    assert figure(rows[tree.a2.pk]) == (2, None, "met")
    assert figure(rows[tree.province.pk]) == (2, None, "met")


def test_a_term_count_is_cumulative_from_the_terms_first_year(tree):
    """KT-3: more than N admissions over the 2015–2020 term (here: more than 2)."""
    admit(tree.a2, D(2020, 5, 4))
    admit(tree.a2, D(2021, 5, 4))
    admit(tree.a1_1, D(2022, 5, 4))
    admit(tree.a1_1, D(2023, 5, 4))
    target = make_target(tree.bloc_a, "ADM", {"measure": "admissions"}, comparator="gt", lower=2, unit="count",
                         periodicity="term")
    seen = {year: figure(rows_of(target, year)[tree.bloc_a.pk]) for year in range(2021, 2024)}
    assert seen == {2021: (1, None, "not_met"), 2022: (2, None, "not_met"), 2023: (3, None, "met")}
    assert rows_of(target, 2023)[tree.bloc_a.pk].period_start == D(2021, 1, 1)


def test_organizations_founded_in_a_sector(tree):
    """KH-6: party organizations founded in non-state enterprises."""
    private = HostUnit.objects.create(name="Công ty TNHH Thử", sector=Sector.PRIVATE_ENTERPRISE)
    state = HostUnit.objects.create(name="Công ty Nhà nước", sector=Sector.STATE_ENTERPRISE)
    made = organization_create(name="Chi bộ Công ty TNHH", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                               founded_on=D(YEAR, 3, 1), host_unit=private)
    organization_create(name="Chi bộ Công ty NN", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                        founded_on=D(YEAR, 4, 1), host_unit=state)
    organization_create(name="Chi bộ Công ty B", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_b,
                        founded_on=D(YEAR, 4, 1), host_unit=private)
    target = make_target(tree.bloc_a, "ADM", {"measure": "organizations_founded", "sector": "private_enterprise"},
                         comparator="none", unit="count")
    rows = rows_of(target)
    assert figure(rows[tree.bloc_a.pk]) == (1, None, "not_judged")
    assert rows[made.pk].numerator == 0  # itself is not "founded under" itself
    assert rows_of(target, YEAR - 1)[tree.bloc_a.pk].numerator == 0
    assert organizations_founded_in_private_enterprises([tree.bloc_a.pk], [YEAR - 1, YEAR]) == {
        tree.bloc_a.pk: {YEAR - 1: 0, YEAR: 1}}
    state_target = make_target(tree.bloc_a, "ADM", {"measure": "organizations_founded", "sector": "state_enterprise"},
                               comparator="none", unit="count")
    assert rows_of(state_target)[tree.bloc_a.pk].numerator == 1


def test_admission_params_are_validated():
    metric = REGISTRY["ADM"]
    for code in ("LD-7a", "LD-7b", "KT-3", "KH-5", "KH-6", "TV-8a", "TV-8b"):
        assert metric.validate_params(Target.objects.get(code=code).params) == [], code
    assert metric.validate_params({"attributes": ["left_handed"]})
    assert metric.validate_params({"measure": "organizations_founded", "attributes": ["female"]})
    assert metric.validate_params({"measure": "organizations_founded", "sector": "moon"})
    assert metric.validate_params({"measure": "members"})
    assert metric.validate_params({"share": "yes"})


# ------------------------------------------------------------------------------- query counts

def _queries(target, year=YEAR) -> int:
    target = Target.objects.select_related("resolution").get(pk=target.pk)
    with CaptureQueriesContext(connection) as ctx:
        rows = compute_target(target, [year])
    assert rows
    return len(ctx)


# Measured baseline of compute_target for one year, whatever the number of organizations.
# Members' coverage: + the size of the scope (organizations.slots.large_subtree: whether to test the named members
# against the population), one read of the tree.
METRIC_QUERIES = {"INSP": 4, "ADM": 4}  # + the day records begin (targets.engine.data_begin)


@pytest.mark.parametrize("family, params", [
    ("INSP", {"subject": "members"}),
    ("INSP", {"subject": "tccsd", "article": "30"}),
    ("ADM", {"measure": "admissions", "attributes": ["female"]}),
    ("ADM", {"measure": "organizations_founded"}),
])
def test_the_number_of_queries_does_not_grow_with_the_organizations(tree, family, params):
    target = make_target(tree.bloc_a, family, params, comparator="gte", lower=1,
                         unit="percent" if family == "INSP" else "count")

    def populate(cells):
        for cell in cells:
            people = members(cell, 2)
            inspect(members=people[:1], organizations=[cell], body=cell)
            admit(cell, D(YEAR, 5, 6), gender="female")

    populate([tree.a2])
    small = _queries(target)
    assert len(rows_of(target)) == 3  # bloc A, A1, A2
    extra = [organization_create(name=f"Chi bộ Sở A{i}", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                 founded_on=D(2020, 1, 1)) for i in range(3, 7)]
    populate(extra)
    assert len(rows_of(target)) == 7  # bloc A and six grassroots organizations
    large = _queries(target)
    expected = METRIC_QUERIES[family] + (params.get("subject") == "members")
    assert small == large == expected, (small, large)
