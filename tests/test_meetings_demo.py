"""The demo meetings on a small tree: invariants of the data and determinism (not the full demo)."""

import datetime as dt

import pytest

from devdata.demo.meetings import seed_meetings
from meetings.models import Attendance, Meeting, MeetingScore
from members.register.models import MembershipPeriod
from members.register.services import member_transfer, position_add, status_period_add
from organizations.models import Organization
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def register(tree):
    Organization.objects.filter(pk=tree.bloc_a.pk).update(code="DBK-DN")  # the bloc whose meetings are scored
    members = {cell: [make_member(getattr(tree, cell)) for _ in range(12)] for cell in ("a1_1", "a1_2", "a2", "b1")}
    member_transfer(member=members["a1_1"][0], to_cell=tree.a1_2, date=D(2023, 7, 1))
    status_period_add(member=members["a2"][0], kind="exempted", start=D(2022, 1, 1))
    position_add(member=members["a1_2"][5], organization=tree.a1, position="committee_member", start=D(2020, 1, 1))
    return members


def signature():
    meetings = sorted(Meeting.objects.values_list("cell_id", "date", "kind", "start_time", "end_time"))
    attendance = sorted(Attendance.objects.values_list("meeting__cell_id", "meeting__date", "meeting__kind",
                                                       "member_id", "status", "reason"))
    return meetings, attendance


def test_demo_meetings_keep_the_invariants_and_are_deterministic(tree, register):
    result = seed_meetings(seed=7, start_year=2021, end_year=2025)
    assert result["meetings"] == Meeting.objects.count() > 0
    today = dt.date.today()
    cells = [tree.a1_1, tree.a1_2, tree.a2, tree.b1]
    possible = len(cells) * sum(1 for y in range(2021, 2026) for m in range(1, 13) if D(y, m, 3) <= today)
    regular = Meeting.objects.regular()
    assert 0.9 * possible <= regular.count() < possible  # about 3 % of months are missing
    # At most one regular meeting per cell and month, never in the future.
    months = list(regular.values_list("cell_id", "date__year", "date__month"))
    assert len(months) == len(set(months))
    assert not Meeting.objects.filter(date__gt=today).exists()
    assert Meeting.objects.filter(kind="thematic").exists() or Meeting.objects.filter(includes_thematic=True).exists()
    # Every attendance row is a member of that cell on that date, and each such member has exactly one row.
    rows = Attendance.objects.count()
    expected = sum(MembershipPeriod.objects.on(m.date).filter(cell_id=m.cell_id).count()
                   for m in Meeting.objects.all()[:40])
    sample = Attendance.objects.filter(meeting__in=Meeting.objects.all()[:40]).count()
    assert sample == expected
    mover = register["a1_1"][0]
    assert not Attendance.objects.filter(member=mover, meeting__cell=tree.a1_1, meeting__date__gte=D(2023, 7,
                                                                                                     1)).exists()
    assert not Attendance.objects.filter(member=mover, meeting__cell=tree.a1_2, meeting__date__lt=D(2023, 7,
                                                                                                    1)).exists()
    exempted = register["a2"][0]
    assert set(Attendance.objects.filter(member=exempted, meeting__date__gte=D(2022, 1, 1)).values_list(
        "status", flat=True)) == {"excluded"}
    shares = {s: Attendance.objects.filter(status=s).count() / rows for s in ("absent_excused", "absent_unexcused")}
    assert 0.02 < shares["absent_excused"] < 0.09 and shares["absent_unexcused"] < 0.02
    assert not Attendance.objects.filter(status="absent_excused", reason="").exists()
    # Scores only for the regular meetings of the scored bloc, never above the criterion maximum or 100 in all.
    scored = Meeting.objects.filter(scores__isnull=False).distinct()
    assert scored.exists() and not scored.exclude(cell__path__startswith=tree.bloc_a.path).exists()
    from django.db.models import F

    assert not MeetingScore.objects.filter(points__gt=F("criterion__max_points")).exists()
    totals = Meeting.objects.with_score().filter(score_total__isnull=False).values_list("score_total", flat=True)
    assert max(totals) <= 100
    # Upper-level attendees hold a position above the cell.
    assert Meeting.objects.filter(upper_attendees__organization=tree.a1).exists()

    first = signature()
    Meeting.objects.all().delete()
    seed_meetings(seed=7, start_year=2021, end_year=2025)
    assert signature() == first
