"""The targets engine through a real Celery worker (Redis: REDIS_URL's in CI, the embedded one locally):
change events → one debounced task → only the affected targets recomputed; a worker killed in the middle
of a full recompute leaves every target either wholly old or wholly new, and a rerun completes it."""

from __future__ import annotations

import time
import uuid

import pytest

from config.celery import app
from core.choices import RunStatus
from members.ratings.services import RowInput, member_grid, member_ratings_save
from targets.engine.choices import RunKind
from targets.engine.models import Attainment, RecomputeRun, Resolution, Target
from targets.engine.recompute import full_plan, run_recompute, start_full_recompute
from tests.factories import make_member
from tests.workers import spawn_worker, stop_worker

YEAR = 2024
HTT_PLUS = ["HTXS", "HTT", "DTC_HTXS", "DTC_HTT"]


def wait_until(predicate, output_dir, timeout=90, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} did not finish within {timeout} s; see {output_dir}")


def decide(org, members, level, year=YEAR):
    grid = member_grid(organization=org, year=year)
    return member_ratings_save(organization=org, year=year, grid_version=grid.version, user=None,
                               rows=[RowInput(member_id=m.pk, proposed_level=level, decided_level=level)
                                     for m in members])


def resolution(scope, code, families):
    res = Resolution.objects.create(code=code, number=f"01-NQ/{code}", issuer_name="Thử", title="Thử",
                                    start_year=2023, end_year=2025, scope=scope)
    targets = []
    for i, (family, params, comparator, lower) in enumerate(families, start=1):
        targets.append(Target.objects.create(resolution=res, code=f"{code}-{i}", order=i, family=family,
                                             params=params, comparator=comparator, lower=lower, unit="percent",
                                             short_text=f"{code}-{i}", clause="…"))
    return res, targets


def stamps(target) -> dict:
    """{(organization, year): computed_at} of a target's rows."""
    return {(a.organization_id, a.year): a.computed_at for a in Attainment.objects.filter(target=target)}


def settle_setup():
    """The records built before the test's action emitted change events too; the full recompute of the setup
    covers them, so they are dropped (as a task would after recomputing), with the tasks they queued and
    their debounce window: the test's own changes start from a quiet engine."""
    from django.conf import settings

    from targets.engine.models import DebounceClaim, PendingChange

    PendingChange.objects.all().delete()
    DebounceClaim.objects.all().delete()
    queue = getattr(settings, "TARGETS_TASK_QUEUE", "")
    if queue:
        with app.connection_for_write() as conn:
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # the queue does not exist yet: nothing was queued
                pass


@pytest.fixture
def worker_queue(transactional_db, output_dir, settings):
    queue = f"targets-{uuid.uuid4().hex[:8]}"
    settings.TARGETS_TASK_QUEUE = queue
    settings.TARGETS_DEBOUNCE_SECONDS = 2
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    procs = []

    def start(**extra_env):
        proc = spawn_worker(queue, output_dir, extra_env={k: str(v) for k, v in extra_env.items()},
                            log_name="worker.log" if not procs else f"worker-{len(procs) + 1}.log")
        procs.append(proc)
        return proc

    try:
        yield start
    finally:
        app.conf.task_always_eager = eager
        for proc in procs:
            if proc.poll() is None:
                stop_worker(proc)
            elif not proc.log_file.closed:
                proc.log_file.close()


@pytest.mark.worker
def test_deciding_one_rating_recomputes_only_the_affected_rows(worker_queue, tree, output_dir):
    a_members = [make_member(tree.a2) for _ in range(9)]
    b_members = [make_member(tree.b1) for _ in range(3)]
    decide(tree.a2, a_members[:8], "HTT")
    decide(tree.b1, b_members, "HTT")
    _, (members_a, orgs_a) = resolution(tree.bloc_a, "RA", [
        ("R-mem", {"levels": HTT_PLUS}, "gte", 90), ("R-org", {"subject": "tccsd", "levels": ["HTT"]}, "gte", 85)])
    _, (members_b,) = resolution(tree.bloc_b, "RB", [("R-mem", {"levels": HTT_PLUS}, "gte", 90)])
    run_recompute(RecomputeRun.objects.create(kind=RunKind.FULL), full_plan(RecomputeRun(kind=RunKind.FULL)))
    settle_setup()
    before = {t.code: stamps(t) for t in (members_a, orgs_a, members_b)}
    scope_row = Attainment.objects.get(target=members_a, organization=tree.bloc_a, year=YEAR)
    assert (scope_row.numerator, scope_row.denominator, scope_row.status) == (8, 9, "no_data")

    worker_queue()
    decide(tree.a2, a_members[8:], "HTT")  # the ninth member of bloc A: now 9 of 9

    def updated():
        row = Attainment.objects.get(target=members_a, organization=tree.bloc_a, year=YEAR)
        return row.computed_at != before["RA-1"][(tree.bloc_a.pk, YEAR)]

    wait_until(updated, output_dir)
    row = Attainment.objects.get(target=members_a, organization=tree.bloc_a, year=YEAR)
    assert (row.numerator, row.denominator, row.status) == (9, 9, "met")
    assert row.inputs_changed_at is not None and row.inputs_changed_at <= row.computed_at
    after = {t.code: stamps(t) for t in (members_a, orgs_a, members_b)}
    # Only the member-rating target of bloc A, only for 2024, and only the slots above the changed cell (its
    # own and the bloc's) were recomputed: a1, another TCCSĐ of the bloc, kept its row.
    changed = {(code, key) for code in after for key in after[code] if after[code][key] != before[code].get(key)}
    assert changed == {("RA-1", (tree.a2.pk, YEAR)), ("RA-1", (tree.bloc_a.pk, YEAR))}
    assert (tree.a1.pk, YEAR) in after["RA-1"]
    assert after["RA-2"] == before["RA-2"] and after["RB-1"] == before["RB-1"]
    assert RecomputeRun.objects.filter(kind=RunKind.CHANGES).count() == 1


@pytest.mark.worker
def test_fifty_rapid_edits_lead_to_a_few_recomputes(worker_queue, tree, output_dir, settings):
    members = [make_member(tree.a2) for _ in range(5)]
    decide(tree.a2, members, "HTT")
    _, (target,) = resolution(tree.bloc_a, "RA", [("R-mem", {"levels": HTT_PLUS}, "gte", 90)])
    settle_setup()
    # A window long enough for the edits of this machine (each a grid save): the first edit starts a task at
    # once, the others coalesce into one more at the window's end, then the cycle may repeat.
    settings.TARGETS_DEBOUNCE_SECONDS = 8
    worker_queue()
    started = time.monotonic()
    for i in range(50):
        decide(tree.a2, members[:1], "HT" if i % 2 == 0 else "HTT")  # the last edit (i = 49) decides HTT
    edits_took = time.monotonic() - started

    def settled():
        from targets.engine.models import PendingChange

        row = Attainment.objects.filter(target=target, organization=tree.bloc_a, year=YEAR).first()
        return (row is not None and not PendingChange.objects.exists()
                and not RecomputeRun.objects.exclude(status=RunStatus.DONE).exists())

    wait_until(settled, output_dir)
    runs = RecomputeRun.objects.filter(kind=RunKind.CHANGES).count()
    received = (output_dir / "worker.log").read_text(errors="ignore").count("targets.engine.tasks.process_changes[")
    # Two tasks per debounce window at most (the leading one and the trailing one): 50 edits are a handful of
    # tasks, not 50 — at most 5 while the edits take under two windows.
    windows = 1 + int(edits_took // 8)
    assert 1 <= runs <= min(2 * windows, 5) if edits_took < 16 else runs <= 2 * windows, (runs, edits_took)
    assert received <= 2 * 2 * windows  # "received" and "succeeded" lines per task
    row = Attainment.objects.get(target=target, organization=tree.bloc_a, year=YEAR)
    assert (row.numerator, row.denominator) == (5, 5)


@pytest.mark.worker
def test_killing_the_worker_mid_recompute_leaves_each_target_whole(worker_queue, tree, output_dir):
    members = [make_member(cell) for cell in (tree.a1_1, tree.a1_2, tree.a2) for _ in range(3)]
    decide(tree.a1, members[:6], "HTT")
    decide(tree.a2, members[6:], "HT")
    families = [("R-mem", {"levels": HTT_PLUS}, "gte", 50 + i) for i in range(6)]
    families += [("R-org", {"subject": "tccsd", "levels": ["HTT"]}, "gte", 50 + i) for i in range(6)]
    _, targets = resolution(tree.bloc_a, "RA", families)
    run_recompute(RecomputeRun.objects.create(kind=RunKind.FULL), full_plan(RecomputeRun(kind=RunKind.FULL)))
    old = {t.pk: stamps(t) for t in targets}
    rows_per_target = {t.pk: len(old[t.pk]) for t in targets}
    settle_setup()

    proc = worker_queue(TARGETS_RECOMPUTE_PAUSE=0.7)
    run = start_full_recompute()
    wait_until(lambda: RecomputeRun.objects.get(pk=run.pk).done >= 3, output_dir, what="the first targets")
    stop_worker(proc, kill=True)  # SIGKILL: no cleanup, mid-run
    run.refresh_from_db()
    assert 3 <= run.done < len(targets) and run.status == RunStatus.RUNNING

    new_count = 0
    for target in targets:
        now = stamps(target)
        assert len(now) == rows_per_target[target.pk]  # nothing lost, nothing doubled
        times = set(now.values())
        assert len(times) == 1, f"{target.code} mixes two computations"
        if times != set(old[target.pk].values()):
            new_count += 1
    assert run.done <= new_count < len(targets)

    worker_queue()  # rerun: a fresh worker completes a new full recompute
    rerun = start_full_recompute()
    wait_until(lambda: RecomputeRun.objects.get(pk=rerun.pk).status == RunStatus.DONE, output_dir)
    for target in targets:
        assert set(stamps(target).values()) != set(old[target.pk].values())
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "interrupted" in run.error  # the dead run is not left "running"
