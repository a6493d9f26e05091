"""Load the demo data set (devdata.demo.register): a province with four party organizations modelled on the
five source documents, ~5,000 members with their history from 2021 to today (``--today`` for another day), and
a demo user for every role. Each step prints its progress as it ends."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from django.core.management import BaseCommand, CommandError
from django.db import transaction


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Load deterministic demo data (organizations, members with history 2021 to today, users for every role)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when any party organization exists (used by devrun)")
        parser.add_argument("--reset", action="store_true",
                            help="first delete every party organization, host unit, member and demo user")
        parser.add_argument("--seed", type=int, default=2025, help="the same seed gives the same data (default 2025)")
        parser.add_argument("--register-only", action="store_true",
                            help="build the tree, the register and the users, without ratings, meetings and admissions")
        parser.add_argument("--today", type=_day, default=None,
                            help="YYYY-MM-DD: the demo's last day (default: today); its history runs up to it")

    def handle(self, *args, if_empty: bool = False, reset: bool = False, seed: int = 2025,
               register_only: bool = False, today: dt.date | None = None, **options):
        from core.events import muted
        from devdata.demo import EXTENSIONS
        from devdata.demo.bulk import analyze
        from devdata.demo.register import LD_BASELINE_DAY, build_demo, check_today, has_data, reset_demo
        from organizations.models import Organization

        today = today or dt.date.today()
        try:
            check_today(today)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if if_empty and Organization.objects.exists():
            self.stdout.write("Demo data: the database already has party organizations; nothing loaded.")
            return
        if has_data() and not reset:
            raise CommandError(
                "The database already holds party organizations or members. Run with --reset to delete them "
                "(every organization, member and demo user) and load the demo data, or with --if-empty to skip."
            )
        verbosity = options.get("verbosity", 1)
        log = self.stdout.write if verbosity >= 2 else None
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"  [{time.perf_counter() - started:5.1f} s] {message}")
            self.stdout.flush()

        progress(f"demo up to {today:%d/%m/%Y} (seed {seed})")
        # The loader writes through the same services as users, which announce every change to the targets
        # engine; the demo computes every target once at the end instead (devdata.demo.targets).
        with transaction.atomic(), muted():
            if reset:
                reset_demo()
                # TRUNCATE … CASCADE also emptied the resolutions (they point at organizations): the catalogue
                # of the five seed documents comes back as shipped.
                from django.apps import apps

                from targets.engine.catalogue import load

                load(apps)
            result = build_demo(seed=seed, log=log, today=today, progress=progress)
            # Thousands of rows were just inserted in this transaction: give the planner real statistics
            # before the loaders below query them (ANALYZE may run inside a transaction).
            analyze("organizations", "members")
            if not register_only:
                for loader in EXTENSIONS:
                    step = time.perf_counter()
                    loader(seed=seed, today=today, log=log)
                    progress(f"{loader.__module__.rsplit('.', 1)[-1]}: {time.perf_counter() - step:.1f} s")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded (seed {result.seed}) in {elapsed:.1f} s: {result.organizations} party organizations, "
            f"{result.members} members; Lâm Đồng-style bloc on "
            f"{LD_BASELINE_DAY:%d/%m/%Y} (seed 000's figures): {result.ld_members_on_ref} members."
        ))
        if verbosity >= 2:
            self.stdout.write(f"Register digest: {result.digest}")
        rows = [("Username", "Role", "Organization", "Password")] + list(result.users)
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("\nDemo users:")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())
            if n == 0:
                self.stdout.write(line)
