"""Vocabularies of the records organizations report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelKind(models.TextChoices):
    HO_CHI_MINH = "ho_chi_minh", _("Model of studying and following Ho Chi Minh")
    DAN_VAN_KHEO = "dan_van_kheo", _("“Skilful mass mobilisation” model")
    EXEMPLAR = "exemplar", _("Exemplary individual or collective")


class Cadence(models.TextChoices):
    TERM = "term", _("At the start of the term")
    YEAR = "year", _("Every year")


class ReportFrequency(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Reporters(models.TextChoices):
    """Who submits a reported figure: each grassroots organization (summed over the scope), or the scope
    organization itself (e.g. the rating of its own standing committee)."""

    TCCSD = "tccsd", _("Each grassroots organization")
    SCOPE = "scope", _("The organization the resolution measures")


class Denominator(models.TextChoices):
    """Where a share's whole comes from: what the organization reports, or the register (the members of the
    organization on the year's rating day — a member share is never typed in, issue 17)."""

    REPORTED = "reported", _("Reported by the organization")
    REGISTER_MEMBERS = "register_members", _("Members in the register")
