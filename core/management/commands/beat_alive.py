"""Health check for the beat container: exit 0 when beat has dispatched the heartbeat recently."""

import sys
from datetime import timedelta

from django.core.management import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Exit 0 if Celery beat dispatched the periodic heartbeat within --max-age seconds."

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=300)

    def handle(self, *args, max_age: int, **options):
        from django_celery_beat.models import PeriodicTask

        last = PeriodicTask.objects.filter(task="core.tasks.record_heartbeat").values_list("last_run_at",
                                                                                           flat=True).first()
        if last and timezone.now() - last <= timedelta(seconds=max_age):
            self.stdout.write(f"beat alive, last dispatch {last:%Y-%m-%d %H:%M:%S}")
            return
        self.stderr.write(f"beat has not dispatched the heartbeat in {max_age} s (last: {last})")
        sys.exit(1)
