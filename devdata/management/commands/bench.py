"""The benchmark suite on a scale tier (config/bench.py): full and incremental recompute, pages through
gunicorn, exports. ``make bench`` / ``make bench TIER=capital``."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import BaseCommand


class Command(BaseCommand):
    help = ("Benchmark a scale tier (seeding it if absent): full recompute vs hand-written SQL, one rating change "
            "through a real worker, page latency and queries through gunicorn, Excel and PDF exports. Prints a "
            "table and writes test-output/bench/<tier>-<timestamp>.json and bench-latest.json.")

    def add_arguments(self, parser):
        from devdata.scale import TIERS

        parser.add_argument("--tier", choices=sorted(TIERS), default="bloc")
        parser.add_argument("--seed", type=int, default=1, help="seed used when the tier has to be built")
        parser.add_argument("--quick", action="store_true",
                            help="smoke run: no worker, no gunicorn (pages timed in-process), few repetitions")
        parser.add_argument("--repeat", type=int, default=0, help="requests per page (default 50; 5 with --quick)")
        parser.add_argument("--floor-repeat", type=int, default=3, help="runs of each hand-written query (best kept)")
        parser.add_argument("--incremental-runs", type=int, default=5, help="rating changes timed through the worker")
        parser.add_argument("--debounce", type=float, default=None,
                            help="TARGETS_DEBOUNCE_SECONDS for the incremental measure (default: the settings', "
                                 "as in production)")
        parser.add_argument("--load-seconds", type=int, default=30, help="seconds of each load run (concurrency 8)")
        parser.add_argument("--baseline", default="",
                            help="JSON of an earlier run of the same tier (e.g. the bloc tier alone in its database): "
                                 "the full recompute is compared with it (isolation budget ±25%%)")
        parser.add_argument("--skip", default="",
                            help="comma-separated sections to leave out: recompute, worker, pages, http (pages "
                                 "in-process instead of gunicorn), load, export, pdf")
        parser.add_argument("--output", default="", help="folder for the JSON (default test-output/bench)")
        parser.add_argument("--child", choices=["export", "pdf"], help=argparse_suppress())

    def handle(self, *args, tier="bloc", seed=1, quick=False, repeat=0, floor_repeat=3, incremental_runs=5,
               debounce=None, skip="", output="", child=None, load_seconds=30, baseline="", **options):
        from devdata import bench

        if child:  # a measured subprocess: one JSON line on stdout
            result = bench.child_export(tier) if child == "export" else bench.child_pdf(tier)
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        skipped = {s.strip() for s in skip.split(",") if s.strip()}
        opts = bench.Options(
            tier=tier, seed=seed, quick=quick, repeat=repeat, floor_repeat=floor_repeat,
            incremental_runs=1 if quick else incremental_runs, debounce=debounce,
            recompute="recompute" not in skipped, worker="worker" not in skipped, http="http" not in skipped,
            export="export" not in skipped, pdf="pdf" not in skipped, pages="pages" not in skipped,
            load="load" not in skipped and not quick, load_seconds=load_seconds,
            baseline=Path(baseline) if baseline else None,
            output=Path(output) if output else bench.OUTPUT,
        )
        verbose = options.get("verbosity", 1) >= 1
        bench.run(opts, say=self.stdout.write if verbose else (lambda _msg: None))


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
