"""The MEET metric family (targets/metrics/meetings.py) through the engine, on small worlds built with the
services: every expected figure is computed here by plain arithmetic on what the test logged, then
compared with the attainment rows of ``compute_target``. Also the committees' briefing conference kind
(meetings.services)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.choices import AttendanceStatus as S
from meetings.choices import MeetingKind
from meetings.models import Attendance, Meeting, Rubric, RubricCriterion
from meetings.services import meeting_create, meeting_update, rubric_choose
from members.register.services import member_leave, position_add, status_period_add
from organizations.choices import OrgKind
from organizations.services import organization_create, organization_dissolve, organization_move
from targets.engine.compute import compute_target
from targets.engine.metrics import REGISTRY
from targets.engine.models import Resolution, Target
from tests.factories import make_member
from tests.lists import records

pytestmark = pytest.mark.django_db
D = dt.date
T8, T10 = dt.time(8), dt.time(10)
_codes = itertools.count(1)


def log(org, day, absences=None, **kw):
    kw.setdefault("start_time", T8)
    kw.setdefault("end_time", T10)
    return meeting_create(cell=org, date=day, absences=absences or {}, **kw)


def target_for(scope, measure, *, comparator="gte", lower=100, upper=None, unit="percent", **params):
    n = next(_codes)
    resolution = Resolution.objects.create(code=f"meet-test-{n}", number=f"{n}-NQ/ĐU", issuer_name="Đảng ủy",
                                           scope=scope, title="Nghị quyết thử", start_year=2019, end_year=2026)
    return Target.objects.create(resolution=resolution, code=f"MT-{n}", family="MEET",
                                 params={"measure": measure, **params}, short_text=measure, clause=measure,
                                 comparator=comparator, lower=lower, upper=upper, unit=unit)


def attainments(target, year):
    return {row.organization_id: row for row in compute_target(target, [year])}


def figure(row):
    """(numerator, denominator) of an attainment row as plain numbers."""
    den = None if row.denominator is None else int(row.denominator)
    return int(row.numerator), den


def missing(row):
    return [tuple(item) for item in row.missing]


def pin_today(monkeypatch, day):
    """Pin "today" for the metric (and the engine), as if the computation ran on ``day``."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def members_of(cell, n):
    return [make_member(cell) for _ in range(n)]


# ------------------------------------------------------------------------------------ QT-4a

def test_monthly_regular_counts_cells_meeting_every_month_from_their_founding(tree):
    for cell in (tree.a1_1, tree.a1_2, tree.a2, tree.b1):
        members_of(cell, 2)
    late = organization_create(name="Chi bộ Sở A3", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                               founded_on=D(2024, 5, 10))
    make_member(late, start=D(2024, 5, 10))
    held = {  # the months of 2024 with a regular meeting, by cell
        tree.a1_1.pk: set(range(1, 13)),
        tree.a1_2.pk: set(range(1, 13)) - {7},  # July missed: only a thematic meeting that month
        tree.a2.pk: set(),  # nothing logged at all: still judged, and fails
        late.pk: set(range(5, 13)),  # founded in May: January–April are not required
        tree.b1.pk: set(range(1, 13)),  # another bloc
    }
    for cell_id, months in held.items():
        cell = next(c for c in (tree.a1_1, tree.a1_2, tree.a2, late, tree.b1) if c.pk == cell_id)
        for month in sorted(months):
            log(cell, D(2024, month, 12))
    log(tree.a1_2, D(2024, 7, 12), kind=MeetingKind.THEMATIC)
    log(tree.a1_2, D(2024, 7, 20), kind=MeetingKind.FORUM)

    required = {cell_id: set(range(5 if cell_id == late.pk else 1, 13)) for cell_id in held}

    def expected(cell_ids):
        ok = sum(1 for c in cell_ids if required[c] <= held[c])
        return ok, len(cell_ids)

    target = target_for(tree.bloc_a, "monthly_regular")
    rows = attainments(target, 2024)
    bloc_cells = [tree.a1_1.pk, tree.a1_2.pk, tree.a2.pk, late.pk]
    assert figure(rows[tree.bloc_a.pk]) == expected(bloc_cells) == (2, 4)
    assert rows[tree.bloc_a.pk].status == "not_met" and rows[tree.bloc_a.pk].value == Decimal("50.00")
    assert figure(rows[tree.a1.pk]) == expected([tree.a1_1.pk, tree.a1_2.pk]) == (1, 2)
    assert figure(rows[tree.a2.pk]) == (0, 1) and rows[tree.a2.pk].status == "not_met"
    assert figure(rows[late.pk]) == (1, 1) and rows[late.pk].status == "met"
    assert tree.b1.pk not in rows


def test_monthly_regular_in_the_current_year_requires_only_the_months_that_have_ended(tree, monkeypatch):
    members_of(tree.a1_1, 1)
    members_of(tree.a1_2, 1)
    for month in (1, 2, 3, 4):
        log(tree.a1_1, D(2025, month, 5))
    for month in (1, 2, 3):
        log(tree.a1_2, D(2025, month, 5))
    log(tree.a1_2, D(2025, 5, 2))  # May is not over yet: no help, no harm
    target = target_for(tree.a1, "monthly_regular")

    pin_today(monkeypatch, D(2025, 5, 1))  # April has ended: January–April required
    assert figure(attainments(target, 2025)[tree.a1.pk]) == (1, 2)
    pin_today(monkeypatch, D(2025, 4, 30))  # April not over: January–March required
    assert figure(attainments(target, 2025)[tree.a1.pk]) == (2, 2)
    pin_today(monkeypatch, D(2025, 1, 20))  # nothing has ended yet: nobody to judge -> no data
    row = attainments(target, 2025)[tree.a1.pk]
    assert figure(row) == (0, 0) and row.status == "no_data"


# ------------------------------------------------------------------------------------ QT-4b

def test_pooled_attendance_rate_of_exactly_85_percent_is_not_above_85_and_86_is(tree):
    members = members_of(tree.a1_1, 20)
    exempted = make_member(tree.a1_1)
    status_period_add(member=exempted, kind="exempted", start=D(2022, 1, 1))  # excluded: not in the base
    target = target_for(tree.bloc_a, "attendance_rate", comparator="gt", lower=85, basis="pooled")

    def year_of_meetings(year, absences_per_meeting):
        present = expected = 0
        for i, n_absent in enumerate(absences_per_meeting):
            absences = {m.pk: (S.ABSENT_EXCUSED, "ốm") if k % 2 else (S.ABSENT_UNEXCUSED, "")
                        for k, m in enumerate(members[:n_absent])}
            log(tree.a1_1, D(year, i + 1, 10), absences)
            expected += len(members)  # the exempted member is left out
            present += len(members) - n_absent
        # A thematic meeting with everyone absent is not a regular one: not counted.
        log(tree.a1_1, D(year, 11, 20), {m.pk: (S.ABSENT_UNEXCUSED, "") for m in members}, kind=MeetingKind.THEMATIC)
        return present, expected

    assert year_of_meetings(2024, [3, 3, 3, 3, 3]) == (85, 100)
    assert year_of_meetings(2023, [3, 3, 3, 3, 2]) == (86, 100)
    assert Attendance.objects.filter(member=exempted, status=S.EXCLUDED).count() == 12

    rows_2024 = attainments(target, 2024)
    assert figure(rows_2024[tree.bloc_a.pk]) == (85, 100)
    assert rows_2024[tree.bloc_a.pk].status == "not_met" and rows_2024[tree.bloc_a.pk].value == Decimal("85.00")
    assert figure(rows_2024[tree.a1.pk]) == (85, 100)
    # A cell set without any meeting has no base: not judged for lack of data.
    assert figure(rows_2024[tree.a2.pk]) == (0, 0) and rows_2024[tree.a2.pk].status == "no_data"

    rows_2023 = attainments(target, 2023)
    assert figure(rows_2023[tree.bloc_a.pk]) == (86, 100) and rows_2023[tree.bloc_a.pk].status == "met"


# ------------------------------------------------------------------------------------ QT-4c

def test_unexcused_absences_are_counted_at_meetings_of_every_kind(tree):
    a11, a2, b1 = members_of(tree.a1_1, 3), members_of(tree.a2, 2), members_of(tree.b1, 2)
    log(tree.a1_1, D(2024, 3, 1), {a11[0].pk: (S.ABSENT_UNEXCUSED, ""), a11[1].pk: (S.ABSENT_EXCUSED, "ốm")})
    log(tree.a1_1, D(2024, 6, 1), {a11[0].pk: (S.ABSENT_UNEXCUSED, ""), a11[2].pk: (S.ABSENT_UNEXCUSED, "")},
        kind=MeetingKind.FORUM)
    log(tree.a2, D(2024, 4, 1), {a2[1].pk: (S.ABSENT_UNEXCUSED, "")})
    log(tree.b1, D(2024, 4, 1), {b1[0].pk: (S.ABSENT_UNEXCUSED, "")})  # another bloc
    log(tree.a1_1, D(2023, 3, 1), {a11[1].pk: (S.ABSENT_EXCUSED, "ốm")})  # 2023: none without reason
    target = target_for(tree.bloc_a, "unexcused_absences", comparator="zero", lower=None, unit="count")

    rows = attainments(target, 2024)
    assert figure(rows[tree.bloc_a.pk]) == (1 + 2 + 1, None)
    assert rows[tree.bloc_a.pk].status == "not_met"
    assert figure(rows[tree.a1.pk]) == (3, None) and figure(rows[tree.a2.pk]) == (1, None)

    rows = attainments(target, 2023)
    assert figure(rows[tree.bloc_a.pk]) == (0, None) and rows[tree.bloc_a.pk].status == "met"
    # a2 logged nothing in 2023: "no absence" would be vacuous, so it is missing data.
    assert rows[tree.a2.pk].status == "no_data" and missing(rows[tree.a2.pk]) == [("no_meetings", 1)]

    rows = attainments(target, 2022)  # nobody logged anything
    assert rows[tree.bloc_a.pk].status == "no_data"
    assert missing(rows[tree.bloc_a.pk]) == [("no_meetings", 3)]  # a1-1, a1-2, a2


# ------------------------------------------------------------------------------- the dated tree

def test_a_moved_cell_counts_its_meetings_where_it_stood_and_a_dissolved_cell_until_it_closed(tree):
    a2_members = members_of(tree.a2, 4)
    members_of(tree.b1, 2)
    closing = organization_create(name="Chi bộ A1-3", kind=OrgKind.SUB_CELL, parent=tree.a1, founded_on=D(2020, 1, 1))
    closing_members = members_of(closing, 2)
    for month in range(1, 13):  # a2: one regular meeting a month, one member absent without reason each time
        if month == 7:
            organization_move(organization=tree.a2, new_parent=tree.bloc_b, date=D(2024, 7, 1))
        log(tree.a2, D(2024, month, 15), {a2_members[0].pk: (S.ABSENT_UNEXCUSED, "")})
        log(tree.b1, D(2024, month, 15))
    for month in (1, 2, 3):  # the closing cell: three meetings, then its members leave and it is dissolved
        log(closing, D(2024, month, 20), {closing_members[0].pk: (S.ABSENT_UNEXCUSED, "")})
    for m in closing_members:
        member_leave(member=m, date=D(2024, 4, 1), reason="transferred_out")
    organization_dissolve(organization=closing, date=D(2024, 4, 15))

    unexcused_a = target_for(tree.bloc_a, "unexcused_absences", comparator="zero", lower=None, unit="count")
    unexcused_b = target_for(tree.bloc_b, "unexcused_absences", comparator="zero", lower=None, unit="count")
    rows_a, rows_b = attainments(unexcused_a, 2024), attainments(unexcused_b, 2024)
    # a2 stood under bloc A for January–June (6 meetings), under bloc B for July–December (6 meetings).
    assert figure(rows_a[tree.bloc_a.pk]) == (6 + 3, None)
    assert figure(rows_b[tree.bloc_b.pk]) == (6, None)
    assert figure(rows_a[tree.a1.pk]) == (3, None)  # the dissolved cell's meetings still count for A1
    assert figure(rows_a[tree.a2.pk]) == (12, None) == figure(rows_b[tree.a2.pk])  # a2 itself: all of them

    rate_a = target_for(tree.bloc_a, "attendance_rate", comparator="gt", lower=85, basis="pooled")
    present = 6 * 3 + 3 * 1  # a2's six meetings (3 of 4) and the closing cell's three (1 of 2)
    assert figure(attainments(rate_a, 2024)[tree.bloc_a.pk]) == (present, 6 * 4 + 3 * 2)

    # Cells are judged where they stand at the year's end: a2 under B, the dissolved cell nowhere.
    regular_a = target_for(tree.bloc_a, "monthly_regular")
    regular_b = target_for(tree.bloc_b, "monthly_regular")
    assert figure(attainments(regular_a, 2024)[tree.bloc_a.pk]) == (0, 2)  # a1-1, a1-2 logged nothing
    assert figure(attainments(regular_b, 2024)[tree.bloc_b.pk]) == (2, 2)  # b1 and a2, every month
    assert figure(attainments(regular_a, 2024)[tree.a1.pk]) == (0, 2)


# ------------------------------------------------------------------------------------- QT-5

def test_forums_count_cells_with_at_least_min_count_forums(tree):
    for cell in (tree.a1_1, tree.a1_2, tree.a2):
        make_member(cell)
    forums = {tree.a1_1: [D(2024, 3, 3), D(2024, 9, 3)], tree.a1_2: [D(2024, 5, 5)], tree.a2: []}
    for cell, days in forums.items():
        for day in days:
            log(cell, day, kind=MeetingKind.FORUM)
    log(tree.a2, D(2024, 5, 5), kind=MeetingKind.THEMATIC)  # not a forum
    log(tree.a2, D(2023, 5, 5), kind=MeetingKind.FORUM)  # another year

    for min_count in (1, 2):
        target = target_for(tree.bloc_a, "forums", min_count=min_count)
        rows = attainments(target, 2024)
        hits = sum(1 for days in forums.values() if len(days) >= min_count)
        assert figure(rows[tree.bloc_a.pk]) == (hits, 3)
        assert figure(rows[tree.a2.pk]) == (0, 1)
    assert figure(attainments(target_for(tree.bloc_a, "forums"), 2023)[tree.bloc_a.pk]) == (1, 3)


# ------------------------------------------------------------------------------------- QT-6

def test_upper_quarterly_needs_an_upper_attendee_in_every_quarter_in_sub_cells(tree):
    members_of(tree.a1_1, 1)
    members_of(tree.a1_2, 1)
    members_of(tree.a2, 1)
    officer = make_member(tree.a1_2)
    seat = position_add(member=officer, organization=tree.a1, position="committee_member", start=D(2021, 1, 1))
    bloc_officer = make_member(tree.a2)
    bloc_seat = position_add(member=bloc_officer, organization=tree.bloc_a, position="committee_member",
                             start=D(2021, 1, 1))
    visited = {tree.a1_1: [2, 5, 8, 11], tree.a1_2: [1, 4, 7], tree.a2: [2, 5, 8, 11]}
    for cell, months in visited.items():
        for month in range(1, 13):
            seats = [bloc_seat] if cell == tree.a2 else [seat]
            log(cell, D(2024, month, 9), upper_positions=seats if month in months else [])
    target = target_for(tree.bloc_a, "upper_quarterly", subject="sub_cells")

    def quarters(months):
        return {(m - 1) // 3 for m in months}

    rows = attainments(target, 2024)
    sub_cells = [tree.a1_1, tree.a1_2]  # a2 is a grassroots cell: not a subject of QT-6
    assert figure(rows[tree.bloc_a.pk]) == (sum(quarters(visited[c]) == {0, 1, 2, 3} for c in sub_cells), 2) == (1, 2)
    assert figure(rows[tree.a1.pk]) == (1, 2)
    assert rows[tree.a2.pk].status == "no_data"
    # With every cell as subject a2 is judged too.
    assert figure(attainments(target_for(tree.bloc_a, "upper_quarterly"), 2024)[tree.bloc_a.pk]) == (2, 3)


# --------------------------------------------------------------------------- KT-5, QT-7, KH-3

def scores_for(share, rubric):
    return {c.pk: (c.max_points * Decimal(share)).quantize(Decimal("0.1"))
            for c in RubricCriterion.objects.filter(section__rubric=rubric)}


def test_shares_of_regular_meetings_with_upper_attendee_scores_and_an_agenda_item(tree):
    rubric = Rubric.objects.get(name__startswith="Phú Thọ")
    rubric_choose(rubric=rubric, organization=tree.bloc_a, from_year=2020)
    members_of(tree.a1_1, 2)
    members_of(tree.a2, 2)
    officer = make_member(tree.a1_2)
    seat = position_add(member=officer, organization=tree.a1, position="committee_member", start=D(2021, 1, 1))
    logged = [  # (cell, month, upper attendee, scored, agenda has "commitments")
        (tree.a1_1, 1, True, True, True), (tree.a1_1, 2, False, True, True), (tree.a1_1, 3, False, False, True),
        (tree.a1_1, 4, False, False, False), (tree.a2, 1, False, True, True), (tree.a2, 2, False, False, False),
    ]
    for cell, month, upper, scored, commitments in logged:
        log(cell, D(2024, month, 6), upper_positions=[seat] if upper else [],
            scores=scores_for("0.9", rubric) if scored else None,
            agenda=["dues", "commitments"] if commitments else ["dues"])
    # A thematic meeting with all three is not a regular meeting: left out of every share.
    log(tree.a1_1, D(2024, 5, 20), kind=MeetingKind.THEMATIC, upper_positions=[seat],
        scores=scores_for("0.9", rubric), agenda=["commitments"])

    total = len(logged)
    upper = target_for(tree.bloc_a, "upper_attendance_share", comparator="none", lower=None)
    scored = target_for(tree.bloc_a, "scored_share", comparator="none", lower=None)
    agenda = target_for(tree.bloc_a, "agenda_share", item="commitments")
    rows = attainments(upper, 2024)
    assert figure(rows[tree.bloc_a.pk]) == (sum(r[2] for r in logged), total) == (1, 6)
    assert rows[tree.bloc_a.pk].status == "not_judged"
    rows = attainments(scored, 2024)
    assert figure(rows[tree.bloc_a.pk]) == (sum(r[3] for r in logged), total) == (3, 6)
    assert figure(rows[tree.a2.pk]) == (1, 2)
    rows = attainments(agenda, 2024)
    assert figure(rows[tree.bloc_a.pk]) == (sum(r[4] for r in logged), total) == (4, 6)
    assert rows[tree.bloc_a.pk].status == "not_met"
    assert figure(rows[tree.a1.pk]) == (3, 4)


# ------------------------------------------------------------------------------------- KH-4

def test_briefings_quarterly_counts_quarters_with_a_briefing_in_the_subtree(tree, monkeypatch):
    for day, org in [(D(2024, 2, 1), tree.bloc_a), (D(2024, 3, 1), tree.bloc_a), (D(2024, 5, 1), tree.bloc_a),
                     (D(2024, 8, 1), tree.a1), (D(2024, 11, 1), tree.bloc_b)]:
        log(org, day, kind=MeetingKind.BRIEFING)
    target = target_for(tree.bloc_a, "briefings_quarterly")
    rows = attainments(target, 2024)
    # Quarters 1, 2 (bloc A) and 3 (A1, in its subtree); quarter 4 only bloc B held one.
    assert figure(rows[tree.bloc_a.pk]) == (3, 4) and rows[tree.bloc_a.pk].status == "not_met"
    assert figure(rows[tree.a1.pk]) == (1, 4)
    assert figure(rows[tree.a2.pk]) == (0, 4)

    log(tree.bloc_a, D(2025, 2, 1), kind=MeetingKind.BRIEFING)
    log(tree.bloc_a, D(2025, 7, 15), kind=MeetingKind.BRIEFING)
    pin_today(monkeypatch, D(2025, 8, 10))  # quarters 1 and 2 have ended; the July briefing is in quarter 3
    row = attainments(target, 2025)[tree.bloc_a.pk]
    assert figure(row) == (1, 2) and row.status == "not_met"
    pin_today(monkeypatch, D(2025, 10, 1))
    assert figure(attainments(target, 2025)[tree.bloc_a.pk]) == (2, 3)


# ------------------------------------------------------------------------------------- contract

@pytest.mark.parametrize("params", [
    {"measure": "monthly_regular"}, {"measure": "attendance_rate"}, {"measure": "unexcused_absences"},
    {"measure": "forums", "min_count": 2}, {"measure": "upper_quarterly", "subject": "sub_cells"},
    {"measure": "upper_attendance_share"}, {"measure": "scored_share"},
    {"measure": "agenda_share", "item": "commitments"}, {"measure": "briefings_quarterly"},
])
def test_every_measure_answers_every_slot_with_one_statement(tree, params):
    from targets.engine.compute import scope_slots

    for cell in (tree.a1_1, tree.a1_2, tree.a2):
        make_member(cell)
        log(cell, D(2024, 3, 3))
    target = target_for(tree.province, params["measure"], **{k: v for k, v in params.items() if k != "measure"})
    slots = scope_slots(target, [2019, 2023, 2024])
    assert len(slots) == 1 + 2 * 6  # 2019: the province alone (nothing existed yet); then the province,
    # two blocs, A1, A2, B1
    with CaptureQueriesContext(connection) as queries:
        figures = REGISTRY["MEET"].compute(target, slots)
    # One statement over the data; the planner settings around it (organizations.slots.fetch) are not reads,
    # and the size of the scope (organizations.slots.large_subtree: whether to hash) is one read of the tree.
    sizes = [q["sql"] for q in queries if "SELECT count(*) FROM top JOIN" in q["sql"]]
    reads = [q["sql"] for q in queries if not q["sql"].startswith(("SET ", "RESET ")) and q["sql"] not in sizes]
    assert len(reads) == 1 and len(sizes) <= 1, reads
    assert set(figures) == {s.key for s in slots}
    assert REGISTRY["MEET"].validate_params(params) == []


def test_invalid_parameters_are_reported():
    metric = REGISTRY["MEET"]
    # The family's declarations (metrics/base.Param) give the messages: each names the parameter and the value.
    [problem] = metric.validate_params({"measure": "nope"})
    assert problem.startswith("measure must be one of ['monthly_regular',") and problem.endswith("not 'nope'")
    [problem] = metric.validate_params({"measure": "agenda_share", "item": "x"})
    assert problem.startswith("item must be one of ") and problem.endswith("not 'x'")
    assert metric.validate_params({"measure": "forums", "subject": "all", "colour": 1}) == [
        "unknown parameter 'colour'", "subject must be one of ['cells', 'sub_cells', 'grassroots_cells'], not 'all'"]
    assert metric.validate_params({"measure": "agenda_share"}) == ["item is required"]
    assert metric.validate_params({"measure": "attendance_rate", "min_count": 2}) == [
        "'min_count' does not apply with measure attendance_rate"]


# ------------------------------------------------------------------------ the briefing meeting kind

def test_a_committee_logs_a_briefing_without_attendance_and_a_cell_cannot(tree):
    rubric_choose(rubric=Rubric.objects.get(name__startswith="Phú Thọ"), organization=tree.province, from_year=2020)
    make_member(tree.a1_1)
    for org in (tree.bloc_a, tree.a1):  # a directly subordinate and a grassroots committee
        briefing = log(org, D(2024, 3, 5), kind=MeetingKind.BRIEFING, conclusions="Giao ban quý I")
        assert briefing.cell == org and briefing.rubric is None and not briefing.attendance.exists()
    partial = organization_create(name="Đảng ủy bộ phận A1-P", kind=OrgKind.PARTIAL_COMMITTEE, parent=tree.a1,
                                  founded_on=D(2020, 1, 1))
    assert log(partial, D(2024, 3, 6), kind=MeetingKind.BRIEFING).pk
    # Several briefings a quarter are fine (no "one a month" rule), and editing one keeps it a briefing.
    second = log(tree.bloc_a, D(2024, 3, 25), kind=MeetingKind.BRIEFING)
    meeting_update(meeting=second, date=D(2024, 3, 26))
    assert Meeting.objects.get(pk=second.pk).date == D(2024, 3, 26)

    # A cell's meetings are unchanged; a cell does not convene a briefing (documented choice: the
    # conference of cell secretaries is the committee's, seed 003), nor does the provincial committee here.
    assert log(tree.a1_1, D(2024, 3, 5)).attendance.count() == 1
    with pytest.raises(ValidationError) as exc:
        log(tree.a1_1, D(2024, 4, 5), kind=MeetingKind.BRIEFING)
    assert set(exc.value.error_dict) == {"kind"}
    with pytest.raises(ValidationError) as exc:
        log(tree.province, D(2024, 4, 5), kind=MeetingKind.BRIEFING)
    assert set(exc.value.error_dict) == {"kind"}
    # A committee does not hold a regular (or thematic, forum) meeting: those are a cell's.
    for kind in (MeetingKind.REGULAR, MeetingKind.THEMATIC, MeetingKind.FORUM):
        with pytest.raises(ValidationError) as exc:
            log(tree.a1, D(2024, 4, 5), kind=kind)
        assert set(exc.value.error_dict) == {"cell"}
    # A briefing records no member attendance.
    member = make_member(tree.a1_2)
    with pytest.raises(ValidationError) as exc:
        log(tree.a1, D(2024, 4, 5), {member.pk: (S.ABSENT_UNEXCUSED, "")}, kind=MeetingKind.BRIEFING)
    assert set(exc.value.error_dict) == {"attendance"}
    # A regular meeting cannot be turned into a briefing.
    regular = Meeting.objects.get(cell=tree.a1_1, kind=MeetingKind.REGULAR)
    with pytest.raises(ValidationError):
        meeting_update(meeting=regular, kind=MeetingKind.BRIEFING)


def test_meeting_pages_show_a_briefing_without_breaking(tree, client_for):
    make_member(tree.a1_1)
    log(tree.a1_1, D(2024, 3, 5))
    briefing = log(tree.bloc_a, D(2024, 3, 6), kind=MeetingKind.BRIEFING, conclusions="Giao ban quý I")
    client = client_for("committee_staff")
    listing = client.get(reverse("meetings:meeting_list"))
    assert listing.status_code == 200 and briefing in records(listing)
    assert client.get(reverse("meetings:meeting_list") + f"?cell={tree.bloc_a.pk}&year=2024").status_code == 200
    detail = client.get(reverse("meetings:meeting_detail", args=[briefing.pk]))
    assert detail.status_code == 200 and "Giao ban quý I" in detail.content.decode()
    edit = client.get(reverse("meetings:meeting_edit", args=[briefing.pk]))
    assert edit.status_code == 200
    assert [v for v, _l in edit.context["form"].fields["kind"].choices] == [MeetingKind.BRIEFING]
    overview = client.get(reverse("meetings:overview") + f"?org={tree.bloc_a.pk}&year=2024")
    assert overview.status_code == 200
    assert {row["cell"] for row in overview.context["rows"]} == {tree.a1_1, tree.a1_2, tree.a2}
    # The cell's log page does not offer the committee's kind.
    page = client_for("cell_secretary").get(reverse("meetings:meeting_create") + f"?cell={tree.a1_1.pk}")
    assert MeetingKind.BRIEFING not in [v for v, _l in page.context["form"].fields["kind"].choices]
