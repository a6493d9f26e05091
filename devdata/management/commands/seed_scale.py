"""Generate (or drop) a scale tier for the benchmarks (organizations/scale.py, DESIGN §6)."""

from __future__ import annotations

import json

from django.core.management import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Generate a scale tier (bloc ≈ 2,700 members, province ≈ 150,000, capital ≈ 500,000 with ~6 M attendance "
            "rows a year) under a root of its own, next to any other data; --drop removes it.")

    def add_arguments(self, parser):
        from devdata.scale import DEFAULT_YEARS, TIERS

        parser.add_argument("--tier", choices=sorted(TIERS), required=True)
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data (default 1)")
        parser.add_argument("--years", default=",".join(str(y) for y in DEFAULT_YEARS),
                            help="comma-separated years of meetings, ratings, inspections and admissions "
                                 "(default %(default)s)")
        parser.add_argument("--drop", action="store_true", help="remove the tier's data and stop")
        parser.add_argument("--replace", action="store_true", help="drop the tier first if it exists")

    def handle(self, *args, tier: str, seed: int = 1, years: str = "", drop: bool = False, replace: bool = False,
               **options):
        from devdata.scale import build_tier, drop_tier, tier_exists

        log = self.stdout.write if options.get("verbosity", 1) >= 1 else None
        if drop or replace:
            if drop_tier(tier, log=log):
                self.stdout.write(self.style.SUCCESS(f"Tier {tier} dropped."))
            elif drop:
                self.stdout.write(f"Tier {tier} is not in the database; nothing dropped.")
            if drop:
                return
        if tier_exists(tier):
            raise CommandError(f"Tier {tier} already exists: use --replace to rebuild it or --drop to remove it.")
        try:
            year_list = [int(y) for y in years.split(",") if y.strip()]
        except ValueError:
            raise CommandError(f"--years must be comma-separated years, not {years!r}")
        result = build_tier(tier, seed=seed, years=year_list, log=log)
        self.stdout.write(json.dumps(result.counts, ensure_ascii=False))
        self.stdout.write(self.style.SUCCESS(f"Tier {tier} (seed {seed}, years {result.years}) built in "
                                             f"{result.seconds:.1f} s."))
