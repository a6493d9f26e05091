"""Discipline, inspections and coverage: the party's rules enforced by the services (RULES §4, §1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import Notification
from inspections.choices import Activity, InspectionKind
from inspections.coverage import member_coverage, sub_cell_coverage, tccsd_coverage, year_period
from inspections.models import Discipline, Inspection
from inspections.services import discipline_record, inspection_create
from members.ratings.choices import OrgRatingKind, RatingStatus
from members.ratings.models import MemberRating, OrganizationRating, RatingScheme
from members.ratings.services import GridErrors, RowInput, member_grid, member_ratings_save
from members.register.choices import MembershipReason
from members.register.models import MembershipPeriod
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2024


def save_grid(org, rows, *, user=None, year=YEAR):
    grid = member_grid(organization=org, year=year)
    return member_ratings_save(organization=org, year=year, rows=rows, user=user, grid_version=grid.version)


def discipline(**kw):
    base = dict(form="reprimand", violation_year=YEAR, decision_number="05-QĐ/UBKT", decision_date=D(YEAR, 9, 1))
    base.update(kw)
    return discipline_record(**base)


def test_it_refuses_deciding_a_disciplined_members_rating_above_kht(tree):
    member = make_member(tree.a2)
    discipline(member=member, deciding_body=tree.a2)
    with pytest.raises(GridErrors, match="KHT"):
        save_grid(tree.a2, [RowInput(member_id=member.pk, proposed_level="HT", decided_level="HT")])
    assert not MemberRating.objects.exists()
    save_grid(tree.a2, [RowInput(member_id=member.pk, proposed_level="KHT", decided_level="KHT")])
    assert MemberRating.objects.get().decided_level.code == "KHT"


def test_it_annuls_and_rerates_an_already_rated_year_and_notifies_the_decider(tree, personas):
    member, other = make_member(tree.a2), make_member(tree.a2)
    decider = personas.committee_staff
    save_grid(tree.a2, [RowInput(member_id=m.pk, proposed_level="HTT", decided_level="HTT") for m in (member, other)],
              user=decider)
    found = discipline(member=member, deciding_body=tree.bloc_a, violation_year=YEAR, decision_date=D(YEAR + 1, 3, 1),
                       user=personas.inspection_staff)
    ratings = list(MemberRating.objects.filter(member=member).order_by("id"))
    assert [(r.status, r.decided_level.code) for r in ratings] == [
        (RatingStatus.ANNULLED, "HTT"), (RatingStatus.DECIDED, "KHT")]
    assert ratings[0].replaced_by == ratings[1] and ratings[0].decided_by == decider
    assert "05-QĐ/UBKT" in ratings[0].annul_reason
    assert MemberRating.objects.get(member=other).status == RatingStatus.DECIDED  # untouched
    note = Notification.objects.get(user=decider)
    assert note.link == f"/inspections/disciplines/{found.pk}/"
    # Both decisions are shown on the discipline's page.
    from django.test import Client
    client = Client()
    client.force_login(personas.inspection_staff)
    page = client.get(note.link).content.decode()
    assert page.count('data-test="rating-annulled"') == 1 and page.count('data-test="rating-decided"') == 1
    assert "<s>HTT</s>" in page and "<strong>KHT</strong>" in page


def test_a_self_remedied_violation_does_not_rerate(tree):
    member = make_member(tree.a2)
    save_grid(tree.a2, [RowInput(member_id=member.pk, proposed_level="HTT", decided_level="HTT")])
    discipline(member=member, deciding_body=tree.a2, self_remedied=True, decision_date=D(YEAR + 1, 2, 1))
    assert list(MemberRating.objects.values_list("status", flat=True)) == [RatingStatus.DECIDED]


def test_it_rerates_an_organization_whose_leadership_collective_is_disciplined_later(tree):
    scheme = RatingScheme.objects.for_year("organization", YEAR).first()
    htt = scheme.levels.get(code="HTT")
    user = UserFactory()
    for kind in (OrgRatingKind.PARTY_ORG, OrgRatingKind.LEADERSHIP):
        OrganizationRating.objects.create(kind=kind, organization=tree.a1, deciding_committee=tree.bloc_a, year=YEAR,
                                          scheme=scheme, decided_level=htt, status=RatingStatus.DECIDED,
                                          decided_by=user)
    discipline(organization=tree.a1, leadership_collective=True, form="warning", deciding_body=tree.bloc_a,
               decision_date=D(YEAR + 1, 4, 1))
    current = OrganizationRating.objects.current().filter(organization=tree.a1, year=YEAR)
    assert sorted(current.values_list("kind", "decided_level__code")) == [("leadership", "KHT"), ("party_org", "KHT")]
    assert OrganizationRating.objects.filter(status=RatingStatus.ANNULLED, replaced_by__isnull=False).count() == 2
    assert Notification.objects.filter(user=user).count() == 2


@pytest.mark.parametrize("subject, form, allowed", [
    ("organization", "dismissal", "reprimand, warning, dissolution"),
    ("organization", "expulsion", "reprimand, warning, dissolution"),
    ("full", "dissolution", "reprimand, warning, dismissal from post, expulsion"),
    ("probationary", "expulsion", "reprimand, warning"),
    ("probationary", "dismissal", "reprimand, warning"),
])
def test_it_refuses_forms_outside_the_subjects_allowed_list(tree, subject, form, allowed):
    kw = {"organization": tree.a1_1} if subject == "organization" else {
        "member": make_member(tree.a1_1, full_membership_date=None if subject == "probationary" else D(2016, 5, 19))}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        discipline(form=form, deciding_body=tree.a1, **kw)
    assert allowed in refused.value.message_dict["form"][0]
    assert not Discipline.objects.exists()


def test_the_refusal_is_in_vietnamese(tree):
    member = make_member(tree.a1_1, full_membership_date=D(YEAR, 12, 1))  # still probationary on the decision
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        discipline(member=member, form="expulsion", deciding_body=tree.a1)
    message = refused.value.message_dict["form"][0]
    # The allowed forms are named in Vietnamese (the sentence around them once the catalogue has our msgids).
    assert "khiển trách, cảnh cáo." in message and "khai trừ" not in message


def test_expulsion_ends_the_membership_period(tree):
    member = make_member(tree.a1_1)
    discipline(member=member, form="expulsion", deciding_body=tree.a1, decision_date=D(YEAR, 10, 1))
    member.refresh_from_db()
    period = MembershipPeriod.objects.get(member=member)
    assert (period.valid.upper, period.end_reason) == (D(YEAR, 10, 1), MembershipReason.EXPELLED)
    assert member.left_on == D(YEAR, 10, 1)


def test_dissolution_is_refused_while_members_remain_and_dissolves_an_empty_one(tree):
    make_member(tree.a1_2)
    with translation.override("en"), pytest.raises(ValidationError, match="still has 0 active sub-organization"):
        discipline(organization=tree.a1_2, form="dissolution", deciding_body=tree.a1)
    assert not Discipline.objects.exists()
    discipline(organization=tree.a1_1, form="dissolution", deciding_body=tree.a1, decision_date=D(YEAR, 9, 1))
    tree.a1_1.refresh_from_db()
    assert tree.a1_1.dissolved_on == D(YEAR, 9, 1)


def test_inspection_staff_cannot_record_outside_their_subtree(tree, personas):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        discipline(member=make_member(tree.b1), deciding_body=tree.b1, user=personas.inspection_staff)
    with pytest.raises(PermissionDenied):  # a cell secretary has no CHANGE_INSPECTIONS
        discipline(member=make_member(tree.a1_1), deciding_body=tree.a1, user=personas.cell_secretary)


def inspect(*, members=(), organizations=(), body, day=D(YEAR, 5, 1), **kw):
    fields = dict(activity=Activity.INSPECTION, kind=InspectionKind.TASKS, conducting_body=body, charter_article="30",
                  decision_number="KT-1", decision_date=day, start_date=day)
    fields.update(kw)
    return inspection_create(members=members, organizations=organizations, **fields)


def test_member_coverage_counts_a_member_inspected_twice_once(tree):
    members = [make_member(tree.a1_1) for _ in range(4)]
    inspect(members=members[:1], body=tree.a1_1)
    inspect(members=members[:2], body=tree.a1, day=D(YEAR, 8, 1))
    inspect(members=members[3:], body=tree.a1, day=D(YEAR - 1, 8, 1))  # another year
    cov = member_coverage(tree.a1, *year_period(YEAR))
    assert (cov.covered, cov.total, cov.share) == (2, 4, 50)


def test_a_cell_inspection_counts_for_the_cell_not_its_members_unless_named(tree):
    members = [make_member(tree.a1_1) for _ in range(3)] + [make_member(tree.a1_2)]
    inspect(organizations=[tree.a1_1], body=tree.a1)
    assert member_coverage(tree.a1, *year_period(YEAR)).covered == 0
    cells = sub_cell_coverage(tree.a1, *year_period(YEAR))
    assert (cells.covered, cells.total, cells.covered_ids) == (1, 2, [tree.a1_1.pk])
    inspect(organizations=[tree.a1_1], members=members[:1], body=tree.a1)
    assert member_coverage(tree.a1, *year_period(YEAR)).covered == 1
    assert sub_cell_coverage(tree.a1, *year_period(YEAR)).covered == 1


def test_tccsd_coverage_over_a_term_filters_on_the_article(tree):
    inspect(organizations=[tree.a1], body=tree.bloc_a, day=D(2021, 5, 1), charter_article="30")
    inspect(organizations=[tree.a2], body=tree.bloc_a, day=D(2022, 5, 1), charter_article="32",
            kind=InspectionKind.VIOLATION_SIGNS)
    everything = tccsd_coverage(tree.province, D(2020, 1, 1), D(2025, 12, 31))
    art30 = tccsd_coverage(tree.province, D(2020, 1, 1), D(2025, 12, 31), article="30")
    assert (everything.covered, everything.total) == (2, 3)
    assert (art30.covered, art30.covered_ids) == (1, [tree.a1.pk])


def test_coverage_uses_the_dated_tree(tree):
    """A sub-cell dissolved before the year no longer counts in its denominator."""
    from organizations.services import organization_dissolve
    organization_dissolve(organization=tree.a1_2, date=D(YEAR - 1, 6, 1))
    assert sub_cell_coverage(tree.a1, *year_period(YEAR)).total == 1
    assert sub_cell_coverage(tree.a1, *year_period(YEAR - 1)).total == 2


def test_an_inspections_scope_is_its_subjects_common_ancestor(tree):
    member = make_member(tree.a1_1)
    assert inspect(members=[member], body=tree.bloc_a).scope_path == tree.a1_1.path
    both = inspect(organizations=[tree.a1_2], members=[member], body=tree.a1)
    assert both.scope_path == tree.a1.path


def test_an_inspection_needs_a_conducting_body_above_its_subjects_and_a_matching_kind(tree):
    with pytest.raises(ValidationError) as refused:
        inspect(members=[make_member(tree.a1_1)], body=tree.a1_2, kind=InspectionKind.THEMATIC_SUPERVISION)
    assert {"conducting_body", "kind"} <= set(refused.value.message_dict)
    assert not Inspection.objects.exists()
