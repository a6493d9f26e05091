"""Admission pages and the admissions-per-year query shared by the board and the targets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.admissions.choices import ATTRIBUTE_KEYS, CandidateStatus, ProbationOutcome, StageCode
from members.admissions.models import AdmissionStage, Candidate
from members.admissions.queries import admissions_by_year
from members.admissions.services import candidate_admit, candidate_create, probation_rows
from members.register.models import Member
from tests.factories import make_member
from tests.lists import records
from tests.test_admissions_rules import ready_candidate

pytestmark = pytest.mark.django_db
D = dt.date
LIST = reverse("admissions:candidate_list")
BOARD = reverse("admissions:board")


def admit(cell, ceremony, **profile):
    candidate = ready_candidate(cell, resolution=ceremony - dt.timedelta(days=40),
                                decision=ceremony - dt.timedelta(days=10), course=ceremony - dt.timedelta(days=200),
                                **profile)
    candidate_admit(candidate=candidate, ceremony_date=ceremony)
    candidate.refresh_from_db()
    return candidate


def test_an_outsider_gets_404_on_a_candidate_in_another_subtree(tree, client_for):
    candidate = candidate_create(cell=tree.a1_1, full_name="Lê Thị Ứng", gender="female", birth_date=D(1999, 1, 1))
    url = reverse("admissions:candidate_detail", args=[candidate.pk])

    assert client_for("outsider").get(url).status_code == 404
    assert client_for("outsider").post(reverse("admissions:candidate_admit", args=[candidate.pk]),
                                       {"ceremony_date": "20/10/2023"}).status_code == 404
    assert client_for("cell_secretary").post(reverse("admissions:candidate_admit", args=[candidate.pk]),
                                             {"ceremony_date": "20/10/2023"}).status_code == 403
    response = client_for("grassroots_officer").get(url)
    assert response.status_code == 200
    assert [c.code for c in response.context["checks"]] == ["age", "certificate", "sponsors", "education"]
    candidate.refresh_from_db()
    assert candidate.member_id is None


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size:
# 10, and since issue 20 the user's chosen columns (1) and the counts of the choice filters (4).
LIST_QUERIES = 15


def test_the_list_filters_by_stage_cell_and_attribute_in_constant_queries(tree, client_for):
    course = AdmissionStage.objects.get(code=StageCode.COURSE)
    a = candidate_create(cell=tree.a1_1, full_name="An", gender="female", birth_date=D(2000, 1, 1), youth_union=True)
    candidate_create(cell=tree.a1_2, full_name="Bình", gender="male", birth_date=D(2000, 1, 1))
    candidate_create(cell=tree.b1, full_name="Ngoài", gender="male", birth_date=D(2000, 1, 1))
    from members.admissions.services import stage_record

    stage_record(candidate=a, stage=course, date=D(2024, 3, 1), document_number="GCN 1")
    client = client_for("committee_staff")

    def names(params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return [c.full_name for c in records(response)]

    assert names({}) == ["An", "Bình"]
    assert names({"stage": course.pk}) == ["An"]
    assert names({"organization": tree.a1_2.pk}) == ["Bình"]
    assert names({"youth_union": "true"}) == ["An"]

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(25):
        candidate_create(cell=tree.a2, full_name=f"Thêm {i:02d}", gender="male", birth_date=D(2000, 1, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(few) == len(many) == LIST_QUERIES, (len(few), len(many))


def test_a_grassroots_officer_creates_records_and_admits_through_the_pages(tree, client_for, personas):
    client = client_for("grassroots_officer")
    response = client.post(reverse("admissions:candidate_create"), {
        "cell": tree.a1_1.pk, "full_name": "Trần Thị  Mai", "gender": "female", "birth_date": "08/03/1999",
        "ethnicity": "Khmer", "youth_union": "on", "worker": "on",
    })
    candidate = Candidate.objects.get()
    assert response.status_code == 302
    assert (candidate.full_name, candidate.youth_union, candidate.worker, candidate.trade_union) == (
        "Trần Thị Mai", True, True, False)
    assert candidate.history.first().history_user == personas.grassroots_officer

    stage = AdmissionStage.objects.get(code=StageCode.DECISION)
    refused = client.post(reverse("admissions:stage_record", args=[candidate.pk]),
                          {"stage": stage.pk, "date": "02/10/2023"})
    assert refused.status_code == 200 and "document_number" in refused.context["form"].errors

    ready = ready_candidate(tree.a1_1, full_name="Sẵn Sàng")
    url = reverse("admissions:candidate_admit", args=[ready.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"ceremony_date": "20/10/2023"}).status_code == 302
    again = client.post(url, {"ceremony_date": "21/10/2023"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert Member.objects.filter(full_name="Sẵn Sàng").count() == 1


def test_the_probation_decision_page_records_full_membership(tree, client_for):
    candidate = admit(tree.a1_1, D(2023, 3, 20))
    response = client_for("grassroots_officer").post(
        reverse("admissions:probation_decide", args=[candidate.pk]),
        {"outcome": "fit", "decided_on": "20/05/2024", "decision": "NQ 7"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.probation_outcome == ProbationOutcome.FULL
    assert candidate.member.full_membership_date == D(2024, 3, 20)


def test_the_probation_list_flags_overdue_decisions(tree, client_for):
    overdue = admit(tree.a1_1, D(2023, 1, 16))
    recent = admit(tree.a1_2, dt.date.today() - dt.timedelta(days=30))
    client = client_for("committee_staff")

    rows = {r.candidate.pk: r for r in client.get(reverse("admissions:probation_list")).context["rows"]}
    assert set(rows) == {overdue.pk, recent.pk}
    assert rows[overdue.pk].overdue and not rows[recent.pk].overdue
    only = client.get(reverse("admissions:probation_list"), {"overdue": "1"}).context["rows"]
    assert [r.candidate.pk for r in only] == [overdue.pk]
    [row] = probation_rows([recent])
    assert row.end > dt.date.today()


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size.
BOARD_QUERIES = 12


def test_admissions_per_year_and_by_attribute_are_one_query_shared_by_board_and_targets(tree, client_for):
    admit(tree.a1_1, D(2023, 4, 10), gender="female", youth_union=True, outstanding=True)
    admit(tree.a1_2, D(2023, 6, 12), gender="male", ethnicity="Khmer", private_enterprise=True)
    admit(tree.a2, D(2024, 5, 6), gender="female", worker=True, trade_union=True)
    admit(tree.b1, D(2023, 7, 3), gender="female")
    in_progress = ready_candidate(tree.a1_1, full_name="Chưa kết nạp")
    assert in_progress.status == CandidateStatus.IN_PROGRESS

    with CaptureQueriesContext(connection) as one:
        figures = admissions_by_year([tree.bloc_a.pk, tree.a1.pk, tree.province.pk], [2023, 2024])
    assert len(one) == 1
    assert figures[tree.bloc_a.pk][2023]["total"] == 2 and figures[tree.bloc_a.pk][2024]["total"] == 1
    assert figures[tree.a1.pk][2024]["total"] == 0
    assert figures[tree.province.pk][2023]["total"] == 3
    a_2023 = figures[tree.bloc_a.pk][2023]
    assert (a_2023["female"], a_2023["youth_union"], a_2023["youth_union_outstanding"], a_2023["khmer"],
            a_2023["ethnic_minority"], a_2023["private_enterprise"]) == (1, 1, 1, 1, 1, 1)
    assert figures[tree.bloc_a.pk][2024]["worker"] == figures[tree.bloc_a.pk][2024]["trade_union"] == 1

    client = client_for("committee_staff")
    response = client.get(BOARD, {"organization": tree.bloc_a.pk})
    assert response.status_code == 200
    board = response.context["counts"]
    years = response.context["years"]
    assert board == admissions_by_year([tree.bloc_a.pk], years)[tree.bloc_a.pk]
    assert {y: board[y] for y in (2023, 2024)} == {y: figures[tree.bloc_a.pk][y] for y in (2023, 2024)}
    assert list(board[2023]) == ATTRIBUTE_KEYS
    pipeline = {row["stage"].code if row["stage"] else None: row["count"] for row in response.context["pipeline"]}
    assert pipeline[StageCode.DECISION] == 1

    # The board's query count does not grow with the admissions.
    with CaptureQueriesContext(connection) as before:
        client.get(BOARD, {"organization": tree.bloc_a.pk})
    for i in range(4):
        admit(tree.a2, D(2024, 9, 2 + i), full_name=f"Thêm {i}")
    with CaptureQueriesContext(connection) as after:
        again = client.get(BOARD, {"organization": tree.bloc_a.pk})
    assert len(before) == len(after) == BOARD_QUERIES, (len(before), len(after))
    assert again.context["counts"][2024]["total"] == 5


def test_an_admission_counts_where_its_cell_stood_on_the_ceremony_day(tree):
    from organizations.services import organization_move

    admit(tree.a2, D(2023, 4, 10))
    organization_move(organization=tree.a2, new_parent=tree.bloc_b, date=D(2024, 1, 1))
    figures = admissions_by_year([tree.bloc_a.pk, tree.bloc_b.pk], [2023])
    assert figures[tree.bloc_a.pk][2023]["total"] == 1
    assert figures[tree.bloc_b.pk][2023]["total"] == 0


def test_the_candidate_list_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, client_for, django_assert_num_queries):
    course = AdmissionStage.objects.get(code=StageCode.COURSE)
    an = candidate_create(cell=tree.a1_2, full_name="An", gender="female", birth_date=D(2001, 1, 1))
    candidate_create(cell=tree.a1_1, full_name="Bình", gender="male", birth_date=D(1999, 1, 1))
    candidate_create(cell=tree.a2, full_name="Chi", gender="female", birth_date=D(2000, 1, 1))
    from members.admissions.services import stage_record

    stage_record(candidate=an, stage=course, date=D(2024, 3, 1), document_number="GCN 1")
    client = client_for("committee_staff")

    def names(params=None):
        return [c.full_name for c in records(client.get(LIST, params or {}))]

    assert names() == ["An", "Bình", "Chi"]  # by name
    assert names({"sort": "-full_name"}) == ["Chi", "Bình", "An"]
    assert names({"sort": "birth_date"}) == ["An", "Bình", "Chi"]  # no index: the sort is ignored (issue 20)
    assert names({"sort": "cell"}) == ["Bình", "An", "Chi"]  # Chi bộ A1-1, Chi bộ A1-2, Chi bộ Sở A2
    assert names({"gender": "female", "sort": "-birth_date"}) == ["An", "Chi"]
    assert names({"stage": course.pk, "sort": "cell"}) == ["An"]
    response = client.get(LIST, {"q": "không có"})
    assert "Không có quần chúng nào phù hợp." in response.content.decode()
    assert f'data-candidate="{an.pk}"' in client.get(LIST).content.decode()

    with django_assert_num_queries(LIST_QUERIES):
        assert len(records(client.get(LIST, {"sort": "cell"}))) == 3
    for i in range(27):
        candidate_create(cell=(tree.a1_1, tree.a1_2, tree.a2)[i % 3], full_name=f"Thêm {i:02d}", gender="male",
                         birth_date=D(2000, 1, 1))
    with django_assert_num_queries(LIST_QUERIES):
        assert len(records(client.get(LIST, {"sort": "cell"}))) == 30


def test_the_probation_list_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, client_for, django_assert_num_queries):
    def on_probation(cell, name, ceremony):
        return Candidate.objects.create(cell=cell, full_name=name, gender="female", birth_date=D(1995, 1, 1),
                                        status=CandidateStatus.ADMITTED, admitted_on=ceremony,
                                        member=make_member(cell, admission_date=ceremony, full_membership_date=None),
                                        probation_outcome=ProbationOutcome.PENDING)

    today = dt.date.today()
    overdue = on_probation(tree.a1_2, "Bình", D(2023, 1, 16))
    due = on_probation(tree.a1_1, "An", today - dt.timedelta(days=370))
    recent = on_probation(tree.a2, "Chi", today - dt.timedelta(days=30))
    client = client_for("committee_staff")
    url = reverse("admissions:probation_list")

    def names(params=None):
        return [c.full_name for c in records(client.get(url, params or {}))]

    assert names() == ["Bình", "An", "Chi"]  # the oldest ceremony first
    assert names({"sort": "-end"}) == ["Chi", "An", "Bình"]
    assert names({"sort": "full_name"}) == ["An", "Bình", "Chi"]
    assert names({"overdue": "1", "sort": "-full_name"}) == ["Bình"]
    html = client.get(url).content.decode()
    rows = dict(re.findall(r'<tr data-candidate="(\d+)" ([^>]*)>', html))
    assert 'class="table-danger' in rows[str(overdue.pk)] and 'data-overdue="1"' in rows[str(overdue.pk)]
    assert 'class="table-warning' in rows[str(due.pk)] and "data-overdue" not in rows[str(due.pk)]
    assert "table-" not in rows[str(recent.pk)] and "Quá hạn" in html
    client_for("outsider")
    assert "Không có đảng viên dự bị." in client.get(url).content.decode()
    client = client_for("committee_staff")

    with django_assert_num_queries(13):  # 10, the user's chosen columns, the overdue filter's counts (2)
        assert len(records(client.get(url, {"sort": "admitted_on"}))) == 3
    for i in range(27):
        on_probation((tree.a1_1, tree.a1_2, tree.a2)[i % 3], f"Thêm {i:02d}", today - dt.timedelta(days=40 + i))
    with django_assert_num_queries(13):  # 10, the user's chosen columns, the overdue filter's counts (2)
        assert len(records(client.get(url, {"sort": "admitted_on"}))) == 30
