"""Fixed vocabularies of the organization tree. Labels are Vietnamese through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial party committee")
    DIRECT = "direct", _("Directly subordinate party committee")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots party committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots party cell")
    PARTIAL_COMMITTEE = "partial_committee", _("Partial party committee")
    SUB_CELL = "sub_cell", _("Subordinate party cell")
    PARTY_GROUP = "party_group", _("Party group")


# Which kinds may sit directly under which (None = a root). Party Charter structure, DESIGN §3.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.PROVINCIAL: {None},
    OrgKind.DIRECT: {OrgKind.PROVINCIAL},
    OrgKind.GRASSROOTS_COMMITTEE: {OrgKind.DIRECT, OrgKind.PROVINCIAL},
    OrgKind.GRASSROOTS_CELL: {OrgKind.DIRECT, OrgKind.PROVINCIAL},
    OrgKind.PARTIAL_COMMITTEE: {OrgKind.GRASSROOTS_COMMITTEE},
    OrgKind.SUB_CELL: {OrgKind.GRASSROOTS_COMMITTEE, OrgKind.PARTIAL_COMMITTEE},
    OrgKind.PARTY_GROUP: {OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL},
}
TCCSD_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL})
CELL_KINDS = frozenset({OrgKind.GRASSROOTS_CELL, OrgKind.SUB_CELL})


class Sector(models.TextChoices):
    PARTY_MASS = "party_mass", _("Party or mass-organization agency")
    ADMINISTRATIVE = "administrative", _("Administrative agency")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Non-state enterprise")
    COMMUNE = "commune", _("Commune or ward")
    OTHER = "other", pgettext_lazy("sector", "Other")


class MassOrgKind(models.TextChoices):
    TRADE_UNION = "trade_union", _("Trade union")
    YOUTH_UNION = "youth_union", _("Ho Chi Minh Communist Youth Union")
    VETERANS = "veterans", _("Veterans' Association")
    WOMEN = "women", _("Women's Union")
    OTHER = "other", pgettext_lazy("mass organization", "Other")


class MassOrgLevel(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots")
    UPPER = "upper", _("Above grassroots (bloc level)")


class EventKind(models.TextChoices):
    FOUNDED = "founded", _("Founded")
    RENAMED = "renamed", _("Renamed")
    MOVED = "moved", _("Moved under another organization")
    MERGED = "merged", _("Merged")
    SPLIT = "split", _("Split")
    DISSOLVED = "dissolved", _("Dissolved")


class Role(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    INSPECTION_STAFF = "inspection_staff", _("Inspection staff")
    GRASSROOTS_OFFICER = "grassroots_officer", _("Grassroots officer")
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    LEADERSHIP = "leadership", _("Leadership")
    ADMINISTRATOR = "administrator", _("Administrator")
