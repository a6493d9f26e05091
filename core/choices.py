"""Vocabularies of the infrastructure layer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    """Where a background run stands (core.models.BackgroundRun)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("run status", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
