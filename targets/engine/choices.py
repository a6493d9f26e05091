"""Vocabularies of resolutions, targets and attainments (DESIGN §3, TARGETS.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResolutionKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")  # nghị quyết
    PLAN = "plan", _("Plan")  # kế hoạch
    PROGRAMME = "programme", _("Programme")  # chương trình


class Family(models.TextChoices):
    """How a target's figure is obtained (TARGETS.md). Each family is one registered metric class."""

    R_ORG = "R-org", _("Organizations at rating levels")
    R_MEM = "R-mem", _("Members at rating levels")
    T_ORG = "T-org", _("Organizations holding a title")
    INSP = "INSP", _("Inspection and supervision coverage")
    ADM = "ADM", _("Admissions")
    MEET = "MEET", _("Cell meetings")
    MASS = "MASS", _("Mass organizations at rating levels")
    UNIT = "UNIT", _("Host units meeting a standard")
    MODEL = "MODEL", _("Models and exemplars")
    DOC = "DOC", _("Required documents adopted")
    REP = "REP", _("Figures reported by organizations")
    DUE = "DUE", _("Reports submitted on time")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    RANGE = "range", _("from … to …")
    ZERO = "zero", _("none (count 0)")
    NONE = "none", _("shown, not judged")


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", _("count")


class Periodicity(models.TextChoices):
    YEARLY = "yearly", _("Every year")
    TERM = "term", _("Whole term")
    BY_YEAR = "by_year", _("By a given year")


class AppliesTo(models.TextChoices):
    """Whom a target binds: the resolution's own organization (KH-4, the bloc's quarterly briefing; LD-7a, 80
    admissions a year for the bloc) or each organization under it. Rows of the organizations under a target
    of the first kind show their contribution, unjudged."""

    SCOPE = "scope", _("The resolution's own organization")
    EACH = "each", _("Each subordinate organization")


class Status(models.TextChoices):
    MET = "met", _("met")  # đạt
    EXCEEDED = "exceeded", _("exceeded")  # vượt (above a range)
    NOT_MET = "not_met", _("not met")  # không đạt
    NO_DATA = "no_data", _("insufficient data")  # chưa đủ dữ liệu
    NOT_JUDGED = "not_judged", _("not judged")  # không đánh giá


class RunKind(models.TextChoices):
    FULL = "full", _("Full recompute")
    CHANGES = "changes", _("Recompute after changes")
