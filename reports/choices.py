"""Vocabularies of report runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("run status", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


FORMAT_CHOICES = [
    ("pdf,xlsx", _("PDF and Excel")),
    ("pdf", "PDF"),
    ("xlsx", "Excel"),
]
