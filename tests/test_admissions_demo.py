"""The demo admissions loader on a small register."""

from __future__ import annotations

import datetime as dt

import pytest

from devdata.demo.admissions import seed_admissions
from members.admissions.choices import CandidateStatus, ProbationOutcome, StageCode
from members.admissions.models import Candidate, CandidateStage, Sponsor
from members.admissions.queries import admissions_by_year
from members.admissions.services import candidate_checks
from members.register.choices import MembershipReason
from members.register.services import member_leave
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def register(tree):
    for cell in (tree.a1_1, tree.a2, tree.b1):
        for _i in range(4):
            make_member(cell, admission_date=D(2005, 3, 1), full_membership_date=D(2006, 3, 1))
    admitted = [
        make_member(tree.a1_1, start=D(2022, 5, 10), start_reason=MembershipReason.ADMITTED,
                    admission_date=D(2022, 5, 10), full_membership_date=D(2023, 5, 10)),
        make_member(tree.a1_1, start=D(2023, 8, 1), start_reason=MembershipReason.ADMITTED,
                    admission_date=D(2023, 8, 1), full_membership_date=D(2024, 8, 1)),
        make_member(tree.a2, start=D(2023, 9, 4), start_reason=MembershipReason.ADMITTED,
                    admission_date=D(2023, 9, 4), full_membership_date=None),
        make_member(tree.b1, start=D(2025, 3, 3), start_reason=MembershipReason.ADMITTED,
                    admission_date=D(2025, 3, 3), full_membership_date=None),
    ]
    member_leave(member=admitted[2], date=D(2024, 6, 1), reason=MembershipReason.STRUCK_OFF)
    return admitted


def snapshot():
    return (
        list(Candidate.objects.order_by("cell_id", "full_name", "birth_date").values_list(
            "cell_id", "full_name", "birth_date", "status", "member_id", "admitted_on", "probation_outcome",
            "youth_union", "private_enterprise", "current_stage__code")),
        list(CandidateStage.objects.order_by("candidate__full_name", "stage__order").values_list(
            "candidate__full_name", "stage__code", "date", "document_number")),
        sorted(Sponsor.objects.values_list("candidate__full_name", "member_id")),
    )


def test_it_links_every_admitted_member_and_adds_pipelines(tree, register):
    result = seed_admissions(seed=7)

    assert result["admitted"] == 4
    linked = {c.member_id: c for c in Candidate.objects.filter(member__isnull=False)}
    assert set(linked) == {m.pk for m in register}
    full, late, struck, pending = (linked[m.pk] for m in register)
    assert (full.probation_outcome, struck.probation_outcome, pending.probation_outcome) == (
        ProbationOutcome.FULL, ProbationOutcome.STRUCK_OFF, ProbationOutcome.PENDING)
    assert late.probation_decided_on - late.member.full_membership_date == dt.timedelta(days=61)
    assert all(c.status == CandidateStatus.ADMITTED and c.admitted_on == c.member.admission_date
               for c in linked.values())
    # The stages before the ceremony are complete and pass the checks.
    assert [s.stage.code for s in late.stages.order_by("stage__order")] == list(StageCode.values)
    assert {c.code: c.level for c in candidate_checks(late)}["certificate"] == "ok"
    assert late.sponsors.count() == 2
    assert Candidate.objects.filter(status__in=[CandidateStatus.IN_PROGRESS, CandidateStatus.WITHDRAWN]).count() == \
        result["in_progress"] > 0
    figures = admissions_by_year([tree.province.pk], range(2021, 2026))[tree.province.pk]
    assert [figures[y]["total"] for y in range(2021, 2026)] == [0, 1, 2, 0, 1]
    assert seed_admissions(seed=7)["admitted"] == 0  # a second run leaves the data alone


def test_it_is_deterministic(tree, register):
    seed_admissions(seed=11)
    first = snapshot()
    Sponsor.objects.all().delete()
    CandidateStage.objects.all().delete()
    Candidate.objects.all().delete()
    seed_admissions(seed=11)
    assert snapshot() == first
