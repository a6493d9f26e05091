"""Resolutions and their targets (rows, never code), the attainments the engine computes from the records,
and the engine's own bookkeeping (pending changes, input freshness, recompute runs)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import RunStatus
from core.models import BackgroundRun
from organizations.models import Organization
from organizations.permissions import Perm
from organizations.scoping import ScopedQuerySet
from targets.engine.baselines import BASELINE_KEYS
from targets.engine.choices import AppliesTo, Comparator, Family, Periodicity, ResolutionKind, RunKind, Status, Unit


class ResolutionQuerySet(ScopedQuerySet):
    def in_force(self, year: int):
        return self.filter(start_year__lte=year, end_year__gte=year)


class Resolution(models.Model):
    """A resolution, plan or programme with quantitative targets. ``scope`` is the organization whose
    subtree its targets measure; without one (a catalogue entry not yet attached) nothing is computed."""

    scope_field = "scope__path"  # the organization path visible_to scopes on (organizations.scoping)
    # A resolution measures its scope's subtree: those who see any of it see the resolution (and their own
    # figures under it); an unattached catalogue entry is seen by whoever may attach it.
    scope_seen_from_below = True
    unscoped_action = Perm.CHANGE_TARGETS

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Prefix of its target codes, e.g. LD"))
    number = models.CharField(_("number"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=ResolutionKind.choices, default=ResolutionKind.RESOLUTION)
    issuer_name = models.CharField(_("issuing body"), max_length=255)
    issuing_body = models.ForeignKey(Organization, verbose_name=_("issuing body (organization)"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="resolutions_issued")
    scope = models.ForeignKey(Organization, verbose_name=_("organization measured"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="resolutions")
    issued_on = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    source_text = models.TextField(_("source text"), blank=True)
    history = HistoricalRecords()

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-end_year", "code"]
        constraints = [models.CheckConstraint(condition=models.Q(start_year__lte=models.F("end_year")),
                                              name="resolution_years_ordered")]

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class ResolutionBaseline(models.Model):
    """A figure the resolution states as its starting point, as the document states it (TARGETS.md: seed 000's
    "68 TCCSĐ … 2.712 đảng viên … 1807 đại học", whose parts add up to 2,724): a key of the fixed vocabulary
    (``targets.engine.baselines.BASELINE_KEYS``), so the pages can set the register's figure for the same key
    beside it, on the date the document gives it. "other" is a figure the register has no counterpart for."""

    scope_field = "resolution__scope__path"  # as its resolution
    scope_seen_from_below = True
    unscoped_action = Perm.CHANGE_TARGETS

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE,
                                   related_name="baselines")
    as_of = models.DateField(_("figures as of"), help_text=_("The date the document gives its figures for"))
    key = models.CharField(_("figure"), max_length=40, choices=BASELINE_KEYS)
    label = models.CharField(_("label in the document"), max_length=120, blank=True,
                             help_text=_("Required for another figure; otherwise the document's own words, if "
                                         "they differ"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline figure")
        verbose_name_plural = _("baseline figures")
        ordering = ["resolution", "as_of", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "as_of", "key", "label"], name="baseline_once_a_day"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="baseline_not_negative"),
        ]

    def __str__(self):
        return f"{self.resolution.code} {self.as_of:%d/%m/%Y} {self.label or self.get_key_display()}: {self.value}"


class TargetQuerySet(ScopedQuerySet):
    def computable(self):
        return self.filter(active=True, resolution__scope__isnull=False)


class Target(models.Model):
    """One quantitative (or checkable) target: which metric measures it, with which parameters, and how
    the value is judged. ``lower``/``upper`` are the bounds (``lower`` alone for ≥ and >, ``upper`` alone
    for ≤ and <, both for a range). A target without a threshold is shown, not judged (comparator none)."""

    scope_field = "resolution__scope__path"  # the organization path visible_to scopes on (organizations.scoping)
    scope_seen_from_below = True  # as its resolution
    unscoped_action = Perm.CHANGE_TARGETS

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE,
                                   related_name="targets")
    code = models.CharField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    family = models.CharField(_("metric family"), max_length=8, choices=Family.choices)
    params = models.JSONField(_("metric parameters"), default=dict, blank=True)
    short_text = models.CharField(_("short text"), max_length=255)
    clause = models.TextField(_("clause quoted"))
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    lower = models.DecimalField(_("lower bound"), max_digits=9, decimal_places=2, null=True, blank=True)
    upper = models.DecimalField(_("upper bound"), max_digits=9, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PERCENT)
    periodicity = models.CharField(_("periodicity"), max_length=8, choices=Periodicity.choices,
                                   default=Periodicity.YEARLY)
    # A term or dated target may span other years than its resolution (KT-3: the 2015–2020 term).
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True,
                                                help_text=_("For a dated target: the year it must be reached by"))
    # Whom it binds: a target of the resolution's own organization judges only that organization's row; the
    # rows under it show their contribution (status "not judged"). db_default: the catalogue migration (0002)
    # inserts targets with its older model state.
    applies_to = models.CharField(_("applies to"), max_length=8, choices=AppliesTo.choices, default=AppliesTo.EACH,
                                  db_default=AppliesTo.EACH)
    # How the figure approximates what the sentence asks, where it does (issue 17, item 9): shown on the
    # target's pages so a reader knows what exactly is counted.
    method_note = models.TextField(_("how it is counted"), blank=True, db_default="")
    active = models.BooleanField(_("active"), default=True)
    # The last recompute of this target failed (bad parameters forced into the database, a missing indicator):
    # shown on its page and in the run; the other targets of the run completed. Cleared by the next success.
    # db_default: the catalogue data migration (0002) inserts targets with its older model state.
    compute_error = models.TextField(_("computation error"), blank=True, db_default="")
    compute_error_at = models.DateTimeField(_("computation failed at"), null=True, blank=True)
    # When rows of this target were last replaced (set in the recompute's transaction): the freshness pages
    # that cache what they read key on (targets.dashboards.cache).
    attainments_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["compute_error", "compute_error_at", "attainments_at"])

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["resolution", "order", "code"]

    def __str__(self):
        return f"{self.code} {self.short_text}"

    @property
    def judged(self) -> bool:
        return self.comparator != Comparator.NONE

    @property
    def first_year(self) -> int:
        return self.start_year or self.resolution.start_year

    @property
    def last_year(self) -> int:
        return self.end_year or self.resolution.end_year

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def period(self, year: int) -> tuple[dt.date, dt.date]:
        """The dates a figure for ``year`` covers: the calendar year, or from the term's start to the end
        of ``year`` for a term target (so earlier years show the cumulative figure so far)."""
        start = self.first_year if self.periodicity == Periodicity.TERM else year
        return dt.date(start, 1, 1), dt.date(year, 12, 31)

    def is_final(self, year: int) -> bool:
        """Whether the figure for ``year`` is the one the target is judged on (a term or dated target is
        judged in its last year; earlier years are progress)."""
        return self.periodicity == Periodicity.YEARLY or year == self.last_year

    def bounds_text(self) -> str:
        from targets.engine.formatting import bounds_text

        return bounds_text(self)


class AttainmentQuerySet(ScopedQuerySet):
    pass


class Attainment(models.Model):
    """The computed figure of one target for one organization (the resolution's scope or an organization
    under it) and one year. Rows of a target are replaced together in one transaction, so a target never
    shows a mix of two computations; ``computed_at`` is the same for all of them."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="attainments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="attainments")
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2, null=True)
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=2, null=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    missing = models.JSONField(_("missing data"), default=list, blank=True)
    final = models.BooleanField(_("final figure"), default=True)
    projection = models.DecimalField(_("projection"), max_digits=14, decimal_places=2, null=True)
    details = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    inputs_changed_at = models.DateTimeField(_("records last changed"), null=True)

    objects = AttainmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attainment")
        verbose_name_plural = _("attainments")
        ordering = ["target", "organization__path", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "organization", "year"], name="attainment_once")]
        indexes = [models.Index(fields=["organization", "year"], name="attainment_org_year")]

    def __str__(self):
        return f"{self.target.code} {self.organization} {self.year}: {self.value} ({self.status})"


# ------------------------------------------------------------------------------ recompute bookkeeping

class PendingChange(models.Model):
    """A change event waiting for the debounced recompute: what kind of records changed, for which year,
    under which organization. Many edits of the same (kind, year, organization) are one row."""

    kind = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    organization_id = models.IntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year", "organization_id"], name="pending_once")]


class ChangeMark(models.Model):
    """When records of a kind last changed for a year: the attainments' input freshness."""

    kind = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="change_mark_once")]


class RecomputeRun(BackgroundRun):
    """One recompute (full, or of the targets some changes affect) with its progress, for the "recompute
    now" page and the record of background work. A full run that finds an older one still running marks it
    interrupted (``recompute.run_recompute``), so no time limit applies."""

    kind = models.CharField(_("kind"), max_length=8, choices=RunKind.choices)
    resolution = models.ForeignKey(Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-requested_at"]

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class DebounceClaim(models.Model):
    """One row: until when a queued ``process_changes`` task is pending. Change events schedule a task
    only when they can move ``due_at`` from the past into the future (one conditional UPSERT)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    due_at = models.DateTimeField()
    # A trailing task is queued for ``due_at`` (for the changes that arrive after the leading one started).
    trailing_queued = models.BooleanField(default=False, db_default=False)
