"""A living demo (issue 20, item 3): the demo's history ends on the day it is built for, whatever that day is.
Built for three days — the end of a year after the seed documents' terms, early in a year, and the day of the
2025 restructuring —, each shows current-year data: last month's meetings and this month's partly logged, an
open rating year (the one before decided), candidates in progress, reports due; and nothing is dated after
that day. The seed documents' baselines stay at their own dates (seed 000's bloc on 30/06/2021)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.events import muted
from devdata.demo import EXTENSIONS
from devdata.demo.ratings import open_year
from devdata.demo.register import CODE_LD, CODE_PROVINCE, LD_BASELINE_DAY, LD_MEMBERS, build_demo
from devdata.demo.targets import seed_targets
from meetings.models import Meeting
from members.admissions.choices import CandidateStatus
from members.admissions.models import Candidate
from members.ratings.models import MemberRating, OrganizationRating
from members.register.models import Member
from organizations.models import Organization
from targets.boards.views import reports_due
from targets.records.models import ReportSubmission

D = dt.date
SEED = 2025


def build_for(today: dt.date) -> None:
    """The demo builder as seed_demo runs it, for ``today``, without the final recompute of the targets (the
    engine's figures are not what this test is about)."""
    from devdata.demo.bulk import analyze

    with muted():
        build_demo(seed=SEED, today=today)
        analyze("organizations", "members")  # as seed_demo does: the loaders below plan on real statistics
        for loader in EXTENSIONS:
            if loader is seed_targets:
                loader(seed=SEED, today=today, recompute=False)
            else:
                loader(seed=SEED, today=today)


def latest(sql: str) -> dt.date | None:
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


# Every date the demo writes (a planned date — a follow-up due, a consideration planned — may lie ahead).
DATED = {
    "meeting": "SELECT max(date) FROM meetings_meeting",
    "membership start": "SELECT max(lower(valid)) FROM members_membershipperiod",
    "membership end": "SELECT max(upper(valid)) FROM members_membershipperiod",
    "left": "SELECT max(left_on) FROM members_member",
    "full membership": "SELECT max(full_membership_date) FROM members_member",
    "admission": "SELECT max(admission_date) FROM members_member",
    "candidate stage": "SELECT max(date) FROM members_candidatestage",
    "probation decided": "SELECT max(probation_decided_on) FROM members_candidate",
    "inspection finished": "SELECT max(end_date) FROM inspections_inspection",
    "follow-up done": "SELECT max(follow_up_done_on) FROM inspections_inspection",
    "discipline": "SELECT max(decision_date) FROM inspections_discipline",
    "report sent": "SELECT max(submitted_on) FROM targets_reportsubmission",
    "document adopted": "SELECT max(adopted_on) FROM targets_documentadoption",
    "organization event": "SELECT max(date) FROM organizations_organizationevent",
}


def _month_before(day: dt.date) -> tuple[dt.date, dt.date]:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@pytest.mark.demo
@pytest.mark.django_db
@pytest.mark.parametrize("today", [D(2026, 12, 4), D(2027, 3, 15), D(2025, 7, 1)])
def test_the_demo_is_alive_on_any_day(today):
    with transaction.atomic():
        build_for(today)
        connection.check_constraints()
        province = Organization.objects.get(code=CODE_PROVINCE)

        # Nothing after today.
        after = {name: day for name, sql in DATED.items() if (day := latest(sql)) is not None and day > today}
        assert after == {}
        assert not MemberRating.objects.filter(year__gt=today.year).exists()

        # Last month every active cell met (a few miss a month); this month only those whose day has come.
        start, end = _month_before(today)
        cells = Organization.objects.filter(kind__in=["grassroots_cell", "sub_cell"], founded_on__lte=start,
                                            dissolved_on__isnull=True)
        met = Meeting.objects.filter(kind="regular", date__range=(start, end), cell__in=cells)
        assert met.values("cell").distinct().count() > 0.9 * cells.count()
        this_month = Meeting.objects.filter(kind="regular", date__gte=today.replace(day=1)).values("cell").distinct()
        assert this_month.count() < 0.9 * cells.count()

        # The rating year still open has no decision; the year before it is decided.
        year = open_year(today)
        assert year == today.year
        assert not MemberRating.objects.decided().filter(year=year).exists()
        assert not OrganizationRating.objects.decided().filter(year=year).exists()
        assert MemberRating.objects.decided().filter(year=year - 1).count() > 4000
        # In December the cells have proposed; in March and July nobody has.
        proposed = MemberRating.objects.filter(year=year, status="proposed").count()
        assert (proposed > 1000) if today.month >= 11 else (proposed == 0)

        # Candidates in progress, with a stage reached in the last five months; members admitted this year.
        moving = Candidate.objects.filter(status=CandidateStatus.IN_PROGRESS,
                                          stages__date__gte=today - dt.timedelta(days=150)).distinct()
        assert moving.count() > 100
        assert Member.objects.filter(admission_date__year=today.year).count() > 10

        # Reports due in the coming months that nobody has sent yet, and the last one due was sent by most.
        due = reports_due(province, today, days=90)
        assert due and all(row.organizations > 0 for row in due)
        assert due[0].not_submitted > 0  # some send a few days early, the others still owe it
        sent = ReportSubmission.objects.filter(submitted_on__lte=today)
        assert sent.filter(submitted_on__gte=today - dt.timedelta(days=100)).exists()

        # Seed 000's baseline stays on its own date.
        assert Member.objects.under_on(Organization.objects.get(code=CODE_LD), LD_BASELINE_DAY).count() == LD_MEMBERS
        transaction.set_rollback(True)


def test_seed_demo_takes_a_today_and_refuses_one_before_the_demos_history():
    with pytest.raises(CommandError, match="01/07/2025"):
        call_command("seed_demo", "--today", "2025-06-30", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "31/12/2026", stdout=io.StringIO())
