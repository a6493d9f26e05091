"""Generate a report synchronously, for scheduled use (cron) or by hand: the same run record and the same code
as the background task, without a worker.

    manage.py generate_report --kind resolution_year --organization DBK-CQ --resolution LD --year 2024
    manage.py generate_report --kind rating_statistics --organization DBK-CQ --year 2024 --format xlsx
    manage.py generate_report --kind composition --organization DBK-CQ --date 2024-12-31
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from core.choices import RunStatus
from organizations.models import Organization
from reports.kinds import KINDS
from reports.services import generate, issue, run_create
from targets.engine.models import Resolution


class Command(BaseCommand):
    help = "Generate a report (PDF and/or Excel) synchronously and print the files' paths."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--organization", help="organization code (or id); for resolution_year it defaults to "
                                                   "the organization the resolution measures")
        parser.add_argument("--resolution", help="resolution code (resolution_year)")
        parser.add_argument("--year", type=int, help="year (resolution_year, rating_statistics)")
        parser.add_argument("--date", help="YYYY-MM-DD (composition; default today)")
        parser.add_argument("--format", default="pdf,xlsx", help="pdf, xlsx or pdf,xlsx (default)")
        parser.add_argument("--issued-on", help="the document's date, YYYY-MM-DD (default today)")
        parser.add_argument("--place", default="")
        parser.add_argument("--term", default="")
        parser.add_argument("--signer-name", default="")
        parser.add_argument("--signer-title", default="BÍ THƯ")
        parser.add_argument("--issue", action="store_true",
                            help="issue the report: give it its official number (without it, a draft: DỰ THẢO)")

    def _organization(self, value) -> Organization:
        qs = Organization.objects.filter(code=value)
        if value.isdigit():
            qs = qs | Organization.objects.filter(pk=int(value))
        found = list(qs[:2])
        if len(found) != 1:
            raise CommandError(f"organization {value!r}: {'not found' if not found else 'ambiguous'}")
        return found[0]

    def handle(self, *args, **opts):
        kind = opts["kind"]
        issued_on = opts["issued_on"] or dt.date.today().isoformat()
        params = {"issued_on": issued_on, "place": opts["place"], "term": opts["term"],
                  "signer_name": opts["signer_name"], "signer_title": opts["signer_title"]}
        if kind == "resolution_year":
            if not opts["resolution"] or not opts["year"]:
                raise CommandError("--resolution and --year are required")
            resolution = Resolution.objects.filter(code=opts["resolution"]).first()
            if resolution is None:
                raise CommandError(f"resolution {opts['resolution']!r} not found")
            org = self._organization(opts["organization"]) if opts["organization"] else resolution.scope
            if org is None:
                raise CommandError("the resolution is not attached to an organization")
            params.update(resolution=resolution.pk, organization=org.pk, year=opts["year"])
        elif kind == "rating_statistics":
            if not opts["organization"] or not opts["year"]:
                raise CommandError("--organization and --year are required")
            params.update(organization=self._organization(opts["organization"]).pk, year=opts["year"])
        else:
            if not opts["organization"]:
                raise CommandError("--organization is required")
            params.update(organization=self._organization(opts["organization"]).pk,
                          day=opts["date"] or dt.date.today().isoformat())
        run = run_create(user=None, kind=kind, params=params, formats=opts["format"], queue=False)
        started = time.monotonic()
        run = generate(run)
        if opts["issue"] and run.status == RunStatus.DONE:
            run = issue(run=run, user=None, queue=False)
        elapsed = time.monotonic() - started
        if run.status != RunStatus.DONE:
            raise CommandError(run.error)
        for _fmt, field in run.files:
            self.stdout.write(field.path)
        self.stderr.write(f"run {run.pk} done in {elapsed:.1f} s"
                          + (f", document number {run.document_reference}" if run.document_reference else ""))
