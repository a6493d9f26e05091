"""The dated ancestry table (organizations.population): every tree operation keeps it equal to a rebuild
from the placements, in the same transaction, and "under X on D" reads the tree as it stood on D."""

import datetime as dt

import pytest
from django.db import connection

from members.register.models import Member
from organizations.choices import OrgKind
from organizations.models import OrganizationPlacement
from organizations.population import ANCESTRY, rebuild_ancestry, under_during, under_on
from organizations.services import (
    organization_create,
    organization_dissolve,
    organization_move,
    organization_rename,
    organization_split,
    organizations_merge,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def _rows():
    with connection.cursor() as cur:
        cur.execute(f"SELECT organization_id, ancestor_id, kind, depth, ancestor_depth, lower(valid), upper(valid) "
                    f"FROM {ANCESTRY} ORDER BY 1, 2, 6")
        return cur.fetchall()


def _assert_consistent():
    kept = _rows()
    rebuild_ancestry()
    assert kept == _rows()
    return kept


def _under(org, day):
    with connection.cursor() as cur:
        cur.execute(f"SELECT a.organization_id FROM (SELECT 1) AS one JOIN {under_on('a', '%s', '%s')} ORDER BY 1",
                    [org.pk, day])
        return [r[0] for r in cur.fetchall()]


def test_a_new_tree_has_one_row_per_ancestor_and_itself(tree):
    rows = _assert_consistent()
    # 8 organizations: the province (1 row), two blocs (2 each), a1 and a2 and b1 (3 each), a1's two cells (4 each)
    assert len(rows) == 1 + 2 * 2 + 3 * 3 + 2 * 4
    assert _under(tree.bloc_a, D(2024, 6, 1)) == sorted(o.pk for o in (tree.bloc_a, tree.a1, tree.a1_1, tree.a1_2,
                                                                        tree.a2))


def test_every_tree_operation_keeps_the_table_true(tree):
    a = make_member(tree.a1_1)
    b = make_member(tree.a1_1)
    organization_rename(organization=tree.bloc_a, new_name="Đảng ủy Khối A mới", date=D(2022, 3, 1))
    _assert_consistent()
    organization_move(organization=tree.a1, new_parent=tree.bloc_b, date=D(2023, 1, 1))
    _assert_consistent()
    # Before the move a1 and its cells were under bloc A, after it under bloc B.
    assert tree.a1_1.pk in _under(tree.bloc_a, D(2022, 12, 31))
    assert tree.a1_1.pk not in _under(tree.bloc_a, D(2023, 1, 1))
    assert tree.a1_1.pk in _under(tree.bloc_b, D(2023, 1, 1))
    x, _y = organization_split(source=tree.a1_1, parts=[{"name": "X"}, {"name": "Y"}],
                               member_assignment={a.pk: 0, b.pk: 1}, date=D(2024, 1, 1))
    _assert_consistent()
    organization_dissolve(organization=tree.a1_2, date=D(2024, 3, 1))
    _assert_consistent()
    assert tree.a1_2.pk in _under(tree.a1, D(2024, 2, 29))
    assert tree.a1_2.pk not in _under(tree.a1, D(2024, 3, 1))
    new = organization_create(name="Chi bộ mới", kind=OrgKind.SUB_CELL, parent=tree.a1, founded_on=D(2024, 5, 1))
    _assert_consistent()
    assert new.pk in _under(tree.province, D(2024, 5, 1))
    assert new.pk not in _under(tree.province, D(2024, 4, 30))
    assert list(Member.objects.under_on(x, D(2024, 2, 1))) == [a]


def test_merge_keeps_the_table_true(tree):
    make_member(tree.a2)
    organizations_merge(sources=[tree.a2], into=tree.b1, date=D(2024, 7, 1))
    _assert_consistent()
    assert tree.a2.pk in _under(tree.bloc_a, D(2024, 6, 30))
    assert tree.a2.pk not in _under(tree.bloc_a, D(2024, 7, 1))


def test_during_finds_every_organization_placed_under_at_some_day(tree):
    organization_move(organization=tree.a2, new_parent=tree.bloc_b, date=D(2024, 7, 1))
    with connection.cursor() as cur:
        span = "daterange(%s, %s, %s)"
        cur.execute(f"SELECT DISTINCT a.organization_id FROM (SELECT 1) AS one JOIN {under_during('a', '%s', span)}",
                    [tree.bloc_b.pk, D(2024, 1, 1), D(2024, 12, 31), "[]"])
        during_2024 = {r[0] for r in cur.fetchall()}
    assert during_2024 == {tree.bloc_b.pk, tree.b1.pk, tree.a2.pk}


def test_raw_placement_writes_are_followed_too(tree):
    """A bulk load writes placements with plain SQL (devdata.scale): the triggers follow it."""
    OrganizationPlacement.objects.filter(organization=tree.b1).update(name="Đổi tên thẳng")
    _assert_consistent()
    OrganizationPlacement.objects.filter(organization=tree.b1).delete()
    assert tree.b1.pk not in _under(tree.bloc_b, D(2024, 1, 1))
    _assert_consistent()


def test_top_slots_and_the_size_of_their_subtrees(tree, monkeypatch):
    """``fetch_per_top`` runs a statement once per top slot (a slot under no other of its year and day) with its
    scope, year and day as constants; ``large_subtree`` counts the organizations under the top slots only, and
    decides whether a statement hashes whole tables."""
    from organizations import slots
    from organizations.slots import Slot, fetch_per_top, large_subtree

    day = dt.date(2024, 12, 15)

    def slot(org, year=2024, on=day):
        return Slot(org.pk, year, dt.date(year, 1, 1), dt.date(year, 12, 31), on)

    # Bloc A and its A1 (under it) and bloc B: the tops are bloc A and bloc B; 2023 is a year of its own.
    sample = [slot(tree.bloc_a), slot(tree.a1), slot(tree.bloc_b), slot(tree.a1, 2023, dt.date(2023, 12, 15))]
    rows = fetch_per_top("SELECT %(scope)s::bigint, %(year)s::int", sample, {})
    assert sorted(rows) == sorted([(2024, day, tree.bloc_a.pk, 2024), (2024, day, tree.bloc_b.pk, 2024),
                                   (2023, dt.date(2023, 12, 15), tree.a1.pk, 2023)])
    # Under the 2024 tops: bloc A, A1, A1-1, A1-2, A2 and bloc B, B1 (A1 is not counted twice); under 2023's A1:
    # A1 and its two cells. Ten in all.
    monkeypatch.setattr(slots, "HASH_JOIN_MIN_ORGANIZATIONS", 10)
    assert large_subtree(sample)
    monkeypatch.setattr(slots, "HASH_JOIN_MIN_ORGANIZATIONS", 11)
    assert not large_subtree(sample)
    assert not large_subtree([])
