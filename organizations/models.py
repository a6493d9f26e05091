"""The party-organization tree, its dated history, host units, mass organizations and role assignments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from organizations.choices import CELL_KINDS, TCCSD_KINDS, EventKind, MassOrgKind, MassOrgLevel, OrgKind, Role, Sector
from organizations.scoping import ScopedQuerySet


class HostUnit(models.Model):
    """The agency, public-service unit, enterprise or commune a grassroots organization sits in.
    Its sector decides which targets and report sections it falls under."""

    name = models.CharField(_("name"), max_length=255)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("host unit")
        verbose_name_plural = _("host units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    def tccsd(self):
        """Grassroots party organizations (tổ chức cơ sở đảng)."""
        return self.filter(kind__in=TCCSD_KINDS)

    def cells(self):
        """Cells (chi bộ): the only organizations members belong to."""
        return self.filter(kind__in=CELL_KINDS)

    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, organization, include_self: bool = True):
        qs = self.filter(path__startswith=organization.path)
        return qs if include_self else qs.exclude(pk=organization.pk)

    def children_of(self, organization):
        return self.filter(path__startswith=organization.path, depth=organization.depth + 1)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A party organization at any level. The materialized path (treebeard MP) is today's place in the
    tree; where it was on an earlier date is in OrganizationPlacement. Write through
    organizations.services, which keeps both in step and records the dated event."""

    scope_field = "path"  # the organization path visible_to scopes on (organizations.scoping)

    steplen = 4
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=50, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    host_unit = models.ForeignKey(
        HostUnit, verbose_name=_("host unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    founded_on = models.DateField(_("founded on"), default=dt.date(2000, 1, 1))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    # The first day whose records (meetings, ratings, admissions, inspections, reports) the application
    # keeps for this organization: a period before it has no records to judge ("chưa đủ dữ liệu"), not a
    # failure. Empty means its founding date (an organization recorded from the day it was founded).
    records_from = models.DateField(_("records kept from"), null=True, blank=True,
                                    help_text=_("The first day whose meetings, ratings, admissions and reports "
                                                "are recorded here; empty: the founding date."))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["numchild"])

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        indexes = [
            # LIKE 'prefix%' subtree tests use this whatever the database collation.
            models.Index(OpClass("path", name="varchar_pattern_ops"), name="org_path_pattern"),
            models.Index(fields=["kind", "dissolved_on"], name="org_kind_dissolved"),
            models.Index(fields=["name", "path"], name="org_name_order"),  # the lists' order by name
        ]

    def __str__(self):
        return self.name

    @property
    def records_kept_from(self) -> dt.date:
        return self.records_from or self.founded_on

    @property
    def is_tccsd(self) -> bool:
        return self.kind in TCCSD_KINDS

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def existed_on(self, day: dt.date) -> bool:
        return self.founded_on <= day and (self.dissolved_on is None or day < self.dissolved_on)

    def grassroots(self) -> Organization | None:
        """The TCCSĐ this organization belongs to (itself if it is one)."""
        if self.is_tccsd:
            return self
        for ancestor in reversed(Organization.objects.get_ancestors(self)):
            if ancestor.is_tccsd:
                return ancestor
        return None


class DateRangeQuerySet(models.QuerySet):
    """Rows dated by a ``valid`` date range: placements, membership, status and position periods."""

    def on(self, day: dt.date):
        return self.filter(valid__contains=day)


class PlacementQuerySet(DateRangeQuerySet):
    def under_on(self, organization_id: int, day: dt.date):
        """The placements on ``day`` of the organizations under ``organization_id`` then (itself included):
        the population vocabulary's ``ids_under_on``."""
        from organizations.population import ids_under_on

        return self.on(day).filter(organization_id__in=ids_under_on(organization_id, day))


class OrganizationPlacement(models.Model):
    """Where an organization stood in the tree, and under which name, for a span of dates.

    The tree's paths are today's; an organization moved under a new committee in 2025 must still count
    under its old committee for 2021–2024. Each tree change closes the affected rows and opens new ones,
    so "which organizations existed under X on date D" is: placements valid on D whose path starts with
    X's path on D. At any date no two valid placements share a path."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="placements")
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=OrgKind.choices)
    valid = DateRangeField()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization placement")
        verbose_name_plural = _("organization placements")
        indexes = [
            models.Index(OpClass("path", name="varchar_pattern_ops"), name="placement_path_pattern"),
            GistIndex(fields=["valid"], name="placement_valid_gist"),
        ]
        constraints = [
            ExclusionConstraint(
                name="placement_no_overlap_per_org",
                expressions=[("organization", RangeOperators.EQUAL), ("valid", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self):
        return f"{self.name} [{self.valid.lower}, {self.valid.upper})"


class OrganizationAncestry(models.Model):
    """The dated tree as data: one row per (organization, ancestor) for a span of dates during which the
    organization stood under the ancestor (the organization itself included, at distance 0), taken from the
    placements of both. "Organizations under X on day D" is then an equality join on ``ancestor`` with
    ``valid @> D`` — an index lookup — instead of a prefix test between two paths that no index serves.

    Written only by the database: statement triggers on OrganizationPlacement rebuild the rows of every
    organization whose placements (or whose ancestors' placements) a statement changed, in the same
    transaction, so bulk loads, the tree services and raw SQL all keep it true (migration 0002). Read it
    through ``organizations.population``, never directly."""

    # No single-column btree indexes: the planner then combined one with the date-range GiST into a bitmap AND
    # that reads the whole range index per slot. The two composite GiST indexes below serve the metrics' reads;
    # the btree on (organization, ancestor) answers "did this row's organization stand under X?" for a few
    # thousand known organizations (a drill-down's rows) by index-only probes, ten times faster than the GiST.
    organization = models.ForeignKey(Organization, on_delete=models.DO_NOTHING, related_name="+",
                                     db_constraint=False, db_index=False)
    ancestor = models.ForeignKey(Organization, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                                 db_index=False)
    kind = models.CharField(max_length=32, choices=OrgKind.choices)  # the organization's kind in that placement
    depth = models.PositiveIntegerField()  # the organization's depth then
    ancestor_depth = models.PositiveIntegerField()
    valid = DateRangeField()

    class Meta:
        verbose_name = _("organization ancestry")
        verbose_name_plural = _("organization ancestries")
        indexes = [
            GistIndex(fields=["ancestor", "valid"], name="ancestry_ancestor_valid"),
            GistIndex(fields=["organization", "valid"], name="ancestry_org_valid"),
            models.Index(fields=["organization", "ancestor"], include=["valid"], name="ancestry_org_ancestor"),
        ]

    def __str__(self):
        return f"{self.organization_id} < {self.ancestor_id} {self.valid}"


class OrganizationEvent(models.Model):
    """A dated operation on the tree: founding, rename, move, merge, split, dissolution. ``related``
    holds the other side (the organizations merged into this one, or those a split created)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("operation"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("effective date"))
    related = models.ManyToManyField(Organization, blank=True, related_name="related_events")
    details = models.JSONField(_("details"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision = models.CharField(_("decision"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization event")
        verbose_name_plural = _("organization events")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organization} {self.date:%d/%m/%Y}"


class MassOrganization(models.Model):
    """A mass organization (đoàn thể) attached to a party organization; rated yearly (ratings issue)."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=MassOrgKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=MassOrgLevel.choices, default=MassOrgLevel.GRASSROOTS)
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organization"), on_delete=models.PROTECT, related_name="mass_organizations"
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mass organization")
        verbose_name_plural = _("mass organizations")
        ordering = ["organization__path", "kind"]

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    """A user holds a role over an organization's whole subtree."""

    scope_field = "organization__path"  # the organization path visible_to scopes on (organizations.scoping)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="unique_role_assignment"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
