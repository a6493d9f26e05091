"""The home page per role (issue 20, item 4): the secretary's "log this month's meeting" and the absences to
explain, staff's grids waiting for a decision, reports due and probations ending, leadership's targets off
track with their trend, the inspection committee's coverage against its band; each item links to where it
is done, everything is scoped, the menu follows the roles, and the page costs a fixed number of queries.
"Today" is 10/05/2025 (``config.home.today`` patched)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member

D = dt.date
TODAY = D(2025, 5, 10)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr("config.home.today", lambda: TODAY)
    return TODAY


def _meeting(cell, day, absences=None):
    from meetings.services import meeting_create

    return meeting_create(cell=cell, date=day, start_time=dt.time(8), end_time=dt.time(10), absences=absences or {})


def _propose(member, year, code="HTT"):
    from members.ratings.models import MemberRating, RatingScheme

    scheme = RatingScheme.objects.for_year("member", year).first()
    return MemberRating.objects.create(member=member, year=year, scheme=scheme, status="proposed", cell=member.cell,
                                       grassroots=member.cell.grassroots() or member.cell,
                                       proposed_level=scheme.levels.get(code=code))


def _attainment(target, org, year, value, status):
    from targets.engine.models import Attainment

    return Attainment.objects.create(target=target, organization=org, year=year, period_start=D(year, 1, 1),
                                     period_end=D(year, 12, 31), numerator=value, denominator=100, value=value,
                                     status=status, computed_at=timezone.now())


def _home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def _section(html, name):
    found = re.search(rf'<section[^>]*data-home="{name}".*?</section>', html, flags=re.S)
    return found.group(0) if found else ""


@pytest.fixture
def home_world(tree, fixed_today):
    """A1-1 (the secretary's cell): 3 members, April's meeting with one member absent without reason; no May
    meeting yet. A1-2: May's meeting logged, one absent with reason. A2: 2 members, one absent without
    reason in March. B1 (bloc B): an absence nobody in bloc A may see."""
    from meetings.choices import AttendanceStatus as S

    a11 = [make_member(tree.a1_1, full_name=f"Đảng viên A11-{i}") for i in range(3)]
    a12 = [make_member(tree.a1_2, full_name=f"Đảng viên A12-{i}") for i in range(2)]
    a2 = [make_member(tree.a2, full_name=f"Đảng viên A2-{i}") for i in range(2)]
    b1 = [make_member(tree.b1, full_name="Đảng viên B1")]
    april = _meeting(tree.a1_1, D(2025, 4, 8), {a11[0].pk: (S.ABSENT_UNEXCUSED, "")})
    may_a12 = _meeting(tree.a1_2, D(2025, 5, 6), {a12[0].pk: (S.ABSENT_EXCUSED, "Đi công tác")})
    march_a2 = _meeting(tree.a2, D(2025, 3, 12), {a2[1].pk: (S.ABSENT_UNEXCUSED, "")})
    _meeting(tree.a1_1, D(2024, 12, 9), {a11[1].pk: (S.ABSENT_UNEXCUSED, "")})  # last year: not this year's
    _meeting(tree.b1, D(2025, 4, 2), {b1[0].pk: (S.ABSENT_UNEXCUSED, "")})
    return SimpleNamespace(a11=a11, a12=a12, a2=a2, b1=b1, april=april, may_a12=may_a12, march_a2=march_a2)


def test_secretary_logs_this_months_meeting_in_one_tap_and_sees_absences_to_explain(tree, home_world, client_for):
    response, html = _home(client_for("cell_secretary"))
    section = response.context["secretary"]
    assert response.context["sections"] == ("secretary",)
    assert [(c.cell, c.meeting_id) for c in section["cells"]] == [(tree.a1_1, None)]
    log_url = f'{reverse("meetings:meeting_create")}?cell={tree.a1_1.pk}'
    card = _section(html, "secretary")
    assert f'href="{log_url}" data-home-item="log-meeting"' in card
    assert "Ghi sinh hoạt tháng này" in card
    assert "Chi bộ A1-1 · Đảng bộ Sở A1" in card  # the cell with its đảng bộ
    # Only April's unexcused absence of the secretary's own cell (not last year's, not another cell's).
    assert section["absences_total"] == 1
    assert [(a.attendance.member, a.attendance.meeting) for a in section["absences"]] == [
        (home_world.a11[0], home_world.april)]
    edit = reverse("meetings:meeting_edit", args=[home_world.april.pk]) + f"#attendance-{home_world.a11[0].pk}"
    assert f'href="{edit}"' in card and "Đảng viên A11-0" in card
    assert _section(html, "staff") == "" and _section(html, "leadership") == ""
    # The link opens the meeting form of that cell for today.
    form = client_for("cell_secretary").get(log_url)
    assert form.status_code == 200 and form.context["cell"] == tree.a1_1


def test_a_logged_month_links_to_the_meeting_and_the_officer_sees_both_cells(tree, home_world, client_for):
    response, html = _home(client_for("grassroots_officer"))
    assert response.context["sections"] == ("secretary", "staff")
    cells = {c.cell: c for c in response.context["secretary"]["cells"]}
    assert set(cells) == {tree.a1_1, tree.a1_2}
    assert cells[tree.a1_2].meeting_id == home_world.may_a12.pk
    assert reverse("meetings:meeting_detail", args=[home_world.may_a12.pk]) in _section(html, "secretary")
    # Excused with a reason written is explained; A2 lies outside A1.
    assert response.context["secretary"]["absences_total"] == 1


def test_staff_see_grids_waiting_reports_due_and_probations_ending(tree, home_world, client_for):
    from members.admissions.models import Candidate
    from targets.records.models import PeriodicReport
    from targets.records.services import report_submission_create

    for member in home_world.a11[:2]:
        _propose(member, 2024)
    _propose(home_world.a2[0], 2024)
    _propose(home_world.b1[0], 2024)  # bloc B: not for bloc A's staff
    quarterly = PeriodicReport.objects.get(code="degradation-quarterly")  # Q2 due 20/06/2025
    report_submission_create(report=quarterly, organization=tree.a1, year=2025, quarter=2, submitted_on=D(2025, 5, 5))
    probation_member = make_member(tree.a1_1, full_name="Đảng viên Dự Bị", admission_date=D(2024, 6, 1),
                                   full_membership_date=None, start=D(2024, 6, 1))
    candidate = Candidate.objects.create(cell=tree.a1_1, full_name="Đảng viên Dự Bị", gender="female",
                                         birth_date=D(1999, 1, 1), status="admitted", member=probation_member,
                                         admitted_on=D(2024, 6, 1), probation_outcome="pending")

    response, html = _home(client_for("committee_staff"))
    staff = response.context["staff"]
    assert response.context["sections"] == ("staff",)
    assert [(g.label, g.year, g.proposed) for g in staff["grids"]] == [("Chi bộ Sở A2", 2024, 1),
                                                                       ("Đảng bộ Sở A1", 2024, 2)]
    card = _section(html, "staff")
    assert reverse("ratings:member_grid", kwargs={"org_pk": tree.a1.pk, "year": 2024}) in card
    assert reverse("ratings:member_grid", kwargs={"org_pk": tree.a2.pk, "year": 2024}) in card
    due = [x["due"] for x in staff["reports"]]
    assert [(r.report.code, r.quarter, r.organizations, r.not_submitted) for r in due] == [
        ("degradation-quarterly", 2, 2, 1)]
    assert "20/06/2025" in card
    assert [c.pk for c in staff["probations"]] == [candidate.pk]
    assert reverse("admissions:probation_decide", args=[candidate.pk]) in card
    assert "01/06/2025" in card
    # The grid link opens the grid with the proposals.
    grid = client_for("committee_staff").get(reverse("ratings:member_grid", kwargs={"org_pk": tree.a1.pk,
                                                                                    "year": 2024}))
    assert grid.status_code == 200
    # The outsider (bloc B's staff) sees only bloc B's grid.
    outsider = client_for("outsider").get(reverse("home")).context["staff"]
    assert [(g.label, g.proposed) for g in outsider["grids"]] == [("Chi bộ Sở B1", 1)]


def test_leadership_sees_targets_off_track_with_their_trend(tree, personas, client_for, fixed_today):
    from tests.test_dashboard import resolution, target

    res = resolution(tree.bloc_a, start=2021, end=2025)
    off = target(res, "DB-1", "R-mem", {"levels": ["HTT"]}, "gte", 85, order=1)
    fine = target(res, "DB-2", "R-mem", {"levels": ["HTXS"]}, "gte", 10, order=2)
    for year, value in ((2023, 80), (2024, 82)):
        _attainment(off, tree.bloc_a, year, value, "not_met")
    _attainment(off, tree.bloc_a, 2025, 78, "not_met")
    _attainment(off, tree.a1, 2025, 50, "not_met")  # another organization: not on the bloc's home page
    _attainment(fine, tree.bloc_a, 2025, 20, "met")

    response, html = _home(client_for("leadership"))
    leadership = response.context["leadership"]
    assert response.context["sections"] == ("leadership",)
    assert leadership["year"] == 2025 and leadership["total"] == 1
    [row] = leadership["rows"]
    assert row.attainment.target == off
    assert [(y, int(v)) for y, v in row.trend] == [(2023, 80), (2024, 82), (2025, 78)]
    assert row.change["icon"] == "bi-arrow-down-right" and row.change["text"].startswith("−4")
    card = _section(html, "leadership")
    assert reverse("dashboard:target", args=[off.pk, tree.bloc_a.pk, 2025]) in card
    assert reverse("dashboard:trends", args=[res.pk]) in card
    assert "2023: 80 → 2024: 82 → 2025: 78" in card
    assert "DB-2" not in card
    assert client_for("leadership").get(row.drill_url).status_code == 200


def test_inspection_staff_see_coverage_against_the_band(tree, home_world, client_for):
    from inspections.services import inspection_create
    from tests.test_targets_views import attach

    attach(tree.bloc_a, ("LD-5a",), code="kt", start=2021, end=2025)  # 30–35 % of members a year
    members = home_world.a11 + home_world.a12 + home_world.a2  # 7 members under bloc A
    inspection_create(members=members[:2], organizations=[], activity="inspection", kind="tasks",
                      conducting_body=tree.bloc_a, charter_article="30", decision_number="KT-9",
                      decision_date=D(2025, 2, 1), start_date=D(2025, 2, 1))

    response, html = _home(client_for("inspection_staff"))
    inspection = response.context["inspection"]
    rows = {r["key"]: r for r in inspection["rows"]}
    assert (rows["members"]["figure"].covered, rows["members"]["figure"].total) == (2, 7)
    assert rows["members"]["position"] == "below"  # 28,6 % < 30 %
    assert inspection["target"].code == "KT-1"
    card = _section(html, "inspection")
    assert "2/7 = 28,6%" in card and "30–35%" in card
    assert f'{reverse("inspections:coverage")}?organization={tree.bloc_a.pk}' in card


def test_the_menu_shows_each_role_what_it_uses(tree, personas, client_for):
    def menu(persona):
        html = client_for(persona).get(reverse("home")).content.decode()
        nav = re.search(r'<ul class="navbar-nav me-auto.*?</ul>\s*<ul class="navbar-nav">', html, flags=re.S).group(0)
        return set(re.findall(r'data-menu="([a-z]+)"', nav))

    assert menu("cell_secretary") == {"home", "meetings", "members", "ratings", "records"}
    assert menu("inspection_staff") == {"home", "dashboard", "organizations", "members", "inspections"}
    assert "admissions" not in menu("leadership") and "dashboard" in menu("leadership")
    assert menu("administrator") >= {"dashboard", "targets", "ratings", "meetings", "admissions", "inspections",
                                     "roles"}
    assert menu("no_role") == {"home"}


def test_no_role_has_no_sections(personas, client_for):
    response, _html = _home(client_for("no_role"))
    assert response.context["sections"] == ()


# The coverage item (inspection staff, administrator) reads the size of its scope first
# (organizations.slots.large_subtree, issue 16): one query.
@pytest.mark.parametrize(("persona", "queries"), [("cell_secretary", 11), ("grassroots_officer", 17),
                                                  ("committee_staff", 15), ("leadership", 10),
                                                  ("inspection_staff", 13), ("administrator", 20)])
def test_home_page_query_count_is_pinned(tree, home_world, client_for, persona, queries,
                                         django_assert_max_num_queries):
    client = client_for(persona)
    with django_assert_max_num_queries(queries):
        client.get(reverse("home"))
    # Ten times the absences and proposals cost the same.
    from meetings.choices import AttendanceStatus as S

    extra = [make_member(tree.a1_1) for _ in range(10)]
    _meeting(tree.a1_1, D(2025, 2, 10), {m.pk: (S.ABSENT_UNEXCUSED, "") for m in extra})
    for m in extra:
        _propose(m, 2024)
    with django_assert_max_num_queries(queries):
        client.get(reverse("home"))
