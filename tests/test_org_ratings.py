"""Ratings of organizations, collectives, mass organizations and host units by the committee one level up."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Discipline
from members.ratings.choices import NotRatedReason, OrgRatingKind, RatingStatus
from members.ratings.models import OrganizationRating
from members.ratings.services import (
    GridErrors,
    OrgRowInput,
    organization_grid,
    organization_ratings_save,
    recognition_award,
)
from organizations.choices import OrgKind
from organizations.models import HostUnit, MassOrganization
from organizations.services import organization_create

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024
FOUNDED = D(2020, 1, 1)


def save(committee, kind, rows, *, user=None, reason=""):
    grid = organization_grid(committee=committee, kind=kind, year=YEAR)
    return organization_ratings_save(committee=committee, kind=kind, year=YEAR, rows=rows, user=user,
                                     grid_version=grid.version, cap_exception_reason=reason)


def cells(bloc, n, founded=FOUNDED):
    return [organization_create(name=f"Chi bộ {i:02d}", kind=OrgKind.GRASSROOTS_CELL, parent=bloc, founded_on=founded)
            for i in range(n)]


def test_the_bloc_rates_its_tccsd_with_the_cap_per_deciding_committee(tree):
    extra = cells(tree.bloc_a, 8)  # 10 TCCSĐ under bloc A: a1, a2 and these
    rows = [OrgRowInput(key=f"o{o.pk}", decided_level="HTT") for o in [tree.a1, *extra[:7]]]
    rows += [OrgRowInput(key=f"o{o.pk}", decided_level="HTXS") for o in (tree.a2, extra[7])]
    with pytest.raises(GridErrors, match="2 HTXS > 20% × 8 HTT = 1"):
        save(tree.bloc_a, OrgRatingKind.PARTY_ORG, rows)
    rows[-1] = OrgRowInput(key=f"o{extra[7].pk}", decided_level="HTT")
    save(tree.bloc_a, OrgRatingKind.PARTY_ORG, rows)
    assert OrganizationRating.objects.decided().filter(deciding_committee=tree.bloc_a).count() == 10


def test_an_organization_founded_less_than_6_months_before_is_not_rated(tree):
    young = organization_create(name="Chi bộ mới", kind=OrgKind.GRASSROOTS_CELL, parent=tree.bloc_a,
                                founded_on=D(YEAR, 9, 1))
    grid = organization_grid(committee=tree.bloc_a, kind=OrgRatingKind.PARTY_ORG, year=YEAR)
    assert {r.organization.pk: r.facts.not_rated for r in grid.rows}[young.pk] == NotRatedReason.NEW_ORGANIZATION
    with pytest.raises(GridErrors):
        save(tree.bloc_a, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{young.pk}", decided_level="HT")])


def test_more_than_a_fifth_of_subordinate_units_disciplined_forces_kht(tree):
    Discipline.objects.create(organization=tree.a1_1, form="reprimand", violation_year=YEAR, decision_number="1",
                              decision_date=D(YEAR, 8, 1), deciding_body=tree.a1, scope_path=tree.a1_1.path)
    # A1 has two sub cells: one disciplined is 50% > 20%.
    with pytest.raises(GridErrors, match="KHT"):
        save(tree.bloc_a, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a1.pk}", decided_level="HT")])
    save(tree.bloc_a, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a1.pk}", decided_level="KHT")])


def test_a_disciplined_leadership_collective_forces_kht(tree):
    Discipline.objects.create(organization=tree.a1, leadership_collective=True, form="warning", violation_year=YEAR,
                              decision_number="2", decision_date=D(YEAR, 8, 1), deciding_body=tree.bloc_a,
                              scope_path=tree.a1.path)
    with pytest.raises(GridErrors, match="KHT"):
        save(tree.bloc_a, OrgRatingKind.LEADERSHIP, [OrgRowInput(key=f"o{tree.a1.pk}", decided_level="HTT")])


def test_host_units_record_their_standards(tree):
    tree.a2.host_unit = HostUnit.objects.create(name="Công ty Cà phê", sector="private_enterprise")
    tree.a2.save()
    save(tree.bloc_a, OrgRatingKind.UNIT, [OrgRowInput(key=f"u{tree.a2.host_unit_id}", decided_level="HTT",
                                                       fulfilled_plan=True, security_safe=True,
                                                       cultural_standard=False)])
    rating = OrganizationRating.objects.get(kind=OrgRatingKind.UNIT)
    assert (rating.host_unit, rating.fulfilled_plan, rating.cultural_standard) == (tree.a2.host_unit, True, False)


def test_mass_organizations_are_rated(tree):
    union = MassOrganization.objects.create(name="Công đoàn Sở A1", kind="trade_union", organization=tree.a1)
    save(tree.bloc_a, OrgRatingKind.MASS_ORG, [OrgRowInput(key=f"m{union.pk}", decided_level="HTT")])
    assert OrganizationRating.objects.get(kind=OrgRatingKind.MASS_ORG).mass_organization == union


def test_the_staff_decides_and_a_secretary_only_proposes(tree, personas):
    with pytest.raises(GridErrors, match="quyết định xếp loại"):
        save(tree.a1, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a1_1.pk}", decided_level="HTT")],
             user=personas.cell_secretary)
    save(tree.a1, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a1_1.pk}", proposed_level="HTT")],
         user=personas.cell_secretary)
    save(tree.a1, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a1_1.pk}", proposed_level="HTT",
                                                        decided_level="HTT")], user=personas.committee_staff)
    rating = OrganizationRating.objects.get()
    assert (rating.status, rating.decided_by) == (RatingStatus.DECIDED, personas.committee_staff)


def test_tsvm_typical_is_chosen_among_htxs(tree):
    with pytest.raises(ValidationError, match="HTXS"):
        recognition_award(organization=tree.a2, year=YEAR, title="tsvm_typical")
    save(tree.bloc_a, OrgRatingKind.PARTY_ORG, [OrgRowInput(key=f"o{tree.a2.pk}", decided_level="HTXS")],
         reason="Đơn vị tiêu biểu")
    assert recognition_award(organization=tree.a2, year=YEAR, title="tsvm_typical").title == "tsvm_typical"
