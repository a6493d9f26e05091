"""A member's whole story on one page (issue 20, item 5): membership periods and transfers, positions, status
periods, ratings by year, this year's attendance (rate, absences with reasons), inspections and discipline,
admission and probation, the audit trail — each a section linking to its records. The sections of the apps
above the register come from ``members.register.sections`` (registered in their AppConfig.ready)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import make_member

D = dt.date


def _section(html, key):
    found = re.search(rf'<section[^>]*data-section="{key}".*?</section>', html, flags=re.S)
    assert found, key
    return found.group(0)


@pytest.fixture
def story(tree, monkeypatch):
    """A member admitted 01/06/2024 in A1-1 (probation ends 01/06/2025), moved to A1-2 on 01/09/2024, a
    committee member of A1-2, on sick leave in 2024; rated HTT for 2023 (decided), 2024's decided HT annulled
    and re-rated KHT by a discipline for 2024; this year (2025, "today" 10/05) expected at three meetings of
    A1-2: present, absent with reason "Ốm", absent without reason."""
    from inspections.services import discipline_record, inspection_create
    from meetings.choices import AttendanceStatus as S
    from meetings.services import meeting_create
    from members.admissions.models import Candidate
    from members.ratings.models import MemberRating, RatingScheme
    from members.register.services import member_transfer, position_add, status_period_add

    today = D(2025, 5, 10)
    monkeypatch.setattr("members.register.sections.today", lambda: today)
    member = make_member(tree.a1_1, full_name="Trần Thị Toàn Cảnh", start=D(2022, 1, 1),
                         admission_date=D(2024, 6, 1), full_membership_date=None)
    candidate = Candidate.objects.create(cell=tree.a1_1, full_name=member.full_name, gender="female",
                                         birth_date=D(1995, 1, 1), status="admitted", member=member,
                                         admitted_on=D(2024, 6, 1), probation_outcome="pending")
    member_transfer(member=member, to_cell=tree.a1_2, date=D(2024, 9, 1))
    position_add(member=member, organization=tree.a1_2, position="committee_member", start=D(2024, 9, 1))
    status_period_add(member=member, kind="sick_leave", start=D(2024, 2, 1), end=D(2024, 3, 1))
    scheme = RatingScheme.objects.for_year("member", 2023).first()
    MemberRating.objects.create(member=member, year=2023, scheme=scheme, status="decided", cell=tree.a1_1,
                                grassroots=tree.a1, decided_level=scheme.levels.get(code="HTT"))
    scheme24 = RatingScheme.objects.for_year("member", 2024).first()
    MemberRating.objects.create(member=member, year=2024, scheme=scheme24, status="decided", cell=tree.a1_2,
                                grassroots=tree.a1, decided_level=scheme24.levels.get(code="HT"))
    discipline = discipline_record(form="reprimand", violation_year=2024, decision_number="KL-7",
                                   decision_date=D(2025, 2, 3), deciding_body=tree.a1, member=member)
    inspection = inspection_create(members=[member], activity="inspection", kind="tasks", conducting_body=tree.a1,
                                   charter_article="30", decision_number="KT-3", decision_date=D(2025, 1, 20),
                                   start_date=D(2025, 1, 20))
    meetings = [meeting_create(cell=tree.a1_2, date=day, start_time=dt.time(8), end_time=dt.time(10),
                               absences=absences)
                for day, absences in ((D(2025, 1, 8), {}), (D(2025, 2, 8), {member.pk: (S.ABSENT_EXCUSED, "Ốm")}),
                                      (D(2025, 3, 8), {member.pk: (S.ABSENT_UNEXCUSED, "")}))]
    return member, candidate, discipline, inspection, meetings


def test_the_member_page_tells_the_whole_story_with_links(tree, story, client_for):
    member, candidate, discipline, inspection, meetings = story
    response = client_for("committee_staff").get(reverse("members:member_detail", args=[member.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert [s["key"] for s in response.context["sections"]] == ["admission", "ratings", "attendance", "inspections"]

    periods = _section(html, "periods")
    assert "Chi bộ A1-1 · Đảng bộ Sở A1" in periods and "Chi bộ A1-2 · Đảng bộ Sở A1" in periods
    assert "01/09/2024" in periods
    assert reverse("organizations:organization_detail", args=[tree.a1_2.pk]) in periods
    assert reverse("members:member_transfer", args=[member.pk]) in periods
    assert reverse("organizations:organization_detail", args=[tree.a1_2.pk]) in _section(html, "positions")
    assert "01/02/2024" in _section(html, "status")

    ratings = response.context["sections"][1]["data"]["ratings"]
    assert [(r.year, r.status, r.decided_level.code) for r in ratings] == [
        (2024, "decided", "KHT"), (2024, "annulled", "HT"), (2023, "decided", "HTT")]
    ratings_html = _section(html, "ratings")
    assert reverse("ratings:member_grid", kwargs={"org_pk": tree.a1.pk, "year": 2024}) in ratings_html
    assert reverse("ratings:member_grid", kwargs={"org_pk": tree.a1.pk, "year": 2023}) in ratings_html

    attendance = response.context["sections"][2]["data"]
    assert attendance["year"] == 2025
    assert (attendance["counts"]["expected"], attendance["counts"]["present"]) == (3, 1)
    assert attendance["rate"] == 33.3
    assert [a.meeting for a in attendance["absences"]] == [meetings[2], meetings[1]]
    attendance_html = _section(html, "attendance")
    assert "33,3%" in attendance_html and "Ốm" in attendance_html
    assert reverse("meetings:meeting_detail", args=[meetings[1].pk]) in attendance_html

    inspections_html = _section(html, "inspections")
    assert reverse("inspections:inspection_detail", args=[inspection.pk]) in inspections_html
    assert reverse("inspections:discipline_detail", args=[discipline.pk]) in inspections_html
    assert "KT-3" in inspections_html and "KL-7" in inspections_html

    admission = _section(html, "admission")
    assert reverse("admissions:candidate_detail", args=[candidate.pk]) in admission
    assert "01/06/2024" in admission and "01/06/2025" in admission

    assert "data-section=\"history\"" in html


def test_sections_keep_to_the_readers_scope(tree, story, client_for):
    """A 2022 rating made while the member belonged to bloc B's cell is not shown to bloc A's staff (the
    section reads through visible_to), while the administrator of the province sees it; a reader outside
    the member's cell sees no page at all."""
    from members.ratings.models import MemberRating, RatingScheme

    member = story[0]
    scheme = RatingScheme.objects.for_year("member", 2022).first()
    MemberRating.objects.create(member=member, year=2022, scheme=scheme, status="decided", cell=tree.b1,
                                grassroots=tree.b1, decided_level=scheme.levels.get(code="HTT"))
    url = reverse("members:member_detail", args=[member.pk])

    def years(persona):
        sections = client_for(persona).get(url).context["sections"]
        return [r.year for r in next(s for s in sections if s["key"] == "ratings")["data"]["ratings"]]

    assert years("committee_staff") == [2024, 2024, 2023]
    assert years("administrator") == [2024, 2024, 2023, 2022]
    assert client_for("cell_secretary").get(url).status_code == 404  # the member now belongs to A1-2
    assert client_for("outsider").get(url).status_code == 404


def test_a_member_without_records_shows_empty_sections(tree, client_for):
    member = make_member(tree.a2)
    response = client_for("committee_staff").get(reverse("members:member_detail", args=[member.pk]))
    html = response.content.decode()
    assert "Chưa có kết quả xếp loại nào." in _section(html, "ratings")
    data = {s["key"]: s["data"] for s in response.context["sections"]}
    assert data["ratings"]["ratings"] == [] and data["attendance"]["counts"]["expected"] == 0
    assert data["admission"]["candidate"] is None
    assert data["inspections"] == {"inspections": [], "disciplines": []}


def test_the_registry_orders_and_replaces_sections():
    from members.register import sections

    keys = [s.key for s in sections.registered()]
    assert keys == ["admission", "ratings", "attendance", "inspections"]
    again = sections.registered()[0]
    sections.register(again)  # a second ready() does not add it twice
    assert [s.key for s in sections.registered()] == keys
