"""The 2025 score (Quy định 366, issue 18 item 5): the band of the 100-point score decides the level it allows
(HTXS ≥ 90, HTT 70–<90, HT 50–<70, KHT < 50); a contradicting level needs a recorded reason; a new decision
keeps the recorded score."""

from decimal import Decimal

import pytest

from members.ratings.choices import RatingStatus
from members.ratings.models import MemberRating
from members.ratings.services import GridErrors, RowInput, member_grid, member_rating_rerate, member_ratings_save
from tests.factories import make_member
from tests.test_ratings_views import browser_data, grid_url

pytestmark = pytest.mark.django_db
YEAR = 2025


def save(org, rows):
    """Save ``rows`` with five more members rated HTT on 75, so one HTXS stays within the 20% cap."""
    rows = rows + [RowInput(key=make_member(org).pk, decided_level="HTT", score=Decimal(75)) for _ in range(5)]
    grid = member_grid(organization=org, year=YEAR)
    return member_ratings_save(organization=org, year=YEAR, rows=rows, user=None, grid_version=grid.version)


def test_htxs_on_a_recorded_72_is_refused_in_the_browser(tree, client_for):
    member = make_member(tree.a2)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2, YEAR))
    client.post(grid_url(tree.a2, YEAR), browser_data(page, {member: {"proposed_level": "HTT", "score": "72"}}))
    assert MemberRating.objects.get().score == Decimal("72.00")

    page = client.get(grid_url(tree.a2, YEAR))
    response = client.post(grid_url(tree.a2, YEAR), browser_data(page, {member: {"decided_level": "HTXS"}}))

    assert response.status_code == 200
    errors = response.context["lines"][0].cells["decided_level"].errors
    assert any("72" in e and "HTT" in e and "HTXS" in e for e in errors), errors
    rating = MemberRating.objects.get()
    assert (rating.status, rating.decided_level) == (RatingStatus.PROPOSED, None)


def test_an_exception_reason_lets_a_level_above_the_band_through(tree):
    member = make_member(tree.a2)
    with pytest.raises(GridErrors):
        save(tree.a2, [RowInput(key=member.pk, decided_level="HTXS", score=Decimal(72))])
    save(tree.a2, [RowInput(key=member.pk, decided_level="HTXS", score=Decimal(72),
                            exception_reason="Thành tích đột xuất, Kết luận 15-KL/ĐU")])
    rating = MemberRating.objects.get(member=member)
    assert (rating.decided_level.code, rating.score, rating.exception_reason) == (
        "HTXS", Decimal("72.00"), "Thành tích đột xuất, Kết luận 15-KL/ĐU")


@pytest.mark.parametrize("score,level", [("90", "HTXS"), ("89.99", "HTT"), ("70", "HTT"), ("69.5", "HT"),
                                         ("50", "HT"), ("49.99", "KHT"), ("0", "KHT")])
def test_each_band_allows_its_own_level_at_its_bounds(tree, score, level):
    member = make_member(tree.a2)
    save(tree.a2, [RowInput(key=member.pk, decided_level=level, score=Decimal(score))])
    assert MemberRating.objects.get(member=member).decided_level.code == level


def test_re_deciding_in_the_grid_keeps_the_score(tree, client_for):
    member = make_member(tree.a2)
    client = client_for("committee_staff")
    page = client.get(grid_url(tree.a2, YEAR))
    client.post(grid_url(tree.a2, YEAR), browser_data(page, {member: {"proposed_level": "HTT", "decided_level": "HTT",
                                                                      "score": "72"}}))
    page = client.get(grid_url(tree.a2, YEAR))
    assert page.context["lines"][0].cells["exception_reason"].editable

    response = client.post(grid_url(tree.a2, YEAR), browser_data(page, {member: {
        "decided_level": "HT", "exception_reason": "Chưa hoàn thành nhiệm vụ được giao quý IV"}}))

    assert response.status_code == 302
    old, new = MemberRating.objects.order_by("pk")
    assert (old.status, old.score) == (RatingStatus.ANNULLED, Decimal("72.00"))
    assert (new.status, new.decided_level.code, new.score) == (RatingStatus.DECIDED, "HT", Decimal("72.00"))
    page = client.get(grid_url(tree.a2, YEAR))
    assert page.context["lines"][0].cells["score"].value == "72"


def test_a_re_rating_keeps_the_score_and_records_its_reason_as_the_exception(tree):
    member = make_member(tree.a2)
    save(tree.a2, [RowInput(key=member.pk, decided_level="HTT", score=Decimal(72))])

    fresh = member_rating_rerate(rating=MemberRating.objects.get(member=member), level_code="KHT",
                                 reason="Kỷ luật khiển trách năm 2026 cho vi phạm năm 2025")

    assert (fresh.decided_level.code, fresh.score) == ("KHT", Decimal("72.00"))
    assert fresh.exception_reason == "Kỷ luật khiển trách năm 2026 cho vi phạm năm 2025"
