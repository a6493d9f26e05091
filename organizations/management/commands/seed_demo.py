"""Load the demo data set. Until the organization tree exists this only reports an empty database;
the Organizations and members issue fills it with the demo province."""

from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Load deterministic demo data (organizations, members, users for every role)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when data already exists")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, if_empty: bool, seed: int, **options):
        self.stdout.write("Demo data: nothing to load yet (the organization tree is not built).")
