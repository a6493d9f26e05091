"""Organization pages as the personas use them: response first, then the database."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.choices import EventKind, OrgKind, Role
from organizations.models import Organization, OrganizationEvent, RoleAssignment
from tests.factories import make_member
from tests.lists import records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_tree_shows_the_top_of_the_scope_with_counts(client_for, tree):
    make_member(tree.a1_1)
    make_member(tree.a2)
    client = client_for("committee_staff")
    response = client.get(reverse("organizations:organization_list"))
    assert response.status_code == 200
    rows = {o.name: (o.children_count, o.members_count) for o in records(response)}
    assert rows == {"Đảng ủy Khối A": (2, 2)}


# Measured baseline (queries of the request, its ATOMIC_REQUESTS savepoint included), whatever the data's size.
DETAIL_QUERIES = 15


def test_detail_lists_children_with_counts_in_constant_queries(client_for, tree, django_assert_max_num_queries):
    client = client_for("committee_staff")
    url = reverse("organizations:organization_detail", args=[tree.bloc_a.pk])
    client.get(url)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        cell = Organization.objects.get(pk=tree.a2.pk)
        from organizations.services import organization_create

        organization_create(name=f"Chi bộ thêm {i}", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                            founded_on=dt.date(2021, 1, 1))
        make_member(cell)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(records(response, "children")) == 10
    assert len(few) == len(many) == DETAIL_QUERIES, (len(few), len(many))


def test_outsider_gets_404_on_another_subtree(client_for, tree):
    response = client_for("outsider").get(reverse("organizations:organization_detail", args=[tree.a1.pk]))
    assert response.status_code == 404


def test_staff_creates_a_cell_with_its_host_unit(client_for, tree):
    client = client_for("committee_staff")
    response = client.post(reverse("organizations:organization_create"), {
        "parent": tree.bloc_a.pk, "name": "Chi bộ Công ty Cà phê", "kind": OrgKind.GRASSROOTS_CELL,
        "founded_on": "15/03/2022", "host_unit_name": "Công ty TNHH Cà phê Cầu Đất", "host_unit_sector":
        "private_enterprise"})
    assert response.status_code == 302
    org = Organization.objects.get(name="Chi bộ Công ty Cà phê")
    assert org.founded_on == dt.date(2022, 3, 15)
    assert org.host_unit.sector == "private_enterprise"
    assert Organization.objects.get_parent(org) == tree.bloc_a
    assert OrganizationEvent.objects.filter(organization=org, kind=EventKind.FOUNDED).exists()


def test_a_wrong_kind_is_refused_with_a_message_and_nothing_saved(client_for, tree):
    client = client_for("committee_staff")
    response = client.post(reverse("organizations:organization_create"), {
        "parent": tree.bloc_a.pk, "name": "Chi bộ sai", "kind": OrgKind.SUB_CELL, "founded_on": "15/03/2022"})
    assert response.status_code == 200
    assert "không thể trực thuộc" in response.content.decode()
    assert not Organization.objects.filter(name="Chi bộ sai").exists()


def test_staff_cannot_create_outside_the_scope(client_for, tree):
    client = client_for("committee_staff")
    response = client.post(reverse("organizations:organization_create"), {
        "parent": tree.b1.pk, "name": "Chi bộ lạ", "kind": OrgKind.PARTY_GROUP, "founded_on": "15/03/2022"})
    assert response.status_code == 200  # the parent is not among the choices
    assert "parent" in response.context["form"].errors
    assert not Organization.objects.filter(name="Chi bộ lạ").exists()


def test_move_needs_confirmation_then_records_the_event(client_for, tree):
    client = client_for("administrator")
    url = reverse("organizations:organization_move", args=[tree.a2.pk])
    data = {"new_parent": tree.bloc_b.pk, "date": "01/07/2025"}
    response = client.post(url, data)
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    assert Organization.objects.get_parent(Organization.objects.get(pk=tree.a2.pk)) == tree.bloc_a
    response = client.post(url, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Organization.objects.get_parent(Organization.objects.get(pk=tree.a2.pk)) == tree.bloc_b
    assert OrganizationEvent.objects.filter(organization=tree.a2, kind=EventKind.MOVED).count() == 1


def test_merge_through_the_page(client_for, tree):
    from organizations.services import organization_create

    other = organization_create(name="Chi bộ Sở A3", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                founded_on=dt.date(2020, 1, 1))
    member = make_member(other)
    client = client_for("committee_staff")
    response = client.post(reverse("organizations:organization_merge", args=[tree.a2.pk]),
                           {"sources": [other.pk], "date": "01/01/2025", "confirm": "on"})
    assert response.status_code == 302
    other.refresh_from_db()
    member.refresh_from_db()
    assert other.dissolved_on == dt.date(2025, 1, 1)
    assert member.cell_id == tree.a2.pk


def test_split_assigns_members_to_lines(client_for, tree):
    a, b = make_member(tree.a2), make_member(tree.a2)
    client = client_for("committee_staff")
    response = client.post(reverse("organizations:organization_split", args=[tree.a2.pk]), {
        "parts": "Chi bộ Phòng 1\nChi bộ Phòng 2", "date": "01/02/2024", f"member_{a.pk}": "1",
        f"member_{b.pk}": "2", "confirm": "on"})
    assert response.status_code == 302, response.context["form"].errors
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.cell.name, b.cell.name) == ("Chi bộ Phòng 1", "Chi bộ Phòng 2")


def test_composition_page_adds_up(client_for, tree):
    make_member(tree.a1_1, political_theory="advanced", professional_level="master")
    make_member(tree.a1_2, political_theory="", professional_level="")
    make_member(tree.a2, gender="female")
    response = client_for("leadership").get(
        reverse("organizations:organization_composition", args=[tree.bloc_a.pk]), {"date": "31/12/2024"})
    assert response.status_code == 200
    comp = response.context["comp"]
    assert comp.total == 3 and comp.tccsd_total == 2
    assert comp.tccsd_by_kind == {OrgKind.GRASSROOTS_COMMITTEE: 1, OrgKind.GRASSROOTS_CELL: 1}
    for b in comp.breakdowns:
        assert sum(r.count for r in b.rows) == 3, b.key
    theory = {r.key: r.count for r in comp.breakdown("political_theory").rows}
    assert theory["advanced"] == 1 and theory["__unknown__"] == 1
    body = response.content.decode()
    assert "2 tổ chức cơ sở đảng" in body and "Không rõ" in body


def test_composition_uses_the_state_on_the_date(client_for, tree):
    m = make_member(tree.a2, start=dt.date(2020, 1, 1))
    from members.register.services import member_transfer

    member_transfer(member=m, to_cell=tree.b1, date=dt.date(2025, 1, 1))
    client = client_for("administrator")
    url = reverse("organizations:organization_composition", args=[tree.bloc_a.pk])
    assert client.get(url, {"date": "31/12/2024"}).context["comp"].total == 1
    assert client.get(url, {"date": "01/01/2025"}).context["comp"].total == 0


def test_administrator_grants_and_revokes_a_role(client_for, personas, tree):
    client = client_for("administrator")
    response = client.post(reverse("organizations:role_create"), {
        "user": personas.no_role.pk, "role": Role.LEADERSHIP, "organization": tree.bloc_b.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=personas.no_role)
    assert assignment.granted_by == personas.administrator
    assert assignment.history.first().history_user == personas.administrator
    response = client.post(reverse("organizations:role_delete", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=personas.no_role).exists()


def test_staff_cannot_grant_roles(client_for, personas, tree):
    response = client_for("committee_staff").post(reverse("organizations:role_create"), {
        "user": personas.no_role.pk, "role": Role.ADMINISTRATOR, "organization": tree.bloc_a.pk})
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=personas.no_role).exists()


def test_outsider_cannot_revoke_another_subtrees_role(client_for, personas):
    assignment = RoleAssignment.objects.get(user=personas.cell_secretary)
    response = client_for("outsider").post(reverse("organizations:role_delete", args=[assignment.pk]))
    assert response.status_code == 404  # not among the assignments the outsider may manage
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_administrator_creates_a_user_with_a_role(client_for, tree):
    from django.contrib.auth import get_user_model

    response = client_for("administrator").post(reverse("organizations:user_create"), {
        "username": "bithu.moi", "full_name": "Lê Thị Hồng", "email": "", "password": "Sinh-hoat-chi-bo-2026",
        "role": Role.CELL_SECRETARY, "organization": tree.a2.pk})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="bithu.moi")
    assert user.get_full_name() == "Lê Thị Hồng"
    assert user.check_password("Sinh-hoat-chi-bo-2026")
    assert RoleAssignment.objects.filter(user=user, role=Role.CELL_SECRETARY, organization=tree.a2).exists()


def test_the_organization_list_searches_orders_and_costs_the_same_queries_for_3_or_30_rows(
        client_for, tree, django_assert_num_queries):
    from organizations.services import organization_create

    make_member(tree.a1_1)
    make_member(tree.a1_2)
    client = client_for("committee_staff")
    url = reverse("organizations:organization_list")

    def names(params=None):
        return [o.name for o in records(client.get(url, params or {}))]

    assert names() == ["Đảng ủy Khối A"]  # the top of the scope
    assert names({"q": "chi bo"}) == ["Chi bộ A1-1", "Chi bộ A1-2", "Chi bộ Sở A2"]  # by name, diacritics or not
    assert names({"q": "chi bo", "sort": "-name"}) == ["Chi bộ Sở A2", "Chi bộ A1-2", "Chi bộ A1-1"]
    # Counts are computed (no index): their sorts are ignored (issue 20), the search's order stays.
    assert names({"q": "Sở", "sort": "children_count"}) == names({"q": "Sở"})
    assert names({"q": "Khối B"}) == []  # outside the scope
    html = client.get(url, {"q": "không có"}).content.decode()
    assert "Không có tổ chức nào." in html and "0 kết quả" in html
    assert client_for("no_role").get(url).status_code == 403

    client = client_for("committee_staff")
    with django_assert_num_queries(9):  # 8, and the user's chosen columns (issue 20)
        assert len(records(client.get(url, {"q": "chi bộ", "sort": "name"}))) == 3
    for i in range(27):
        organization_create(name=f"Chi bộ thêm {i:02d}", kind=OrgKind.SUB_CELL, parent=tree.a1,
                            founded_on=dt.date(2021, 1, 1))
    with django_assert_num_queries(9):  # 8, and the user's chosen columns (issue 20)
        assert len(records(client.get(url, {"q": "chi bộ", "sort": "name"}))) == 30
    # The sub-organizations on an organization's page are the same table, 100 a page, with the same order.
    detail = client.get(reverse("organizations:organization_detail", args=[tree.a1.pk]), {"sort": "-name"})
    assert [o.name for o in records(detail, "children")][:2] == ["Chi bộ thêm 26", "Chi bộ thêm 25"]
