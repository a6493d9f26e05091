"""The benchmark suite (issue 11): the application measured side by side with its floor on a scale tier
(organizations/scale.py). Run by ``python manage.py bench --tier bloc|province|capital`` (``make bench``).

Sections, each printed as a table and written to ``test-output/bench/<tier>-<timestamp>.json`` and
``test-output/bench/bench-latest.json``:

1. **Full recompute** of every target of the tier's resolution through the real code
   (``targets.engine.recompute.run_recompute`` with ``full_plan``, the nightly job's path), timed per target, against
   hand-written SQL computing the same headline figures on the same data: the HTT+ share of members
   (LD-4b), attendance (QT-4b: the share of regular meetings above 85%, and the pooled rate kept beside it) and
   the share of cells that met every month (QT-4a), for the resolution's organization, every committee and every
   TCCSĐ under it, every year. The floor's figures are compared with the stored attainments (they must be
   equal), and each pair's time ratio is the figure that matters (budget ≤ 2×).
2. **Incremental recompute**: one member's decided rating is re-rated through
   ``members.ratings.services.member_rating_rerate``; the change event goes through the broker to a real
   Celery worker (a subprocess on a queue of its own) that recomputes the affected targets; the time is
   until the attainment the dashboard shows (the member's TCCSĐ, LD-4b, that year) has a new
   ``computed_at`` (budget ≤ 2 s).
3. **Pages** through the real WSGI stack: gunicorn (2 sync workers, persistent database connections as in
   production) with a logged-in session, N sequential requests per page: p50/p95 latency, and query counts
   measured in-process with the test client; ``/healthz`` on the same server is the ceiling.
4. **Exports**: the Excel export of every member of the tier (the real view, in a subprocess: time and peak
   RSS) and the year-end PDF of the resolution (``reports`` ``resolution_year``), when the reports app has it.

``quick`` (the CI smoke test) leaves out the worker and gunicorn: pages are timed in-process with the test
client, with few repetitions."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "bench"

# Budgets of DESIGN §6 / issue 11 (capital tier, these 2-core machines).
BUDGETS = {
    "recompute_ratio": 2.0,  # LD-4b, QT-4b, QT-4a each ≤ 2× the hand-written SQL (issue 16)
    "full_recompute_s": 60.0,  # the tier's full recompute (issue 16, capital tier)
    "isolation_tolerance": 0.25,  # the bloc tier's full recompute, with or without the capital tier: ±25%
    "incremental_s": 2.0,  # one rating change visible ≤ 2 s (median of 5, production debounce)
    "drilldown_root_p95_ms": 50.0,  # a page of the drill-down at the root
    "throughput_share": 0.5,  # dashboard overview requests/s ≥ 50% of /healthz's under load
    "dashboard_p95_ms": 150.0,
    "search_p95_ms": 200.0,
    "excel_rss_mb": 300.0,
    "pdf_s": 10.0,
}

# The targets the floor queries reproduce (codes of the catalogue; the tier's copies are prefixed).
PAIRS = [
    ("htt_share", "LD-4b", "HTT+ share of members (per TCCSĐ, committee, scope)"),
    ("attendance", "QT-4b", "regular meetings above 85% attendance (and the pooled rate)"),
    ("monthly", "QT-4a", "cells with a regular meeting every month"),
]


@dataclass
class Options:
    tier: str = "bloc"
    seed: int = 1
    quick: bool = False
    repeat: int = 0  # page requests per URL (0: 50, or 5 when quick)
    floor_repeat: int = 3
    worker: bool = True
    http: bool = True
    export: bool = True
    pdf: bool = True
    pages: bool = True
    recompute: bool = True
    incremental_runs: int = 5
    debounce: float | None = None  # None: the settings' TARGETS_DEBOUNCE_SECONDS, as in production
    load: bool = True
    load_seconds: int = 30
    load_concurrency: int = 8
    baseline: Path | None = None
    output: Path = OUTPUT


# ------------------------------------------------------------------------------------------ helpers

def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpu.splitlines()
                            if line.startswith("model name")), "")
        mem = Path("/proc/meminfo").read_text()
        kb = int(next(line.split()[1] for line in mem.splitlines() if line.startswith("MemTotal")))
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
        info["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        info["postgresql"] = cur.fetchone()[0].split(" on ")[0]
        cur.execute("SHOW shared_buffers")
        info["shared_buffers"] = cur.fetchone()[0]
        cur.execute("SHOW work_mem")
        info["work_mem"] = cur.fetchone()[0]
        cur.execute("SHOW autovacuum")
        info["autovacuum"] = cur.fetchone()[0]
    return info


def child_env(**extra) -> dict:
    """Environment of a subprocess (worker, gunicorn, export) on this process's database and broker."""
    from celery import current_app as app  # the project's app (config.celery)

    from core.env import database_url_from_settings

    env = os.environ.copy()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = database_url_from_settings(connection.settings_dict, name=connection.settings_dict["NAME"])
    env["REDIS_URL"] = str(app.conf.broker_url)  # the same broker, the embedded one included
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Context:
    """What every section needs: the tier's root, resolution, years and the benchmark user."""

    def __init__(self, tier: str):
        from devdata.scale import TIERS, tier_root
        from organizations.models import Organization
        from targets.engine.models import Resolution

        self.tier = TIERS[tier]
        self.root: Organization = tier_root(tier)
        self.resolution = Resolution.objects.get(code=self.tier.code)
        self.years = list(self.resolution.years)
        self.year = self.years[-1]
        self.targets = {t.code.removeprefix(self.tier.code + "-"): t
                        for t in self.resolution.targets.select_related("resolution")}
        self.user = bench_user(self.root, tier)

    @property
    def lengths(self) -> list[int]:
        """Path lengths of the scope, its committees and the TCCSĐ (the slots the engine computes)."""
        base = len(self.root.path)
        return [base, base + 4, base + 8]


def bench_user(root, tier: str):
    """A committee-staff user over the tier's root (sees everything under it, sensitive columns included)."""
    from django.contrib.auth import get_user_model

    from organizations.choices import Role
    from organizations.models import RoleAssignment

    user, created = get_user_model().objects.get_or_create(username=f"bench-{tier}",
                                                           defaults={"first_name": "Bench", "is_active": True})
    if created:
        user.set_unusable_password()
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=Role.COMMITTEE_STAFF, organization=root)
    return user


# ------------------------------------------------------------------------------------------ 1. recompute

# The floor: one statement per figure and year, with the year's dates as constants (so the planner sees them and
# hashes whole tables), grouped once per cell and then rolled up to the scope, its committees and its TCCSĐ by
# path prefix — the same rules as the metrics (members on the rating day without the exempted, suspended and
# newly admitted; attendance at regular meetings placed by the tree on the meeting day; cells placed under the
# scope at the year's end and judged on the months that have ended).
FLOOR_HTT = """
WITH pop AS (
    SELECT pc.path, mp.member_id
      FROM organizations_organizationplacement pc
      JOIN members_membershipperiod mp ON mp.cell_id = pc.organization_id AND mp.valid @> %(rd)s::date
      JOIN members_member m ON m.id = mp.member_id
     WHERE pc.valid @> %(rd)s::date AND pc.path LIKE %(prefix)s AND pc.kind IN ('grassroots_cell', 'sub_cell')
       AND (m.admission_date IS NULL OR m.admission_date <= %(six_months_before)s::date)
       AND NOT EXISTS (SELECT 1 FROM members_statusperiod s WHERE s.member_id = mp.member_id
                          AND s.kind IN ('exempted', 'suspended') AND s.valid @> %(rd)s::date)
), per_cell AS (
    SELECT pop.path, count(*) AS population, count(r.id) AS rated,
           count(r.id) FILTER (WHERE l.code = ANY(%(levels)s)) AS hits
      FROM pop
      LEFT JOIN members_memberrating r ON r.member_id = pop.member_id AND r.year = %(y)s AND r.status = 'decided'
      LEFT JOIN members_ratinglevel l ON l.id = r.decided_level_id
     GROUP BY 1
)
SELECT x.organization_id, %(y)s, sum(c.hits), sum(c.population), sum(c.rated)
  FROM per_cell c CROSS JOIN unnest(%(lengths)s::int[]) AS k(len)
  JOIN organizations_organizationplacement x ON x.path = left(c.path, k.len) AND x.valid @> %(rd)s::date
 GROUP BY 1
"""

# QT-4b judged per meeting: the regular meetings with an expected attendee whose attendance is strictly above
# 85%, of those meetings; then the pooled rate (present, expected) the attainment keeps beside it.
FLOOR_ATTENDANCE = """
WITH per_meeting AS (
    SELECT m.date, pc.path, count(*) FILTER (WHERE a.status <> 'excluded') AS expected,
           count(*) FILTER (WHERE a.status = 'present') AS present
      FROM meetings_meeting m
      JOIN organizations_organizationplacement pc
        ON pc.organization_id = m.cell_id AND pc.valid @> m.date AND pc.path LIKE %(prefix)s
      JOIN meetings_attendance a ON a.meeting_id = m.id
     WHERE m.kind = 'regular' AND m.date BETWEEN %(start)s AND %(until)s
     GROUP BY m.id, m.date, pc.path
)
SELECT x.organization_id, %(y)s,
       count(*) FILTER (WHERE pm.expected > 0 AND pm.present * 100 > 85 * pm.expected),
       count(*) FILTER (WHERE pm.expected > 0), sum(pm.present), sum(pm.expected)
  FROM per_meeting pm CROSS JOIN unnest(%(lengths)s::int[]) AS k(len)
  JOIN organizations_organizationplacement x ON x.path = left(pm.path, k.len) AND x.valid @> pm.date
 GROUP BY 1
"""

FLOOR_MONTHLY = """
WITH c AS (
    SELECT pc.organization_id AS cell_id, pc.path,
           date_trunc('month', greatest(%(start)s::date, o.founded_on))::date AS m0,
           least(%(end)s::date + 1, date_trunc('month', %(today)s::date)::date) AS m1
      FROM organizations_organizationplacement pc
      JOIN organizations_organization o ON o.id = pc.organization_id
     WHERE pc.valid @> %(ref)s::date AND pc.path LIKE %(prefix)s AND pc.kind IN ('grassroots_cell', 'sub_cell')
), met AS (
    SELECT m.cell_id, count(DISTINCT date_trunc('month', m.date)) AS months
      FROM meetings_meeting m JOIN c ON c.cell_id = m.cell_id
     WHERE m.kind = 'regular' AND m.date >= c.m0 AND m.date < c.m1
     GROUP BY m.cell_id
), judged AS (
    SELECT c.path, coalesce(met.months, 0)
           >= (extract(year FROM age(c.m1, c.m0)) * 12 + extract(month FROM age(c.m1, c.m0))) AS ok
      FROM c LEFT JOIN met ON met.cell_id = c.cell_id
     WHERE c.m1 > c.m0
)
SELECT x.organization_id, %(y)s, count(*) FILTER (WHERE j.ok), count(*)
  FROM judged j CROSS JOIN unnest(%(lengths)s::int[]) AS k(len)
  JOIN organizations_organizationplacement x ON x.path = left(j.path, k.len) AND x.valid @> %(ref)s::date
 GROUP BY 1
"""

FLOOR_SQL = {"htt_share": FLOOR_HTT, "attendance": FLOOR_ATTENDANCE, "monthly": FLOOR_MONTHLY}
# Figures a floor computes beyond the judged one, compared with the attainment's ``details[key]`` (numerator,
# denominator): QT-4b's pooled rate, kept beside its share of meetings.
FLOOR_BESIDE = {"attendance": "beside"}


def floor_params(ctx: Context, year: int) -> dict:
    from members.admissions.workdays import add_months
    from members.ratings.rules import rating_date
    from targets.engine.catalogue import M_HTT

    today = timezone.localdate()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rd = rating_date(year)
    return {"y": year, "prefix": ctx.root.path + "%", "lengths": ctx.lengths, "levels": M_HTT, "today": today,
            "rd": rd, "six_months_before": add_months(rd, -6), "start": start, "end": end,
            "until": min(end, today), "ref": min(end, today)}


def run_floor(ctx: Context, key: str, repeat: int) -> tuple[list[float], dict]:
    """Run one floor query (one statement per year) ``repeat`` times; its times and its figures
    {(org, year): (numerator, denominator)}."""
    from django.db import transaction

    times, figures = [], {}
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        rows = []
        # The same session settings as the engine's recompute (compute.recompute_target): without JIT, whose
        # compilation costs more than it saves on these statements, and with the same work_mem.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = %s", [getattr(settings, "TARGETS_WORK_MEM", "64MB")])
            for year in ctx.years:
                cur.execute(FLOOR_SQL[key], floor_params(ctx, year))
                rows += cur.fetchall()
        times.append(time.perf_counter() - started)
        beside = key in FLOOR_BESIDE
        figures = {(org, year): (int(num), int(den), *((int(v) for v in rest[:2]) if beside else ()))
                   for org, year, num, den, *rest in rows}
    return times, figures


def compare_figures(ctx: Context, code: str, floor: dict, beside: str | None = None) -> dict:
    """Compare the floor's figures with the stored attainments of the target (and, with ``beside``, the figure
    the attainment keeps in ``details[beside]``)."""
    from targets.engine.models import Attainment

    def figures(a):
        judged = (int(a.numerator or 0), int(a.denominator or 0))
        if beside is None:
            return judged
        other = (a.details or {}).get(beside) or {}
        return (*judged, int(other.get("numerator", 0)), int(other.get("denominator", 0)))

    stored = {(a.organization_id, a.year): figures(a)
              for a in Attainment.objects.filter(target=ctx.targets[code]).only(
                  "organization_id", "year", "numerator", "denominator", "details")}
    common = set(stored) & set(floor)
    mismatched = sorted(k for k in common if stored[k] != floor[k])
    floor_only = set(floor) - set(stored)
    return {"compared": len(common), "mismatched": len(mismatched), "examples": [
        {"org": k[0], "year": k[1], "app": stored[k], "floor": floor[k]} for k in mismatched[:5]],
        "floor_only": len(floor_only), "app_only": len(set(stored) - set(floor))}


def bench_recompute(ctx: Context, opts: Options, say: Callable) -> dict:
    import targets.engine.recompute as recompute
    from targets.engine.choices import RunKind
    from targets.engine.models import RecomputeRun

    per_target: dict[str, float] = {}
    real = recompute.recompute_target

    def timed(target, years=None, organizations=None):
        started = time.perf_counter()
        try:
            return real(target, years, organizations)
        finally:
            seconds = time.perf_counter() - started
            per_target[target.code.removeprefix(ctx.tier.code + "-")] = seconds
            say(f"    {target.code:<24} {target.family:<6} {seconds:8.2f} s")

    say(f"  full recompute of {len(ctx.targets)} targets ({ctx.resolution.code}, years {ctx.years}) …")
    run = RecomputeRun.objects.create(kind=RunKind.FULL, resolution=ctx.resolution)
    recompute.recompute_target = timed
    started = time.perf_counter()
    try:
        run = recompute.run_recompute(run, recompute.full_plan(run))
    finally:
        recompute.recompute_target = real
    total = time.perf_counter() - started
    say(f"  full recompute: {total:.1f} s, {run.rows} attainment rows")
    # What autovacuum does a minute after a big write: the pages read attainments, and with the statistics of
    # the empty table the planner picks nested loops that take seconds (docs/PERFORMANCE.md).
    with connection.cursor() as cur:
        cur.execute("ANALYZE targets_attainment")
    pairs = []
    floor_total = 0.0
    for key, code, label in PAIRS:
        times, figures = run_floor(ctx, key, opts.floor_repeat)
        best = min(times)
        floor_total += best
        check = compare_figures(ctx, code, figures, FLOOR_BESIDE.get(key))
        # The application measured as the floor is: the best of as many runs (each a whole recompute of the
        # target, its writes included), so neither side is judged on its one cold run.
        in_full = per_target.get(code)
        app_runs = [in_full] if in_full is not None else []
        if code in ctx.targets:
            for _ in range(max(1, opts.floor_repeat) - 1):
                started = time.perf_counter()
                real(ctx.targets[code], None, None)
                app_runs.append(time.perf_counter() - started)
        app = min(app_runs) if app_runs else None
        pairs.append({"key": key, "target": code, "label": label, "app_s": round(app, 3) if app is not None else None,
                      "app_runs_s": [round(t, 3) for t in app_runs],
                      "floor_s": round(best, 3), "floor_runs_s": [round(t, 3) for t in times],
                      "ratio": round(app / best, 2) if app and best else None, "figures": check})
        say(f"  floor {key}: {best:.3f} s (app {app:.3f} s, best of {len(app_runs)}: "
            f"{', '.join(f'{t:.3f}' for t in app_runs)}) — figures compared {check['compared']}, "
            f"mismatched {check['mismatched']}")
    paired_app = sum(p["app_s"] or 0 for p in pairs)
    baseline = None
    if opts.baseline and opts.baseline.exists():
        earlier = json.loads(opts.baseline.read_text()).get("recompute") or {}
        if earlier.get("full_s"):
            baseline = {"file": str(opts.baseline), "full_s": earlier["full_s"],
                        "ratio": round(total / earlier["full_s"], 2)}
    return {
        "baseline": baseline,
        "targets": len(ctx.targets), "rows": run.rows, "full_s": round(total, 2),
        "per_target_s": {code: round(s, 3) for code, s in sorted(per_target.items(), key=lambda kv: -kv[1])},
        "pairs": pairs, "paired_app_s": round(paired_app, 3), "floor_total_s": round(floor_total, 3),
        "paired_ratio": round(paired_app / floor_total, 2) if floor_total else None,
        "full_vs_floor_ratio": round(total / floor_total, 2) if floor_total else None,
    }


# ------------------------------------------------------------------------------------------ 2. incremental

@contextmanager
def worker_process(queue: str, log_path: Path):
    log = open(log_path, "a")  # noqa: SIM115  (the child process writes to it until it stops; closed then)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--without-mingle",
         "--without-gossip", "--loglevel=INFO", f"--hostname={queue}@%h"],
        cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        stop(proc)
        log.close()


def wait_worker_ready(queue: str, timeout: float = 120) -> float:
    from core.models import WorkerHeartbeat
    from core.tasks import record_heartbeat

    marker = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    record_heartbeat.apply_async(kwargs={"hostname": marker}, queue=queue)
    while time.perf_counter() - started < timeout:
        if WorkerHeartbeat.objects.filter(hostname=marker).exists():
            return time.perf_counter() - started
        time.sleep(0.1)
    raise TimeoutError(f"the worker did not answer within {timeout:.0f} s")


def bench_incremental(ctx: Context, opts: Options, say: Callable, log_dir: Path) -> dict:
    from celery import current_app as app  # the project's app (config.celery)
    from django.test.utils import override_settings

    from members.ratings.models import MemberRating
    from members.ratings.services import member_rating_rerate
    from targets.engine.models import Attainment, DebounceClaim, RecomputeRun

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    target = ctx.targets["LD-4b"]
    rating = (MemberRating.objects.decided().filter(year=ctx.year, grassroots__path__startswith=ctx.root.path,
                                                    decided_level__code__in=["HTT", "HT"])
              .select_related("decided_level").order_by("id").first())
    if rating is None:
        return {"skipped": "no decided rating to change"}
    if not Attainment.objects.filter(target=target, organization_id=rating.grassroots_id, year=ctx.year).exists():
        from targets.engine.compute import recompute_target

        recompute_target(target)  # the full recompute was skipped: compute the watched target once
    # A claim left in the future by an interrupted run would swallow the first change.
    DebounceClaim.objects.filter(due_at__gt=timezone.now()).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    runs = []
    debounce = settings.TARGETS_DEBOUNCE_SECONDS if opts.debounce is None else opts.debounce
    try:
        with worker_process(queue, log_dir / "worker.log"), \
                override_settings(TARGETS_TASK_QUEUE=queue, TARGETS_DEBOUNCE_SECONDS=debounce):
            ready = wait_worker_ready(queue)
            say(f"  worker ready in {ready:.1f} s (queue {queue}, debounce {debounce} s)")
            for i in range(max(1, opts.incremental_runs)):
                watched = Attainment.objects.filter(target=target, organization_id=rating.grassroots_id, year=ctx.year)
                before = watched.values_list("computed_at", "numerator").first()
                last_run = RecomputeRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
                new_level = "HT" if rating.decided_level.code == "HTT" else "HTT"
                started = time.perf_counter()
                rating = member_rating_rerate(rating=rating, level_code=new_level, reason="bench: re-rating", user=None)
                saved = time.perf_counter() - started
                seen = None
                while time.perf_counter() - started < 600:
                    now = watched.values_list("computed_at", "numerator").first()
                    if now and before and now[0] != before[0]:
                        seen = time.perf_counter() - started
                        break
                    time.sleep(0.02)
                deadline = time.perf_counter() + 60  # the run's own bookkeeping commits just after the rows
                while True:
                    run = RecomputeRun.objects.filter(id__gt=last_run, kind="changes").order_by("id").first()
                    if (run and run.finished_at) or time.perf_counter() > deadline:
                        break
                    time.sleep(0.05)
                compute = (run.finished_at - run.started_at).total_seconds() if run and run.finished_at else None
                entry = {"seconds": round(seen, 3) if seen is not None else None, "save_s": round(saved, 3),
                         "worker_recompute_s": round(compute, 3) if compute is not None else None,
                         "targets_recomputed": run.total if run else None,
                         "value_changed": bool(now and before and now[1] != before[1])}
                runs.append(entry)
                say(f"  change {i + 1}: visible after {entry['seconds']} s (save {entry['save_s']} s, worker recompute "
                    f"{entry['worker_recompute_s']} s of {entry['targets_recomputed']} targets)")
                # Let the debounce window pass so the next change is the first of its burst (the leading edge).
                time.sleep(debounce + 0.1)
    finally:
        app.conf.task_always_eager = eager
    seen = [r["seconds"] for r in runs if r["seconds"] is not None]
    return {"runs": runs, "median_s": round(statistics.median(seen), 3) if seen else None,
            "broker": "embedded redis" if settings.EMBEDDED_BROKER else "redis",
            "debounce_s": debounce, "watched": f"{target.code} / TCCSĐ {rating.grassroots_id} / {ctx.year}"}


# ------------------------------------------------------------------------------------------ 3. pages

def page_urls(ctx: Context) -> list[tuple[str, str, str]]:
    """(label, kind, url) of the pages measured: kind is ceiling, dashboard or search. The dashboards fall back
    to the resolution page when the dashboard app is not there."""
    from organizations.choices import TCCSD_KINDS
    from organizations.models import Organization

    tccsd = (Organization.objects.filter(path__startswith=ctx.root.path, kind__in=TCCSD_KINDS)
             .order_by("path").first())
    target = ctx.targets["LD-4b"]
    urls = [("healthz (ceiling)", "ceiling", reverse("healthz"))]
    try:
        urls.append(("dashboard overview", "dashboard", reverse("dashboard:overview")
                     + f"?org={ctx.root.pk}&resolution={ctx.resolution.pk}&year={ctx.year}"))
        urls.append(("dashboard drill-down", "dashboard",
                     reverse("dashboard:target", args=[target.pk, ctx.root.pk, ctx.year])))
        urls.append(("dashboard drill-down (TCCSĐ)", "dashboard",
                     reverse("dashboard:target", args=[target.pk, tccsd.pk, ctx.year])))
    except NoReverseMatch:
        detail = reverse("targets:resolution_detail", args=[ctx.resolution.pk])
        urls.append(("resolution page (scope)", "dashboard", f"{detail}?organization={ctx.root.pk}&year={ctx.year}"))
        urls.append(("resolution page (TCCSĐ)", "dashboard", f"{detail}?organization={tccsd.pk}&year={ctx.year}"))
    members = reverse("members:member_list")
    urls.append(("member list", "search", members))
    urls.append(("member search 'nguyen van'", "search", members + "?q=nguyen+van"))
    return urls


def count_queries(ctx: Context, urls) -> dict[str, dict]:
    """Queries per page in-process (test client, same settings), and the status code."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(ctx.user, backend="django.contrib.auth.backends.ModelBackend")
    result = {}
    for label, _kind, url in urls:
        client.get(url)  # warm caches (templates, translations)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        result[label] = {"queries": len(captured.captured_queries), "status": response.status_code}
    return result


def time_in_process(ctx: Context, urls, repeat: int) -> dict[str, list[float]]:
    from django.test import Client

    client = Client()
    client.force_login(ctx.user, backend="django.contrib.auth.backends.ModelBackend")
    times = {}
    for label, _kind, url in urls:
        client.get(url)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        times[label] = samples
    return times


@contextmanager
def gunicorn_server(log_path: Path):
    port = free_port()
    log = open(log_path, "a")  # noqa: SIM115  (the child process writes to it until it stops; closed then)
    env = child_env(DEBUG="0", DB_CONN_MAX_AGE="60", ALLOWED_HOSTS="127.0.0.1,localhost")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--worker-class", "sync", "--timeout", "300", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.perf_counter() + 60
        while True:
            try:
                status, _ = http_get(port, "/healthz", "")
                if status in (200, 503):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log_path}")
            time.sleep(0.2)
        yield port
    finally:
        stop(proc)
        log.close()


def http_get(port: int, url: str, cookie: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", url, headers={"Cookie": cookie, "Accept-Language": "vi"} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def session_cookie(ctx: Context) -> str:
    from django.test import Client

    client = Client()
    client.force_login(ctx.user, backend="django.contrib.auth.backends.ModelBackend")
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def bench_pages(ctx: Context, opts: Options, say: Callable, log_dir: Path) -> dict:
    urls = page_urls(ctx)
    queries = count_queries(ctx, urls)
    repeat = opts.repeat or (5 if opts.quick else 50)
    pages = {}
    if opts.http and not opts.quick:
        cookie = session_cookie(ctx)
        with gunicorn_server(log_dir / "gunicorn.log") as port:
            say(f"  gunicorn on 127.0.0.1:{port} (2 sync workers); {repeat} requests per page")
            for label, kind, url in urls:
                for _ in range(3):  # warm both workers
                    http_get(port, url, cookie)
                samples, statuses, size = [], set(), 0
                for _ in range(repeat):
                    started = time.perf_counter()
                    status, size = http_get(port, url, cookie)
                    samples.append(time.perf_counter() - started)
                    statuses.add(status)
                pages[label] = _page_stats(kind, url, samples, queries[label], statuses, size)
                say(f"    {label:<32} p50 {pages[label]['p50_ms']:7.1f} ms  p95 {pages[label]['p95_ms']:7.1f} ms  "
                    f"{pages[label]['queries']:3d} queries  {sorted(statuses)}")
        stack = "gunicorn"
    else:
        times = time_in_process(ctx, urls, repeat)
        for label, kind, url in urls:
            pages[label] = _page_stats(kind, url, times[label], queries[label], {queries[label]["status"]}, 0)
        stack = "in-process test client"
    return {"stack": stack, "repeat": repeat, "pages": pages}


def load_run(port: int, url: str, cookie: str, seconds: float, concurrency: int) -> dict:
    """``concurrency`` clients requesting ``url`` back to back for ``seconds`` (a small wrk): requests/s, and
    the statuses seen. The clients are threads of this process; they share the 2 cores with the server, the
    same for every URL, so the throughputs compare."""
    import threading

    done: list[int] = []
    statuses: set[int] = set()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client():
        n = 0
        while time.perf_counter() < stop_at:
            status, _ = http_get(port, url, cookie)
            n += 1
            with lock:
                statuses.add(status)
        with lock:
            done.append(n)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": sum(done), "seconds": round(elapsed, 1), "rps": round(sum(done) / elapsed, 1),
            "status": sorted(statuses)}


def bench_load(ctx: Context, opts: Options, say: Callable, log_dir: Path) -> dict:
    """Throughput under load (gunicorn, 2 sync workers, ``load_concurrency`` clients, ``load_seconds`` each):
    the dashboard overview and the root drill-down against ``/healthz`` on the same server."""
    urls = {label: url for label, _kind, url in page_urls(ctx)}
    cookie = session_cookie(ctx)
    measured = {}
    with gunicorn_server(log_dir / "gunicorn-load.log") as port:
        for label in ("healthz (ceiling)", "dashboard overview", "dashboard drill-down"):
            if label not in urls:
                continue
            for _ in range(4):
                http_get(port, urls[label], cookie)
            measured[label] = load_run(port, urls[label], cookie, opts.load_seconds, opts.load_concurrency)
            say(f"    {label:<32} {measured[label]['rps']:7.1f} requests/s  {measured[label]['status']}")
    ceiling = measured.get("healthz (ceiling)", {}).get("rps")
    for entry in measured.values():
        entry["share_of_healthz"] = round(entry["rps"] / ceiling, 2) if ceiling else None
    return {"concurrency": opts.load_concurrency, "seconds": opts.load_seconds, "urls": measured}


def _page_stats(kind, url, samples, queries, statuses, size) -> dict:
    return {"kind": kind, "url": url, "p50_ms": _ms(percentile(samples, 50)), "p95_ms": _ms(percentile(samples, 95)),
            "mean_ms": _ms(statistics.mean(samples)), "max_ms": _ms(max(samples)), "queries": queries["queries"],
            "status": sorted(statuses), "bytes": size}


# ------------------------------------------------------------------------------------------ 4. exports

def run_child(kind: str, tier: str, timeout: int, log_dir: Path) -> dict:
    """``manage.py bench --child <kind>`` in a fresh process; its last output line is JSON."""
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), "bench", "--tier", tier, "--child", kind],
                              cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout} s"}
    (log_dir / f"{kind}.log").write_text(proc.stdout + proc.stderr)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": f"exit {proc.returncode}; see {log_dir / (kind + '.log')}"}
    result = json.loads(lines[-1])
    result["process_s"] = round(time.perf_counter() - started, 2)
    return result


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_export(tier: str) -> dict:
    """In the child: the member export view of every member of the tier, streamed to nowhere."""
    from django.test import RequestFactory

    from members.register.views import member_export

    ctx = Context(tier)
    baseline = _rss_mb()
    request = RequestFactory().get(reverse("members:member_export"),
                                   {"organization": ctx.root.pk, "in_party": "all"})
    request.user = ctx.user
    started = time.perf_counter()
    response = member_export(request)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - started
    from members.register.models import Member

    rows = Member.objects.filter(cell__path__startswith=ctx.root.path).count()
    return {"seconds": round(seconds, 2), "rows": rows, "bytes": size, "status": response.status_code,
            "peak_rss_mb": _rss_mb(), "baseline_rss_mb": baseline}


def pdf_hook():
    """The year-end report's builder when the reports app has it: (build(params) -> document, render(document) ->
    bytes), else None. Adjust here if the reports API changes."""
    try:
        from reports.kinds import get_kind
        from reports.pdf import render_pdf
        from reports.services import report_language
    except ImportError:
        return None
    try:
        kind = get_kind("resolution_year")
    except Exception:
        return None
    from django.utils import translation

    def build(params):
        with translation.override(report_language()):
            return kind.build(params)

    def render(document):
        with translation.override(report_language()):
            return render_pdf(document)

    return build, render


def child_pdf(tier: str) -> dict:
    hook = pdf_hook()
    if hook is None:
        return {"skipped": "n/a (reports not built)"}
    build, render = hook
    ctx = Context(tier)
    params = {"resolution": ctx.resolution.pk, "organization": ctx.root.pk, "year": ctx.year,
              "issued_on": timezone.localdate().isoformat(), "formats": "pdf"}
    started = time.perf_counter()
    document = build(params)
    built = time.perf_counter() - started
    pdf = render(document)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "build_s": round(built, 2), "render_s": round(seconds - built, 2),
            "bytes": len(pdf), "peak_rss_mb": _rss_mb()}


# ------------------------------------------------------------------------------------------ the run

def ensure_tier(opts: Options, say: Callable) -> dict | None:
    from devdata.scale import build_tier, tier_exists

    if tier_exists(opts.tier):
        return None
    say(f"Tier {opts.tier} not found: seeding it (seed {opts.seed}) …")
    result = build_tier(opts.tier, seed=opts.seed, log=say)
    say(f"  built in {result.seconds:.1f} s")
    return {"seconds": result.seconds, "stages": result.stages, "counts": result.counts}


def tier_counts(ctx: Context) -> dict:
    sql = {
        "tccsd": "SELECT count(*) FROM organizations_organization WHERE path LIKE %(p)s AND kind IN "
                 "('grassroots_committee', 'grassroots_cell')",
        "cells": "SELECT count(*) FROM organizations_organization WHERE path LIKE %(p)s AND kind IN "
                 "('grassroots_cell', 'sub_cell')",
        "members": "SELECT count(*) FROM members_member m JOIN organizations_organization o ON o.id = m.cell_id "
                   "WHERE o.path LIKE %(p)s",
        "attendance_last_year": "SELECT count(*) FROM meetings_attendance a JOIN meetings_meeting m"
                                " ON m.id = a.meeting_id JOIN organizations_organization o ON o.id = m.cell_id"
                                " WHERE o.path LIKE %(p)s"
                                " AND m.date BETWEEN make_date(%(y)s, 1, 1) AND make_date(%(y)s, 12, 31)",
    }
    with connection.cursor() as cur:
        out = {}
        for key, query in sql.items():
            cur.execute(query, {"p": ctx.root.path + "%", "y": ctx.year})
            out[key] = cur.fetchone()[0]
    return out


def run(opts: Options, say: Callable[[str], None] = print) -> dict:
    started_at = timezone.now()
    stamp = started_at.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    log_dir = opts.output / f"{opts.tier}-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    result: dict = {"tier": opts.tier, "started_at": started_at.isoformat(), "quick": opts.quick,
                    "machine": machine(), "budgets": BUDGETS}
    result["seeded"] = ensure_tier(opts, say)
    ctx = Context(opts.tier)
    result["data"] = tier_counts(ctx)
    say(f"Tier {opts.tier}: {result['data']}")
    if opts.recompute:
        say("1. Full recompute vs hand-written SQL")
        result["recompute"] = bench_recompute(ctx, opts, say)
    if opts.worker and not opts.quick:
        say("2. Incremental recompute through a real worker")
        try:
            result["incremental"] = bench_incremental(ctx, opts, say, log_dir)
        except Exception as exc:  # keep the other figures
            result["incremental"] = {"error": repr(exc)}
            say(f"  failed: {exc!r}")
    if opts.pages:
        say("3. Pages")
        result["pages"] = bench_pages(ctx, opts, say, log_dir)
    if opts.load and opts.http:
        say(f"3b. Load: {opts.load_concurrency} clients, {opts.load_seconds} s per page")
        result["load"] = bench_load(ctx, opts, say, log_dir)
    if opts.export:
        say("4. Exports")
        result["excel"] = run_child("export", opts.tier, 3600, log_dir)
        say(f"  Excel: {result['excel']}")
        if opts.pdf:
            result["pdf"] = run_child("pdf", opts.tier, 3600, log_dir)
            say(f"  PDF: {result['pdf']}")
    result["finished_at"] = timezone.now().isoformat()
    try:
        result["machine"]["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        pass
    result["table"] = summary_table(result)
    say("")
    say(result["table"])
    path = opts.output / f"{opts.tier}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    (opts.output / "bench-latest.json").write_text(path.read_text())
    result["json"] = str(path)
    say(f"\nJSON: {path} (and {opts.output / 'bench-latest.json'})")
    return result


# ------------------------------------------------------------------------------------------ the table

def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("OK" if ok else "MISSED")


def summary_table(result: dict) -> str:
    b = result["budgets"]
    rows = [("measure", "application", "floor / ceiling", "ratio", "budget", "")]
    rec = result.get("recompute")
    if rec:
        rows.append((f"full recompute, {rec['targets']} targets", f"{rec['full_s']:.2f} s",
                     f"{rec['floor_total_s']:.3f} s (3 queries)", f"{rec['full_vs_floor_ratio']}×",
                     f"≤ {b['full_recompute_s']:g} s", _verdict(rec["full_s"] <= b["full_recompute_s"])))
        if rec.get("baseline"):
            base = rec["baseline"]
            tol = b["isolation_tolerance"]
            rows.append(("  same tier, compared with the baseline run", f"{rec['full_s']:.2f} s",
                         f"{base['full_s']:.2f} s", f"{base['ratio']}×", f"{1 - tol:g}–{1 + tol:g}×",
                         _verdict(abs(base["ratio"] - 1) <= tol)))
        for p in rec["pairs"]:
            ok = p["ratio"] is not None and p["ratio"] <= b["recompute_ratio"]
            same = "figures equal" if p["figures"]["mismatched"] == 0 and p["figures"]["compared"] else "FIGURES DIFFER"
            rows.append((f"  {p['target']} {p['key']} ({same})", f"{p['app_s']:.3f} s", f"{p['floor_s']:.3f} s",
                         f"{p['ratio']}×", f"≤ {b['recompute_ratio']:g}×", _verdict(ok)))
        ok = rec["paired_ratio"] is not None and rec["paired_ratio"] <= b["recompute_ratio"]
        rows.append(("  the three together", f"{rec['paired_app_s']:.3f} s", f"{rec['floor_total_s']:.3f} s",
                     f"{rec['paired_ratio']}×", f"≤ {b['recompute_ratio']:g}×", _verdict(ok)))
    inc = result.get("incremental")
    if inc:
        if inc.get("median_s") is not None:
            ok = inc["median_s"] <= b["incremental_s"]
            worker = [r["worker_recompute_s"] for r in inc["runs"] if r.get("worker_recompute_s") is not None]
            rows.append(("rating change → dashboard (median)", f"{inc['median_s']:.2f} s",
                         f"worker recompute {statistics.median(worker):.2f} s" if worker else "",
                         "", f"≤ {b['incremental_s']:g} s", _verdict(ok)))
        else:
            rows.append(("rating change → dashboard", inc.get("error") or inc.get("skipped") or "n/a", "", "", "", ""))
    pages = result.get("pages")
    if pages:
        ceiling = next((p for p in pages["pages"].values() if p["kind"] == "ceiling"), None)
        for label, p in pages["pages"].items():
            if p["kind"] == "ceiling":
                rows.append((f"{label} [{pages['stack']}]", f"p50 {p['p50_ms']} / p95 {p['p95_ms']} ms",
                             "", "", "", f"{p['queries']} q"))
                continue
            budget = b["dashboard_p95_ms"] if p["kind"] == "dashboard" else b["search_p95_ms"]
            if label == "dashboard drill-down":  # the drill-down at the root: every subordinate, paged
                budget = b["drilldown_root_p95_ms"]
            ratio = f"{p['p95_ms'] / ceiling['p95_ms']:.1f}×" if ceiling and ceiling["p95_ms"] else ""
            ok = p["p95_ms"] <= budget and all(s == 200 for s in p["status"])
            rows.append((label, f"p50 {p['p50_ms']} / p95 {p['p95_ms']} ms",
                         f"p95 {ceiling['p95_ms']} ms" if ceiling else "", ratio,
                         f"p95 ≤ {budget:g} ms", f"{_verdict(ok)} {p['queries']} q {p['status']}"))
    load = result.get("load")
    if load:
        ceiling = load["urls"].get("healthz (ceiling)", {})
        for label, entry in load["urls"].items():
            share = entry.get("share_of_healthz")
            if label.startswith("healthz"):
                rows.append((f"load: {label}, {load['concurrency']} clients", f"{entry['rps']} req/s", "", "", "",
                             str(entry["status"])))
                continue
            ok = share is not None and share >= b["throughput_share"] if label == "dashboard overview" else None
            rows.append((f"load: {label}", f"{entry['rps']} req/s", f"{ceiling.get('rps')} req/s",
                         f"{share}" if share is not None else "",
                         f"≥ {b['throughput_share']:g} of healthz" if ok is not None else "",
                         f"{_verdict(ok)} {entry['status']}"))
    excel = result.get("excel")
    if excel:
        if "seconds" in excel:
            ok = excel["peak_rss_mb"] <= b["excel_rss_mb"]
            rows.append((f"Excel export, {excel['rows']:,} members", f"{excel['seconds']:.1f} s, "
                         f"peak RSS {excel['peak_rss_mb']:.0f} MB",
                         f"(process at start {excel['baseline_rss_mb']:.0f} MB)",
                         "", f"RSS ≤ {b['excel_rss_mb']:g} MB", _verdict(ok)))
        else:
            rows.append(("Excel export", excel.get("error", "n/a"), "", "", "", ""))
    pdf = result.get("pdf")
    if pdf is not None:
        if "seconds" in pdf:
            ok = pdf["seconds"] <= b["pdf_s"]
            rows.append(("year-end PDF (resolution_year)", f"{pdf['seconds']:.1f} s "
                         f"(build {pdf['build_s']} + render {pdf['render_s']})", f"{pdf['bytes'] // 1024} KB", "",
                         f"≤ {b['pdf_s']:g} s", _verdict(ok)))
        else:
            rows.append(("year-end PDF", pdf.get("skipped") or pdf.get("error", "n/a"), "", "", "", ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
