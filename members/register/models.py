"""The member register: members, their cell over time, exemption/suspension periods and positions."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.register.choices import (
    ETHNICITY_CHOICES,
    Gender,
    MembershipReason,
    PoliticalTheory,
    PositionKind,
    ProfessionalLevel,
    Religion,
    StatusPeriodKind,
)
from members.register.querysets import MemberQuerySet, MembershipPeriodQuerySet, PeriodQuerySet
from organizations.models import Organization
from organizations.scoping import ScopedQuerySet

# Sensitive personal data (Decree 13/2023/NĐ-CP), and the party card number with them: shown, filtered, sorted
# and exported only with VIEW_SENSITIVE on the member's organization, and every such read is a SensitiveAccess.
SENSITIVE_FIELDS = ("ethnicity", "religion", "citizen_id", "party_card_number")



class AdmissionAgeRuleQuerySet(models.QuerySet):
    def for_date(self, day):
        """The rule in force on ``day``: the latest that applies from it or before; before the first recorded
        rule, the first (it restated what held before it)."""
        return (self.filter(valid_from__lte=day).order_by("-valid_from").first()
                or self.order_by("valid_from").first())


class AdmissionAgeRule(models.Model):
    """The admission ages of one regulation, from the day it applies (like the rating schemes), counted in whole
    months on the day the cell considers the admission (and, in the register, on the admission date). Shipped
    by migration ``members/0009``; a new regulation is a new row."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from = models.DateField(_("applies from"), unique=True)
    min_months = models.PositiveSmallIntegerField(_("youngest age (months)"))
    max_months = models.PositiveSmallIntegerField(_("oldest age without an exception (months)"))
    history = HistoricalRecords(table_name="members_historicaladmissionagerule")

    objects = AdmissionAgeRuleQuerySet.as_manager()

    class Meta:
        db_table = "members_admissionagerule"
        verbose_name = _("admission age rule")
        verbose_name_plural = _("admission age rules")
        ordering = ["valid_from"]

    def __str__(self):
        return f"{self.legal_basis} ({self.valid_from:%d/%m/%Y})"


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``: the age in months the admission age rules count (18 years 0 months
    is 216). A birthday the month lacks (29/02) falls on the month's last day. The one calculation of the register
    and the admissions (``members.admissions.workdays`` re-exports it)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end.day != calendar.monthrange(end.year, end.month)[1]:
        months -= 1
    return months


def admission_age_rule(day: dt.date, rules: list[AdmissionAgeRule] | None = None) -> AdmissionAgeRule | None:
    """The admission age rule of ``day`` (``AdmissionAgeRuleQuerySet.for_date``), picked from ``rules`` when a
    caller checking many members loaded them once (ordered by ``valid_from``)."""
    if rules is None:
        return AdmissionAgeRule.objects.for_date(day)
    applicable = [rule for rule in rules if rule.valid_from <= day]
    return applicable[-1] if applicable else (rules[0] if rules else None)


class ImmutableUnaccent(Func):
    """``public.immutable_unaccent(text)``: unaccent() pinned to its dictionary so it can be indexed
    (created in migration members 0001). Folds Vietnamese diacritics and đ/Đ."""

    function = "immutable_unaccent"
    output_field = models.TextField()


def search_key(expression):
    return ImmutableUnaccent(Lower(expression))


class Member(models.Model):
    """A party member (đảng viên). Where the member belongs over time is in MembershipPeriod; ``cell``
    is the cell of the latest period, kept by members.register.services (the only writer) so that scoping and
    lists need no subquery. Probationary or full is derived from ``full_membership_date``."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=32, choices=ETHNICITY_CHOICES, blank=True)
    religion = models.CharField(_("religion"), max_length=16, choices=Religion.choices, blank=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, null=True, blank=True, unique=True)
    party_card_number = models.CharField(_("party card number"), max_length=20, null=True, blank=True, unique=True)
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    full_membership_date = models.DateField(_("full membership date"), null=True, blank=True)
    professional_level = models.CharField(
        _("professional level"), max_length=16, choices=ProfessionalLevel.choices, blank=True
    )
    political_theory = models.CharField(_("political theory"), max_length=16, choices=PoliticalTheory.choices,
                                        blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    cell = models.ForeignKey(
        Organization, verbose_name=_("party cell"), on_delete=models.PROTECT, related_name="current_members"
    )
    left_on = models.DateField(_("left the party organization on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["full_name", "id"]
        indexes = [
            GinIndex(OpClass(search_key("full_name"), name="gin_trgm_ops"), name="member_name_search"),
            models.Index(fields=["cell", "full_name"], name="member_cell_name"),
            # The list's orders (core.lists.sort_uses_index): by name (the default) and by date of birth. The
            # name search orders by an expression instead (filters.MemberFilterSet.filter_search), so its plan
            # stays the trigram index rather than a walk of this one.
            models.Index(fields=["full_name", "id"], name="member_name_order"),
            models.Index(fields=["birth_date"], name="member_birth_date"),
            # The list's count of current members in a scope (its default filter): an index-only scan of the
            # cells of members still in the party, joined to the scope's organizations, not a read of the table.
            models.Index(fields=["cell"], condition=models.Q(left_on__isnull=True), name="member_current_cell"),
        ]

    def __str__(self):
        return self.full_name

    def is_full_member_on(self, day: dt.date) -> bool:
        return self.full_membership_date is not None and self.full_membership_date <= day

    @property
    def status_label(self) -> str:
        return _("Full member") if self.is_full_member_on(dt.date.today()) else _("Probationary member")

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class MembershipPeriod(models.Model):
    """A member's cell for a span of dates [start, end). A member is in one cell at a time (exclusion
    constraint); period figures use these rows, never the member's current cell."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="membership_periods")
    valid = DateRangeField()
    start_reason = models.CharField(_("reason for joining"), max_length=16, choices=MembershipReason.choices)
    end_reason = models.CharField(_("reason for leaving"), max_length=16, choices=MembershipReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = MembershipPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership period")
        verbose_name_plural = _("membership periods")
        ordering = ["member", "valid"]
        indexes = [
            GistIndex(fields=["valid"], name="membership_valid_gist"),
            models.Index(fields=["cell"], name="membership_cell"),
            # "Members of these cells during this span": equality on the cell and overlap on the dates in one
            # index scan (btree_gist), whatever the planner's row estimates.
            GistIndex(fields=["cell", "valid"], name="membership_cell_valid_gist"),
        ]
        constraints = [
            ExclusionConstraint(
                name="membership_one_cell_at_a_time",
                expressions=[("member", RangeOperators.EQUAL), ("valid", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.cell} {self.valid}"

    @property
    def start(self) -> dt.date:
        return self.valid.lower

    @property
    def end(self) -> dt.date | None:
        return self.valid.upper


class StatusPeriodQuerySet(ScopedQuerySet, PeriodQuerySet):
    pass


def _day(day: dt.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "…"


class StatusPeriod(models.Model):
    """A dated exemption from activities, suspension, special duty or sick leave, [start, end) with an
    open end allowed. Exempted and suspended members are not rated; exempted members and those on special
    duty are left out of attendance rates (RULES §1–2). ``clean`` holds the period rules, so the pages, the
    import and the admin refuse the same things (the service calls ``full_clean``)."""

    scope_field = "member__cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_periods")
    kind = models.CharField(_("kind"), max_length=16, choices=StatusPeriodKind.choices)
    valid = DateRangeField(_("period"))
    decision = models.CharField(_("decision"), max_length=100, blank=True)
    decision_body = models.CharField(_("deciding body"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = StatusPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        indexes = [GistIndex(fields=["valid"], name="status_valid_gist")]
        constraints = [
            ExclusionConstraint(
                name="status_no_overlap_per_kind",
                expressions=[("member", RangeOperators.EQUAL), ("kind", RangeOperators.EQUAL),
                             ("valid", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_kind_display()} {self.valid}"

    @property
    def start(self) -> dt.date | None:
        return self.valid.lower if self.valid else None

    @property
    def end(self) -> dt.date | None:
        return self.valid.upper if self.valid else None

    def clean(self):
        """The end after the start; no overlap with a period of the same kind of the same member, named
        with its dates."""
        super().clean()
        if not self.valid or self.valid.lower is None:
            raise ValidationError({"valid": gettext("Enter the start date.")})
        if self.valid.upper is not None and self.valid.upper <= self.valid.lower:
            raise ValidationError({"valid": gettext("The end (%(end)s) must be after the start (%(start)s).")
                                   % {"end": _day(self.valid.upper), "start": _day(self.valid.lower)}})
        if self.member_id is None:
            return
        other = (StatusPeriod.objects.filter(member_id=self.member_id, kind=self.kind, valid__overlap=self.valid)
                 .exclude(pk=self.pk).order_by("valid").first())
        if other is not None:
            raise ValidationError({"valid": gettext(
                "%(start)s–%(end)s overlaps the period “%(kind)s” already recorded from %(other_start)s to "
                "%(other_end)s.") % {
                "start": _day(self.valid.lower), "end": _day(self.valid.upper), "kind": self.get_kind_display(),
                "other_start": _day(other.valid.lower), "other_end": _day(other.valid.upper)}})


class CommitteePosition(models.Model):
    """A member's position in a party committee (bí thư, phó bí thư, cấp ủy viên) for a span of dates."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="committee_positions")
    position = models.CharField(_("position"), max_length=20, choices=PositionKind.choices)
    valid = DateRangeField(_("term"))
    history = HistoricalRecords()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee position")
        verbose_name_plural = _("committee positions")
        indexes = [GistIndex(fields=["valid"], name="position_valid_gist")]

    def __str__(self):
        return f"{self.member}: {self.get_position_display()} {self.organization}"


class SensitiveAccessQuerySet(ScopedQuerySet):
    pass


class SensitiveAccess(models.Model):
    """A record of every read of sensitive personal data (Decree 13/2023/NĐ-CP: ethnicity, religion, citizen ID;
    the party card number too): a member's page or form showing it, a member list filtered by it, an export
    containing it. Who, when, which members (``member_ids``) or which filter (``filters``), and the organization
    the read was about, by which the log is scoped for the administrators who read it."""

    scope_field = "organization__path"

    class Kind(models.TextChoices):
        PAGE = "page", _("member page")
        LIST = "list", _("member list")
        EXPORT = "export", _("export")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.EXPORT)
    what = models.CharField(max_length=100)
    # No database constraint: the log outlives what it is about (bulk rebuilds of the tree delete organizations
    # with SQL of their own, which a constraint would refuse); a dangling id reads as no organization.
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organization"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    member_ids = models.JSONField(_("members"), default=list, blank=True)
    filters = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)

    objects = SensitiveAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        ordering = ["-at", "-pk"]
