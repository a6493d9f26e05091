"""Inspection and discipline pages: scoping of conclusions, writes by inspection staff, the list's
constant query count and the coverage page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Discipline, Inspection
from inspections.services import inspection_create
from organizations.choices import Role
from organizations.models import RoleAssignment
from tests.factories import UserFactory, make_member
from tests.lists import records

pytestmark = pytest.mark.django_db
D = dt.date


DECIDED = D(2024, 5, 1)  # the decision date of a record made by inspect()


def inspect(members=(), organizations=(), *, body, number="KT-1", day=DECIDED, **kw):
    fields = {"activity": "inspection", "kind": "violation_signs", "conducting_body": body, "charter_article": "30",
              "decision_number": number, "decision_date": day, "start_date": day, "conclusion": "violation",
              "conclusion_text": "Vi phạm quy định về đảng viên làm kinh tế", **kw}
    return inspection_create(members=members, organizations=organizations, **fields)


def test_a_members_inspection_conclusion_is_seen_by_the_tccsd_officer_not_another_cells_secretary(
        tree, personas, client):
    inspection = inspect([make_member(tree.a1_1)], body=tree.bloc_a)
    other_secretary = UserFactory(username="bithu2")
    RoleAssignment.objects.create(user=other_secretary, role=Role.CELL_SECRETARY, organization=tree.a1_2)
    url = reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})

    client.force_login(personas.grassroots_officer)  # the officer of Đảng bộ Sở A1, the member's TCCSĐ
    response = client.get(url)
    assert response.status_code == 200
    assert "Vi phạm quy định về đảng viên làm kinh tế" in response.content.decode()
    assert list(response.context["members"]) == list(inspection.members.all())

    client.force_login(other_secretary)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("inspections:inspection_list"))
    assert listing.status_code == 200 and records(listing) == []
    assert "Vi phạm quy định" not in listing.content.decode()


def test_inspection_staff_record_an_inspection_through_the_page(tree, personas, client):
    member = make_member(tree.a1_1)
    client.force_login(personas.inspection_staff)
    response = client.post(reverse("inspections:inspection_create"), {
        "activity": "supervision", "kind": "thematic_supervision", "conducting_body": tree.a1.pk,
        "charter_article": "30", "decision_number": "GS-07", "decision_date": "2024-06-01",
        "members": [member.pk], "organizations": [tree.a1_1.pk], "start_date": "2024-06-10",
        "conclusion": "none", "follow_up": "none"})
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == f"/inspections/{inspection.pk}/"
    assert (inspection.activity, inspection.scope_path, inspection.recorded_by) == (
        "supervision", tree.a1_1.path, personas.inspection_staff)
    assert list(inspection.members.all()) == [member]


def test_a_cell_secretary_may_not_record_or_edit(tree, personas, client):
    inspection = inspect([make_member(tree.a1_1)], body=tree.a1)
    client.force_login(personas.cell_secretary)
    assert client.get(reverse("inspections:inspection_create")).status_code == 403
    assert client.post(reverse("inspections:inspection_edit", kwargs={"pk": inspection.pk}),
                       {"decision_number": "X"}).status_code == 403
    inspection.refresh_from_db()
    assert inspection.decision_number == "KT-1"


def test_edit_changes_the_record_and_refuses_a_stale_version(tree, personas, client):
    inspection = inspect([make_member(tree.a1_1)], body=tree.a1)
    client.force_login(personas.inspection_staff)
    form = client.get(reverse("inspections:inspection_edit", kwargs={"pk": inspection.pk})).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"members": [m.pk for m in inspection.members.all()], "organizations": [], "version": 1,
                 "conclusion": "shortcomings", "decision_date": "2024-05-01", "start_date": "2024-05-01",
                 "follow_up": "pending", "follow_up_due": "2024-12-31"})
    url = reverse("inspections:inspection_edit", kwargs={"pk": inspection.pk})
    assert client.post(url, data).status_code == 302
    inspection.refresh_from_db()
    assert (inspection.conclusion, inspection.follow_up, inspection.version) == ("shortcomings", "pending", 2)
    stale = client.post(url, {**data, "conclusion": "none"})
    assert stale.status_code == 200 and stale.context["form"].errors
    inspection.refresh_from_db()
    assert inspection.conclusion == "shortcomings"


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size:
# 10, and since issue 20 the user's chosen columns (1) and the counts of the choice filters (3).
LIST_QUERIES = 14


def test_the_list_page_costs_the_same_queries_for_2_or_30_records(tree, personas, client):
    client.force_login(personas.committee_staff)
    url = reverse("inspections:inspection_list")

    def count():
        client.get(url)  # warm the session and the scope cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + "?year=2024").status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        inspect([make_member(tree.a1_1)], [tree.a1_2], body=tree.a1, number=f"A{n}")
    few = count()
    for n in range(28):
        inspect([make_member(tree.a1_1), make_member(tree.a1_2)], [tree.a1_1], body=tree.a1, number=f"B{n}")
    many = count()
    assert few == many == LIST_QUERIES, (few, many)


def test_a_discipline_form_outside_the_allowed_list_is_refused_on_the_page(tree, personas, client):
    member = make_member(tree.a1_1)
    client.force_login(personas.inspection_staff)
    response = client.post(reverse("inspections:discipline_create"), {
        "organization": tree.a1_1.pk, "form": "expulsion", "violation_year": 2024, "decision_number": "09",
        "decision_date": "2024-09-01", "deciding_body": tree.a1.pk})
    assert response.status_code == 200 and "form" in response.context["form"].errors
    assert not Discipline.objects.exists()
    response = client.post(reverse("inspections:discipline_create"), {
        "member": member.pk, "form": "warning", "violation_year": 2024, "decision_number": "10",
        "decision_date": "2024-09-01", "deciding_body": tree.a1.pk})
    discipline = Discipline.objects.get()
    assert response.status_code == 302 and (discipline.member, discipline.scope_path) == (member, tree.a1_1.path)


def test_the_coverage_page_shows_the_shares(tree, personas, client):
    members = [make_member(tree.a1_1) for _ in range(4)]
    inspect(members[:1], body=tree.a1)
    inspect(members[:1], [tree.a1_1], body=tree.a1, number="KT-2")
    client.force_login(personas.committee_staff)
    response = client.get(reverse("inspections:coverage"), {"organization": tree.a1.pk, "year": 2024})
    assert response.status_code == 200
    figures = [(c.covered, c.total) for _title, c in response.context["figures"]]
    assert figures == [(1, 4), (1, 2), (0, 1), (0, 1)]
    term = client.get(reverse("inspections:coverage"), {"organization": tree.bloc_a.pk, "start": 2020, "end": 2025})
    assert next((c.covered, c.total) for _t, c in term.context["figures"]) == (1, 4)
    client.force_login(personas.outsider)
    assert client.get(reverse("inspections:coverage"), {"organization": tree.a1.pk}).status_code == 404


def _numbers(response) -> list[str]:
    return [row.decision_number for row in records(response)]


def test_the_inspection_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client, django_assert_num_queries):
    inspect([make_member(tree.a1_1)], body=tree.a1, number="KT-03", day=D(2024, 3, 1))
    inspect([], [tree.a1_2], body=tree.a1, number="GS-01", day=D(2024, 6, 1), activity="supervision",
            kind="thematic_supervision", conclusion="none", charter_article="")
    inspect([make_member(tree.a2)], body=tree.bloc_a, number="KT-02", day=D(2023, 9, 1))
    client.force_login(personas.committee_staff)
    url = reverse("inspections:inspection_list")

    assert _numbers(client.get(url)) == ["GS-01", "KT-03", "KT-02"]  # the newest decision first
    assert _numbers(client.get(url, {"year": 2024, "sort": "decision_number"})) == ["GS-01", "KT-03"]
    assert _numbers(client.get(url, {"activity": "inspection", "sort": "decision_date"})) == ["KT-02", "KT-03"]
    assert _numbers(client.get(url, {"q": "kt", "conclusion": "violation", "article": "30",
                                     "sort": "-decision_number"})) == ["KT-03", "KT-02"]
    assert _numbers(client.get(url, {"kind": "thematic_supervision"})) == ["GS-01"]
    empty = client.get(url, {"q": "không có"})
    assert _numbers(empty) == [] and "Chưa ghi nhận cuộc kiểm tra, giám sát nào." in empty.content.decode()
    refused = client.get(url, {"year": "1800"})  # out of range: the form says so and selects nothing
    assert _numbers(refused) == [] and refused.context["filterset"].form.errors["year"]

    page = {"year": 2024, "sort": "-decision_date"}
    with django_assert_num_queries(LIST_QUERIES):
        assert len(records(client.get(url, page))) == 2
    for n in range(28):
        inspect([make_member(tree.a1_1), make_member(tree.a1_2)], [tree.a1_1], body=tree.a1, number=f"B{n:02d}")
    with django_assert_num_queries(LIST_QUERIES):
        assert len(records(client.get(url, page))) == 30


def test_the_discipline_list_filters_orders_and_costs_the_same_queries_for_3_or_30_rows(
        tree, personas, client, django_assert_num_queries):
    from inspections.services import discipline_record

    def discipline(subject, number, *, form="reprimand", year=2024, day=None, **kw):
        kw["member" if hasattr(subject, "full_name") else "organization"] = subject
        return discipline_record(form=form, violation_year=year, decision_number=number,
                                 decision_date=day or D(2024, 9, 1), deciding_body=tree.a1, **kw)

    discipline(make_member(tree.a1_1, full_name="Trần Văn Bảo"), "KL-02", day=D(2024, 10, 1))
    discipline(make_member(tree.a1_2, full_name="Lê Thị An"), "KL-01", form="warning", year=2023, day=D(2024, 2, 1))
    discipline(tree.a1_1, "KL-03", day=D(2024, 11, 1), leadership_collective=True)
    client.force_login(personas.committee_staff)
    url = reverse("inspections:discipline_list")

    def numbers(params=None):
        return [d.decision_number for d in records(client.get(url, params or {}))]

    assert numbers() == ["KL-03", "KL-02", "KL-01"]  # the newest decision first
    assert numbers({"form": "reprimand", "sort": "decision_date"}) == ["KL-02", "KL-03"]
    assert numbers({"year": 2023}) == ["KL-01"]
    assert numbers({"sort": "violation_year"}) == ["KL-01", "KL-03", "KL-02"]
    html = client.get(url).content.decode()
    assert "Chi bộ A1-1 (tập thể lãnh đạo)" in html
    empty = client.get(url, {"form": "expulsion"})
    assert numbers({"form": "expulsion"}) == [] and "Chưa ghi nhận quyết định kỷ luật nào." in empty.content.decode()

    with django_assert_num_queries(10):  # 8, the user's chosen columns, the form filter's counts (issue 20)
        assert len(records(client.get(url, {"sort": "-decision_date"}))) == 3
    for n in range(27):
        discipline(make_member(tree.a1_1 if n % 2 else tree.a2), f"KL-{10 + n}")
    with django_assert_num_queries(10):  # 8, the user's chosen columns, the form filter's counts (issue 20)
        assert len(records(client.get(url, {"sort": "-decision_date"}))) == 30
