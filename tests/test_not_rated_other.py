"""Not rated for another reason (issue 18 item 4): a member the grid does not rate for a reason outside the
rules' list is recorded with the reason, listed in the grid with it, refused a level, and left out of the
rated population. The R-mem metric's SQL belongs to issue 16: the last two tests show today's "no data" and
that the condition members.ratings.rules.NOT_RATED_OTHER_SQL, once the metric adds it, ends it."""


import pytest
from django.urls import reverse

from members.ratings.models import MemberNotRated, MemberRating
from members.ratings.services import GridErrors, RowInput, member_grid, member_ratings_save
from targets.engine.compute import compute_target
from tests.factories import make_member
from tests.test_metric_ratings import HTT_PLUS_M, make_target, rate_member, row
from tests.test_ratings_views import grid_url

pytestmark = pytest.mark.django_db
YEAR = 2024
REASON = "Công tác dài hạn ở nước ngoài (Quyết định 45-QĐ/BTC)"


def url(member, year=YEAR):
    return reverse("ratings:member_not_rated", kwargs={"member_pk": member.pk, "year": year})


def test_the_grassroots_records_the_reason_and_the_grid_lists_the_member_as_not_rated(tree, client_for, personas):
    abroad, other = make_member(tree.a1_1), make_member(tree.a1_1)
    client = client_for("grassroots_officer")

    response = client.post(url(abroad), {"action": "record", "reason": f"  {REASON} "})

    assert response.status_code == 302 and response.url == grid_url(tree.a1_1)
    record = MemberNotRated.objects.get()
    assert (record.member, record.year, record.cell, record.reason, record.recorded_by) == (
        abroad, YEAR, tree.a1_1, REASON, personas.grassroots_officer)
    page = client.get(grid_url(tree.a1))
    lines = {line.member.pk: line for line in page.context["lines"]}
    assert not lines[abroad.pk].row.rated and lines[other.pk].row.rated
    assert REASON in lines[abroad.pk].row.not_rated_label
    assert REASON in page.content.decode()


def test_a_level_for_a_member_not_rated_for_another_reason_is_refused(tree):
    abroad = make_member(tree.a2)
    MemberNotRated.objects.create(member=abroad, year=YEAR, cell=tree.a2, reason=REASON)
    grid = member_grid(organization=tree.a2, year=YEAR)

    with pytest.raises(GridErrors) as refused:
        member_ratings_save(organization=tree.a2, year=YEAR, user=None, grid_version=grid.version,
                            rows=[RowInput(key=abroad.pk, proposed_level="HTT", decided_level="HTT")])

    assert REASON in str(refused.value)
    assert not MemberRating.objects.exists()


def test_a_cell_secretary_may_not_record_it_and_a_rated_member_is_refused(tree, client_for):
    member = make_member(tree.a2)
    assert client_for("cell_secretary").post(url(make_member(tree.a1_1)), {"reason": REASON}).status_code == 403
    rate_member(member, "HTT")

    response = client_for("committee_staff").post(url(member), {"action": "record", "reason": REASON})

    assert response.status_code == 200
    assert "HTT" not in str(response.context["form"].errors) and response.context["form"].errors
    assert not MemberNotRated.objects.exists()


def test_rating_the_member_after_all_removes_the_record(tree, client_for):
    member = make_member(tree.a2)
    client = client_for("committee_staff")
    client.post(url(member), {"action": "record", "reason": REASON})

    response = client.post(url(member), {"action": "remove", "reason": ""})

    assert response.status_code == 302
    assert not MemberNotRated.objects.exists()
    assert member_grid(organization=tree.a2, year=YEAR).rows[0].rated


def _bloc_with_one_abroad(tree):
    members = [make_member(tree.a2) for _ in range(4)]
    for m in members:
        rate_member(m, "HTT")
    abroad = make_member(tree.a2)
    MemberNotRated.objects.create(member=abroad, year=YEAR, cell=tree.a2, reason=REASON)
    return make_target(tree.bloc_a, "R-mem", {"levels": HTT_PLUS_M}, "gte", 85)


def test_a_member_not_rated_for_another_reason_leaves_the_rated_population(tree):
    """Before: the metric counted the member as awaiting a rating, and the bloc's figure stayed no_data for good
    (4 of 5 rated). The rated population (members.ratings.population) now leaves the member out."""
    target = _bloc_with_one_abroad(tree)

    a = row(compute_target(target, [YEAR]), tree.bloc_a)

    assert (a.numerator, a.denominator, a.missing, a.status) == (4, 4, [], "met")
