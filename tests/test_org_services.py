"""The organization tree's rules and dated history, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.register.models import Member
from organizations.choices import EventKind, OrgKind
from organizations.models import Organization, OrganizationEvent, OrganizationPlacement
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


def names_under(org, day):
    path = OrganizationPlacement.objects.on(day).get(organization=org).path
    return sorted(OrganizationPlacement.objects.on(day).filter(path__startswith=path).values_list("name", flat=True))


def test_kind_rules_are_enforced(tree):
    with pytest.raises(ValidationError, match="không thể trực thuộc"):
        organization_create(name="Chi bộ lạc", kind=OrgKind.SUB_CELL, parent=tree.bloc_a, founded_on=D(2021, 1, 1))
    with pytest.raises(ValidationError, match="không thể trực thuộc"):
        organization_create(name="Tổ đảng", kind=OrgKind.PARTY_GROUP, parent=tree.a1, founded_on=D(2021, 1, 1))
    group = organization_create(name="Tổ đảng 1", kind=OrgKind.PARTY_GROUP, parent=tree.a1_1, founded_on=D(2021, 1, 1))
    assert Organization.objects.get_parent(group) == tree.a1_1


def test_derived_notions(tree):
    assert tree.a1.is_tccsd and not tree.a1.is_cell
    assert tree.a2.is_tccsd and tree.a2.is_cell
    assert tree.a1_1.is_cell and not tree.a1_1.is_tccsd
    assert tree.a1_1.grassroots() == tree.a1
    assert set(Organization.objects.subtree_of(tree.bloc_a).tccsd()) == {tree.a1, tree.a2}
    assert set(Organization.objects.subtree_of(tree.bloc_a).cells()) == {tree.a1_1, tree.a1_2, tree.a2}


def test_a_move_keeps_the_past_under_the_old_parent(tree):
    organization_move(organization=tree.a1, new_parent=tree.bloc_b, date=D(2025, 7, 1))
    assert "Chi bộ A1-1" in names_under(tree.bloc_a, D(2024, 12, 31))
    assert "Chi bộ A1-1" not in names_under(tree.bloc_a, D(2025, 7, 1))
    assert "Chi bộ A1-1" in names_under(tree.bloc_b, D(2025, 7, 1))
    assert OrganizationEvent.objects.filter(organization=tree.a1, kind=EventKind.MOVED, date=D(2025, 7, 1)).exists()


def test_members_follow_the_tree_history(tree):
    m = make_member(tree.a1_1, start=D(2020, 3, 1))
    organization_move(organization=tree.a1, new_parent=tree.bloc_b, date=D(2025, 7, 1))
    assert list(Member.objects.under_on(tree.bloc_a, D(2025, 6, 30))) == [m]
    assert list(Member.objects.under_on(tree.bloc_a, D(2025, 7, 1))) == []
    assert list(Member.objects.under_during(tree.bloc_a, D(2025, 1, 1), D(2025, 12, 31))) == [m]
    assert list(Member.objects.under_on(tree.bloc_b, D(2025, 7, 1))) == [m]


def test_rename_keeps_the_old_name_for_the_past(tree):
    organization_rename(organization=tree.a2, new_name="Chi bộ Sở A2 mới", date=D(2023, 1, 1))
    assert "Chi bộ Sở A2" in names_under(tree.bloc_a, D(2022, 6, 1))
    assert "Chi bộ Sở A2 mới" in names_under(tree.bloc_a, D(2023, 6, 1))


def test_dissolve_refuses_while_members_remain(tree):
    make_member(tree.a2)
    with pytest.raises(ValidationError, match="1 đảng viên"):
        organization_dissolve(organization=tree.a2, date=D(2024, 1, 1))


def test_merge_two_tccsd_the_year_before_shows_both(tree):
    m1 = make_member(tree.a2, full_name="Nguyễn Văn Một")
    other = organization_create(name="Chi bộ Sở A3", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                founded_on=D(2020, 1, 1))
    m2 = make_member(other, full_name="Trần Thị Hai")
    organizations_merge(sources=[other], into=tree.a2, date=D(2025, 1, 1))
    before = names_under(tree.bloc_a, D(2024, 6, 1))
    after = names_under(tree.bloc_a, D(2025, 6, 1))
    assert "Chi bộ Sở A3" in before and "Chi bộ Sở A2" in before
    assert "Chi bộ Sở A3" not in after
    m2.refresh_from_db()
    assert m2.cell == tree.a2
    assert set(Member.objects.under_on(tree.a2, D(2025, 6, 1))) == {m1, m2}
    assert list(Member.objects.under_on(other, D(2024, 6, 1))) == [m2]
    # Where did the merged cell's members go: its last periods end "restructured", the next start in A2.
    assert m2.periods.order_by("valid").last().cell == tree.a2


def test_split_assigns_every_member(tree):
    a, b = make_member(tree.a2), make_member(tree.a2)
    with pytest.raises(ValidationError, match="chưa được phân"):
        organization_split(source=tree.a2, parts=[{"name": "X"}, {"name": "Y"}], member_assignment={a.pk: 0},
                           date=D(2024, 1, 1))
    x, y = organization_split(source=tree.a2, parts=[{"name": "X"}, {"name": "Y"}],
                              member_assignment={a.pk: 0, b.pk: 1}, date=D(2024, 1, 1))
    tree.a2.refresh_from_db()
    assert tree.a2.dissolved_on == D(2024, 1, 1)
    assert list(Member.objects.under_on(x, D(2024, 2, 1))) == [a]
    assert list(Member.objects.under_on(y, D(2024, 2, 1))) == [b]


def test_restructuring_2025(tree):
    """RULES §5: dissolve a bloc, create two new đảng bộ, move its TCCSĐ, transfer members in bulk."""
    members = [make_member(tree.a2) for _ in range(5)]
    new1 = organization_create(name="Đảng bộ các cơ quan Đảng", kind=OrgKind.DIRECT, parent=tree.province,
                               founded_on=D(2025, 7, 1))
    new2 = organization_create(name="Đảng bộ UBND tỉnh", kind=OrgKind.DIRECT, parent=tree.province,
                               founded_on=D(2025, 7, 1))
    organization_move(organization=tree.a1, new_parent=new1, date=D(2025, 7, 1))
    organization_move(organization=tree.a2, new_parent=new2, date=D(2025, 7, 1))
    organization_dissolve(organization=tree.bloc_a, date=D(2025, 7, 1))
    assert set(Member.objects.under_during(tree.bloc_a, D(2024, 1, 1), D(2024, 12, 31))) == set(members)
    assert set(Member.objects.under_on(new2, D(2025, 8, 1))) == set(members)
    assert not Member.objects.under_on(tree.bloc_a, D(2025, 8, 1)).exists()


def test_scope_is_checked_by_the_services(personas, tree):
    with pytest.raises(PermissionDenied):
        organization_create(name="Chi bộ lạ", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_b,
                            founded_on=D(2024, 1, 1), user=personas.committee_staff)
    with pytest.raises(PermissionDenied):
        organization_move(organization=tree.a2, new_parent=tree.bloc_b, date=D(2024, 1, 1),
                          user=personas.committee_staff)
    org = organization_create(name="Chi bộ mới", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                              founded_on=D(2024, 1, 1), user=personas.committee_staff)
    assert Organization.objects.get_parent(org) == tree.bloc_a


def test_operations_must_be_recorded_in_order(tree):
    organization_rename(organization=tree.a2, new_name="Tên mới", date=D(2024, 1, 1))
    with pytest.raises(ValidationError, match="trước một thay đổi đã ghi nhận"):
        organization_rename(organization=tree.a2, new_name="Tên cũ hơn", date=D(2023, 1, 1))


def test_bulk_transfers_are_in_the_audit_history(tree, personas):
    from members.register.models import MembershipPeriod
    from members.register.services import members_transfer_bulk

    members = [make_member(tree.a1_1) for _ in range(3)]
    members_transfer_bulk(members=Member.objects.filter(pk__in=[m.pk for m in members]), to_cell=tree.a1_2,
                          date=D(2024, 3, 1), user=personas.committee_staff)
    for m in members:
        latest = m.history.order_by("-history_date", "-history_id").first()
        assert latest.cell_id == tree.a1_2.pk and latest.history_user == personas.committee_staff
    closed = MembershipPeriod.history.filter(member_id__in=[m.pk for m in members], cell_id=tree.a1_1.pk,
                                             history_user=personas.committee_staff)
    assert closed.count() == 3 and all(h.valid.upper == D(2024, 3, 1) for h in closed)


def test_targeted_placement_sync_leaves_nothing_for_a_full_sync(tree):
    """Operations sync only the organizations they touch; a whole-tree sync afterwards finds nothing to do."""
    from organizations.services import sync_placements

    organization_move(organization=tree.a1, new_parent=tree.bloc_b, date=D(2024, 7, 1))
    organization_rename(organization=tree.a1_2, new_name="Chi bộ A1-2 mới", date=D(2024, 8, 1))
    organization_dissolve(organization=tree.a1_1, date=D(2024, 9, 1))
    before = sorted(OrganizationPlacement.objects.values_list("organization_id", "path", "name", "valid"))
    sync_placements(D(2024, 10, 1))
    after = sorted(OrganizationPlacement.objects.values_list("organization_id", "path", "name", "valid"))
    assert after == before
    open_rows = OrganizationPlacement.objects.filter(valid__upper_inf=True)
    assert {p.organization_id for p in open_rows} == set(Organization.objects.active().values_list("pk", flat=True))
    assert all(p.path == p.organization.path for p in open_rows.select_related("organization"))


def test_a_refused_organization_edit_leaves_its_host_unit_unchanged(tree):
    """The host unit is written by the service after the edit is validated (it used to be saved by the view
    first, so a refused edit still renamed the unit)."""
    from organizations.models import HostUnit
    from organizations.services import organization_update

    unit = HostUnit.objects.create(name="Sở Tài chính", sector="administrative")
    tree.a1.host_unit = unit
    tree.a1.save(update_fields=["host_unit"])
    with pytest.raises(ValidationError):
        organization_update(organization=tree.a1, code="X" * 51, host_unit_name="Sở Kế hoạch và Đầu tư",
                            host_unit_sector="administrative")
    unit.refresh_from_db()
    assert (unit.name, HostUnit.objects.count()) == ("Sở Tài chính", 1)
    tree.a1.refresh_from_db()
    assert tree.a1.host_unit_id == unit.pk and tree.a1.code != "X" * 51
    # A valid edit renames the same unit rather than creating another one.
    organization_update(organization=tree.a1, code="A1", host_unit_name="Sở Kế hoạch và Đầu tư",
                        host_unit_sector="administrative")
    unit.refresh_from_db()
    assert (unit.name, HostUnit.objects.count(), tree.a1.code) == ("Sở Kế hoạch và Đầu tư", 1, "A1")
    # Clearing the name detaches the unit.
    organization_update(organization=tree.a1, host_unit_name="", host_unit_sector="")
    tree.a1.refresh_from_db()
    assert tree.a1.host_unit_id is None
