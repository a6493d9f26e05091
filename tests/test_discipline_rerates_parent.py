"""Discipline found later re-rates the parent (issue 18 item 6, RULES §1): when a later discipline makes more
than 20% of an organization's subordinate units disciplined for a year already rated, that organization's
rating is annulled and re-decided KHT, like a member's; at exactly 20% it stands."""

import datetime as dt

import pytest

from core.models import Notification
from inspections.services import discipline_record
from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.models import OrganizationRating, RatingScheme
from organizations.choices import OrgKind
from organizations.services import organization_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


def rate(org, committee, code="HTT", user=None):
    scheme = RatingScheme.objects.for_year("organization", YEAR).first()
    return OrganizationRating.objects.create(
        kind=OrgRatingKind.PARTY_ORG, organization=org, deciding_committee=committee, year=YEAR, scheme=scheme,
        decided_level=scheme.levels.get(code=code), status=RatingStatus.DECIDED, decided_by=user)


def punish(org, body, number):
    return discipline_record(organization=org, form="reprimand", violation_year=YEAR, decision_number=number,
                             decision_date=D(YEAR + 1, 3, 1), deciding_body=body)


def current(org):
    return OrganizationRating.objects.current().get(organization=org, year=YEAR, kind=OrgRatingKind.PARTY_ORG)


def test_one_of_two_subordinate_units_disciplined_later_re_rates_the_bloc(tree):
    decider = UserFactory()
    bloc = rate(tree.bloc_a, tree.province, "HTXS", user=decider)
    rate(tree.a1, tree.bloc_a)

    discipline = punish(tree.a2, tree.bloc_a, "07-QĐ/UBKT")

    fresh = current(tree.bloc_a)
    assert fresh.decided_level.code == "KHT" and fresh.pk != bloc.pk
    bloc.refresh_from_db()
    assert (bloc.status, bloc.replaced_by) == (RatingStatus.ANNULLED, fresh)
    assert "1" in fresh.decision_note and "2" in fresh.decision_note and "07-QĐ/UBKT" in fresh.decision_note
    assert current(tree.a1).decided_level.code == "HTT"  # a sibling is not touched
    assert Notification.objects.filter(user=decider, key__contains=f"discipline-rerate:{discipline.pk}").count() == 1


def test_exactly_20_percent_leaves_the_rating_and_the_next_discipline_re_rates_it(tree):
    cells = [tree.a1_1, tree.a1_2] + [
        organization_create(name=f"Chi bộ A1-{i}", kind=OrgKind.SUB_CELL, parent=tree.a1, founded_on=D(2020, 1, 1))
        for i in range(3, 6)]
    rate(tree.a1, tree.bloc_a)

    punish(cells[0], tree.a1, "01-QĐ/ĐU")
    assert current(tree.a1).decided_level.code == "HTT"  # 1 of 5 is 20%, not more

    punish(cells[1], tree.a1, "02-QĐ/ĐU")
    assert current(tree.a1).decided_level.code == "KHT"  # 2 of 5
    assert OrganizationRating.objects.filter(organization=tree.a1, status=RatingStatus.ANNULLED).count() == 1
