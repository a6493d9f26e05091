"""Inspection, supervision and discipline records. This module starts with discipline, which the
rating rules read (RULES §1: a member disciplined in the year is rated KHT); the inspections issue adds
inspections and supervision beside it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import restrict_to_paths


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", _("Reprimand")  # khiển trách
    WARNING = "warning", _("Warning")  # cảnh cáo
    DISMISSAL = "dismissal", _("Dismissal from post")  # cách chức
    EXPULSION = "expulsion", _("Expulsion")  # khai trừ
    DISSOLUTION = "dissolution", _("Dissolution")  # giải tán (organizations)


class DisciplineQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = Perm.VIEW):
        return restrict_to_paths(self, "scope_path", user, perm)

    def effective(self):
        """Discipline that counts for the rating rules: not annulled on appeal."""
        return self.filter(annulled=False)

    def for_violation_year(self, year: int):
        return self.filter(violation_year=year)


class Discipline(models.Model):
    """A disciplinary decision against a member or an organization. ``violation_year`` is the year of
    the violation, which is the year whose rating it forces (even when decided years later)."""

    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="disciplines", verbose_name=_("party member"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="disciplines", verbose_name=_("party organization"))
    leadership_collective = models.BooleanField(
        _("against the leadership collective"), default=False,
        help_text=_("The discipline is against the organization's committee (its leadership collective)."))
    form = models.CharField(_("form of discipline"), max_length=16, choices=DisciplineForm.choices)
    violation_year = models.PositiveSmallIntegerField(_("year of the violation"))
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    deciding_body = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="disciplines_decided",
                                      verbose_name=_("deciding body"))
    self_remedied = models.BooleanField(
        _("self-detected and remedied"), default=False,
        help_text=_("The member found and remedied the violation themself: the rating is not forced to KHT."))
    annulled = models.BooleanField(_("annulled on appeal"), default=False)
    # The path of the subject's organization when decided, for scoping without a join per subject kind.
    scope_path = models.CharField(max_length=255, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DisciplineQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False, organization__isnull=True)
                           | Q(member__isnull=True, organization__isnull=False)),
                name="discipline_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["violation_year", "member"], name="discipline_year_member"),
                   models.Index(fields=["violation_year", "organization"], name="discipline_year_org")]

    def __str__(self):
        return f"{self.get_form_display()} {self.member or self.organization} ({self.violation_year})"
