"""Load the demo data set (devdata.demo.register): a province with four party organizations modelled on the
five source documents, ~5,000 members with their history 2021–2025, and a demo user for every role."""

from __future__ import annotations

import time

from django.core.management import BaseCommand, CommandError
from django.db import connection, transaction


class Command(BaseCommand):
    help = "Load deterministic demo data (organizations, members with history 2021–2025, users for every role)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when any party organization exists (used by devrun)")
        parser.add_argument("--reset", action="store_true",
                            help="first delete every party organization, host unit, member and demo user")
        parser.add_argument("--seed", type=int, default=2025, help="the same seed gives the same data (default 2025)")
        parser.add_argument("--register-only", action="store_true",
                            help="build the tree, the register and the users, without ratings, meetings and admissions")

    def handle(self, *args, if_empty: bool = False, reset: bool = False, seed: int = 2025,
               register_only: bool = False, **options):
        from core.events import muted
        from devdata.demo import EXTENSIONS
        from devdata.demo.register import build_demo, has_data, reset_demo
        from organizations.models import Organization

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
            result = build_demo(seed=seed, log=log)
            # Thousands of rows were just inserted in this transaction: give the planner real statistics
            # before the loaders below query them (ANALYZE may run inside a transaction).
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
            if not register_only:
                for loader in EXTENSIONS:
                    step = time.perf_counter()
                    loader(seed=seed, log=log)
                    self.stdout.write(f"  {loader.__module__}.{loader.__name__}: {time.perf_counter() - step:.1f} s")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded (seed {result.seed}) in {elapsed:.1f} s: {result.organizations} party organizations, "
            f"{result.members} members; Lâm Đồng-style bloc on 31/12/2024: {result.ld_members_on_ref} members."
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
