"""Annual ratings of members: the party's rules, enforced by the service for any caller."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Discipline
from members.ratings.choices import NotRatedReason, RatingStatus
from members.ratings.models import MemberRating, RatingScheme
from members.ratings.services import GridErrors, RowInput, member_grid, member_rating_rerate, member_ratings_save
from members.register.services import status_period_add
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


def save(org, rows, *, user=None, year=YEAR, reason=""):
    grid = member_grid(organization=org, year=year)
    return member_ratings_save(organization=org, year=year, rows=rows, user=user, grid_version=grid.version,
                               cap_exception_reason=reason)


def decide(members, level):
    return [RowInput(member_id=m.pk, proposed_level=level, decided_level=level) for m in members]


def test_the_cap_refuses_7_htxs_against_30_htt_and_accepts_6(tree):
    htt = [make_member(tree.a2) for _ in range(30)]
    htxs = [make_member(tree.a2) for _ in range(7)]
    with pytest.raises(GridErrors) as refused:
        save(tree.a2, decide(htt, "HTT") + decide(htxs, "HTXS"))
    assert "7 HTXS > 20% × 30 HTT = 6" in str(refused.value.grid_errors[None]["cap"])
    assert not MemberRating.objects.exists()
    save(tree.a2, decide(htt, "HTT") + decide(htxs[:6], "HTXS") + decide(htxs[6:], "HT"))
    assert MemberRating.objects.decided().filter(decided_level__code="HTXS").count() == 6


def test_the_cap_counts_across_the_cells_of_one_tccsd(tree):
    """30 HTT in cell A1-1 and 7 HTXS in cell A1-2 of the same đảng bộ cơ sở break the cap together."""
    htt = [make_member(tree.a1_1) for _ in range(30)]
    htxs = [make_member(tree.a1_2) for _ in range(7)]
    save(tree.a1_1, decide(htt, "HTT"))
    with pytest.raises(GridErrors, match="7 HTXS"):
        save(tree.a1_2, decide(htxs, "HTXS"))
    save(tree.a1_2, decide(htxs[:6], "HTXS"))
    assert MemberRating.objects.decided().filter(grassroots=tree.a1).count() == 36


def test_the_cap_is_not_counted_across_tccsd(tree):
    """HTT members of another TCCSĐ (A2) give A1 no headroom."""
    save(tree.a2, decide([make_member(tree.a2) for _ in range(30)], "HTT"))
    with pytest.raises(GridErrors, match="1 HTXS > 20% × 0 HTT = 0"):
        save(tree.a1_1, decide([make_member(tree.a1_1)], "HTXS"))


def test_a_cap_exception_needs_its_reason(tree):
    htt = [make_member(tree.a2) for _ in range(5)]
    top = [make_member(tree.a2) for _ in range(2)]
    with pytest.raises(GridErrors):
        save(tree.a2, decide(htt, "HTT") + decide(top, "HTXS"))
    save(tree.a2, decide(htt, "HTT") + decide(top, "HTXS"), reason="Đơn vị có thành tích đột xuất (Kết luận 12)")
    assert set(MemberRating.objects.filter(decided_level__code="HTXS").values_list("exception_reason", flat=True)) == {
        "Đơn vị có thành tích đột xuất (Kết luận 12)"}


def test_exempted_suspended_and_new_members_are_listed_with_reasons_and_not_rated(tree):
    exempted, suspended, rated = make_member(tree.a2), make_member(tree.a2), make_member(tree.a2)
    new = make_member(tree.a2, admission_date=D(YEAR, 10, 1), full_membership_date=None, start=D(YEAR, 10, 1))
    status_period_add(member=exempted, kind="exempted", start=D(2023, 1, 1))
    status_period_add(member=suspended, kind="suspended", start=D(YEAR, 11, 1), end=D(2025, 2, 1))
    grid = member_grid(organization=tree.a2, year=YEAR)
    reasons = {row.member.pk: row.facts.not_rated for row in grid.rows}
    assert reasons == {exempted.pk: NotRatedReason.EXEMPTED, suspended.pk: NotRatedReason.SUSPENDED,
                       new.pk: NotRatedReason.NEW_MEMBER, rated.pk: ""}
    with pytest.raises(GridErrors) as refused:
        save(tree.a2, decide([exempted, new, rated], "HT"))
    assert set(refused.value.grid_errors) == {exempted.pk, new.pk}
    assert not MemberRating.objects.exists()


def test_a_disciplined_member_is_not_decided_above_kht_without_the_exception(tree):
    member = make_member(tree.a2)
    Discipline.objects.create(member=member, form="reprimand", violation_year=YEAR, decision_number="05-QĐ/ĐU",
                              decision_date=D(YEAR, 9, 1), deciding_body=tree.a2, scope_path=tree.a2.path)
    with pytest.raises(GridErrors) as refused:
        save(tree.a2, decide([member], "HT"))
    assert "KHT" in str(refused.value.grid_errors[member.pk])
    save(tree.a2, decide([member], "KHT"))
    assert MemberRating.objects.get(member=member).decided_level.code == "KHT"


def test_the_self_remedied_exception_lifts_the_forced_level(tree):
    member = make_member(tree.a2)
    Discipline.objects.create(member=member, form="reprimand", violation_year=YEAR, decision_number="06-QĐ/ĐU",
                              decision_date=D(YEAR, 9, 1), deciding_body=tree.a2, scope_path=tree.a2.path,
                              self_remedied=True)
    save(tree.a2, decide([member], "HT"))
    other = make_member(tree.a2)
    Discipline.objects.create(member=other, form="reprimand", violation_year=YEAR, decision_number="07-QĐ/ĐU",
                              decision_date=D(YEAR, 9, 1), deciding_body=tree.a2, scope_path=tree.a2.path)
    grid = member_grid(organization=tree.a2, year=YEAR)
    member_ratings_save(organization=tree.a2, year=YEAR, grid_version=grid.version, user=None, rows=[
        RowInput(member_id=other.pk, decided_level="HT", exception_reason="Tự phát hiện, khắc phục (biên bản 3/9)")])
    assert MemberRating.objects.get(member=other).exception_reason.startswith("Tự phát hiện")


def test_long_sick_leave_caps_the_level_at_ht(tree):
    member = make_member(tree.a2)
    status_period_add(member=member, kind="sick_leave", start=D(YEAR, 3, 1), end=D(YEAR, 6, 15))
    with pytest.raises(GridErrors, match="nghỉ ốm"):
        save(tree.a2, decide([member], "HTT"))
    save(tree.a2, decide([member], "HT"))


def test_a_pre_2018_scheme_is_offered_for_2016(tree):
    from psycopg2.extras import DateRange

    from organizations.models import Organization, OrganizationPlacement

    # The test tree was founded in 2020; found it earlier for this test.
    Organization.objects.update(founded_on=D(2010, 1, 1))
    OrganizationPlacement.objects.update(valid=DateRange(D(2010, 1, 1), None, "[)"))
    tree.a2.refresh_from_db()
    member = make_member(tree.a2, start=D(2015, 1, 1))
    grid = member_grid(organization=tree.a2, year=2016)
    assert grid.scheme.code == "hd27-2014-member"
    assert [lvl.code for lvl in grid.levels] == ["DTC_HTXS", "DTC_HTT", "DTC_HT", "VPTC"]
    save(tree.a2, [RowInput(member_id=member.pk, decided_level="DTC_HTT")], year=2016)
    with pytest.raises(GridErrors, match="không phải là"):
        save(tree.a2, [RowInput(member_id=member.pk, decided_level="HTT")], year=2016)
    assert RatingScheme.objects.for_year("member", 2025).first().has_score


def test_changing_a_decided_level_is_a_new_decision_that_keeps_the_old(tree):
    member = make_member(tree.a2)
    save(tree.a2, decide([member], "HT"))
    first = MemberRating.objects.get()
    save(tree.a2, [RowInput(member_id=member.pk, proposed_level="HT", decided_level="HTT")])
    first.refresh_from_db()
    assert first.status == RatingStatus.ANNULLED and first.replaced_by.decided_level.code == "HTT"
    assert MemberRating.objects.current().get().decided_level.code == "HTT"


def test_a_rerating_keeps_the_annulled_decision_visible(tree):
    member = make_member(tree.a2)
    save(tree.a2, decide([member], "HTT"))
    old = MemberRating.objects.get()
    new = member_rating_rerate(rating=old, level_code="KHT", reason="Kỷ luật khiển trách (QĐ 09) cho vi phạm 2024")
    old.refresh_from_db()
    assert (old.status, old.replaced_by, old.annul_reason) == (
        RatingStatus.ANNULLED, new, "Kỷ luật khiển trách (QĐ 09) cho vi phạm 2024")
    assert list(MemberRating.objects.filter(member=member).order_by("id").values_list("status", flat=True)) == [
        RatingStatus.ANNULLED, RatingStatus.DECIDED]
    assert old.history.count() >= 2


def test_a_stale_grid_is_refused_and_the_first_save_stays(tree):
    a, b = make_member(tree.a2), make_member(tree.a2)
    stale = member_grid(organization=tree.a2, year=YEAR).version
    member_ratings_save(organization=tree.a2, year=YEAR, rows=decide([a, b], "HTT"), user=None, grid_version=stale)
    with pytest.raises(ValidationError, match=r"Someone else|Người khác|người khác"):
        member_ratings_save(organization=tree.a2, year=YEAR, rows=decide([a, b], "HT"), user=None,
                            grid_version=stale)
    assert set(MemberRating.objects.values_list("decided_level__code", flat=True)) == {"HTT"}


def test_a_cell_secretary_proposes_but_cannot_decide(tree, personas):
    member = make_member(tree.a1_1)
    grid = member_grid(organization=tree.a1_1, year=YEAR)
    with pytest.raises(GridErrors, match="quyết định xếp loại"):
        member_ratings_save(organization=tree.a1_1, year=YEAR, grid_version=grid.version,
                            user=personas.cell_secretary, rows=decide([member], "HTT"))
    member_ratings_save(organization=tree.a1_1, year=YEAR, grid_version=grid.version, user=personas.cell_secretary,
                        rows=[RowInput(member_id=member.pk, proposed_level="HTT", note="Hoàn thành tốt")])
    rating = MemberRating.objects.get()
    assert (rating.status, rating.proposed_by, rating.decided_level) == (RatingStatus.PROPOSED,
                                                                         personas.cell_secretary, None)


def test_a_proposer_cannot_clear_a_decision(tree, personas):
    member = make_member(tree.a1_1)
    save(tree.a1_1, decide([member], "HTT"))
    grid = member_grid(organization=tree.a1_1, year=YEAR)
    with pytest.raises(GridErrors):
        member_ratings_save(organization=tree.a1_1, year=YEAR, grid_version=grid.version,
                            user=personas.cell_secretary,
                            rows=[RowInput(member_id=member.pk, proposed_level="HTT", decided_level=None)])
    assert MemberRating.objects.current().get().decided_level.code == "HTT"
