"""The size rules as warnings (issue 18 item 9, RULES §3): a cell with fewer than 3 full members, a chi bộ cơ
sở with 30 members or more, an đảng bộ cơ sở below 30 — shown on the organization page and the member list,
never refusing anything."""

import datetime as dt

import pytest
from django.urls import reverse

from members.register.sizes import size_warnings_under
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def full(cell, n):
    return [make_member(cell, admission_date=D(2015, 1, 1), full_membership_date=D(2016, 1, 1)) for _ in range(n)]


def probationary(cell, n):
    return [make_member(cell, admission_date=D(2025, 6, 1), full_membership_date=None) for _ in range(n)]


def messages(tree, org):
    return {w.organization.name: w.message for w in size_warnings_under(org.path)}


def test_a_cell_with_two_full_members_and_probationers_is_warned_and_three_are_enough(tree):
    full(tree.a1_1, 2)
    probationary(tree.a1_1, 4)
    full(tree.a1_2, 3)

    found = messages(tree, tree.a1)

    assert "Chi bộ A1-1" in found and "2" in found["Chi bộ A1-1"]
    assert "Chi bộ A1-2" not in found
    # A1 (đảng bộ cơ sở) has 9 members, below 30.
    assert "Đảng bộ Sở A1" in found and "9" in found["Đảng bộ Sở A1"]


def test_a_chi_bo_co_so_of_30_members_should_become_a_dang_bo_co_so(tree):
    full(tree.a2, 29)
    assert "Chi bộ Sở A2" not in messages(tree, tree.a2)
    full(tree.a2, 1)
    assert "30" in messages(tree, tree.a2)["Chi bộ Sở A2"]


def test_a_dang_bo_co_so_of_30_members_is_not_warned(tree):
    full(tree.a1_1, 15)
    full(tree.a1_2, 15)
    assert set(messages(tree, tree.a1)) == set()


def test_the_organization_page_and_the_member_list_show_the_warnings(tree, client_for):
    full(tree.a1_1, 1)
    client = client_for("grassroots_officer")

    page = client.get(reverse("organizations:organization_detail", args=[tree.a1.pk]))
    members = client.get(reverse("members:member_list"), {"organization": tree.a1.pk})

    assert page.status_code == 200 and members.status_code == 200
    for response in (page, members):
        body = response.content.decode()
        assert "data-size-warnings" in body
        assert any(w.organization == tree.a1_1 for w in response.context["size_warnings"])


def test_above_the_grassroots_level_nothing_is_counted(tree, client_for):
    from members.register.sizes import size_warnings_for

    full(tree.a1_1, 1)
    assert size_warnings_for(tree.bloc_a) == [] and size_warnings_for(tree.province) == []
    assert [w.organization for w in size_warnings_for(tree.a1_1)] == [tree.a1_1]
    response = client_for("committee_staff").get(reverse("members:member_list"))
    assert response.status_code == 200 and response.context["size_warnings"] == []
