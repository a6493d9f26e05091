"""Admission rules (RULES §3): age in months, the course certificate, sponsors, the ceremony deadline in
working days, admission creating the member, probation and full membership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from members.admissions.choices import CandidateStatus, CheckLevel, ProbationOutcome, StageCode
from members.admissions.models import AdmissionStage, Candidate, CandidateStage, PublicHoliday
from members.admissions.services import (
    candidate_admit,
    candidate_checks,
    candidate_create,
    ceremony_deadline,
    check_age,
    check_ceremony,
    check_certificate,
    consideration_deadline,
    probation_decide,
    probation_end,
    sponsor_add,
    stage_record,
)
from members.admissions.workdays import add_working_days, is_working_day, working_days_between
from members.register.choices import MembershipReason
from members.register.models import Member, MembershipPeriod
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


def st(code: str) -> AdmissionStage:
    return AdmissionStage.objects.get(code=code)


def ready_candidate(cell, *, birth=D(1995, 6, 1), course=D(2023, 3, 1), resolution=D(2023, 9, 4),
                    decision=D(2023, 10, 2), sponsors=2, user=None, **profile) -> Candidate:
    """A candidate who has passed every stage up to the admission decision, with two valid sponsors."""
    data = {"full_name": "Nguyễn Thị Quần Chúng", "gender": "female", "birth_date": birth, "ethnicity": "Kinh"}
    data.update(profile)
    candidate = candidate_create(cell=cell, user=user, **data)
    stage_record(candidate=candidate, stage=st(StageCode.OUTSTANDING), date=course - dt.timedelta(days=60), user=user)
    stage_record(candidate=candidate, stage=st(StageCode.COURSE), date=course, document_number="GCN-1", user=user)
    for _ in range(sponsors):
        sponsor = make_member(cell, admission_date=D(2010, 1, 1), full_membership_date=D(2011, 1, 1))
        sponsor_add(candidate=candidate, member=sponsor, date=resolution - dt.timedelta(days=30),
                    worked_together_since=D(2018, 1, 1), user=user)
    stage_record(candidate=candidate, stage=st(StageCode.CELL_RESOLUTION), date=resolution, document_number="NQ-1",
                 user=user)
    stage_record(candidate=candidate, stage=st(StageCode.DECISION), date=decision, document_number="QĐ-1",
                 issuer="Đảng ủy Khối A", user=user)
    candidate.refresh_from_db()
    return candidate


# ------------------------------------------------------------------------------------ shipped data

def test_the_standard_stage_list_and_the_holidays_are_shipped():
    assert list(AdmissionStage.objects.values_list("code", flat=True)) == list(StageCode.values)
    assert AdmissionStage.objects.get(code="decision").needs_document
    tet_2024 = PublicHoliday.objects.filter(date__range=(D(2024, 2, 8), D(2024, 2, 14))).count()
    assert tet_2024 == 5
    for year in range(2020, 2028):
        assert PublicHoliday.objects.filter(date__year=year, name__startswith="Tết Nguyên đán").count() == 5


def test_working_days_skip_weekends_and_holidays():
    assert not is_working_day(D(2024, 2, 10))  # Saturday
    assert not is_working_day(D(2024, 2, 12))  # Tết
    assert is_working_day(D(2024, 2, 15))
    assert add_working_days(D(2024, 2, 7), 1) == D(2024, 2, 15)
    assert working_days_between(D(2024, 2, 7), D(2024, 2, 15)) == 1


# ------------------------------------------------------------------------------------------- age

@pytest.mark.parametrize("day, level, years, months", [
    (D(2024, 5, 15), CheckLevel.OK, 18, 0),  # 18 years 0 months exactly
    (D(2024, 5, 14), CheckLevel.ERROR, 17, 11),  # one day short: 17 years 11 months
    (D(2024, 4, 15), CheckLevel.ERROR, 17, 11),
])
def test_it_counts_the_minimum_age_in_months(day, level, years, months):
    result = check_age(D(2006, 5, 15), day)
    assert result.level == level
    assert f"{years}" in result.message and f"{months}" in result.message


def test_it_refuses_over_60_years_0_months_unless_the_exception_is_recorded():
    born = D(1964, 5, 15)
    assert check_age(born, D(2024, 5, 15)).level == CheckLevel.OK  # 60 years 0 months
    assert check_age(born, D(2024, 6, 14)).level == CheckLevel.OK  # still 60 years 0 months
    assert check_age(born, D(2024, 6, 15)).level == CheckLevel.ERROR  # 60 years 1 month
    excepted = check_age(born, D(2024, 6, 15), exception="CV 123-CV/TU ngày 01/06/2024")
    assert excepted.level == CheckLevel.WARNING and not excepted.blocking


def test_admitting_a_candidate_under_18_at_the_cells_consideration_is_refused(tree):
    # Born 05/09/2005: 17 years 11 months on the cell's resolution of 04/09/2023.
    candidate = ready_candidate(tree.a1_1, birth=D(2005, 9, 5))
    members_before = Member.objects.count()

    with pytest.raises(ValidationError) as refused:
        candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))

    assert "17" in " ".join(refused.value.messages) and "11" in " ".join(refused.value.messages)
    assert Member.objects.count() == members_before
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.IN_PROGRESS and candidate.member_id is None


def test_the_age_counts_on_the_cells_consideration_not_on_the_ceremony(tree):
    # 18 years 0 months on the resolution (04/09/2023), whatever the age on other days.
    candidate = ready_candidate(tree.a1_1, birth=D(2005, 9, 4))
    assert candidate_checks(candidate, today=D(2023, 10, 3))[0].level == CheckLevel.OK
    candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))


# ----------------------------------------------------------------------------------- certificate

def test_the_certificate_expires_after_5_years():
    assert check_certificate(D(2019, 5, 10), D(2024, 5, 10)).level == CheckLevel.OK
    expired = check_certificate(D(2019, 5, 10), D(2024, 5, 11))
    assert expired.level == CheckLevel.ERROR
    assert "10/05/2019" in expired.message and "10/05/2024" in expired.message
    assert check_certificate(None, D(2024, 5, 11)).level == CheckLevel.PENDING


def test_admitting_with_an_expired_certificate_is_refused(tree):
    candidate = ready_candidate(tree.a1_1, course=D(2018, 9, 3), resolution=D(2023, 9, 4))
    with pytest.raises(ValidationError):
        candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))
    assert not MembershipPeriod.objects.filter(start_reason=MembershipReason.ADMITTED).exists()


# -------------------------------------------------------------------------------------- sponsors

def test_a_sponsor_must_be_a_full_member_on_the_day(tree):
    candidate = candidate_create(cell=tree.a1_1, full_name="Lê Văn B", gender="male", birth_date=D(1996, 1, 1))
    probationary = make_member(tree.a1_1, admission_date=D(2023, 1, 10), full_membership_date=D(2024, 1, 10))
    with pytest.raises(ValidationError) as refused:
        sponsor_add(candidate=candidate, member=probationary, date=D(2023, 12, 1), worked_12_months=True)
    assert "10/01/2024" in " ".join(refused.value.messages)
    # The same member may sponsor once full.
    sponsor_add(candidate=candidate, member=probationary, date=D(2024, 1, 10), worked_12_months=True)


def test_too_few_months_together_or_one_sponsor_blocks_admission(tree):
    candidate = ready_candidate(tree.a1_1, sponsors=1)
    late = make_member(tree.a1_1, admission_date=D(2010, 1, 1), full_membership_date=D(2011, 1, 1))
    sponsor_add(candidate=candidate, member=late, date=D(2023, 8, 1), worked_together_since=D(2023, 1, 1))
    sponsors = candidate_checks(candidate, today=D(2023, 10, 3))[2]
    assert sponsors.level == CheckLevel.ERROR and "7" in sponsors.message
    with pytest.raises(ValidationError):
        candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))


def test_the_youth_union_resolution_stands_in_for_one_sponsor(tree):
    candidate = ready_candidate(tree.a1_1, sponsors=1, youth_union=True, youth_union_resolution="NQ 05 ĐTN")
    assert candidate_checks(candidate, today=D(2023, 10, 3))[2].level == CheckLevel.OK


# ------------------------------------------------------------------------------- ceremony deadline

def test_the_ceremony_deadline_counts_working_days_across_tet():
    # Decision on Thursday 25/01/2024; Tết Giáp Thìn closes 08–14/02/2024 (five working days).
    decision = D(2024, 1, 25)
    assert ceremony_deadline(decision) == D(2024, 3, 14)  # without Tết it would be 07/03/2024
    assert check_ceremony(decision, D(2024, 3, 14), today=D(2024, 3, 14)).level == CheckLevel.OK
    late = check_ceremony(decision, D(2024, 3, 15), today=D(2024, 3, 15))
    assert late.level == CheckLevel.ERROR and "31" in late.message
    assert check_ceremony(decision, None, today=D(2024, 3, 8)).level == CheckLevel.WARNING  # 4 working days left
    assert check_ceremony(decision, None, today=D(2024, 3, 1)).level == CheckLevel.PENDING
    assert check_ceremony(decision, None, today=D(2024, 3, 15)).level == CheckLevel.ERROR


def test_a_late_ceremony_is_admitted_and_flagged(tree):
    candidate = ready_candidate(tree.a1_1, resolution=D(2023, 12, 20), decision=D(2024, 1, 25))
    candidate_admit(candidate=candidate, ceremony_date=D(2024, 3, 15))
    flags = {c.code: c.level for c in candidate_checks(candidate, today=D(2024, 4, 1))}
    assert flags["ceremony"] == CheckLevel.ERROR


# ------------------------------------------------------------------------------------- admission

def test_admitting_creates_exactly_one_probationary_member_with_its_cell_history(tree, personas,
                                                                                 django_capture_on_commit_callbacks):
    from core.events import records_changed

    candidate = ready_candidate(tree.a1_1, user=personas.grassroots_officer, youth_union=True)
    before = set(Member.objects.values_list("pk", flat=True))
    events = []

    def listener(**kwargs):
        events.append(kwargs)

    records_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            member = candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20),
                                     user=personas.grassroots_officer)
    finally:
        records_changed.disconnect(listener)

    created = set(Member.objects.values_list("pk", flat=True)) - before
    assert created == {member.pk}
    member.refresh_from_db()
    assert (member.full_name, member.cell, member.admission_date, member.full_membership_date) == (
        "Nguyễn Thị Quần Chúng", tree.a1_1, D(2023, 10, 20), None)
    assert not member.is_full_member_on(D(2024, 10, 19))
    periods = list(member.periods.all())
    assert len(periods) == 1
    assert (periods[0].cell, periods[0].valid.lower, periods[0].valid.upper, periods[0].start_reason) == (
        tree.a1_1, D(2023, 10, 20), None, MembershipReason.ADMITTED)
    candidate.refresh_from_db()
    assert candidate.member == member and candidate.status == CandidateStatus.ADMITTED
    assert candidate.admitted_on == D(2023, 10, 20) and candidate.probation_outcome == ProbationOutcome.PENDING
    assert candidate.current_stage.code == StageCode.CEREMONY
    assert candidate.history.first().history_user == personas.grassroots_officer
    # The new member joins the register (membership, every year from 2023 on) and is admitted in 2023.
    from core.events import years_from

    assert [(e["kind"], set(e["organization_ids"]), set(e["years"])) for e in events] == [
        ("membership", {tree.a1_1.pk}, set(years_from(D(2023, 10, 20)))), ("admission", {tree.a1_1.pk}, {2023})]


def test_admitting_twice_is_refused(tree):
    candidate = ready_candidate(tree.a1_1)
    candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))
    count = Member.objects.count()

    with pytest.raises(ValidationError) as refused:
        candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 21))

    assert refused.value.code == "admitted"
    assert Member.objects.count() == count
    assert CandidateStage.objects.filter(candidate=candidate, stage__code=StageCode.CEREMONY).count() == 1


def test_the_database_refuses_two_candidates_linked_to_one_member(tree):
    member = candidate_admit(candidate=ready_candidate(tree.a1_1), ceremony_date=D(2023, 10, 20))
    other = candidate_create(cell=tree.a1_1, full_name="Trần Văn C", gender="male", birth_date=D(1990, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.filter(pk=other.pk).update(member=member)


def test_a_user_without_the_admissions_permission_is_refused(tree, personas):
    for persona in ("cell_secretary", "leadership", "outsider"):
        with pytest.raises(PermissionDenied):
            candidate_create(cell=tree.a1_1, user=getattr(personas, persona), full_name="X", gender="male",
                             birth_date=D(1990, 1, 1))
    assert not Candidate.objects.exists()


# ------------------------------------------------------------------------------------- probation

def test_full_membership_dates_from_the_end_of_12_months_even_when_approved_2_months_late(tree, personas):
    candidate = ready_candidate(tree.a1_1, resolution=D(2023, 2, 20), decision=D(2023, 3, 6),
                                course=D(2022, 11, 1))
    member = candidate_admit(candidate=candidate, ceremony_date=D(2023, 3, 20))
    assert probation_end(D(2023, 3, 20)) == D(2024, 3, 20)
    deadline = consideration_deadline(D(2023, 3, 20))
    assert deadline == add_working_days(D(2024, 3, 20), 30)

    with pytest.raises(ValidationError):  # not before the 12 months are over
        probation_decide(candidate=candidate, decided_on=D(2024, 3, 19), fit=True)
    probation_decide(candidate=candidate, decided_on=D(2024, 5, 20), fit=True, decision="NQ 12",
                     user=personas.grassroots_officer)

    member.refresh_from_db()
    candidate.refresh_from_db()
    assert D(2024, 5, 20) > deadline  # approved late …
    assert member.full_membership_date == D(2024, 3, 20)  # … yet full from the end of the 12 months
    assert candidate.probation_outcome == ProbationOutcome.FULL
    assert candidate.probation_decided_on == D(2024, 5, 20)
    with pytest.raises(ValidationError):
        probation_decide(candidate=candidate, decided_on=D(2024, 6, 1), fit=False)


def test_an_unfit_probationary_member_is_struck_off(tree):
    candidate = ready_candidate(tree.a1_1)
    member = candidate_admit(candidate=candidate, ceremony_date=D(2023, 10, 20))

    probation_decide(candidate=candidate, decided_on=D(2024, 6, 3), fit=False)

    member.refresh_from_db()
    assert member.left_on == D(2024, 6, 3) and member.full_membership_date is None
    period = member.periods.get()
    assert period.valid.upper == D(2024, 6, 3) and period.end_reason == MembershipReason.STRUCK_OFF
    candidate.refresh_from_db()
    assert candidate.probation_outcome == ProbationOutcome.STRUCK_OFF
