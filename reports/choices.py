"""Vocabularies of report runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


FORMAT_CHOICES = [
    ("pdf,xlsx", _("PDF and Excel")),
    ("pdf", "PDF"),
    ("xlsx", "Excel"),
]
