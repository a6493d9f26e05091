"""Inspection, supervision and discipline records. Discipline is read by the rating rules (RULES §1: a
member disciplined in the year is rated KHT); inspections and supervision feed the coverage targets
(LD-5a/b/c, `inspections/coverage.py`). Every write goes through `inspections/services.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inspections.choices import Activity, Conclusion, FollowUp, InspectionKind
from members.ratings.rules import DisciplineConditions
from organizations.models import Organization
from organizations.scoping import ScopedQuerySet


class DisciplineForm(models.TextChoices):
    REPRIMAND = "reprimand", _("Reprimand")  # khiển trách
    WARNING = "warning", _("Warning")  # cảnh cáo
    DISMISSAL = "dismissal", _("Dismissal from post")  # cách chức
    EXPULSION = "expulsion", _("Expulsion")  # khai trừ
    DISSOLUTION = "dissolution", _("Dissolution")  # giải tán (organizations)


# What "disciplined" means to the rating rules (RULES §1), as SQL over their rows (see
# members.ratings.rules.DisciplineConditions): decisions not annulled on appeal, for the violation year;
# a member's counts unless the member found and remedied it. Installed by InspectionsConfig.ready.
DISCIPLINE_CONDITIONS = DisciplineConditions(
    member="""EXISTS (SELECT 1 FROM inspections_discipline d WHERE d.member_id = m.id
                      AND d.violation_year = %(year)s AND NOT d.annulled AND NOT d.self_remedied)""",
    leadership="""EXISTS (SELECT 1 FROM inspections_discipline d WHERE d.organization_id = o.id
                          AND d.leadership_collective AND d.violation_year = %(year)s AND NOT d.annulled)""",
    organization="""EXISTS (SELECT 1 FROM inspections_discipline d WHERE d.organization_id = c.organization_id
                            AND d.violation_year = %(year)s AND NOT d.annulled)""",
)


class Discipline(models.Model):
    """A disciplinary decision against a member or an organization. ``violation_year`` is the year of
    the violation, which is the year whose rating it forces (even when decided years later)."""

    scope_field = "scope_path"  # the organization path visible_to scopes on (organizations.scoping)

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

    objects = ScopedQuerySet.as_manager()

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
                   models.Index(fields=["violation_year", "organization"], name="discipline_year_org"),
                   models.Index(fields=["decision_date", "id"], name="discipline_decision_date")]  # the list's order

    def __str__(self):
        return f"{self.get_form_display()} {self.member or self.organization} ({self.violation_year})"


class InspectionQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        """Inspections and supervisions decided within [start, end] (the decision date places them)."""
        return self.filter(decision_date__gte=start, decision_date__lte=end)


class Inspection(models.Model):
    """One inspection (kiểm tra) or supervision (giám sát). Both share every field and are counted
    together by the coverage targets, so they are one model told apart by ``activity``.

    Subjects are members and/or organizations. ``scope_path`` is the deepest common ancestor of the
    subjects' organizations (a member's cell) when recorded: the record — and its conclusion — is seen
    by the roles on that organization and above (the member's cell, TCCSĐ officer, bloc staff), never by
    a sibling cell. The conducting body stands at or above that path (a cell inspects its own members,
    a committee the organizations under it)."""

    scope_field = "scope_path"  # the organization path visible_to scopes on (organizations.scoping)

    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices, default=Activity.INSPECTION)
    kind = models.CharField(_("kind"), max_length=24, choices=InspectionKind.choices)
    members = models.ManyToManyField("members.Member", blank=True, related_name="inspections",
                                     verbose_name=_("party members inspected"))
    organizations = models.ManyToManyField(Organization, blank=True, related_name="inspections",
                                           verbose_name=_("party organizations inspected"))
    conducting_body = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="inspections_conducted",
                                        verbose_name=_("conducting body"))
    charter_article = models.CharField(_("charter article"), max_length=10, blank=True,
                                       help_text=_("The article of the Party Charter, e.g. 30 or 32."))
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    period_start = models.DateField(_("period inspected from"), null=True, blank=True)
    period_end = models.DateField(_("period inspected to"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices, blank=True)
    conclusion_text = models.TextField(_("conclusion text"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    follow_up = models.CharField(_("follow-up status"), max_length=16, choices=FollowUp.choices,
                                 default=FollowUp.NONE)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    scope_path = models.CharField(max_length=255, editable=False, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection or supervision")
        verbose_name_plural = _("inspections and supervisions")
        indexes = [models.Index(fields=["decision_date"], name="inspection_decision_date"),
                   models.Index(fields=["charter_article", "decision_date"], name="inspection_article")]

    def __str__(self):
        return f"{self.get_activity_display()} {self.decision_number} ({self.decision_date:%d/%m/%Y})"
