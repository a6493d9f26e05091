"""Vocabularies of annual ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSubject(models.TextChoices):
    MEMBER = "member", _("Party members")
    ORGANIZATION = "organization", _("Organizations and collectives")


class OrgRatingKind(models.TextChoices):
    PARTY_ORG = "party_org", _("Party organization")
    LEADERSHIP = "leadership", _("Leadership collective")
    MASS_ORG = "mass_org", _("Mass organization")
    UNIT = "unit", _("Host unit")


class RatingStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessed")
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")
    ANNULLED = "annulled", _("Annulled")


class Recognition(models.TextChoices):
    TSVM = "tsvm", _("Clean and strong")  # trong sạch, vững mạnh
    TSVM_TYPICAL = "tsvm_typical", _("Clean and strong, exemplary")  # TSVM tiêu biểu
    FOUR_GOOD_CELL = "four_good_cell", _("Four-good party cell")  # chi bộ bốn tốt
    FOUR_GOOD_COMMITTEE = "four_good_committee", _("Four-good party committee")  # đảng bộ bốn tốt


class NotRatedReason(models.TextChoices):
    EXEMPTED = "exempted", _("Exempted from party work and activities")
    SUSPENDED = "suspended", _("Party activities suspended")
    NEW_MEMBER = "new_member", _("Admitted less than 6 months before the rating")
    NEW_ORGANIZATION = "new_organization", _("Founded less than 6 months before the rating")
    # Outside the rules' list, recorded with its reason (members.ratings.models.MemberNotRated).
    OTHER = "other", _("Not rated for another reason")
