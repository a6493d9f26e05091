"""Vocabularies of inspection, supervision and discipline (RULES §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")  # kiểm tra
    SUPERVISION = "supervision", _("Supervision")  # giám sát


class InspectionKind(models.TextChoices):
    VIOLATION_SIGNS = "violation_signs", _("Inspection when there are signs of violation")
    TASKS = "tasks", _("Inspection of carrying out tasks (incl. inspection, supervision and discipline work)")
    FINANCE = "finance", _("Inspection of finances and party dues")
    DENUNCIATION = "denunciation", _("Settling denunciations and complaints")
    REGULAR_SUPERVISION = "regular_supervision", _("Ongoing supervision")  # giám sát thường xuyên
    THEMATIC_SUPERVISION = "thematic_supervision", _("Thematic supervision")  # giám sát chuyên đề


SUPERVISION_KINDS = frozenset({InspectionKind.REGULAR_SUPERVISION, InspectionKind.THEMATIC_SUPERVISION})


class Conclusion(models.TextChoices):
    NO_SHORTCOMING = "none", _("No shortcoming")
    SHORTCOMINGS = "shortcomings", _("Shortcomings")
    VIOLATION = "violation", _("Violation")


class FollowUp(models.TextChoices):
    NONE = "none", _("Nothing to follow up")
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
