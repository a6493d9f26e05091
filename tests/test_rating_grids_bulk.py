"""The grids of a whole year read at once (``member_grids`` / ``organization_grids``, used by the demo's bulk
load) are exactly the grids the pages read one by one: the same rows in the same order with the same facts,
current ratings, last year's levels and version tokens. And ``grid_new_ratings`` validates like a save."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.ratings.choices import OrgRatingKind
from members.ratings.services import (
    GridErrors,
    RowInput,
    grid_new_ratings,
    member_grid,
    member_grids,
    member_ratings_save,
    organization_grid,
    organization_grids,
    organization_ratings_save,
)
from members.register.services import member_transfer, status_period_add
from organizations.models import HostUnit, MassOrganization, Organization
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


def _shape(grid):
    return (grid.organization.pk, grid.decider.pk, grid.kind, grid.year, grid.scheme.pk, grid.version,
            [(row.key, row.name, row.organization.pk, row.facts, row.current and row.current.pk, row.last_year)
             for row in grid.rows])


@pytest.fixture
def world(tree):
    members = [make_member(cell, full_name=f"Đảng viên {name}") for cell, name in (
        (tree.a1_1, "Bình"), (tree.a1_1, "An"), (tree.a1_2, "Châu"), (tree.a2, "Dũng"), (tree.a2, "Ánh"),
        (tree.b1, "Giang"))]
    member_transfer(member=members[1], to_cell=tree.a1_2, date=D(2024, 6, 1))  # counts where it is on 15/12
    status_period_add(member=members[3], kind="exempted", start=D(2024, 3, 1))  # not rated
    make_member(tree.a1_1, full_name="Đảng viên Mới", admission_date=D(2024, 9, 2), full_membership_date=None)
    # A rating already decided last year and one this year: last_year, current and the version show them.
    grid = member_grid(organization=tree.a2, year=YEAR - 1)
    member_ratings_save(organization=tree.a2, year=YEAR - 1, rows=[RowInput(key=members[4].pk, decided_level="HTT")],
                        user=None, grid_version=grid.version)
    grid = member_grid(organization=tree.a1, year=YEAR)
    member_ratings_save(organization=tree.a1, year=YEAR, rows=[RowInput(key=members[0].pk, proposed_level="HT")],
                        user=None, grid_version=grid.version)
    unit = HostUnit.objects.create(name="Sở A1", sector="administrative")
    Organization.objects.filter(pk=tree.a1.pk).update(host_unit=unit)  # the unit assessed beside its TCCSĐ
    MassOrganization.objects.create(name="Công đoàn Sở A1", kind="trade_union", organization=tree.a1)
    MassOrganization.objects.create(name="Đoàn Sở A2", kind="youth_union", organization=tree.a2)
    grid = organization_grid(committee=tree.bloc_a, kind=OrgRatingKind.PARTY_ORG, year=YEAR)
    organization_ratings_save(committee=tree.bloc_a, kind=OrgRatingKind.PARTY_ORG, year=YEAR,
                              rows=[RowInput(key=f"o{tree.a2.pk}", decided_level="HT")], user=None,
                              grid_version=grid.version)
    return members


def test_member_grids_of_a_year_are_the_grids_read_one_by_one(tree, world):
    organizations = [tree.a1, tree.a2, tree.b1]
    together = member_grids(organizations=organizations, year=YEAR)
    assert [_shape(g) for g in together] == [_shape(member_grid(organization=o, year=YEAR)) for o in organizations]
    # The transferred member is rated in A1-2, the exempted and the newly admitted are listed but not rated.
    a1, a2, _b1 = together
    # (Rows are ordered by cell, then name in the database's collation.)
    assert [(row.organization.name, row.name, row.rated) for row in a1.rows] == [
        ("Chi bộ A1-1", "Đảng viên Bình", True), ("Chi bộ A1-1", "Đảng viên Mới", False),
        ("Chi bộ A1-2", "Đảng viên An", True), ("Chi bộ A1-2", "Đảng viên Châu", True)]
    assert {(row.name, row.rated, row.last_year) for row in a2.rows} == {
        ("Đảng viên Ánh", True, "HTT"), ("Đảng viên Dũng", False, None)}
    assert a1.rows[0].current is not None and a1.version != a2.version


def test_member_grids_refuse_an_organization_that_is_not_grassroots(tree, world):
    with pytest.raises(ValidationError):
        member_grids(organizations=[tree.a1_1], year=YEAR)


@pytest.mark.parametrize("kind", list(OrgRatingKind))
def test_organization_grids_of_a_year_are_the_grids_read_one_by_one(tree, world, kind):
    committees = [tree.province, tree.bloc_a, tree.bloc_b, tree.a1]
    together = organization_grids(committees=committees, kind=kind, year=YEAR)
    one_by_one = [organization_grid(committee=c, kind=kind, year=YEAR) for c in committees]
    assert [_shape(g) for g in together] == [_shape(g) for g in one_by_one]
    assert any(g.rows for g in together)


def test_grid_new_ratings_validates_as_a_save_and_builds_unsaved_ratings(tree, world):
    (b1,) = member_grids(organizations=[tree.b1], year=YEAR)
    (row,) = b1.rows
    fresh = grid_new_ratings(b1, [RowInput(key=row.key, self_level="HTT", proposed_level="HTT",
                                           decided_level="HTT")])
    assert [(r.pk, r.member_id, r.grassroots_id, r.decided_level.code, r.status) for r in fresh] == [
        (None, row.key, tree.b1.pk, "HTT", "decided")]
    # The cap: one HTXS for no HTT is refused without a reason, as the grid page refuses it.
    with pytest.raises(GridErrors):
        grid_new_ratings(b1, [RowInput(key=row.key, decided_level="HTXS")])
    (a1,) = member_grids(organizations=[tree.a1], year=YEAR)
    with pytest.raises(ValueError):  # a grid with ratings already is saved through ratings_save
        grid_new_ratings(a1, [])
