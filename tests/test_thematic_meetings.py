"""Issue 18 item 7: the quarterly thematic meeting (Hướng dẫn 12). A MEET measure (cells with a thematic meeting —
on its own or held in the same session as a regular meeting — in every ended quarter, over the population
vocabulary), its records behind the figure, a line on the board, and a reminder before the quarter ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from meetings.choices import MeetingKind
from meetings.tasks import send_thematic_meeting_reminders
from targets.dashboards import drilldown
from targets.engine.compute import recompute_target
from targets.engine.models import Attainment
from tests.test_metric_meet import figure, log, pin_today, target_for

pytestmark = pytest.mark.django_db
D = dt.date


def thematic_year(tree):
    """2024: A1-1 holds a thematic meeting each quarter (Q3 and Q4 together with the regular one); A1-2 misses Q3;
    A2 holds none (only regular meetings)."""
    for day in (D(2024, 2, 10), D(2024, 5, 10)):
        log(tree.a1_1, day, kind=MeetingKind.THEMATIC)
    for day in (D(2024, 8, 10), D(2024, 11, 10)):
        log(tree.a1_1, day, includes_thematic=True, start_time=dt.time(8), end_time=dt.time(10, 30))
    for day in (D(2024, 3, 10), D(2024, 6, 10), D(2024, 12, 10)):
        log(tree.a1_2, day, kind=MeetingKind.THEMATIC)
    log(tree.a1_2, D(2024, 8, 5))  # a regular meeting does not count
    for month in range(1, 13):
        log(tree.a2, D(2024, month, 5))


def test_cells_with_a_thematic_meeting_every_quarter(tree, personas, monkeypatch):
    pin_today(monkeypatch, D(2025, 3, 1))
    thematic_year(tree)
    target = target_for(tree.bloc_a, "thematic_quarterly")
    recompute_target(target, [2024])
    rows = {a.organization_id: a for a in Attainment.objects.filter(target=target, year=2024)}
    assert figure(rows[tree.bloc_a.pk]) == (1, 3)  # A1-1 of A1-1, A1-2, A2
    assert figure(rows[tree.a1.pk]) == (1, 2)
    assert figure(rows[tree.a2.pk]) == (0, 1)
    # The records behind bloc A's figure: the two cells that missed a quarter, with the quarters.
    listing = drilldown.record_list(target, tree.bloc_a, 2024, personas.committee_staff)
    cells = {c.pk: c.missing_units for c in listing.queryset}
    assert set(cells) == {tree.a1_2.pk, tree.a2.pk}
    assert cells[tree.a1_2.pk] == [D(2024, 7, 1)] and len(cells[tree.a2.pk]) == 4
    # The subject parameter applies (a cell measure): the sub cells of bloc A only.
    subs = target_for(tree.bloc_a, "thematic_quarterly", subject="sub_cells")
    recompute_target(subs, [2024])
    assert figure(Attainment.objects.get(target=subs, organization=tree.bloc_a, year=2024)) == (1, 2)


def test_the_current_year_counts_the_ended_quarters_only(tree, monkeypatch):
    pin_today(monkeypatch, D(2024, 8, 20))  # Q1 and Q2 ended
    thematic_year(tree)
    target = target_for(tree.bloc_a, "thematic_quarterly")
    recompute_target(target, [2024])
    # A1-1 and A1-2 held theirs in Q1 and Q2; A2 none.
    assert figure(Attainment.objects.get(target=target, organization=tree.bloc_a, year=2024)) == (2, 3)


def test_the_board_shows_the_quarters_thematic_meetings(tree, client_for, monkeypatch):
    thematic_year(tree)
    monkeypatch.setattr("targets.boards.views.today", lambda: D(2024, 8, 20))
    response = client_for("committee_staff").get(reverse("boards:overview"), {"org": tree.bloc_a.pk})
    regularity = response.context["regularity"]
    assert (regularity.quarter, regularity.thematic_held, regularity.thematic_total) == (D(2024, 7, 1), 1, 3)
    assert 'data-test="thematic-this-quarter"' in response.content.decode()


def test_a_reminder_fifteen_days_before_the_quarter_ends(tree, personas, monkeypatch):
    thematic_year(tree)
    for day, sent in ((D(2024, 9, 14), 0), (D(2024, 9, 16), 0)):  # not the reminder day
        monkeypatch.setattr(timezone, "localdate", lambda *a, _d=day, **k: _d)
        assert send_thematic_meeting_reminders() == sent
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2024, 9, 15))  # 15 days before 30/09 ends
    # A1-1 held Q3's (with the regular meeting of August); A1-2 did not: its secretary (the cell secretary
    # works in A1-1, so nobody there) and A1's officer are reminded; A2 has nobody to remind.
    assert send_thematic_meeting_reminders() == 1
    note = Notification.objects.get()
    assert note.user == personas.grassroots_officer and note.key == f"thematic-missing:{tree.a1_2.pk}:2024-Q3"
    assert send_thematic_meeting_reminders() == 0  # once
    assert send_thematic_meeting_reminders("2024-12-01") == 0  # Q4: A1-2 held it
