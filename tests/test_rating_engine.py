"""One grid engine for members and organizations: the rules that used to differ between the two grids are
now the same — the score checks and the permission rule — and the cap is counted over every decided rating
of the deciding committee and kind. Expected values are written by hand from the small tree of conftest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.models import MemberRating, OrganizationRating
from members.ratings.services import (
    FORCED_KINDS,
    GridErrors,
    RowInput,
    member_grid,
    member_ratings_save,
    organization_grid,
    organization_ratings_save,
)
from organizations.choices import OrgKind
from organizations.models import MassOrganization
from organizations.services import organization_create, organization_move
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
PARTY = OrgRatingKind.PARTY_ORG


def save_orgs(committee, rows, *, user=None, year=YEAR, kind=PARTY, reason=""):
    grid = organization_grid(committee=committee, kind=kind, year=year)
    return organization_ratings_save(committee=committee, kind=kind, year=year, rows=rows, user=user,
                                     grid_version=grid.version, cap_exception_reason=reason)


def save_members(org, rows, *, user=None, year=YEAR):
    grid = member_grid(organization=org, year=year)
    return member_ratings_save(organization=org, year=year, rows=rows, user=user, grid_version=grid.version)


def o(org):
    return f"o{org.pk}"


# --- Scores: the same checks for both grids (2025 scheme, bands HTXS ≥ 90, HTT ≥ 70, HT ≥ 50, KHT ≥ 0) -------

@pytest.mark.parametrize("score", ["101", "-1", "100.5"])
def test_the_organization_grid_refuses_a_score_outside_0_to_100(tree, score):
    with pytest.raises(GridErrors) as refused:
        save_orgs(tree.bloc_a, [RowInput(key=o(tree.a2), decided_level="HT", score=Decimal(score))], year=2025)
    assert refused.value.grid_errors == {o(tree.a2): {"score": ["Điểm từ 0 đến 100."]}}
    assert not OrganizationRating.objects.exists()


def test_the_organization_grid_refuses_a_decided_level_above_its_scores_band(tree):
    # 65 is in the HT band (50 to under 70): HTT is refused, HT is saved.
    with pytest.raises(GridErrors) as refused:
        save_orgs(tree.bloc_a, [RowInput(key=o(tree.a2), decided_level="HTT", score=Decimal(65))], year=2025)
    assert refused.value.grid_errors == {o(tree.a2): {"score": ["Điểm 65 thuộc khung HT, thấp hơn HTT."]}}
    assert not OrganizationRating.objects.exists()
    save_orgs(tree.bloc_a, [RowInput(key=o(tree.a2), decided_level="HT", score=Decimal(65))], year=2025)
    rating = OrganizationRating.objects.get()
    assert (rating.decided_level.code, rating.score) == ("HT", Decimal("65.00"))


def test_a_level_below_the_scores_band_needs_the_reason_in_both_grids(tree):
    """95 is in the HTXS band, but HTXS has conditions besides the score (RULES §1): HTT stays possible, with
    the reason recorded (issue 18: a level that contradicts its score is refused unless a reason is given)."""
    member = make_member(tree.a2)
    with pytest.raises(GridErrors) as refused:
        save_members(tree.a2, [RowInput(member_id=member.pk, decided_level="HTT", score=Decimal(95))], year=2025)
    assert list(refused.value.grid_errors[member.pk]) == ["score"]
    reason = "Chưa có 30% chỉ tiêu vượt yêu cầu"
    save_orgs(tree.bloc_a, [RowInput(key=o(tree.a2), decided_level="HTT", score=Decimal(95),
                                     exception_reason=reason)], year=2025)
    save_members(tree.a2, [RowInput(member_id=member.pk, decided_level="HTT", score=Decimal(95),
                                    exception_reason=reason)], year=2025)
    assert OrganizationRating.objects.get().decided_level.code == "HTT"
    assert (MemberRating.objects.get().decided_level.code, MemberRating.objects.get().exception_reason) == ("HTT",
                                                                                                          reason)


def test_the_member_grid_refuses_the_same_scores(tree):
    member = make_member(tree.a2)
    with pytest.raises(GridErrors) as refused:
        save_members(tree.a2, [RowInput(member_id=member.pk, decided_level="HTT", score=Decimal(65))], year=2025)
    assert refused.value.grid_errors == {member.pk: {"score": ["Điểm 65 thuộc khung HT, thấp hơn HTT."]}}
    with pytest.raises(GridErrors) as refused:
        save_members(tree.a2, [RowInput(member_id=member.pk, decided_level="HT", score=Decimal(101))], year=2025)
    assert refused.value.grid_errors == {member.pk: {"score": ["Điểm từ 0 đến 100."]}}


def test_a_scheme_without_score_refuses_one_in_the_organization_grid(tree):
    with pytest.raises(GridErrors) as refused:
        save_orgs(tree.bloc_a, [RowInput(key=o(tree.a2), decided_level="HT", score=Decimal(60))])
    assert list(refused.value.grid_errors[o(tree.a2)]) == ["score"]


# --- One permission rule ---------------------------------------------------------------------------------------
# The secretary of cell A1-1 holds PROPOSE_RATINGS on A1-1 only. In the members' grid of Đảng bộ Sở A1 her
# rows are A1-1's members (the sibling: a member of A1-2); in the organizations' grid of A1 (which decides
# its cells' ratings) her row is A1-1 itself (the sibling: A1-2).

@pytest.fixture(params=["members", "organizations"])
def grid_world(request, tree):
    """(save(rows, user), own row key, sibling row key, the current rating of a key) for one subject."""
    if request.param == "members":
        own, sibling = make_member(tree.a1_1), make_member(tree.a1_2)

        def save(rows, user):
            return save_members(tree.a1, rows, user=user)

        def rating(key):
            return MemberRating.objects.current().filter(member_id=key).first()

        return save, own.pk, sibling.pk, rating

    def save(rows, user):
        return save_orgs(tree.a1, rows, user=user)

    def rating(key):
        return OrganizationRating.objects.current().filter(organization_id=int(key[1:])).first()

    return save, o(tree.a1_1), o(tree.a1_2), rating


def test_a_cell_secretary_proposes_her_own_row_while_the_others_stay_as_they_are(grid_world, personas):
    save, own, sibling, rating = grid_world
    # The sibling row comes back unchanged (nothing entered): it needs no right.
    result = save([RowInput(key=own, proposed_level="HTT", note="Hoàn thành tốt"), RowInput(key=sibling)],
                  personas.cell_secretary)
    assert result == {"created": 1, "updated": 0, "annulled": 0}
    saved = rating(own)
    assert (saved.status, saved.proposed_level.code, saved.proposed_by, saved.decided_level) == (
        RatingStatus.PROPOSED, "HTT", personas.cell_secretary, None)
    assert rating(sibling) is None


def test_a_cell_secretary_does_not_decide_her_own_row(grid_world, personas):
    save, own, _sibling, rating = grid_world
    with pytest.raises(GridErrors) as refused:
        save([RowInput(key=own, proposed_level="HTT", decided_level="HTT")], personas.cell_secretary)
    assert list(refused.value.grid_errors) == [own]
    assert list(refused.value.grid_errors[own]) == ["decided_level"]
    assert rating(own) is None


def test_a_cell_secretary_may_not_change_a_row_of_another_cell(grid_world, personas):
    save, _own, sibling, rating = grid_world
    with pytest.raises(PermissionDenied):
        save([RowInput(key=sibling, proposed_level="HT")], personas.cell_secretary)
    assert rating(sibling) is None


@pytest.mark.parametrize("persona", ["inspection_staff", "leadership"])
def test_without_propose_or_the_deciding_right_a_change_is_refused(grid_world, personas, persona):
    save, own, _sibling, rating = grid_world
    with pytest.raises(PermissionDenied):
        save([RowInput(key=own, proposed_level="HT")], getattr(personas, persona))
    assert rating(own) is None


def test_the_deciding_right_decides_every_row(grid_world, personas):
    save, own, sibling, rating = grid_world
    result = save([RowInput(key=k, proposed_level="HT", decided_level="HT") for k in (own, sibling)],
                  personas.committee_staff)
    assert result == {"created": 2, "updated": 0, "annulled": 0}
    assert {rating(k).decided_by for k in (own, sibling)} == {personas.committee_staff}


# --- The cap's scope ------------------------------------------------------------------------------------------

def test_the_organizations_cap_counts_the_committees_decisions_outside_the_grid(tree):
    """A TCCSĐ bloc A decided HTXS for 2024 and that moved to bloc B afterwards (dated before the rating
    day) is no longer in bloc A's grid, but its decision still counts in bloc A's cap."""
    moved = organization_create(name="Chi bộ chuyển đi", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                founded_on=D(2020, 1, 1))
    htt = [organization_create(name=f"Chi bộ {i}", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                               founded_on=D(2020, 1, 1)) for i in range(3)] + [tree.a1, tree.a2]
    save_orgs(tree.bloc_a, [RowInput(key=o(moved), decided_level="HTXS")], reason="Thành tích đột xuất")
    organization_move(organization=moved, new_parent=tree.bloc_b, date=D(YEAR, 12, 1))
    grid = organization_grid(committee=tree.bloc_a, kind=PARTY, year=YEAR)
    assert o(moved) not in {row.key for row in grid.rows}
    top = organization_create(name="Chi bộ xuất sắc", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                              founded_on=D(2020, 1, 1))
    # 5 HTT allow one HTXS: the moved one's and this one make 2 HTXS > 20% × 5 HTT = 1.
    with pytest.raises(GridErrors, match="2 HTXS > 20% × 5 HTT = 1"):
        save_orgs(tree.bloc_a, [RowInput(key=o(org), decided_level="HTT") for org in htt]
                  + [RowInput(key=o(top), decided_level="HTXS")])
    save_orgs(tree.bloc_a, [RowInput(key=o(org), decided_level="HTT") for org in htt]
              + [RowInput(key=o(top), decided_level="HT")])
    assert OrganizationRating.objects.decided().filter(deciding_committee=tree.bloc_a).count() == 7


def test_mass_organizations_have_neither_the_cap_nor_the_forced_level(tree):
    assert OrgRatingKind.MASS_ORG not in FORCED_KINDS and OrgRatingKind.UNIT not in FORCED_KINDS
    unions = [MassOrganization.objects.create(name=f"Công đoàn {org.name}", kind="trade_union", organization=org)
              for org in (tree.a1, tree.a2)]
    save_orgs(tree.bloc_a, [RowInput(key=f"m{u.pk}", decided_level="HTXS") for u in unions],
              kind=OrgRatingKind.MASS_ORG)
    grid = organization_grid(committee=tree.bloc_a, kind=OrgRatingKind.MASS_ORG, year=YEAR)
    assert not grid.cap_applies and grid.rules == ()
    assert OrganizationRating.objects.decided().filter(decided_level__code="HTXS").count() == 2
