"""Vocabularies of admissions and probation (issue 7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageCode(models.TextChoices):
    """The standard stages (Quy định 24-QĐ/TW and its successors, RULES §3). The stage list itself is
    data (AdmissionStage); these codes are the ones the checks read, and they give every standard
    stage a translated label."""

    OUTSTANDING = "outstanding", _("Identified as an outstanding candidate")
    SYMPATHIZER = "sympathizer", _("On the party sympathizers list")
    COURSE = "course", _("Completed the party awareness course")
    APPLICATION = "application", _("Application and sponsors")
    VERIFICATION = "verification", _("Background verification")
    CELL_RESOLUTION = "cell_resolution", _("Cell resolution")
    GRASSROOTS_RESOLUTION = "grassroots_resolution", _("Grassroots party committee resolution")
    DECISION = "decision", _("Admission decision")
    CEREMONY = "ceremony", _("Admission ceremony")


class GeneralEducation(models.TextChoices):
    """General education (trình độ giáo dục phổ thông); admission needs lower secondary or higher (RULES §3),
    primary only by the exception for remote and ethnic-minority areas, recorded with its reason."""

    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")


# The general education levels that meet the admission requirement without an exception.
EDUCATION_MET = frozenset({GeneralEducation.LOWER_SECONDARY, GeneralEducation.UPPER_SECONDARY})


class CandidateStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ADMITTED = "admitted", _("Admitted")
    WITHDRAWN = "withdrawn", _("No longer considered")


class ProbationOutcome(models.TextChoices):
    PENDING = "pending", _("On probation")
    FULL = "full", _("Full member")
    STRUCK_OFF = "struck_off", _("Struck off")


class CheckLevel(models.TextChoices):
    OK = "ok", _("Passed")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Not met")
    PENDING = "pending", _("Not yet recorded")


# The attributes admissions are counted by (TARGETS.md: LD-7a/7b, KT-3, KH-5, TV-8a/8b).
ADMISSION_ATTRIBUTES = [
    ("total", _("All admissions")),
    ("female", _("Women")),
    ("ethnic_minority", _("Ethnic minorities")),
    ("khmer", _("Khmer")),
    ("youth_union", _("Youth Union members")),
    ("youth_union_outstanding", _("Outstanding Youth Union members")),
    ("trade_union", _("Trade-union members")),
    ("worker", _("Workers")),
    ("business_owner", _("Business owners")),
    ("private_enterprise", _("In private enterprises")),
    ("outstanding", _("Outstanding candidates")),
]
ATTRIBUTE_KEYS = [key for key, _label in ADMISSION_ATTRIBUTES]
