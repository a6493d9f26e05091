"""Issue 18 item 9 (the rest): an đảng bộ cơ sở holds its regular conference twice a year (RULES §3) — recorded as
a meeting kind only a grassroots committee holds, and measured (MEET conferences_half_yearly: the committees
with their conference in every ended half-year, from the half they were founded in)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings.choices import MeetingKind
from organizations.choices import OrgKind
from organizations.services import organization_create
from targets.engine.compute import recompute_target
from targets.engine.models import Attainment
from tests.test_metric_meet import figure, log, pin_today, target_for

pytestmark = pytest.mark.django_db
D = dt.date
CONFERENCE = MeetingKind.CONFERENCE


def test_only_a_grassroots_committee_holds_the_conference(tree):
    meeting = log(tree.a1, D(2024, 6, 10), kind=CONFERENCE, conclusions="Sơ kết 6 tháng")
    assert meeting.attendance.count() == 0  # no member attendance recorded
    for organization in (tree.a2, tree.bloc_a, tree.a1_1):  # a grassroots cell, a bloc, a sub cell
        with pytest.raises(ValidationError) as refused:
            log(organization, D(2024, 6, 11), kind=CONFERENCE)
        assert "kind" in refused.value.error_dict or "cell" in refused.value.error_dict


def committees(tree):
    """A1 (since 2020) held both of 2024; A3, founded in March, only the second; A4, founded in August, the
    second (its first half-year is not required)."""
    a3 = organization_create(name="Đảng bộ Sở A3", kind=OrgKind.GRASSROOTS_COMMITTEE, parent=tree.bloc_a,
                             founded_on=D(2024, 3, 1))
    a4 = organization_create(name="Đảng bộ Sở A4", kind=OrgKind.GRASSROOTS_COMMITTEE, parent=tree.bloc_a,
                             founded_on=D(2024, 8, 1))
    log(tree.a1, D(2024, 6, 10), kind=CONFERENCE)
    log(tree.a1, D(2024, 12, 5), kind=CONFERENCE)
    log(a3, D(2024, 11, 20), kind=CONFERENCE)
    log(a4, D(2024, 12, 20), kind=CONFERENCE)
    log(tree.a2, D(2024, 6, 5))  # a chi bộ cơ sở: not among those judged
    return a3, a4


def test_committees_with_their_conference_every_half_year(tree, monkeypatch):
    pin_today(monkeypatch, D(2025, 3, 1))
    a3, a4 = committees(tree)
    target = target_for(tree.bloc_a, "conferences_half_yearly")
    recompute_target(target, [2024])
    rows = {a.organization_id: a for a in Attainment.objects.filter(target=target, year=2024)}
    assert figure(rows[tree.bloc_a.pk]) == (2, 3)  # A1 and A4 of A1, A3, A4
    assert figure(rows[tree.a1.pk]) == (1, 1)
    assert figure(rows[a3.pk]) == (0, 1)
    assert figure(rows[a4.pk]) == (1, 1)


def test_the_current_year_counts_the_ended_half_years(tree, monkeypatch):
    committees(tree)
    pin_today(monkeypatch, D(2024, 8, 20))  # the first half ended; A4 has no required half yet
    target = target_for(tree.bloc_a, "conferences_half_yearly")
    recompute_target(target, [2024])
    assert figure(Attainment.objects.get(target=target, organization=tree.bloc_a, year=2024)) == (1, 2)
