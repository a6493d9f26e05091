"""Annual ratings (đánh giá, xếp loại chất lượng hằng năm) of members, party organizations, leadership
collectives, mass organizations and host units, with the schemes that define their levels.

Why here: every subject shares one workflow (self-assessment → proposal → decision, locked, re-rated by
annulment) and one cap rule, so they live together; the members app already depends on organizations,
and organizations must not depend on members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.ratings.choices import OrgRatingKind, RatingStatus, RatingSubject, Recognition
from organizations.models import HostUnit, MassOrganization, Organization
from organizations.scoping import ScopedQuerySet

__all__ = ["MemberNotRated", "MemberRating", "OrganizationRating", "RatingLevel", "RatingScheme", "RecognitionAward"]


class RatingSchemeQuerySet(models.QuerySet):
    def for_year(self, subject: str, year: int):
        """The schemes covering ``year``, newest first: a new scheme supersedes an open-ended older one
        from its first year, so the first row is the one in force."""
        return self.filter(subject=subject, valid_from_year__lte=year).filter(
            Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year)).order_by("-valid_from_year")


class RatingScheme(models.Model):
    """A rating scale in force for a span of review years under a legal basis (RULES §1): its ordered
    levels, whether it carries a 100-point score, and its cap (HTXS at most ``cap_percent``% of HTT)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    subject = models.CharField(_("rates"), max_length=16, choices=RatingSubject.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from_year = models.PositiveSmallIntegerField(_("from review year"))
    valid_to_year = models.PositiveSmallIntegerField(_("to review year"), null=True, blank=True)
    has_score = models.BooleanField(_("has a 100-point score"), default=False)
    cap_percent = models.DecimalField(_("cap (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    cap_top_level = models.CharField(_("capped level"), max_length=16, blank=True)
    cap_base_level = models.CharField(_("cap counted against level"), max_length=16, blank=True)
    cap_exception_allowed = models.BooleanField(_("exceptions to the cap may be recorded"), default=True)
    # The level a rule forces (discipline): "KHT" in the 2018+ scales, "VPTC"/"YK" before.
    forced_level = models.CharField(_("level forced by discipline"), max_length=16, blank=True)
    # Levels at or above this one are refused to a member on long sick leave ("not above HT").
    sick_leave_max_level = models.CharField(_("best level on long sick leave"), max_length=16, blank=True)
    # Days of sick leave in the year from which the best level is capped (RULES §1: "3 months or more"; the
    # sources count months, so the shipped 90 days is our reading of three months, not a figure they give).
    sick_leave_days = models.PositiveSmallIntegerField(_("sick leave that caps the level (days in the year)"),
                                                       default=90, db_default=90)

    objects = RatingSchemeQuerySet.as_manager()

    class Meta:
        db_table = "members_ratingscheme"
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["subject", "-valid_from_year"]

    def __str__(self):
        return self.name


def level_names(codes: list[str]) -> list[str]:
    """What a user reads for level codes ("DTC_HTXS" → "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"), in order:
    the name in the newest scheme that has the code; a code no scheme has stays as it is. One query."""
    names = dict(RatingLevel.objects.filter(code__in=codes).order_by("scheme__valid_from_year", "scheme_id")
                 .values_list("code", "name"))  # later rows win: the newest scheme's name
    return [names.get(code, code) for code in codes]


class RatingLevel(models.Model):
    """One level of a scheme; ``rank`` 1 is the best. Score bands where the scheme has a score."""

    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=255)
    rank = models.PositiveSmallIntegerField(_("rank"))
    min_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "members_ratinglevel"
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="rating_level_code"),
            models.UniqueConstraint(fields=["scheme", "rank"], name="rating_level_rank"),
        ]

    def __str__(self):
        return self.name


class RatingFields(models.Model):
    """The workflow both kinds of rating share: self-assessment → proposal → decision. A decided rating
    is locked; a change is a new decision, and a re-rating annuls the decision it replaces."""

    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(RatingScheme, on_delete=models.PROTECT, verbose_name=_("scheme"))
    status = models.CharField(_("status"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT)
    self_level = models.ForeignKey(RatingLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("self-assessment"))
    proposed_level = models.ForeignKey(RatingLevel, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("proposed level"))
    proposal_note = models.CharField(_("proposal comment"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_level = models.ForeignKey(RatingLevel, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("decided level"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    # An exception to a rule (the cap, a forced level) must say why; the rule's check reads it.
    exception_reason = models.CharField(_("reason for the exception"), max_length=500, blank=True)
    annul_reason = models.CharField(_("reason for annulment"), max_length=500, blank=True)
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="replaces", verbose_name=_("replaced by"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class MemberRatingQuerySet(ScopedQuerySet):
    def current(self):
        return self.exclude(status=RatingStatus.ANNULLED)

    def decided(self):
        return self.filter(status=RatingStatus.DECIDED)


class MemberRating(RatingFields):
    """A member's rating for a year, decided by the member's grassroots organization (``grassroots``:
    the TCCSĐ the member belonged to at the rating, within which the 20% cap is counted)."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="ratings")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="member_ratings")
    grassroots = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="member_ratings_decided")
    history = HistoricalRecords(table_name="members_historicalmemberrating")

    objects = MemberRatingQuerySet.as_manager()

    class Meta:
        db_table = "members_memberrating"
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], condition=~Q(status=RatingStatus.ANNULLED),
                                    name="member_rating_one_current_per_year"),
        ]
        indexes = [models.Index(fields=["grassroots", "year", "status"], name="member_rating_cap"),
                   models.Index(fields=["year", "status"], name="member_rating_year")]

    def __str__(self):
        return f"{self.member} {self.year}: {self.decided_level or self.proposed_level or '—'}"


class MemberNotRated(models.Model):
    """A member the grassroots organization does not rate for ``year`` for a reason outside the rules' list
    (RULES §1 names exemption, suspension and admission less than 6 months before; e.g. a long assignment
    abroad is recorded here with its reason). Listed in the grid with the reason and, like the rules' cases,
    left out of the denominators: the rated population of a year is the members without a row here for it
    (``members_membernotrated``, one per member and year)."""

    scope_field = "cell__path"  # the organization path visible_to scopes on (organizations.scoping)

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="not_rated")
    year = models.PositiveSmallIntegerField(_("year"))
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("party cell"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(table_name="members_historicalmembernotrated")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "members_membernotrated"
        verbose_name = _("member not rated")
        verbose_name_plural = _("members not rated")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="member_not_rated_once_per_year")]

    def __str__(self):
        return f"{self.member} {self.year}: {self.reason}"


class OrganizationRatingQuerySet(ScopedQuerySet):
    def current(self):
        return self.exclude(status=RatingStatus.ANNULLED)

    def decided(self):
        return self.filter(status=RatingStatus.DECIDED)


class OrganizationRating(RatingFields):
    """The yearly rating of a party organization, its leadership collective, a mass organization or a
    host unit. ``organization`` is the party organization concerned (for a mass organization or unit:
    the one it is attached to) and gives the scope; ``deciding_committee`` is the committee one level
    up, within which the 20% cap is counted. Host units also record the standards targets use."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    kind = models.CharField(_("rated"), max_length=16, choices=OrgRatingKind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ratings")
    mass_organization = models.ForeignKey(MassOrganization, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="ratings")
    host_unit = models.ForeignKey(HostUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    deciding_committee = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                           related_name="organization_ratings_decided")
    fulfilled_plan = models.BooleanField(_("fulfilled its professional / production plan"), null=True, blank=True)
    security_safe = models.BooleanField(_("“An toàn về an ninh trật tự”"), null=True, blank=True)
    cultural_standard = models.BooleanField(_("recognised cultural standard"), null=True, blank=True)
    history = HistoricalRecords(table_name="members_historicalorganizationrating")

    objects = OrganizationRatingQuerySet.as_manager()

    class Meta:
        db_table = "members_organizationrating"
        verbose_name = _("organization rating")
        verbose_name_plural = _("organization ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organization", "mass_organization", "host_unit", "year"],
                condition=~Q(status=RatingStatus.ANNULLED), nulls_distinct=False,
                name="organization_rating_one_current_per_year"),
        ]
        indexes = [models.Index(fields=["deciding_committee", "year", "status"], name="org_rating_cap")]

    def __str__(self):
        return f"{self.subject_name} {self.year}: {self.decided_level or self.proposed_level or '—'}"

    @property
    def subject_name(self) -> str:
        if self.kind == OrgRatingKind.MASS_ORG and self.mass_organization_id:
            return self.mass_organization.name
        if self.kind == OrgRatingKind.UNIT and self.host_unit_id:
            return self.host_unit.name
        return str(self.organization)


class RecognitionAward(models.Model):
    """A title beside the level: trong sạch vững mạnh (tiêu biểu), chi bộ / đảng bộ bốn tốt, for a year, by
    the deciding committee. Which organizations may hold which title is members.ratings.services'
    ``recognition_check``."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recognitions",
                                     verbose_name=_("party organization"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=24, choices=Recognition.choices)
    decision = models.CharField(_("decision"), max_length=100, blank=True)
    deciding_body = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="recognitions_decided", verbose_name=_("deciding body"))
    history = HistoricalRecords(table_name="members_historicalrecognitionaward")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "members_recognitionaward"
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "title"], name="recognition_once")]

    def __str__(self):
        return f"{self.get_title_display()} {self.organization} {self.year}"
